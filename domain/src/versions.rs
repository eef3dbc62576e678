//! Versions of the reference data: the files of each version, its content hash, and what changed from one
//! version to the next (equated days, decrees, the commencement date, the notice margin, regions), so that the
//! history can say when the calendar changed and `as_at` can judge with the data then in force.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::reference::{LegalContext, ReferenceDataError, shipped};
use crate::values::RegionSlug;

/// The reference data files of one version, as they were read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceFiles {
    /// `atw-equated-days.toml`.
    pub equated_days: String,
    /// `regions.toml`.
    pub regions: String,
    /// `law.toml`.
    pub law: String,
}

impl ReferenceFiles {
    /// The files shipped in `data/`.
    pub fn shipped() -> Self {
        Self {
            equated_days: shipped::EQUATED_DAYS.to_owned(),
            regions: shipped::REGIONS.to_owned(),
            law: shipped::LAW.to_owned(),
        }
    }

    /// The hex SHA-256 of the three files, each with its name and length, so that no two versions share it.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        for (name, text) in
            [("atw-equated-days.toml", &self.equated_days), ("regions.toml", &self.regions), ("law.toml", &self.law)]
        {
            hasher.update(format!("{name}\n{}\n", text.len()).as_bytes());
            hasher.update(text.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// What the term engine reads from these files.
    pub fn context(&self) -> Result<LegalContext, ReferenceDataError> {
        LegalContext::from_toml(&self.equated_days, &self.regions, &self.law)
    }
}

/// A day equated with a generally recognised holiday (art. 3 lid 3 Atw), with the decree that equates it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquatedDayChange {
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: NaiveDate,
    pub name: String,
    pub decree: String,
}

/// A value that changed, before and after.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved<T> {
    pub before: T,
    pub after: T,
}

/// A region whose validity changed: ended (a merger), or its end moved or taken back.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionValidity {
    pub region: RegionSlug,
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub valid_from: Moved<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub valid_until: Moved<Option<NaiveDate>>,
}

/// What changed from one version of the reference data to the next. Empty lists and `null`s: nothing of that
/// kind changed (a change of a source's wording changes the hash and nothing here).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceChange {
    /// The decrees of equated days (art. 3 lid 3 Atw) added, by their citation.
    pub decrees_added: Vec<String>,
    pub decrees_removed: Vec<String>,
    pub equated_days_added: Vec<EquatedDayChange>,
    pub equated_days_removed: Vec<EquatedDayChange>,
    /// The commencement date of art. 105 lid 2-4 Wmg (bill 36 486), and whether it is an assumption.
    pub commencement_date: Option<Moved<NaiveDate>>,
    pub commencement_assumption: Option<Moved<bool>>,
    /// R9: the days of the notice margin.
    pub notice_margin_days: Option<Moved<u64>>,
    pub regions_added: Vec<RegionSlug>,
    pub regions_removed: Vec<RegionSlug>,
    pub regions_changed: Vec<RegionValidity>,
}

fn moved<T: PartialEq + Clone>(before: &T, after: &T) -> Option<Moved<T>> {
    (before != after).then(|| Moved { before: before.clone(), after: after.clone() })
}

