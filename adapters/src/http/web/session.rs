//! Logging in with an API token, the session it opens, and the checks every form goes through. A session id
//! has 256 random bits; only its SHA-256 is stored, beside the token's hash, so a session ends when its token
//! does. The cookie is `HttpOnly; SameSite=Strict; Path=/`, and `Secure` with the `__Host-` prefix when the
//! server is reached over https. A session that is not used for the idle time ends (WCAG 2.2.1: every page
//! says when, and lets the user extend it).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{MessagePage, html};
use crate::auth::{Role, token_hash};
use crate::http::AppState;
use crate::http::auth::Caller;

/// How the web interface keeps its sessions.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// How long a session lasts without being used.
    pub idle: chrono::Duration,
    /// Whether the server is reached over https (TLS ends in front of it): the cookie is then `Secure`, with
    /// the `__Host-` prefix.
    pub https: bool,
    /// Failed token attempts allowed from one address at once (see `auth::FailedAttempts`).
    pub failed_token_attempts: u32,
    /// The longest any request may take before it is answered 503 with `Retry-After`.
    pub request_timeout: std::time::Duration,
    /// When the server signs checkpoints by itself.
    pub checkpoints: crate::audit::SigningPolicy,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            idle: chrono::Duration::minutes(30),
            https: false,
            failed_token_attempts: 10,
            request_timeout: std::time::Duration::from_secs(15),
            checkpoints: crate::audit::SigningPolicy {
                every_events: 1_000,
                every: std::time::Duration::from_secs(600),
            },
        }
    }
}

impl WebSettings {
    fn cookie_name(&self) -> &'static str {
        if self.https { "__Host-termijn_session" } else { "termijn_session" }
    }

    fn cookie(&self, value: String) -> Cookie<'static> {
        let mut cookie = Cookie::new(self.cookie_name(), value);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Strict);
        cookie.set_path("/");
        cookie.set_secure(self.https);
        cookie
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The form token of a session: derived from the session id, which only the session's browser holds.
fn csrf_of(session_id: &str) -> String {
    sha256_hex(&format!("termijn form token\n{session_id}"))
}

/// A user logged in to the web interface.
pub struct WebUser {
    pub caller: Caller,
    session_hash: String,
    pub csrf: String,
    expires_at: DateTime<Utc>,
    idle_seconds: i64,
    /// The page asked for, path and query: where "extend" returns to.
    here: String,
}

/// What the header of every page shows of the user and the session.
pub struct UserBar {
    pub name: String,
    pub role_label: &'static str,
    pub is_legal: bool,
    pub is_provider: bool,
    pub may_audit: bool,
    pub csrf: String,
    pub here: String,
    pub expires_at_rfc3339: String,
    pub expires_at_local: String,
    pub idle_seconds: i64,
}

impl WebUser {
    pub fn role(&self) -> Role {
        self.caller.0.role
    }

    pub fn bar(&self) -> UserBar {
        let role = self.role();
        UserBar {
            name: self.caller.0.name.clone(),
            role_label: super::words::role(role),
            is_legal: role == Role::Legal,
            is_provider: role == Role::Provider,
            may_audit: matches!(role, Role::Legal | Role::Auditor),
            csrf: self.csrf.clone(),
            here: self.here.clone(),
            expires_at_rfc3339: self.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            expires_at_local: self.expires_at.with_timezone(&chrono_tz::Europe::Amsterdam).format("%H:%M").to_string(),
            idle_seconds: self.idle_seconds,
        }
    }
}

/// Where a request without a (live) session is sent: the login page, which returns to the page asked for.
fn to_login(parts: &Parts, expired: bool) -> Response {
    let here = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let back = if parts.method == axum::http::Method::GET { here } else { "/" };
    let mut query = vec![("terug", back)];
    if expired {
        query.push(("verlopen", "1"));
    }
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    Redirect::to(&format!("/login?{query}")).into_response()
}

/// Whether a page was opened by following a link on another site (an e-mail in a webmail, say): the browser then
/// leaves out a `SameSite=Strict` cookie.
fn followed_from_elsewhere(parts: &Parts) -> bool {
    parts.method == axum::http::Method::GET
        && parts.headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site")
}

