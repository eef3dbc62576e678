//! The style sheet and the one script, compiled into the binary: no CDN, nothing fetched at run time. Their
//! names carry a hash of their content, so that a browser may keep them for good and still gets a changed one.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../../assets/app.css");
const JS: &str = include_str!("../../../assets/app.js");

fn named(stem: &str, body: &str, extension: &str) -> String {
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    format!("{stem}-{}.{extension}", &hash[..12])
}

static CSS_NAME: LazyLock<String> = LazyLock::new(|| named("app", CSS, "css"));
static JS_NAME: LazyLock<String> = LazyLock::new(|| named("app", JS, "js"));

/// The address of the style sheet, for the pages.
pub fn css_path() -> String {
    format!("/static/{}", *CSS_NAME)
}

/// The address of the script, for the pages.
pub fn js_path() -> String {
    format!("/static/{}", *JS_NAME)
}

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, content_type) = if name == *CSS_NAME {
        (CSS, "text/css; charset=utf-8")
    } else if name == *JS_NAME {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    response
}
