//! The OpenAPI description: a valid OpenAPI 3.1 document, served without a token, that lists every endpoint of
//! the contract and nothing the server does not serve.

use std::collections::BTreeSet;

use oas3::spec::{ParameterIn, Spec};
use serde_json::{Value, json};
use termijn_tests::{PROVIDER_A, TestApp, segment};

const RCS: &str = "NZa-RCS-2025-11";
const TARIFF: &str = "NZa-TB-12345678-2026-1";
const APPEAL: &str = "CBb 26/0123";

/// Every endpoint `shared/API.md` names.
const CONTRACT: [(&str, &str); 15] = [
    ("POST", "/api/v1/contracting-space-decisions"),
    ("POST", "/api/v1/contracting-space-decisions/{decision_id}/announcement"),
    ("POST", "/api/v1/tariff-decisions"),
    ("POST", "/api/v1/appeals"),
    ("POST", "/api/v1/appeals/{appeal_id}/withdrawal"),
    ("POST", "/api/v1/appeals/{appeal_id}/judgment"),
    ("GET", "/api/v1/contracting-spaces/{region}/{year}"),
    ("GET", "/api/v1/tariff-decisions/{decision_id}"),
    ("GET", "/api/v1/deadlines"),
    ("GET", "/api/v1/deadlines.ics"),
    ("GET", "/api/v1/history"),
    ("GET", "/api/v1/regions"),
    ("GET", "/api/v1/calendar/{year}"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/healthz"),
];

/// The endpoints that need no token.
const PUBLIC: [&str; 4] = ["/api/v1/openapi.json", "/healthz", "/readyz", "/metrics"];

async fn document(app: &TestApp) -> (Value, Spec) {
    let answer = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.content_type.starts_with("application/json"), "{}", answer.content_type);
    let spec = oas3::from_json(&answer.text).unwrap_or_else(|e| panic!("not an OpenAPI document: {e}"));
    (answer.json(), spec)
}

fn operations(spec: &Spec) -> BTreeSet<(String, String)> {
    spec.operations().map(|(path, method, _)| (method.as_str().to_owned(), path)).collect()
}

