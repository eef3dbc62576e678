use std::fmt;

use serde::{Deserialize, Serialize};

use super::ValueError;

/// The code of a care-office region in the CBS region classification: `ZK` and two digits, e.g. `ZK09`.
/// Read case-insensitively, always written in capitals. Whether a region has this code is the region
/// registry's business.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CbsRegionCode(String);

impl CbsRegionCode {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let well_formed = input.len() == 4
            && input.get(..2).is_some_and(|prefix| prefix.eq_ignore_ascii_case("zk"))
            && input[2..].bytes().all(|b| b.is_ascii_digit())
            && &input[2..] != "00";
        if well_formed { Ok(Self(input.to_ascii_uppercase())) } else { Err(ValueError::CbsRegionCode) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CbsRegionCode {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CbsRegionCode> for String {
    fn from(value: CbsRegionCode) -> Self {
        value.0
    }
}

impl fmt::Display for CbsRegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cbs_region_code_is_zk_and_two_digits_in_any_case_written_in_capitals() {
        assert_eq!(CbsRegionCode::parse("zk09").map(String::from), Ok("ZK09".to_owned()));
        assert_eq!(CbsRegionCode::parse("ZK33").map(String::from), Ok("ZK33".to_owned()));
        for bad in ["", "ZK", "ZK9", "ZK009", "ZK00", "XK09", "ZKO9", "ZK 9", "zk٠٩"] {
            assert_eq!(CbsRegionCode::parse(bad), Err(ValueError::CbsRegionCode), "{bad:?}");
        }
    }
}
