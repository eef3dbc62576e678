//! The faults an operator meets: PostgreSQL stopped for ten seconds and started again while several clients
//! write, and the disk under the SQLite store full. While the database cannot take a write, requests are
//! answered 503 problem+json with `Retry-After` (none hangs), `/readyz` says so, the server reconnects by itself,
//! and afterwards every acknowledged write is there, the history verifies and the views equal a replay.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection;
use termijn_tests::{Db, Server, Writers, assert_appeals_readable, record_decision_appealed_by_writers, segment};

/// Longer than the server's request timeout (15 s): a request still unanswered by then hangs.
const PATIENCE: Duration = Duration::from_secs(25);

async fn status_of(base: &str, path: &str, token: Option<&str>) -> (u16, bool, String) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}")).timeout(PATIENCE);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("{path}: no answer within {PATIENCE:?}: {e}"));
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    (status, retry_after, response.text().await.unwrap_or_default())
}

/// Waits until `/readyz` answers `status`, for at most `within`.
async fn readyz_becomes(base: &str, status: u16, within: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < within {
        let (now, retry_after, _) = status_of(base, "/readyz", None).await;
        if now == status {
            assert!(now == 200 || retry_after, "a 503 from /readyz says when to retry");
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

async fn wait_for_acknowledged(writers: &Writers, at_least: usize, within: Duration) {
    let started = Instant::now();
    while writers.acknowledged().len() < at_least {
        assert!(started.elapsed() < within, "no {at_least} writes acknowledged within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn control(ctl: &str, action: &str) {
    let output = Command::new(ctl).arg(action).output().expect("the control script runs");
    assert!(output.status.success(), "{ctl} {action}: {}", String::from_utf8_lossy(&output.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_for_ten_seconds_under_writes_loses_nothing_acknowledged_and_the_server_reconnects() {
    let (Ok(admin_url), Ok(ctl)) =
        (std::env::var("TERMIJN_TEST_PG_OUTAGE_URL"), std::env::var("TERMIJN_TEST_PG_OUTAGE_CTL"))
    else {
        if std::env::var("TERMIJN_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
            eprintln!("skipped: stopping PostgreSQL under load (TERMIJN_TEST_SKIP_POSTGRES=1)");
            return;
        }
        panic!("TERMIJN_TEST_PG_OUTAGE_URL and _CTL are not set: run the tests with scripts/test");
    };
    let name = format!("termijn_outage_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("the second server answers");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a database");
    admin.close().await.expect("closed");
    let db = Db::Postgres { admin_url, name };
    let legal = db.token("legal", "mr. A. Jurist", None);
    let mut server = Server::start(&db, &[]);
    record_decision_appealed_by_writers(&server.base, &legal).await;

    let writers = Writers::start(&server.base, &legal, "outage", 4, PATIENCE);
    wait_for_acknowledged(&writers, 20, Duration::from_secs(30)).await;
    let stopped = Instant::now();
    control(&ctl, "stop");
    assert!(readyz_becomes(&server.base, 503, Duration::from_secs(8)).await, "/readyz says the database is away");
    let (status, retry_after, body) =
        status_of(&server.base, "/api/v1/contracting-spaces/groningen/2027", Some(&legal)).await;
    assert_eq!((status, retry_after), (503, true), "a read while the database is away: {body}");
    let problem: Value = serde_json::from_str(&body).expect("problem+json");
    assert_eq!(problem["type"], "/problems/unavailable");
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(stopped.elapsed())).await;
    let during = writers.acknowledged().len();
    control(&ctl, "start");
    assert!(readyz_becomes(&server.base, 200, Duration::from_secs(30)).await, "the server reconnects by itself");
    wait_for_acknowledged(&writers, during + 20, Duration::from_secs(30)).await;
    let refused = writers.unavailable();
    let acknowledged = writers.stop().await;
    assert!(refused > 0, "writes during the outage were answered 503");

    let (code, out, err) = db.run(&["verify"], &[]);
    assert_eq!(code, 0, "the history is intact: {out}{err}");
    assert_appeals_readable(&server.base, &legal, &acknowledged).await;
    let space = "/api/v1/contracting-spaces/groningen/2027?as_of=2026-06-01";
    let live = status_of(&server.base, space, Some(&legal)).await;
    server.kill();
    let (code, _, err) = db.run(&["replay"], &[]);
    assert_eq!(code, 0, "{err}");
    let server = Server::start(&db, &[]);
    assert_eq!(status_of(&server.base, space, Some(&legal)).await, live, "the views equal a fresh replay");
}

/// Fills the file system of `folder` to the last byte with one file; the file, to delete for space to return.
fn fill_up(folder: &Path) -> PathBuf {
    let path = folder.join("ballast");
    let mut ballast = std::fs::File::create(&path).expect("a ballast file");
    for size in [1 << 16, 1 << 12, 1 << 9, 1] {
        let chunk = vec![0u8; size];
        while ballast.write_all(&chunk).is_ok() {}
    }
    let _ = ballast.sync_all();
    path
}

/// Runs a `termijn` command on the store in `folder` of the mount namespace of process `pid` (SQLite resolves
/// the /proc/PID/root link to this namespace's `/`, so a command must enter the namespace); its exit code and
/// output.
fn termijn_in(pid: u32, root: bool, folder: &str, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new("nsenter");
    command.args(["--target", &pid.to_string()]);
    if !root {
        command.args(["--user", "--preserve-credentials"]);
    }
    command.args(["--mount", "--"]).arg(termijn_tests::binary()).args(args).args(["--data-dir", folder]);
    let output = command.env_remove("DATABASE_URL").env("RUST_LOG", "warn").output().expect("nsenter runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn lodge(base: &str, token: &str, id: &str) -> (u16, bool, String, String) {
    let appeal = serde_json::json!({"appeal_id": id, "appellant": {"kind": "care_office", "id": "zk"},
        "region": "groningen", "year": 2027, "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-02"});
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/appeals"))
        .timeout(PATIENCE)
        .bearer_auth(token)
        .header("Idempotency-Key", id.replace(' ', "-"))
        .json(&appeal)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{id}: no answer within {PATIENCE:?}: {e}"));
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, retry_after, content_type, response.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_full_disk_refuses_writes_cleanly_and_they_are_recorded_once_space_returns() {
    // The server runs in a mount namespace of its own with a 24 MB tmpfs as its data folder; this test fills
    // that folder through the server's /proc/PID/root, and runs commands on its store inside the namespace.
    let mount_point = tempfile::tempdir().expect("a folder");
    let dir = mount_point.path().to_str().expect("a path").to_owned();
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = Command::new("unshare");
    if !root {
        command.arg("--map-root-user");
    }
    command.args(["--mount", "sh", "-c", r#"mount -t tmpfs -o size=24m termijn-small-disk "$0" && exec "$@""#, &dir]);
    command.arg(termijn_tests::binary()).args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &dir]);
    let server = Server::spawn(command);
    let inside = PathBuf::from(format!("/proc/{}/root{dir}", server.pid()));
    let (code, token, err) =
        termijn_in(server.pid(), root, &dir, &["token", "create", "--role", "legal", "--name", "mr. A. Jurist"]);
    assert_eq!(code, 0, "{err}");
    let legal = token.trim().to_owned();
    record_decision_appealed_by_writers(&server.base, &legal).await;

    let ballast = fill_up(&inside);
    let mut acknowledged = Vec::new();
    let mut refused = None;
    for n in 1..=2_000 {
        let id = format!("CBb disk/{n}");
        let (status, retry_after, content_type, body) = lodge(&server.base, &legal, &id).await;
        match status {
            201 => acknowledged.push(id),
            503 => {
                assert!(retry_after, "a 503 says when to retry: {body}");
                assert_eq!(content_type, "application/problem+json", "{body}");
                let problem: Value = serde_json::from_str(&body).expect("problem+json");
                assert_eq!(problem["type"], "/problems/unavailable", "{body}");
                refused = Some(id);
                break;
            }
            other => panic!("{id} on a full disk: {other} {body}"),
        }
    }
    let refused = refused.expect("a write is refused once the disk is full");
    // Reads go on, and what was refused is not there.
    let (status, _, body) = status_of(&server.base, "/api/v1/contracting-spaces/groningen/2027", Some(&legal)).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = status_of(&server.base, &format!("/api/v1/appeals/{}", segment(&refused)), Some(&legal)).await;
    assert_eq!(status, 404, "the refused write left nothing");

    std::fs::remove_file(&ballast).expect("space returns");
    let (status, _, _, body) = lodge(&server.base, &legal, &refused).await;
    assert_eq!(status, 201, "the refused write, sent again, is recorded: {body}\n{:#?}", server.log());
    acknowledged.push(refused);
    for n in 1..=10 {
        let id = format!("CBb disk/after/{n}");
        let (status, _, _, body) = lodge(&server.base, &legal, &id).await;
        assert_eq!(status, 201, "{body}");
        acknowledged.push(id);
    }
    let (code, out, err) = termijn_in(server.pid(), root, &dir, &["verify"]);
    assert_eq!(code, 0, "the history is intact: {out}{err}");
    assert_appeals_readable(&server.base, &legal, &acknowledged).await;
}
