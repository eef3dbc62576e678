use std::fmt;

use serde::{Deserialize, Serialize};

use super::ValueError;

const MAX_ID_CHARS: usize = 100;

fn parse_id(input: &str) -> Result<String, ValueError> {
    if input.is_empty() {
        return Err(ValueError::Empty);
    }
    if input.chars().count() > MAX_ID_CHARS {
        return Err(ValueError::TooLong { max: MAX_ID_CHARS });
    }
    // "." and ".." cannot be addressed in a URL path: clients rewrite them.
    if input.chars().any(char::is_control) || input.trim() != input || input == "." || input == ".." {
        return Err(ValueError::IdCharacters);
    }
    Ok(input.to_owned())
}

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// At most 100 characters, no control characters, no leading or trailing white space.
            pub fn parse(input: &str) -> Result<Self, ValueError> {
                parse_id(input).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

record_id!(
    /// The NZa's own identifier of a decision (besluit), e.g. `NZa-RCS-2025-11`.
    DecisionId
);
record_id!(
    /// The court's case number of an appeal, e.g. `CBb 26/0123`.
    AppealId
);
record_id!(
    /// The NZa's number of an objection (bezwaarschrift) to a tariff decision, e.g. `B-2026-0042`.
    ObjectionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_spelling_including_spaces_and_slashes() {
        assert_eq!(AppealId::parse("CBb 26/0123").unwrap().as_str(), "CBb 26/0123");
        assert_eq!(DecisionId::parse("NZa-RCS-2025-11").unwrap().as_str(), "NZa-RCS-2025-11");
    }

    #[test]
    fn empty_long_or_odd_ids_are_refused() {
        assert_eq!(DecisionId::parse(""), Err(ValueError::Empty));
        assert_eq!(DecisionId::parse(&"x".repeat(101)), Err(ValueError::TooLong { max: 100 }));
        assert_eq!(DecisionId::parse(" a"), Err(ValueError::IdCharacters));
        assert_eq!(DecisionId::parse("a\nb"), Err(ValueError::IdCharacters));
        assert_eq!(AppealId::parse("a\u{0}"), Err(ValueError::IdCharacters));
        assert_eq!(DecisionId::parse(".."), Err(ValueError::IdCharacters));
    }
}
