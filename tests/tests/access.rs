//! Who may do what: every endpoint asked by every kind of caller, what a provider may see of another provider,
//! and that no token ends up in the server log.

use serde_json::{Value, json};
use termijn_tests::{Answer, PROVIDER_A, PROVIDER_B, TestApp, segment};

const DECISIONS: &str = "/api/v1/contracting-space-decisions";
const TARIFFS: &str = "/api/v1/tariff-decisions";
const APPEALS: &str = "/api/v1/appeals";

const RCS: &str = "NZa-RCS-2025-11";
const UNANNOUNCED_RCS: &str = "NZa-RCS-2025-12";
/// Provider A's tariff decision; provider B's has an id without its AGB code, so the two leak checks (AGB code,
/// decision id) are independent.
const TARIFF_A: &str = "NZa-TB-12345678-2026-1";
const TARIFF_B: &str = "NZa-TB-Zuid-2026-1";
const UNANNOUNCED_TARIFF: &str = "NZa-TB-12345678-2027-1";
const APPEAL_A: &str = "CBb 26/0101";
const APPEAL_B: &str = "CBb 26/0202";
const APPEAL_TO_WITHDRAW: &str = "CBb 26/0303";
const APPEAL_TO_JUDGE: &str = "CBb 26/0404";

/// A server for the matrix: every endpoint is asked with wrong tokens, more than the allowance of failed attempts
/// from one address (which `tokens.rs` tests) would let through.
async fn spawn() -> TestApp {
    TestApp::spawn_with(termijn_tests::Db::sqlite(), &[("TERMIJN_FAILED_TOKEN_ATTEMPTS", "100000")]).await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Nobody,
    ZeroToken,
    Garbage,
    BasicAuth,
    Legal,
    Auditor,
    ProviderA,
    ProviderB,
}

const EVERYONE: [Who; 8] = [
    Who::Nobody,
    Who::ZeroToken,
    Who::Garbage,
    Who::BasicAuth,
    Who::Auditor,
    Who::ProviderA,
    Who::ProviderB,
    Who::Legal,
];

fn zero_token() -> String {
    format!("tmj_{}", "0".repeat(64))
}

const GARBAGE: &str = "not-a-token!%20äöü";

/// The `Authorization` header a caller sends, if any.
fn authorization(app: &TestApp, who: Who) -> Option<String> {
    let bearer = |t: &str| Some(format!("Bearer {t}"));
    match who {
        Who::Nobody => None,
        Who::ZeroToken => bearer(&zero_token()),
        Who::Garbage => bearer(GARBAGE),
        Who::BasicAuth => Some("Basic bGVnYWw6bGVnYWw=".to_owned()),
        Who::Legal => bearer(&app.legal),
        Who::Auditor => bearer(&app.auditor),
        Who::ProviderA => bearer(&app.provider_a),
        Who::ProviderB => bearer(&app.provider_b),
    }
}

async fn call(app: &TestApp, who: Who, method: &str, path: &str, body: Option<&Value>) -> Answer {
    let mut request = match method {
        "GET" => app.http.get(app.url(path)),
        "POST" => app.http.post(app.url(path)).json(body.expect("a body to post")),
        other => panic!("no method {other}"),
    };
    if let Some(value) = authorization(app, who) {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    Answer { status, content_type, headers, text: response.text().await.expect("a body") }
}

async fn record(app: &TestApp, path: &str, body: Value) {
    let answer = app.post(path, Some(&app.legal), &body).await;
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.text);
}

