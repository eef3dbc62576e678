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
use super::extract::PathParams;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(regions)).routes(routes!(calendar))
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
    responses((status = 200, body = Regions), problems::Unauthenticated), security(("bearer" = [])))]
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
    responses((status = 200, body = CalendarYear), problems::Unauthenticated, problems::NotFoundProblem),
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
