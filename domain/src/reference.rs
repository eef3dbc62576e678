//! Reference data that changes with the law, read from data files at start: regions, equated days and the
//! commencement date. Nothing here is a code constant.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::calendar::AtwCalendar;
use crate::values::{CbsRegionCode, IwlzRegionCode, RegionSlug};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceDataError {
    #[error("the {file} file cannot be read: {message}")]
    Parse { file: &'static str, message: String },
    #[error("reference data is inconsistent: {0}")]
    Invalid(String),
}

/// A care-office region with the period in which it exists, where that is written, and the codes and names
/// under which it is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The stable address of the region; never changed or reused.
    pub slug: RegionSlug,
    /// The name in art. 4.2.1 Besluit langdurige zorg.
    pub name: String,
    /// The code in the CBS region classification, e.g. `ZK09`.
    #[serde(default)]
    pub cbs_code: Option<CbsRegionCode>,
    /// The codes in the iWlz code list COD001; zero or more, each with its own period where the list gives one.
    #[serde(default)]
    pub iwlz_codes: Vec<RegionIwlzCode>,
    /// Other spellings under which the region is published.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The first day the region exists.
    pub valid_from: NaiveDate,
    /// The last day the region exists; none while it still exists.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// Where the region, its validity, codes and names are written.
    pub source: String,
    /// True when the validity period is assumed rather than established; `note` says why.
    #[serde(default)]
    pub assumption: bool,
    /// An explanation of an assumption or of an oddity in the sources, in Dutch.
    #[serde(default)]
    pub note: Option<String>,
}

/// One iWlz region code (COD001) of a region. Without dates it holds for the whole validity of the region;
/// with them, only for the part of it that the code list gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionIwlzCode {
    pub code: IwlzRegionCode,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

impl Region {
    /// A region with only the facts every region has: no codes, no aliases, no assumption.
    pub fn new(
        slug: RegionSlug,
        name: impl Into<String>,
        valid_from: NaiveDate,
        valid_until: Option<NaiveDate>,
        source: impl Into<String>,
    ) -> Self {
        Self {
            slug,
            name: name.into(),
            cbs_code: None,
            iwlz_codes: Vec::new(),
            aliases: Vec::new(),
            valid_from,
            valid_until,
            source: source.into(),
            assumption: false,
            note: None,
        }
    }

    /// True when the region exists on at least one day of `year`.
    pub fn exists_in(&self, year: i32) -> bool {
        Period { from: self.valid_from, until: self.valid_until }.touches_year(year)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    region: Vec<Region>,
}

/// The regions, from `data/regions.toml`, with every name and code under which each can be found.
#[derive(Debug, Clone, Default)]
pub struct RegionRegistry {
    regions: Vec<Region>,
    keys: Vec<Key>,
}

/// Why a region cannot be used for a year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    /// No region has this slug.
    #[error("is not a known care-office region")]
    Unknown,
    #[error("did not exist as a care-office region in {year}")]
    NotInYear { year: i32 },
    /// No region is published under this name or code; `suggestion` is the nearest published name, if one is
    /// close.
    #[error("is not a known care-office region{}", did_you_mean(.suggestion.as_ref()))]
    NoMatch { suggestion: Option<RegionSuggestion> },
    /// The iWlz code belongs to a region that existed in `year`, but the code list did not give it then.
    #[error("was not the iWlz code of a care-office region in {year}")]
    CodeNotInYear { year: i32 },
}

fn did_you_mean(suggestion: Option<&RegionSuggestion>) -> String {
    suggestion.map(|s| format!("; did you mean {s}?")).unwrap_or_default()
}

/// The published name nearest to a text that matched no region, and the region it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionSuggestion {
    /// The name or alias as the data file writes it.
    pub name: String,
    pub slug: RegionSlug,
}

impl std::fmt::Display for RegionSuggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\" ({})", self.name, self.slug)
    }
}

/// A day range; `until` none means open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Period {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

impl Period {
    fn overlaps(self, other: Period) -> bool {
        self.until.is_none_or(|until| other.from <= until) && other.until.is_none_or(|until| self.from <= until)
    }

    fn touches_year(self, year: i32) -> bool {
        self.from.year() <= year && self.until.is_none_or(|until| until.year() >= year)
    }

