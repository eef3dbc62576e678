//! Objections to tariff decisions (R10), judgments with what they order (R14), the CBb's confirmation that no
//! appeal was lodged (R9) and misdirected appeals (art. 6:15 Awb), as legal staff and providers use them over
//! HTTP; every refused request records nothing.

use serde_json::{Value, json};
use termijn_tests::{PROVIDER_A, TestApp, segment};

const DECISIONS: &str = "/api/v1/contracting-space-decisions";
const TARIFFS: &str = "/api/v1/tariff-decisions";
const APPEALS: &str = "/api/v1/appeals";

async fn ok(app: &TestApp, path: &str, body: &Value) -> Value {
    let answer = app.post(path, Some(&app.legal), body).await;
    assert!((200..300).contains(&answer.status), "POST {path} {body}: {} {}", answer.status, answer.text);
    answer.json()
}

async fn read(app: &TestApp, path: &str, token: &str) -> Value {
    let answer = app.get(path, Some(token)).await;
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.text);
    answer.json()
}

/// Groningen 2027, established 14 November 2025 (1 March term to 13 April 2026), and provider A's tariff
/// decision announced Monday 5 January 2026 (objection term to 16 February 2026).
async fn seed(app: &TestApp) {
    ok(
        app,
        DECISIONS,
        &json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment", "decided_on": "2025-11-13",
                "announced_on": "2025-11-14", "reason": "vaststelling",
                "spaces": [{"region": "groningen", "year": 2027, "amount": "812345000.00"},
                           {"region": "drenthe", "year": 2027, "amount": "512345000.00"}]}),
    )
    .await;
    ok(
        app,
        TARIFFS,
        &json!({"decision_id": "NZa-TB-A-2027", "provider": PROVIDER_A, "year": 2027, "regions": ["groningen"],
                "kind": "tariff", "decided_on": "2026-01-05", "announced_on": "2026-01-05"}),
    )
    .await;
}

fn nza_deadlines(deadlines: &Value, basis: &str) -> Vec<Value> {
    deadlines["terms"].as_array().unwrap().iter().filter(|t| t["basis"] == basis).cloned().collect()
}

#[tokio::test]
async fn an_objection_gives_the_nza_a_decision_term_on_its_own_deadline_list_which_postponements_move_and_a_decision_ends()
 {
    objection_course(TestApp::spawn().await).await;
}

#[tokio::test]
async fn objections_and_annulments_are_kept_and_judged_alike_on_postgresql() {
    let Some(app) = TestApp::spawn_postgres().await else { return };
    objection_course(app).await;
    let Some(app) = TestApp::spawn_postgres().await else { return };
    annulment_with_period(app).await;
}

