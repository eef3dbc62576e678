//! Access that can be taken back: tokens listed without their secret, an expired token refused, a revoked token
//! refused by every server on the same database within the few seconds a server remembers a token (five, as the
//! README says) and its web sessions ended, and repeated bad tokens from one address answered with 429.

use std::time::{Duration, Instant};

use termijn_tests::{Db, Server};

async fn status(http: &reqwest::Client, server: &Server, token: &str) -> u16 {
    let response =
        http.get(format!("{}/api/v1/regions", server.base)).bearer_auth(token).send().await.expect("answers");
    response.status().as_u16()
}

/// Waits until `server` refuses `token`; how long that took, or `None` when it still answered after `limit`.
async fn refused_within(http: &reqwest::Client, server: &Server, token: &str, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() <= limit {
        if status(http, server, token).await == 401 {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

#[tokio::test]
async fn tokens_are_listed_without_their_secret_and_an_expired_one_is_refused() {
    let db = Db::sqlite();
    let lasting = db.token("legal", "mr. A. Jurist", None);
    let expired_today = today().to_string();
    let (code, out, err) = db
        .run(&["token", "create", "--role", "auditor", "--name", "drs. Verlopen", "--expires-on", &expired_today], &[]);
    assert_eq!(code, 0, "{err}");
    let expired = out.trim().to_owned();
    let (code, out, err) = db.run(
        &[
            "token",
            "create",
            "--role",
            "provider",
            "--name",
            "Zorggroep Noord",
            "--provider",
            "12345678",
            "--expires-in",
            "30",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let month = out.trim().to_owned();
    let server = Server::start(&db, &[]);
    let http = reqwest::Client::new();
    assert_eq!(status(&http, &server, &lasting).await, 200);
    assert_eq!(status(&http, &server, &month).await, 200, "valid for thirty more days");
    assert_eq!(status(&http, &server, &expired).await, 401, "refused from the start of its expiry day");

    let (code, list, err) = db.run(&["token", "list"], &[]);
    assert_eq!(code, 0, "{err}");
    for secret in [&lasting, &expired, &month] {
        assert!(!list.contains(secret.as_str()) && !list.contains(&secret[4..20]), "a token is in the list: {list}");
    }
    let line =
        |name: &str| list.lines().find(|l| l.ends_with(name)).unwrap_or_else(|| panic!("{name} in {list}")).to_owned();
    let verlopen = line("drs. Verlopen");
    assert!(verlopen.contains("auditor") && verlopen.contains("expired"), "{verlopen}");
    let noord = line("Zorggroep Noord");
    assert!(noord.contains("provider") && noord.contains("12345678") && noord.contains("usable"), "{noord}");
    let expires = (today() + chrono::Duration::days(30)).to_string();
    assert!(noord.contains(&expires), "refused from thirty days after today: {noord}");
    let jurist = line("mr. A. Jurist");
    assert!(jurist.contains("usable"), "{jurist}");
    let used_column = list.lines().next().expect("a header").find("last used").expect("a last used column");
    assert_ne!(jurist.get(used_column..used_column + 1), Some("-"), "its last use is listed: {list}");
}

async fn revoked_everywhere(db: Db, servers: usize) {
    let token = db.token("auditor", "drs. B. Auditor", None);
    let other = db.token("auditor", "drs. C. Blijft", None);
    let started: Vec<Server> = (0..servers).map(|_| Server::start(&db, &[])).collect();
    let http = reqwest::Client::new();
    for server in &started {
        assert_eq!(status(&http, server, &token).await, 200, "known to every server before the revocation");
    }
    // A web session opened with the token.
    let (pages, cookie) = termijn_tests::web_session(&started[0].base, &token).await;
    let home = pages.get(format!("{}/", started[0].base)).header("cookie", &cookie).send().await.expect("answers");
    assert_eq!(home.status().as_u16(), 200);

    let (code, out, err) = db.run(&["token", "revoke", "drs. B. Auditor"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("revoked "), "{out}");
    for server in &started {
        let took = refused_within(&http, server, &token, Duration::from_secs(7)).await;
        assert!(took.is_some(), "a revoked token is refused within the five seconds a server remembers it");
        assert_eq!(status(&http, server, &other).await, 200, "another token still works");
    }
    let home = pages.get(format!("{}/", started[0].base)).header("cookie", &cookie).send().await.expect("answers");
    assert_eq!(home.status().as_u16(), 303, "the session ended with its token");
    let (_, list, _) = db.run(&["token", "list"], &[]);
    assert!(list.lines().any(|l| l.ends_with("drs. B. Auditor") && l.contains("revoked")), "{list}");
    let (code, _, err) = db.run(&["token", "revoke", "nobody at all"], &[]);
    assert_ne!(code, 0, "an unknown token is an error");
    assert!(err.contains("no token"), "{err}");
}

#[tokio::test]
async fn on_sqlite_a_revoked_token_is_refused_within_seconds_and_its_web_session_ends() {
    revoked_everywhere(Db::sqlite(), 1).await;
}

#[tokio::test]
async fn on_postgres_a_revoked_token_is_refused_by_a_second_server_within_seconds() {
    let Some(db) = Db::postgres().await else { return };
    revoked_everywhere(db, 2).await;
}

#[tokio::test]
async fn repeated_bad_tokens_from_one_address_get_429_with_retry_after_and_no_token_is_tried_then() {
    let db = Db::sqlite();
    let good = db.token("legal", "mr. A. Jurist", None);
    let server = Server::start(&db, &[("TERMIJN_FAILED_TOKEN_ATTEMPTS", "5")]);
    let http = reqwest::Client::new();
    let wrong = format!("tmj_{}", "0".repeat(64));
    for attempt in 1..=5 {
        assert_eq!(status(&http, &server, &wrong).await, 401, "attempt {attempt} of the allowance");
    }
    let refused =
        http.get(format!("{}/api/v1/regions", server.base)).bearer_auth(&wrong).send().await.expect("answers");
    assert_eq!(refused.status().as_u16(), 429);
    let retry: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(refused.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    let body: serde_json::Value = refused.json().await.expect("JSON");
    assert_eq!(body["status"], 429);
    assert_eq!(status(&http, &server, &good).await, 429, "while refused, no token from the address is tried");
    let login = http
        .post(format!("{}/login", server.base))
        .form(&[("token", good.as_str()), ("terug", "/")])
        .send()
        .await
        .expect("answers");
    assert_eq!(login.status().as_u16(), 429, "the login form too");
    // Without a token there is nothing to refuse: 401 as always.
    let none = http.get(format!("{}/api/v1/regions", server.base)).send().await.expect("answers");
    assert_eq!(none.status().as_u16(), 401);
}