/// Every `$ref` in the document, with where it was found.
fn references(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref"
                    && let Some(target) = inner.as_str()
                {
                    found.push((at.to_owned(), target.to_owned()));
                }
                references(inner, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(list) => {
            for (i, inner) in list.iter().enumerate() {
                references(inner, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_description_is_a_valid_openapi_3_document_served_without_a_token() {
    let app = TestApp::spawn().await;
    let (raw, spec) = document(&app).await;
    let version = spec.validate_version().unwrap_or_else(|e| panic!("unsupported OpenAPI version: {e}"));
    assert_eq!(version.major, 3, "{version}");
    assert!(!spec.info.title.is_empty());
    assert!(!spec.info.version.is_empty());

    let mut refs = Vec::new();
    references(&raw, "#", &mut refs);
    assert!(!refs.is_empty(), "the document uses components");
    for (at, target) in &refs {
        let pointer = target.strip_prefix('#').unwrap_or_else(|| panic!("{at}: an external reference {target}"));
        assert!(raw.pointer(pointer).is_some(), "{at}: {target} points nowhere");
    }

    assert!(spec.operations().count() > 0);
    for (path, method, operation) in spec.operations() {
        let what = format!("{method} {path}");
        let responses = operation.responses(&spec);
        assert!(!responses.is_empty(), "{what} lists its responses");
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{what} lists a success response: {:?}",
            responses.keys().collect::<Vec<_>>()
        );
        let parameters = operation.parameters(&spec).unwrap_or_else(|e| panic!("{what}: {e}"));
        for name in path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            let declared = parameters.iter().find(|p| p.name == name && p.location == ParameterIn::Path);
            let declared = declared.unwrap_or_else(|| panic!("{what} declares its path parameter {name}"));
            assert_eq!(declared.required, Some(true), "{what}: path parameter {name} is required");
        }
        if method.as_str() == "POST" {
            let body = operation.request_body(&spec).unwrap_or_else(|e| panic!("{what}: {e}"));
            let body = body.unwrap_or_else(|| panic!("{what} describes its request body"));
            if path == "/api/v1/imports" {
                assert!(body.content.contains_key("text/csv"), "{what} takes a published file");
            } else {
                assert!(body.content.contains_key("application/json"), "{what} takes JSON");
            }
        }
    }
}

#[tokio::test]
async fn the_description_lists_every_endpoint_of_the_contract_with_its_method_and_security() {
    let app = TestApp::spawn().await;
    let (raw, spec) = document(&app).await;
    let listed = operations(&spec);
    let missing: Vec<_> =
        CONTRACT.iter().filter(|(m, p)| !listed.contains(&((*m).to_owned(), (*p).to_owned()))).collect();
    assert!(missing.is_empty(), "not in the description: {missing:?}\nlisted: {listed:?}");

    for (method, path) in [
        ("post", "/api/v1/contracting-space-decisions"),
        ("post", "/api/v1/tariff-decisions"),
        ("post", "/api/v1/appeals"),
    ] {
        assert!(raw["paths"][path][method]["responses"].get("201").is_some(), "{method} {path} answers 201");
    }

    let schemes = spec.components.as_ref().map(|c| c.security_schemes.clone()).unwrap_or_default();
    let scheme = schemes.values().next().expect("a security scheme");
    let scheme = serde_json::to_value(scheme).expect("serialises");
    assert_eq!(scheme["type"], "http", "{scheme}");
    assert_eq!(scheme["scheme"].as_str().map(str::to_ascii_lowercase), Some("bearer".to_owned()), "{scheme}");
    for (path, method, operation) in spec.operations() {
        let secured = !operation.security.is_empty() || !spec.security.is_empty();
        if PUBLIC.contains(&path.as_str()) {
            assert!(operation.security.is_empty() && spec.security.is_empty(), "{method} {path} needs no token");
        } else {
            assert!(secured, "{method} {path} names its bearer token");
            for requirement in &operation.security {
                for name in requirement.0.keys() {
                    assert!(schemes.contains_key(name), "{method} {path}: unknown scheme {name}");
                }
            }
        }
    }
}

#[tokio::test]
async fn every_path_in_the_description_is_served() {
    let app = TestApp::spawn().await;
    let lines = json!([{"region": "groningen", "year": 2026, "amount": "1.00"}]);
    for (path, body) in [
        (
            "/api/v1/contracting-space-decisions",
            json!({"decision_id": RCS, "kind": "establishment", "decided_on": "2025-11-10",
                   "announced_on": "2025-11-14", "spaces": lines}),
        ),
        (
            "/api/v1/tariff-decisions",
            json!({"decision_id": TARIFF, "provider": PROVIDER_A, "year": 2026, "regions": ["groningen"],
                   "kind": "tariff", "decided_on": "2026-01-20", "announced_on": "2026-01-23"}),
        ),
        (
            "/api/v1/appeals",
            json!({"appeal_id": APPEAL, "appellant": {"kind": "provider", "id": PROVIDER_A}, "region": "groningen",
                   "year": 2026, "against_decision": RCS, "received_on": "2026-03-02"}),
        ),
    ] {
        let answer = app.post(path, Some(&app.legal), &body).await;
        assert_eq!(answer.status, 201, "{path}: {}", answer.text);
    }
    let fallback = app.get("/api/v1/surely-not-served", Some(&app.legal)).await.problem(404);
    let fallback_detail = fallback["detail"].as_str().expect("detail").to_owned();

    let (_, spec) = document(&app).await;
    let mut not_served = Vec::new();
    for (path, method, _) in spec.operations() {
        let filled: Vec<String> = path
            .split('/')
            .map(|part| match part {
                "{decision_id}" if path.starts_with("/api/v1/tariff-decisions/") => TARIFF.to_owned(),
                "{decision_id}" => RCS.to_owned(),
                "{appeal_id}" => segment(APPEAL),
                "{region}" => "groningen".to_owned(),
                "{year}" => "2026".to_owned(),
                other if other.starts_with('{') => "x".to_owned(),
                other => other.to_owned(),
            })
            .collect();
        let url = filled.join("/");
        // An empty body changes nothing: a write answers 422 without recording, but only if it is routed.
        let answer = match method.as_str() {
            "GET" => app.get(&url, Some(&app.legal)).await,
            "POST" => app.post(&url, Some(&app.legal), &json!({})).await,
            // Deleting a resource that is not there: 404 from the handler, not the fallback's.
            "DELETE" => {
                let response =
                    app.http.delete(app.url(&url)).bearer_auth(&app.legal).send().await.expect("the server answers");
                let status = response.status().as_u16();
                termijn_tests::Answer {
                    status,
                    content_type: String::new(),
                    headers: response.headers().clone(),
                    text: response.text().await.expect("a body"),
                }
            }
            other => {
                not_served.push(format!("{other} {path}: a method the test does not know"));
                continue;
            }
        };
        let is_fallback = answer.status == 404
            && serde_json::from_str::<Value>(&answer.text).is_ok_and(|b| b["detail"] == fallback_detail.as_str());
        if is_fallback || answer.status == 405 || answer.status >= 500 {
            not_served.push(format!("{method} {path} ({url}): {} {}", answer.status, answer.text));
        }
    }
    assert!(not_served.is_empty(), "documented but not served:\n{}", not_served.join("\n"));
}