async fn objection_course(app: TestApp) {
    seed(&app).await;
    let tariff = format!("{TARIFFS}/NZa-TB-A-2027");
    let before = read(&app, &format!("{tariff}?as_of=2026-02-01"), &app.legal).await;
    assert_eq!(before["objection_decision_term"], Value::Null, "no objection, no decision term");

    let objections = format!("{tariff}/objections");
    let body = json!({"objection_id": "B-2026-0042", "objector": {"kind": "provider", "id": PROVIDER_A},
                      "received_on": "2026-02-02", "posted_on": null, "advisory_committee": false});
    let answer = app.post(&objections, Some(&app.legal), &body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let objection = answer.json();
    assert_eq!(objection["filing"], "on_time");
    assert_eq!(objection["decision_term"]["last_day"], "2026-03-30");

    let view = read(&app, &format!("{tariff}?as_of=2026-02-20"), &app.legal).await;
    assert_eq!(view["objection_decision_term"]["opens_on"], "2026-02-17");
    assert_eq!(view["objection_decision_term"]["last_day"], "2026-03-30");
    assert_eq!(view["objection_decision_term"]["status"], "open");
    assert_eq!(view["objections"][0]["objection_id"], "B-2026-0042");

    let list = "/api/v1/deadlines?from=2026-03-01&to=2026-07-31&as_of=2026-02-20";
    let legal = read(&app, list, &app.legal).await;
    let own = nza_deadlines(&legal, "awb_7_10");
    assert_eq!(own.len(), 1, "{legal}");
    assert_eq!(
        (own[0]["last_day"].as_str(), own[0]["objection_id"].as_str()),
        (Some("2026-03-30"), Some("B-2026-0042"))
    );
    let provider = read(&app, list, &app.provider_a).await;
    assert!(nza_deadlines(&provider, "awb_7_10").is_empty(), "the NZa's own deadlines are not a provider's");
    let feed = app.get(&list.replace("deadlines?", "deadlines.ics?"), Some(&app.legal)).await;
    assert!(feed.text.replace("\r\n ", "").contains("NZa: beslissen op bezwaar B-2026-0042"), "{}", feed.text);

    let path = format!("{objections}/{}", segment("B-2026-0042"));
    let postponed =
        ok(&app, &format!("{path}/postponement"), &json!({"paragraph": 3, "announced_on": "2026-03-20"})).await;
    assert_eq!(postponed["decision_term"]["last_day"], "2026-05-11");

    // A second postponement under lid 3, and a lid-4 date not after the current term, are refused.
    let second = app
        .post(&format!("{path}/postponement"), Some(&app.legal), &json!({"paragraph": 3, "announced_on": "2026-04-01"}))
        .await;
    assert_eq!(second.bad_fields(), ["paragraph"]);
    let too_soon = json!({"paragraph": 4, "until": "2026-05-01", "ground": "b", "announced_on": "2026-04-01"});
    let refused = app.post(&format!("{path}/postponement"), Some(&app.legal), &too_soon).await;
    assert_eq!(refused.bad_fields(), ["until"]);
    let no_ground = json!({"paragraph": 4, "until": "2026-06-14", "announced_on": "2026-04-01"});
    assert_eq!(app.post(&format!("{path}/postponement"), Some(&app.legal), &no_ground).await.bad_fields(), ["ground"]);
    let further = json!({"paragraph": 4, "until": "2026-06-14", "ground": "b", "announced_on": "2026-04-01"});
    let further = ok(&app, &format!("{path}/postponement"), &further).await;
    assert_eq!(further["decision_term"]["last_day"], "2026-06-14");

    let decided =
        ok(&app, &format!("{path}/decision"), &json!({"decided_on": "2026-06-01", "announced_on": "2026-06-02"})).await;
    assert_eq!(decided["status"], "decided");
    assert_eq!(decided["decision_term"]["status"], "closed");
    let after = read(&app, "/api/v1/deadlines?from=2026-03-01&to=2026-07-31&as_of=2026-06-02", &app.legal).await;
    assert!(nza_deadlines(&after, "awb_7_10").is_empty(), "a decided objection leaves the deadlines");
    let earlier = read(&app, "/api/v1/deadlines?from=2026-03-01&to=2026-07-31&as_of=2026-05-20", &app.legal).await;
    assert_eq!(nza_deadlines(&earlier, "awb_7_10")[0]["last_day"], "2026-06-14", "as it stood on that date");

    let unknown = app
        .post(
            &format!("{objections}/B-elders/decision"),
            Some(&app.legal),
            &json!({"decided_on": "2026-06-01", "announced_on": "2026-06-02"}),
        )
        .await;
    unknown.problem(404);
    let history = read(&app, "/api/v1/history?stream=objection/B-2026-0042", &app.auditor).await;
    assert_eq!(history["events"].as_array().map(Vec::len), Some(4), "lodged, two postponements, decided: {history}");
}

#[tokio::test]
async fn a_judgment_in_which_the_cbb_decides_itself_becomes_the_current_decision_and_its_options_are_checked() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    ok(
        &app,
        APPEALS,
        &json!({"appeal_id": "CBb 26/0001", "appellant": {"kind": "care_office", "id": "zorgkantoor-noord"},
                "region": "groningen", "year": 2027, "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-20"}),
    )
    .await;
    let judgment = format!("{APPEALS}/{}/judgment", segment("CBb 26/0001"));
    let without_amount = json!({"judgment_on": "2026-10-01", "outcome": "upheld", "consequence": "court_decided"});
    assert_eq!(app.post(&judgment, Some(&app.legal), &without_amount).await.bad_fields(), ["amount"]);
    let dismissed_with = json!({"judgment_on": "2026-10-01", "outcome": "dismissed", "annuls": ["NZa-RCS-2025-11"]});
    assert_eq!(app.post(&judgment, Some(&app.legal), &dismissed_with).await.bad_fields(), ["annuls"]);
    let unknown = json!({"judgment_on": "2026-10-01", "outcome": "upheld", "annuls": ["NZa-RCS-2099-01"]});
    assert_eq!(app.post(&judgment, Some(&app.legal), &unknown).await.bad_fields(), ["annuls[0]"]);
    let space = read(&app, "/api/v1/contracting-spaces/groningen/2027?as_of=2026-10-02", &app.legal).await;
    assert_eq!(space["appeals"][0]["status"], "pending", "a refused judgment records nothing");

    let decided = json!({"judgment_on": "2026-10-01", "outcome": "upheld", "consequence": "court_decided",
                         "amount": "813000000.00"});
    ok(&app, &judgment, &decided).await;
    let space = read(&app, "/api/v1/contracting-spaces/groningen/2027?as_of=2026-10-02", &app.legal).await;
    assert_eq!(space["current_decision"], "CBb 26/0001");
    assert_eq!(space["amount"], "813000000.00");
    assert_eq!(space["status"], "irrevocable");
    assert_eq!(space["irrevocable_since"], "2026-10-01");
    let court = space["decisions"].as_array().unwrap().iter().find(|d| d["kind"] == "court_decided").cloned();
    assert_eq!(court.map(|c| c["decision_id"].clone()), Some(json!("CBb 26/0001")));
    let drenthe = read(&app, "/api/v1/contracting-spaces/drenthe/2027?as_of=2026-10-02", &app.legal).await;
    assert_eq!(drenthe["current_decision"], "NZa-RCS-2025-11", "the other region-year is untouched");
}

