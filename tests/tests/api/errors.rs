//! Every error a client can provoke, each of which records nothing.

use crate::*;

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
