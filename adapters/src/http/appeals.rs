//! Appeals to the CBb against contracting-space decisions: lodged, withdrawn, judged. Every appeal is
//! recorded and classified; none is refused for its timing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use termijn_domain::aggregates::appeal::{AppealRecord, JudgmentOutcome, rule_breaks};
use termijn_domain::record::{Consequence, ReceivedBy};
use termijn_domain::register::Appellant;
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{Caller, Legal};
use super::error::{ApiError, FieldError, problems};
use super::extract::{Fields, JsonBody, PathParams, QueryParams, date_field};
use super::idempotency::{IdempotencyKey, Write, write};
use crate::service::{AppealDetail, JudgmentOrder, NamedAnnulment, today};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lodge_appeal))
        .routes(routes!(get_appeal))
        .routes(routes!(record_withdrawal))
        .routes(routes!(record_judgment))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum AppellantKind {
    Provider,
    CareOffice,
    Other,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AppellantRequest {
    kind: AppellantKind,
    /// The AGB code of a provider, or a name or number of a care office or other appellant.
    #[schema(example = "12345678")]
    id: String,
}

/// An appeal against a contracting-space decision for one region-year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AppealRequest {
    #[schema(example = "CBb 26/0123")]
    appeal_id: String,
    appellant: AppellantRequest,
    #[schema(example = "groningen")]
    region: String,
    #[schema(example = 2026)]
    year: i32,
    #[schema(example = "NZa-RCS-2025-11")]
    against_decision: String,
    #[schema(format = Date, example = "2026-03-02")]
    received_on: String,
    /// The day it was posted, when it came by post (art. 6:9 lid 2 Awb).
    #[serde(default)]
    #[schema(format = Date)]
    posted_on: Option<String>,
    /// `cbb` (default), or `nza` for an appeal that reached the NZa instead (art. 6:15 Awb).
    #[serde(default)]
    received_by: Option<ReceivedBy>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WithdrawalRequest {
    #[schema(format = Date, example = "2026-06-03")]
    pub(super) withdrawn_on: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct JudgmentRequest {
    #[schema(format = Date, example = "2026-10-08")]
    pub(super) judgment_on: String,
    pub(super) outcome: JudgmentOutcome,
    /// R14: the decisions the judgment annuls; a bare id means the appeal's own region-year.
    #[serde(default)]
    annuls: Option<Vec<AnnulsItem>>,
    /// R14: default `new_decision_required`.
    #[serde(default)]
    consequence: Option<Consequence>,
    /// The amount the CBb set itself, with `court_decided`.
    #[serde(default)]
    #[schema(example = "812345000.00")]
    amount: Option<String>,
    /// The period the CBb set for a new decision (art. 8:72 lid 4 Awb).
    #[serde(default)]
    #[schema(format = Date)]
    new_decision_by: Option<String>,
}

/// A decision a judgment annuls: its id (in the appeal's region-year), or the id with a region-year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
enum AnnulsItem {
    Id(String),
    Line(AnnulsLine),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AnnulsLine {
    decision_id: String,
    region: String,
    year: i32,
}

impl JudgmentRequest {
    /// The judgment's order, when it names any part of it; the region-year of a bare id is filled in later.
    pub(super) fn order(&self) -> Result<Option<JudgmentOrder>, ApiError> {
        if self.annuls.is_none()
            && self.consequence.is_none()
            && self.amount.is_none()
            && self.new_decision_by.is_none()
        {
            return Ok(None);
        }
        let mut fields = Fields::new();
        let annuls: Vec<Option<NamedAnnulment>> = self
            .annuls
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, item)| match item {
                AnnulsItem::Id(id) => fields.check(format!("annuls[{i}]"), DecisionId::parse(id)).map(|d| (d, None)),
                AnnulsItem::Line(line) => {
                    let id = fields.check(format!("annuls[{i}].decision_id"), DecisionId::parse(&line.decision_id));
                    let region = fields.check(format!("annuls[{i}].region"), RegionSlug::parse(&line.region));
                    Some((id?, Some((region?, line.year))))
                }
            })
            .collect();
        let amount = self.amount.as_deref().map(|a| fields.check("amount", Euro::parse(a)));
        let by = self.new_decision_by.as_deref().map(|b| fields.date("new_decision_by", b));
        fields.finish()?;
        Ok(Some(JudgmentOrder {
            annuls: annuls.into_iter().map(|a| a.expect("checked")).collect(),
            consequence: self.consequence.unwrap_or_default(),
            amount: amount.map(|a| a.expect("checked")),
            new_decision_by: by.map(|b| b.expect("checked")),
        }))
    }
}

impl AppealRequest {
    /// The appeal, with the rules it breaks on its own (the aggregate's) as field errors.
    pub(super) fn checked(self, context: &termijn_domain::reference::LegalContext) -> Result<AppealRecord, ApiError> {
        let record = self.parse()?;
        let breaks = rule_breaks(&record, context);
        if !breaks.is_empty() {
            return Err(ApiError::Invalid(
                breaks.iter().map(|e| FieldError::new(e.field().unwrap_or_else(|| "body".into()), e)).collect(),
            ));
        }
        Ok(record)
    }

    fn parse(self) -> Result<AppealRecord, ApiError> {
        let mut fields = Fields::new();
        let appeal_id = fields.check("appeal_id", AppealId::parse(&self.appeal_id));
        let appellant = match self.appellant.kind {
            AppellantKind::Provider => {
                fields.check("appellant.id", AgbCode::parse(&self.appellant.id)).map(Appellant::Provider)
            }
            AppellantKind::CareOffice => Some(Appellant::CareOffice(self.appellant.id)),
            AppellantKind::Other => Some(Appellant::Other(self.appellant.id)),
        };
        let region = fields.check("region", RegionSlug::parse(&self.region));
        let against = fields.check("against_decision", DecisionId::parse(&self.against_decision));
        let received_on = fields.date("received_on", &self.received_on);
        let posted_on = self.posted_on.as_deref().map(|p| fields.date("posted_on", p));
        fields.finish()?;
        Ok(AppealRecord {
            appeal_id: appeal_id.expect("checked"),
            appellant: appellant.expect("checked"),
            region: region.expect("checked"),
            year: self.year,
            against_decision: against.expect("checked"),
            received_on: received_on.expect("checked"),
            posted_on: posted_on.map(|p| p.expect("checked")),
            received_by: self.received_by.unwrap_or_default(),
        })
    }
}

fn appeal_id(raw: &str) -> Result<AppealId, ApiError> {
    AppealId::parse(raw).map_err(|_| ApiError::NotFound(format!("no appeal {raw:?} is recorded")))
}

async fn detail(state: &AppState, id: &AppealId, as_of: chrono::NaiveDate) -> Result<AppealDetail, ApiError> {
    state
        .service
        .appeal(id, as_of, None)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no appeal {id} is recorded")))
}

/// Records an appeal and classifies its filing: on_time, on_time_by_post, premature, late or no_term.
#[utoipa::path(post, path = "/api/v1/appeals", tag = "appeals",
    request_body = AppealRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "The recorded appeal with its filing classification", body = AppealDetail),
        problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::ConflictProblem, problems::UnsupportedMedia, problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn lodge_appeal(
    State(state): State<AppState>,
    Legal(caller): Legal,
    key: IdempotencyKey,
    body: JsonBody<AppealRequest>,
) -> Result<Response, ApiError> {
    let record = body.value.checked(state.service.context())?;
    let id = record.appeal_id.clone();
    let (region, year) = (record.region.clone(), record.year);
    let as_of = today();
    let (s, i, r) = (&state, &id, &region);
    write(
        &state,
        Write {
            caller: &caller,
            key,
            route: "POST /api/v1/appeals".to_owned(),
            body_sha256: &body.sha256,
            status: StatusCode::CREATED,
        },
        |by| async move {
            s.service.lodge_appeal(&by, record).await?;
            let recorded = s.service.appeal(i, as_of, Some((r, year))).await?;
            recorded.ok_or_else(|| ApiError::Internal(format!("appeal {i} was recorded but cannot be read")))
        },
        || detail(s, i, as_of),
    )
    .await
}

