//! Reference data: the regions, and the Algemene termijnenwet calendar of a year.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use termijn_domain::aggregates::YEARS;
use termijn_domain::dutch;
use termijn_domain::reference::{Region, RegionIwlzCode};
use termijn_domain::values::{CbsRegionCode, IwlzRegionCode, RegionSlug};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, problems};
use super::extract::{Fields, PathParams, QueryParams};
use crate::auth::Role;
use crate::service::today;
use termijn_domain::versions::ReferenceChange;
use termijn_projections::difference::Change;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(regions)).routes(routes!(calendar)).routes(routes!(reference_changes))
}

#[derive(Debug, Serialize, ToSchema)]
struct RegionView {
    /// The stable address of the region.
    slug: RegionSlug,
    /// The name in art. 4.2.1 Besluit langdurige zorg.
    name: String,
    /// The code in the CBS region classification.
    cbs_code: Option<CbsRegionCode>,
    /// The codes in the iWlz code list COD001: zero or more.
    iwlz_codes: Vec<IwlzCodeView>,
    /// Other spellings under which the region is published.
    aliases: Vec<String>,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    /// Where the region, its validity, codes and names are written.
    source: String,
    /// True when the validity period is an assumption; `note` says why.
    assumption: bool,
    note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct IwlzCodeView {
    code: IwlzRegionCode,
    /// The first day the code list gives the code, when later than the region's `valid_from`.
    valid_from: Option<NaiveDate>,
    /// The last day the code list gives the code, when it ends.
    valid_until: Option<NaiveDate>,
}

impl From<&RegionIwlzCode> for IwlzCodeView {
    fn from(c: &RegionIwlzCode) -> Self {
        Self { code: c.code.clone(), valid_from: c.valid_from, valid_until: c.valid_until }
    }
}

impl From<&Region> for RegionView {
    fn from(r: &Region) -> Self {
        Self {
            slug: r.slug.clone(),
            name: r.name.clone(),
            cbs_code: r.cbs_code.clone(),
            iwlz_codes: r.iwlz_codes.iter().map(IwlzCodeView::from).collect(),
            aliases: r.aliases.clone(),
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            source: r.source.clone(),
            assumption: r.assumption,
            note: r.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
struct Regions {
    regions: Vec<RegionView>,
}

/// The care-office regions, with their validity, source, CBS and iWlz codes and the other names they are
/// published under.
#[utoipa::path(get, path = "/api/v1/regions", tag = "reference data",
    responses((status = 200, body = Regions), problems::Unauthenticated, problems::TooManyAttempts), security(("bearer" = [])))]
async fn regions(State(state): State<AppState>, _caller: Caller) -> Json<Regions> {
    Json(Regions { regions: state.service.context().regions.all().iter().map(RegionView::from).collect() })
}

#[derive(Debug, Serialize, ToSchema)]
struct Reason {
    name: String,
    /// The article or decree that makes the day a non-working day.
    basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct CalendarDay {
    date: NaiveDate,
    weekday: String,
    reasons: Vec<Reason>,
}

#[derive(Debug, Serialize, ToSchema)]
struct Decree {
    /// The decree's full title.
    citation: String,
    /// Its identifier in the Basiswettenbestand, where known.
    bwb: Option<String>,
    /// True when the decree is known only from a secondary source (its date, number and place of publication
    /// are still to be found); the year is not provisional for that.
    from_secondary_source: bool,
    source: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct CalendarYear {
    year: i32,
    /// True when no royal decree of equated days (art. 3 lid 3 Atw) is known for the year.
    provisional: bool,
    decree: Option<Decree>,
    days: Vec<CalendarDay>,
}

/// The non-working days of a year under the Algemene termijnenwet, each with its legal basis.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "reference data",
    params(("year" = i32, Path, example = 2026)),
    responses((status = 200, body = CalendarYear), problems::Unauthenticated, problems::TooManyAttempts, problems::NotFoundProblem),
    security(("bearer" = [])))]
async fn calendar(
    State(state): State<AppState>,
    _caller: Caller,
    PathParams(year): PathParams<String>,
) -> Result<Json<CalendarYear>, ApiError> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| ApiError::NotFound(format!("no calendar for {year:?}: years run from 1990 to 2200")))?;
    let calendar = &state.service.context().calendar;
    let days = calendar
        .non_working_days(year)
        .into_iter()
        .map(|day| CalendarDay {
            date: day.date,
            weekday: dutch::weekday(chrono::Datelike::weekday(&day.date)).to_owned(),
            reasons: day.reasons.iter().map(|r| Reason { name: r.name(), basis: r.basis() }).collect(),
        })
        .collect();
    Ok(Json(CalendarYear {
        year,
        provisional: calendar.is_provisional(year),
        decree: calendar.decree_for(year).map(|d| Decree {
            citation: d.citation.clone(),
            bwb: d.bwb.clone(),
            from_secondary_source: d.from_secondary_source,
            source: d.source.clone(),
        }),
        days,
    }))
}

