//! Referentiegegevens: every version of the reference data the register recorded, what changed, and what that
//! moves in the register (legal staff and auditors), from the API's own answer.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::form::FormErrors;
use super::pages::Params;
use super::session::{UserBar, WebUser};
use super::what_if::{ChangeRow, change_rows};
use super::{error_page, html};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::extract::QueryParams;
use crate::http::reference::reference_changes;

/// One version as the page shows it.
pub struct VersionShown {
    pub when: String,
    pub by: String,
    pub hash: String,
    pub first: bool,
    pub sentences: Vec<String>,
    pub changes: Vec<ChangeRow>,
}

#[derive(Template)]
#[template(path = "referentie.html")]
struct ReferentiePage {
    user: Option<UserBar>,
    nav: &'static str,
    errors: FormErrors,
    as_of: String,
    versions: Vec<VersionShown>,
}

pub async fn referentie(State(state): State<AppState>, user: WebUser, Query(query): Query<Params>) -> Response {
    let caller = Caller(user.caller.0.clone());
    let answer = match reference_changes(State(state.clone()), caller, QueryParams(query.clone())).await {
        Ok(answer) => answer.0,
        Err(ApiError::Invalid(found)) => {
            let mut errors = FormErrors::default();
            errors.add_fields(&found);
            let page = ReferentiePage {
                user: Some(user.bar()),
                nav: "",
                errors,
                as_of: query.get("as_of").cloned().unwrap_or_default(),
                versions: Vec::new(),
            };
            return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(other) => return error_page(&user, other),
    };
    let versions = answer
        .changes
        .iter()
        .map(|v| VersionShown {
            when: crate::service::legal_date_at(v.recorded_at).to_string(),
            by: v.recorded_by.clone(),
            hash: v.hash.clone(),
            first: v.previous_hash.is_none(),
            sentences: v.summary.clone(),
            changes: change_rows(&state, &v.effects, answer.as_of),
        })
        .collect();
    let page = ReferentiePage {
        user: Some(user.bar()),
        nav: "",
        errors: FormErrors::default(),
        as_of: answer.as_of.to_string(),
        versions,
    };
    html(StatusCode::OK, &page)
}