/// A page that asks for itself again from this site, so that the browser sends the session cookie it left out,
/// instead of loosening the cookie.
fn again_from_here(parts: &Parts) -> Response {
    let here = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let here =
        askama::filters::escape(here, askama::filters::Html).map(|h| h.to_string()).unwrap_or_else(|_| "/".to_owned());
    let body = format!(
        "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={here}\">\
         <title>Doorsturen · termijn</title></head><body><p><a href=\"{here}\">Verder naar de pagina</a></p></body></html>"
    );
    (StatusCode::OK, axum::response::Html(body)).into_response()
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let settings = &state.web;
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(session_id) = jar.get(settings.cookie_name()).map(|c| c.value().to_owned()) else {
            return Err(if followed_from_elsewhere(parts) { again_from_here(parts) } else { to_login(parts, false) });
        };
        let store = state.service.store();
        let session_hash = sha256_hex(&session_id);
        let failed = |error| super::store_failed(&error);
        let Some(session) = store.session(&session_hash).await.map_err(failed)? else {
            return Err(to_login(parts, true));
        };
        let now = Utc::now();
        if now - session.last_seen > settings.idle {
            store.end_session(&session_hash, now - settings.idle).await.map_err(failed)?;
            return Err(to_login(parts, true));
        }
        let Some(principal) = crate::auth::principal_of(session.token, now) else {
            return Err(to_login(parts, false));
        };
        // A session used within the last few seconds need not be written again.
        if now - session.last_seen > chrono::Duration::seconds(5) {
            store.touch_session(&session_hash, now).await.map_err(failed)?;
        }
        Ok(Self {
            caller: Caller(principal),
            session_hash,
            csrf: csrf_of(&session_id),
            expires_at: now + settings.idle,
            idle_seconds: settings.idle.num_seconds(),
            here: parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        })
    }
}

/// Whether a form was posted from a page of this server: `Sec-Fetch-Site` says same-origin where the browser
/// sends it, and `Origin`, where sent, names this host.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    origin.split_once("://").is_some_and(|(_, authority)| authority == host)
}

/// A form posted by a logged-in user from one of this server's pages, with the session's form token.
pub struct Posted {
    pub user: WebUser,
    pub fields: Vec<(String, String)>,
    /// The files of a `multipart/form-data` form: each input's name and the bytes chosen (none for an input
    /// left empty).
    pub files: Vec<(String, Vec<u8>)>,
}

impl Posted {
    pub fn get(&self, name: &str) -> &str {
        self.fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, bytes)| n == name && !bytes.is_empty()).map(|(_, bytes)| bytes.as_slice())
    }
}

/// The text fields and the files of a `multipart/form-data` body.
async fn multipart_fields(
    request: axum::extract::Request,
    state: &AppState,
) -> Result<(Vec<(String, String)>, Vec<(String, Vec<u8>)>), String> {
    let mut multipart =
        <axum::extract::Multipart as axum::extract::FromRequest<AppState>>::from_request(request, state)
            .await
            .map_err(|rejection| rejection.body_text())?;
    let (mut fields, mut files) = (Vec::new(), Vec::new());
    while let Some(part) = multipart.next_field().await.map_err(|e| e.body_text())? {
        let name = part.name().unwrap_or_default().to_owned();
        if part.file_name().is_some() {
            files.push((name, part.bytes().await.map_err(|e| e.body_text())?.to_vec()));
        } else {
            fields.push((name, part.text().await.map_err(|e| e.body_text())?));
        }
    }
    Ok((fields, files))
}

