//! Idempotency keys: a repeated write answers as the first did and records nothing new.

use crate::*;

pub(crate) async fn replays(app: &TestApp, path: &str, body: &Value, key: &str) -> Answer {
    app.post_with(path, Some(&app.legal), body, &[("Idempotency-Key", key)]).await
}

pub(crate) fn assert_replay(first: &Answer, again: &Answer) {
    assert_eq!(again.status, first.status, "{}", again.text);
    assert_eq!(again.text, first.text, "the first result, unchanged");
    assert_eq!(again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
}

#[tokio::test]
async fn a_write_repeated_with_the_same_idempotency_key_returns_the_first_result_and_records_nothing_new() {
    let app = TestApp::spawn().await;
    let id = "CBb 26/0123";
    let writes = [
        (DECISIONS.to_owned(), establishment(RCS, "2025-11-10", None, &[("groningen", 2027, "1.00")]), 201),
        (format!("{DECISIONS}/{RCS}/announcement"), json!({"announced_on": "2025-11-14"}), 0),
        (
            TARIFFS.to_owned(),
            tariff(TARIFF_A, PROVIDER_A, 2027, &["groningen"], "tariff", None, "2026-01-20", Some("2026-01-23")),
            201,
        ),
        (APPEALS.to_owned(), appeal(id, ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02"), 201),
        (format!("{APPEALS}/{}/withdrawal", segment(id)), json!({"withdrawn_on": "2026-05-04"}), 0),
    ];
    for (n, (path, body, status)) in writes.iter().enumerate() {
        let key = format!("key-{n}");
        let first = replays(&app, path, body, &key).await;
        assert!((200..300).contains(&first.status), "{path}: {}", first.text);
        if *status != 0 {
            assert_eq!(first.status, *status);
        }
        assert_ne!(first.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
        let count = events(&app).await.len();
        let again = replays(&app, path, body, &key).await;
        assert_replay(&first, &again);
        nothing_recorded(&app, count, path).await;
    }
}

#[tokio::test]
async fn an_idempotency_key_still_replays_the_first_result_after_a_restart() {
    let mut app = TestApp::spawn().await;
    let body = establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]);
    let first = replays(&app, DECISIONS, &body, "restart-key").await;
    assert_eq!(first.status, 201, "{}", first.text);
    let count = events(&app).await.len();

    app.server.kill();
    app.server = Server::start(&app.db, &[]);

    let again = replays(&app, DECISIONS, &body, "restart-key").await;
    assert_replay(&first, &again);
    nothing_recorded(&app, count, "a replay after a restart").await;
    let other = establishment("NZa-RCS-2025-12", "2025-12-01", Some("2025-12-05"), &[("drenthe", 2027, "2.00")]);
    replays(&app, DECISIONS, &other, "restart-key").await.problem(409);
    nothing_recorded(&app, count, "a reused key after a restart").await;
}

#[tokio::test]
async fn concurrent_requests_with_the_same_idempotency_key_record_the_write_once() {
    let app = TestApp::spawn().await;
    let body = establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]);
    let before = events(&app).await.len();
    let answers = send_at_once(&app, &body, "concurrent-key", 8).await;
    let first = answers.iter().find(|a| a.headers.get("idempotent-replayed").is_none()).expect("one first result");
    for answer in &answers {
        assert_eq!(answer.status, 201, "{}", answer.text);
        assert_eq!(answer.text, first.text);
    }
    let recorded = events(&app).await;
    let new_events = &recorded[before..];
    assert!(!new_events.is_empty());
    assert!(new_events.iter().all(|e| e["stream"] == new_events[0]["stream"]), "one decision: {new_events:?}");
    assert_eq!(new_events.iter().filter(|e| e["sequence"] == 1).count(), 1, "recorded once: {new_events:?}");
}

/// Sends `n` copies of one keyed decision at the same time.
async fn send_at_once(app: &TestApp, body: &Value, key: &str, n: usize) -> Vec<Answer> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let request =
            app.http.post(app.url(DECISIONS)).bearer_auth(&app.legal).header("Idempotency-Key", key).json(body);
        tasks.spawn(async move {
            let response = request.send().await.expect("the server answers");
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            Answer { status, content_type, headers, text: response.text().await.expect("a body") }
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn decision_ids_that_differ_only_in_punctuation_keep_the_deadlines_answering() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment("NZa RCS 1", "2025-10-10", Some("2025-10-14"), &[("zwolle", 2028, "1.00")]))
        .await;
    record(
        &app,
        DECISIONS,
        &decision("NZa/RCS/1", "amendment", "2025-11-10", Some("2025-11-14"), &[("zwolle", 2028, "2.00")]),
    )
    .await;
    let view = space(&app, "zwolle", 2028, "as_of=2026-03-02").await;
    assert_eq!(terms(&view).len(), 2, "each decision has its own first-of-March term: {view}");
    let deadlines = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(terms(&deadlines).len(), 2, "{deadlines}");
    let other_region = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=groningen").await;
    assert_eq!(other_region["terms"], json!([]));
}