    /// The days in both, if any.
    fn within(self, outer: Period) -> Option<Period> {
        let from = self.from.max(outer.from);
        let until = match (self.until, outer.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        until.is_none_or(|until| from <= until).then_some(Period { from, until })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Slug,
    Name,
    Alias,
    CbsCode,
    IwlzCode,
}

/// One way to write a region, folded for comparison, with the days on which it names that region.
#[derive(Debug, Clone)]
struct Key {
    folded: String,
    written: String,
    kind: KeyKind,
    region: usize,
    period: Period,
}

impl RegionRegistry {
    pub fn from_toml(text: &str) -> Result<Self, ReferenceDataError> {
        let file: RegionFile =
            toml::from_str(text).map_err(|e| ReferenceDataError::Parse { file: "regions", message: e.to_string() })?;
        Self::new(file.region)
    }

    /// Checks the regions and indexes their names and codes. Refused: a slug listed twice, a region or iWlz
    /// code that ends before it begins or lies outside its region's validity, an empty alias, and a name,
    /// alias or code that two regions existing on the same day share once folded (see [`Self::find`]).
    pub fn new(regions: Vec<Region>) -> Result<Self, ReferenceDataError> {
        let invalid = |message: String| Err(ReferenceDataError::Invalid(message));
        let mut keys: Vec<Key> = Vec::new();
        for (i, region) in regions.iter().enumerate() {
            if regions[..i].iter().any(|r| r.slug == region.slug) {
                return invalid(format!("region {} is listed twice", region.slug));
            }
            if region.valid_until.is_some_and(|until| until < region.valid_from) {
                return invalid(format!("region {} ends before it begins", region.slug));
            }
            let period = Period { from: region.valid_from, until: region.valid_until };
            let mut own =
                vec![(KeyKind::Slug, region.slug.to_string(), period), (KeyKind::Name, region.name.clone(), period)];
            own.extend(region.aliases.iter().map(|alias| (KeyKind::Alias, alias.clone(), period)));
            own.extend(region.cbs_code.iter().map(|code| (KeyKind::CbsCode, code.to_string(), period)));
            for code in &region.iwlz_codes {
                let code_period =
                    Period { from: code.valid_from.unwrap_or(region.valid_from), until: code.valid_until };
                let Some(within) = code_period.within(period) else {
                    return invalid(format!(
                        "iWlz code {} of region {} is not valid on any day of the region",
                        code.code, region.slug
                    ));
                };
                own.push((KeyKind::IwlzCode, code.code.to_string(), within));
            }
            for (kind, written, period) in own {
                let folded = fold(&written);
                if folded.is_empty() {
                    return invalid(format!("region {} has an empty name or alias", region.slug));
                }
                if let Some(clash) =
                    keys.iter().find(|k| k.region != i && k.folded == folded && k.period.overlaps(period))
                {
                    return invalid(format!(
                        "\"{written}\" names both region {} and region {} on the same days",
                        regions[clash.region].slug, region.slug
                    ));
                }
                keys.push(Key { folded, written, kind, region: i, period });
            }
        }
        Ok(Self { regions, keys })
    }

    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    /// The regions that exist on at least one day of `year`.
    pub fn in_year(&self, year: i32) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(move |r| r.exists_in(year))
    }

    /// The name a region is published under, or its slug when no region has it.
    pub fn name_of(&self, slug: &RegionSlug) -> String {
        self.get(slug).map_or_else(|| slug.to_string(), |r| r.name.clone())
    }

    pub fn get(&self, slug: &RegionSlug) -> Option<&Region> {
        self.regions.iter().find(|r| &r.slug == slug)
    }

    /// The region, if it exists in `year`.
    pub fn for_year(&self, slug: &RegionSlug, year: i32) -> Result<&Region, RegionError> {
        let region = self.get(slug).ok_or(RegionError::Unknown)?;
        if region.exists_in(year) { Ok(region) } else { Err(RegionError::NotInYear { year }) }
    }

    /// The region that `text` names in `year`, as regions are published: by slug, name, alias, CBS code
    /// (`ZK01`..`ZK33`) or iWlz code (`5501`..`5533`). Case, accents and other diacritics, quote marks
    /// (`'`, `’`, `´`, `` ` `` and the like), hyphens, slashes, commas and runs of spaces do not count:
    /// "Zuid Oost-Brabant", "zuidoost brabant" and "ZK30" all name Zuidoost Brabant, "´t Gooi" names 't Gooi.
    ///
    /// Errors: [`RegionError::NotInYear`] when what `text` names did not exist in `year`;
    /// [`RegionError::CodeNotInYear`] for an iWlz code the code list did not give that year;
    /// [`RegionError::NoMatch`] when nothing is published under `text`, with the nearest published name (by
    /// edit distance, preferring regions of `year`) when one is close enough to be a misspelling.
    pub fn find(&self, text: &str, year: i32) -> Result<&Region, RegionError> {
        let folded = fold(text);
        let matched: Vec<&Key> = self.keys.iter().filter(|k| !folded.is_empty() && k.folded == folded).collect();
        if let Some(key) = matched.iter().find(|k| k.period.touches_year(year)) {
            return Ok(&self.regions[key.region]);
        }
        if matched.is_empty() {
            return Err(RegionError::NoMatch { suggestion: self.suggest(&folded, year) });
        }
        if matched.iter().any(|k| k.kind == KeyKind::IwlzCode && self.regions[k.region].exists_in(year)) {
            Err(RegionError::CodeNotInYear { year })
        } else {
            Err(RegionError::NotInYear { year })
        }
    }

    /// The published name (slug, name or alias, not a code) nearest to `folded`: within an edit distance of
    /// two, or of a third of the name's length for longer names; a region of `year` before one of another year.
    fn suggest(&self, folded: &str, year: i32) -> Option<RegionSuggestion> {
        if folded.is_empty() {
            return None;
        }
        self.keys
            .iter()
            .filter(|k| matches!(k.kind, KeyKind::Slug | KeyKind::Name | KeyKind::Alias))
            .filter_map(|k| {
                let distance = strsim::damerau_levenshtein(folded, &k.folded);
                let close = distance <= (k.folded.chars().count() / 3).max(2);
                close.then_some(((distance, !k.period.touches_year(year)), k))
            })
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, k)| {
                let region = &self.regions[k.region];
                let name = if k.kind == KeyKind::Slug { region.name.clone() } else { k.written.clone() };
                RegionSuggestion { name, slug: region.slug.clone() }
            })
    }
}