/// One recorded version of the reference data, with what changed and what that moves in the register.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferenceChangeView {
    /// Where the version is in the history.
    pub(crate) position: i64,
    pub(crate) recorded_at: chrono::DateTime<chrono::Utc>,
    /// Who started the server that adopted it.
    pub(crate) recorded_by: String,
    pub(crate) hash: String,
    /// `null` for the first version recorded.
    pub(crate) previous_hash: Option<String>,
    pub(crate) change: ReferenceChange,
    /// The change in Dutch sentences.
    pub(crate) summary: Vec<String>,
    /// What judging the register on `as_of` with this version instead of the one before moves: terms whose last
    /// day moved or whose provisional mark changed, filings classified otherwise, decisions whose status or
    /// finality changed, deadlines that come or go (`changes` as the what-if lists them).
    pub(crate) effects: Vec<Change>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferenceChanges {
    #[schema(format = Date)]
    pub(crate) as_of: NaiveDate,
    /// The hash of the version in force now.
    pub(crate) current_hash: Option<String>,
    /// Every recorded version, the latest first.
    pub(crate) changes: Vec<ReferenceChangeView>,
}

/// Every version of the reference data the register recorded (regions, the decrees of equated days, the
/// commencement date), the latest first, each with what changed and what that moves in the register, judged on
/// `as_of` (auditor, legal).
#[utoipa::path(get, path = "/api/v1/reference/changes", tag = "reference data",
    params(("as_of" = Option<String>, Query, description = "Legal date to judge at (default today)")),
    responses((status = 200, body = ReferenceChanges), problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::InvalidInput),
    security(("bearer" = [])))]
pub(crate) async fn reference_changes(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams,
) -> Result<Json<ReferenceChanges>, ApiError> {
    caller.require(&[Role::Legal, Role::Auditor])?;
    let mut fields = Fields::new();
    let as_of = query.get("as_of").map(|a| fields.date("as_of", a));
    fields.finish()?;
    let as_of = as_of.flatten().unwrap_or_else(today);
    let versions = state.service.reference_versions();
    let mut changes = Vec::with_capacity(versions.len());
    for (i, version) in versions.iter().enumerate().rev() {
        let effects = match i.checked_sub(1).map(|p| &versions[p]) {
            Some(before) => state.service.reference_effects(&before.context, &version.context, as_of).await?,
            None => Vec::new(),
        };
        changes.push(ReferenceChangeView {
            position: version.position,
            recorded_at: version.adopted_at,
            recorded_by: version.adopted_by.clone(),
            hash: version.hash.clone(),
            previous_hash: version.previous_hash.clone(),
            summary: if version.previous_hash.is_some() { version.change.sentences() } else { Vec::new() },
            change: version.change.clone(),
            effects,
        });
    }
    Ok(Json(ReferenceChanges { as_of, current_hash: versions.last().map(|v| v.hash.clone()), changes }))
}
