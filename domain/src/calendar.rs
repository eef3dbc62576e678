//! The Algemene termijnenwet (Atw) calendar: which days are not working days, and why.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::dutch;
use crate::explanation::Explanation;
use crate::reference::ReferenceDataError;

/// Why a day is not a working day under the Atw. A day may have several reasons (5 May on a Saturday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NonWorkingReason {
    /// Art. 1 lid 1 Atw.
    Saturday,
    /// Art. 1 lid 1 Atw.
    Sunday,
    /// A generally recognised holiday, art. 3 lid 1 Atw.
    Holiday { name: &'static str },
    /// Art. 3 lid 2 Atw equates Good Friday with a generally recognised holiday.
    GoodFriday,
    /// A day equated with a holiday by royal decree, art. 3 lid 3 Atw.
    Equated { name: String, decree: String },
}

impl NonWorkingReason {
    /// The article that makes this day a non-working day.
    pub fn basis(&self) -> String {
        match self {
            Self::Saturday | Self::Sunday => "art. 1 lid 1 Atw".to_owned(),
            Self::Holiday { .. } => "art. 3 lid 1 Atw".to_owned(),
            Self::GoodFriday => "art. 3 lid 2 Atw".to_owned(),
            Self::Equated { decree, .. } => decree.clone(),
        }
    }

    /// The day's name as the law calls it.
    pub fn name(&self) -> String {
        match self {
            Self::Saturday => "zaterdag".to_owned(),
            Self::Sunday => "zondag".to_owned(),
            Self::Holiday { name } => (*name).to_owned(),
            Self::GoodFriday => "Goede Vrijdag".to_owned(),
            Self::Equated { name, .. } => format!("gelijkgestelde dag ({name})"),
        }
    }
}

/// One royal decree under art. 3 lid 3 Atw with the days it equates, for the years it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquatedDaysDecree {
    pub first_year: i32,
    pub last_year: i32,
    pub citation: String,
    pub source: String,
    pub days: Vec<EquatedDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquatedDay {
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecreeFile {
    decree: Vec<EquatedDaysDecree>,
}

/// The Atw calendar: statutory holidays computed, equated days read from a data file of decrees.
#[derive(Debug, Clone, Default)]
pub struct AtwCalendar {
    decrees: Vec<EquatedDaysDecree>,
    equated: BTreeMap<NaiveDate, (String, String)>,
}

/// The result of art. 1 Atw applied to a nominal last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub nominal_last_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The non-working days passed over, in order, each with its first reason.
    pub skipped: Vec<(NaiveDate, NonWorkingReason)>,
    /// Years examined for which no decree under art. 3 lid 3 Atw is known.
    pub provisional_years: Vec<i32>,
}

impl Extension {
    pub fn provisional(&self) -> bool {
        !self.provisional_years.is_empty()
    }

    /// The art. 1 Atw step, and a provisional note where a year has no decree.
    pub fn explain(&self, explanation: &mut Explanation) {
        if self.skipped.is_empty() {
            explanation.step(
                "Art. 1 Algemene termijnenwet",
                format_args!(
                    "{} is geen zaterdag, zondag of algemeen erkende feestdag; de termijn eindigt op die dag",
                    dutch::weekday_date(self.last_day)
                ),
            );
        } else {
            let passed: Vec<String> = self
                .skipped
                .iter()
                .map(|(day, reason)| match reason {
                    NonWorkingReason::Saturday | NonWorkingReason::Sunday => dutch::weekday_date(*day).to_string(),
                    other => format!("{} ({}, {})", dutch::weekday_date(*day), other.name(), other.basis()),
                })
                .collect();
            explanation.step(
                "Art. 1 Algemene termijnenwet",
                format_args!(
                    "de termijn eindigt op een dag die geen werkdag is: {}; hij wordt verlengd tot en met {}",
                    passed.join(", "),
                    dutch::weekday_date(self.last_day)
                ),
            );
        }
        for year in &self.provisional_years {
            explanation.step(
                "Art. 3 lid 3 Algemene termijnenwet",
                format_args!(
                    "voor {year} is geen besluit tot gelijkstelling van dagen met algemeen erkende feestdagen \
                     bekend; de datum is berekend met de wettelijke feestdagen en is voorlopig"
                ),
            );
        }
    }
}

