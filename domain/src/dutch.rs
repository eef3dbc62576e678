//! Dates written the way Dutch legal staff read them: "maandag 16 februari 2026".

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

/// "16 februari 2026".
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// "maandag 16 februari 2026".
pub fn weekday_date(d: NaiveDate) -> String {
    format!("{} {}", weekday(d.weekday()), date(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_written_with_its_dutch_weekday_and_month() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 16).unwrap();
        assert_eq!(weekday_date(d), "maandag 16 februari 2026");
        assert_eq!(date(NaiveDate::from_ymd_opt(2025, 11, 4).unwrap()), "4 november 2025");
    }
}
