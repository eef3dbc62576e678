//! What an operator asks of a running server: `/readyz` says whether it can answer (200 once the register is read
//! in and while its database answers, 503 problem+json with `Retry-After` while it does not), beside `/healthz`.

use serde_json::{Value, json};
use sqlx::Connection;
use termijn_tests::{Db, Server, TestApp, Writers};

async fn get(server: &Server, path: &str) -> (u16, Option<String>, String) {
    let response = reqwest::get(format!("{}{path}", server.base)).await.expect("answers");
    let status = response.status().as_u16();
    let retry = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, retry, response.text().await.expect("a body"))
}

#[tokio::test]
async fn readyz_answers_without_a_token_once_the_register_is_read_in() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    assert_eq!(get(&server, "/readyz").await.0, 200);
    assert_eq!(get(&server, "/healthz").await.0, 200);
}

#[tokio::test]
async fn readyz_is_503_with_retry_after_while_the_database_is_gone() {
    let Some(db) = Db::postgres().await else { return };
    let server = Server::start(&db, &[]);
    assert_eq!(get(&server, "/readyz").await.0, 200);
    let Db::Postgres { admin_url, name } = &db else { unreachable!("a PostgreSQL database") };
    let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("the test server answers");
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin).await.expect("dropped");
    let (status, retry, body) = get(&server, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(retry.as_deref(), Some("5"));
    let problem: serde_json::Value = serde_json::from_str(&body).expect("problem+json");
    assert_eq!(problem["status"], 503);
    assert_eq!(get(&server, "/healthz").await.0, 200, "the process itself still runs");
}

/// `/metrics` as Prometheus's own Python client library parses it: every sample with its labels.
fn scrape_parsed(text: &str) -> Option<Vec<Value>> {
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": sample.name,
                        "labels": sample.labels, "value": sample.value})
print(json.dumps(samples))
"#;
    termijn_tests::python_reads("prometheus-client's parser", script, text)
        .map(|v| v.as_array().cloned().unwrap_or_default())
}

/// The value of the sample named `name` whose labels include `labels`, if there is one.
fn sample(samples: &[Value], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
        .and_then(|s| s["value"].as_f64())
}

