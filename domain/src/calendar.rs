//! The Algemene termijnenwet (Atw) calendar: which days are a Saturday, Sunday or generally recognised holiday
//! (algemeen erkende feestdag) in the sense of art. 1 and 3 Atw, and why.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::dutch;
use crate::explanation::Explanation;
use crate::reference::ReferenceDataError;

/// Why a day is a Saturday, Sunday or generally recognised holiday under the Atw. A day may have several
/// reasons (5 May on a Saturday).
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
    /// A day equated with a generally recognised holiday by royal decree, art. 3 lid 3 Atw; `decree` is the
    /// decree's full title with its BWB number, or with the remark that it is known from a secondary source.
    Equated { name: String, decree: String },
}

impl NonWorkingReason {
    /// The article, and for an equated day the decree by its full title, that gives the day this standing.
    pub fn basis(&self) -> String {
        match self {
            Self::Saturday | Self::Sunday => "art. 1 lid 1 Atw".to_owned(),
            Self::Holiday { .. } => "art. 3 lid 1 Atw".to_owned(),
            Self::GoodFriday => "art. 3 lid 2 Atw".to_owned(),
            Self::Equated { decree, .. } => format!("art. 3 lid 3 Atw, {decree}"),
        }
    }

    /// The day's name as the law calls it.
    pub fn name(&self) -> String {
        match self {
            Self::Saturday => "zaterdag".to_owned(),
            Self::Sunday => "zondag".to_owned(),
            Self::Holiday { name } => (*name).to_owned(),
            Self::GoodFriday => "Goede Vrijdag".to_owned(),
            Self::Equated { name, .. } => format!("{name}, gelijkgesteld met een algemeen erkende feestdag"),
        }
    }
}

/// One royal decree under art. 3 lid 3 Atw with the days it equates, for the years it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquatedDaysDecree {
    pub first_year: i32,
    pub last_year: i32,
    /// The decree's full title, as it is cited.
    pub citation: String,
    /// The decree's identifier in the Basiswettenbestand (`BWBR` and seven digits), where known.
    #[serde(default)]
    pub bwb: Option<String>,
    /// True when the decree is known only from a secondary source: its title, but not yet its date, number and
    /// place of publication. Dates resting on it are not provisional; their explanation says where it comes from.
    #[serde(default)]
    pub from_secondary_source: bool,
    pub source: String,
    pub days: Vec<EquatedDay>,
}

impl EquatedDaysDecree {
    /// The decree as an explanation cites it: its full title with its BWB number, or with the remark that it is
    /// known from a secondary source.
    pub fn cited(&self) -> String {
        match (&self.bwb, self.from_secondary_source) {
            (Some(bwb), false) => format!("{} ({bwb})", self.citation),
            (Some(bwb), true) => format!("{} ({bwb}; bekend uit een secundaire bron)", self.citation),
            (None, true) => format!("{} (bekend uit een secundaire bron)", self.citation),
            (None, false) => self.citation.clone(),
        }
    }
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
    /// The Saturdays, Sundays and generally recognised holidays passed over, in order, each with its first reason.
    pub skipped: Vec<(NaiveDate, NonWorkingReason)>,
    /// Years examined for which no decree under art. 3 lid 3 Atw is known.
    pub provisional_years: Vec<i32>,
    /// Decrees under art. 3 lid 3 Atw known only from a secondary source that cover a year examined.
    pub secondary_source_decrees: Vec<SecondarySourceDecree>,
}

/// A decree under art. 3 lid 3 Atw known only from a secondary source, and the years examined that it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondarySourceDecree {
    /// The decree's full title.
    pub citation: String,
    pub years: Vec<i32>,
}

impl Extension {
    pub fn provisional(&self) -> bool {
        !self.provisional_years.is_empty()
    }