#[tokio::test]
async fn an_annulment_named_for_another_region_year_with_a_period_puts_a_new_decision_on_the_nzas_list() {
    annulment_with_period(TestApp::spawn().await).await;
}

async fn annulment_with_period(app: TestApp) {
    seed(&app).await;
    ok(
        &app,
        APPEALS,
        &json!({"appeal_id": "CBb 26/0002", "appellant": {"kind": "other", "id": "patientenfederatie"},
                "region": "groningen", "year": 2027, "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-20"}),
    )
    .await;
    let judgment = format!("{APPEALS}/{}/judgment", segment("CBb 26/0002"));
    ok(
        &app,
        &judgment,
        &json!({"judgment_on": "2026-10-01", "outcome": "upheld",
                "annuls": ["NZa-RCS-2025-11", {"decision_id": "NZa-RCS-2025-11", "region": "drenthe", "year": 2027}],
                "new_decision_by": "2026-12-27"}),
    )
    .await;
    for region in ["groningen", "drenthe"] {
        let space = read(&app, &format!("/api/v1/contracting-spaces/{region}/2027?as_of=2026-10-02"), &app.legal).await;
        assert_eq!(space["decisions"][0]["status"], "annulled", "{region}: {space}");
        assert_eq!(space["new_decision_required"], true);
        assert_eq!(space["amount"], Value::Null);
    }
    let list = read(&app, "/api/v1/deadlines?from=2026-12-01&to=2026-12-31&as_of=2026-10-02", &app.legal).await;
    let own = nza_deadlines(&list, "awb_8_72");
    assert_eq!(own.len(), 2, "one per annulled region-year: {list}");
    assert!(own.iter().all(|t| t["last_day"] == "2026-12-27" && t["appeal_id"] == "CBb 26/0002"));
}

#[tokio::test]
async fn the_cbbs_confirmation_ends_the_notice_margin_and_a_misdirected_appeal_is_the_nzas_to_forward() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let space = "/api/v1/contracting-spaces/drenthe/2027";
    let waiting = read(&app, &format!("{space}?as_of=2026-04-28"), &app.legal).await;
    assert_eq!(waiting["status"], "awaiting_notice");
    let confirmation = format!("{space}/no-appeal-confirmation");
    let wrong = app
        .post(&confirmation, Some(&app.legal), &json!({"decision_id": "NZa-RCS-2025-11", "confirmed_on": "2025-11-01"}))
        .await;
    assert_eq!(wrong.bad_fields(), ["confirmed_on"], "before the announcement");
    let confirmed =
        ok(&app, &confirmation, &json!({"decision_id": "NZa-RCS-2025-11", "confirmed_on": "2026-04-28"})).await;
    assert_eq!(confirmed["region"], "drenthe");
    let declared = read(&app, &format!("{space}?as_of=2026-04-28"), &app.legal).await;
    assert_eq!(declared["status"], "irrevocable");
    assert_eq!(declared["irrevocable_since"], "2026-04-14");
    let groningen = read(&app, "/api/v1/contracting-spaces/groningen/2027?as_of=2026-04-28", &app.legal).await;
    assert_eq!(groningen["status"], "awaiting_notice", "a confirmation counts for its own region-year only");

    let misdirected = json!({"appeal_id": "CBb 26/0077", "appellant": {"kind": "provider", "id": PROVIDER_A},
                             "region": "groningen", "year": 2027, "against_decision": "NZa-RCS-2025-11",
                             "received_on": "2026-04-10", "received_by": "nza"});
    let lodged = app.post(APPEALS, Some(&app.legal), &misdirected).await;
    assert_eq!(lodged.status, 201, "{}", lodged.text);
    assert_eq!(lodged.json()["filing"], "on_time");
    let list = read(&app, "/api/v1/deadlines?from=2026-04-01&to=2026-04-30&as_of=2026-04-10", &app.legal).await;
    let forward = nza_deadlines(&list, "awb_6_15");
    assert_eq!(forward.len(), 1, "{list}");
    assert_eq!(
        (forward[0]["last_day"].as_str(), forward[0]["appeal_id"].as_str()),
        (Some("2026-04-10"), Some("CBb 26/0077"))
    );
}