#[tokio::test]
async fn metrics_in_the_prometheus_text_format_count_requests_commits_and_the_register() {
    let app = TestApp::spawn().await;
    termijn_tests::record_decision_appealed_by_writers(&app.server.base, &app.legal).await;
    let scrape = || async {
        let answer = app.get("/metrics", None).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert!(answer.content_type.starts_with("text/plain; version=0.0.4"), "{}", answer.content_type);
        answer.text
    };
    let Some(before) = scrape_parsed(&scrape().await) else { return };
    let space = "/api/v1/contracting-spaces/groningen/2027";
    for _ in 0..3 {
        assert_eq!(app.get(space, Some(&app.legal)).await.status, 200);
    }
    assert_eq!(app.get("/api/v1/nothing-here", Some(&app.legal)).await.status, 404);
    let after = scrape_parsed(&scrape().await).expect("parsed");

    let route = [("method", "GET"), ("route", "/api/v1/contracting-spaces/{region}/{year}"), ("status", "200")];
    let counted = |samples: &[Value], name| sample(samples, name, &route).unwrap_or(0.0);
    assert_eq!(counted(&after, "termijn_http_requests_total") - counted(&before, "termijn_http_requests_total"), 3.0);
    assert_eq!(
        counted(&after, "termijn_http_request_duration_seconds_count")
            - counted(&before, "termijn_http_request_duration_seconds_count"),
        3.0,
        "each request's latency is in the histogram"
    );
    let inf = [route.as_slice(), &[("le", "+Inf")]].concat();
    assert_eq!(
        sample(&after, "termijn_http_request_duration_seconds_bucket", &inf),
        Some(counted(&after, "termijn_http_request_duration_seconds_count"))
    );
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert!(sample(&after, "termijn_http_requests_total", &unmatched) >= Some(1.0));
    assert!(
        after.iter().all(|s| !s["labels"]["route"].as_str().unwrap_or_default().contains("groningen")),
        "routes are patterns, never the values in them"
    );
    // The decision was one commit of one write, at least (the reference data went first).
    assert!(sample(&after, "termijn_commit_duration_seconds_count", &[]) >= Some(1.0));
    assert!(sample(&after, "termijn_commit_group_size_count", &[]) >= Some(1.0));
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    let events = history["events"].as_array().expect("events").len() as f64;
    assert_eq!(sample(&after, "termijn_events_in_log", &[]), Some(events));
    assert_eq!(sample(&after, "termijn_region_years_held", &[]), Some(1.0), "Groningen 2027 is held");
    // The deadlines index catches up with the writes in the background: the gauge says when it has.
    let mut behind = sample(&after, "termijn_deadlines_index_behind", &[]);
    assert!(behind.is_some(), "the region-years the deadlines index is behind on are a metric");
    for _ in 0..100 {
        if behind == Some(0.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        behind = sample(&scrape_parsed(&scrape().await).expect("parsed"), "termijn_deadlines_index_behind", &[]);
    }
    assert_eq!(behind, Some(0.0), "the deadlines index caught up with the writes");
}

#[tokio::test]
async fn with_log_format_json_every_line_is_json_and_a_request_s_lines_carry_its_request_id() {
    let db = Db::sqlite();
    let token = db.token("legal", "mr. A. Jurist", None);
    let server = Server::start(&db, &[("TERMIJN_LOG_FORMAT", "json"), ("RUST_LOG", "debug,sqlx=warn,hyper=info")]);
    let http = reqwest::Client::new();
    let given = http
        .get(format!("{}/api/v1/contracting-spaces/groningen/2027", server.base))
        .bearer_auth(&token)
        .header("X-Request-Id", "proxy-4711")
        .send()
        .await
        .expect("answers");
    assert_eq!(given.headers()["x-request-id"], "proxy-4711", "a proxy's request id is kept");
    let made =
        http.get(format!("{}/api/v1/contracting-spaces/groningen/2027", server.base)).send().await.expect("answers");
    assert_eq!(made.status().as_u16(), 401);
    let made = made.headers()["x-request-id"].to_str().expect("text").to_owned();
    assert_eq!(made.len(), 32, "a new request id: {made}");
    let refused = http
        .get(format!("{}/healthz", server.base))
        .header("X-Request-Id", "not an id; (spaces)")
        .send()
        .await
        .expect("answers");
    assert_ne!(refused.headers()["x-request-id"], "not an id", "an id that is not a plain token is replaced");

    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let lines: Vec<Value> = server
        .log()
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    for id in ["proxy-4711", made.as_str()] {
        let of_request: Vec<&Value> = lines.iter().filter(|l| l["span"]["request_id"] == id).collect();
        assert!(!of_request.is_empty(), "{id} is logged: {lines:?}");
        assert!(of_request.iter().any(|l| l["fields"]["status"].is_number()), "the answer's line has the id too");
        assert!(of_request.iter().all(|l| l["span"]["route"] == "/api/v1/contracting-spaces/{region}/{year}"));
    }
    for line in &lines {
        if line["spans"].as_array().is_some_and(|spans| spans.iter().any(|s| s["name"] == "request")) {
            assert!(line["span"]["request_id"].is_string(), "every line of a request carries its id: {line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_into_an_empty_folder_and_holds_every_write_acknowledged_before_it() {
    let db = Db::sqlite();
    let legal = db.token("legal", "mr. A. Jurist", None);
    let server = Server::start(&db, &[]);
    termijn_tests::record_decision_appealed_by_writers(&server.base, &legal).await;
    let writers = Writers::start(&server.base, &legal, "backup", 4, std::time::Duration::from_secs(30));
    while writers.acknowledged().len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let folder = tempfile::tempdir().expect("a folder");
    let copy = folder.path().join("termijn-backup.db");
    let before = writers.acknowledged();
    let (code, out, err) = db.run(&["backup", "--to", copy.to_str().expect("a path")], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("backed up "), "{out}");
    let during = writers.acknowledged().len();
    while writers.acknowledged().len() < during + 8 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    writers.stop().await;
    let later = json!({"appeal_id": "CBb na de kopie", "appellant": {"kind": "care_office", "id": "zk"},
        "region": "groningen", "year": 2027, "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-02"});
    let http = reqwest::Client::new();
    let response = http.post(format!("{}/api/v1/appeals", server.base)).bearer_auth(&legal).json(&later).send().await;
    assert_eq!(response.expect("answers").status().as_u16(), 201);

    // A second backup to the same file is refused: a backup never overwrites.
    let (code, _, err) = db.run(&["backup", "--to", copy.to_str().expect("a path")], &[]);
    assert_ne!(code, 0);
    assert!(err.contains("exists already"), "{err}");

    let restored = Db::sqlite();
    let target = restored.args();
    let (code, out, err) =
        termijn_tests::run_termijn(&["restore", "--from", copy.to_str().expect("a path"), &target[0], &target[1]]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("intact: "), "the restored history verifies: {out}");
    let restore_out = out;
    let (code, out, _) = restored.run(&["verify"], &[]);
    assert_eq!(code, 0, "{out}");
    // Into a folder that holds a store already, a restore is refused.
    let (code, _, err) =
        termijn_tests::run_termijn(&["restore", "--from", copy.to_str().expect("a path"), &target[0], &target[1]]);
    assert_ne!(code, 0);
    assert!(err.contains("not empty"), "{err}");

    // The checkpoint key came with the copy: the restored register signs with the same key.
    assert!(restore_out.contains("put the checkpoint key back"), "{restore_out}");
    let key = |db: &Db| db.run(&["checkpoint", "key"], &[]).1;
    assert_eq!(key(&restored), key(&db));
    let on_copy = Server::start(&restored, &[]);
    termijn_tests::assert_appeals_readable(&on_copy.base, &legal, &before).await;
    // What was recorded after the backup had ended is not in it: the copy is of one moment.
    let path = format!("{}/api/v1/appeals/{}", on_copy.base, termijn_tests::segment("CBb na de kopie"));
    let status = http.get(path).bearer_auth(&legal).send().await.expect("answers").status();
    assert_eq!(status.as_u16(), 404, "the appeal recorded after the backup is not in it");
}

/// The headers every answer carries, the API's and the pages' alike.
async fn security_headers(server: &Server, token: &str, path: &str, authorised: bool) -> reqwest::header::HeaderMap {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let mut request = http.get(format!("{}{path}", server.base));
    if authorised {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("answers");
    let headers = response.headers().clone();
    assert_eq!(headers.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{path}");
    // No referrer to other sites: none at all from the API, the pages' own origin only between pages.
    let referrer = headers.get("referrer-policy").map(|v| v.to_str().unwrap().to_owned());
    assert!(matches!(referrer.as_deref(), Some("no-referrer" | "same-origin")), "{path}: {referrer:?}");
    let policy = headers.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
    assert!(policy.as_deref().is_some_and(|p| p.contains("frame-ancestors 'none'")), "{path}: {policy:?}");
    headers
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_hsts_only_behind_tls() {
    let db = Db::sqlite();
    let token = db.token("legal", "mr. A. Jurist", None);
    let plain = Server::start(&db, &[]);
    // The API's JSON, a refused request, a problem, the login form and a page that sends the visitor there.
    for (path, authorised) in [
        ("/api/v1/deadlines", true),
        ("/api/v1/deadlines", false),
        ("/api/v1/nothing-here", true),
        ("/login", false),
        ("/", false),
    ] {
        let headers = security_headers(&plain, &token, path, authorised).await;
        assert!(headers.get("strict-transport-security").is_none(), "{path}: no HSTS over plain http");
    }
    // A page may load its own script and style sheet, and nothing from elsewhere.
    let page = security_headers(&plain, &token, "/login", false).await;
    let policy = page.get("content-security-policy").expect("a policy").to_str().expect("text");
    assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "{policy}");
    // The API's answers load nothing at all.
    let api = security_headers(&plain, &token, "/api/v1/deadlines", true).await;
    assert!(
        api.get("content-security-policy").expect("a policy").to_str().expect("text").contains("default-src 'none'")
    );
    assert_eq!(api.get("referrer-policy").expect("a policy"), "no-referrer");
    drop(plain);

    let behind_tls = Server::start(&db, &[("TERMIJN_HTTPS", "true")]);
    for (path, authorised) in [("/api/v1/deadlines", true), ("/api/v1/deadlines", false), ("/login", false)] {
        let headers = security_headers(&behind_tls, &token, path, authorised).await;
        let hsts = headers.get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned());
        assert!(hsts.as_deref().is_some_and(|h| h.starts_with("max-age=")), "{path}: {hsts:?}");
    }
}