/// An appeal as recorded, with its filing classification and status.
#[utoipa::path(get, path = "/api/v1/appeals/{appeal_id}", tag = "appeals",
    params(("appeal_id" = String, Path, description = "URL-encoded"), ("as_of" = Option<String>, Query)),
    responses((status = 200, body = AppealDetail), problems::Unauthenticated, problems::TooManyAttempts, problems::NotFoundProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
async fn get_appeal(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(raw): PathParams<String>,
    QueryParams(query): QueryParams,
) -> Result<Json<AppealDetail>, ApiError> {
    let id = appeal_id(&raw)?;
    let mut fields = Fields::new();
    let as_of = query.get("as_of").map(|a| fields.date("as_of", a));
    fields.finish()?;
    let as_of = as_of.map_or_else(today, |a| a.expect("checked"));
    let found = detail(&state, &id, as_of).await?;
    if !caller.may_see_appeal(&found.appellant) {
        return Err(ApiError::NotFound(format!("no appeal {id} is recorded")));
    }
    Ok(Json(found))
}

/// Records that the appellant withdrew the appeal.
#[utoipa::path(post, path = "/api/v1/appeals/{appeal_id}/withdrawal", tag = "appeals",
    params(("appeal_id" = String, Path, description = "URL-encoded"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = WithdrawalRequest,
    responses((status = 200, body = AppealDetail), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::NotFoundProblem, problems::ConflictProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_withdrawal(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams(raw): PathParams<String>,
    key: IdempotencyKey,
    body: JsonBody<WithdrawalRequest>,
) -> Result<Response, ApiError> {
    let id = appeal_id(&raw)?;
    let on = date_field("withdrawn_on", &body.value.withdrawn_on)?;
    let route = format!("POST /api/v1/appeals/{id}/withdrawal");
    let as_of = today().max(on);
    let (s, i) = (&state, &id);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.withdraw_appeal(&by, i, on).await?;
            detail(s, i, as_of).await
        },
        || detail(s, i, as_of),
    )
    .await
}

/// Records the CBb's judgment: dismissed, upheld (the decision is annulled) or inadmissible.
#[utoipa::path(post, path = "/api/v1/appeals/{appeal_id}/judgment", tag = "appeals",
    params(("appeal_id" = String, Path, description = "URL-encoded"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = JudgmentRequest,
    responses((status = 200, body = AppealDetail), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::NotFoundProblem, problems::ConflictProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_judgment(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams(raw): PathParams<String>,
    key: IdempotencyKey,
    body: JsonBody<JudgmentRequest>,
) -> Result<Response, ApiError> {
    let id = appeal_id(&raw)?;
    let on = date_field("judgment_on", &body.value.judgment_on)?;
    let outcome = body.value.outcome;
    let order = body.value.order()?;
    let route = format!("POST /api/v1/appeals/{id}/judgment");
    let as_of = today().max(on);
    let (s, i) = (&state, &id);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.record_judgment(&by, i, on, outcome, order).await?;
            detail(s, i, as_of).await
        },
        || detail(s, i, as_of),
    )
    .await
}