/// A region name folded for comparison: canonical and compatibility decomposition (NFKD) with the combining
/// marks dropped, so "é" compares as "e" and "ĳ" as "ij"; lower case; quote marks dropped; hyphens, dashes,
/// slashes, commas and white space each a word break, runs of them one space, none at either end.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut word_break = false;
    for c in text.chars().filter(|c| !is_quote_mark(*c)).nfkd() {
        if is_combining_mark(c) || is_quote_mark(c) {
            continue;
        }
        if c.is_whitespace() || is_word_break(c) {
            word_break = true;
            continue;
        }
        if word_break && !folded.is_empty() {
            folded.push(' ');
        }
        word_break = false;
        folded.extend(c.to_lowercase());
    }
    folded
}

fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '\'' | '"'
            | '`'
            | '´'
            | '‘'
            | '’'
            | '‚'
            | '‛'
            | '“'
            | '”'
            | '„'
            | '‟'
            | '′'
            | '″'
            | 'ʹ'
            | 'ʻ'
            | 'ʼ'
            | 'ʽ'
            | 'ˈ'
            | 'ˊ'
            | 'ˋ'
            | '«'
            | '»'
            | '‹'
            | '›'
    )
}

fn is_word_break(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '/' | '⁄' | '∕' | '\\' | ',' | '_')
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
    /// Read by `NoticeMargin::from_toml`.
    #[serde(default, rename = "notice_margin")]
    _notice_margin: Option<crate::rules::finality::NoticeMargin>,
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
    /// R9: the margin after the post week in which a timely appeal at the CBb may still be notified.
    pub notice_margin: crate::rules::finality::NoticeMargin,
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
            notice_margin: crate::rules::finality::NoticeMargin::from_toml(law)?,
        })
    }

    /// The data files as shipped in `data/`.
    pub fn shipped() -> Result<Self, ReferenceDataError> {
        Self::from_toml(shipped::EQUATED_DAYS, shipped::REGIONS, shipped::LAW)
    }
}
