use std::fmt;

use serde::{Deserialize, Serialize};

use super::ValueError;

/// A care provider's AGB code: exactly eight digits, leading zeros kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgbCode(String);

impl AgbCode {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.len() == 8 && input.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(input.to_owned()))
        } else {
            Err(ValueError::AgbCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AgbCode {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgbCode> for String {
    fn from(value: AgbCode) -> Self {
        value.0
    }
}

impl fmt::Display for AgbCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agb_code_is_eight_digits_with_leading_zeros_kept() {
        assert_eq!(AgbCode::parse("01234567").unwrap().as_str(), "01234567");
        for bad in ["1234567", "123456789", "1234567a", "", " 12345678", "１２３４５６７８"] {
            assert_eq!(AgbCode::parse(bad), Err(ValueError::AgbCode), "{bad:?}");
        }
    }
}
