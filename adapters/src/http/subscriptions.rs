//! Calendar subscriptions: a link a calendar program (Outlook, Google Calendar, Apple Calendar, Thunderbird) can
//! subscribe to without sending a header. The link holds a 256-bit secret, of which only the hash is stored; its
//! feed shows what its creator may see, with the filters it was made with, and stops when it is revoked or the
//! creator's token no longer works.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Days, Utc};
use serde::{Deserialize, Serialize};
use termijn_domain::values::{AgbCode, RegionSlug};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::Caller;
use super::deadlines::{Deadlines, Feed, find, ics, known_region};
use super::error::{ApiError, problems};
use super::extract::{Fields, JsonBody, PathParams};
use crate::auth::{Role, principal_of, token_hash};
use crate::service::today;
use crate::store::{SubscriptionFilters, SubscriptionRecord};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_subscription, list_subscriptions)).routes(routes!(revoke_subscription))
}

/// The feed's reminder when none is asked for: seven days before the last day.
const DEFAULT_ALARM_DAYS: u32 = 7;
/// How far ahead a feed looks when nothing else is asked for: a year.
const DEFAULT_WEEKS: u32 = 52;
/// How far back a feed still shows a term: four weeks, so that a term just ended stays in the calendar a while.
const WEEKS_BACK: u64 = 4;

/// A new subscription: the deadlines filters, how far ahead the feed looks, and its reminder.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubscriptionRequest {
    /// Only this region's terms.
    #[serde(default)]
    #[schema(example = "groningen")]
    pub(crate) region: Option<String>,
    /// Only the terms that count for this provider (a provider token: its own, which is the default).
    #[serde(default)]
    pub(crate) provider: Option<String>,
    /// How many weeks ahead the feed looks (1 to 520, default 52); it also keeps the last four weeks.
    #[serde(default)]
    pub(crate) weeks: Option<u32>,
    /// The reminder, in days before the last day (0 to 60, default 7; 0: on the day itself).
    #[serde(default)]
    pub(crate) alarm_days: Option<u32>,
}

/// A subscription as its creator sees it. `url` is given once, when it is made.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SubscriptionView {
    pub(crate) id: String,
    /// The feed's address, relative to this server; only in the answer that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    pub(crate) created_by: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) region: Option<RegionSlug>,
    pub(crate) provider: Option<AgbCode>,
    pub(crate) weeks: u32,
    pub(crate) alarm_days: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Subscriptions {
    pub(crate) subscriptions: Vec<SubscriptionView>,
}

fn view(record: &SubscriptionRecord, url: Option<String>) -> SubscriptionView {
    SubscriptionView {
        id: record.id.clone(),
        url,
        created_by: record.created_by.clone(),
        created_at: record.created_at,
        region: record.filters.region.clone(),
        provider: record.filters.provider.clone(),
        weeks: record.filters.weeks,
        alarm_days: record.filters.alarm_days,
    }
}

/// The filters a request asks for, checked as the deadlines query checks them.
pub(crate) fn filters(
    state: &AppState,
    caller: &Caller,
    request: &SubscriptionRequest,
) -> Result<SubscriptionFilters, ApiError> {
    let mut fields = Fields::new();
    let region = request.region.as_deref().map(|r| fields.check("region", RegionSlug::parse(r)));
    let provider = request.provider.as_deref().map(|p| fields.check("provider", AgbCode::parse(p)));
    let weeks = request.weeks.unwrap_or(DEFAULT_WEEKS);
    if !(1..=520).contains(&weeks) {
        fields.add("weeks", "must lie between 1 and 520");
    }
    let alarm_days = request.alarm_days.unwrap_or(DEFAULT_ALARM_DAYS);
    if alarm_days > 60 {
        fields.add("alarm_days", "must lie between 0 and 60");
    }
    fields.finish()?;
    let region = region.map(|r| r.expect("checked"));
    known_region(state, region.as_ref())?;
    // A provider subscribes to its own terms only, as its deadlines query shows them.
    let provider = caller.viewer(provider.map(|p| p.expect("checked")))?;
    Ok(SubscriptionFilters { region, provider, weeks, alarm_days })
}

/// Makes a subscription link to the deadlines with these filters, scoped to the caller's role and provider.
#[utoipa::path(post, path = "/api/v1/calendar-subscriptions", tag = "deadlines",
    request_body = SubscriptionRequest,
    responses((status = 201, body = SubscriptionView), problems::BadRequest, problems::Unauthenticated,
        problems::TooManyAttempts, problems::ForbiddenForRole, problems::UnsupportedMedia, problems::InvalidInput),
    security(("bearer" = [])))]
