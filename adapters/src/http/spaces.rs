//! Contracting-space decisions (writes) and contracting spaces per region-year (reads).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use termijn_domain::aggregates::space_decision::{SpaceLine, rule_breaks};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::SpaceDecisionKind;
use termijn_domain::values::{AgbCode, DecisionId, Euro, RegionSlug};
use termijn_projections::views::{Audience, SpaceView};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{Caller, Legal};
use super::error::{ApiError, problems};
use super::extract::{Fields, JsonBody, PathParams, QueryParams, date_field};
use super::idempotency::{IdempotencyKey, Write, write};
use super::judged;
use crate::service::{NewSpaceDecision, SpaceDecisionDetail, today};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_decision))
        .routes(routes!(get_decision))
        .routes(routes!(record_announcement))
        .routes(routes!(get_space))
        .routes(routes!(list_spaces))
        .routes(routes!(record_no_appeal_confirmation))
}

/// A contracting-space decision: one NZa publication, all its region-year lines recorded together.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionRequest {
    #[schema(example = "NZa-RCS-2025-11")]
    decision_id: String,
    kind: SpaceDecisionKind,
    #[schema(format = Date, example = "2025-11-10")]
    decided_on: String,
    /// May be left out and recorded later.
    #[serde(default)]
    #[schema(format = Date, example = "2025-11-14")]
    announced_on: Option<String>,
    #[serde(default)]
    reason: String,
    spaces: Vec<LineRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct LineRequest {
    #[schema(example = "groningen")]
    region: String,
    #[schema(example = 2026)]
    year: i32,
    /// Euros as a decimal string.
    #[schema(example = "812345000.00")]
    amount: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AnnouncementRequest {
    #[schema(format = Date, example = "2025-11-14")]
    pub(super) announced_on: String,
}

impl DecisionRequest {
    /// The decision, or every bad field at once: values that do not parse, and the rules the lines that do
    /// parse break (the same rules the aggregate applies).
    pub(super) fn parse(self, context: &LegalContext) -> Result<NewSpaceDecision, ApiError> {
        let mut fields = Fields::new();
        let decision_id = fields.check("decision_id", DecisionId::parse(&self.decision_id));
        let decided_on = fields.date("decided_on", &self.decided_on);
        let announced_on = self.announced_on.as_deref().map(|a| fields.date("announced_on", a));
        let lines: Vec<(Option<RegionSlug>, Option<Euro>)> = self
            .spaces
            .iter()
            .enumerate()
            .map(|(i, line)| {
                (
                    fields.check(format!("spaces[{i}].region"), RegionSlug::parse(&line.region)),
                    fields.check(format!("spaces[{i}].amount"), Euro::parse(&line.amount)),
                )
            })
            .collect();
        // The rules need regions and years only; a line whose amount is bad is still checked for them.
        let readable: Vec<(usize, SpaceLine)> = lines
            .iter()
            .zip(&self.spaces)
            .enumerate()
            .filter_map(|(i, ((region, amount), raw))| {
                let amount = amount.unwrap_or_else(|| Euro::from_cents(0).expect("zero is an amount"));
                region.clone().map(|region| (i, SpaceLine { region, year: raw.year, amount }))
            })
            .collect();
        if let Some(decided_on) = decided_on {
            let announced = announced_on.flatten();
            let breaks =
                rule_breaks(decided_on, announced, &self.reason, readable.iter().map(|(i, l)| (*i, l)), context);
            for error in breaks {
                fields.add(error.field().unwrap_or_else(|| "body".to_owned()), &error);
            }
        }
        fields.finish()?;
        Ok(NewSpaceDecision {
            decision_id: decision_id.expect("checked"),
            kind: self.kind,
            decided_on: decided_on.expect("checked"),
            announced_on: announced_on.map(|a| a.expect("checked")),
            reason: self.reason,
            spaces: readable.into_iter().map(|(_, line)| line).collect(),
        })
    }
}

fn decision_id(raw: &str) -> Result<DecisionId, ApiError> {
    DecisionId::parse(raw).map_err(|_| ApiError::NotFound(format!("no decision {raw:?} is recorded")))
}

pub(super) async fn current_decision(state: &AppState, id: &DecisionId) -> Result<SpaceDecisionDetail, ApiError> {
    state.service.space_decision(id).await?.ok_or_else(|| ApiError::NotFound(format!("no decision {id} is recorded")))
}

/// Records a contracting-space decision with all its region-year lines, or nothing.
#[utoipa::path(post, path = "/api/v1/contracting-space-decisions", tag = "contracting spaces",
    request_body = DecisionRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a write safely")),
    responses(
        (status = 201, description = "The recorded decision", body = SpaceDecisionDetail),
        problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::ConflictProblem, problems::UnsupportedMedia, problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_decision(
    State(state): State<AppState>,
    Legal(caller): Legal,
    key: IdempotencyKey,
    body: JsonBody<DecisionRequest>,
) -> Result<Response, ApiError> {
    let new = body.value.parse(state.service.context())?;
    let id = new.decision_id.clone();
    let (s, i) = (&state, &id);
    write(
        &state,
        Write {
            caller: &caller,
            key,
            route: "POST /api/v1/contracting-space-decisions".to_owned(),
            body_sha256: &body.sha256,
            status: StatusCode::CREATED,
        },
        |by| async move {
            s.service.record_space_decision(&by, new).await?;
            current_decision(s, i).await
        },
        || current_decision(s, i),
    )
    .await
}

/// A contracting-space decision as recorded.
#[utoipa::path(get, path = "/api/v1/contracting-space-decisions/{decision_id}", tag = "contracting spaces",
    params(("decision_id" = String, Path)),
    responses((status = 200, body = SpaceDecisionDetail), problems::Unauthenticated, problems::TooManyAttempts, problems::NotFoundProblem),
    security(("bearer" = [])))]
