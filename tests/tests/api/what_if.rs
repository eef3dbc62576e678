//! `POST /api/v1/what-if`: hypothetical entries judged on top of the register, with what they would change, and
//! nothing recorded.

use serde_json::{Value, json};
use termijn_tests::{PROVIDER_A, TestApp};

use super::{APPEALS, DECISIONS, RCS, appeal, decision, establishment, events, record, space, strings};

const WHAT_IF: &str = "/api/v1/what-if";

async fn what_if(app: &TestApp, body: &Value) -> Value {
    let answer = app.post(WHAT_IF, Some(&app.legal), body).await;
    assert_eq!(answer.status, 200, "POST {WHAT_IF} {body}: {}", answer.text);
    answer.json()
}

fn changes<'a>(answer: &'a Value, kind: &str) -> Vec<&'a Value> {
    answer["changes"].as_array().expect("changes").iter().filter(|c| c["change"] == kind).collect()
}

/// One test file server: the region-years of each case are their own.
#[tokio::test]
async fn a_what_if_shows_appeals_extended_new_terms_and_finality_lost_and_records_nothing() {
    let app = TestApp::spawn().await;
    record(
        &app,
        DECISIONS,
        &establishment(
            RCS,
            "2025-11-10",
            Some("2025-11-14"),
            &[("nijmegen", 2027, "100.00"), ("friesland", 2026, "7.00")],
        ),
    )
    .await;
    record(&app, APPEALS, &appeal("CBb 26/0301", ("provider", PROVIDER_A), "nijmegen", 2027, RCS, "2026-03-02")).await;
    let history = events(&app).await.len();
    let nijmegen = space(&app, "nijmegen", 2027, "as_of=2026-12-01").await;
    let friesland = space(&app, "friesland", 2026, "as_of=2026-12-01").await;
    assert_eq!(nijmegen["status"], "under_appeal");
    assert_eq!(friesland["status"], "irrevocable", "{friesland}");

    // Amending a region-year under appeal: the pending appeal reaches the amendment (art. 6:19 Awb), and the
    // amendment, for a future year, opens its own first-of-March term.
    let amendment = decision(
        "NZa-RCS-2026-12",
        "amendment",
        "2026-12-01",
        Some("2026-12-02"),
        &[("nijmegen", 2027, "120.00"), ("friesland", 2026, "8.00")],
    );
    let answer =
        what_if(&app, &json!({"as_of": "2026-12-03", "entries": [{"contracting_space_decision": amendment}]})).await;
    assert_eq!(answer["as_of"], "2026-12-03");
    let spaces = answer["spaces"].as_array().expect("spaces");
    let would_be = spaces.iter().find(|s| s["region"] == "nijmegen").expect("nijmegen 2027 as it would be");
    assert_eq!(would_be["amount"], "120.00");
    assert_eq!(would_be["current_decision"], "NZa-RCS-2026-12");
    let extended = changes(&answer, "appeal_extended");
    assert_eq!(extended.len(), 1, "{answer}");
    assert_eq!(extended[0]["appeal_id"], "CBb 26/0301");
    assert_eq!(extended[0]["decision_id"], "NZa-RCS-2026-12");
    assert!(strings(&extended[0]["explanation"]).iter().any(|s| s.contains("6:19")), "{}", extended[0]);
    let opened: Vec<&Value> =
        changes(&answer, "term_opens").into_iter().filter(|c| c["region"] == "nijmegen").collect();
    assert!(
        opened.iter().any(|c| c["decision_id"] == "NZa-RCS-2026-12" && c["basis"] == "art105_lid3"),
        "the amendment's own term: {answer}"
    );
    assert!(
        changes(&answer, "deadline_added")
            .iter()
            .any(|c| c["region"] == "nijmegen" && c["decision_id"] == "NZa-RCS-2026-12"),
        "{answer}"
    );
    let amount = changes(&answer, "amount_changes");
    assert!(amount.iter().any(|c| c["region"] == "nijmegen" && c["before"] == "100.00" && c["after"] == "120.00"));

    // Amending an irrevocable one: its finality is lost, and a new term opens.
    let lost = changes(&answer, "finality_lost");
    assert!(lost.iter().any(|c| c["region"] == "friesland" && c["decision_id"] == RCS), "{answer}");
    let friesland_after = spaces.iter().find(|s| s["region"] == "friesland").expect("friesland 2026");
    assert_eq!(friesland_after["irrevocable_since"], Value::Null);
    assert_ne!(friesland_after["status"], "irrevocable", "{friesland_after}");
    assert!(
        changes(&answer, "term_opens")
            .iter()
            .any(|c| c["region"] == "friesland" && c["decision_id"] == "NZa-RCS-2026-12"),
        "{answer}"
    );

    // The register is as it was: the same history, the same views.
    assert_eq!(events(&app).await.len(), history, "a what-if records nothing");
    assert_eq!(space(&app, "nijmegen", 2027, "as_of=2026-12-01").await, nijmegen);
    assert_eq!(space(&app, "friesland", 2026, "as_of=2026-12-01").await, friesland);

    // Entries build on each other: an appeal against the hypothetical amendment, then its withdrawal.
    let against =
        appeal("CBb 26/0302", ("care_office", "CZ Zorgkantoor"), "nijmegen", 2027, "NZa-RCS-2026-12", "2026-12-03");
    let answer = what_if(
        &app,
        &json!({"as_of": "2026-12-03", "entries": [
            {"contracting_space_decision": amendment},
            {"appeal": against},
            {"withdrawal": {"appeal_id": "CBb 26/0301", "withdrawn_on": "2026-12-03"}},
        ]}),
    )
    .await;
    let lodged = changes(&answer, "appeal_lodged");
    assert_eq!(lodged.len(), 1, "{answer}");
    assert_eq!((&lodged[0]["appeal_id"], &lodged[0]["after"]), (&json!("CBb 26/0302"), &json!("premature")));
    let ended = changes(&answer, "appeal_status_changes");
    assert_eq!((&ended[0]["before"], &ended[0]["after"]), (&json!("pending"), &json!("withdrawn")), "{answer}");
    assert_eq!(events(&app).await.len(), history, "a what-if records nothing");

    // Checked like the commands, each error naming its entry and field; nothing recorded.
    let bad_line = decision("NZa-RCS-2026-13", "amendment", "2026-12-01", None, &[("nijmegen", 3000, "1.00")]);
    for (body, field) in [
        (
            json!({"entries": [{"contracting_space_decision": bad_line}]}),
            "entries[0].contracting_space_decision.spaces[0].year",
        ),
        (
            json!({"entries": [{"contracting_space_decision": amendment}, {"judgment": {"appeal_id": "CBb 99/9999",
            "judgment_on": "2026-12-03", "outcome": "dismissed"}}]}),
            "entries[1].judgment.appeal_id",
        ),
        (
            json!({"entries": [{"appeal": appeal("CBb 26/0303", ("other", "x"), "nijmegen", 2027, "NZa-RCS-0000", "2026-12-03")}]}),
            "entries[0].appeal.against_decision",
        ),
        (
            json!({"entries": [{"contracting_space_decision": {"decision_id": "X", "surplus": 1}}]}),
            "entries[0].contracting_space_decision",
        ),
        (json!({"entries": [{"verdict": {}}]}), "entries[0]"),
        (json!({"entries": []}), "entries"),
        (json!({"as_of": "morgen", "entries": [{"contracting_space_decision": amendment}]}), "as_of"),
        (
            json!({"entries": [{"contracting_space_decision": establishment(RCS, "2025-11-10", None, &[("nijmegen", 2027, "1.00")])}]}),
            "entries[0].contracting_space_decision",
        ),
    ] {
        let answer = app.post(WHAT_IF, Some(&app.legal), &body).await;
        let fields = answer.bad_fields();
        assert!(
            fields.iter().any(|f| f == field || f.starts_with(&format!("{field}."))),
            "{field} in {fields:?} for {body}"
        );
    }
    for token in [&app.auditor, &app.provider_a] {
        app.post(WHAT_IF, Some(token), &json!({"entries": [{"contracting_space_decision": amendment}]}))
            .await
            .problem(403);
    }
    assert_eq!(events(&app).await.len(), history, "a refused what-if records nothing");
}
