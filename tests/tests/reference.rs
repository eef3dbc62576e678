//! The law's data changes without a code change: a server started with other reference data records the new
//! version in the history, `termijn reference diff` says beforehand what it moves, `GET /api/v1/reference/changes`
//! says it afterwards, and `as_at` judges the register as it stood with the data then in force.
//!
//! The decree of equated days for 2029-2031 below is test data: no such decree is published yet.

use std::path::Path;

use serde_json::{Value, json};
use termijn_tests::{Db, PROVIDER_A, TestApp};

/// A copy of the shipped reference data in a folder of its own, each file passed through `edit` (which returns
/// the files it is not about as they are).
fn reference_dir(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a folder");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    for name in ["atw-equated-days.toml", "regions.toml", "law.toml"] {
        let text = std::fs::read_to_string(shipped.join(name)).expect("the shipped file");
        std::fs::write(dir.path().join(name), edit(name, text)).expect("written");
    }
    dir
}

/// Test data: a decree for 2029-2031 equating Friday 11 May 2029, the day after Ascension Day.
fn with_2029_decree(name: &str, text: String) -> String {
    if name != "atw-equated-days.toml" {
        return text;
    }
    text + r#"
[[decree]]
first_year = 2029
last_year = 2031
citation = "Testbesluit gelijkstelling van 11 mei 2029 met een algemeen erkende feestdag"
source = "Testgegevens: geen gepubliceerd besluit"
days = [
  { date = "2029-05-11", name = "vrijdag na Hemelvaartsdag" },
]
"#
}

fn env(dir: &tempfile::TempDir) -> [(&'static str, String); 1] {
    [("TERMIJN_REFERENCE_DIR", dir.path().display().to_string())]
}

async fn record(app: &TestApp, path: &str, body: Value) -> Value {
    let answer = app.post(path, Some(&app.legal), &body).await;
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.text);
    answer.json()
}

fn of_kind<'a>(effects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    effects.iter().filter(|e| e["change"] == kind).collect()
}

