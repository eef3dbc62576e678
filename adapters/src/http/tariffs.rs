//! Tariff decisions: recorded by NZa legal staff, read by them, auditors and the provider concerned.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use termijn_domain::aggregates::tariff_decision::{TariffDecisionRecord, rule_breaks};
use termijn_domain::register::TariffKind;
use termijn_domain::values::{AgbCode, DecisionId, RegionSlug};
use termijn_projections::views::TariffView;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{Caller, Legal};
use super::error::{ApiError, FieldError, problems};
use super::extract::{Fields, JsonBody, PathParams, QueryParams, date_field};
use super::idempotency::{IdempotencyKey, Write, write};
use super::spaces::AnnouncementRequest;
use crate::service::today;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_tariff_decision))
        .routes(routes!(get_tariff_decision))
        .routes(routes!(record_tariff_announcement))
}

/// A tariff decision for one provider and year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TariffRequest {
    #[schema(example = "NZa-TB-12345678-2026-1")]
    decision_id: String,
    #[schema(example = "12345678")]
    provider: String,
    #[schema(example = 2026)]
    year: i32,
    #[schema(example = json!(["groningen"]))]
    regions: Vec<String>,
    kind: TariffKind,
    /// For an amended tariff decision: the decision it amends.
    #[serde(default)]
    amends: Option<String>,
    #[schema(format = Date, example = "2026-01-20")]
    decided_on: String,
    #[serde(default)]
    #[schema(format = Date, example = "2026-01-23")]
    announced_on: Option<String>,
    /// Per region, the contracting-space decision the NZa applied; when absent, the one current on the day
    /// of announcement.
    #[serde(default)]
    applied_space_decisions: Option<BTreeMap<String, String>>,
}

impl TariffRequest {
    /// The decision, with the rules it breaks on its own (the aggregate's) as field errors.
    pub(super) fn checked(
        self,
        context: &termijn_domain::reference::LegalContext,
    ) -> Result<(TariffDecisionRecord, Option<chrono::NaiveDate>), ApiError> {
        let (record, announced_on) = self.parse()?;
        let breaks = rule_breaks(&record, announced_on, context);
        if !breaks.is_empty() {
            return Err(ApiError::Invalid(
                breaks.iter().map(|e| FieldError::new(e.field().unwrap_or_else(|| "body".into()), e)).collect(),
            ));
        }
        Ok((record, announced_on))
    }

    fn parse(self) -> Result<(TariffDecisionRecord, Option<chrono::NaiveDate>), ApiError> {
        let mut fields = Fields::new();
        let decision_id = fields.check("decision_id", DecisionId::parse(&self.decision_id));
        let provider = fields.check("provider", AgbCode::parse(&self.provider));
        let regions: Vec<Option<RegionSlug>> = self
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| fields.check(format!("regions[{i}]"), RegionSlug::parse(r)))
            .collect();
        let amends = self.amends.as_deref().map(|a| fields.check("amends", DecisionId::parse(a)));
        let decided_on = fields.date("decided_on", &self.decided_on);
        let announced_on = self.announced_on.as_deref().map(|a| fields.date("announced_on", a));
        let applied: Option<Vec<(Option<RegionSlug>, Option<DecisionId>)>> =
            self.applied_space_decisions.as_ref().map(|map| {
                map.iter()
                    .map(|(region, decision)| {
                        let field = format!("applied_space_decisions.{region}");
                        (
                            fields.check(field.clone(), RegionSlug::parse(region)),
                            fields.check(field, DecisionId::parse(decision)),
                        )
                    })
                    .collect()
            });
        fields.finish()?;
        let record = TariffDecisionRecord {
            decision_id: decision_id.expect("checked"),
            provider: provider.expect("checked"),
            year: self.year,
            regions: regions.into_iter().map(|r| r.expect("checked")).collect(),
            kind: self.kind,
            amends: amends.map(|a| a.expect("checked")),
            decided_on: decided_on.expect("checked"),
            applied_space_decisions: applied
                .map(|pairs| pairs.into_iter().map(|(r, d)| (r.expect("checked"), d.expect("checked"))).collect()),
        };
        Ok((record, announced_on.map(|a| a.expect("checked"))))
    }
}

