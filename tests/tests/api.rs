//! Every endpoint of `shared/API.md` as a client uses it with a legal token: the writes, the reads, the terms
//! and statuses they show, and every error a client can provoke, which must record nothing.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use termijn_tests::{Answer, PROVIDER_A, PROVIDER_B, Server, TestApp, segment};

const DECISIONS: &str = "/api/v1/contracting-space-decisions";
const TARIFFS: &str = "/api/v1/tariff-decisions";
const APPEALS: &str = "/api/v1/appeals";

/// The worked example of DOMAIN.md: announced Friday 14 November 2025.
const RCS: &str = "NZa-RCS-2025-11";
const TARIFF_A: &str = "NZa-TB-12345678-2026-1";
const TARIFF_B: &str = "NZa-TB-87654321-2026-1";

fn decision(id: &str, kind: &str, decided_on: &str, announced_on: Option<&str>, lines: &[(&str, i32, &str)]) -> Value {
    let mut body = json!({
        "decision_id": id, "kind": kind, "decided_on": decided_on, "reason": "meerjarige vaststelling",
        "spaces": lines.iter().map(|(region, year, amount)| json!({"region": region, "year": year, "amount": amount}))
            .collect::<Vec<_>>(),
    });
    if let Some(on) = announced_on {
        body["announced_on"] = json!(on);
    }
    body
}

fn establishment(id: &str, decided_on: &str, announced_on: Option<&str>, lines: &[(&str, i32, &str)]) -> Value {
    decision(id, "establishment", decided_on, announced_on, lines)
}

#[allow(clippy::too_many_arguments)]
fn tariff(
    id: &str,
    provider: &str,
    year: i32,
    regions: &[&str],
    kind: &str,
    amends: Option<&str>,
    decided_on: &str,
    announced_on: Option<&str>,
) -> Value {
    json!({"decision_id": id, "provider": provider, "year": year, "regions": regions, "kind": kind,
           "amends": amends, "decided_on": decided_on, "announced_on": announced_on,
           "applied_space_decisions": null})
}

fn appeal(id: &str, appellant: (&str, &str), region: &str, year: i32, against: &str, received_on: &str) -> Value {
    json!({"appeal_id": id, "appellant": {"kind": appellant.0, "id": appellant.1}, "region": region, "year": year,
           "against_decision": against, "received_on": received_on, "posted_on": null})
}

fn by_post(mut body: Value, posted_on: &str) -> Value {
    body["posted_on"] = json!(posted_on);
    body
}

/// Posts with the legal token and expects `201 Created`.
async fn record(app: &TestApp, path: &str, body: &Value) -> Value {
    let answer = app.post(path, Some(&app.legal), body).await;
    assert_eq!(answer.status, 201, "POST {path} {body}: {}", answer.text);
    assert_eq!(answer.content_type, "application/json", "{}", answer.text);
    answer.json()
}

/// Posts a follow-up (announcement, withdrawal, judgment) with the legal token and expects success.
async fn follow_up(app: &TestApp, path: &str, body: &Value) -> Value {
    let answer = app.post(path, Some(&app.legal), body).await;
    assert!((200..300).contains(&answer.status), "POST {path} {body}: {} {}", answer.status, answer.text);
    answer.json()
}

/// Reads with the legal token and expects `200 OK`.
async fn read(app: &TestApp, path: &str) -> Value {
    let answer = app.get(path, Some(&app.legal)).await;
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.text);
    answer.json()
}

async fn space(app: &TestApp, region: &str, year: i32, query: &str) -> Value {
    read(app, &format!("/api/v1/contracting-spaces/{region}/{year}?{query}")).await
}

/// The whole history, page by page.
async fn events(app: &TestApp) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = read(app, &format!("/api/v1/history?limit=1000&after={after}")).await;
        all.extend(page["events"].as_array().expect("events").iter().cloned());
        match page["next_after"].as_i64() {
            Some(next) => after = next,
            None => return all,
        }
    }
}

/// Asserts that the history still holds exactly `before` events.
async fn nothing_recorded(app: &TestApp, before: usize, what: &str) {
    assert_eq!(events(app).await.len(), before, "{what} recorded an event");
}

fn terms(view: &Value) -> &Vec<Value> {
    view["terms"].as_array().expect("a terms list")
}

/// The one term of a list with this basis and tariff decision.
fn term<'a>(list: &'a [Value], basis: &str, tariff_decision: Option<&str>) -> &'a Value {
    let found: Vec<&Value> =
        list.iter().filter(|t| t["basis"] == basis && t["tariff_decision"].as_str() == tariff_decision).collect();
    assert_eq!(found.len(), 1, "one {basis} term of {tariff_decision:?} in {list:?}");
    found[0]
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().expect("a list").iter().map(|v| v.as_str().expect("a string").to_owned()).collect()
}

fn assert_dates(term: &Value, opens_on: &str, nominal_last_day: &str, last_day: &str) {
    assert_eq!(term["opens_on"], opens_on, "{term}");
    assert_eq!(term["nominal_last_day"], nominal_last_day, "{term}");
    assert_eq!(term["last_day"], last_day, "{term}");
}

/// Records the worked example for groningen: the RCS of 2026 and 2027 announced 14 November 2025, a tariff
/// decision of provider A announced Friday 23 January 2026 and one of provider B announced Friday 13 February.
async fn seed_groningen(app: &TestApp) {
    record(
        app,
        DECISIONS,
        &establishment(
            RCS,
            "2025-11-10",
            Some("2025-11-14"),
            &[("groningen", 2026, "812345000.00"), ("groningen", 2027, "830000000.00"), ("drenthe", 2027, "5.00")],
        ),
    )
    .await;
    record(
        app,
        TARIFFS,
        &tariff(TARIFF_A, PROVIDER_A, 2026, &["groningen"], "tariff", None, "2026-01-20", Some("2026-01-23")),
    )
    .await;
    record(
        app,
        TARIFFS,
        &tariff(TARIFF_B, PROVIDER_B, 2026, &["groningen"], "tariff", None, "2026-02-10", Some("2026-02-13")),
    )
    .await;
}

#[tokio::test]
async fn a_decision_recorded_with_its_announcement_is_read_back_as_recorded_with_its_first_of_march_term() {
    let app = TestApp::spawn().await;
    let sent = establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "812345000.00")]);
    let recorded = record(&app, DECISIONS, &sent).await;
    for field in ["decision_id", "kind", "decided_on", "announced_on", "reason"] {
        assert_eq!(recorded[field], sent[field], "{field}: {recorded}");
    }
    assert_eq!(recorded["spaces"], json!([{"region": "groningen", "year": 2027, "amount": "812345000.00"}]));
    assert_eq!(recorded["recorded_by"], "mr. A. Jurist");

    let again = read(&app, &format!("{DECISIONS}/{RCS}")).await;
    assert_eq!(again, recorded, "the decision reads back as it was recorded");

    let view = space(&app, "groningen", 2027, "as_of=2026-03-02").await;
    assert_eq!(view["region"], "groningen");
    assert_eq!(view["year"], 2027);
    assert_eq!(view["amount"], "812345000.00");
    assert_eq!(view["current_decision"], RCS);
    assert_eq!(view["status"], "open");
    assert_eq!(view["irrevocable_since"], Value::Null);
    assert_eq!(terms(&view).len(), 1, "{view}");
    let first_of_march = term(terms(&view), "art105_lid3", None);
    assert_eq!(first_of_march["decision_id"], RCS);
    assert_eq!(first_of_march["provider"], Value::Null);
    // 1 March 2026 is day 1; day 42 is Saturday 11 April, so the term runs on to Monday 13 April (art. 1 Atw).
    assert_dates(first_of_march, "2026-03-01", "2026-04-11", "2026-04-13");
    assert_eq!(first_of_march["provisional"], false);
    assert_eq!(first_of_march["status"], "open");
    let steps = strings(&first_of_march["explanation"]);
    let position = |needle: &str| {
        steps.iter().position(|s| s.contains(needle)).unwrap_or_else(|| panic!("no step citing {needle}: {steps:?}"))
    };
    assert!(position("105") < position("6:7") && position("6:7") < position("termijnenwet"), "{steps:?}");
    assert_eq!(view["appeals"], json!([]));
    let decisions = view["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0]["decision_id"], RCS);
    assert_eq!(decisions[0]["kind"], "establishment");
    assert_eq!(decisions[0]["amount"], "812345000.00");
    assert_eq!(decisions[0]["announced_on"], "2025-11-14");
    assert_eq!(decisions[0]["status"], "open");
    assert_eq!(decisions[0]["superseded_by"], Value::Null);
}

