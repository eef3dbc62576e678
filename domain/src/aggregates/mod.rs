//! The aggregates of the register, on cqrs-es 0.5: a contracting-space decision, a tariff decision, an appeal,
//! an objection to a tariff decision, and the reference data the register judges with. Commands are imperative, events past tense; every event carries its type and version.

pub mod appeal;
pub mod objection;
pub mod reference_data;
pub mod space_decision;
pub mod tariff_decision;

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::persist::EventUpcaster;

use crate::reference::LegalContext;

/// What a command handler may consult: the reference data (regions, calendar, commencement).
pub type Services = Arc<LegalContext>;

/// The version every event is written with today. Bump it, and add an upcaster below that turns the older
/// payload into the new one, whenever an event's payload changes shape.
pub const EVENT_VERSION: &str = "1.0";

/// The upcasters applied to every event read from the store, oldest change first. Each turns a stored payload
/// of an older version into the current shape (a `SemanticVersionEventUpcaster` per change), so events once
/// written never need rewriting. Every event is still at its first version, so the list is empty.
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    Vec::new()
}

/// The earliest and latest year the register accepts anywhere: a sanity bound on input, not a legal rule.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2200;

/// The earliest and latest legal date accepted as input, by the same sanity bound.
pub fn date_in_range(date: NaiveDate) -> bool {
    use chrono::Datelike;
    YEARS.contains(&date.year())
}

/// Why a region cannot be used in a year, if it cannot: an unknown region always; a region outside its
/// validity only when the year itself is acceptable (otherwise the year is what is wrong).
pub(crate) fn region_break(
    context: &LegalContext,
    region: &crate::values::RegionSlug,
    year: i32,
    year_fits: bool,
) -> Option<crate::reference::RegionError> {
    match context.regions.for_year(region, year) {
        Err(error @ crate::reference::RegionError::Unknown) => Some(error),
        Err(error) if year_fits => Some(error),
        _ => None,
    }
}
