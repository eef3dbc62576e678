//! Value types: each parses its input once and is valid from then on ("parse, don't validate").

mod agb;
mod cbs_code;
mod date;
mod euro;
mod id;
mod iwlz_code;
mod region;

pub use agb::AgbCode;
pub use cbs_code::CbsRegionCode;
pub use date::parse_legal_date;
pub use euro::Euro;
pub use id::{AppealId, DecisionId, ObjectionId};
pub use iwlz_code::IwlzRegionCode;
pub use region::RegionSlug;

/// Why a value could not be parsed. The HTTP layer names the field; this names what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("must be exactly 8 digits (AGB code)")]
    AgbCode,
    #[error("must be a decimal amount in euros with at most two decimals, e.g. \"1234567.89\"")]
    AmountFormat,
    #[error("must not be negative")]
    AmountNegative,
    #[error("is too large")]
    AmountTooLarge,
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters, start or end with white space, or be \".\" or \"..\"")]
    IdCharacters,
    #[error("must be a date written YYYY-MM-DD that exists in the calendar")]
    DateFormat,
    #[error("must lie between 1990 and 2200")]
    DateOutOfRange,
    #[error("must be a lowercase slug of letters, digits and single hyphens, e.g. \"noord-holland-noord\"")]
    RegionSlug,
    #[error("must be a CBS care-office region code: \"ZK\" and two digits, e.g. \"ZK09\"")]
    CbsRegionCode,
    #[error("must be an iWlz region code (COD001): four digits, e.g. \"5501\"")]
    IwlzRegionCode,
}
