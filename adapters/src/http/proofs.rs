//! Signed checkpoints of the Merkle tree over the log, and inclusion and consistency proofs (auditors, legal
//! staff): what lets an auditor who saved a checkpoint catch any later rewrite of the past.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, problems};
use super::extract::{Fields, QueryParams};
use crate::audit::{self, AuditError, ConsistencyProof, InclusionProof};
use crate::auth::Role;
use crate::store::CheckpointRecord;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checkpoint, sign_checkpoint))
        .routes(routes!(inclusion))
        .routes(routes!(consistency))
}

impl From<AuditError> for ApiError {
    fn from(error: AuditError) -> Self {
        match error {
            AuditError::Store(error) => error.into(),
            AuditError::Field { field, message } => Self::field(field, message),
            AuditError::NothingSigned => Self::NotFound(error.to_string()),
            AuditError::Key(_) | AuditError::Tree(_) => Self::Internal(error.to_string()),
        }
    }
}

/// A signed checkpoint, as JSON.
#[derive(Debug, Serialize, ToSchema)]
struct Checkpoint {
    /// The log's name, the first line of the checkpoint and the verifier key's name.
    origin: String,
    /// How many events the tree covers: the events at positions 1 to `tree_size`.
    tree_size: u64,
    /// The root hash, base64 (RFC 9162 hashing).
    root_hash: String,
    signed_at: String,
    /// The key to check the signature with: `name+keyhash+base64(0x01 || Ed25519 public key)`.
    verifier_key: String,
    /// The signed note itself (C2SP tlog-checkpoint), to be saved as it is.
    note: String,
}

fn answer(headers: &HeaderMap, record: CheckpointRecord, state: &AppState, status: StatusCode) -> Response {
    let wants_json =
        headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("application/json"));
    if wants_json {
        let checkpoints = state.service.checkpoints();
        let verifier_key = checkpoints.map(|c| c.verifier_key().to_owned()).unwrap_or_default();
        let origin = verifier_key.split('+').next().unwrap_or_default().to_owned();
        let body = Checkpoint {
            origin,
            tree_size: record.tree_size,
            root_hash: record.root_hash,
            signed_at: record.signed_at,
            verifier_key,
            note: record.note,
        };
        return (status, Json(body)).into_response();
    }
    let mut response = (status, record.note).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn checkpoints(state: &AppState) -> Result<&audit::Checkpoints, ApiError> {
    state.service.checkpoints().ok_or_else(|| ApiError::NotFound("this server holds no checkpoint key".to_owned()))
}

/// The latest signed checkpoint: a C2SP signed note (`text/plain`), or as JSON with `Accept: application/json`.
/// Save it: any later log that does not extend it was rewritten.
#[utoipa::path(get, path = "/api/v1/checkpoint", tag = "proofs",
    responses((status = 200, description = "The latest signed checkpoint", content(
            (String = "text/plain"), (Checkpoint = "application/json"))),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::NotFoundProblem),
    security(("bearer" = [])))]
async fn checkpoint(State(state): State<AppState>, caller: Caller, headers: HeaderMap) -> Result<Response, ApiError> {
    caller.require(&[Role::Auditor, Role::Legal])?;
    let latest = checkpoints(&state)?.latest().await?;
    let latest = latest.ok_or_else(|| ApiError::NotFound("no checkpoint is signed yet".to_owned()))?;
    Ok(answer(&headers, latest, &state, StatusCode::OK))
}

/// Signs a checkpoint of the log as it stands now (unless the latest already covers it) and answers it.
#[utoipa::path(post, path = "/api/v1/checkpoint", tag = "proofs",
    request_body(content = Object, content_type = "application/json",
        description = "Nothing is asked: the body, if any, is ignored"),
    responses((status = 200, description = "A checkpoint of the whole log", content(
            (String = "text/plain"), (Checkpoint = "application/json"))),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::NotFoundProblem),
    security(("bearer" = [])))]
async fn sign_checkpoint(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Auditor, Role::Legal])?;
    let signed = checkpoints(&state)?.sign_now().await?;
    Ok(answer(&headers, signed, &state, StatusCode::OK))
}

/// Two required whole numbers of 1 or more, both checked at once: each missing or bad one is named.
fn two_wholes(
    query: &std::collections::HashMap<String, String>,
    [first, second]: [&'static str; 2],
) -> Result<(u64, u64), ApiError> {
    let mut fields = Fields::new();
    let mut whole = |field: &'static str| match query.get(field) {
        None => {
            fields.add(field, "is required");
            None
        }
        Some(value) => fields
            .check(field, value.parse::<u64>().ok().filter(|n| *n >= 1).ok_or("must be a whole number, 1 or more")),
    };
    let (first, second) = (whole(first), whole(second));
    fields.finish()?;
    Ok((first.expect("checked"), second.expect("checked")))
}

/// The inclusion proof (RFC 9162, 2.1.3) of the event at `position` in the tree of `tree_size` events.
#[utoipa::path(get, path = "/api/v1/proofs/inclusion", tag = "proofs",
    params(("position" = u64, Query, description = "The event's position (its leaf is position - 1)"),
        ("tree_size" = u64, Query, description = "The size of the tree, e.g. a saved checkpoint's")),
    responses((status = 200, body = InclusionProof),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::InvalidInput),
    security(("bearer" = [])))]
async fn inclusion(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams,
) -> Result<Json<InclusionProof>, ApiError> {
    caller.require(&[Role::Auditor, Role::Legal])?;
    let (position, tree_size) = two_wholes(&query, ["position", "tree_size"])?;
    let position = i64::try_from(position).map_err(|_| ApiError::field("position", "is too large"))?;
    Ok(Json(audit::inclusion_proof(state.service.store(), position, tree_size).await?))
}

/// The consistency proof (RFC 9162, 2.1.4) that the tree of `to` events extends the tree of `from` events.
#[utoipa::path(get, path = "/api/v1/proofs/consistency", tag = "proofs",
    params(("from" = u64, Query, description = "The smaller tree size, e.g. a saved checkpoint's"),
        ("to" = u64, Query, description = "The larger tree size")),
    responses((status = 200, body = ConsistencyProof),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::InvalidInput),
    security(("bearer" = [])))]
async fn consistency(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams,
) -> Result<Json<ConsistencyProof>, ApiError> {
    caller.require(&[Role::Auditor, Role::Legal])?;
    let (from, to) = two_wholes(&query, ["from", "to"])?;
    Ok(Json(audit::consistency_proof(state.service.store(), from, to).await?))
}
