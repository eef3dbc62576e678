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

/// The instant a legal date begins in the Netherlands: midnight in Europe/Amsterdam (the first instant of the day
/// where a clock change would skip midnight).
pub fn start_of_legal_day(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight");
    chrono_tz::Europe::Amsterdam
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
}
