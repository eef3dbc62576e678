//! Objections (bezwaar) to tariff decisions (DOMAIN.md R10): lodged, postponed, decided. Each is classified on
//! filing like an appeal and never refused for its timing; its decision term is a deadline for the NZa itself.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use termijn_domain::record::{ObjectionDecision, Postponement, PostponementGround};
use termijn_domain::register::Appellant;
use termijn_domain::values::{AgbCode, DecisionId, ObjectionId};
use termijn_projections::views::ObjectionView;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Legal;
use super::error::{ApiError, problems};
use super::extract::{Fields, JsonBody, PathParams};
use super::idempotency::{IdempotencyKey, Write, write};
use crate::service::{NewObjection, today};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lodge_objection))
        .routes(routes!(record_postponement))
        .routes(routes!(record_objection_decision))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ObjectorKind {
    Provider,
    CareOffice,
    Other,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ObjectorRequest {
    kind: ObjectorKind,
    /// The AGB code of a provider, or a name or number of another objector.
    #[schema(example = "12345678")]
    id: String,
}

/// An objection to a tariff decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ObjectionRequest {
    #[schema(example = "B-2026-0042")]
    objection_id: String,
    objector: ObjectorRequest,
    #[schema(format = Date, example = "2026-04-20")]
    received_on: String,
    /// The day it was posted, when it came by post (art. 6:9 lid 2 Awb).
    #[serde(default)]
    #[schema(format = Date)]
    posted_on: Option<String>,
    /// An advisory committee hears it (art. 7:13 Awb): twelve weeks to decide instead of six.
    #[serde(default)]
    advisory_committee: bool,
}

/// A postponement of the decision on an objection: `paragraph` 3 (art. 7:10 lid 3 Awb, at most six weeks, `until`
/// optional) or 4 (lid 4, with `until` and `ground`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PostponementRequest {
    #[schema(example = 3)]
    paragraph: u8,
    #[serde(default)]
    #[schema(format = Date)]
    until: Option<String>,
    #[serde(default)]
    ground: Option<PostponementGround>,
    #[schema(format = Date, example = "2026-06-01")]
    announced_on: String,
}

/// The NZa's decision on the objection.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionRequest {
    #[schema(format = Date, example = "2026-06-20")]
    decided_on: String,
    #[schema(format = Date, example = "2026-06-22")]
    announced_on: String,
}

impl ObjectionRequest {
    pub(super) fn parse(&self, tariff: &DecisionId) -> Result<NewObjection, ApiError> {
        let mut fields = Fields::new();
        let id = fields.check("objection_id", ObjectionId::parse(&self.objection_id));
        let objector = match self.objector.kind {
            ObjectorKind::Provider => {
                fields.check("objector.id", AgbCode::parse(&self.objector.id)).map(Appellant::Provider)
            }
            ObjectorKind::CareOffice => Some(Appellant::CareOffice(self.objector.id.clone())),
            ObjectorKind::Other => Some(Appellant::Other(self.objector.id.clone())),
        };
        let received_on = fields.date("received_on", &self.received_on);
        let posted_on = self.posted_on.as_deref().map(|p| fields.date("posted_on", p));
        fields.finish()?;
        Ok(NewObjection {
            objection_id: id.expect("checked"),
            tariff_decision: tariff.clone(),
            objector: objector.expect("checked"),
            received_on: received_on.expect("checked"),
            posted_on: posted_on.map(|p| p.expect("checked")),
            advisory_committee: self.advisory_committee,
        })
    }
}

impl PostponementRequest {
    pub(super) fn parse(&self) -> Result<Postponement, ApiError> {
        let mut fields = Fields::new();
        let until = self.until.as_deref().map(|u| fields.date("until", u));
        let announced_on = fields.date("announced_on", &self.announced_on);
        fields.finish()?;
        Ok(Postponement {
            paragraph: self.paragraph,
            until: until.map(|u| u.expect("checked")),
            ground: self.ground,
            announced_on: announced_on.expect("checked"),
        })
    }
}

impl DecisionRequest {
    pub(super) fn parse(&self) -> Result<ObjectionDecision, ApiError> {
        let mut fields = Fields::new();
        let decided_on = fields.date("decided_on", &self.decided_on);
        let announced_on = fields.date("announced_on", &self.announced_on);
        fields.finish()?;
        Ok(ObjectionDecision { decided_on: decided_on.expect("checked"), announced_on: announced_on.expect("checked") })
    }
}

fn tariff_id(raw: &str) -> Result<DecisionId, ApiError> {
    DecisionId::parse(raw).map_err(|_| ApiError::NotFound(format!("no tariff decision {raw:?} is recorded")))
}

