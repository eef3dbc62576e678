//! Every endpoint of `shared/API.md` as a client uses it with a legal token: the writes, the reads, the terms
//! and statuses they show, and every error a client can provoke, which must record nothing. One module per
//! part; this file holds the bodies and requests they share.

mod errors;
mod idempotency;
mod postgres;
mod reads;
mod terms;
mod what_if;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use termijn_tests::{Answer, PROVIDER_A, PROVIDER_B, Server, TestApp, segment};

pub(crate) const DECISIONS: &str = "/api/v1/contracting-space-decisions";
pub(crate) const TARIFFS: &str = "/api/v1/tariff-decisions";
pub(crate) const APPEALS: &str = "/api/v1/appeals";

/// The worked example of DOMAIN.md: announced Friday 14 November 2025.
pub(crate) const RCS: &str = "NZa-RCS-2025-11";
pub(crate) const TARIFF_A: &str = "NZa-TB-12345678-2026-1";
pub(crate) const TARIFF_B: &str = "NZa-TB-87654321-2026-1";

pub(crate) fn decision(
    id: &str,
    kind: &str,
    decided_on: &str,
    announced_on: Option<&str>,
    lines: &[(&str, i32, &str)],
) -> Value {
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

pub(crate) fn establishment(
    id: &str,
    decided_on: &str,
    announced_on: Option<&str>,
    lines: &[(&str, i32, &str)],
) -> Value {
    decision(id, "establishment", decided_on, announced_on, lines)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn tariff(
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

pub(crate) fn appeal(
    id: &str,
    appellant: (&str, &str),
    region: &str,
    year: i32,
    against: &str,
    received_on: &str,
) -> Value {
    json!({"appeal_id": id, "appellant": {"kind": appellant.0, "id": appellant.1}, "region": region, "year": year,
           "against_decision": against, "received_on": received_on, "posted_on": null})
}

pub(crate) fn by_post(mut body: Value, posted_on: &str) -> Value {
    body["posted_on"] = json!(posted_on);
    body
}

/// Posts with the legal token and expects `201 Created`.
pub(crate) async fn record(app: &TestApp, path: &str, body: &Value) -> Value {
    let answer = app.post(path, Some(&app.legal), body).await;
    assert_eq!(answer.status, 201, "POST {path} {body}: {}", answer.text);
    assert_eq!(answer.content_type, "application/json", "{}", answer.text);
    answer.json()
}

/// Posts a follow-up (announcement, withdrawal, judgment) with the legal token and expects success.
pub(crate) async fn follow_up(app: &TestApp, path: &str, body: &Value) -> Value {
    let answer = app.post(path, Some(&app.legal), body).await;
    assert!((200..300).contains(&answer.status), "POST {path} {body}: {} {}", answer.status, answer.text);
    answer.json()
}

/// Reads with the legal token and expects `200 OK`.
pub(crate) async fn read(app: &TestApp, path: &str) -> Value {
    let answer = app.get(path, Some(&app.legal)).await;
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.text);
    answer.json()
}

pub(crate) async fn space(app: &TestApp, region: &str, year: i32, query: &str) -> Value {
    read(app, &format!("/api/v1/contracting-spaces/{region}/{year}?{query}")).await
}

/// The whole history, page by page.
pub(crate) async fn events(app: &TestApp) -> Vec<Value> {
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
pub(crate) async fn nothing_recorded(app: &TestApp, before: usize, what: &str) {
    assert_eq!(events(app).await.len(), before, "{what} recorded an event");
}

pub(crate) fn terms(view: &Value) -> &Vec<Value> {
    view["terms"].as_array().expect("a terms list")
}

/// The one term of a list with this basis and tariff decision.
pub(crate) fn term<'a>(list: &'a [Value], basis: &str, tariff_decision: Option<&str>) -> &'a Value {
    let found: Vec<&Value> =
        list.iter().filter(|t| t["basis"] == basis && t["tariff_decision"].as_str() == tariff_decision).collect();
    assert_eq!(found.len(), 1, "one {basis} term of {tariff_decision:?} in {list:?}");
    found[0]
}

pub(crate) fn strings(value: &Value) -> Vec<String> {
    value.as_array().expect("a list").iter().map(|v| v.as_str().expect("a string").to_owned()).collect()
}

pub(crate) fn assert_dates(term: &Value, opens_on: &str, nominal_last_day: &str, last_day: &str) {
    assert_eq!(term["opens_on"], opens_on, "{term}");
    assert_eq!(term["nominal_last_day"], nominal_last_day, "{term}");
    assert_eq!(term["last_day"], last_day, "{term}");
}

/// Records the worked example for groningen: the RCS of 2026 and 2027 announced 14 November 2025, a tariff
/// decision of provider A announced Friday 23 January 2026 and one of provider B announced Friday 13 February.
pub(crate) async fn seed_groningen(app: &TestApp) {
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
