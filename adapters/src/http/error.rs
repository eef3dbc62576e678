//! One error type for the HTTP API, answered as RFC 9457 problem+json. Every variant maps to its status on
//! purpose; only a real fault is a 500, and then the cause is logged and a generic body sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::CommandError;
use crate::store::StoreError;

/// A bad field of a request: its JSON path (or the parameter or header name) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self { field: field.into(), message: message.to_string() }
    }
}

/// The problem+json body (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON, or not readable at all: 400.
    #[error("{0}")]
    Malformed(String),
    /// The request is well-formed but names bad values or breaks a rule: 422, with every bad field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("a valid bearer token is needed")]
    Unauthorized,
    /// Too many failed token attempts from the client's address: 429, with `Retry-After` in seconds.
    #[error("too many failed token attempts from this address; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    #[error("this resource does not answer that method")]
    MethodNotAllowed,
    /// The database does not answer: 503, with `Retry-After`.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of our own; the cause is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::Malformed(_) => ("malformed-request", "Malformed request"),
            Self::Invalid(_) => ("invalid-input", "Invalid input"),
            Self::Unauthorized => ("unauthorized", "Not authenticated"),
            Self::TooManyAttempts(_) => ("too-many-attempts", "Too many failed token attempts"),
            Self::Forbidden(_) => ("forbidden", "Not allowed for this role"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::TooLarge(_) => ("payload-too-large", "Request body too large"),
            Self::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            Self::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Self::Unavailable(_) => ("unavailable", "The database does not answer"),
            Self::Internal(_) => ("internal-error", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let (detail, errors) = match self {
            Self::Invalid(errors) => (
                errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
                errors.clone(),
            ),
            Self::Internal(_) => ("the server failed; the fault has been logged".to_owned(), Vec::new()),
            other => (other.to_string(), Vec::new()),
        };
        Problem {
            kind: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: self.status().as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).expect("a problem serialises");
        let mut response = (status, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if matches!(self, Self::Unavailable(_)) {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if let Self::TooManyAttempts(seconds) = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        if error.is_unavailable() { Self::unavailable(&error) } else { Self::Internal(error.to_string()) }
    }
}

impl ApiError {
    /// The database is away or cannot take the request now: 503 with `Retry-After`; the cause is logged.
    fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(%cause, "the database does not answer");
        Self::Unavailable("the database does not answer now; nothing was recorded; retry in a few seconds".to_owned())
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Invalid { field, message } => {
                Self::Invalid(vec![FieldError::new(field.unwrap_or_else(|| "body".to_owned()), message)])
            }
            CommandError::NotFound(m) => Self::NotFound(m),
            CommandError::Conflict(m) => Self::Conflict(m),
            CommandError::IdempotencyKeyTaken => {
                Self::Conflict("a request with this Idempotency-Key is being recorded; retry shortly".to_owned())
            }
            CommandError::Store(e) => Self::from(e),
            CommandError::Unavailable(cause) => Self::unavailable(&cause),
            CommandError::Internal(e) => Self::Internal(e),
        }
    }
}

/// The problem+json answers the OpenAPI document lists, one type per status, so that each operation names the
/// statuses it can answer once and the description of each is written once.
pub mod problems {
    use utoipa::IntoResponses;

    use super::Problem;

    macro_rules! problem_response {
        ($name:ident, $status:literal, $description:literal) => {
            #[doc = $description]
            #[derive(IntoResponses)]
            #[response(status = $status, description = $description, content_type = "application/problem+json")]
            pub struct $name(pub Problem);
        };
    }

    problem_response!(BadRequest, 400, "The body is not JSON, or not readable");
    problem_response!(Unauthenticated, 401, "A valid bearer token is needed");
    problem_response!(TooManyAttempts, 429, "Too many failed token attempts from this address; see Retry-After");
    problem_response!(ForbiddenForRole, 403, "Not allowed for this role");
    problem_response!(NotFoundProblem, 404, "Not found");
    problem_response!(ConflictProblem, 409, "Conflicts with what is recorded");
    problem_response!(UnsupportedMedia, 415, "The body must be application/json");
    problem_response!(InvalidInput, 422, "Bad values, each bad field named");
}
