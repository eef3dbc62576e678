//! A harness for black-box tests: starts the real `termijn` binary on port 0 with a fresh store (a temporary
//! SQLite folder, or a PostgreSQL database of its own), creates a token per role, and talks HTTP to it.
#![forbid(unsafe_code)]

pub mod browser;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection;

/// The `termijn` binary, built once if this test run has not built it yet.
pub fn binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(path) = option_env!("CARGO_BIN_EXE_termijn") {
                return PathBuf::from(path);
            }
            let target = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().and_then(Path::parent).map(Path::to_path_buf))
                .expect("the test binary lives in target/<profile>/deps");
            // The very build `scripts/test` runs, so that the binary shares every dependency already compiled
            // (a build of `-p termijn` alone resolves features differently and compiles them all again).
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
                .args(["test", "--workspace", "--locked", "--features", "termijn/crash-points", "--no-run", "--quiet"])
                .status()
                .expect("cargo runs");
            assert!(status.success(), "the termijn binary builds");
            target.join("termijn")
        })
        .clone()
}

/// Where a test's register is kept.
pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Db {
    pub fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().expect("a temporary folder"))
    }

    /// A new PostgreSQL database on the server the test command started; `None` only when
    /// `TERMIJN_TEST_SKIP_POSTGRES=1` says to skip PostgreSQL deliberately.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var("TERMIJN_TEST_PG_ADMIN_URL") else {
            if std::env::var("TERMIJN_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
                eprintln!("skipped: the PostgreSQL part of this test (TERMIJN_TEST_SKIP_POSTGRES=1)");
                return None;
            }
            panic!("TERMIJN_TEST_PG_ADMIN_URL is not set: run the tests with scripts/test");
        };
        let name = format!("termijn_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a test database");
        Some(Self::Postgres { admin_url, name })
    }

    /// The store options to pass to every `termijn` command.
    pub fn args(&self) -> Vec<String> {
        match self {
            Self::Sqlite(dir) => vec!["--data-dir".to_owned(), dir.path().display().to_string()],
            Self::Postgres { admin_url, name } => vec![
                "--database-url".to_owned(),
                database_url(admin_url, name),
                // The register's checkpoint key, shared by every server on this database.
                "--checkpoint-key".to_owned(),
                pg_checkpoint_key(name).display().to_string(),
            ],
        }
    }

    pub fn url(&self) -> Option<String> {
        match self {
            Self::Sqlite(dir) => Some(format!("sqlite://{}", dir.path().join("termijn.db").display())),
            Self::Postgres { admin_url, name } => Some(database_url(admin_url, name)),
        }
    }

    /// Runs a `termijn` command on this store and returns its exit code, standard output and standard error.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let mut command = Command::new(binary());
        command.args(args).args(self.args()).env_remove("DATABASE_URL").env("RUST_LOG", "warn");
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().expect("termijn runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Creates a token and returns it, as a script would capture it.
    pub fn token(&self, role: &str, name: &str, provider: Option<&str>) -> String {
        let mut args = vec!["token", "create", "--role", role, "--name", name];
        if let Some(p) = provider {
            args.extend(["--provider", p]);
        }
        let (code, out, err) = self.run(&args, &[]);
        assert_eq!(code, 0, "token create failed: {err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "the token is alone on standard output");
        lines[0].to_owned()
    }
}

/// Where the checkpoint key of the test database `name` is kept.
fn pg_checkpoint_key(name: &str) -> PathBuf {
    std::env::temp_dir().join("termijn-test-keys").join(format!("{name}.key"))
}

fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            let _ = std::fs::remove_file(pg_checkpoint_key(name));
            let (admin_url, name) = (admin_url.clone(), name.clone());
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                runtime.block_on(async {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Runs a `termijn` command as given (no store options added): its exit code, standard output and error.
pub fn run_termijn(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(binary()).args(args).env_remove("DATABASE_URL").env("RUST_LOG", "warn").output();
    let output = output.expect("termijn runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// What a Python script of the independent readers (`tests/python-requirements.txt`) prints as JSON, given
/// `input` on its standard input; `None` only when `TERMIJN_TEST_SKIP_PYTHON=1` says to skip them deliberately.
pub fn python_reads(reader: &str, script: &str, input: &str) -> Option<Value> {
    let python = match std::env::var("TERMIJN_TEST_PYTHON") {
        Ok(python) => python,
        Err(_) if std::env::var("TERMIJN_TEST_SKIP_PYTHON").is_ok_and(|v| v == "1") => {
            eprintln!("skipped: reading with {reader} (TERMIJN_TEST_SKIP_PYTHON=1)");
            return None;
        }
        Err(_) => panic!("TERMIJN_TEST_PYTHON is not set: run the tests with scripts/test"),
    };
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.as_bytes()).expect("written");
    let output = child.wait_with_output().expect("python ends");
    assert!(output.status.success(), "{reader} cannot read it: {}\n{input}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_slice(&output.stdout).expect("JSON from python"))
}

/// A running `termijn serve`.
pub struct Server {
    child: Child,
    pub base: String,
    log: std::sync::Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `termijn serve` on port 0 and waits until it listens.
    pub fn start(db: &Db, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary());
        command.args(["serve", "--listen", "127.0.0.1:0"]).args(db.args());
        for (k, v) in env {
            command.env(k, v);
        }
        Self::spawn(command)
    }

    /// Starts a command that runs `termijn serve` (the binary itself, or a wrapper that ends by running it),
    /// logging to standard error, and waits until it listens.
    pub fn spawn(mut command: Command) -> Self {
        if !command.get_envs().any(|(name, _)| name == "RUST_LOG") {
            command.env("RUST_LOG", "info");
        }
        if !command.get_envs().any(|(name, _)| name == "DATABASE_URL") {
            command.env_remove("DATABASE_URL");
        }
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("termijn serve starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                // The address ends the line in text logs, and the message in JSON logs.
                if let Some(address) = line.split("listening on ").nth(1) {
                    let address = address.split(|c: char| c == '"' || c.is_whitespace()).next().unwrap_or_default();
                    let _ = tx.send(address.to_owned());
                }
                sink.lock().expect("log lock").push(line);
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| {
            panic!("termijn serve did not start: {:?}", log.lock().map(|l| l.clone()).unwrap_or_default())
        });
        Self { child, base, log }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// Kills the server at once (SIGKILL).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits until the process has ended by itself, for at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A started server with a store of its own and a token for every role.
pub struct TestApp {
    pub db: Db,
    pub server: Server,
    pub http: reqwest::Client,
    pub legal: String,
    pub auditor: String,
    /// Provider 12345678.
    pub provider_a: String,
    /// Provider 87654321.
    pub provider_b: String,
}

pub const PROVIDER_A: &str = "12345678";
pub const PROVIDER_B: &str = "87654321";

/// What an HTTP call answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// Asserts a problem+json answer with this status, and returns its body.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.content_type, "application/problem+json", "{}", self.text);
        let body = self.json();
        assert_eq!(body["status"], status);
        for key in ["type", "title", "detail"] {
            assert!(body[key].is_string(), "problem without {key}: {body}");
        }
        body
    }

    /// The fields a 422 names.
    pub fn bad_fields(&self) -> Vec<String> {
        let body = self.problem(422);
        body["errors"]
            .as_array()
            .expect("a 422 lists its errors")
            .iter()
            .map(|e| e["field"].as_str().expect("each error names its field").to_owned())
            .collect()
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_on(Db::sqlite()).await
    }

    pub async fn spawn_postgres() -> Option<Self> {
        Some(Self::spawn_on(Db::postgres().await?).await)
    }

    pub async fn spawn_on(db: Db) -> Self {
        Self::spawn_with(db, &[]).await
    }

    /// A server started with these environment variables (such as `TERMIJN_REFERENCE_DIR`).
    pub async fn spawn_with(db: Db, env: &[(&str, &str)]) -> Self {
        // Migrations run at the first command; the tokens need the schema.
        let legal = db.token("legal", "mr. A. Jurist", None);
        let auditor = db.token("auditor", "drs. B. Auditor", None);
        let provider_a = db.token("provider", "Zorggroep Noord", Some(PROVIDER_A));
        let provider_b = db.token("provider", "Zorggroep Zuid", Some(PROVIDER_B));
        let server = Server::start(&db, env);
        Self { db, server, http: reqwest::Client::new(), legal, auditor, provider_a, provider_b }
    }

    /// Stops the server and starts it again on the same store, with these environment variables.
    pub fn restart(&mut self, env: &[(&str, &str)]) {
        self.server.kill();
        self.server = Server::start(&self.db, env);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base, path)
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type =
            headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        Answer { status, content_type, headers, text: response.text().await.expect("a body") }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.expect("the server answers")).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.post_with(path, token, body, &[]).await
    }

    pub async fn post_with(&self, path: &str, token: Option<&str>, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.http.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::answer(request.send().await.expect("the server answers")).await
    }

    /// Sends a raw body with a content type, for malformed-input tests.
    pub async fn post_raw(&self, path: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> Answer {
        let mut request = self.http.post(self.url(path)).header("content-type", content_type).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::answer(request.send().await.expect("the server answers")).await
    }
}

/// A client that does not follow redirects, as a test reading the web pages wants it, and the session cookie
/// (`name=value`) of a login through the login form of the server at `base`.
pub async fn web_session(base: &str, token: &str) -> (reqwest::Client, String) {
    let pages = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let login = pages
        .post(format!("{base}/login"))
        .form(&[("token", token), ("terug", "/")])
        .send()
        .await
        .expect("the login form answers");
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    (pages, cookie)
}

/// Percent-encodes a path segment (an appeal id such as `CBb 26/0123`): everything but the unreserved
/// characters of RFC 3986.
pub fn segment(raw: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(raw, UNRESERVED).to_string()
}

/// Clients that keep lodging appeals (`CBb {tag}/{client}/{n}`) against one contracting-space decision until
/// stopped, each with its own `Idempotency-Key`. One the server cannot take now (503 problem+json with
/// `Retry-After`, or 409 while a retry of it is still being recorded) is sent again with the same key until it
/// is acknowledged; anything else, or no answer within `patience`, fails the test.
pub struct Writers {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    acknowledged: std::sync::Arc<Mutex<Vec<String>>>,
    unavailable: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Writers {
    pub fn start(base: &str, token: &str, tag: &str, clients: usize, patience: Duration) -> Self {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let http = reqwest::Client::builder().timeout(patience).build().expect("a client");
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let unavailable = Arc::new(AtomicUsize::new(0));
        let tasks = (0..clients)
            .map(|client| {
                let (http, base, token, tag) = (http.clone(), base.to_owned(), token.to_owned(), tag.to_owned());
                let (stop, acknowledged, unavailable) = (stop.clone(), acknowledged.clone(), unavailable.clone());
                tokio::spawn(async move {
                    let mut n = 0;
                    'appeals: while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let id = format!("CBb {tag}/{client}/{n}");
                        let appeal = serde_json::json!({"appeal_id": id,
                            "appellant": {"kind": "care_office", "id": "zk"}, "region": "groningen", "year": 2027,
                            "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-02"});
                        loop {
                            let response = http
                                .post(format!("{base}/api/v1/appeals"))
                                .bearer_auth(&token)
                                .header("Idempotency-Key", id.replace(' ', "-"))
                                .json(&appeal)
                                .send()
                                .await
                                .unwrap_or_else(|e| panic!("{id}: no answer within {patience:?}: {e}"));
                            let status = response.status().as_u16();
                            let retry_after = response.headers().contains_key("retry-after");
                            let content_type = response
                                .headers()
                                .get("content-type")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_owned();
                            let text = response.text().await.unwrap_or_default();
                            match status {
                                200 | 201 => {
                                    acknowledged.lock().expect("lock").push(id);
                                    continue 'appeals;
                                }
                                503 => {
                                    assert!(retry_after, "{id}: a 503 says when to retry: {text}");
                                    assert_eq!(content_type, "application/problem+json", "{id}: {text}");
                                    unavailable.fetch_add(1, Ordering::SeqCst);
                                }
                                409 if text.contains("being recorded") => {}
                                other => panic!("{id}: a write was answered {other}: {text}"),
                            }
                            if stop.load(Ordering::SeqCst) {
                                break 'appeals;
                            }
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                })
            })
            .collect();
        Self { stop, acknowledged, unavailable, tasks }
    }

    /// The appeals acknowledged so far.
    pub fn acknowledged(&self) -> Vec<String> {
        self.acknowledged.lock().expect("lock").clone()
    }

    /// How many answers so far were 503.
    pub fn unavailable(&self) -> usize {
        self.unavailable.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stops the clients (each finishes the request it is waiting for) and returns every appeal acknowledged.
    pub async fn stop(self) -> Vec<String> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let acknowledged = self.acknowledged.clone();
        for task in self.tasks {
            task.await.expect("a writing client ends without failing");
        }
        acknowledged.lock().expect("lock").clone()
    }
}

/// Records the contracting-space decision `NZa-RCS-2025-11` (Groningen 2027) that [`Writers`] appeal against.
pub async fn record_decision_appealed_by_writers(base: &str, token: &str) {
    let decision = serde_json::json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment",
        "decided_on": "2025-11-10", "announced_on": "2025-11-14",
        "spaces": [{"region": "groningen", "year": 2027, "amount": "1.00"}]});
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/contracting-space-decisions"))
        .bearer_auth(token)
        .json(&decision)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 201, "{}", response.text().await.unwrap_or_default());
}

/// Asserts that every appeal in `ids` can be read, and that every appeal the history holds can be read too
/// (nothing recorded half).
pub async fn assert_appeals_readable(base: &str, token: &str, ids: &[String]) {
    let http = reqwest::Client::new();
    let get = |path: String| {
        let request = http.get(format!("{base}{path}")).bearer_auth(token);
        async move {
            let response = request.send().await.expect("answers");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for id in ids {
        let (status, _) = get(format!("/api/v1/appeals/{}", segment(id))).await;
        assert_eq!(status, 200, "acknowledged appeal {id} is there");
    }
    let mut after = 0;
    loop {
        let (status, page) = get(format!("/api/v1/history?limit=1000&after={after}")).await;
        assert_eq!(status, 200, "{page}");
        for event in page["events"].as_array().expect("events") {
            if event["type"] == "AppealLodged" {
                let id = event["stream"].as_str().expect("a stream").trim_start_matches("appeal/");
                let (status, _) = get(format!("/api/v1/appeals/{}", segment(id))).await;
                assert_eq!(status, 200, "{id} in the log is in the views too");
            }
        }
        match page["next_after"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
}