#[tokio::test]
async fn a_decision_recorded_without_announcement_gets_its_terms_once_the_announcement_is_recorded() {
    let app = TestApp::spawn().await;
    let recorded =
        record(&app, DECISIONS, &establishment(RCS, "2025-11-10", None, &[("groningen", 2027, "1.00")])).await;
    assert_eq!(recorded["announced_on"], Value::Null);
    let unannounced = space(&app, "groningen", 2027, "as_of=2026-03-02").await;
    assert_eq!(unannounced["status"], "not_announced");
    assert_eq!(unannounced["decisions"][0]["status"], "not_announced");
    assert_eq!(unannounced["terms"], json!([]));

    let announced =
        follow_up(&app, &format!("{DECISIONS}/{RCS}/announcement"), &json!({"announced_on": "2025-11-14"})).await;
    assert_eq!(announced["decision_id"], RCS);
    assert_eq!(announced["announced_on"], "2025-11-14");
    assert_eq!(read(&app, &format!("{DECISIONS}/{RCS}")).await["announced_on"], "2025-11-14");
    let view = space(&app, "groningen", 2027, "as_of=2026-03-02").await;
    assert_eq!(view["status"], "open");
    assert_dates(term(terms(&view), "art105_lid3", None), "2026-03-01", "2026-04-11", "2026-04-13");
    // Judged before the announcement, the decision was not yet announced.
    assert_eq!(space(&app, "groningen", 2027, "as_of=2025-11-13").await["status"], "not_announced");
}

#[tokio::test]
async fn a_tariff_decision_shows_its_objection_term_no_decision_term_without_an_objection_and_the_appeal_term_it_opened()
 {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2026, "1.00")]))
        .await;
    let sent = tariff(TARIFF_A, PROVIDER_A, 2026, &["groningen"], "tariff", None, "2026-01-20", Some("2026-01-23"));
    let recorded = record(&app, TARIFFS, &sent).await;
    for field in ["decision_id", "provider", "year", "regions", "kind", "amends", "decided_on", "announced_on"] {
        assert_eq!(recorded[field], sent[field], "{field}: {recorded}");
    }

    let view = read(&app, &format!("{TARIFFS}/{TARIFF_A}?as_of=2026-02-01")).await;
    assert_eq!(view["decision_id"], TARIFF_A);
    assert_eq!(view["provider"], PROVIDER_A);
    assert_eq!(view["announced_on"], "2026-01-23");
    // Art. 6:7/6:8 Awb: from Saturday 24 January 2026, day 42 is Friday 6 March 2026.
    let objection = &view["objection_term"];
    assert_dates(objection, "2026-01-24", "2026-03-06", "2026-03-06");
    assert_eq!(objection["provisional"], false);
    assert_eq!(objection["status"], "open");
    assert!(strings(&objection["explanation"]).iter().any(|s| s.contains("6:7")), "{objection}");
    // Art. 7:10 Awb: the NZa's decision term runs only once someone objected (R10); nobody has.
    assert_eq!(view["objection_decision_term"], Value::Null, "{view}");
    // R3: the appeal term against the RCS it applied runs with the objection term.
    let appeal_terms = view["appeal_terms"].as_array().expect("appeal_terms");
    assert_eq!(appeal_terms.len(), 1, "{view}");
    let opened = &appeal_terms[0];
    assert_eq!(opened["basis"], "art105_lid2");
    assert_eq!(opened["decision_id"], RCS);
    assert_eq!(opened["tariff_decision"], TARIFF_A);
    assert_eq!(opened["provider"], PROVIDER_A);
    assert_eq!(opened["region"], "groningen");
    assert_eq!(opened["year"], 2026);
    assert_dates(opened, "2026-01-24", "2026-03-06", "2026-03-06");
    assert_eq!(opened["status"], "open");
    assert_eq!(
        read(&app, &format!("{TARIFFS}/{TARIFF_A}?as_of=2026-03-07")).await["objection_term"]["status"],
        "closed"
    );
}

#[tokio::test]
async fn an_amended_tariff_decision_opens_a_new_appeal_term_from_the_day_after_its_announcement() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2026, "1.00")]))
        .await;
    record(
        &app,
        TARIFFS,
        &tariff(TARIFF_A, PROVIDER_A, 2026, &["groningen"], "tariff", None, "2026-01-20", Some("2026-01-23")),
    )
    .await;
    let amended_id = "NZa-TB-12345678-2026-2";
    let mut sent = tariff(
        amended_id,
        PROVIDER_A,
        2026,
        &["groningen"],
        "amended_tariff",
        Some(TARIFF_A),
        "2026-02-10",
        Some("2026-02-13"),
    );
    sent["applied_space_decisions"] = json!({"groningen": RCS});
    let recorded = record(&app, TARIFFS, &sent).await;
    assert_eq!(recorded["kind"], "amended_tariff");
    assert_eq!(recorded["amends"], TARIFF_A);

    let view = read(&app, &format!("{TARIFFS}/{amended_id}?as_of=2026-03-10")).await;
    assert_eq!(view["applied_space_decisions"], json!({"groningen": RCS}));
    let opened = &view["appeal_terms"][0];
    assert_eq!(opened["tariff_decision"], amended_id);
    assert_eq!(opened["decision_id"], RCS);
    // Announced Friday 13 February 2026: day 1 is 14 February, day 42 is Friday 27 March 2026.
    assert_dates(opened, "2026-02-14", "2026-03-27", "2026-03-27");
    assert_eq!(opened["status"], "open");

    let space = space(&app, "groningen", 2026, "as_of=2026-03-10").await;
    assert_eq!(term(terms(&space), "art105_lid2", Some(TARIFF_A))["status"], "closed");
    assert_eq!(term(terms(&space), "art105_lid2", Some(amended_id))["status"], "open");
}

#[tokio::test]
async fn a_sluittarief_opens_no_appeal_term_says_why_and_an_appeal_relying_on_it_still_awaits_a_tariff_decision() {
    let app = TestApp::spawn().await;
    // A space of the current year gets no first-of-March term (R4), only the residual term from its own
    // announcement (R13) until a tariff decision applies it (R3).
    let space_id = "NZa-RCS-2026-01";
    record(&app, DECISIONS, &establishment(space_id, "2026-01-05", Some("2026-01-09"), &[("drenthe", 2026, "7.50")]))
        .await;
    let before = space(&app, "drenthe", 2026, "as_of=2026-05-01").await;
    assert_eq!(before["status"], "pending", "a term waits for a tariff decision: {before}");
    assert_eq!(terms(&before).len(), 1, "{before}");
    assert_dates(term(terms(&before), "awb_6_8", None), "2026-01-10", "2026-02-20", "2026-02-20");

    let sluit = "NZa-TB-12345678-2026-S";
    let mut sent = tariff(sluit, PROVIDER_A, 2026, &["drenthe"], "sluittarief", None, "2026-05-28", Some("2026-06-01"));
    sent["applied_space_decisions"] = json!({"drenthe": space_id});
    record(&app, TARIFFS, &sent).await;

    let view = read(&app, &format!("{TARIFFS}/{sluit}?as_of=2026-06-10")).await;
    assert_eq!(view["kind"], "sluittarief");
    assert_eq!(view["applied_space_decisions"], json!({"drenthe": space_id}));
    // It can still be objected to as a tariff decision.
    assert_dates(&view["objection_term"], "2026-06-02", "2026-07-13", "2026-07-13");
    let not_opened = &view["appeal_terms"][0];
    assert_eq!(view["appeal_terms"].as_array().map(Vec::len), Some(1), "{view}");
    assert_eq!(not_opened["decision_id"], space_id);
    assert_eq!(not_opened["tariff_decision"], sluit);
    assert_eq!(not_opened["status"], "not_opened");
    assert_eq!(not_opened["reason"], "sluittarief");
    assert_eq!(not_opened["last_day"], Value::Null);
    assert!(strings(&not_opened["explanation"]).iter().any(|s| s.contains("105")), "{not_opened}");

    let lodged = record(
        &app,
        APPEALS,
        &appeal("CBb 26/0500", ("provider", PROVIDER_A), "drenthe", 2026, space_id, "2026-06-10"),
    )
    .await;
    // A sluittarief does not apply the space for R13: after the residual term the appeal is premature, not late.
    assert_eq!(lodged["filing"], "premature", "{lodged}");
}

