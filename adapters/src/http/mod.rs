//! The public HTTP API, on axum. One router per resource; errors are problem+json; the OpenAPI
//! description is generated from the same handlers the router serves.

mod access;
mod appeals;
mod auth;
mod deadlines;
pub mod error;
mod exports;
mod extract;
pub(crate) mod history;
mod idempotency;
mod imports;
mod objections;
mod operations;
mod proofs;
mod reference;
mod spaces;
pub(crate) mod subscriptions;
mod tariffs;
pub mod web;
pub(crate) mod what_if;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tracing::Level;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use self::error::ApiError;
use self::extract::{Fields, parse_instant};
use crate::service::{Service, legal_date_at, today};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    pub tokens: Arc<crate::auth::TokenCache>,
    pub failures: Arc<crate::auth::FailedAttempts>,
    pub web: Arc<web::WebSettings>,
}

/// `as_of` and `as_at` of a read: `as_of` defaults to the legal date of `as_at`, or else today.
pub(crate) fn judged(fields: &mut Fields, query: &HashMap<String, String>) -> (NaiveDate, Option<DateTime<Utc>>) {
    let as_of = query.get("as_of").and_then(|a| fields.date("as_of", a));
    let as_at = query.get("as_at").and_then(|a| fields.check("as_at", parse_instant(a)));
    let as_of = as_of.unwrap_or_else(|| as_at.map_or_else(today, legal_date_at));
    (as_of, as_at)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "termijn", description = "Register of regional contracting spaces, tariff decisions and appeals, with the appeal terms of art. 105 Wmg and the articles that justify each date."),
    modifiers(&BearerAuth),
    components(schemas(error::Problem, error::FieldError)),
    tags(
        (name = "contracting spaces"), (name = "tariff decisions"), (name = "appeals"), (name = "objections"), (name = "deadlines"),
        (name = "history"), (name = "reference data"), (name = "service"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3 description of the API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service",
    responses((status = 200, description = "This document", content_type = "application/json", body = Object)))]
async fn openapi(State(doc): State<Arc<utoipa::openapi::OpenApi>>) -> Json<utoipa::openapi::OpenApi> {
    Json((*doc).clone())
}

/// Ready for requests: the register is read in (before the server listens at all) and the database answers
/// within two seconds; 503 problem+json with `Retry-After` while it does not.
#[utoipa::path(get, path = "/readyz", tag = "service",
    responses((status = 200, description = "Ready"),
        (status = 503, description = "The database does not answer", content_type = "application/problem+json")))]
async fn readyz(State(state): State<AppState>) -> Response {
    let answered = tokio::time::timeout(std::time::Duration::from_secs(2), state.service.store().ping()).await;
    match answered {
        Ok(Ok(())) => "ready".into_response(),
        Ok(Err(error)) => ApiError::Unavailable(format!("the database does not answer: {error}")).into_response(),
        Err(_) => ApiError::Unavailable("the database did not answer within two seconds".to_owned()).into_response(),
    }
}

/// Answers 200 while the server runs.
#[utoipa::path(get, path = "/healthz", tag = "service", responses((status = 200, description = "Running")))]
async fn healthz() -> &'static str {
    "ok"
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such resource".to_owned())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// The headers every answer carries, the API's as well as the pages' (which add their own Content-Security-Policy):
/// no content sniffing, no referrer to other sites, and with `--https` (TLS ends in front of the server) HSTS.
async fn security_headers(State(https): State<bool>, request: Request, next: axum::middleware::Next) -> Response {
    use axum::http::{HeaderValue, header};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("a handler panicked".to_owned()).into_response()
}

/// The API router with the web interface beside it, and the API's OpenAPI description.
pub fn router(service: Arc<Service>, web: web::WebSettings) -> (axum::Router, utoipa::openapi::OpenApi) {
    let https = web.https;
    let request_timeout = web.request_timeout;
    // The recorder is installed before the first request is counted.
    crate::telemetry::metrics();
    let failures = Arc::new(crate::auth::FailedAttempts::new(web.failed_token_attempts));
    let state = AppState { service, tokens: Arc::default(), failures, web: Arc::new(web) };
    let pages = web::router().with_state(state.clone());
    // A calendar subscription's feed: no header, the secret in the path.
    let feeds =
        axum::Router::new().route("/ics/{secret}", axum::routing::get(subscriptions::feed)).with_state(state.clone());
    let (api, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(spaces::router())
        .merge(tariffs::router())
        .merge(appeals::router())
        .merge(objections::router())
        .merge(deadlines::router())
        .merge(history::router())
        .merge(proofs::router())
        .merge(reference::router())
        .merge(what_if::router())
        .merge(imports::router())
        .merge(subscriptions::router())
        .routes(utoipa_axum::routes!(readyz))
        .routes(utoipa_axum::routes!(operations::metrics))
        .with_state(state)
        .split_for_parts();
    let (service, service_doc) = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(openapi))
        .routes(utoipa_axum::routes!(healthz))
        .split_for_parts();
    let mut doc = doc;
    doc.merge(service_doc);
    let shared_doc = Arc::new(doc.clone());
    let router = api
        .merge(service.with_state(shared_doc))
        .merge(pages)
        .merge(feeds)
        .route_layer(axum::middleware::from_fn(operations::remember_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // JSON bodies are limited, and drained past the limit, by `extract::JsonBody` itself.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(https, security_headers))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(request_timeout, operations::time_limit))
        .layer(axum::middleware::from_fn(operations::measure))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request.headers().get(&operations::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), route = tracing::field::Empty)
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                )
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn(operations::request_id));
    (router, doc)
}
