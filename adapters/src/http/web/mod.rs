//! The web interface, in Dutch, for legal staff, providers and auditors: server-rendered pages from compiled
//! templates (askama), on the same service calls as the API, behind a session opened with an API token. Every
//! page works without JavaScript. `/api` never accepts the session cookie.

mod abonneren;
mod assets;
mod audit;
mod entry;
mod form;
mod inlezen;
mod pages;
mod referentie;
mod session;
mod what_if;
pub(crate) mod words;

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use super::AppState;
use super::error::ApiError;
pub use session::WebSettings;
use session::WebUser;

/// The largest form body accepted.
pub(super) const FORM_BYTES: usize = 256 * 1024;

/// The pages of the web interface and their assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::termijnen))
        .route("/termijnen.csv", get(pages::termijnen_csv))
        .route("/termijnen.xlsx", get(pages::termijnen_xlsx))
        .route("/regios.xlsx", get(pages::regios_xlsx))
        .route("/regios", get(pages::regios))
        .route("/regios/{region}/{year}", get(pages::regio_jaar))
        .route("/aanbieder", get(pages::aanbieder))
        .route("/kalender", get(pages::kalender))
        .route("/kalender.ics", get(pages::kalender_ics))
        .route("/kalender/abonneren", get(abonneren::abonneren).post(abonneren::maak))
        .route("/kalender/abonneren/{id}/intrekken", post(abonneren::intrekken))
        .route("/feestdagen", get(pages::feestdagen))
        .route("/audit", get(audit::audit))
        .route("/audit/controle", post(audit::verify))
        .route("/invoeren", get(entry::index))
        .route("/invoeren/inlezen", get(inlezen::inlezen).post(inlezen::lees_in))
        .route("/invoeren/{form}", get(entry::show).post(entry::submit))
        .route("/wat-als", get(what_if::wat_als))
        .route("/referentie", get(referentie::referentie))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/sessie/verlengen", post(session::extend))
        .route("/static/{name}", get(assets::asset))
        // A form is small: a decision of 31 regions and five years is about 10 kB.
        .layer(axum::extract::DefaultBodyLimit::max(FORM_BYTES))
        .layer(axum::middleware::from_fn(security_headers))
}

/// The headers every page is sent with: a strict Content-Security-Policy (no inline script or style), no
/// sniffing, no referrer beyond this origin, never framed, never cached by a shared cache.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A rendered page; a template that cannot render is a 500 page, never a panic.
fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page cannot be rendered");
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!doctype html><html lang=\"nl\"><title>Fout</title><p>De pagina kan niet worden getoond.</p></html>".to_owned())).into_response()
        }
    }
}

/// A page with a heading and one sentence: what a refused or failed request shows.
#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    user: Option<session::UserBar>,
    nav: &'static str,
    heading: String,
    text: String,
}

impl MessagePage {
    /// What a page says when the store failed; the cause is logged.
    fn failed() -> Self {
        Self {
            user: None,
            nav: "",
            heading: "Er ging iets mis".to_owned(),
            text: "De vraag kon niet worden beantwoord; er is niets verloren gegaan. Probeer het opnieuw.".to_owned(),
        }
    }
}

/// The page while the database is away: 503 with `Retry-After`, nothing recorded.
fn unavailable_page(user: Option<session::UserBar>) -> Response {
    let page = MessagePage {
        user,
        nav: "",
        heading: "Even niet bereikbaar".to_owned(),
        text: "De database antwoordt nu niet; er is niets vastgelegd. Probeer het over enkele seconden opnieuw."
            .to_owned(),
    };
    let mut response = html(StatusCode::SERVICE_UNAVAILABLE, &page);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// The page for a store that failed: 503 with `Retry-After` while the database is away, else 500; the cause is
/// logged.
fn store_failed(error: &crate::store::StoreError) -> Response {
    if error.is_unavailable() {
        tracing::warn!(%error, "the database does not answer");
        return unavailable_page(None);
    }
    tracing::error!(%error, "a page's store failed");
    html(StatusCode::INTERNAL_SERVER_ERROR, &MessagePage::failed())
}

/// The page for an API error that is not about a field: the same status and message as the API gives.
fn error_page(user: &WebUser, error: ApiError) -> Response {
    if let ApiError::Unavailable(_) = error {
        return unavailable_page(Some(user.bar()));
    }
    let status = error.status();
    let (heading, text) = match &error {
        ApiError::Forbidden(message) => ("Geen toegang".to_owned(), message.clone()),
        ApiError::NotFound(message) => ("Niet gevonden".to_owned(), message.clone()),
        ApiError::Conflict(message) => ("Niet vastgelegd".to_owned(), message.clone()),
        ApiError::Internal(_) => {
            ("Er ging iets mis".to_owned(), "De vraag kon niet worden beantwoord; probeer het opnieuw.".to_owned())
        }
        other => ("Niet gelukt".to_owned(), other.problem().detail),
    };
    html(status, &MessagePage { user: Some(user.bar()), nav: "", heading, text })
}
