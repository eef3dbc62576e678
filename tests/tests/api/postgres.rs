//! The core of the API on PostgreSQL: the same answers as on the embedded store.

use crate::idempotency::{assert_replay, replays};
use crate::*;

#[tokio::test]
async fn the_core_happy_path_also_runs_on_postgresql() {
    let Some(app) = TestApp::spawn_postgres().await else { return };
    seed_groningen(&app).await;
    let lodged =
        record(&app, APPEALS, &appeal("CBb 26/0123", ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02"))
            .await;
    assert_eq!(lodged["filing"], "on_time");
    let view = space(&app, "groningen", 2027, "as_of=2026-04-20").await;
    assert_eq!(view["status"], "under_appeal");
    assert_dates(term(terms(&view), "art105_lid3", None), "2026-03-01", "2026-04-11", "2026-04-13");
    let tariff_view = read(&app, &format!("{TARIFFS}/{TARIFF_A}?as_of=2026-02-01")).await;
    assert_eq!(tariff_view["objection_decision_term"], Value::Null, "no objection, no decision term (R10)");
    let deadlines = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=groningen").await;
    let last_days: Vec<&str> = terms(&deadlines).iter().map(|t| t["last_day"].as_str().expect("last_day")).collect();
    assert_eq!(last_days, ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13"]);
    let count = events(&app).await.len();
    assert!(count >= 4);
    let body = appeal("CBb 26/0124", ("care_office", "Zorgkantoor Groningen"), "groningen", 2027, RCS, "2026-03-03");
    let first = replays(&app, APPEALS, &body, "pg-key").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_replay(&first, &replays(&app, APPEALS, &body, "pg-key").await);
    assert_eq!(events(&app).await.len(), count + 1);
    app.post(APPEALS, Some(&app.legal), &body).await.problem(409);

    // A second server on the same database sees everything the first recorded.
    let second = Server::start(&app.db, &[]);
    let response = app
        .http
        .get(format!("{}/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=groningen", second.base))
        .bearer_auth(&app.legal)
        .send()
        .await
        .expect("the second server answers");
    assert_eq!(response.status().as_u16(), 200);
    let shared: Value = response.json().await.expect("JSON");
    assert_eq!(shared, deadlines);
}