fn objection_id(raw: &str) -> Result<ObjectionId, ApiError> {
    ObjectionId::parse(raw).map_err(|_| ApiError::NotFound(format!("no objection {raw:?} is recorded")))
}

/// The objection as judged on `as_of`.
async fn view(
    state: &AppState,
    tariff: &DecisionId,
    objection: &ObjectionId,
    as_of: chrono::NaiveDate,
) -> Result<ObjectionView, ApiError> {
    state
        .service
        .objection(tariff, objection, as_of)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no objection {objection} to tariff decision {tariff} is recorded")))
}

/// Records an objection to a tariff decision and classifies its filing against the objection term (art. 6:7-6:11
/// Awb): on_time, on_time_by_post, premature or late; never refused.
#[utoipa::path(post, path = "/api/v1/tariff-decisions/{decision_id}/objections", tag = "objections",
    params(("decision_id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ObjectionRequest,
    responses(
        (status = 201, description = "The recorded objection with its classification and decision term", body = ObjectionView),
        problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::NotFoundProblem, problems::ConflictProblem, problems::UnsupportedMedia,
        problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn lodge_objection(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams(raw): PathParams<String>,
    key: IdempotencyKey,
    body: JsonBody<ObjectionRequest>,
) -> Result<Response, ApiError> {
    let tariff = tariff_id(&raw)?;
    let new = body.value.parse(&tariff)?;
    let objection = new.objection_id.clone();
    let as_of = today().max(new.received_on);
    let route = format!("POST /api/v1/tariff-decisions/{tariff}/objections");
    let (s, t, o) = (&state, &tariff, &objection);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::CREATED },
        |by| async move {
            s.service.lodge_objection(&by, new).await?;
            view(s, t, o, as_of).await
        },
        || view(s, t, o, as_of),
    )
    .await
}

/// Records a postponement of the decision on an objection (art. 7:10 lid 3 or 4 Awb). One notified after the
/// term it postpones ended is recorded without effect; a second lid-3 postponement, or a lid-4 date that does
/// not lie after the current decision term, is refused.
#[utoipa::path(post, path = "/api/v1/tariff-decisions/{decision_id}/objections/{objection_id}/postponement", tag = "objections",
    params(("decision_id" = String, Path), ("objection_id" = String, Path, description = "URL-encoded"),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body = PostponementRequest,
    responses((status = 200, body = ObjectionView), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::NotFoundProblem, problems::ConflictProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_postponement(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams((raw_tariff, raw_objection)): PathParams<(String, String)>,
    key: IdempotencyKey,
    body: JsonBody<PostponementRequest>,
) -> Result<Response, ApiError> {
    let tariff = tariff_id(&raw_tariff)?;
    let objection = objection_id(&raw_objection)?;
    let postponement = body.value.parse()?;
    let as_of = today().max(postponement.announced_on);
    let route = format!("POST /api/v1/tariff-decisions/{tariff}/objections/{objection}/postponement");
    let (s, t, o) = (&state, &tariff, &objection);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.postpone_objection(&by, t, o, postponement).await?;
            view(s, t, o, as_of).await
        },
        || view(s, t, o, as_of),
    )
    .await
}

/// Records the NZa's decision on an objection: its decision term is then closed and leaves the deadlines.
#[utoipa::path(post, path = "/api/v1/tariff-decisions/{decision_id}/objections/{objection_id}/decision", tag = "objections",
    params(("decision_id" = String, Path), ("objection_id" = String, Path, description = "URL-encoded"),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body = DecisionRequest,
    responses((status = 200, body = ObjectionView), problems::BadRequest, problems::Unauthenticated, problems::TooManyAttempts,
        problems::ForbiddenForRole, problems::NotFoundProblem, problems::ConflictProblem,
        problems::InvalidInput),
    security(("bearer" = [])))]
pub(super) async fn record_objection_decision(
    State(state): State<AppState>,
    Legal(caller): Legal,
    PathParams((raw_tariff, raw_objection)): PathParams<(String, String)>,
    key: IdempotencyKey,
    body: JsonBody<DecisionRequest>,
) -> Result<Response, ApiError> {
    let tariff = tariff_id(&raw_tariff)?;
    let objection = objection_id(&raw_objection)?;
    let decision = body.value.parse()?;
    let as_of = today().max(decision.announced_on);
    let route = format!("POST /api/v1/tariff-decisions/{tariff}/objections/{objection}/decision");
    let (s, t, o) = (&state, &tariff, &objection);
    write(
        &state,
        Write { caller: &caller, key, route, body_sha256: &body.sha256, status: StatusCode::OK },
        |by| async move {
            s.service.decide_objection(&by, t, o, decision).await?;
            view(s, t, o, as_of).await
        },
        || view(s, t, o, as_of),
    )
    .await
}
