//! Extractors that turn bad requests into the API's own problem+json errors, naming the field at fault.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use termijn_domain::values::parse_legal_date;

use super::error::{ApiError, FieldError};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body: 400 when it is not JSON, 422 naming the field when it does not fit the request type (unknown
/// fields included), 415 when it is not sent as JSON. Keeps the SHA-256 of the raw body for idempotency.
pub struct JsonBody<T> {
    pub value: T,
    pub sha256: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = read_body(request).await?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        // Syntax first (nesting included: at most 128 deep), so that malformed JSON is always 400, whatever its
        // shape would have been.
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|e| ApiError::Malformed(format!("the body is not valid JSON: {e}")))?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
        Ok(Self { value, sha256 })
    }
}

/// A file as the body, whatever its media type (what it is, is read from its bytes), at most
/// `MAX_BODY_BYTES`; with its SHA-256.
pub struct FileBody {
    pub bytes: Bytes,
    pub sha256: String,
}

impl<S: Send + Sync> FromRequest<S> for FileBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request).await?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Self { bytes, sha256 })
    }
}

/// Bodies larger than this are not even read to the end: the connection is closed after the answer.
const DRAIN_BYTES: usize = 16 * MAX_BODY_BYTES;

/// Reads the body, at most `MAX_BODY_BYTES` of it. A larger body is read on (up to `DRAIN_BYTES`) and dropped,
/// so that the client, still sending, receives the 413 instead of a closed connection.
async fn read_body(request: Request) -> Result<Bytes, ApiError> {
    let mut stream = request.into_body().into_data_stream();
    let mut body = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::Malformed(format!("the body cannot be read: {e}")))?;
        total += chunk.len();
        if total <= MAX_BODY_BYTES {
            body.extend_from_slice(&chunk);
        } else if total > DRAIN_BYTES {
            break;
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(ApiError::TooLarge(MAX_BODY_BYTES));
    }
    Ok(Bytes::from(body))
}

pub(crate) fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            let field = if path == "." { "body".to_owned() } else { path };
            ApiError::Invalid(vec![FieldError::new(field, strip_position(&inner.to_string()))])
        }
        _ => ApiError::Malformed(format!("the body is not valid JSON: {inner}")),
    }
}

/// serde_json appends " at line L column C" to its messages; the field path says more.
fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

/// A path segment, percent-decoded: an undecodable segment is 400.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state).await.map(|Path(v)| Self(v)).map_err(|rejection| match rejection {
            PathRejection::FailedToDeserializePathParams(e) => ApiError::Malformed(e.body_text()),
            other => ApiError::Malformed(other.body_text()),
        })
    }
}

/// The query string as name-value pairs.
pub struct QueryParams(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .map(|pairs| Self(pairs.into_iter().collect()))
            .map_err(|e| ApiError::Malformed(format!("the query string cannot be read: {e}")))
    }
}

/// Collects every bad field of a request before answering, so one 422 names them all.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl std::fmt::Display) {
        self.0.push(FieldError::new(field, message));
    }

    /// The parsed value, or `None` with the error noted against `field`.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: impl Into<String>, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error);
                None
            }
        }
    }

    /// A legal date written `YYYY-MM-DD`, between 1990 and 2200.
    pub fn date(&mut self, field: impl Into<String>, text: &str) -> Option<NaiveDate> {
        self.check(field, parse_legal_date(text))
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(ApiError::Invalid(self.0)) }
    }
}

/// A request whose only field is one legal date: the date, or a 422 naming the field.
pub fn date_field(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    let mut fields = Fields::new();
    let date = fields.date(field, text);
    fields.finish()?;
    Ok(date.expect("checked"))
}

/// An instant in RFC 3339, e.g. `2026-03-01T12:00:00Z`.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "must be an instant in RFC 3339, e.g. 2026-03-01T12:00:00Z".to_owned())
}
