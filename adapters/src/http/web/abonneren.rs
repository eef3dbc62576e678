//! Abonneren: a calendar subscription link for the user's calendar program, made with the API's own checks and
//! scoped to the user's role and provider; the user's links, each with "Intrekken".

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::form::{Choice, FormErrors, FormField};
use super::session::{Posted, UserBar, WebUser};
use super::{error_page, html};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::subscriptions::{SubscriptionRequest, filters, new_subscription};

/// One of the user's links, as the page lists it.
pub struct LinkShown {
    pub id: String,
    pub created: String,
    pub scope: String,
    pub alarm_days: u32,
}

#[derive(Template)]
#[template(path = "abonneren.html")]
struct AbonnerenPage {
    user: Option<UserBar>,
    nav: &'static str,
    csrf: String,
    errors: FormErrors,
    fields: Vec<FormField>,
    /// The link just made: shown once.
    made: Option<(String, String)>,
    links: Vec<LinkShown>,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    values: (&str, &str),
    errors: FormErrors,
    made: Option<(String, String)>,
) -> Response {
    let subscriptions = match state.service.store().subscriptions().await {
        Ok(all) => all,
        Err(error) => return error_page(user, error.into()),
    };
    let links = subscriptions
        .iter()
        .filter(|s| s.revoked_at.is_none() && s.token_hash == user.caller.0.token_hash)
        .map(|s| LinkShown {
            id: s.id.clone(),
            created: crate::service::legal_date_at(s.created_at).to_string(),
            scope: s
                .filters
                .region
                .as_ref()
                .map_or_else(|| "alle regio's".to_owned(), |r| super::pages::region_name(state, r)),
            alarm_days: s.filters.alarm_days,
        })
        .collect();
    let (region, alarm) = values;
    let mut regions = vec![Choice::new("", "Alle regio's", region)];
    regions.extend(super::form::region_choices(state, region));
    let fields = vec![
        FormField::text("regio", "Regio", region, &errors).choices(regions),
        FormField::text("herinnering", "Herinnering, in dagen voor de laatste dag", alarm, &errors)
            .numeric()
            .hint("0 tot en met 60; 0 is op de dag zelf"),
    ];
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page =
        AbonnerenPage { user: Some(user.bar()), nav: "kalender", csrf: user.csrf.clone(), errors, fields, made, links };
    html(status, &page)
}

pub async fn abonneren(State(state): State<AppState>, user: WebUser) -> Response {
    page(&state, &user, ("", "7"), FormErrors::default(), None).await
}

/// The address a calendar program fetches the feed at, as this server is reached.
fn feed_url(state: &AppState, headers: &HeaderMap, path: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.web.https { "https" } else { "http" };
    format!("{scheme}://{host}{path}")
}

pub async fn maak(State(state): State<AppState>, headers: HeaderMap, posted: Posted) -> Response {
    let user = &posted.user;
    let region = posted.get("regio").trim().to_owned();
    let alarm = posted.get("herinnering").trim().to_owned();
    let mut errors = FormErrors::default();
    let alarm_days = match alarm.parse::<u32>() {
        Ok(days) => Some(days),
        Err(_) => {
            errors.add("herinnering", "moet een aantal dagen zijn, 0 tot en met 60");
            None
        }
    };
    if !errors.is_empty() {
        return page(&state, user, (&region, &alarm), errors, None).await;
    }
    let request = SubscriptionRequest {
        region: Some(region.clone()).filter(|r| !r.is_empty()),
        provider: None,
        weeks: None,
        alarm_days,
    };
    let made = match filters(&state, &user.caller, &request) {
        Ok(filters) => new_subscription(&state, &user.caller, filters).await,
        Err(error) => Err(error),
    };
    match made {
        Ok((_, secret)) => {
            let url = feed_url(&state, &headers, &format!("/ics/{secret}"));
            let webcal = url.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1);
            page(&state, user, (&region, &alarm), FormErrors::default(), Some((url, webcal))).await
        }
        Err(ApiError::Invalid(found)) => {
            for e in found {
                let field = if e.field == "alarm_days" { "herinnering" } else { "regio" };
                errors.add(field, e.message);
            }
            page(&state, user, (&region, &alarm), errors, None).await
        }
        Err(other) => error_page(user, other),
    }
}

pub async fn intrekken(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let user = &posted.user;
    let store = state.service.store();
    let own = match store.subscriptions().await {
        Ok(all) => {
            all.into_iter().find(|s| s.id == id && s.revoked_at.is_none() && s.token_hash == user.caller.0.token_hash)
        }
        Err(error) => return error_page(user, error.into()),
    };
    let Some(own) = own else {
        return error_page(user, ApiError::NotFound("u hebt geen actief abonnement met dit kenmerk".to_owned()));
    };
    if let Err(error) = store.revoke_subscription(&own.id, chrono::Utc::now()).await {
        return error_page(user, error.into());
    }
    Redirect::to("/kalender/abonneren").into_response()
}
