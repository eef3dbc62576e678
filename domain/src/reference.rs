//! Reference data that changes with the law, read from data files at start: regions, equated days and the
//! commencement date. Nothing here is a code constant.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::AtwCalendar;
use crate::values::RegionSlug;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceDataError {
    #[error("the {file} file cannot be read: {message}")]
    Parse { file: &'static str, message: String },
    #[error("reference data is inconsistent: {0}")]
    Invalid(String),
}

/// A care-office region with the period in which it exists and where that is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub slug: RegionSlug,
    pub name: String,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    pub source: String,
}

impl Region {
    /// True when the region exists on at least one day of `year`.
    pub fn exists_in(&self, year: i32) -> bool {
        self.valid_from.year() <= year && self.valid_until.is_none_or(|until| until.year() >= year)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    region: Vec<Region>,
}

/// The regions, from `data/regions.toml`.
#[derive(Debug, Clone, Default)]
pub struct RegionRegistry {
    regions: Vec<Region>,
}

/// Why a region cannot be used for a year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("is not a known care-office region")]
    Unknown,
    #[error("did not exist as a care-office region in {year}")]
    NotInYear { year: i32 },
}

impl RegionRegistry {
    pub fn from_toml(text: &str) -> Result<Self, ReferenceDataError> {
        let file: RegionFile =
            toml::from_str(text).map_err(|e| ReferenceDataError::Parse { file: "regions", message: e.to_string() })?;
        Self::new(file.region)
    }

    pub fn new(regions: Vec<Region>) -> Result<Self, ReferenceDataError> {
        for (i, region) in regions.iter().enumerate() {
            if regions[..i].iter().any(|r| r.slug == region.slug) {
                return Err(ReferenceDataError::Invalid(format!("region {} is listed twice", region.slug)));
            }
            if region.valid_until.is_some_and(|until| until < region.valid_from) {
                return Err(ReferenceDataError::Invalid(format!("region {} ends before it begins", region.slug)));
            }
        }
        Ok(Self { regions })
    }

    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    pub fn get(&self, slug: &RegionSlug) -> Option<&Region> {
        self.regions.iter().find(|r| &r.slug == slug)
    }

    /// The region, if it exists in `year`.
    pub fn for_year(&self, slug: &RegionSlug, year: i32) -> Result<&Region, RegionError> {
        let region = self.get(slug).ok_or(RegionError::Unknown)?;
        if region.exists_in(year) { Ok(region) } else { Err(RegionError::NotInYear { year }) }
    }
}

/// The day art. 105(2)-(4) Wmg (new) enter into force (R12), and whether that day is an assumption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commencement {
    pub date: NaiveDate,
    pub assumption: bool,
    pub source: String,
}

impl Default for Commencement {
    /// 1 January 2025, an assumption until the commencement decree is known.
    fn default() -> Self {
        Self {
            date: NaiveDate::from_ymd_opt(2025, 1, 1).expect("a valid date"),
            assumption: true,
            source: "assumed default".to_owned(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LawFile {
    commencement: Commencement,
}

impl Commencement {
    pub fn from_toml(text: &str) -> Result<Self, ReferenceDataError> {
        let file: LawFile =
            toml::from_str(text).map_err(|e| ReferenceDataError::Parse { file: "law", message: e.to_string() })?;
        Ok(file.commencement)
    }
}

/// Everything the term engine needs besides the recorded facts.
#[derive(Debug, Clone, Default)]
pub struct LegalContext {
    pub calendar: AtwCalendar,
    pub regions: RegionRegistry,
    pub commencement: Commencement,
}

/// The reference data files shipped with the source, for tests and as the default when no data directory is
/// given. Their location is `data/` at the root of the workspace.
pub mod shipped {
    pub const EQUATED_DAYS: &str = include_str!("../../data/atw-equated-days.toml");
    pub const REGIONS: &str = include_str!("../../data/regions.toml");
    pub const LAW: &str = include_str!("../../data/law.toml");
}

impl LegalContext {
    pub fn from_toml(equated_days: &str, regions: &str, law: &str) -> Result<Self, ReferenceDataError> {
        Ok(Self {
            calendar: AtwCalendar::from_toml(equated_days)?,
            regions: RegionRegistry::from_toml(regions)?,
            commencement: Commencement::from_toml(law)?,
        })
    }

    /// The data files as shipped in `data/`.
    pub fn shipped() -> Result<Self, ReferenceDataError> {
        Self::from_toml(shipped::EQUATED_DAYS, shipped::REGIONS, shipped::LAW)
    }
}