#[tokio::test]
async fn a_tariff_decision_announced_after_the_space_became_irrevocable_opens_no_term_and_says_why() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2026, "1.00")]))
        .await;
    let late_tariff = "NZa-TB-87654321-2026-9";
    record(
        &app,
        TARIFFS,
        &tariff(late_tariff, PROVIDER_B, 2026, &["groningen"], "tariff", None, "2026-05-28", Some("2026-06-01")),
    )
    .await;
    let view = read(&app, &format!("{TARIFFS}/{late_tariff}?as_of=2026-06-10")).await;
    let not_opened = &view["appeal_terms"][0];
    assert_eq!(not_opened["status"], "not_opened", "{view}");
    assert_eq!(not_opened["reason"], "space_irrevocable");
    assert!(strings(&not_opened["explanation"]).iter().any(|s| s.contains("105 lid 4")), "{not_opened}");
    let space = space(&app, "groningen", 2026, "as_of=2026-06-10").await;
    assert_eq!(space["status"], "irrevocable");
    assert_eq!(space["irrevocable_since"], "2026-04-14");
}

#[tokio::test]
async fn appeals_are_classified_as_premature_on_time_on_time_by_post_or_late() {
    let app = TestApp::spawn().await;
    // Term 1 March 2026 to Monday 13 April 2026; by post, received no later than a week after: 20 April.
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]))
        .await;
    let provider = ("provider", PROVIDER_A);
    let cases = [
        ("CBb 26/0001", appeal("CBb 26/0001", provider, "groningen", 2027, RCS, "2026-01-15"), "premature"),
        ("CBb 26/0002", appeal("CBb 26/0002", provider, "groningen", 2027, RCS, "2026-03-02"), "on_time"),
        (
            "CBb 26/0003",
            appeal("CBb 26/0003", ("care_office", "Zorgkantoor Groningen"), "groningen", 2027, RCS, "2026-04-13"),
            "on_time",
        ),
        (
            "CBb 26/0004",
            by_post(appeal("CBb 26/0004", provider, "groningen", 2027, RCS, "2026-04-20"), "2026-04-13"),
            "on_time_by_post",
        ),
        (
            "CBb 26/0005",
            appeal("CBb 26/0005", ("other", "Patiëntenfederatie"), "groningen", 2027, RCS, "2026-04-14"),
            "late",
        ),
        (
            "CBb 26/0006",
            by_post(appeal("CBb 26/0006", provider, "groningen", 2027, RCS, "2026-04-21"), "2026-04-13"),
            "late",
        ),
        (
            "CBb 26/0007",
            by_post(appeal("CBb 26/0007", provider, "groningen", 2027, RCS, "2026-04-15"), "2026-04-14"),
            "late",
        ),
    ];
    for (id, body, filing) in &cases {
        let lodged = record(&app, APPEALS, body).await;
        assert_eq!(lodged["appeal_id"], *id);
        assert_eq!(lodged["appellant"], body["appellant"]);
        assert_eq!(lodged["received_on"], body["received_on"]);
        assert_eq!(lodged["posted_on"], body["posted_on"]);
        assert_eq!(lodged["filing"], *filing, "{id}: {lodged}");
        assert_eq!(lodged["status"], "pending");
        let again = read(&app, &format!("{APPEALS}/{}", segment(id))).await;
        assert_eq!(again["filing"], *filing, "{id}: {again}");
    }
    let view = space(&app, "groningen", 2027, "as_of=2026-05-01").await;
    let appeals = view["appeals"].as_array().expect("appeals");
    assert_eq!(appeals.len(), cases.len());
    for (id, _, filing) in &cases {
        let shown = appeals.iter().find(|a| a["appeal_id"] == *id).expect("every appeal is shown");
        assert_eq!(shown["filing"], *filing, "{shown}");
        assert_eq!(shown["against_decision"], RCS);
        assert_eq!(shown["status"], "pending");
    }
}

#[tokio::test]
async fn an_appeal_against_a_decision_announced_before_commencement_has_no_term() {
    let app = TestApp::spawn().await;
    let early = "NZa-RCS-2024-11";
    record(&app, DECISIONS, &establishment(early, "2024-11-08", Some("2024-11-14"), &[("friesland", 2025, "3.00")]))
        .await;
    let lodged =
        record(&app, APPEALS, &appeal("CBb 25/0042", ("provider", PROVIDER_A), "friesland", 2025, early, "2025-03-03"))
            .await;
    assert_eq!(lodged["filing"], "no_term", "{lodged}");
    let view = space(&app, "friesland", 2025, "as_of=2025-03-03").await;
    assert_eq!(view["status"], "not_appealable");
    assert_eq!(view["decisions"][0]["status"], "not_appealable");
    assert_eq!(view["terms"], json!([]));
    assert!(!view["decisions"][0]["explanation"].as_array().expect("explanation").is_empty(), "{view}");
}

#[tokio::test]
async fn a_contracting_space_is_not_announced_then_pending_then_open_then_irrevocable() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]))
        .await;
    for (as_of, status, term_status, irrevocable_since) in [
        ("2025-11-13", "not_announced", None, Value::Null),
        ("2026-01-15", "pending", Some("pending"), Value::Null),
        ("2026-03-01", "open", Some("open"), Value::Null),
        ("2026-04-13", "open", Some("open"), Value::Null),
        // R9: a posted appeal may arrive in the week after the last day, and one lodged at the CBb in time may
        // not yet have been notified: finality is declared only after both.
        ("2026-04-14", "post_week", Some("closed"), Value::Null),
        ("2026-04-21", "awaiting_notice", Some("closed"), Value::Null),
        ("2026-06-02", "irrevocable", Some("closed"), json!("2026-04-14")),
        ("2026-12-31", "irrevocable", Some("closed"), json!("2026-04-14")),
    ] {
        let view = space(&app, "groningen", 2027, &format!("as_of={as_of}")).await;
        assert_eq!(view["status"], status, "as of {as_of}: {view}");
        assert_eq!(view["irrevocable_since"], irrevocable_since, "as of {as_of}");
        assert_eq!(view["decisions"][0]["status"], status, "as of {as_of}");
        if let Some(term_status) = term_status {
            assert_eq!(term(terms(&view), "art105_lid3", None)["status"], term_status, "as of {as_of}");
        }
    }
}

