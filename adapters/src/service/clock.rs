//! The Dutch legal clock: legal dates are calendar days in Europe/Amsterdam.

use chrono::{DateTime, NaiveDate, Utc};

/// The legal date today in the Netherlands.
pub fn today() -> NaiveDate {
    legal_date_at(Utc::now())
}

/// The legal date in the Netherlands at an instant.
pub fn legal_date_at(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}
