//! The Algemene termijnenwet calendar: worked cases of DOMAIN.md R6 and an independent cross-check.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use termijn_domain::calendar::{AtwCalendar, NonWorkingReason, easter_sunday, statutory_holiday};
use termijn_domain::reference::LegalContext;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn calendar() -> AtwCalendar {
    LegalContext::shipped().unwrap().calendar
}

#[test]
fn a_term_ending_on_good_friday_2031_runs_past_easter_monday_to_tuesday() {
    let extension = calendar().extend(d(2031, 4, 11));
    assert_eq!(extension.last_day, d(2031, 4, 15));
    let skipped: Vec<_> = extension.skipped.iter().map(|(day, _)| *day).collect();
    assert_eq!(skipped, [d(2031, 4, 11), d(2031, 4, 12), d(2031, 4, 13), d(2031, 4, 14)]);
    assert_eq!(extension.skipped[0].1, NonWorkingReason::GoodFriday);
    assert!(extension.provisional(), "2031 has no decree of equated days");
}

#[test]
fn a_term_ending_on_a_saturday_runs_on_to_monday() {
    let extension = calendar().extend(d(2026, 4, 11));
    assert_eq!(extension.last_day, d(2026, 4, 13));
    assert!(!extension.provisional());
}

#[test]
fn equated_days_of_the_2026_2028_decree_are_not_working_days() {
    let cal = calendar();
    for day in [d(2026, 1, 2), d(2026, 5, 15), d(2027, 5, 7), d(2028, 4, 28), d(2028, 5, 26)] {
        let reasons = cal.reasons(day);
        assert!(
            matches!(
                reasons.as_slice(),
                [NonWorkingReason::Equated { decree, .. }] if decree.starts_with("Besluit gelijkstelling van 2 januari 2026")
            ),
            "{day}: {reasons:?}"
        );
    }
    // Friday 2 January 2026 is equated, so a term ending on New Year's Day 2026 ends on Monday 5 January.
    assert_eq!(cal.extend(d(2026, 1, 1)).last_day, d(2026, 1, 5));
}

#[test]
fn every_equated_day_in_the_data_file_falls_on_a_weekday_of_its_decree_years() {
    for decree in calendar().decrees() {
        for day in &decree.days {
            assert!(!matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun), "{}", day.date);
            assert!((decree.first_year..=decree.last_year).contains(&day.date.year()));
        }
    }
}

#[test]
fn years_without_a_decree_are_provisional_and_get_no_invented_equated_days() {
    let cal = calendar();
    for year in [2010, 2013, 2020, 2021, 2022, 2029, 2035] {
        assert!(cal.is_provisional(year), "{year}");
        let equated = cal
            .non_working_days(year)
            .into_iter()
            .filter(|day| day.reasons.iter().any(|r| matches!(r, NonWorkingReason::Equated { .. })))
            .count();
        assert_eq!(equated, 0, "{year}");
    }
    for year in [2014, 2016, 2017, 2019, 2023, 2025, 2026, 2028] {
        assert!(!cal.is_provisional(year), "{year}");
    }
    // Friday 20 May 2022, after Ascension Day, is an ordinary working day here: no decree for 2022 is known.
    let extension = cal.extend(d(2022, 5, 20));
    assert_eq!(extension.last_day, d(2022, 5, 20));
    assert_eq!(extension.provisional_years, [2022]);
}

#[test]
fn a_statutory_only_calendar_makes_every_year_provisional() {
    let cal = AtwCalendar::statutory_only();
    assert!(cal.is_provisional(2026));
    assert!(cal.is_working_day(d(2026, 1, 2)), "without the decree 2 January 2026 is a working day");
}

#[test]
fn overlapping_or_misplaced_decrees_are_refused() {
    let overlapping = r#"
        [[decree]]
        first_year = 2026
        last_year = 2028
        citation = "a"
        source = "a"
        days = []
        [[decree]]
        first_year = 2028
        last_year = 2030
        citation = "b"
        source = "b"
        days = []
    "#;
    assert!(AtwCalendar::from_toml(overlapping).is_err());
    let misplaced = r#"
        [[decree]]
        first_year = 2026
        last_year = 2028
        citation = "a"
        source = "a"
        days = [{ date = "2029-01-02", name = "x" }]
    "#;
    assert!(AtwCalendar::from_toml(misplaced).is_err());
}

#[test]
fn the_calendar_of_a_year_lists_each_non_working_day_with_its_basis() {
    let days = calendar().non_working_days(2026);
    let good_friday = days.iter().find(|day| day.date == d(2026, 4, 3)).unwrap();
    assert_eq!(good_friday.reasons[0].basis(), "art. 3 lid 2 Atw");
    let kings_day = days.iter().find(|day| day.date == d(2026, 4, 27)).unwrap();
    assert_eq!(kings_day.reasons[0].basis(), "art. 3 lid 1 Atw");
    // 104 weekend days, plus 10 holidays on weekdays (5 May 2026 is a Tuesday; 26 December a Saturday),
    // plus 2 equated days.
    let weekday_holidays = days.iter().filter(|day| !matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun)).count();
    assert_eq!(days.len(), 104 + weekday_holidays);
    assert_eq!(weekday_holidays, 8 + 2);
}

#[derive(Deserialize)]
struct Fixture {
    source: String,
    years: [i32; 2],
    holidays: Vec<FixtureHoliday>,
}

#[derive(Deserialize)]
struct FixtureHoliday {
    date: NaiveDate,
    name: String,
}

/// The `holidays` package of PyPI lists Liberation Day only in lustrum years (its public-holiday convention);
/// art. 3 lid 1 Atw names 5 May every year. It also lists Easter Sunday and Whit Sunday, which are Sundays
/// anyway. Apart from those two documented differences the two sources must agree day for day.
#[test]
fn statutory_holidays_2000_to_2040_agree_with_the_independent_holidays_package() {
    let fixture: Fixture = serde_json::from_str(include_str!("fixtures/nl-holidays.json")).unwrap();
    assert_eq!(fixture.years, [2000, 2040], "{}", fixture.source);
    for year in fixture.years[0]..=fixture.years[1] {
        let mut theirs: Vec<NaiveDate> = fixture
            .holidays
            .iter()
            .filter(|h| h.date.year() == year && h.name != "Easter Sunday" && h.name != "Pentecost")
            .map(|h| h.date)
            .collect();
        theirs.push(d(year, 5, 5));
        theirs.sort();
        theirs.dedup();
        let ours: Vec<NaiveDate> = d(year, 1, 1)
            .iter_days()
            .take_while(|day| day.year() == year)
            .filter(|day| {
                statutory_holiday(*day).is_some() || easter_sunday(year).unwrap() - chrono::Days::new(2) == *day
            })
            .collect();
        assert_eq!(ours, theirs, "{year}");
    }
}

#[test]
fn a_term_ending_on_5_may_2027_runs_past_ascension_day_and_the_equated_friday_to_monday_10_may() {
    let extension = calendar().extend(d(2027, 5, 5));
    assert_eq!(extension.last_day, d(2027, 5, 10));
    assert_eq!(extension.skipped.len(), 5);
    assert!(matches!(extension.skipped[2].1, NonWorkingReason::Equated { .. }));
}