/// A non-working day of a year, with every reason that makes it one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NonWorkingDay {
    pub date: NaiveDate,
    pub reasons: Vec<NonWorkingReason>,
}

impl AtwCalendar {
    /// A calendar that knows no equated days: every year is provisional.
    pub fn statutory_only() -> Self {
        Self::default()
    }

    /// Reads the decrees from their data file (`data/atw-equated-days.toml`).
    pub fn from_toml(text: &str) -> Result<Self, ReferenceDataError> {
        let file: DecreeFile = toml::from_str(text)
            .map_err(|e| ReferenceDataError::Parse { file: "equated days", message: e.to_string() })?;
        Self::from_decrees(file.decree)
    }

    pub fn from_decrees(decrees: Vec<EquatedDaysDecree>) -> Result<Self, ReferenceDataError> {
        let mut equated = BTreeMap::new();
        for (i, decree) in decrees.iter().enumerate() {
            if decree.first_year > decree.last_year {
                return Err(ReferenceDataError::Invalid(format!("decree {} ends before it begins", decree.citation)));
            }
            if decrees[..i].iter().any(|d| d.first_year <= decree.last_year && decree.first_year <= d.last_year) {
                return Err(ReferenceDataError::Invalid(format!("decree {} overlaps another", decree.citation)));
            }
            for day in &decree.days {
                if !(decree.first_year..=decree.last_year).contains(&day.date.year()) {
                    return Err(ReferenceDataError::Invalid(format!(
                        "{} lies outside the years of {}",
                        day.date, decree.citation
                    )));
                }
                equated.insert(day.date, (day.name.clone(), decree.citation.clone()));
            }
        }
        Ok(Self { decrees, equated })
    }

    pub fn decrees(&self) -> &[EquatedDaysDecree] {
        &self.decrees
    }

    /// The decree under art. 3 lid 3 Atw that covers `year`, if one is known.
    pub fn decree_for(&self, year: i32) -> Option<&EquatedDaysDecree> {
        self.decrees.iter().find(|d| (d.first_year..=d.last_year).contains(&year))
    }

    /// True when no decree is known for `year`: results that depend on it are provisional.
    pub fn is_provisional(&self, year: i32) -> bool {
        self.decree_for(year).is_none()
    }

    /// Every reason why `day` is not a working day; empty for a working day.
    pub fn reasons(&self, day: NaiveDate) -> Vec<NonWorkingReason> {
        let mut reasons = Vec::new();
        match day.weekday() {
            Weekday::Sat => reasons.push(NonWorkingReason::Saturday),
            Weekday::Sun => reasons.push(NonWorkingReason::Sunday),
            _ => {}
        }
        if let Some(name) = statutory_holiday(day) {
            reasons.push(NonWorkingReason::Holiday { name });
        }
        if is_good_friday(day) {
            reasons.push(NonWorkingReason::GoodFriday);
        }
        if let Some((name, decree)) = self.equated.get(&day) {
            reasons.push(NonWorkingReason::Equated { name: name.clone(), decree: decree.clone() });
        }
        reasons
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.reasons(day).is_empty()
    }