#[tokio::test]
async fn a_withdrawn_dismissed_or_inadmissible_appeal_ends_and_the_space_becomes_irrevocable_on_that_day() {
    let app = TestApp::spawn().await;
    let regions = ["zwolle", "twente", "utrecht"];
    let lines: Vec<(&str, i32, &str)> = regions.iter().map(|r| (*r, 2027, "1.00")).collect();
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &lines)).await;
    let ends = [
        ("zwolle", "CBb 26/0123", "withdrawal", json!({"withdrawn_on": "2026-05-04"}), "withdrawn", "2026-05-04"),
        (
            "twente",
            "CBb 26/0124",
            "judgment",
            json!({"judgment_on": "2026-09-01", "outcome": "dismissed"}),
            "dismissed",
            "2026-09-01",
        ),
        (
            "utrecht",
            "CBb 26/0125",
            "judgment",
            json!({"judgment_on": "2026-09-02", "outcome": "inadmissible"}),
            "inadmissible",
            "2026-09-02",
        ),
    ];
    for (region, id, _, _, _, _) in &ends {
        let lodged =
            record(&app, APPEALS, &appeal(id, ("provider", PROVIDER_A), region, 2027, RCS, "2026-03-02")).await;
        assert_eq!(lodged["filing"], "on_time");
        let held = space(&app, region, 2027, "as_of=2026-04-20").await;
        assert_eq!(held["status"], "under_appeal", "{region}: {held}");
        assert_eq!(held["irrevocable_since"], Value::Null);
    }
    for (region, id, step, body, status, on) in &ends {
        let answer = follow_up(&app, &format!("{APPEALS}/{}/{step}", segment(id)), body).await;
        assert_eq!(answer["appeal_id"], *id);
        assert_eq!(answer["status"], *status, "{answer}");
        let shown = read(&app, &format!("{APPEALS}/{}", segment(id))).await;
        assert_eq!(shown["status"], *status, "{shown}");
        // Declared once the post week and the notice margin after the last term (to 1 June 2026) have passed.
        let declared = (*on).max("2026-06-02");
        let view = space(&app, region, 2027, &format!("as_of={declared}")).await;
        assert_eq!(view["status"], "irrevocable", "{region}: {view}");
        assert_eq!(view["irrevocable_since"], *on, "{region}");
        assert_eq!(view["appeals"][0]["status"], *status);
    }
}

#[tokio::test]
async fn an_upheld_appeal_annuls_the_decision_from_the_day_of_judgment() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("arnhem", 2027, "1.00")])).await;
    let id = "CBb 26/0126";
    record(&app, APPEALS, &appeal(id, ("care_office", "Menzis Zorgkantoor"), "arnhem", 2027, RCS, "2026-04-01")).await;
    let judged = follow_up(
        &app,
        &format!("{APPEALS}/{}/judgment", segment(id)),
        &json!({"judgment_on": "2026-09-01", "outcome": "upheld"}),
    )
    .await;
    assert_eq!(judged["status"], "upheld");
    assert_eq!(space(&app, "arnhem", 2027, "as_of=2026-08-31").await["status"], "under_appeal");
    let view = space(&app, "arnhem", 2027, "as_of=2026-09-01").await;
    assert_eq!(view["status"], "annulled", "{view}");
    assert_eq!(view["irrevocable_since"], Value::Null);
    assert_eq!(view["decisions"][0]["annulled_on"], "2026-09-01");
    assert_eq!(view["appeals"][0]["status"], "upheld");
}

#[tokio::test]
async fn a_late_appeal_does_not_hold_back_finality_but_still_annuls_the_decision_when_upheld() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("utrecht", 2027, "1.00")])).await;
    let id = "CBb 26/0777";
    let lodged = record(&app, APPEALS, &appeal(id, ("provider", PROVIDER_B), "utrecht", 2027, RCS, "2026-04-20")).await;
    assert_eq!(lodged["filing"], "late");
    let waiting = space(&app, "utrecht", 2027, "as_of=2026-05-01").await;
    assert_eq!(waiting["status"], "awaiting_notice", "{waiting}");
    let pending = space(&app, "utrecht", 2027, "as_of=2026-06-02").await;
    assert_eq!(pending["status"], "irrevocable", "{pending}");
    assert_eq!(pending["irrevocable_since"], "2026-04-14");
    assert_eq!(pending["appeals"][0]["status"], "pending");
    follow_up(
        &app,
        &format!("{APPEALS}/{}/judgment", segment(id)),
        &json!({"judgment_on": "2026-10-01", "outcome": "upheld"}),
    )
    .await;
    assert_eq!(space(&app, "utrecht", 2027, "as_of=2026-09-30").await["status"], "irrevocable");
    let annulled = space(&app, "utrecht", 2027, "as_of=2026-10-01").await;
    assert_eq!(annulled["status"], "annulled", "{annulled}");
    assert_eq!(annulled["decisions"][0]["annulled_on"], "2026-10-01");
}

#[tokio::test]
async fn an_amendment_supersedes_the_earlier_decision_and_pending_appeals_extend_to_it() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("nijmegen", 2027, "100.00")]))
        .await;
    let before = "CBb 26/0201";
    record(&app, APPEALS, &appeal(before, ("care_office", "CZ Zorgkantoor"), "nijmegen", 2027, RCS, "2026-03-02"))
        .await;
    let amendment_id = "NZa-RCS-2026-03";
    let amendment =
        decision(amendment_id, "amendment", "2026-03-16", Some("2026-03-20"), &[("nijmegen", 2027, "120.00")]);
    assert_eq!(record(&app, DECISIONS, &amendment).await["kind"], "amendment");
    // Lodged after the amendment, still against the first decision: art. 6:19 Awb reaches the amendment too.
    let after = "CBb 26/0202";
    let lodged =
        record(&app, APPEALS, &appeal(after, ("provider", PROVIDER_A), "nijmegen", 2027, RCS, "2026-04-01")).await;
    assert_eq!(lodged["filing"], "on_time");

    let view = space(&app, "nijmegen", 2027, "as_of=2026-04-20").await;
    assert_eq!(view["current_decision"], amendment_id);
    assert_eq!(view["amount"], "120.00");
    assert_eq!(view["status"], "under_appeal", "{view}");
    let decisions = view["decisions"].as_array().expect("decisions");
    let first = decisions.iter().find(|d| d["decision_id"] == RCS).expect("the first decision");
    assert_eq!(first["superseded_by"], amendment_id);
    let second = decisions.iter().find(|d| d["decision_id"] == amendment_id).expect("the amendment");
    assert_eq!(second["superseded_by"], Value::Null);
    assert_eq!(second["status"], "under_appeal");
    for id in [before, after] {
        let shown = view["appeals"].as_array().expect("appeals").iter().find(|a| a["appeal_id"] == id).expect(id);
        assert_eq!(shown["extended_to"], json!([amendment_id]), "{shown}");
        assert!(strings(&shown["explanation"]).iter().any(|s| s.contains("6:19")), "{shown}");
        assert_eq!(read(&app, &format!("{APPEALS}/{}", segment(id))).await["extended_to"], json!([amendment_id]));
    }
    // The amendment, for a future year, has its own first-of-March term: 1 March 2027, Sunday 11 April runs on to
    // Monday 12 April 2027.
    let own = terms(&view).iter().find(|t| t["decision_id"] == amendment_id).expect("the amendment's term");
    assert_eq!(own["basis"], "art105_lid3");
    assert_dates(own, "2027-03-01", "2027-04-11", "2027-04-12");
}

#[tokio::test]
async fn an_amendment_announced_after_a_tariff_decision_for_its_region_year_gets_no_first_of_march_term() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("drenthe", 2027, "1.00")])).await;
    let tariff_2027 = "NZa-TB-12345678-2027-1";
    record(
        &app,
        TARIFFS,
        &tariff(tariff_2027, PROVIDER_A, 2027, &["drenthe"], "tariff", None, "2026-11-16", Some("2026-11-20")),
    )
    .await;
    let amendment_id = "NZa-RCS-2026-12";
    record(
        &app,
        DECISIONS,
        &decision(amendment_id, "amendment", "2026-11-25", Some("2026-12-01"), &[("drenthe", 2027, "2.00")]),
    )
    .await;
    let view = space(&app, "drenthe", 2027, "as_of=2026-12-10").await;
    assert_eq!(view["current_decision"], amendment_id);
    // R4 does not apply; until a tariff decision applies it, the amendment has the residual term (R13).
    let own: Vec<&Value> = terms(&view).iter().filter(|t| t["decision_id"] == amendment_id).collect();
    assert_eq!(own.len(), 1, "{view}");
    assert_eq!(own[0]["basis"], "awb_6_8");
    assert_dates(own[0], "2026-12-02", "2027-01-12", "2027-01-12");
    assert_eq!(view["status"], "open", "{view}");
    // The tariff decision came after the first decision became irrevocable: no term, and it says why.
    let not_opened = term(terms(&view), "art105_lid2", Some(tariff_2027));
    assert_eq!(not_opened["status"], "not_opened");
    assert_eq!(not_opened["reason"], "space_irrevocable");
    let first = &view["decisions"].as_array().expect("decisions")[0];
    assert_eq!(first["status"], "irrevocable");
    assert_eq!(first["irrevocable_since"], "2026-04-14");
    assert_eq!(first["superseded_by"], amendment_id);
}

