//! Terms, statuses and classifications as each write shows them: decisions, announcements, tariff decisions, appeals and how they end.

use crate::*;

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