impl ReferenceChange {
    /// What changed from `before` to `after`.
    pub fn between(before: &LegalContext, after: &LegalContext) -> Self {
        let citations =
            |c: &LegalContext| -> Vec<String> { c.calendar.decrees().iter().map(|d| d.citation.clone()).collect() };
        let days = |c: &LegalContext| -> Vec<EquatedDayChange> {
            c.calendar
                .decrees()
                .iter()
                .flat_map(|d| {
                    d.days.iter().map(|day| EquatedDayChange {
                        date: day.date,
                        name: day.name.clone(),
                        decree: d.citation.clone(),
                    })
                })
                .collect()
        };
        let not_in = |list: &[String], other: &[String]| -> Vec<String> {
            list.iter().filter(|c| !other.contains(c)).cloned().collect()
        };
        let (decrees_before, decrees_after) = (citations(before), citations(after));
        let (days_before, days_after) = (days(before), days(after));
        let day_not_in = |list: &[EquatedDayChange], other: &[EquatedDayChange]| -> Vec<EquatedDayChange> {
            list.iter().filter(|d| !other.iter().any(|o| o.date == d.date)).cloned().collect()
        };
        let slugs = |c: &LegalContext| -> Vec<RegionSlug> { c.regions.all().iter().map(|r| r.slug.clone()).collect() };
        let (regions_before, regions_after) = (slugs(before), slugs(after));
        let regions_changed = after
            .regions
            .all()
            .iter()
            .filter_map(|now| {
                let was = before.regions.get(&now.slug)?;
                (was.valid_from != now.valid_from || was.valid_until != now.valid_until).then(|| RegionValidity {
                    region: now.slug.clone(),
                    valid_from: Moved { before: was.valid_from, after: now.valid_from },
                    valid_until: Moved { before: was.valid_until, after: now.valid_until },
                })
            })
            .collect();
        Self {
            decrees_added: not_in(&decrees_after, &decrees_before),
            decrees_removed: not_in(&decrees_before, &decrees_after),
            equated_days_added: day_not_in(&days_after, &days_before),
            equated_days_removed: day_not_in(&days_before, &days_after),
            commencement_date: moved(&before.commencement.date, &after.commencement.date),
            commencement_assumption: moved(&before.commencement.assumption, &after.commencement.assumption),
            notice_margin_days: moved(&before.notice_margin.days, &after.notice_margin.days),
            regions_added: regions_after.iter().filter(|r| !regions_before.contains(r)).cloned().collect(),
            regions_removed: regions_before.iter().filter(|r| !regions_after.contains(r)).cloned().collect(),
            regions_changed,
        }
    }

    /// What changed, in Dutch sentences, for a notice.
    pub fn sentences(&self) -> Vec<String> {
        let mut said = Vec::new();
        for decree in &self.decrees_added {
            said.push(format!("Besluit gelijkstelling toegevoegd: {decree}"));
        }
        for decree in &self.decrees_removed {
            said.push(format!("Besluit gelijkstelling verwijderd: {decree}"));
        }
        for day in &self.equated_days_added {
            said.push(format!("Met een feestdag gelijkgesteld: {} ({})", day.date, day.name));
        }
        for day in &self.equated_days_removed {
            said.push(format!("Niet langer met een feestdag gelijkgesteld: {} ({})", day.date, day.name));
        }
        if let Some(m) = &self.commencement_date {
            said.push(format!("Inwerkingtreding art. 105 lid 2-4 Wmg: {} wordt {}", m.before, m.after));
        }
        if let Some(m) = &self.commencement_assumption {
            let word = |a: bool| if a { "een aanname" } else { "vastgesteld" };
            said.push(format!("Datum van inwerkingtreding: {} wordt {}", word(m.before), word(m.after)));
        }
        if let Some(m) = &self.notice_margin_days {
            said.push(format!("Marge voor doorzending (R9): {} dagen wordt {} dagen", m.before, m.after));
        }
        for region in &self.regions_added {
            said.push(format!("Regio toegevoegd: {region}"));
        }
        for region in &self.regions_removed {
            said.push(format!("Regio verwijderd: {region}"));
        }
        for change in &self.regions_changed {
            let until = |d: Option<NaiveDate>| d.map_or_else(|| "geen einddatum".to_owned(), |d| d.to_string());
            said.push(format!(
                "Regio {}: geldig {} tot en met {} wordt {} tot en met {}",
                change.region,
                change.valid_from.before,
                until(change.valid_until.before),
                change.valid_from.after,
                until(change.valid_until.after)
            ));
        }
        if said.is_empty() {
            said.push("Geen wijziging die een datum raakt (alleen de tekst van de bestanden).".to_owned());
        }
        said
    }
}