impl axum::extract::FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let user = WebUser::from_request_parts(&mut parts, state).await?;
        let refused = |user: &WebUser| {
            html(
                StatusCode::FORBIDDEN,
                &MessagePage {
                    user: Some(user.bar()),
                    nav: "",
                    heading: "Formulier geweigerd".to_owned(),
                    text: "Dit formulier komt niet van een pagina van deze sessie. Er is niets vastgelegd; open de pagina opnieuw en probeer het nog eens.".to_owned(),
                },
            )
        };
        if !same_origin(&parts.headers) {
            return Err(refused(&user));
        }
        let length = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if length.is_some_and(|l| l > super::FORM_BYTES) {
            // Read on (within a bound) so that the client, still sending, receives the answer.
            let mut stream = body.into_data_stream();
            let mut read = 0usize;
            while let Some(Ok(chunk)) = futures_util::StreamExt::next(&mut stream).await {
                read += chunk.len();
                if read > 16 * super::FORM_BYTES {
                    break;
                }
            }
            let page = MessagePage {
                user: Some(user.bar()),
                nav: "",
                heading: "Formulier te groot".to_owned(),
                text: format!(
                    "Er is niets vastgelegd: een formulier mag ten hoogste {} kB zijn.",
                    super::FORM_BYTES / 1024
                ),
            };
            return Err(html(StatusCode::PAYLOAD_TOO_LARGE, &page));
        }
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        let request = axum::extract::Request::from_parts(parts, body);
        let read = if multipart {
            multipart_fields(request, state).await
        } else {
            Form::<Vec<(String, String)>>::from_request(request, state)
                .await
                .map(|Form(fields)| (fields, Vec::new()))
                .map_err(|rejection| rejection.body_text())
        };
        let (fields, files) = read.map_err(|text| {
            html(
                StatusCode::BAD_REQUEST,
                &MessagePage {
                    user: Some(user.bar()),
                    nav: "",
                    heading: "Formulier niet leesbaar".to_owned(),
                    text: format!("Er is niets vastgelegd: {text}"),
                },
            )
        })?;
        let posted = Self { user, fields, files };
        if posted.get("csrf") != posted.user.csrf {
            return Err(refused(&posted.user));
        }
        Ok(posted)
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    user: Option<UserBar>,
    nav: &'static str,
    back: String,
    error: Option<String>,
    expired: bool,
    logged_out: bool,
}

/// A return address on this server only.
fn local_path(back: &str) -> String {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back.to_owned()
    } else {
        "/".to_owned()
    }
}

pub async fn login_page(Query(query): Query<HashMap<String, String>>) -> Response {
    let page = LoginPage {
        user: None,
        nav: "",
        back: local_path(query.get("terug").map_or("/", String::as_str)),
        error: None,
        expired: query.contains_key("verlopen"),
        logged_out: query.contains_key("uitgelogd"),
    };
    html(StatusCode::OK, &page)
}

pub async fn login(
    State(state): State<AppState>,
    connection: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let back = local_path(form.get("terug").map_or("/", String::as_str));
    let refuse = |status, error: &str| {
        let page = LoginPage {
            user: None,
            nav: "",
            back: back.clone(),
            error: Some(error.to_owned()),
            expired: false,
            logged_out: false,
        };
        html(status, &page)
    };
    if !same_origin(&headers) {
        return refuse(StatusCode::FORBIDDEN, "Dit formulier komt niet van deze site.");
    }
    let token = form.get("token").map_or("", |t| t.trim());
    if token.is_empty() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "Vul het token in.");
    }
    let address = connection.map(|c| c.0.0.ip());
    let too_many = |wait: std::time::Duration| {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        format!("Te veel onjuiste tokens vanaf dit adres. Probeer het over {minutes} minuut/minuten opnieuw.")
    };
    if let Some(wait) = address.and_then(|a| state.failures.refused(a)) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, &too_many(wait));
    }
    let store = state.service.store();
    match state.tokens.authenticate(store, token).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            if let Some(wait) = address.and_then(|a| state.failures.failed(a)) {
                return refuse(StatusCode::TOO_MANY_REQUESTS, &too_many(wait));
            }
            return refuse(
                StatusCode::UNAUTHORIZED,
                "Dit token is niet bekend, ingetrokken of verlopen. Controleer of u het hele token hebt geplakt.",
            );
        }
        Err(error) => return super::store_failed(&error),
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let session_id = hex::encode(secret);
    let now = Utc::now();
    let opened = match store.open_session(&sha256_hex(&session_id), &token_hash(token), now).await {
        Ok(()) => store.end_session("", now - state.web.idle).await,
        Err(error) => Err(error),
    };
    if let Err(error) = opened {
        return super::store_failed(&error);
    }
    (jar.add(state.web.cookie(session_id)), Redirect::to(&back)).into_response()
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar, posted: Posted) -> Response {
    let now = Utc::now();
    if let Err(error) = state.service.store().end_session(&posted.user.session_hash, now - state.web.idle).await {
        return super::store_failed(&error);
    }
    let mut gone = state.web.cookie(String::new());
    gone.make_removal();
    (jar.add(gone), Redirect::to("/login?uitgelogd=1")).into_response()
}

/// Extends the session (reading it already did) and returns to the page the user was on.
pub async fn extend(posted: Posted) -> Response {
    Redirect::to(&local_path(posted.get("terug"))).into_response()
}
