//! What an operator asks of a running server: `/readyz` says whether it can answer (200 once the register is read
//! in and while its database answers, 503 problem+json with `Retry-After` while it does not), beside `/healthz`.

use sqlx::Connection;
use termijn_tests::{Db, Server};

async fn get(server: &Server, path: &str) -> (u16, Option<String>, String) {
    let response = reqwest::get(format!("{}{path}", server.base)).await.expect("answers");
    let status = response.status().as_u16();
    let retry = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, retry, response.text().await.expect("a body"))
}

#[tokio::test]
async fn readyz_answers_without_a_token_once_the_register_is_read_in() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    assert_eq!(get(&server, "/readyz").await.0, 200);
    assert_eq!(get(&server, "/healthz").await.0, 200);
}

#[tokio::test]
async fn readyz_is_503_with_retry_after_while_the_database_is_gone() {
    let Some(db) = Db::postgres().await else { return };
    let server = Server::start(&db, &[]);
    assert_eq!(get(&server, "/readyz").await.0, 200);
    let Db::Postgres { admin_url, name } = &db else { unreachable!("a PostgreSQL database") };
    let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("the test server answers");
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin).await.expect("dropped");
    let (status, retry, body) = get(&server, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(retry.as_deref(), Some("5"));
    let problem: serde_json::Value = serde_json::from_str(&body).expect("problem+json");
    assert_eq!(problem["status"], 503);
    assert_eq!(get(&server, "/healthz").await.0, 200, "the process itself still runs");
}
