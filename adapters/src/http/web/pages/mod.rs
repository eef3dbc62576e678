//! The pages that read: Termijnen, Regio's, Regio-jaar, Voor zorgaanbieders, Kalender and Feestdagen. Each is
//! one service call (the API's own, with the API's checks of the query) and one template; this module holds what
//! they show alike: a term as a row, links, dates and the query's `as_of` and `as_at`.

mod calendar;
mod spaces;
mod termijnen;

use std::collections::HashMap;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use termijn_domain::register::DecisionStatus;
use termijn_domain::values::RegionSlug;
use termijn_projections::views::{DeadlineView, TermView};

pub use calendar::{feestdagen, kalender, kalender_ics};
pub use spaces::{SpaceShown, aanbieder, regio_jaar, regios, regios_xlsx};
pub use termijnen::{termijnen, termijnen_csv, termijnen_xlsx};

use super::form::FormErrors;
use super::session::WebUser;
use super::words;
use crate::auth::Role;
use crate::http::AppState;
use crate::http::error::ApiError;

pub(in crate::http::web) type Params = HashMap<String, String>;

/// A term as a row of a table: the engine's dates, status and explanation, in words.
pub struct TermRow {
    pub last_day: String,
    pub weekday: &'static str,
    pub opens_on: String,
    pub provisional: bool,
    pub region_name: String,
    pub year: i32,
    pub link: String,
    pub basis_label: &'static str,
    pub citation: &'static str,
    pub decision_id: String,
    pub tariff_decision: Option<String>,
    pub provider: Option<String>,
    pub status_label: &'static str,
    pub steps: Vec<String>,
}

pub(super) fn date_text(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "geen".to_owned(), |d| d.to_string())
}

pub(in crate::http::web) fn region_name(state: &AppState, region: &RegionSlug) -> String {
    state.service.context().regions.name_of(region)
}

pub(in crate::http::web) fn space_link(region: &RegionSlug, year: i32, as_of: NaiveDate) -> String {
    format!("/regios/{region}/{year}?as_of={as_of}")
}

impl TermRow {
    pub(super) fn new(state: &AppState, region: &RegionSlug, year: i32, term: &TermView, as_of: NaiveDate) -> Self {
        let provider = match (&term.provider, term.other_provider) {
            (Some(agb), _) => Some(format!("zorgaanbieder {agb}")),
            (None, true) => Some("tariefbeschikking van een andere zorgaanbieder".to_owned()),
            (None, false) => None,
        };
        Self {
            last_day: date_text(term.last_day),
            weekday: term.last_day.map_or("", words::weekday),
            opens_on: date_text(term.opens_on),
            provisional: term.provisional,
            region_name: region_name(state, region),
            year,
            link: space_link(region, year, as_of),
            basis_label: words::basis(term.basis),
            citation: term.basis.citation(),
            decision_id: term.decision_id.to_string(),
            tariff_decision: term.tariff_decision.as_ref().map(ToString::to_string),
            provider,
            status_label: words::term_status(term.status),
            steps: term.explanation.steps().to_vec(),
        }
    }

    pub(super) fn of(state: &AppState, deadline: &DeadlineView, as_of: NaiveDate) -> Self {
        Self::new(state, &deadline.region, deadline.year, &deadline.term, as_of)
    }
}

pub(super) fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `as_of` and `as_at` of a page, as the API reads them; `as_at` only for those who may see the past register.
pub(super) fn judged(
    query: &Params,
    may_as_at: bool,
    errors: &mut FormErrors,
) -> (NaiveDate, Option<chrono::DateTime<chrono::Utc>>) {
    let api: Params = query
        .iter()
        .filter(|(k, v)| (k.as_str() == "as_of" || (may_as_at && k.as_str() == "as_at")) && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    // A field that does not parse is left out of the judgment, as the API leaves it out, and shown at the field.
    let mut fields = crate::http::extract::Fields::new();
    let judged = crate::http::judged(&mut fields, &api);
    if let Err(ApiError::Invalid(bad)) = fields.finish() {
        errors.add_fields(&bad);
    }
    judged
}

/// Whether a page shows a deadline to the user: the NZa's own deadlines (decision terms on objections, a new
/// decision after annulment, forwarding an appeal) are for legal staff.
pub(super) fn shown_to(user: &WebUser, deadline: &DeadlineView) -> bool {
    user.role() == Role::Legal || !deadline.term.basis.is_nza_deadline()
}

pub(super) fn status_text(status: Option<DecisionStatus>) -> String {
    status.map_or_else(|| "geen besluit".to_owned(), |s| words::decision_status(s).to_owned())
}
