use std::fmt;

use serde::{Deserialize, Serialize};

use super::ValueError;

const MAX_SLUG_CHARS: usize = 64;

/// The stable lowercase slug by which a care-office region is addressed, e.g. `noord-holland-noord`.
/// Whether a region with this slug exists, and in which years, is the region registry's business.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionSlug(String);

impl RegionSlug {
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let well_formed = !input.is_empty()
            && input.len() <= MAX_SLUG_CHARS
            && input
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if well_formed { Ok(Self(input.to_owned())) } else { Err(ValueError::RegionSlug) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegionSlug {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RegionSlug> for String {
    fn from(value: RegionSlug) -> Self {
        value.0
    }
}

impl fmt::Display for RegionSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_slug_is_lowercase_words_joined_by_single_hyphens() {
        assert!(RegionSlug::parse("noord-holland-noord").is_ok());
        assert!(RegionSlug::parse("t-gooi").is_ok());
        for bad in ["", "Groningen", "noord--holland", "-a", "a-", "a b", "a/b", "..", "%2f"] {
            assert_eq!(RegionSlug::parse(bad), Err(ValueError::RegionSlug), "{bad:?}");
        }
    }
}