fn reference_events(history: &Value) -> Vec<Value> {
    history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "ReferenceDataAdopted")
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_new_decree_moves_exactly_the_terms_it_reaches_and_as_at_before_it_gives_the_old_dates() {
    let old = reference_dir(|_, text| text);
    let new = reference_dir(with_2029_decree);
    let old_env = env(&old);
    let mut app = TestApp::spawn_with(Db::sqlite(), &[(old_env[0].0, old_env[0].1.as_str())]).await;
    // The RCS of 2029, announced in November 2028: its first-of-March term ends Wednesday 11 April 2029. A tariff
    // decision announced Friday 30 March 2029 opens a term of art. 105 lid 2 whose day 42 is Friday 11 May 2029.
    record(
        &app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": "NZa-RCS-2028-11", "kind": "establishment", "decided_on": "2028-11-10",
               "announced_on": "2028-11-14", "reason": "vaststelling", "spaces": [
                   {"region": "groningen", "year": 2029, "amount": "800000000.00"}]}),
    )
    .await;
    record(
        &app,
        "/api/v1/tariff-decisions",
        json!({"decision_id": "NZa-TB-2029-1", "provider": PROVIDER_A, "year": 2029, "regions": ["groningen"],
               "kind": "tariff", "decided_on": "2029-03-28", "announced_on": "2029-03-30"}),
    )
    .await;
    let space = "/api/v1/contracting-spaces/groningen/2029?as_of=2029-03-31";
    let before = app.get(space, Some(&app.legal)).await.json();
    let lid2 = |view: &Value| {
        view["terms"]
            .as_array()
            .expect("terms")
            .iter()
            .find(|t| t["basis"] == "art105_lid2")
            .cloned()
            .expect("the lid 2 term")
    };
    assert_eq!((&lid2(&before)["last_day"], &lid2(&before)["provisional"]), (&json!("2029-05-11"), &json!(true)));
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    assert_eq!(reference_events(&history).len(), 1, "the first start records the data it judges with");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let stood = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    std::thread::sleep(std::time::Duration::from_millis(20));

    // Before adopting it: what the new data would move.
    let new_env = env(&new);
    let (code, out, err) =
        app.db.run(&["reference", "diff", "--as-of", "2029-03-31", "--json"], &[(new_env[0].0, new_env[0].1.as_str())]);
    assert_eq!(code, 0, "{err}");
    let diff: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(diff["before"], "recorded");
    assert!(diff["change"]["decrees_added"][0].as_str().expect("a decree").starts_with("Testbesluit"), "{diff}");
    assert_eq!(diff["change"]["equated_days_added"][0]["date"], "2029-05-11");
    let effects = diff["effects"].as_array().expect("effects").clone();
    let moved = of_kind(&effects, "term_moves");
    assert_eq!(moved.len(), 1, "exactly the term whose last day falls on the new day moves: {effects:?}");
    assert_eq!(moved[0]["basis"], "art105_lid2");
    assert_eq!(moved[0]["tariff_decision"], "NZa-TB-2029-1");
    assert_eq!((&moved[0]["before"], &moved[0]["after"]), (&json!("2029-05-11"), &json!("2029-05-14")));
    assert!(
        moved[0]["explanation"]
            .as_array()
            .expect("steps")
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.contains("Testbesluit"))),
        "the reason is the new decree: {}",
        moved[0]
    );
    let certain = of_kind(&effects, "term_provisional_changes");
    let lid3 =
        certain.iter().find(|e| e["basis"] == "art105_lid3").expect("the first-of-March term is no longer provisional");
    assert_eq!((&lid3["before"], &lid3["after"]), (&json!("true"), &json!("false")));
    assert!(of_kind(&effects, "term_moves").iter().all(|e| e["basis"] != "art105_lid3"), "its last day stays");
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    assert_eq!(reference_events(&history).len(), 1, "a diff records nothing");

    // Adopting it: the server records the change, and says what it moved.
    app.restart(&[(new_env[0].0, new_env[0].1.as_str())]);
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    let versions = reference_events(&history);
    assert_eq!(versions.len(), 2, "the new version is in the history");
    assert!(versions[1]["recorded_by"].as_str().expect("who").starts_with("termijn serve"), "{}", versions[1]);
    assert_eq!(
        versions[1]["payload"]["ReferenceDataAdopted"]["previous_hash"],
        versions[0]["payload"]["ReferenceDataAdopted"]["hash"]
    );
    let changes = app.get("/api/v1/reference/changes?as_of=2029-03-31", Some(&app.legal)).await.json();
    assert_eq!(changes["current_hash"], diff["after_hash"]);
    assert_eq!(changes["changes"][0]["effects"], json!(effects), "afterwards the same as the diff said before");
    assert!(changes["changes"][0]["summary"][0].as_str().expect("a sentence").contains("Testbesluit"), "{changes}");
    app.get("/api/v1/reference/changes", Some(&app.provider_a)).await.problem(403);

    // Judged now, with the new data; as the register stood before the change, with the old.
    let after = app.get(space, Some(&app.legal)).await.json();
    assert_eq!((&lid2(&after)["last_day"], &lid2(&after)["provisional"]), (&json!("2029-05-14"), &json!(false)));
    let then = app.get(&format!("{space}&as_at={}", stood.replace('+', "%2B")), Some(&app.legal)).await.json();
    assert_eq!((&lid2(&then)["last_day"], &lid2(&then)["provisional"]), (&json!("2029-05-11"), &json!(true)), "{then}");

    // Legal staff see the change as a notice on Termijnen, and what it moved on its page.
    let (pages, cookie) = termijn_tests::web_session(&app.server.base, &app.legal).await;
    let page = |path: &'static str| {
        let (pages, cookie, url) = (pages.clone(), cookie.clone(), app.url(path));
        async move { pages.get(url).header("cookie", cookie).send().await.expect("an answer").text().await.expect("a page") }
    };
    let home = page("/").await;
    assert!(
        home.contains("De referentiegegevens zijn gewijzigd") && home.contains("Testbesluit gelijkstelling"),
        "{home}"
    );
    let shown = page("/referentie?as_of=2029-03-31").await;
    assert!(
        shown.contains("Beroepstermijn na een tariefbeschikking tegen besluit NZa-RCS-2028-11 (tariefbeschikking NZa-TB-2029-1): laatste dag 2029-05-11 wordt 2029-05-14"),
        "{shown}"
    );

    // Starting again with the same data records nothing new.
    app.restart(&[(new_env[0].0, new_env[0].1.as_str())]);
    let history = app.get("/api/v1/history?limit=1000", Some(&app.auditor)).await.json();
    assert_eq!(reference_events(&history).len(), 2);
    let (code, out, _) = app.db.run(&["verify"], &[]);
    assert_eq!(code, 0, "{out}");
}