#[tokio::test]
async fn terms_run_on_past_good_friday_easter_monday_5_may_ascension_day_and_equated_days() {
    let app = TestApp::spawn().await;
    // DOMAIN.md's worked case: a term ending Friday 11 April 2031 (Good Friday) runs on to Tuesday 15 April; no
    // decree of equated days is known for 2031, so the date is provisional.
    record(
        &app,
        DECISIONS,
        &establishment("NZa-RCS-2030-11", "2030-11-11", Some("2030-11-15"), &[("zeeland", 2031, "1.00")]),
    )
    .await;
    let view = space(&app, "zeeland", 2031, "as_of=2031-03-02").await;
    let first_of_march = term(terms(&view), "art105_lid3", None);
    assert_dates(first_of_march, "2031-03-01", "2031-04-11", "2031-04-15");
    assert_eq!(first_of_march["provisional"], true);
    // Announced Wednesday 24 March 2027: day 42 is 5 May 2027, then Ascension Day (6 May), the equated Friday
    // 7 May and the weekend: the last day is Monday 10 May 2027.
    record(
        &app,
        DECISIONS,
        &establishment("NZa-RCS-2026-11", "2026-11-09", Some("2026-11-13"), &[("zeeland", 2027, "1.00")]),
    )
    .await;
    let tariff_id = "NZa-TB-12345678-2027-1";
    record(
        &app,
        TARIFFS,
        &tariff(tariff_id, PROVIDER_A, 2027, &["zeeland"], "tariff", None, "2027-03-20", Some("2027-03-24")),
    )
    .await;
    let view = read(&app, &format!("{TARIFFS}/{tariff_id}?as_of=2027-04-01")).await;
    assert_dates(&view["objection_term"], "2027-03-25", "2027-05-05", "2027-05-10");
    assert_eq!(view["objection_term"]["provisional"], false);
    assert_dates(&view["appeal_terms"][0], "2027-03-25", "2027-05-05", "2027-05-10");
}

#[tokio::test]
async fn a_space_read_as_at_an_instant_between_two_writes_shows_the_earlier_state() {
    let app = TestApp::spawn().await;
    let not_yet = space_answer(&app, "groningen", 2027, "").await;
    assert_eq!(not_yet.status, 404);
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "100.00")]))
        .await;
    let first_write = events(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let amendment_id = "NZa-RCS-2026-01";
    record(
        &app,
        DECISIONS,
        &decision(amendment_id, "amendment", "2026-01-05", Some("2026-01-09"), &[("groningen", 2027, "200.00")]),
    )
    .await;
    let all = events(&app).await;
    assert!(all.len() > first_write.len());
    let instant =
        |e: &Value| e["recorded_at"].as_str().expect("recorded_at").parse::<DateTime<Utc>>().expect("RFC 3339");
    let earlier = instant(first_write.last().expect("events"));
    let later = instant(&all[first_write.len()]);
    assert!(earlier < later, "{earlier} < {later}");
    let between = (earlier + (later - earlier) / 2).to_rfc3339_opts(SecondsFormat::Micros, true);

    let then = space(&app, "groningen", 2027, &format!("as_at={between}")).await;
    assert_eq!(then["amount"], "100.00", "{then}");
    assert_eq!(then["current_decision"], RCS);
    assert_eq!(then["decisions"].as_array().map(Vec::len), Some(1));
    let now = space(&app, "groningen", 2027, "as_of=2026-02-01").await;
    assert_eq!(now["amount"], "200.00");
    assert_eq!(now["current_decision"], amendment_id);

    let history = read(&app, &format!("/api/v1/history?as_at={between}")).await;
    assert_eq!(history["events"], json!(first_write), "the history as at that instant");
    let before_anything = (earlier - chrono::Duration::seconds(60)).to_rfc3339_opts(SecondsFormat::Secs, true);
    assert_eq!(space_answer(&app, "groningen", 2027, &format!("as_at={before_anything}")).await.status, 404);
}

async fn space_answer(app: &TestApp, region: &str, year: i32, query: &str) -> Answer {
    app.get(&format!("/api/v1/contracting-spaces/{region}/{year}?{query}"), Some(&app.legal)).await
}

#[tokio::test]
async fn a_space_read_for_one_provider_lists_every_term_and_another_providers_without_naming_it() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let everyone = space(&app, "groningen", 2026, "as_of=2026-02-20").await;
    assert_eq!(terms(&everyone).len(), 3, "{everyone}");
    // R7: every term counts for every appellant; another provider's is shown as binding it, unnamed.
    let for_a = space(&app, "groningen", 2026, &format!("as_of=2026-02-20&provider={PROVIDER_A}")).await;
    assert_eq!(terms(&for_a).len(), 3, "{for_a}");
    term(terms(&for_a), "art105_lid3", None);
    term(terms(&for_a), "art105_lid2", Some(TARIFF_A));
    let other = terms(&for_a).iter().find(|t| t["other_provider"] == true).expect("B's term, unnamed");
    assert_eq!((other["tariff_decision"].clone(), other["provider"].clone()), (Value::Null, Value::Null));
    assert_dates(other, "2026-02-14", "2026-03-27", "2026-03-27");
    assert!(strings(&other["explanation"]).iter().any(|s| s.contains("andere zorgaanbieder")), "{other}");
    assert!(!for_a.to_string().contains(TARIFF_B) && !for_a.to_string().contains(PROVIDER_B), "{for_a}");
    assert_eq!(for_a["status"], everyone["status"], "its status is the region-year's");
    let for_b = space(&app, "groningen", 2026, &format!("as_of=2026-02-20&provider={PROVIDER_B}")).await;
    assert_eq!(terms(&for_b).len(), 3, "{for_b}");
    assert_dates(term(terms(&for_b), "art105_lid2", Some(TARIFF_B)), "2026-02-14", "2026-03-27", "2026-03-27");
    assert!(!for_b.to_string().contains(TARIFF_A), "{for_b}");
}