fn tariff_id(raw: &str) -> Result<DecisionId, ApiError> {
    DecisionId::parse(raw).map_err(|_| ApiError::NotFound(format!("no tariff decision {raw:?} is recorded")))
}

async fn view(state: &AppState, id: &DecisionId, as_of: chrono::NaiveDate) -> Result<TariffView, ApiError> {
    state
        .service
        .tariff_decision(id, as_of, None)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no tariff decision {id} is recorded")))
}

/// Records a tariff decision (tariff, amended tariff or Wlz-sluittarief).
#[utoipa::path(post, path = "/api/v1/tariff-decisions", tag = "tariff decisions",
    request_body = TariffRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "The recorded decision with its terms", body = TariffView),
        problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::ConflictProblem, problems::UnsupportedMedia, problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_tariff_decision(
    State(state): State<AppState>,
    Legal(caller): Legal,
    key: IdempotencyKey,
    body: JsonBody<TariffRequest>,
) -> Result<Response, ApiError> {
    let (record, announced_on) = body.value.checked(state.service.context())?;
    let id = record.decision_id.clone();
    let (year, regions) = (record.year, record.regions.clone());
    let today = today();
    let (s, i, r) = (&state, &id, &regions);
    write(
        &state,
        Write {
            caller: &caller,
            key,
            route: "POST /api/v1/tariff-decisions".to_owned(),
            body_sha256: &body.sha256,
            status: StatusCode::CREATED,
        },
        |by| async move {
            s.service.record_tariff_decision(&by, record, announced_on).await?;
            let recorded = s.service.tariff_decision(i, today, Some((year, r))).await?;
            recorded.ok_or_else(|| ApiError::Internal(format!("tariff decision {i} was recorded but cannot be read")))
        },
        || view(s, i, today),
    )
    .await
}

/// A tariff decision as recorded, with its objection term, the NZa's decision term on objection, and the
/// appeal terms against contracting spaces it opened (or not, and why).
#[utoipa::path(get, path = "/api/v1/tariff-decisions/{decision_id}", tag = "tariff decisions",
    params(("decision_id" = String, Path), ("as_of" = Option<String>, Query, description = "Legal date (default today)")),
    responses((status = 200, body = TariffView), problems::Unauthenticated, problems::TooManyAttempts, problems::NotFoundProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
async fn get_tariff_decision(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(raw): PathParams<String>,
    QueryParams(query): QueryParams,
) -> Result<Json<TariffView>, ApiError> {
    let id = tariff_id(&raw)?;
    let mut fields = Fields::new();
    let as_of = query.get("as_of").map(|a| fields.date("as_of", a));
    fields.finish()?;
    let as_of = as_of.map_or_else(today, |a| a.expect("checked"));
    // A provider sees its own tariff decisions only; another's is not found, so its existence is not shown.
    if !caller.may_see_tariff_decision(state.service.tariff_provider(&id).await?.as_ref()) {
        return Err(ApiError::NotFound(format!("no tariff decision {id} is recorded")));
    }
    let found = view(&state, &id, as_of).await?;
    Ok(Json(match caller.viewer(None)? {
        Some(own) => found.for_provider(&own),
        None => found,
    }))
}

/// Records the day a tariff decision was sent to its addressee, when not recorded with it.
#[utoipa::path(post, path = "/api/v1/tariff-decisions/{decision_id}/announcement", tag = "tariff decisions",
    params(("decision_id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = AnnouncementRequest,
    responses((status = 200, body = TariffView), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::NotFoundProblem, problems::ConflictProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
async fn record_tariff_announcement(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams(raw): PathParams<String>,
    key: IdempotencyKey,
    body: JsonBody<AnnouncementRequest>,
) -> Result<Response, ApiError> {
    let id = tariff_id(&raw)?;
    let announced_on = date_field("announced_on", &body.value.announced_on)?;
    let route = format!("POST /api/v1/tariff-decisions/{id}/announcement");
    let today = today();
    let (s, i) = (&state, &id);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.announce_tariff_decision(&by, i, announced_on).await?;
            view(s, i, today).await
        },
        || view(s, i, today),
    )
    .await
}