#[tokio::test]
async fn a_later_commencement_date_makes_an_earlier_publication_unappealable_and_its_appeal_termless() {
    let old = reference_dir(|_, text| text);
    let later = reference_dir(|name, text| {
        if name == "law.toml" { text.replacen("date = \"2025-01-01\"", "date = \"2026-01-01\"", 1) } else { text }
    });
    let old_env = env(&old);
    let app = TestApp::spawn_with(Db::sqlite(), &[(old_env[0].0, old_env[0].1.as_str())]).await;
    record(
        &app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": "NZa-RCS-2025-06", "kind": "establishment", "decided_on": "2025-05-30",
               "announced_on": "2025-06-02", "reason": "vaststelling", "spaces": [
                   {"region": "friesland", "year": 2026, "amount": "600000000.00"}]}),
    )
    .await;
    let appeal = record(
        &app,
        "/api/v1/appeals",
        json!({"appeal_id": "CBb 26/0900", "appellant": {"kind": "care_office", "id": "Zorgkantoor Friesland"},
               "region": "friesland", "year": 2026, "against_decision": "NZa-RCS-2025-06", "received_on": "2026-03-02"}),
    )
    .await;
    assert_eq!(appeal["filing"], "on_time");
    let later_env = env(&later);
    let (code, out, err) = app
        .db
        .run(&["reference", "diff", "--as-of", "2026-03-02", "--json"], &[(later_env[0].0, later_env[0].1.as_str())]);
    assert_eq!(code, 0, "{err}");
    let diff: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(diff["change"]["commencement_date"], json!({"before": "2025-01-01", "after": "2026-01-01"}));
    let effects = diff["effects"].as_array().expect("effects").clone();
    let filing = of_kind(&effects, "filing_changes");
    assert_eq!(filing.len(), 1, "{effects:?}");
    assert_eq!(
        (&filing[0]["appeal_id"], &filing[0]["before"], &filing[0]["after"]),
        (&json!("CBb 26/0900"), &json!("on_time"), &json!("no_term"))
    );
    let decision = of_kind(&effects, "decision_status_changes");
    assert!(
        decision.iter().any(|d| d["decision_id"] == "NZa-RCS-2025-06" && d["after"] == "not_appealable"),
        "{effects:?}"
    );
    // The text form says the same, with the reasons.
    let (code, out, _) =
        app.db.run(&["reference", "diff", "--as-of", "2026-03-02"], &[(later_env[0].0, later_env[0].1.as_str())]);
    assert_eq!(code, 0);
    assert!(out.contains("Inwerkingtreding art. 105 lid 2-4 Wmg: 2025-01-01 wordt 2026-01-01"), "{out}");
    assert!(
        out.contains("filing_changes CBb 26/0900") || out.contains("filing_changes NZa-RCS-2025-06 CBb 26/0900"),
        "{out}"
    );
}
