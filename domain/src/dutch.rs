//! Dates written the way Dutch legal staff read them: "maandag 16 februari 2026".

use std::fmt::{self, Display};

use chrono::{Datelike, NaiveDate, Weekday};

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// The Dutch name of a month (1 to 12), lower case: "december".
pub fn month(month: u32) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// The Dutch name of a weekday, lower case as it stands inside a sentence.
pub fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "maandag",
        Weekday::Tue => "dinsdag",
        Weekday::Wed => "woensdag",
        Weekday::Thu => "donderdag",
        Weekday::Fri => "vrijdag",
        Weekday::Sat => "zaterdag",
        Weekday::Sun => "zondag",
    }
}

/// "16 februari 2026", written out where it is formatted.
pub fn date(d: NaiveDate) -> impl Display {
    DutchDate { date: d, with_weekday: false }
}

/// "maandag 16 februari 2026", written out where it is formatted.
pub fn weekday_date(d: NaiveDate) -> impl Display {
    DutchDate { date: d, with_weekday: true }
}

struct DutchDate {
    date: NaiveDate,
    with_weekday: bool,
}

impl Display for DutchDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date;
        if self.with_weekday {
            write!(f, "{} ", weekday(d.weekday()))?;
        }
        write!(f, "{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_written_with_its_dutch_weekday_and_month() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 16).unwrap();
        assert_eq!(weekday_date(d).to_string(), "maandag 16 februari 2026");
        assert_eq!(date(NaiveDate::from_ymd_opt(2025, 11, 4).unwrap()).to_string(), "4 november 2025");
    }
}
