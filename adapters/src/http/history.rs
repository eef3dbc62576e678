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
    /// The event's leaf in the Merkle tree over the log: `position - 1`.
    leaf_index: i64,
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
        ("limit" = Option<i64>, Query, description = "At most this many events (1-1000, default 100)"),
        ("format" = Option<String>, Query, description = "json (default), or jsonl: the whole log as JSON Lines, \
            every event as stored with the hash before it and the text its hash covers")),
    responses((status = 200, description = "A page of the log, or the whole log as JSON Lines", content(
            (History = "application/json"), (String = "application/jsonl"))),
        problems::Unauthenticated, problems::TooManyAttempts, problems::ForbiddenForRole, problems::InvalidInput),
    security(("bearer" = [])))]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams,
) -> Result<axum::response::Response, ApiError> {
    caller.require(&[Role::Auditor, Role::Legal])?;
    match query.get("format").map(String::as_str) {
        None | Some("json") => Ok(axum::response::IntoResponse::into_response(Json(page(&state, &query).await?))),
        Some("jsonl") => json_lines(&state, &query),
        Some(_) => Err(ApiError::field("format", "must be json or jsonl")),
    }
}

/// One page of the log.
async fn page(state: &AppState, query: &std::collections::HashMap<String, String>) -> Result<History, ApiError> {
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
    Ok(History {
        events: events
            .into_iter()
            .map(|e| HistoryEvent {
                position: e.position,
                leaf_index: e.position - 1,
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
    })
}

/// One event of the log as a line for an auditor to check outside termijn: its columns as stored, the hash of
/// the event before it, and `chained`, the text its hash covers, so that `hash` = SHA-256(`previous_hash`,
/// a newline, `chained`) in hex.
pub(crate) fn json_line(row: &crate::store::StoredRow, previous_hash: &str) -> String {
    let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
    let mut line = serde_json::json!({
        "position": row.position,
        "leaf_index": row.position - 1,
        "stream": format!("{}/{}", row.aggregate_type, row.aggregate_id),
        "sequence": row.sequence,
        "type": row.event_type,
        "version": row.event_version,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
        "payload": payload,
        "previous_hash": previous_hash,
        "hash": row.hash,
        "chained": crate::store::chain::chained_text(&row.chained()),
    })
    .to_string();
    line.push('\n');
    line
}

/// The whole log after `after` (and recorded by `as_at`) as JSON Lines, read and sent a page at a time.
fn json_lines(
    state: &AppState,
    query: &std::collections::HashMap<String, String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::{HeaderValue, header};
    let mut fields = Fields::new();
    if query.contains_key("stream") {
        fields
            .add("stream", "format=jsonl exports the whole log, each event with the hash before it; leave stream out");
    }
    let as_at = query.get("as_at").and_then(|a| fields.check("as_at", parse_instant(a)));
    let after = query.get("after").and_then(|a| {
        fields.check("after", a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or("must be a position, 0 or more"))
    });
    fields.finish()?;
    let store = state.service.store().clone();
    let start = after.unwrap_or(0);
    let pages = futures_util::stream::unfold(Some((start, None::<String>)), move |cursor| {
        let store = store.clone();
        async move {
            let (after, previous) = cursor?;
            let previous = match previous {
                Some(previous) => previous,
                None if after == 0 => crate::store::chain::GENESIS.to_owned(),
                None => match store.rows(&EventQuery { after: after - 1, limit: 1, ..EventQuery::default() }).await {
                    Ok(rows) => rows.first().map(|r| r.hash.clone()).unwrap_or_default(),
                    Err(error) => return Some((Err(std::io::Error::other(error.to_string())), None)),
                },
            };
            let query = EventQuery { after, limit: 2_000, stream: None, recorded_until: as_at };
            match store.rows(&query).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let mut text = String::new();
                    let mut previous = previous;
                    for row in &rows {
                        text.push_str(&json_line(row, &previous));
                        previous.clone_from(&row.hash);
                    }
                    let last = rows.last().map_or(after, |r| r.position);
                    Some((Ok(axum::body::Bytes::from(text)), Some((last, Some(previous)))))
                }
                Err(error) => Some((Err(std::io::Error::other(error.to_string())), None)),
            }
        }
    });
    let mut response = axum::response::IntoResponse::into_response(axum::body::Body::from_stream(pages));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/jsonl"));
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"termijn-history.jsonl\""),
    );
    Ok(response)
}