async fn event_count(app: &TestApp) -> usize {
    let mut count = 0;
    let mut after = 0;
    loop {
        let page = app.get(&format!("/api/v1/history?limit=1000&after={after}"), Some(&app.legal)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let page = page.json();
        count += page["events"].as_array().expect("events").len();
        match page["next_after"].as_i64() {
            Some(next) => after = next,
            None => return count,
        }
    }
}

fn appeal(id: &str, appellant: (&str, &str), received_on: &str) -> Value {
    json!({"appeal_id": id, "appellant": {"kind": appellant.0, "id": appellant.1}, "region": "groningen",
           "year": 2026, "against_decision": RCS, "received_on": received_on})
}

/// Two providers, each with a tariff decision and an appeal in groningen 2026, and the records the legal writes
/// of the matrix act on.
async fn seed(app: &TestApp) {
    let lines = json!([{"region": "groningen", "year": 2026, "amount": "812345000.00"},
                       {"region": "groningen", "year": 2027, "amount": "830000000.00"}]);
    record(
        app,
        DECISIONS,
        json!({"decision_id": RCS, "kind": "establishment", "decided_on": "2025-11-10",
        "announced_on": "2025-11-14", "spaces": lines}),
    )
    .await;
    record(
        app,
        DECISIONS,
        json!({"decision_id": UNANNOUNCED_RCS, "kind": "establishment", "decided_on": "2025-12-01",
        "spaces": [{"region": "drenthe", "year": 2027, "amount": "1.00"}]}),
    )
    .await;
    for (id, provider, year, announced_on) in [
        (TARIFF_A, PROVIDER_A, 2026, Some("2026-01-23")),
        (TARIFF_B, PROVIDER_B, 2026, Some("2026-02-13")),
        (UNANNOUNCED_TARIFF, PROVIDER_A, 2027, None),
    ] {
        record(
            app,
            TARIFFS,
            json!({"decision_id": id, "provider": provider, "year": year, "regions": ["groningen"],
            "kind": "tariff", "decided_on": "2026-01-20", "announced_on": announced_on}),
        )
        .await;
    }
    record(app, APPEALS, appeal(APPEAL_A, ("provider", PROVIDER_A), "2026-03-02")).await;
    record(app, APPEALS, appeal(APPEAL_B, ("provider", PROVIDER_B), "2026-03-03")).await;
    record(app, APPEALS, appeal(APPEAL_TO_WITHDRAW, ("care_office", "Zorgkantoor Groningen"), "2026-03-04")).await;
    record(app, APPEALS, appeal(APPEAL_TO_JUDGE, ("other", "Patiëntenfederatie"), "2026-03-05")).await;
}

/// What an authenticated caller should get from a read that every role may make, one only legal staff and
/// auditors may make, or one of a record that belongs to provider A or B.
#[derive(Clone, Copy)]
enum Read {
    Public,
    AnyRole,
    LegalAndAuditor,
    OwnedBy(Who),
}

fn expected_read(kind: Read, who: Who) -> u16 {
    let authenticated = matches!(who, Who::Legal | Who::Auditor | Who::ProviderA | Who::ProviderB);
    match kind {
        Read::Public => 200,
        _ if !authenticated => 401,
        Read::AnyRole => 200,
        Read::LegalAndAuditor => {
            if matches!(who, Who::Legal | Who::Auditor) {
                200
            } else {
                403
            }
        }
        // Another provider's record is not found, so its existence is not revealed.
        Read::OwnedBy(owner) => {
            if matches!(who, Who::Legal | Who::Auditor) || who == owner {
                200
            } else {
                404
            }
        }
    }
}

#[tokio::test]
async fn every_read_answers_each_caller_by_role_and_ownership() {
    let app = spawn().await;
    seed(&app).await;
    let reads: Vec<(String, Read)> = vec![
        ("/healthz".into(), Read::Public),
        ("/api/v1/openapi.json".into(), Read::Public),
        ("/api/v1/regions".into(), Read::AnyRole),
        ("/api/v1/calendar/2026".into(), Read::AnyRole),
        ("/api/v1/contracting-spaces/groningen/2026?as_of=2026-03-10".into(), Read::AnyRole),
        (format!("{DECISIONS}/{RCS}"), Read::AnyRole),
        ("/api/v1/deadlines?from=2026-01-01&to=2026-12-31".into(), Read::AnyRole),
        ("/api/v1/deadlines.ics?from=2026-01-01&to=2026-12-31".into(), Read::AnyRole),
        ("/api/v1/history".into(), Read::LegalAndAuditor),
        (format!("{TARIFFS}/{TARIFF_A}"), Read::OwnedBy(Who::ProviderA)),
        (format!("{TARIFFS}/{TARIFF_B}"), Read::OwnedBy(Who::ProviderB)),
        (format!("{APPEALS}/{}", segment(APPEAL_A)), Read::OwnedBy(Who::ProviderA)),
        (format!("{APPEALS}/{}", segment(APPEAL_B)), Read::OwnedBy(Who::ProviderB)),
    ];
    let mut wrong = Vec::new();
    for (path, kind) in &reads {
        for who in EVERYONE {
            let answer = call(&app, who, "GET", path, None).await;
            let expected = expected_read(*kind, who);
            if answer.status != expected {
                wrong.push(format!("GET {path} as {who:?}: {} (expected {expected}) {}", answer.status, answer.text));
            } else if expected != 200 {
                answer.problem(expected);
            }
            if answer.status == 401 && answer.headers.get("www-authenticate").is_none() {
                wrong.push(format!("GET {path} as {who:?}: a 401 without WWW-Authenticate (RFC 9110)"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn every_write_is_for_legal_staff_only_and_a_refused_write_records_nothing() {
    let app = spawn().await;
    seed(&app).await;
    let writes: Vec<(String, Value)> = vec![
        (
            DECISIONS.into(),
            json!({"decision_id": "NZa-RCS-2026-01", "kind": "amendment", "decided_on": "2026-01-05",
                   "announced_on": "2026-01-09", "spaces": [{"region": "groningen", "year": 2027, "amount": "2.00"}]}),
        ),
        (format!("{DECISIONS}/{UNANNOUNCED_RCS}/announcement"), json!({"announced_on": "2025-12-05"})),
        (
            TARIFFS.into(),
            json!({"decision_id": "NZa-TB-12345678-2026-2", "provider": PROVIDER_A, "year": 2026,
                   "regions": ["groningen"], "kind": "amended_tariff", "amends": TARIFF_A,
                   "decided_on": "2026-02-20", "announced_on": "2026-02-24"}),
        ),
        (format!("{TARIFFS}/{UNANNOUNCED_TARIFF}/announcement"), json!({"announced_on": "2026-01-23"})),
        (APPEALS.into(), appeal("CBb 26/0505", ("provider", PROVIDER_A), "2026-03-06")),
        (format!("{APPEALS}/{}/withdrawal", segment(APPEAL_TO_WITHDRAW)), json!({"withdrawn_on": "2026-05-04"})),
        (
            format!("{APPEALS}/{}/judgment", segment(APPEAL_TO_JUDGE)),
            json!({"judgment_on": "2026-09-01", "outcome": "dismissed"}),
        ),
        (
            format!("{TARIFFS}/{TARIFF_A}/objections"),
            json!({"objection_id": "B-2026-0001", "objector": {"kind": "provider", "id": PROVIDER_A},
                   "received_on": "2026-02-02"}),
        ),
        (
            format!("{TARIFFS}/{TARIFF_A}/objections/B-2026-0001/postponement"),
            json!({"paragraph": 3, "announced_on": "2026-03-20"}),
        ),
        (
            format!("{TARIFFS}/{TARIFF_A}/objections/B-2026-0001/decision"),
            json!({"decided_on": "2026-04-01", "announced_on": "2026-04-02"}),
        ),
        (
            "/api/v1/contracting-spaces/groningen/2026/no-appeal-confirmation".into(),
            json!({"decision_id": RCS, "confirmed_on": "2026-06-01"}),
        ),
    ];
    let mut wrong = Vec::new();
    for (path, body) in &writes {
        // Legal staff come last, so that every refused attempt meets a write that would succeed.
        for who in EVERYONE {
            let before = event_count(&app).await;
            let answer = call(&app, who, "POST", path, Some(body)).await;
            let expected = match who {
                Who::Nobody | Who::ZeroToken | Who::Garbage | Who::BasicAuth => Some(401),
                Who::Auditor | Who::ProviderA | Who::ProviderB => Some(403),
                Who::Legal => None,
            };
            match expected {
                Some(status) if answer.status == status => {
                    answer.problem(status);
                    if event_count(&app).await != before {
                        wrong.push(format!("POST {path} as {who:?} was refused but recorded"));
                    }
                }
                Some(status) => {
                    wrong.push(format!("POST {path} as {who:?}: {} (expected {status}) {}", answer.status, answer.text))
                }
                None if (200..300).contains(&answer.status) => {
                    assert!(event_count(&app).await > before, "POST {path} as legal recorded nothing");
                }
                None => wrong.push(format!("POST {path} as legal: {} {}", answer.status, answer.text)),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn another_providers_tariff_decision_or_appeal_is_answered_like_one_that_does_not_exist() {
    let app = spawn().await;
    seed(&app).await;
    let pairs = [
        (format!("{TARIFFS}/{TARIFF_B}"), TARIFF_B, format!("{TARIFFS}/NZa-TB-Nobody-2026-1"), "NZa-TB-Nobody-2026-1"),
        (
            format!("{APPEALS}/{}", segment(APPEAL_B)),
            APPEAL_B,
            format!("{APPEALS}/{}", segment("CBb 26/9999")),
            "CBb 26/9999",
        ),
    ];
    for (existing, existing_id, missing, missing_id) in &pairs {
        let hidden = app.get(existing, Some(&app.provider_a)).await.problem(404);
        let absent = app.get(missing, Some(&app.provider_a)).await.problem(404);
        assert_eq!(hidden["type"], absent["type"]);
        assert_eq!(hidden["title"], absent["title"]);
        let detail = |problem: &Value, id: &str| problem["detail"].as_str().expect("detail").replace(id, "ID");
        assert_eq!(detail(&hidden, existing_id), detail(&absent, missing_id), "the same answer but for the id");
        assert_eq!(app.get(existing, Some(&app.provider_b)).await.status, 200, "its own provider sees it");
    }
}

#[tokio::test]
async fn a_provider_never_sees_another_providers_tariff_decisions_agb_code_or_appeals() {
    let app = spawn().await;
    seed(&app).await;
    let views = [
        "/api/v1/contracting-spaces/groningen/2026?as_of=2026-03-10",
        "/api/v1/contracting-spaces/groningen/2026?as_of=2026-12-31",
        "/api/v1/contracting-spaces/groningen/2027?as_of=2026-03-10",
        "/api/v1/deadlines?from=2026-01-01&to=2026-12-31",
        "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=groningen",
        "/api/v1/deadlines.ics?from=2026-01-01&to=2026-12-31",
        "/api/v1/deadlines.ics?from=2026-01-01&to=2026-12-31&region=groningen",
    ];
    let everything: String = {
        let mut all = String::new();
        for path in views {
            let answer = app.get(path, Some(&app.legal)).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.text);
            all.push_str(&answer.text);
        }
        all
    };
    for secret in [PROVIDER_A, PROVIDER_B, TARIFF_A, TARIFF_B, APPEAL_A, APPEAL_B] {
        assert!(everything.contains(secret), "legal staff see {secret}, so there is something to hide");
    }
    let sides = [
        (&app.provider_a, [TARIFF_A, APPEAL_A], [PROVIDER_B, TARIFF_B, APPEAL_B]),
        (&app.provider_b, [TARIFF_B, APPEAL_B], [PROVIDER_A, TARIFF_A, APPEAL_A]),
    ];
    for (token, own, others) in sides {
        let mut seen = String::new();
        for path in views {
            let answer = app.get(path, Some(token)).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.text);
            for secret in others {
                assert!(!answer.text.contains(secret), "{path} shows {secret}: {}", answer.text);
            }
            seen.push_str(&answer.text);
        }
        for mine in own {
            assert!(seen.contains(mine), "a provider sees its own {mine}");
        }
    }
}

#[tokio::test]
async fn a_provider_asking_for_another_providers_terms_is_refused() {
    let app = spawn().await;
    seed(&app).await;
    for path in [
        "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&provider=",
        "/api/v1/deadlines.ics?from=2026-01-01&to=2026-12-31&provider=",
        "/api/v1/contracting-spaces/groningen/2026?as_of=2026-03-10&provider=",
    ] {
        app.get(&format!("{path}{PROVIDER_B}"), Some(&app.provider_a)).await.problem(403);
        app.get(&format!("{path}{PROVIDER_A}"), Some(&app.provider_b)).await.problem(403);
        assert_eq!(app.get(&format!("{path}{PROVIDER_A}"), Some(&app.provider_a)).await.status, 200);
        assert_eq!(app.get(&format!("{path}{PROVIDER_B}"), Some(&app.legal)).await.status, 200);
        assert_eq!(app.get(&format!("{path}{PROVIDER_B}"), Some(&app.auditor)).await.status, 200);
    }
}

#[tokio::test]
async fn no_token_ever_appears_in_the_server_log() {
    let app = spawn().await;
    seed(&app).await;
    let paths = [
        "/api/v1/regions",
        "/api/v1/history",
        "/api/v1/deadlines?from=2026-01-01&to=2026-12-31",
        "/api/v1/contracting-spaces/groningen/2026",
        "/api/v1/no-such-thing",
    ];
    for who in EVERYONE {
        for path in paths {
            call(&app, who, "GET", path, None).await;
        }
        call(&app, who, "POST", DECISIONS, Some(&json!({"decision_id": 1}))).await;
    }
    // A token passed where it does not belong, in the query string, is not logged either.
    app.get(&format!("/api/v1/regions?token={}", app.provider_a), Some(&app.legal)).await;
    let log = app.server.log().join("\n");
    assert!(log.contains("/api/v1/"), "the server logs its requests: {log}");
    let zeros = zero_token();
    for token in [&app.legal, &app.auditor, &app.provider_a, &app.provider_b, &zeros] {
        let secret = token.strip_prefix("tmj_").unwrap_or(token);
        assert!(!log.contains(secret), "a token is in the log: {log}");
    }
    assert!(!log.contains("not-a-token"), "a bad token is in the log: {log}");
    assert!(!log.contains("bGVnYWw6bGVnYWw="), "basic credentials are in the log: {log}");
}

#[tokio::test]
async fn the_bearer_scheme_is_accepted_in_any_letter_case() {
    let app = spawn().await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let answer = app
            .http
            .get(app.url("/api/v1/regions"))
            .header("authorization", format!("{scheme} {}", app.auditor))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(answer.status().as_u16(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn a_write_by_a_caller_without_the_legal_role_is_403_whatever_its_body() {
    let app = spawn().await;
    for token in [&app.auditor, &app.provider_a] {
        for (content_type, body) in
            [("application/json", "{\"decision_id\":"), ("application/json", "{\"x\": 1}"), ("text/plain", "hello")]
        {
            let answer = app.post_raw(DECISIONS, Some(token), content_type, body.as_bytes().to_vec()).await;
            assert_eq!(answer.status, 403, "{content_type} {body}: {}", answer.text);
        }
    }
}
