use std::fmt;

use serde::{Deserialize, Serialize};

use super::ValueError;

/// The code of a care-office region in the iWlz code list COD001: four digits, e.g. `5501` for Groningen.
/// Whether a region has this code, and since when, is the region registry's business.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IwlzRegionCode(String);

impl IwlzRegionCode {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.len() == 4 && input.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(input.to_owned()))
        } else {
            Err(ValueError::IwlzRegionCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IwlzRegionCode {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IwlzRegionCode> for String {
    fn from(value: IwlzRegionCode) -> Self {
        value.0
    }
}

impl fmt::Display for IwlzRegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iwlz_region_code_is_four_digits() {
        assert!(IwlzRegionCode::parse("5533").is_ok());
        for bad in ["", "553", "55330", "55a3", " 5533", "５５３３"] {
            assert_eq!(IwlzRegionCode::parse(bad), Err(ValueError::IwlzRegionCode), "{bad:?}");
        }
    }
}
