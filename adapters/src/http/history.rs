//! The history: every recorded event in the order it was recorded, with who recorded it, when, and its hash.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Caller;
use super::error::{ApiError, problems};
use super::extract::{Fields, QueryParams, parse_instant};
use crate::auth::Role;
use crate::store::EventQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history))
}

#[derive(Debug, Serialize, ToSchema)]
struct HistoryEvent {
    /// Global, increasing, without gaps.
    position: i64,
    /// `TYPE/ID` of the aggregate, e.g. `appeal/CBb 26/0123`.
    stream: String,
    sequence: i64,
    #[serde(rename = "type")]
    event_type: String,
    version: String,
    recorded_at: DateTime<Utc>,
    recorded_by: String,
    #[schema(value_type = Object)]
    payload: serde_json::Value,
    hash: String,
}

#[derive(Debug, Serialize, ToSchema)]
struct History {
    events: Vec<HistoryEvent>,
    /// Pass as `after` for the next page; null at the end.
    next_after: Option<i64>,
}

/// A stream as `TYPE/ID`, e.g. `appeal/CBb 26/0123`.
pub(crate) fn stream(text: &str) -> Result<(String, String), &'static str> {
    match text.split_once('/') {
        Some((kind, id)) if !kind.is_empty() && !id.is_empty() => Ok((kind.to_owned(), id.to_owned())),
        _ => Err("must be TYPE/ID, e.g. appeal/CBb 26/0123"),
    }
}

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1_000;

/// The recorded events in the order they were recorded (auditors and legal staff).
#[utoipa::path(get, path = "/api/v1/history", tag = "history",
    params(("stream" = Option<String>, Query, description = "TYPE/ID of one aggregate"),
        ("as_at" = Option<String>, Query, description = "Only events recorded by this RFC 3339 instant"),
        ("after" = Option<i64>, Query, description = "Only events after this position"),
        ("limit" = Option<i64>, Query, description = "At most this many events (1-1000, default 100)")),
    responses((status = 200, body = History), problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole,
        problems::InvalidInput),
    security(("bearer" = [])))]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams,
) -> Result<Json<History>, ApiError> {
    caller.require(&[Role::Auditor, Role::Legal])?;
    let mut fields = Fields::new();
    let stream = query.get("stream").and_then(|s| fields.check("stream", stream(s)));
    let as_at = query.get("as_at").and_then(|a| fields.check("as_at", parse_instant(a)));
    let after = query.get("after").and_then(|a| {
        fields.check("after", a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or("must be a position, 0 or more"))
    });
    let limit = query.get("limit").and_then(|l| {
        fields.check(
            "limit",
            l.parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or("must be a whole number from 1 to 1000"),
        )
    });
    fields.finish()?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let events =
        state.service.history(&EventQuery { after: after.unwrap_or(0), limit, stream, recorded_until: as_at }).await?;
    let next_after = (events.len() as i64 == limit).then(|| events.last().map(|e| e.position)).flatten();
    Ok(Json(History {
        events: events
            .into_iter()
            .map(|e| HistoryEvent {
                position: e.position,
                stream: format!("{}/{}", e.aggregate_type, e.aggregate_id),
                sequence: e.sequence,
                event_type: e.event_type,
                version: e.event_version,
                recorded_at: e.recorded_at,
                recorded_by: e.recorded_by,
                payload: e.payload,
                hash: e.hash,
            })
            .collect(),
        next_after,
    }))
}
