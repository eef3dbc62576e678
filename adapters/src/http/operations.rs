//! What the operator's tools read from every request and answer: a request id on each request, its answer and
//! every log line it causes; the request counters and latencies of `/metrics`; and an upper bound on how long
//! any request may take.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use crate::telemetry::names;

pub(crate) static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id given by a proxy in front is kept when it is a plain token of at most 64 characters; any other
/// request gets a new one.
fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    (1..=64).contains(&bytes.len()) && bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// Gives the request its id (kept from `X-Request-Id` or new), which the request's log span carries, and
/// answers with it.
pub(crate) async fn request_id(mut request: Request, next: Next) -> Response {
    let id = match request.headers().get(&REQUEST_ID) {
        Some(given) if acceptable_request_id(given) => given.clone(),
        _ => HeaderValue::try_from(format!("{:032x}", rand::random::<u128>())).expect("hex digits are a header value"),
    };
    request.headers_mut().insert(REQUEST_ID.clone(), id.clone());
    let mut response = next.run(request).await;
    response.headers_mut().insert(REQUEST_ID.clone(), id);
    response
}

/// The route pattern a request matched, handed from inside the router to [`measure`] outside it.
#[derive(Clone)]
struct Route(String);

/// Notes the matched route's pattern (never its values, such as a subscription's secret) on the request's log
/// span and on the answer: inside the router, where it is known.
pub(crate) async fn remember_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|path| Route(path.as_str().to_owned()));
    if let Some(Route(pattern)) = &route {
        tracing::Span::current().record("route", pattern.as_str());
    }
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// A method as a label: the methods HTTP names, anything else `other`, so that no client adds labels.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts each request and its latency by method, route pattern (`unmatched` for what no route answers) and
/// status.
pub(crate) async fn measure(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let response = next.run(request).await;
    let route = response.extensions().get::<Route>().map_or_else(|| "unmatched".to_owned(), |r| r.0.clone());
    let status = response.status().as_u16().to_string();
    let labels = [("method", method.to_owned()), ("route", route), ("status", status)];
    metrics::counter!(names::REQUESTS, &labels).increment(1);
    metrics::histogram!(names::REQUEST_SECONDS, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// Answers 503 with `Retry-After` when a request is not answered within the server's request timeout, so that
/// no request hangs while the database is away. A write still queued then may yet be recorded; its
/// `Idempotency-Key` makes the retry record it once.
pub(crate) async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable(format!(
            "no answer within {} seconds; the database may be away; retry with the same Idempotency-Key",
            limit.as_secs()
        ))
        .into_response(),
    }
}

/// The metrics in the Prometheus text format (version 0.0.4), with the region-years held, the events in the log
/// and the region-years the deadlines index is behind on as the database says now (or said last, when it does
/// not answer within a second).
#[utoipa::path(get, path = "/metrics", tag = "service",
    responses((status = 200, description = "The Prometheus text format", content_type = "text/plain")))]
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let store = state.service.store();
    metrics::gauge!(names::REGION_YEARS_HELD).set(store.region_years_held() as f64);
    if let Ok(Ok((position, _))) = tokio::time::timeout(Duration::from_secs(1), store.chain_head()).await {
        metrics::gauge!(names::EVENTS_IN_LOG).set(position as f64);
    }
    if let Ok(Ok(behind)) = tokio::time::timeout(Duration::from_secs(1), store.stale_region_years()).await {
        metrics::gauge!(names::DEADLINES_INDEX_BEHIND).set(behind.len() as f64);
    }
    let handle = crate::telemetry::metrics();
    handle.run_upkeep();
    let mut response = handle.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}
