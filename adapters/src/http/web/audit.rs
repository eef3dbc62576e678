//! Audit: the history as recorded, filterable by stream and period, with who recorded each event, when, and
//! its hash; and "Controleer de keten", the same verification as `termijn verify`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::form::FormErrors;
use super::session::{Posted, UserBar, WebUser};
use super::{error_page, html};
use crate::auth::Role;
use crate::http::AppState;
use crate::http::history::stream;
use crate::store::{ChainBreak, EventQuery};

const PAGE: i64 = 200;

pub struct EventRow {
    pub position: i64,
    pub recorded_at: String,
    pub recorded_by: String,
    pub stream: String,
    pub event_type: String,
    pub hash: String,
}

pub struct Verification {
    pub intact: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    user: Option<UserBar>,
    nav: &'static str,
    csrf: String,
    errors: FormErrors,
    stream: String,
    from: String,
    to: String,
    events: Vec<EventRow>,
    next_after: Option<i64>,
    next_link: Option<String>,
    verification: Option<Verification>,
}

/// The start of a legal date, or the end of it, as an instant (Europe/Amsterdam).
fn instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    date.and_time(time).and_local_timezone(chrono_tz::Europe::Amsterdam).earliest().map(|t| t.with_timezone(&Utc))
}

async fn page(
    state: &AppState,
    user: &WebUser,
    query: &HashMap<String, String>,
    verification: Option<Verification>,
) -> Response {
    if let Err(error) = user.caller.require(&[Role::Auditor, Role::Legal]) {
        return error_page(user, error);
    }
    let mut errors = FormErrors::default();
    let text = |name: &str| query.get(name).map_or("", |v| v.trim()).to_owned();
    let (stream_text, from_text, to_text) = (text("stream"), text("van"), text("tot"));
    let stream =
        (!stream_text.is_empty()).then(|| stream(&stream_text).map_err(|e| errors.add("stream", e)).ok()).flatten();
    let mut date = |name: &str, value: &str| {
        (!value.is_empty())
            .then(|| termijn_domain::values::parse_legal_date(value).map_err(|e| errors.add(name, e.to_string())).ok())
            .flatten()
    };
    let from = date("van", &from_text).and_then(|d| instant(d, NaiveTime::MIN));
    let until = date("tot", &to_text)
        .and_then(|d| instant(d, NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap_or(NaiveTime::MIN)));
    let after = query.get("after").and_then(|a| a.parse::<i64>().ok()).filter(|a| *a >= 0).unwrap_or(0);
    let events = match state.service.history(&EventQuery { after, limit: PAGE, stream, recorded_until: until }).await {
        Ok(events) => events,
        Err(error) => return error_page(user, error.into()),
    };
    let next_after = (events.len() as i64 == PAGE).then(|| events.last().map(|e| e.position)).flatten();
    let next_link = next_after.map(|n| {
        let query = serde_urlencoded::to_string([
            ("stream", &stream_text),
            ("van", &from_text),
            ("tot", &to_text),
            ("after", &n.to_string()),
        ])
        .unwrap_or_default();
        format!("/audit?{query}")
    });
    let page = AuditPage {
        user: Some(user.bar()),
        nav: "audit",
        csrf: user.csrf.clone(),
        errors,
        stream: stream_text,
        from: from_text,
        to: to_text,
        events: events
            .into_iter()
            .filter(|e| from.is_none_or(|f| e.recorded_at >= f))
            .map(|e| EventRow {
                position: e.position,
                recorded_at: e.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                recorded_by: e.recorded_by,
                stream: format!("{}/{}", e.aggregate_type, e.aggregate_id),
                event_type: e.event_type,
                hash: e.hash,
            })
            .collect(),
        next_after,
        next_link,
        verification,
    };
    html(StatusCode::OK, &page)
}

pub async fn audit(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    page(&state, &user, &query, None).await
}

/// "Controleer de keten": every event row checked against the hash chain, as `termijn verify` does.
pub async fn verify(State(state): State<AppState>, posted: Posted) -> Response {
    let user = posted.user;
    if let Err(error) = user.caller.require(&[Role::Auditor, Role::Legal]) {
        return error_page(&user, error);
    }
    let store = state.service.store();
    let result = match store.verify(|_, _| {}).await {
        Ok(result) => result,
        Err(error) => return error_page(&user, error.into()),
    };
    let verification = match result {
        None => {
            let (head, _) = match store.chain_head().await {
                Ok(head) => head,
                Err(error) => return error_page(&user, error.into()),
            };
            Verification { intact: true, text: format!("alle {head} gebeurtenissen sluiten aan op de hashketen.") }
        }
        Some(ChainBreak { position, problem }) => {
            Verification { intact: false, text: format!("de keten breekt bij positie {position}: {problem}.") }
        }
    };
    page(&state, &user, &HashMap::new(), Some(verification)).await
}
