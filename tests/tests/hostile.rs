//! Hostile input: whatever arrives, the server answers 4xx with problem+json, never 5xx, and records nothing.

use serde_json::json;
use termijn_tests::{TestApp, segment};

async fn history_len(app: &TestApp) -> usize {
    app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json()["events"].as_array().expect("events").len()
}

#[tokio::test]
async fn oversized_deep_and_undecodable_bodies_are_refused_with_a_problem() {
    let app = TestApp::spawn().await;
    let before = history_len(&app).await;
    let path = "/api/v1/contracting-space-decisions";

    let huge = format!(r#"{{"decision_id": "x", "reason": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    app.post_raw(path, Some(&app.legal), "application/json", huge.into_bytes()).await.problem(413);

    // Nested a hundred thousand deep: refused as malformed before it can exhaust the stack.
    for deep in [
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!(r#"{{"spaces": {}{}}}"#, "[".repeat(100_000), "]".repeat(100_000)),
        format!(r#"{{"decision_id": "x", "spaces": [{}1{}]}}"#, "{\"a\":".repeat(50_000), "}".repeat(50_000)),
    ] {
        app.post_raw(path, Some(&app.legal), "application/json", deep.into_bytes()).await.problem(400);
    }

    let invalid_utf8 = b"{\"decision_id\": \"\xff\xfe\", \"kind\": \"establishment\"}".to_vec();
    app.post_raw(path, Some(&app.legal), "application/json", invalid_utf8).await.problem(400);

    app.post_raw(path, Some(&app.legal), "application/json", b"".to_vec()).await.problem(400);
    app.post_raw(path, Some(&app.legal), "application/json", b"null".to_vec()).await.problem(422);
    app.post_raw(path, Some(&app.legal), "application/json", b"[1,2,3]".to_vec()).await.problem(422);
    app.post_raw(path, Some(&app.legal), "text/plain", b"{}".to_vec()).await.problem(415);
    app.post_raw(path, Some(&app.legal), "application/json", b"{\"a\":1} trailing".to_vec()).await.problem(400);
    assert_eq!(history_len(&app).await, before, "nothing was recorded");
}

#[tokio::test]
async fn numbers_strings_and_dates_out_of_every_range_are_named_fields() {
    let app = TestApp::spawn().await;
    let answer = app
        .post(
            "/api/v1/contracting-space-decisions",
            Some(&app.legal),
            &json!({"decision_id": "\u{0000}", "kind": "establishment", "decided_on": "99999-01-01",
                    "spaces": [{"region": "groningen", "year": 1e40, "amount": "1.00"}]}),
        )
        .await;
    assert!(!answer.bad_fields().is_empty());
    let answer = app
        .post(
            "/api/v1/contracting-space-decisions",
            Some(&app.legal),
            &json!({"decision_id": "ok", "kind": "establishment", "decided_on": "0000-00-00", "announced_on": "2025-13-01",
                    "spaces": [{"region": "GRONINGEN", "year": 2026, "amount": "NaN"},
                               {"region": "groningen", "year": -2026, "amount": "-1"}]}),
        )
        .await;
    let fields = answer.bad_fields();
    for field in ["decided_on", "announced_on", "spaces[0].region", "spaces[0].amount", "spaces[1].amount"] {
        assert!(fields.iter().any(|f| f == field), "{field} is named: {fields:?}");
    }
}

#[tokio::test]
async fn odd_path_segments_are_answered_with_a_4xx_problem() {
    let app = TestApp::spawn().await;
    let long = "x".repeat(20_000);
    let paths = [
        "/api/v1/appeals/%2F".to_owned(),
        "/api/v1/appeals/..".to_owned(),
        "/api/v1/appeals/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd".to_owned(),
        "/api/v1/appeals/%00".to_owned(),
        "/api/v1/appeals/%FF%FE".to_owned(),
        format!("/api/v1/appeals/{long}"),
        format!("/api/v1/tariff-decisions/{}", segment("ü 🦀 \u{202e}")),
        "/api/v1/contracting-spaces/groningen/99999999999999999999".to_owned(),
        "/api/v1/contracting-spaces/../2026".to_owned(),
        "/api/v1/contracting-spaces/groningen/2026?as_of=2026-02-30".to_owned(),
        "/api/v1/contracting-spaces/groningen/2026?as_at=yesterday".to_owned(),
        "/api/v1/contracting-spaces/groningen/2026?provider=%FF".to_owned(),
        "/api/v1/calendar/-1".to_owned(),
        "/api/v1/calendar/2026.5".to_owned(),
        format!("/api/v1/deadlines?from={long}"),
        "/api/v1/deadlines?from=2030-01-01&to=2020-01-01".to_owned(),
        "/api/v1/history?limit=0".to_owned(),
        "/api/v1/history?after=-5".to_owned(),
        "/api/v1/history?stream=nothing".to_owned(),
        "/api/v1/history?limit=%zz".to_owned(),
    ];
    for path in &paths {
        let answer = app.get(path, Some(&app.legal)).await;
        assert!((400..500).contains(&answer.status), "{path}: {} {}", answer.status, answer.text);
        assert_eq!(answer.content_type, "application/problem+json", "{path}: {}", answer.text);
    }
    for path in ["/api/v1/appeals/%2F/withdrawal", "/api/v1/appeals/%00/judgment"] {
        let answer = app.post(path, Some(&app.legal), &json!({"withdrawn_on": "2026-01-01"})).await;
        assert!((400..500).contains(&answer.status), "{path}: {}", answer.text);
    }
}

#[tokio::test]
async fn a_wrong_method_or_odd_header_is_a_problem_not_a_failure() {
    let app = TestApp::spawn().await;
    let answer = app.http.delete(app.url("/api/v1/regions")).bearer_auth(&app.legal).send().await.expect("answers");
    assert_eq!(answer.status().as_u16(), 405);
    let bad_key = app
        .post_with(
            "/api/v1/contracting-space-decisions",
            Some(&app.legal),
            &json!({}),
            &[("Idempotency-Key", &"k".repeat(300))],
        )
        .await;
    assert_eq!(bad_key.bad_fields(), ["Idempotency-Key"]);
    let no_bearer =
        app.http.get(app.url("/api/v1/regions")).header("authorization", "Basic abc").send().await.expect("answers");
    assert_eq!(no_bearer.status().as_u16(), 401);
}
