//! Reference data: the regions, and the Algemene termijnenwet calendar of a year.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use termijn_domain::aggregates::YEARS;
use termijn_domain::dutch;
use termijn_domain::reference::Region;
use termijn_domain::values::RegionSlug;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, Problem};
use super::extract::PathParams;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(regions)).routes(routes!(calendar))
}

#[derive(Debug, Serialize, ToSchema)]
struct RegionView {
    slug: RegionSlug,
    name: String,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    source: String,
}

impl From<&Region> for RegionView {
    fn from(r: &Region) -> Self {
        Self {
            slug: r.slug.clone(),
            name: r.name.clone(),
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            source: r.source.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
struct Regions {
    regions: Vec<RegionView>,
}

/// The care-office regions, with their validity and source.
#[utoipa::path(get, path = "/api/v1/regions", tag = "reference data",
    responses((status = 200, body = Regions), (status = 401, body = Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
async fn regions(State(state): State<AppState>, _caller: Caller) -> Json<Regions> {
    Json(Regions { regions: state.register.context().regions.all().iter().map(RegionView::from).collect() })
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
    citation: String,
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
    responses((status = 200, body = CalendarYear), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
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
    let calendar = &state.register.context().calendar;
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
        decree: calendar.decree_for(year).map(|d| Decree { citation: d.citation.clone(), source: d.source.clone() }),
        days,
    }))
}