async fn get_decision(
    State(state): State<AppState>,
    _caller: Caller,
    PathParams(raw): PathParams<String>,
) -> Result<Json<SpaceDecisionDetail>, ApiError> {
    Ok(Json(current_decision(&state, &decision_id(&raw)?).await?))
}

/// Records the day a decision was announced, when it was not recorded with the decision.
#[utoipa::path(post, path = "/api/v1/contracting-space-decisions/{decision_id}/announcement", tag = "contracting spaces",
    params(("decision_id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = AnnouncementRequest,
    responses(
        (status = 200, body = SpaceDecisionDetail),
        problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::NotFoundProblem, problems::ConflictProblem, problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_announcement(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams(raw): PathParams<String>,
    key: IdempotencyKey,
    body: JsonBody<AnnouncementRequest>,
) -> Result<Response, ApiError> {
    let id = decision_id(&raw)?;
    let announced_on = date_field("announced_on", &body.value.announced_on)?;
    let route = format!("POST /api/v1/contracting-space-decisions/{id}/announcement");
    let (s, i) = (&state, &id);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.announce_space_decision(&by, i, announced_on).await?;
            current_decision(s, i).await
        },
        || current_decision(s, i),
    )
    .await
}

/// The contracting space of a region-year: amount, current decision, status, terms, appeals and decisions.
#[utoipa::path(get, path = "/api/v1/contracting-spaces/{region}/{year}", tag = "contracting spaces",
    params(
        ("region" = String, Path, example = "groningen"),
        ("year" = i32, Path, example = 2026),
        ("as_of" = Option<String>, Query, description = "Legal date to judge at (default today, Europe/Amsterdam)"),
        ("as_at" = Option<String>, Query, description = "Show what the register held at this RFC 3339 instant"),
        ("provider" = Option<String>, Query, description = "Only the terms that count for this AGB code"),
        ("format" = Option<String>, Query, description = "json (default); csv or xlsx: its terms and appeals")),
    responses((status = 200, description = "The region-year, or its terms and appeals as CSV or XLSX", content(
            (SpaceView = "application/json"), (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::NotFoundProblem, problems::InvalidInput),
    security(("bearer" = [])))]
async fn get_space(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    PathParams((region, year)): PathParams<(String, String)>,
    QueryParams(query): QueryParams,
) -> Result<Response, ApiError> {
    let format = super::exports::requested(&query, &headers)?;
    let not_found = || ApiError::NotFound(format!("no contracting space is recorded for {region} {year}"));
    let region_slug = RegionSlug::parse(&region).map_err(|_| not_found())?;
    let year: i32 = year.parse().map_err(|_| not_found())?;
    state.service.context().regions.get(&region_slug).ok_or_else(not_found)?;
    let mut fields = Fields::new();
    let (as_of, as_at) = judged(&mut fields, &query);
    let provider = query.get("provider").map(|p| fields.check("provider", AgbCode::parse(p)));
    fields.finish()?;
    let provider = provider.map(|p| p.expect("checked"));
    let audience = caller.audience(provider)?;
    let view = state.service.space(&region_slug, year, as_of, as_at, &audience).await?.ok_or_else(not_found)?;
    match format {
        Some(format) => {
            let sheet = super::exports::space_sheet(&view, &state.service.context().regions);
            super::exports::download(&sheet, format, &format!("{region_slug}-{year}-termijnen-en-beroepen"))
        }
        None => Ok(Json(view).into_response()),
    }
}

/// The register of one year: every region-year with a decision, judged on `as_of`, with amount, current
/// decision, status and finality; as JSON, CSV or XLSX.
#[utoipa::path(get, path = "/api/v1/contracting-spaces", tag = "contracting spaces",
    params(
        ("year" = i32, Query, example = 2026),
        ("as_of" = Option<String>, Query, description = "Legal date to judge at (default today, Europe/Amsterdam)"),
        ("as_at" = Option<String>, Query, description = "Show what the register held at this RFC 3339 instant"),
        ("format" = Option<String>, Query, description = "json (default), csv or xlsx; or ask by Accept")),
    responses((status = 200, description = "The region-years of the year", content(
            (Vec<SpaceView> = "application/json"), (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::InvalidInput),
    security(("bearer" = [])))]
async fn list_spaces(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    QueryParams(query): QueryParams,
) -> Result<Response, ApiError> {
    let format = super::exports::requested(&query, &headers)?;
    let mut fields = Fields::new();
    let year = match query.get("year") {
        Some(y) => {
            fields.check("year", y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or("must be a year"))
        }
        None => {
            fields.add("year", "is required");
            None
        }
    };
    let (as_of, as_at) = judged(&mut fields, &query);
    fields.finish()?;
    let year = year.expect("checked");
    let audience = caller.own_audience();
    let mut spaces = state.service.spaces(as_of, as_at, &audience).await?;
    spaces.retain(|s| s.year == year);
    match format {
        Some(format) => {
            let sheet = super::exports::register_sheet(&spaces, &state.service.context().regions, Some(year));
            super::exports::download(&sheet, format, &format!("register-{year}-{as_of}"))
        }
        None => Ok(Json(spaces).into_response()),
    }
}

/// The CBb's confirmation that no appeal against a decision was lodged for a region-year (R9).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ConfirmationRequest {
    #[schema(example = "NZa-RCS-2025-11")]
    decision_id: String,
    #[schema(format = Date, example = "2026-06-10")]
    confirmed_on: String,
}

/// Records that the CBb confirmed that no appeal was lodged against a decision for this region-year: the notice
/// margin of R9 ends, and finality is declared from the confirmation's day once the post week has passed.
#[utoipa::path(post, path = "/api/v1/contracting-spaces/{region}/{year}/no-appeal-confirmation", tag = "contracting spaces",
    params(("region" = String, Path, example = "groningen"), ("year" = i32, Path, example = 2026),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body = ConfirmationRequest,
    responses((status = 200, body = SpaceView), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::NotFoundProblem, problems::ConflictProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
async fn record_no_appeal_confirmation(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams((region, year)): PathParams<(String, String)>,
    key: IdempotencyKey,
    body: JsonBody<ConfirmationRequest>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("no contracting space is recorded for {region} {year}"));
    let region_slug = RegionSlug::parse(&region).map_err(|_| not_found())?;
    let year: i32 = year.parse().map_err(|_| not_found())?;
    let mut fields = Fields::new();
    let decision_id = fields.check("decision_id", DecisionId::parse(&body.value.decision_id));
    let confirmed_on = fields.date("confirmed_on", &body.value.confirmed_on);
    fields.finish()?;
    let (decision_id, confirmed_on) = (decision_id.expect("checked"), confirmed_on.expect("checked"));
    let as_of = today().max(confirmed_on);
    let route = format!("POST /api/v1/contracting-spaces/{region_slug}/{year}/no-appeal-confirmation");
    let (s, r) = (&state, &region_slug);
    let space =
        || async move { s.service.space(r, year, as_of, None, &Audience::default()).await?.ok_or_else(not_found) };
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.confirm_no_appeal(&by, &decision_id, r.clone(), year, confirmed_on).await?;
            space().await
        },
        space,
    )
    .await
}