    /// The art. 1 Atw step in the Atw's own words; then, per year examined, a step saying that no decree under
    /// art. 3 lid 3 Atw is known (the date is provisional) or that the decree is known only from a secondary
    /// source (the date is not provisional).
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
                    other => format!("{} ({}; {})", dutch::weekday_date(*day), other.name(), other.basis()),
                })
                .collect();
            explanation.step(
                "Art. 1 Algemene termijnenwet",
                format_args!(
                    "de termijn eindigt op een zaterdag, zondag of algemeen erkende feestdag en wordt verlengd tot en \
                     met de eerstvolgende dag die niet een zaterdag, zondag of algemeen erkende feestdag is: {}; \
                     overgeslagen: {}",
                    dutch::weekday_date(self.last_day),
                    passed.join(", ")
                ),
            );
        }
        for year in &self.provisional_years {
            explanation.step(
                "Art. 3 lid 3 Algemene termijnenwet",
                format_args!(
                    "voor {year} is geen besluit bekend dat dagen gelijkstelt met een algemeen erkende feestdag; de \
                     datum is berekend met de feestdagen van art. 3 lid 1 en 2 Atw alleen en is voorlopig"
                ),
            );
        }
        for decree in &self.secondary_source_decrees {
            let years: Vec<String> = decree.years.iter().map(i32::to_string).collect();
            explanation.step(
                "Art. 3 lid 3 Algemene termijnenwet",
                format_args!(
                    "voor {} geldt het {}; dat besluit is alleen uit een secundaire bron bekend (datum, nummer en \
                     vindplaats nog niet gevonden); de datum is daarmee berekend en is niet voorlopig",
                    years.join(" en "),
                    decree.citation
                ),
            );
        }
    }
}

/// A Saturday, Sunday or generally recognised holiday of a year, with every reason that makes it one.
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
            if let Some(bwb) = &decree.bwb {
                let well_formed =
                    bwb.len() == 11 && bwb.starts_with("BWBR") && bwb.bytes().skip(4).all(|b| b.is_ascii_digit());
                if !well_formed {
                    return Err(ReferenceDataError::Invalid(format!(
                        "decree {} has BWB number {bwb:?}, not BWBR and seven digits",
                        decree.citation
                    )));
                }
            }
            for day in &decree.days {
                if !(decree.first_year..=decree.last_year).contains(&day.date.year()) {
                    return Err(ReferenceDataError::Invalid(format!(
                        "{} lies outside the years of {}",
                        day.date, decree.citation
                    )));
                }
                equated.insert(day.date, (day.name.clone(), decree.cited()));
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

    /// Every reason why `day` is a Saturday, Sunday or generally recognised holiday; empty for any other day.
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

    /// True when `day` is not a Saturday, Sunday or generally recognised holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.reasons(day).is_empty()
    }

    /// Art. 1 lid 1 Atw: a term whose last day is a Saturday, Sunday or generally recognised holiday runs on
    /// to the next day that is none of these. Dates in a year without a known decree are provisional; a year
    /// whose decree is known only from a secondary source is named, but not provisional (DOMAIN.md item 8).
    pub fn extend(&self, nominal_last_day: NaiveDate) -> Extension {
        let mut day = nominal_last_day;
        let mut skipped = Vec::new();
        let mut provisional_years = Vec::new();
        let mut secondary_source_decrees: Vec<SecondarySourceDecree> = Vec::new();
        loop {
            let year = day.year();
            match self.decree_for(year) {
                None if !provisional_years.contains(&year) => provisional_years.push(year),
                Some(decree) if decree.from_secondary_source => {
                    let citation = decree.citation.clone();
                    match secondary_source_decrees.iter_mut().find(|d| d.citation == citation) {
                        Some(known) if !known.years.contains(&year) => known.years.push(year),
                        Some(_) => {}
                        None => secondary_source_decrees.push(SecondarySourceDecree { citation, years: vec![year] }),
                    }
                }
                _ => {}
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
        Extension { nominal_last_day, last_day: day, skipped, provisional_years, secondary_source_decrees }
    }

    /// Every Saturday, Sunday and generally recognised holiday of `year` under the Atw, in date order.
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
