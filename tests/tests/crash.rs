//! A process killed in the middle of a write loses only what it had not acknowledged, leaves nothing half
//! written, and the views it leaves behind equal a fresh replay of the log. On SQLite and on PostgreSQL.

use serde_json::Value;
use termijn_tests::{Db, Server};

/// The region-years the demo register touches first, read through the API.
async fn views(db: &Db) -> Vec<Value> {
    let token = db.token("auditor", "controle", None);
    let server = Server::start(db, &[]);
    let http = reqwest::Client::new();
    let mut seen = Vec::new();
    for path in [
        "/api/v1/contracting-spaces/groningen/2025?as_of=2026-11-01",
        "/api/v1/contracting-spaces/zeeland/2025?as_of=2026-11-01",
        "/api/v1/contracting-spaces/groningen/2026?as_of=2026-11-01",
        "/api/v1/contracting-spaces/amsterdam/2026?as_of=2026-11-01",
        "/api/v1/deadlines?from=2025-01-01&to=2030-12-31&as_of=2026-11-01",
        "/api/v1/history?limit=1000",
    ] {
        let response = http.get(format!("{}{path}", server.base)).bearer_auth(&token).send().await.expect("answers");
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON");
        seen.push(serde_json::json!({"path": path, "status": status, "body": body}));
    }
    seen
}

fn event_count(db: &Db) -> u64 {
    let (code, out, err) = db.run(&["verify"], &[]);
    assert_eq!(code, 0, "the history is intact after the crash: {out}{err}");
    out.split("intact: ").nth(1).and_then(|rest| rest.split(' ').next()).and_then(|n| n.parse().ok()).expect("a count")
}

async fn crash_at(db: Db, moment: &str, write: u32, expected_events: u64) {
    let (code, _, _) = db.run(&["demo"], &[("TERMIJN_CRASH_AT", &format!("{moment}:{write}"))]);
    assert_ne!(code, 0, "the process was killed during write {write}");
    assert_eq!(event_count(&db), expected_events);
    let live = views(&db).await;
    // The server that showed the views recorded the reference data it judges with, the first start on this store.
    assert_eq!(event_count(&db), expected_events + 1);
    let (code, _, err) = db.run(&["replay"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(views(&db).await, live, "the views left by the crash equal a fresh replay");
    assert_eq!(event_count(&db), expected_events + 1, "replay records nothing");
}

// The demo's first writes: three contracting-space decisions with their announcements (two events each),
// then tariff decisions with their announcements (two events each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_crash_before_commit_keeps_the_acknowledged_writes_and_nothing_of_the_last() {
    crash_at(Db::sqlite(), "before-commit", 5, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_crash_right_after_commit_keeps_the_whole_write_with_its_views() {
    crash_at(Db::sqlite(), "after-commit", 5, 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_crash_before_commit_keeps_the_acknowledged_writes_and_nothing_of_the_last() {
    let Some(db) = Db::postgres().await else { return };
    crash_at(db, "before-commit", 5, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_crash_right_after_commit_keeps_the_whole_write_with_its_views() {
    let Some(db) = Db::postgres().await else { return };
    crash_at(db, "after-commit", 5, 10).await;
}