#[tokio::test]
async fn an_annulment_reaches_only_the_appealed_region_year_and_its_terms_leave_the_deadlines_that_day() {
    let app = TestApp::spawn().await;
    record(
        &app,
        DECISIONS,
        &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("twente", 2027, "1.00"), ("zwolle", 2027, "2.00")]),
    )
    .await;
    let amendment = "NZa-RCS-2026-05";
    record(
        &app,
        DECISIONS,
        &decision(
            amendment,
            "amendment",
            "2026-05-18",
            Some("2026-05-20"),
            &[("twente", 2027, "3.00"), ("zwolle", 2027, "4.00")],
        ),
    )
    .await;
    let id = "CBb 26/0901";
    record(&app, APPEALS, &appeal(id, ("care_office", "Zorgkantoor Twente"), "twente", 2027, amendment, "2026-06-15"))
        .await;
    let deadlines = "/api/v1/deadlines?from=2027-01-01&to=2027-12-31";
    let before = read(&app, &format!("{deadlines}&as_of=2026-09-30")).await;
    assert!(terms(&before).iter().any(|t| t["region"] == "twente" && t["decision_id"] == amendment), "{before}");
    follow_up(
        &app,
        &format!("{APPEALS}/{}/judgment", segment(id)),
        &json!({"judgment_on": "2026-10-01", "outcome": "upheld"}),
    )
    .await;

    let twente = space(&app, "twente", 2027, "as_of=2026-10-01").await;
    assert_eq!(twente["current_decision"], RCS, "the annulled amendment is never current: {twente}");
    assert_eq!(twente["amount"], "1.00");
    assert_eq!(twente["new_decision_required"], true);
    assert_eq!(twente["decisions"][0]["revived"], true, "{twente}");
    assert!(!twente.to_string().contains("onherroepelijk sinds 1 oktober"), "{twente}");
    let zwolle = space(&app, "zwolle", 2027, "as_of=2026-10-01").await;
    assert_eq!(zwolle["current_decision"], amendment, "another region-year of the publication is untouched");
    assert_eq!(zwolle["amount"], "4.00");

    let after = read(&app, &format!("{deadlines}&as_of=2026-10-01")).await;
    assert!(!terms(&after).iter().any(|t| t["region"] == "twente" && t["decision_id"] == amendment), "{after}");
    assert!(terms(&after).iter().any(|t| t["region"] == "zwolle" && t["decision_id"] == amendment), "{after}");
    let still_before = read(&app, &format!("{deadlines}&as_of=2026-09-30")).await;
    assert!(terms(&still_before).iter().any(|t| t["region"] == "twente" && t["decision_id"] == amendment));
}

#[tokio::test]
async fn a_tariff_decision_naming_a_decision_taken_after_it_is_refused_and_records_nothing() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2026, "1.00")]))
        .await;
    let later = "NZa-RCS-2026-03";
    record(
        &app,
        DECISIONS,
        &decision(later, "amendment", "2026-03-02", Some("2026-03-04"), &[("groningen", 2026, "2.00")]),
    )
    .await;
    let mut body = tariff(TARIFF_A, PROVIDER_A, 2026, &["groningen"], "tariff", None, "2026-02-20", Some("2026-03-05"));
    body["applied_space_decisions"] = json!({"groningen": later});
    let refused = app.post(TARIFFS, Some(&app.legal), &body).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.bad_fields(), ["applied_space_decisions.groningen"]);
    assert_eq!(app.get(&format!("{TARIFFS}/{TARIFF_A}"), Some(&app.legal)).await.status, 404);

    // Without a name, the decision current on the day it was taken is presumed, and the later one is mentioned.
    body["applied_space_decisions"] = Value::Null;
    record(&app, TARIFFS, &body).await;
    let view = read(&app, &format!("{TARIFFS}/{TARIFF_A}?as_of=2026-03-10")).await;
    let opened = &view["appeal_terms"][0];
    assert_eq!(opened["decision_id"], RCS, "{view}");
    let steps = strings(&opened["explanation"]);
    assert!(steps[0].contains("aangenomen wordt"), "{steps:?}");
    assert!(steps.iter().any(|s| s.contains(later)), "{steps:?}");
}

#[tokio::test]
async fn a_new_decision_for_a_past_year_is_recorded() {
    let app = TestApp::spawn().await;
    // R11: only the future is bounded; a new decision after annulment may concern a past year.
    let recorded = record(
        &app,
        DECISIONS,
        &decision("NZa-RCS-2026-12", "amendment", "2026-11-20", Some("2026-11-23"), &[("groningen", 2024, "5.00")]),
    )
    .await;
    assert_eq!(recorded["spaces"][0]["year"], 2024);
    let view = space(&app, "groningen", 2024, "as_of=2026-11-24").await;
    assert_eq!(view["amount"], "5.00");
    assert_eq!(term(terms(&view), "awb_6_8", None)["status"], "open", "{view}");
}
