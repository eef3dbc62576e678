//! `Idempotency-Key` on writes: the same key with the same body returns the first result and records nothing
//! new; the same key with another body is 409. Keys are kept in the store, per token name, so they survive a
//! restart and hold across servers sharing one database.

use std::future::Future;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;

const HEADER: &str = "idempotency-key";

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(HEADER) else { return Ok(Self(None)) };
        let key =
            value.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()));
        match key {
            Some(key) => Ok(Self(Some(key.to_owned()))),
            None => Err(ApiError::field("Idempotency-Key", "must be 1 to 255 visible ASCII characters")),
        }
    }
}

/// One write request: who sends it, under which key, to which route, with which body, answered with which
/// status on success.
pub struct Write<'a> {
    pub caller: &'a Caller,
    pub key: IdempotencyKey,
    pub route: String,
    pub body_sha256: &'a str,
    pub status: StatusCode,
}

/// Runs a write under its idempotency key. `run` records and returns the response body; `current` reads the
/// resource again, for a key whose first response was never stored (its writer stopped after recording).
pub async fn write<T, Run, RunFut, Current, CurrentFut>(
    state: &AppState,
    request: Write<'_>,
    run: Run,
    current: Current,
) -> Result<Response, ApiError>
where
    T: Serialize,
    Run: FnOnce(crate::store::Provenance) -> RunFut,
    RunFut: Future<Output = Result<T, ApiError>>,
    Current: FnOnce() -> CurrentFut,
    CurrentFut: Future<Output = Result<T, ApiError>>,
{
    let Write { caller, key, route, body_sha256, status } = request;
    let store = state.service.store();
    let scope = caller.0.name.clone();
    let request_hash = crate::store::Provenance::request_hash(&route, body_sha256);
    let Some(key) = key.0 else {
        let body = run(caller.provenance()).await?;
        return Ok(respond(
            status,
            serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
            false,
        ));
    };
    if store.idempotency(&scope, &key).await?.is_some() {
        return replay(state, &scope, &key, &request_hash, current).await;
    }
    let provenance = crate::store::Provenance {
        idempotency_key: Some(key.clone()),
        request_hash: Some(request_hash.clone()),
        ..caller.provenance()
    };
    match run(provenance).await {
        Ok(body) => {
            let text = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
            store.complete_idempotency(&scope, &key, status.as_u16(), &text).await?;
            Ok(respond(status, text, false))
        }
        // A request with the same key may have been recorded a moment ago.
        Err(error) => match store.idempotency(&scope, &key).await? {
            Some(_) => replay(state, &scope, &key, &request_hash, current).await,
            None => Err(error),
        },
    }
}

async fn replay<T, Current, CurrentFut>(
    state: &AppState,
    scope: &str,
    key: &str,
    request_hash: &str,
    current: Current,
) -> Result<Response, ApiError>
where
    T: Serialize,
    Current: FnOnce() -> CurrentFut,
    CurrentFut: Future<Output = Result<T, ApiError>>,
{
    let store = state.service.store();
    for _ in 0..50 {
        let Some(record) = store.idempotency(scope, key).await? else { break };
        if record.request_hash != request_hash {
            return Err(ApiError::Conflict(
                "this Idempotency-Key was used before with another request; use a new key".to_owned(),
            ));
        }
        if let Some((status, body)) = record.response {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return Ok(respond(status, body, true));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let body = current().await?;
    let text = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(respond(StatusCode::OK, text, true))
}

fn respond(status: StatusCode, body: String, replayed: bool) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