    /// Art. 1 lid 1 Atw: a term whose last day is a Saturday, Sunday or generally recognised holiday runs on
    /// to the next day that is none of these. Dates in a year without a known decree are provisional.
    pub fn extend(&self, nominal_last_day: NaiveDate) -> Extension {
        let mut day = nominal_last_day;
        let mut skipped = Vec::new();
        let mut provisional_years = Vec::new();
        loop {
            if self.is_provisional(day.year()) && !provisional_years.contains(&day.year()) {
                provisional_years.push(day.year());
            }
            match self.reasons(day).into_iter().next() {
                None => break,
                Some(reason) => {
                    skipped.push((day, reason));
                    match day.checked_add_days(Days::new(1)) {
                        Some(next) => day = next,
                        None => break,
                    }
                }
            }
        }
        Extension { nominal_last_day, last_day: day, skipped, provisional_years }
    }

    /// Every non-working day of `year` under the Atw, in date order.
    pub fn non_working_days(&self, year: i32) -> Vec<NonWorkingDay> {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter_map(|date| {
                let reasons = self.reasons(date);
                (!reasons.is_empty()).then_some(NonWorkingDay { date, reasons })
            })
            .collect()
    }
}

/// Easter Sunday of the Gregorian calendar, computed by the `computus` crate.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    computus::gregorian_naive(year).ok()
}

fn easter_offset(year: i32, days: i64) -> Option<NaiveDate> {
    easter_sunday(year).and_then(|e| e.checked_add_signed(chrono::TimeDelta::days(days)))
}

fn is_good_friday(day: NaiveDate) -> bool {
    easter_offset(day.year(), -2) == Some(day)
}

/// The generally recognised holidays of art. 3 lid 1 Atw that fall on `day`, by their Dutch name.
pub fn statutory_holiday(day: NaiveDate) -> Option<&'static str> {
    let year = day.year();
    let (month, dom) = (day.month(), day.day());
    match (month, dom) {
        (1, 1) => return Some("Nieuwjaarsdag"),
        (5, 5) => return Some("5 mei (Bevrijdingsdag)"),
        (12, 25) => return Some("Eerste Kerstdag"),
        (12, 26) => return Some("Tweede Kerstdag"),
        _ => {}
    }
    if Some(day) == monarchs_birthday(year) {
        return Some(if year >= 2014 { "Koningsdag" } else { "Koninginnedag" });
    }
    let named = [(1, "Tweede Paasdag"), (39, "Hemelvaartsdag"), (50, "Tweede Pinksterdag")];
    named.into_iter().find(|(offset, _)| easter_offset(year, *offset) == Some(day)).map(|(_, name)| name)
}

/// The day on which the monarch's birthday is celebrated: from 2014 King's Day on 27 April, or 26 April when
/// 27 April is a Sunday; before 2014 Queen's Day on 30 April, or 29 April when 30 April is a Sunday.
fn monarchs_birthday(year: i32) -> Option<NaiveDate> {
    let (day, fallback) = if year >= 2014 { (27, 26) } else { (30, 29) };
    let date = NaiveDate::from_ymd_opt(year, 4, day)?;
    if date.weekday() == Weekday::Sun { NaiveDate::from_ymd_opt(year, 4, fallback) } else { Some(date) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kings_day_moves_to_26_april_when_27_april_is_a_sunday() {
        assert_eq!(monarchs_birthday(2014), Some(d(2014, 4, 26)));
        assert_eq!(monarchs_birthday(2025), Some(d(2025, 4, 26)));
        assert_eq!(monarchs_birthday(2026), Some(d(2026, 4, 27)));
    }

    #[test]
    fn queens_day_before_2014_moves_to_29_april_when_30_april_is_a_sunday() {
        assert_eq!(monarchs_birthday(2006), Some(d(2006, 4, 29)));
        assert_eq!(monarchs_birthday(2013), Some(d(2013, 4, 30)));
    }

    #[test]
    fn the_fifth_of_may_is_a_holiday_every_year() {
        for year in [2001, 2002, 2003, 2020, 2021, 2026, 2031] {
            assert_eq!(statutory_holiday(d(year, 5, 5)), Some("5 mei (Bevrijdingsdag)"));
        }
    }
}