#[tokio::test]
async fn deadlines_list_every_term_ending_in_the_range_sorted_by_last_day_and_filtered_by_region_and_provider() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let last_days = |list: &Value| -> Vec<String> {
        terms(list).iter().map(|t| t["last_day"].as_str().expect("last_day").to_owned()).collect()
    };
    let year = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(last_days(&year), ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13", "2026-04-13"], "{year}");
    for t in terms(&year) {
        assert!(t["region"].is_string() && t["year"].is_i64() && t["basis"].is_string(), "{t}");
        assert_eq!(t["decision_id"], RCS);
    }
    let mut region_years: Vec<(String, i64)> = terms(&year)
        .iter()
        .filter(|t| t["basis"] == "art105_lid3")
        .map(|t| (t["region"].as_str().expect("region").to_owned(), t["year"].as_i64().expect("year")))
        .collect();
    region_years.sort();
    assert_eq!(
        region_years,
        [("drenthe".to_owned(), 2027), ("groningen".to_owned(), 2026), ("groningen".to_owned(), 2027)]
    );

    let between = read(&app, "/api/v1/deadlines?from=2026-03-07&to=2026-04-12").await;
    assert_eq!(last_days(&between), ["2026-03-27"]);
    assert_eq!(terms(&between)[0]["tariff_decision"], TARIFF_B);
    let one_day = read(&app, "/api/v1/deadlines?from=2026-04-13&to=2026-04-13").await;
    assert_eq!(last_days(&one_day).len(), 3, "both ends of the range count: {one_day}");
    let none = read(&app, "/api/v1/deadlines?from=2026-06-01&to=2026-12-31").await;
    assert_eq!(none["terms"], json!([]));

    let drenthe = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=drenthe").await;
    assert_eq!(terms(&drenthe).len(), 1, "{drenthe}");
    assert_eq!(terms(&drenthe)[0]["region"], "drenthe");
    assert_eq!(terms(&drenthe)[0]["year"], 2027);

    // R7: every term counts for every provider; another provider's is listed without its name.
    let for_a = read(&app, &format!("/api/v1/deadlines?from=2026-01-01&to=2026-12-31&provider={PROVIDER_A}")).await;
    assert_eq!(last_days(&for_a), ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13", "2026-04-13"], "{for_a}");
    assert!(!for_a.to_string().contains(PROVIDER_B) && !for_a.to_string().contains(TARIFF_B), "{for_a}");
    assert_eq!(terms(&for_a)[1]["other_provider"], true);
    let groningen_b =
        read(&app, &format!("/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=groningen&provider={PROVIDER_B}"))
            .await;
    assert_eq!(last_days(&groningen_b), ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13"], "{groningen_b}");
    assert!(!groningen_b.to_string().contains(TARIFF_A), "{groningen_b}");

    let reversed = app.get("/api/v1/deadlines?from=2026-05-01&to=2026-04-01", Some(&app.legal)).await;
    assert!(reversed.bad_fields().contains(&"to".to_owned()), "{}", reversed.text);
    let unknown = app.get("/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=atlantis", Some(&app.legal)).await;
    assert_eq!(unknown.bad_fields(), ["region"]);
}

#[tokio::test]
async fn deadlines_follow_every_later_write_including_an_appeal_that_holds_back_finality() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("friesland", 2026, "1.00")]))
        .await;
    let query = "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=friesland";
    let last_days = |list: &Value| -> Vec<String> {
        terms(list).iter().map(|t| t["last_day"].as_str().expect("last_day").to_owned()).collect()
    };
    assert_eq!(last_days(&read(&app, query).await), ["2026-04-13"]);
    // Announced after the space became irrevocable (14 April 2026): no term.
    let late_tariff = "NZa-TB-87654321-2026-6";
    record(
        &app,
        TARIFFS,
        &tariff(late_tariff, PROVIDER_B, 2026, &["friesland"], "tariff", None, "2026-05-28", Some("2026-06-01")),
    )
    .await;
    assert_eq!(last_days(&read(&app, query).await), ["2026-04-13"]);
    // An on-time appeal pending on 1 June kept the space from becoming irrevocable: the tariff decision opened a
    // term after all, from 2 June to Monday 13 July 2026.
    let id = "CBb 26/0300";
    record(&app, APPEALS, &appeal(id, ("care_office", "Zorgkantoor Friesland"), "friesland", 2026, RCS, "2026-03-02"))
        .await;
    let held = read(&app, query).await;
    assert_eq!(last_days(&held), ["2026-04-13", "2026-07-13"], "{held}");
    assert_eq!(terms(&held)[1]["tariff_decision"], late_tariff);
    // Withdrawn on 1 May: irrevocable from that day, so the tariff decision of 1 June opens no term again.
    follow_up(&app, &format!("{APPEALS}/{}/withdrawal", segment(id)), &json!({"withdrawn_on": "2026-05-01"})).await;
    assert_eq!(last_days(&read(&app, query).await), ["2026-04-13"]);
    let view = read(&app, &format!("{TARIFFS}/{late_tariff}?as_of=2026-06-10")).await;
    assert_eq!(view["appeal_terms"][0]["reason"], "space_irrevocable", "{view}");
}