pub(crate) async fn create_subscription(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<SubscriptionRequest>,
) -> Result<Response, ApiError> {
    let filters = filters(&state, &caller, &body.value)?;
    let (record, secret) = new_subscription(&state, &caller, filters).await?;
    let answer = view(&record, Some(format!("/ics/{secret}")));
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// Records a subscription for the caller; the record and the secret of its link (shown once).
pub(crate) async fn new_subscription(
    state: &AppState,
    caller: &Caller,
    filters: SubscriptionFilters,
) -> Result<(SubscriptionRecord, String), ApiError> {
    let random = |bytes: usize| {
        let mut buffer = vec![0u8; bytes];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut buffer);
        hex::encode(buffer)
    };
    // 256 bits for the secret; the id is public and only needs to be unique.
    let secret = random(32);
    let record = SubscriptionRecord {
        id: random(16),
        secret_hash: token_hash(&secret),
        token_hash: caller.0.token_hash.clone(),
        created_by: caller.0.name.clone(),
        created_at: Utc::now(),
        filters,
        revoked_at: None,
    };
    state.service.store().insert_subscription(&record).await?;
    Ok((record, secret))
}

/// The caller's subscriptions that still work; legal staff see everyone's.
#[utoipa::path(get, path = "/api/v1/calendar-subscriptions", tag = "deadlines",
    responses((status = 200, body = Subscriptions), problems::Unauthenticated, problems::TooManyAttempts),
    security(("bearer" = [])))]
pub(crate) async fn list_subscriptions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Subscriptions>, ApiError> {
    let mine = &caller.0.token_hash;
    let all = state.service.store().subscriptions().await?;
    let subscriptions = all
        .iter()
        .filter(|s| s.revoked_at.is_none() && (&s.token_hash == mine || caller.0.role == Role::Legal))
        .map(|s| view(s, None))
        .collect();
    Ok(Json(Subscriptions { subscriptions }))
}

/// Revokes a subscription: its link answers 404 from now on. Its creator may, and legal staff.
#[utoipa::path(delete, path = "/api/v1/calendar-subscriptions/{id}", tag = "deadlines",
    params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), problems::Unauthenticated, problems::TooManyAttempts,
        problems::NotFoundProblem),
    security(("bearer" = [])))]
pub(crate) async fn revoke_subscription(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    let mine = &caller.0.token_hash;
    let store = state.service.store();
    let found = store.subscriptions().await?.into_iter().find(|s| s.id == id && s.revoked_at.is_none());
    match found {
        Some(s) if &s.token_hash == mine || caller.0.role == Role::Legal => {
            store.revoke_subscription(&s.id, Utc::now()).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(ApiError::NotFound(format!("no calendar subscription {id} of yours is active"))),
    }
}

/// The feed of a subscription link, without any header: 404 for a link that is unknown, revoked, or whose
/// creator's token no longer works.
pub(crate) async fn feed(
    State(state): State<AppState>,
    axum::extract::Path(secret): axum::extract::Path<String>,
) -> Response {
    match feed_of(&state, &secret).await {
        Ok(body) => {
            let mut response = body.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn feed_of(state: &AppState, secret: &str) -> Result<String, ApiError> {
    let gone = || ApiError::NotFound("no such calendar subscription".to_owned());
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    let store = state.service.store();
    let (record, token) = store.subscription_by_secret(&token_hash(secret)).await?.ok_or_else(gone)?;
    if record.revoked_at.is_some() {
        return Err(gone());
    }
    let principal = principal_of(token, Utc::now()).ok_or_else(gone)?;
    let caller = Caller(principal);
    let today = today();
    let from = today.checked_sub_days(Days::new(WEEKS_BACK * 7)).unwrap_or(today);
    let to = today + Days::new(u64::from(record.filters.weeks) * 7);
    let mut query =
        std::collections::HashMap::from([("from".to_owned(), from.to_string()), ("to".to_owned(), to.to_string())]);
    if let Some(region) = &record.filters.region {
        query.insert("region".to_owned(), region.to_string());
    }
    if let Some(provider) = &record.filters.provider {
        query.insert("provider".to_owned(), provider.to_string());
    }
    let found: Deadlines = find(state, &caller, &query).await?;
    Ok(ics(state, &found, &Feed { alarm_days: Some(record.filters.alarm_days) }).await?)
}
