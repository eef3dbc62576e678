//! The service as a newcomer meets it: it starts, answers its health check, and records and shows a decision.

use serde_json::json;
use termijn_tests::TestApp;

#[tokio::test]
async fn a_started_server_answers_its_health_check_without_a_token() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
}

#[tokio::test]
async fn a_decision_recorded_by_legal_staff_shows_its_first_of_march_term() {
    let app = TestApp::spawn().await;
    let recorded = app
        .post(
            "/api/v1/contracting-space-decisions",
            Some(&app.legal),
            &json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment", "decided_on": "2025-11-10",
                    "announced_on": "2025-11-14", "reason": "meerjarige vaststelling",
                    "spaces": [{"region": "groningen", "year": 2027, "amount": "812345000.00"}]}),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.text);
    assert_eq!(recorded.json()["recorded_by"], "mr. A. Jurist");
    let space = app.get("/api/v1/contracting-spaces/groningen/2027?as_of=2026-03-02", Some(&app.provider_a)).await;
    assert_eq!(space.status, 200, "{}", space.text);
    let body = space.json();
    assert_eq!(body["status"], "open");
    assert_eq!(body["terms"][0]["basis"], "art105_lid3");
    assert_eq!(body["terms"][0]["last_day"], "2026-04-13");
}