#[tokio::test]
async fn history_shows_legal_staff_and_auditors_every_event_in_recorded_order_with_who_recorded_it() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    record(&app, APPEALS, &appeal("CBb 26/0123", ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02")).await;
    let for_legal = read(&app, "/api/v1/history").await;
    let answer = app.get("/api/v1/history", Some(&app.auditor)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let for_auditor = answer.json();
    assert_eq!(for_legal, for_auditor);
    assert_eq!(for_legal["next_after"], Value::Null);
    let list = for_legal["events"].as_array().expect("events");
    // At least one event per write: the decision, two tariff decisions, the appeal.
    assert!(list.len() >= 4, "{for_legal}");
    let positions: Vec<i64> = list.iter().map(|e| e["position"].as_i64().expect("position")).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "positions increase: {positions:?}");
    for event in list {
        for field in ["stream", "type", "recorded_at", "hash"] {
            assert!(event[field].as_str().is_some_and(|s| !s.is_empty()), "{field} of {event}");
        }
        assert!(event["sequence"].is_i64(), "{event}");
        assert!(event["payload"].is_object(), "{event}");
        assert_eq!(event["recorded_by"], "mr. A. Jurist");
        event["recorded_at"].as_str().expect("recorded_at").parse::<DateTime<Utc>>().expect("an RFC 3339 instant");
    }
    let text = for_legal.to_string();
    for id in [RCS, TARIFF_A, TARIFF_B, "CBb 26/0123"] {
        assert!(text.contains(id), "the history holds {id}");
    }
}

#[tokio::test]
async fn history_pages_by_next_after_and_filters_one_stream() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let id = "CBb 26/0123";
    record(&app, APPEALS, &appeal(id, ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02")).await;
    follow_up(&app, &format!("{APPEALS}/{}/withdrawal", segment(id)), &json!({"withdrawn_on": "2026-05-04"})).await;
    let all = events(&app).await;
    assert!(all.len() >= 5);

    let mut paged = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = read(&app, &format!("/api/v1/history?{query}")).await;
        let list = page["events"].as_array().expect("events").clone();
        assert!(list.len() <= 2, "{page}");
        paged.extend(list.iter().cloned());
        match page["next_after"].as_i64() {
            Some(next) => {
                assert_eq!(Some(next), list.last().and_then(|e| e["position"].as_i64()), "{page}");
                query = format!("limit=2&after={next}");
            }
            None => break,
        }
        assert!(paged.len() <= all.len(), "paging ends");
    }
    assert_eq!(paged, all, "the pages together are the whole history, in order");
    let after = all[1]["position"].as_i64().expect("position");
    assert_eq!(read(&app, &format!("/api/v1/history?after={after}")).await["events"], json!(all[2..]));

    let appeal_events: Vec<&Value> = all.iter().filter(|e| e.to_string().contains(id)).collect();
    assert!(appeal_events.len() >= 2, "lodged and withdrawn");
    let stream = appeal_events[0]["stream"].as_str().expect("stream").to_owned();
    assert!(stream.ends_with(&format!("/{id}")), "stream is TYPE/ID: {stream}");
    let filtered = read(&app, &format!("/api/v1/history?stream={}", segment(&stream))).await;
    let filtered = filtered["events"].as_array().expect("events");
    assert_eq!(filtered.len(), all.iter().filter(|e| e["stream"] == stream.as_str()).count());
    assert!(filtered.len() >= 2);
    assert!(filtered.iter().all(|e| e["stream"] == stream.as_str()), "{filtered:?}");
    let sequences: Vec<i64> = filtered.iter().map(|e| e["sequence"].as_i64().expect("sequence")).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    assert_eq!(read(&app, "/api/v1/history?stream=appeal%2FCBb%2099%2F9999").await["events"], json!([]));
}

#[tokio::test]
async fn regions_are_listed_with_slug_name_validity_and_source() {
    let app = TestApp::spawn().await;
    let regions = read(&app, "/api/v1/regions").await;
    let list = regions["regions"].as_array().expect("regions");
    assert!(list.len() >= 31, "{regions}");
    for slug in ["groningen", "noord-holland-noord", "zuid-limburg"] {
        let region = list.iter().find(|r| r["slug"] == slug).unwrap_or_else(|| panic!("{slug} is listed"));
        assert!(region["name"].as_str().is_some_and(|n| !n.is_empty()), "{region}");
        assert!(region["valid_from"].is_string(), "{region}");
        assert!(region["source"].as_str().is_some_and(|s| !s.is_empty()), "{region}");
    }
    let groningen = list.iter().find(|r| r["slug"] == "groningen").expect("groningen");
    assert_eq!(groningen["name"], "Groningen");
}

#[tokio::test]
async fn the_calendar_names_good_friday_and_the_equated_days_with_their_basis_and_marks_unknown_years_provisional() {
    let app = TestApp::spawn().await;
    let year = read(&app, "/api/v1/calendar/2026").await;
    assert_eq!(year["year"], 2026);
    assert_eq!(year["provisional"], false);
    let days = year["days"].as_array().expect("days");
    let day = |date: &str| days.iter().find(|d| d["date"] == date).unwrap_or_else(|| panic!("{date} is listed"));
    let bases = |date: &str| -> Vec<String> {
        day(date)["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| r["basis"].as_str().expect("basis").to_owned())
            .collect()
    };
    assert_eq!(bases("2026-04-03"), ["art. 3 lid 2 Atw"], "Good Friday");
    assert!(bases("2026-01-02").iter().any(|b| b.contains("art. 3 lid 3 Atw")), "{:?}", day("2026-01-02"));
    assert!(bases("2026-05-15").iter().any(|b| b.contains("art. 3 lid 3 Atw")), "{:?}", day("2026-05-15"));
    for holiday in ["2026-01-01", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14", "2026-05-25", "2026-12-25"] {
        assert!(bases(holiday).iter().any(|b| b.contains("art. 3 lid 1 Atw")), "{holiday}: {:?}", day(holiday));
    }
    assert!(days.iter().all(|d| d["date"].as_str().is_some_and(|s| s.starts_with("2026-"))));
    assert!(days.iter().all(|d| d["date"] != "2026-03-06"), "an ordinary Friday is a working day");

    let unknown = read(&app, "/api/v1/calendar/2029").await;
    assert_eq!(unknown["provisional"], true);
    assert!(unknown["days"].as_array().expect("days").iter().any(|d| d["date"] == "2029-03-30"), "Good Friday 2029");
}

// ---- Errors: each is problem+json and records nothing ----

#[tokio::test]
async fn a_malformed_truncated_or_non_utf8_body_is_400_and_records_nothing() {
    let app = TestApp::spawn().await;
    let before = events(&app).await.len();
    let writes = [
        (DECISIONS, establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")])),
        (TARIFFS, tariff(TARIFF_A, PROVIDER_A, 2027, &["groningen"], "tariff", None, "2026-01-20", None)),
        (APPEALS, appeal("CBb 26/0123", ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02")),
    ];
    for (path, valid) in writes {
        let valid = valid.to_string().into_bytes();
        let truncated = valid[..valid.len() - 20].to_vec();
        // The first key holds bytes that are not UTF-8.
        let mut non_utf8 = b"{\"\xFF\xFE\": 1, ".to_vec();
        non_utf8.extend_from_slice(&valid[1..]);
        for (what, body) in [
            ("malformed JSON", b"{\"decision_id\": NZa}".to_vec()),
            ("a truncated body", truncated),
            ("invalid UTF-8", non_utf8),
            ("an empty body", Vec::new()),
            ("two JSON values", [valid.clone(), valid.clone()].concat()),
        ] {
            let answer = app.post_raw(path, Some(&app.legal), "application/json", body).await;
            answer.problem(400);
            nothing_recorded(&app, before, &format!("{what} to {path}")).await;
        }
    }
}

#[tokio::test]
async fn a_body_sent_as_another_content_type_is_415_and_records_nothing() {
    let app = TestApp::spawn().await;
    let before = events(&app).await.len();
    let valid = establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]).to_string();
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
        let answer = app.post_raw(DECISIONS, Some(&app.legal), content_type, valid.clone().into_bytes()).await;
        answer.problem(415);
    }
    nothing_recorded(&app, before, "a body of another type").await;
    assert_eq!(app.get(&format!("{DECISIONS}/{RCS}"), Some(&app.legal)).await.status, 404);
}

#[tokio::test]
async fn each_invalid_field_is_422_naming_that_field_and_records_nothing() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]))
        .await;
    let appeal_id = "CBb 26/0123";
    record(&app, APPEALS, &appeal(appeal_id, ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02")).await;
    let before = events(&app).await.len();
    let line = |region: &str, year: i32, amount: Value| json!({"region": region, "year": year, "amount": amount});
    let with = |mut body: Value, key: &str, value: Value| {
        body[key] = value;
        body
    };
    let new_decision = establishment("NZa-RCS-X", "2025-11-10", Some("2025-11-14"), &[("groningen", 2026, "1.00")]);
    let new_tariff =
        tariff("NZa-TB-X", PROVIDER_A, 2027, &["groningen"], "tariff", None, "2026-01-20", Some("2026-01-23"));
    let new_appeal = appeal("CBb 26/0999", ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02");
    let cases: Vec<(&str, String, Value, &str)> = vec![
        ("an unknown field", DECISIONS.into(), with(new_decision.clone(), "colour", json!("red")), "colour"),
        (
            "an unknown field in a line",
            DECISIONS.into(),
            with(
                new_decision.clone(),
                "spaces",
                json!([{"region": "groningen", "year": 2026, "amount": "1.00", "x": 1}]),
            ),
            "spaces[0].x",
        ),
        (
            "an impossible date",
            DECISIONS.into(),
            with(new_decision.clone(), "decided_on", json!("2026-02-30")),
            "decided_on",
        ),
        (
            "an amount that is a JSON number",
            DECISIONS.into(),
            with(new_decision.clone(), "spaces", json!([line("groningen", 2026, json!(812345000.5))])),
            "spaces[0].amount",
        ),
        (
            "an amount with three decimals",
            DECISIONS.into(),
            with(new_decision.clone(), "spaces", json!([line("groningen", 2026, json!("1.001"))])),
            "spaces[0].amount",
        ),
        (
            "an unknown region",
            DECISIONS.into(),
            with(new_decision.clone(), "spaces", json!([line("atlantis", 2026, json!("1.00"))])),
            "spaces[0].region",
        ),
        (
            "a year more than five years after the decision year (R11)",
            DECISIONS.into(),
            with(
                new_decision.clone(),
                "spaces",
                json!([line("groningen", 2026, json!("1.00")), line("groningen", 2031, json!("1.00"))]),
            ),
            "spaces[1].year",
        ),
        (
            "a year before the register's range (R11 bounds only the future)",
            DECISIONS.into(),
            with(new_decision.clone(), "spaces", json!([line("groningen", 1989, json!("1.00"))])),
            "spaces[0].year",
        ),
        (
            "an announcement before the decision",
            DECISIONS.into(),
            with(new_decision.clone(), "announced_on", json!("2025-11-09")),
            "announced_on",
        ),
        ("a kind that does not exist", DECISIONS.into(), with(new_decision.clone(), "kind", json!("repeal")), "kind"),
        (
            "a tariff decision for an unknown region",
            TARIFFS.into(),
            with(new_tariff.clone(), "regions", json!(["atlantis"])),
            "regions[0]",
        ),
        (
            "a provider that is no AGB code",
            TARIFFS.into(),
            with(new_tariff.clone(), "provider", json!("1234")),
            "provider",
        ),
        (
            "an amended tariff without the decision it amends",
            TARIFFS.into(),
            with(new_tariff.clone(), "kind", json!("amended_tariff")),
            "amends",
        ),
        (
            "a tariff announced before it was decided",
            TARIFFS.into(),
            with(new_tariff.clone(), "announced_on", json!("2026-01-19")),
            "announced_on",
        ),
        ("posted after it was received", APPEALS.into(), by_post(new_appeal.clone(), "2026-03-03"), "posted_on"),
        (
            "an appeal against an unknown decision",
            APPEALS.into(),
            with(new_appeal.clone(), "against_decision", json!("NZa-RCS-9999")),
            "against_decision",
        ),
        (
            "an appellant kind that does not exist",
            APPEALS.into(),
            with(new_appeal.clone(), "appellant", json!({"kind": "court", "id": "x"})),
            "appellant.kind",
        ),
        (
            "a withdrawal before the appeal was received",
            format!("{APPEALS}/{}/withdrawal", segment(appeal_id)),
            json!({"withdrawn_on": "2026-03-01"}),
            "withdrawn_on",
        ),
        (
            "a judgment with an unknown outcome",
            format!("{APPEALS}/{}/judgment", segment(appeal_id)),
            json!({"judgment_on": "2026-09-01", "outcome": "quashed"}),
            "outcome",
        ),
        (
            "an impossible announcement date",
            format!("{DECISIONS}/{RCS}/announcement"),
            json!({"announced_on": "2025-13-01"}),
            "announced_on",
        ),
    ];
    for (what, path, body, field) in cases {
        let answer = app.post(&path, Some(&app.legal), &body).await;
        assert_eq!(answer.status, 422, "{what}: {}", answer.text);
        let fields = answer.bad_fields();
        assert!(fields.contains(&field.to_owned()), "{what}: {field} not in {fields:?}");
        nothing_recorded(&app, before, what).await;
    }
    // The edge of R11: five years after the decision year is still allowed.
    record(
        &app,
        DECISIONS,
        &establishment("NZa-RCS-2025-12", "2025-12-01", Some("2025-12-05"), &[("groningen", 2030, "1.00")]),
    )
    .await;
}

#[tokio::test]
async fn a_request_with_a_misspelt_region_in_one_line_and_a_bad_amount_in_another_names_both_fields() {
    let app = TestApp::spawn().await;
    let before = events(&app).await.len();
    let body = json!({"decision_id": RCS, "kind": "establishment", "decided_on": "2025-11-10",
        "spaces": [{"region": "Groningen!", "year": 2026, "amount": "1.00"},
                   {"region": "drenthe", "year": 2026, "amount": "12,50"}]});
    let answer = app.post(DECISIONS, Some(&app.legal), &body).await;
    let mut fields = answer.bad_fields();
    fields.sort();
    assert_eq!(fields, ["spaces[0].region", "spaces[1].amount"], "{}", answer.text);
    nothing_recorded(&app, before, "a decision with two bad lines").await;
}

#[tokio::test]
async fn a_request_with_an_unknown_region_in_one_line_and_a_bad_amount_in_another_names_both_fields() {
    let app = TestApp::spawn().await;
    let before = events(&app).await.len();
    let body = json!({"decision_id": RCS, "kind": "establishment", "decided_on": "2025-11-10",
        "spaces": [{"region": "atlantis", "year": 2026, "amount": "1.00"},
                   {"region": "drenthe", "year": 2026, "amount": "1.001"}]});
    let answer = app.post(DECISIONS, Some(&app.legal), &body).await;
    let mut fields = answer.bad_fields();
    fields.sort();
    assert_eq!(fields, ["spaces[0].region", "spaces[1].amount"], "{}", answer.text);
    nothing_recorded(&app, before, "a decision with two bad lines").await;
}

#[tokio::test]
async fn missing_resources_and_unknown_routes_are_404_and_record_nothing() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", None, &[("groningen", 2027, "1.00")])).await;
    let before = events(&app).await.len();
    let unknown_appeal = segment("CBb 99/9999");
    for path in [
        format!("{DECISIONS}/NZa-RCS-1999-01"),
        format!("{TARIFFS}/NZa-TB-00000000-2026-1"),
        format!("{APPEALS}/{unknown_appeal}"),
        "/api/v1/contracting-spaces/atlantis/2026".to_owned(),
        "/api/v1/contracting-spaces/groningen/2026".to_owned(),
        "/api/v1/contracting-spaces/groningen/twenty".to_owned(),
        "/api/v1/no-such-thing".to_owned(),
        "/api/v2/regions".to_owned(),
    ] {
        app.get(&path, Some(&app.legal)).await.problem(404);
    }
    for (path, body) in [
        (format!("{DECISIONS}/NZa-RCS-1999-01/announcement"), json!({"announced_on": "2025-11-14"})),
        (format!("{TARIFFS}/NZa-TB-00000000-2026-1/announcement"), json!({"announced_on": "2026-01-23"})),
        (format!("{APPEALS}/{unknown_appeal}/withdrawal"), json!({"withdrawn_on": "2026-05-04"})),
        (format!("{APPEALS}/{unknown_appeal}/judgment"), json!({"judgment_on": "2026-09-01", "outcome": "dismissed"})),
        ("/api/v1/no-such-thing".to_owned(), json!({})),
    ] {
        app.post(&path, Some(&app.legal), &body).await.problem(404);
    }
    nothing_recorded(&app, before, "a request for a missing resource").await;
}

#[tokio::test]
async fn conflicting_writes_are_409_and_record_nothing() {
    let app = TestApp::spawn().await;
    let first = establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "1.00")]);
    record(&app, DECISIONS, &first).await;
    let tariff_body =
        tariff(TARIFF_A, PROVIDER_A, 2027, &["groningen"], "tariff", None, "2026-01-20", Some("2026-01-23"));
    record(&app, TARIFFS, &tariff_body).await;
    let id = "CBb 26/0123";
    let appeal_body = appeal(id, ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02");
    record(&app, APPEALS, &appeal_body).await;
    let withdrawal = format!("{APPEALS}/{}/withdrawal", segment(id));
    follow_up(&app, &withdrawal, &json!({"withdrawn_on": "2026-05-04"})).await;
    let keyed = establishment("NZa-RCS-2025-12", "2025-12-01", Some("2025-12-05"), &[("drenthe", 2027, "2.00")]);
    let key = [("Idempotency-Key", "conflict-key-1")];
    assert_eq!(app.post_with(DECISIONS, Some(&app.legal), &keyed, &key).await.status, 201);
    let before = events(&app).await.len();

    for (what, path, body) in [
        (
            "a decision_id used before",
            DECISIONS.to_owned(),
            establishment(RCS, "2025-11-20", Some("2025-11-21"), &[("drenthe", 2026, "9.00")]),
        ),
        ("a tariff decision_id used before", TARIFFS.to_owned(), tariff_body.clone()),
        ("an appeal_id used before", APPEALS.to_owned(), appeal_body.clone()),
        ("a second withdrawal", withdrawal.clone(), json!({"withdrawn_on": "2026-05-05"})),
        (
            "a judgment after the withdrawal",
            format!("{APPEALS}/{}/judgment", segment(id)),
            json!({"judgment_on": "2026-09-01", "outcome": "dismissed"}),
        ),
        ("a second announcement", format!("{DECISIONS}/{RCS}/announcement"), json!({"announced_on": "2025-11-15"})),
    ] {
        app.post(&path, Some(&app.legal), &body).await.problem(409);
        nothing_recorded(&app, before, what).await;
    }
    let other = establishment("NZa-RCS-2025-13", "2025-12-01", Some("2025-12-05"), &[("drenthe", 2028, "3.00")]);
    app.post_with(DECISIONS, Some(&app.legal), &other, &key).await.problem(409);
    nothing_recorded(&app, before, "an Idempotency-Key reused with another body").await;
    assert_eq!(app.get(&format!("{DECISIONS}/NZa-RCS-2025-13"), Some(&app.legal)).await.status, 404);
    let kept = read(&app, &format!("{DECISIONS}/{RCS}")).await;
    assert_eq!(kept["spaces"], first["spaces"], "the first decision stands");
    assert_eq!(read(&app, &format!("{APPEALS}/{}", segment(id))).await["status"], "withdrawn");
}

async fn replays(app: &TestApp, path: &str, body: &Value, key: &str) -> Answer {
    app.post_with(path, Some(&app.legal), body, &[("Idempotency-Key", key)]).await
}

fn assert_replay(first: &Answer, again: &Answer) {
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
