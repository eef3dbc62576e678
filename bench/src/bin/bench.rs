//! The benchmark run of `bench/run`: writes, rebuild and queries, each against its ceiling or its small-history
//! twin, measured in one run on this machine, on the embedded store and (when a server is given) PostgreSQL; the
//! Merkle tree's cost and proofs; and the same writes and rebuild through cqrs-es's own framework (`peer`).
//!
//! `BENCH_ONLY=writes|rebuild|queries|audit|peer` measures one part alone.
//!
//!     bench [--quick | --huge] [--seed N] [--binary target/release/termijn] [--work DIR]
//!
//! PostgreSQL is measured when `TERMIJN_TEST_PG_ADMIN_URL` names a server (bench/run starts one).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{ConnectOptions, Connection, Executor};
use termijn::auth::{Role, create_token};
use termijn::service::Service;
use termijn::store::{Durability, EventQuery, Store, StoreLocation};
use termijn_bench::history::{FIRST_YEAR, Generated, HistorySpec, generate};
use termijn_bench::peer::{self, PeerPlace};
use termijn_bench::server::{Served, percentile};
use termijn_domain::reference::LegalContext;

const PROVIDERS: u32 = 2_500;
const WRITE_CLIENTS: usize = 32;
const WRITE_SECONDS: u64 = 10;
const QUERY_SAMPLES: usize = 300;
/// The terms a page of deadlines holds when the benchmark asks for one.
const DEADLINES_PAGE: usize = 200;
const WARM_UP_VIEWS: usize = 20;

struct Options {
    quick: bool,
    /// The cost of growth: the embedded store at 1,000,000 and at 10,000,000 events.
    huge: bool,
    seed: u64,
    binary: PathBuf,
    work: PathBuf,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        quick: false,
        huge: false,
        seed: 36_486,
        binary: PathBuf::from("target/release/termijn"),
        work: std::env::temp_dir().join("termijn-bench"),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--huge" => options.huge = true,
            "--seed" => options.seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N"),
            "--binary" => options.binary = PathBuf::from(args.next().expect("--binary PATH")),
            "--work" => options.work = PathBuf::from(args.next().expect("--work DIR")),
            other => panic!("unknown argument {other}"),
        }
    }
    options
}

impl Options {
    /// The events of the large history.
    fn large_events(&self) -> u64 {
        if self.quick { 100_000 } else { 1_000_000 }
    }

    /// Where the writes are measured: the embedded store, and PostgreSQL when a server is given.
    fn write_places(&self) -> Vec<(&'static str, Place)> {
        let mut places = vec![("sqlite", Place::Sqlite(self.work.join("writes")))];
        if let Ok(admin_url) = std::env::var("TERMIJN_TEST_PG_ADMIN_URL") {
            places.push(("postgres", Place::Postgres { admin_url, name: "termijn_bench_writes".to_owned() }));
        }
        places
    }
}

/// A place to keep a register for one measurement.
#[derive(Clone)]
enum Place {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Place {
    fn location(&self) -> StoreLocation {
        match self {
            Self::Sqlite(dir) => StoreLocation::Sqlite(dir.clone()),
            Self::Postgres { admin_url, name } => StoreLocation::Postgres(database_url(admin_url, name)),
        }
    }

    fn args(&self) -> Vec<String> {
        match self {
            Self::Sqlite(dir) => vec!["--data-dir".into(), dir.display().to_string()],
            Self::Postgres { admin_url, name } => vec![
                "--database-url".into(),
                database_url(admin_url, name),
                "--checkpoint-key".into(),
                self.key_file().display().to_string(),
            ],
        }
    }

    async fn create(&self) {
        match self {
            Self::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin_url, name } => {
                let _ = std::fs::remove_file(self.key_file());
                let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("PostgreSQL answers");
                admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.expect("drop");
                admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create");
            }
        }
    }
}

impl Place {
    /// Where the cqrs-es peer keeps its own database, beside this place: a folder, or a database of the server.
    fn peer(&self) -> PeerPlace {
        match self {
            Self::Sqlite(dir) => PeerPlace::Sqlite(dir.with_file_name("cqrs-es-peer")),
            Self::Postgres { admin_url, .. } => PeerPlace::Postgres(database_url(admin_url, "termijn_bench_peer")),
        }
    }

    /// The checkpoint key file the server uses: in the data folder on SQLite, given on PostgreSQL.
    fn key_file(&self) -> PathBuf {
        match self {
            Self::Sqlite(dir) => dir.join("checkpoint.key"),
            Self::Postgres { name, .. } => std::env::temp_dir().join(format!("termijn-bench-{name}.key")),
        }
    }

    /// Brings a database to rest after a bulk load or a replay, as a register that has run a while is: on
    /// PostgreSQL the tables are vacuumed and analysed and a checkpoint is taken, so that neither autovacuum nor a
    /// checkpoint set off by the load runs while anything is measured, and no row is read for the first time by
    /// what is measured; SQLite's write-ahead log is checkpointed into the database file and emptied, so that
    /// what is measured reads the file, not the log.
    async fn settle(&self) {
        match self {
            Self::Postgres { admin_url, name } => {
                let mut connection =
                    sqlx::PgConnection::connect(&database_url(admin_url, name)).await.expect("answers");
                connection.execute("VACUUM (ANALYZE)").await.expect("vacuum");
                connection.execute("CHECKPOINT").await.expect("checkpoint");
            }
            Self::Sqlite(dir) => {
                let mut connection = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(dir.join("termijn.db"))
                    .connect()
                    .await
                    .expect("the register's file");
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("a checkpoint");
            }
        }
    }
}

fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    format!("{}/{name}", base.rsplit_once('/').map_or(base, |(server, _)| server))
}

fn context() -> Arc<LegalContext> {
    Arc::new(LegalContext::shipped().expect("the shipped reference data"))
}

/// Generates a history of about `events` events into `place` (relaxed durability: loading is not measured).
async fn history(place: &Place, events: u64, seed: u64) -> Generated {
    place.create().await;
    let store = Store::open_with(&place.location(), Durability::Relaxed).await.expect("a store");
    let service = Service::new(store, context());
    let started = Instant::now();
    // A larger register has more providers as well as a longer history: past a million events the providers
    // grow with the events, so that every history spans about a century of years.
    let providers = providers_for(events);
    let generated = generate(&service, HistorySpec { events, seed, providers }).await.expect("history");
    eprintln!(
        "  generated {} events ({}-{}) in {:.0} s",
        generated.events,
        generated.years.start(),
        generated.years.end(),
        started.elapsed().as_secs_f64()
    );
    generated
}

/// The providers of a history of `events` events: 2,500, and past a million events one for every 400.
fn providers_for(events: u64) -> u32 {
    PROVIDERS.max(u32::try_from(events / 400).unwrap_or(u32::MAX))
}

/// Copies a generated history into another place (positions and hashes kept), rebuilds its views and brings its
/// Merkle tree to cover the log.
async fn copy_history(from: &Place, to: &Place) {
    to.create().await;
    let source = Store::open(&from.location()).await.expect("the source");
    let target = Store::open_with(&to.location(), Durability::Relaxed).await.expect("the target");
    let mut after = 0;
    loop {
        let rows = source.rows(&EventQuery { after, limit: 5_000, ..EventQuery::default() }).await.expect("rows");
        let Some(last) = rows.last() else { break };
        after = last.position;
        target.import_rows(&rows).await.expect("import");
    }
    target.rebuild_views(&mut |_, _| {}).await.expect("views");
    drop(target);
    // Opened once more, as the server is at its first start, the copy's Merkle tree is brought to cover the
    // imported log, so that no replay or read measured later pays for it.
    Store::open(&to.location()).await.expect("the copy opens");
}

async fn token(place: &Place, role: Role) -> String {
    let store = Store::open(&place.location()).await.expect("a store");
    create_token(&store, role, "bench", None).await.expect("a token")
}

/// Appeals and tariff decisions posted by 32 concurrent clients through the HTTP API for a fixed time, spread
/// over every region and five years as NZa staff would record them: acknowledged writes per second.
async fn write_throughput(binary: &Path, place: &Place) -> f64 {
    write_throughput_with(binary, place, &[]).await
}

/// `write_throughput` of a server started with `env`, on an empty register.
async fn write_throughput_with(binary: &Path, place: &Place, env: &[(&str, &str)]) -> f64 {
    place.create().await;
    writes_into(binary, place, env).await
}

/// `write_throughput` into the register `place` holds, whatever it holds already.
async fn writes_into(binary: &Path, place: &Place, env: &[(&str, &str)]) -> f64 {
    let legal = token(place, Role::Legal).await;
    let server = Served::start_with(binary, &place.args(), env);
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("a client");
    // The regions of every year written to: not those merged away before 2026.
    let regions: Vec<String> = context()
        .regions
        .all()
        .iter()
        .filter(|r| (2026..=2030).all(|year| r.exists_in(year)))
        .map(|r| r.slug.to_string())
        .collect();
    let spaces: Vec<Value> = regions
        .iter()
        .flat_map(|r| (2026..=2030).map(move |year| json!({"region": r, "year": year, "amount": "700000000.00"})))
        .collect();
    let decision = json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment", "decided_on": "2025-11-10",
        "announced_on": "2025-11-14", "spaces": spaces});
    let created = http
        .post(format!("{}/api/v1/contracting-space-decisions", server.base))
        .bearer_auth(&legal)
        .json(&decision)
        .send()
        .await
        .expect("answers");
    // A register that holds a history may have the decision already (409): the writes are the same.
    assert!(matches!(created.status().as_u16(), 201 | 409), "{}", created.status());
    let regions = Arc::new(regions);
    // The ids of this run's writes are its own: a register measured again as it stands (`--huge`) holds those of
    // the runs before, and a repeated id is answered 409 and not counted.
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..WRITE_CLIENTS)
        .map(|client| {
            let (http, base, legal, stop, done, regions) =
                (http.clone(), server.base.clone(), legal.clone(), stop.clone(), done.clone(), regions.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let slot = client as u64 * 1_000_003 + n;
                    let region = &regions[(slot % regions.len() as u64) as usize];
                    let year = 2026 + (slot / regions.len() as u64 % 5) as i32;
                    let (path, body) = if n.is_multiple_of(2) {
                        ("/api/v1/appeals", json!({"appeal_id": format!("CBb w{run}/{client}/{n}"),
                            "appellant": {"kind": "care_office", "id": "zk"}, "region": region, "year": year,
                            "against_decision": "NZa-RCS-2025-11", "received_on": format!("{year}-03-02")}))
                    } else {
                        ("/api/v1/tariff-decisions", json!({"decision_id": format!("NZa-TB-w{run}-{client}-{n}"),
                            "provider": format!("{:08}", 20_000_000 + slot % 5_000), "year": year, "regions": [region],
                            "kind": "tariff", "decided_on": format!("{year}-01-20"), "announced_on": format!("{year}-01-23")}))
                    };
                    let response = http.post(format!("{base}{path}")).bearer_auth(&legal).json(&body).send().await;
                    if response.is_ok_and(|r| r.status().as_u16() == 201) {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(WRITE_SECONDS)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    for client in clients {
        let _ = client.await;
    }
    done.load(Ordering::Relaxed) as f64 / elapsed
}

/// What the Merkle tree costs a write: `write_throughput` with the tree and with a writer that leaves it behind,
/// alternated three times each so that drift in the machine falls on both; the medians, with and without.
async fn tree_cost(binary: &Path, place: &Place) -> (f64, f64) {
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        with.push(write_throughput(binary, place).await);
        without.push(write_throughput_with(binary, place, &[("TERMIJN_MEASURE_WITHOUT_TREE", "1")]).await);
    }
    with.sort_by(f64::total_cmp);
    without.sort_by(f64::total_cmp);
    (with[1], without[1])
}

/// Proofs and checkpoint signing at the large history, in the process, from the stored tree.
#[derive(Debug)]
struct AuditLatencies {
    inclusion_p50: f64,
    inclusion_p99: f64,
    consistency_p99: f64,
    sign_p50: f64,
    sign_p99: f64,
}

async fn audit_latencies(place: &Place, seed: u64) -> AuditLatencies {
    let store = Store::open(&place.location()).await.expect("a store");
    let size = store.tree_size().await.expect("the tree");
    assert!(size > 0, "the history is in the tree");
    let mut rng = termijn_bench::Rng::new(seed);
    let time = |started: Instant| started.elapsed().as_secs_f64() * 1_000.0;
    let mut inclusion = Vec::with_capacity(QUERY_SAMPLES);
    for _ in 0..QUERY_SAMPLES {
        let position = 1 + rng.below(size) as i64;
        let started = Instant::now();
        std::hint::black_box(termijn::audit::inclusion_proof(&store, position, size).await.expect("a proof"));
        inclusion.push(time(started));
    }
    let mut consistency = Vec::with_capacity(QUERY_SAMPLES);
    for _ in 0..QUERY_SAMPLES {
        let from = 1 + rng.below(size);
        let started = Instant::now();
        std::hint::black_box(termijn::audit::consistency_proof(&store, from, size).await.expect("a proof"));
        consistency.push(time(started));
    }
    // Signing as the server does: the root from the stored hashes, the signature, the record.
    let checkpoints = termijn::audit::Checkpoints::open(store.clone(), &place.key_file(), "termijn/bench")
        .await
        .expect("the checkpoint key");
    let mut sign = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        let tree = 1 + rng.below(size);
        let started = Instant::now();
        std::hint::black_box(checkpoints.sign(tree).await.expect("a checkpoint"));
        sign.push(time(started));
    }
    for samples in [&mut inclusion, &mut consistency, &mut sign] {
        samples.sort_by(f64::total_cmp);
    }
    AuditLatencies {
        inclusion_p50: percentile(&inclusion, 50.0),
        inclusion_p99: percentile(&inclusion, 99.0),
        consistency_p99: percentile(&consistency, 99.0),
        sign_p50: percentile(&sign, 50.0),
        sign_p99: percentile(&sign, 99.0),
    }
}

/// Raw single-row durable commits, one after the other, with the store's own settings and nothing around them.
async fn write_ceiling(place: &Place) -> f64 {
    place.create().await;
    let started;
    let mut commits = 0u64;
    match place {
        Place::Sqlite(dir) => {
            std::fs::create_dir_all(dir).expect("a folder");
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.join("ceiling.db"))
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
            let mut connection = options.connect().await.expect("SQLite opens");
            connection
                .execute("CREATE TABLE events (position INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
                .await
                .expect("table");
            started = Instant::now();
            while started.elapsed() < Duration::from_secs(WRITE_SECONDS) {
                commits += 1;
                sqlx::query("INSERT INTO events (position, payload) VALUES ($1, $2)")
                    .bind(commits as i64)
                    .bind(r#"{"AppealLodged":{"appeal_id":"CBb 26/0001"}}"#)
                    .execute(&mut connection)
                    .await
                    .expect("a commit");
            }
        }
        Place::Postgres { admin_url, name } => {
            let mut connection = sqlx::PgConnection::connect(&database_url(admin_url, name)).await.expect("answers");
            connection
                .execute("CREATE TABLE ceiling (position BIGINT PRIMARY KEY, payload JSON NOT NULL)")
                .await
                .expect("table");
            started = Instant::now();
            while started.elapsed() < Duration::from_secs(WRITE_SECONDS) {
                commits += 1;
                sqlx::query("INSERT INTO ceiling (position, payload) VALUES ($1, CAST($2 AS json))")
                    .bind(commits as i64)
                    .bind(r#"{"AppealLodged":{"appeal_id":"CBb 26/0001"}}"#)
                    .execute(&mut connection)
                    .await
                    .expect("a commit");
            }
        }
    }
    commits as f64 / started.elapsed().as_secs_f64()
}

/// `termijn replay` on the history, as a user runs it: events per second.
fn rebuild_rate(binary: &Path, place: &Place, events: u64) -> f64 {
    let started = Instant::now();
    let output = std::process::Command::new(binary)
        .arg("replay")
        .args(place.args())
        .env("RUST_LOG", "warn,termijn::store=info")
        .output()
        .expect("replay runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The replay's own account of its phases (reading, writing the rows back, indexing, committing).
    if let Some(phases) = String::from_utf8_lossy(&output.stderr).lines().find(|l| l.contains("views rebuilt")) {
        eprintln!("  {}", phases.split_once("views rebuilt").map_or(phases, |(_, rest)| rest).trim());
    }
    events as f64 / started.elapsed().as_secs_f64()
}

/// Reading and decoding every event row, without any projection work: events per second.
async fn read_ceiling(place: &Place) -> f64 {
    let store = Store::open(&place.location()).await.expect("a store");
    let started = Instant::now();
    let (mut after, mut count) = (0, 0u64);
    loop {
        let rows = store.rows(&EventQuery { after, limit: 10_000, ..EventQuery::default() }).await.expect("rows");
        let Some(last) = rows.last() else { break };
        after = last.position;
        for row in &rows {
            let event = row.to_recorded().expect("a recorded event");
            std::hint::black_box(event.decode().expect("a typed event"));
            count += 1;
        }
    }
    count as f64 / started.elapsed().as_secs_f64()
}

#[derive(Debug)]
struct Latencies {
    space_p50: f64,
    space_p99: f64,
    deadlines_p50: f64,
    deadlines_p99: f64,
    /// The first page (`limit=200`) of the same year of deadlines: what a person waits for before the first terms
    /// are on their screen.
    deadlines_page_p99: f64,
    /// `GET /api/v1/deadlines` with no filter: the next eight weeks.
    deadlines_default_p99: f64,
    /// The web interface's Termijnen page (the next eight weeks) and a Regio-jaar page, rendered.
    termijnen_page_p99: f64,
    regio_jaar_page_p99: f64,
    /// A what-if amending one region-year.
    what_if_p99: f64,
    /// The preview of an imported table of 31 regions by 5 years.
    import_preview_p99: f64,
    peak_rss_mb: f64,
    /// From starting `termijn serve` until it listens, the register read in.
    startup_s: f64,
}

/// The first deadlines query after a start, asked again while it is answered 503 with `Retry-After`, as a client
/// would; then, until `/metrics` says the deadlines index has caught up with the whole history (after a
/// rebuild or a new history, every region-year's terms), the measurement waits, so that it measures the
/// register at rest rather than the queries that judge from the facts meanwhile.
async fn warm_up_deadlines(http: &reqwest::Client, token: &str, base: &str, year: i32) {
    let started = Instant::now();
    loop {
        let response = http
            .get(format!("{base}/api/v1/deadlines?from={year}-01-01&to={year}-12-31"))
            .bearer_auth(token)
            .send()
            .await
            .expect("answers");
        if response.status().is_success() {
            break;
        }
        assert_eq!(response.status().as_u16(), 503, "the first deadlines query");
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the deadlines index is not up to date after ten minutes"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let answered = started.elapsed();
    loop {
        let metrics = http.get(format!("{base}/metrics")).send().await.expect("answers");
        let text = metrics.text().await.expect("the metrics");
        let behind = text
            .lines()
            .find_map(|l| l.strip_prefix("termijn_deadlines_index_behind "))
            .and_then(|v| v.trim().parse::<f64>().ok());
        // A server without the gauge (an older build) is measured as soon as it answers.
        if behind.is_none_or(|behind| behind == 0.0) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the deadlines index is not up to date after ten minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "  the first deadlines query was answered after {:.1} s; the deadlines index was up to date after {:.1} s",
        answered.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

/// Region-year views and a year of deadlines, sampled from the middle of the history.
async fn query_latencies(binary: &Path, place: &Place, generated: &Generated, seed: u64) -> Latencies {
    let auditor = token(place, Role::Auditor).await;
    let legal = token(place, Role::Legal).await;
    place.settle().await;
    let server = Served::start(binary, &place.args());
    let http = reqwest::Client::new();
    let (first, last) = (*generated.years.start(), *generated.years.end());
    // The regions of every year of the history, so that each sampled region-year exists.
    let regions: Vec<String> = context()
        .regions
        .all()
        .iter()
        .filter(|r| (first..=last).all(|year| r.exists_in(year)))
        .map(|r| r.slug.to_string())
        .collect();
    let middle = first + (last - first) / 2;
    let get = |path: String| {
        let (http, auditor, base) = (http.clone(), auditor.clone(), server.base.clone());
        async move {
            let started = Instant::now();
            let response = http.get(format!("{base}{path}")).bearer_auth(&auditor).send().await.expect("answers");
            assert!(response.status().is_success(), "{path}: {}", response.status());
            let body: Value = response.json().await.expect("JSON");
            std::hint::black_box(body);
            started.elapsed().as_secs_f64() * 1_000.0
        }
    };
    // Warm up: the first deadlines query brings the deadlines index up to date with the whole history; the
    // first views after the start pay for threads' first allocations. Neither is timed, at either history.
    warm_up_deadlines(&http, &auditor, &server.base, middle).await;
    let mut rng = termijn_bench::Rng::new(seed);
    for _ in 0..WARM_UP_VIEWS {
        let region = &regions[rng.below(regions.len() as u64) as usize];
        let year = first + rng.below((last - first + 1) as u64) as i32;
        get(format!("/api/v1/contracting-spaces/{region}/{year}?as_of={year}-06-30")).await;
    }
    let mut space = Vec::with_capacity(QUERY_SAMPLES);
    for _ in 0..QUERY_SAMPLES {
        let region = &regions[rng.below(regions.len() as u64) as usize];
        let year = first + rng.below((last - first + 1) as u64) as i32;
        space.push(get(format!("/api/v1/contracting-spaces/{region}/{year}?as_of={year}-06-30")).await);
    }
    // The deadlines as a user first asks for them: no filter, the next eight weeks from today.
    let mut deadlines_default = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        deadlines_default.push(get("/api/v1/deadlines".to_owned()).await);
    }
    let mut deadlines = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        let year = first + rng.below((last - first + 1) as u64) as i32;
        deadlines.push(get(format!("/api/v1/deadlines?from={year}-01-01&to={year}-12-31&as_of={year}-06-30")).await);
    }
    let mut deadlines_page = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        let year = first + rng.below((last - first + 1) as u64) as i32;
        let path =
            format!("/api/v1/deadlines?from={year}-01-01&to={year}-12-31&as_of={year}-06-30&limit={DEADLINES_PAGE}");
        deadlines_page.push(get(path).await);
    }
    // What-if: an amendment of one region-year, judged in the middle of its year; nothing is recorded.
    let what_if = |region: String, year: i32| {
        let (http, legal, base) = (http.clone(), legal.clone(), server.base.clone());
        async move {
            let body = json!({"as_of": format!("{year}-06-30"), "entries": [{"contracting_space_decision": {
                "decision_id": "BENCH-WAT-ALS", "kind": "amendment", "decided_on": format!("{year}-06-01"),
                "announced_on": format!("{year}-06-02"), "reason": "wat als",
                "spaces": [{"region": region, "year": year, "amount": "1000000.00"}]}}]});
            let started = Instant::now();
            let response = http
                .post(format!("{base}/api/v1/what-if"))
                .bearer_auth(&legal)
                .json(&body)
                .send()
                .await
                .expect("answers");
            assert!(response.status().is_success(), "what-if: {}", response.status());
            std::hint::black_box(response.json::<Value>().await.expect("JSON"));
            started.elapsed().as_secs_f64() * 1_000.0
        }
    };
    let mut what_ifs = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        let region = regions[rng.below(regions.len() as u64) as usize].clone();
        let year = first + rng.below((last - first + 1) as u64) as i32;
        what_ifs.push(what_if(region, year).await);
    }
    // The preview of an imported table as the NZa publishes it: 31 regions by five years, wide, in CSV.
    let years: Vec<i32> = (last..last + 5).collect();
    let table_regions: Vec<String> = context()
        .regions
        .all()
        .iter()
        .filter(|r| years.iter().all(|year| r.exists_in(*year)))
        .take(31)
        .map(|r| r.name.clone())
        .collect();
    let mut table = format!("Zorgkantoorregio;{}\r\n", years.iter().map(i32::to_string).collect::<Vec<_>>().join(";"));
    for (i, region) in table_regions.iter().enumerate() {
        let amounts: Vec<String> = years.iter().map(|y| format!("€ {}.{:03}.000,00", 800 + i, y % 1000)).collect();
        table.push_str(&format!("{region};{}\r\n", amounts.join(";")));
    }
    let cells = table_regions.len() * years.len();
    let import_preview = || {
        let (http, legal, base, table) = (http.clone(), legal.clone(), server.base.clone(), table.clone());
        async move {
            let query = format!(
                "decision_id=BENCH-IMPORT&kind=amendment&decided_on={last}-06-01&announced_on={last}-06-02\
                &reason=inlezen&dry_run=true&as_of={last}-06-30"
            );
            let started = Instant::now();
            let response = http
                .post(format!("{base}/api/v1/imports?{query}"))
                .bearer_auth(&legal)
                .header("content-type", "text/csv")
                .body(table)
                .send()
                .await
                .expect("answers");
            assert!(response.status().is_success(), "import preview: {}", response.status());
            let preview: Value = response.json().await.expect("JSON");
            assert_eq!(preview["problems"], json!([]), "{preview}");
            let read =
                preview["lines"].as_array().map_or(0, Vec::len) + preview["unchanged"].as_array().map_or(0, Vec::len);
            assert_eq!(read, cells, "every cell of the table is a line");
            started.elapsed().as_secs_f64() * 1_000.0
        }
    };
    import_preview().await;
    // A hundred samples, so that the p99 is not simply the slowest of a few.
    let mut imports = Vec::with_capacity(100);
    for _ in 0..100 {
        imports.push(import_preview().await);
    }
    // The web pages, through a session opened with the login form, as a browser holds it.
    let pages = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let login = pages
        .post(format!("{}/login", server.base))
        .form(&[("token", auditor.as_str()), ("terug", "/")])
        .send()
        .await
        .expect("answers");
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session")
        .to_owned();
    let page = |path: String| {
        let (pages, cookie, base) = (pages.clone(), cookie.clone(), server.base.clone());
        async move {
            let started = Instant::now();
            let response = pages.get(format!("{base}{path}")).header("cookie", &cookie).send().await.expect("answers");
            assert!(response.status().is_success(), "{path}: {}", response.status());
            std::hint::black_box(response.text().await.expect("a page"));
            started.elapsed().as_secs_f64() * 1_000.0
        }
    };
    page("/".to_owned()).await;
    let mut termijnen = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        termijnen.push(page("/".to_owned()).await);
    }
    let mut regio_jaar = Vec::with_capacity(QUERY_SAMPLES / 3);
    for _ in 0..QUERY_SAMPLES / 3 {
        let region = &regions[rng.below(regions.len() as u64) as usize];
        let year = first + rng.below((last - first + 1) as u64) as i32;
        regio_jaar.push(page(format!("/regios/{region}/{year}?as_of={year}-06-30")).await);
    }
    space.sort_by(f64::total_cmp);
    deadlines.sort_by(f64::total_cmp);
    deadlines_default.sort_by(f64::total_cmp);
    deadlines_page.sort_by(f64::total_cmp);
    termijnen.sort_by(f64::total_cmp);
    regio_jaar.sort_by(f64::total_cmp);
    what_ifs.sort_by(f64::total_cmp);
    imports.sort_by(f64::total_cmp);
    Latencies {
        import_preview_p99: percentile(&imports, 99.0),
        what_if_p99: percentile(&what_ifs, 99.0),
        termijnen_page_p99: percentile(&termijnen, 99.0),
        regio_jaar_page_p99: percentile(&regio_jaar, 99.0),
        space_p50: percentile(&space, 50.0),
        space_p99: percentile(&space, 99.0),
        deadlines_p50: percentile(&deadlines, 50.0),
        deadlines_p99: percentile(&deadlines, 99.0),
        deadlines_default_p99: percentile(&deadlines_default, 99.0),
        deadlines_page_p99: percentile(&deadlines_page, 99.0),
        peak_rss_mb: server.peak_rss_mb(),
        startup_s: server.started_in.as_secs_f64(),
    }
}

struct Figures {
    store: &'static str,
    write_per_s: f64,
    write_ceiling_per_s: f64,
    rebuild_events_per_s: f64,
    read_ceiling_events_per_s: f64,
    small: Latencies,
    large: Latencies,
    tree_write_per_s: f64,
    no_tree_write_per_s: f64,
    audit: AuditLatencies,
    peer_write_per_s: f64,
    peer_rebuild_events_per_s: f64,
    events_small: u64,
    events_large: u64,
}

impl Figures {
    fn json(&self) -> Value {
        json!({
            "write_per_s": round(self.write_per_s),
            "write_ceiling_per_s": round(self.write_ceiling_per_s),
            "write_ratio": round3(self.write_per_s / self.write_ceiling_per_s),
            "rebuild_events_per_s": round(self.rebuild_events_per_s),
            "read_ceiling_events_per_s": round(self.read_ceiling_events_per_s),
            "rebuild_ratio": round3(self.rebuild_events_per_s / self.read_ceiling_events_per_s),
            "space_p50_ms_small": round3(self.small.space_p50),
            "space_p99_ms_small": round3(self.small.space_p99),
            "space_p50_ms_large": round3(self.large.space_p50),
            "space_p99_ms_large": round3(self.large.space_p99),
            "space_growth": round3(self.large.space_p99 / self.small.space_p99),
            "deadlines_p50_ms_small": round3(self.small.deadlines_p50),
            "deadlines_p99_ms_small": round3(self.small.deadlines_p99),
            "deadlines_p50_ms_large": round3(self.large.deadlines_p50),
            "deadlines_p99_ms_large": round3(self.large.deadlines_p99),
            "deadlines_default_p99_ms_large": round3(self.large.deadlines_default_p99),
            "deadlines_page_p99_ms_large": round3(self.large.deadlines_page_p99),
            "termijnen_page_p99_ms_large": round3(self.large.termijnen_page_p99),
            "regio_jaar_page_p99_ms_large": round3(self.large.regio_jaar_page_p99),
            "page_p99_ms_large": round3(self.large.termijnen_page_p99.max(self.large.regio_jaar_page_p99)),
            "what_if_p99_ms_large": round3(self.large.what_if_p99),
            "import_preview_p99_ms_large": round3(self.large.import_preview_p99),
            "peak_rss_mb": round(self.large.peak_rss_mb),
            "startup_s_large": round3(self.large.startup_s),
            "peer_write_per_s": round(self.peer_write_per_s),
            "peer_rebuild_events_per_s": round(self.peer_rebuild_events_per_s),
            "peer_rebuild_events": peer::REPLAYED_EVENTS.min(self.events_large),
            "write_vs_cqrs_es": round3(self.write_per_s / self.peer_write_per_s),
            "rebuild_vs_cqrs_es": round3(self.rebuild_events_per_s / self.peer_rebuild_events_per_s),
            "write_with_tree_per_s": round(self.tree_write_per_s),
            "write_without_tree_per_s": round(self.no_tree_write_per_s),
            "tree_write_ratio": round3(self.tree_write_per_s / self.no_tree_write_per_s),
            "inclusion_proof_p50_ms_large": round3(self.audit.inclusion_p50),
            "inclusion_proof_p99_ms_large": round3(self.audit.inclusion_p99),
            "consistency_proof_p99_ms_large": round3(self.audit.consistency_p99),
            "checkpoint_sign_p50_ms_large": round3(self.audit.sign_p50),
            "checkpoint_sign_p99_ms_large": round3(self.audit.sign_p99),
            "events_small": self.events_small,
            "events_large": self.events_large,
        })
    }

    fn table(&self) {
        let ratio = |a: f64, b: f64| a / b;
        println!("\n{} store", self.store);
        println!("  writes through HTTP, {WRITE_CLIENTS} clients   {:>12.0} /s", self.write_per_s);
        println!(
            "  raw durable commits (ceiling)       {:>12.0} /s   ratio {:.2}",
            self.write_ceiling_per_s,
            ratio(self.write_per_s, self.write_ceiling_per_s)
        );
        println!(
            "  the same writes through cqrs-es      {:>12.0} /s   termijn / cqrs-es {:.2}",
            self.peer_write_per_s,
            ratio(self.write_per_s, self.peer_write_per_s)
        );
        println!("  rebuild (termijn replay)            {:>12.0} events/s", self.rebuild_events_per_s);
        println!(
            "  read + decode every event (ceiling) {:>12.0} events/s   ratio {:.2}",
            self.read_ceiling_events_per_s,
            ratio(self.rebuild_events_per_s, self.read_ceiling_events_per_s)
        );
        println!(
            "  rebuild through cqrs-es (QueryReplay) {:>11.0} events/s   termijn / cqrs-es {:.1}",
            self.peer_rebuild_events_per_s,
            ratio(self.rebuild_events_per_s, self.peer_rebuild_events_per_s)
        );
        println!(
            "  region-year view p50/p99  {:>8} events  {:>7.2} / {:>7.2} ms",
            self.events_small, self.small.space_p50, self.small.space_p99
        );
        println!(
            "  region-year view p50/p99  {:>8} events  {:>7.2} / {:>7.2} ms   growth {:.2}",
            self.events_large,
            self.large.space_p50,
            self.large.space_p99,
            ratio(self.large.space_p99, self.small.space_p99)
        );
        println!(
            "  a year of deadlines p50/p99 {:>6} events  {:>7.2} / {:>7.2} ms",
            self.events_small, self.small.deadlines_p50, self.small.deadlines_p99
        );
        println!(
            "  deadlines, no filter (8 weeks) p99 {:>8} events  {:>7.2} ms",
            self.events_large, self.large.deadlines_default_p99
        );
        println!(
            "  a year of deadlines p50/p99 {:>6} events  {:>7.2} / {:>7.2} ms",
            self.events_large, self.large.deadlines_p50, self.large.deadlines_p99
        );
        println!(
            "  a year of deadlines, first page of {DEADLINES_PAGE} p99 {:>6} events  {:>7.2} ms",
            self.events_large, self.large.deadlines_page_p99
        );
        println!(
            "  web pages p99 at {:>8} events     Termijnen {:>7.2} ms, Regio-jaar {:>7.2} ms",
            self.events_large, self.large.termijnen_page_p99, self.large.regio_jaar_page_p99
        );
        println!(
            "  what-if of one region-year p99 at {:>8} events {:>7.2} ms",
            self.events_large, self.large.what_if_p99
        );
        println!(
            "  import preview, 31 regions x 5 years, p99 at {:>8} events {:>7.2} ms",
            self.events_large, self.large.import_preview_p99
        );
        println!("  server peak memory at {} events   {:>8.0} MB", self.events_large, self.large.peak_rss_mb);
        println!("  start-up to ready at {} events    {:>8.2} s", self.events_large, self.large.startup_s);
        println!(
            "  writes with / without the Merkle tree {:>8.0} / {:>8.0} /s   ratio {:.3}",
            self.tree_write_per_s,
            self.no_tree_write_per_s,
            ratio(self.tree_write_per_s, self.no_tree_write_per_s)
        );
        println!(
            "  inclusion proof p50/p99 at {:>8} events {:>7.3} / {:>7.3} ms; consistency proof p99 {:>7.3} ms",
            self.events_large, self.audit.inclusion_p50, self.audit.inclusion_p99, self.audit.consistency_p99
        );
        println!(
            "  checkpoint signing p50/p99 at {:>8} events {:>7.3} / {:>7.3} ms",
            self.events_large, self.audit.sign_p50, self.audit.sign_p99
        );
    }
}

fn round(v: f64) -> f64 {
    v.round()
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A history of `events` already in a store, as `generate` made it: ten thousand events a year from FIRST_YEAR.
fn held_history(events: u64) -> Generated {
    // About four events a provider a year (its tariff decisions), so that 2,500 providers make 10,000 events a
    // year: the years `history` spread the events over, also past a million events, where the providers grow.
    let events_a_year = 4 * u64::from(providers_for(events));
    let years = (events / events_a_year).max(1) as i32;
    Generated { events, years: FIRST_YEAR..=FIRST_YEAR + years - 1 }
}

/// The history already in `place`, measured again as it is (that saves generating it) when its generation ran
/// to the end, or else a new one of `events` events. A run stopped while it generated leaves part of a history,
/// which would be measured as if it were the whole.
async fn held_or_new_history(place: &Place, events: u64, seed: u64) -> Generated {
    let Place::Sqlite(dir) = place else { return history(place, events, seed).await };
    let whole = dir.join("generated");
    if whole.exists() {
        let (held, _) = Store::open(&place.location()).await.expect("a store").chain_head().await.expect("head");
        return held_history(held as u64);
    }
    let generated = history(place, events, seed).await;
    std::fs::write(&whole, format!("{}\n", generated.events)).expect("the mark of a whole history");
    generated
}

async fn measure(
    store: &'static str,
    places: [Place; 3],
    binary: &Path,
    options: &Options,
    sqlite_histories: Option<(&Place, &Place)>,
) -> (Figures, Generated, Generated) {
    let [small, large, writes] = places;
    let small_events = 10_000;
    let large_events = options.large_events();
    eprintln!("{store}: histories");
    let (small_history, large_history) = match sqlite_histories {
        None => (history(&small, small_events, options.seed).await, history(&large, large_events, options.seed).await),
        Some((from_small, from_large)) => {
            copy_history(from_small, &small).await;
            copy_history(from_large, &large).await;
            let count = |place: &Place| {
                let place = place.clone();
                async move {
                    Store::open(&place.location()).await.expect("a store").chain_head().await.expect("head").0 as u64
                }
            };
            (held_history(count(&small).await), held_history(count(&large).await))
        }
    };
    eprintln!("{store}: writes");
    let write_per_s = write_throughput(binary, &writes).await;
    let write_ceiling_per_s = write_ceiling(&writes).await;
    eprintln!("{store}: rebuild");
    large.settle().await;
    let rebuild_events_per_s = rebuild_rate(binary, &large, large_history.events);
    large.settle().await;
    let read_ceiling_events_per_s = read_ceiling(&large).await;
    eprintln!("{store}: queries");
    let small_latencies = query_latencies(binary, &small, &small_history, options.seed).await;
    let large_latencies = query_latencies(binary, &large, &large_history, options.seed).await;
    eprintln!("{store}: the Merkle tree");
    let audit = audit_latencies(&large, options.seed).await;
    let (tree_write_per_s, no_tree_write_per_s) = tree_cost(binary, &writes).await;
    eprintln!("{store}: the same through cqrs-es");
    let peer = writes.peer();
    let peer_write_per_s = peer::write_rate(&peer, WRITE_CLIENTS, WRITE_SECONDS).await;
    let peer_rebuild_events_per_s = peer::rebuild_rate(&peer, large_history.events).await;
    peer.remove().await;
    let figures = Figures {
        store,
        write_per_s,
        write_ceiling_per_s,
        rebuild_events_per_s,
        read_ceiling_events_per_s,
        small: small_latencies,
        large: large_latencies,
        tree_write_per_s,
        no_tree_write_per_s,
        audit,
        peer_write_per_s,
        peer_rebuild_events_per_s,
        events_small: small_history.events,
        events_large: large_history.events,
    };
    (figures, small_history, large_history)
}

/// `bench --huge`: what growth costs, on the embedded store at 1,000,000 and at 10,000,000 events: view p99,
/// start-up to ready, peak server memory, and then writes into each register as it stands. The histories are
/// kept in the work folder and measured again as they are by the next run (generating ten million events takes
/// about twenty minutes). Prints one line per size and, last, one JSON object with the ratios of 10M to 1M.
/// `BENCH_HUGE_EVENTS=SMALL,LARGE` measures two other sizes the same way, to try the run out on small ones.
async fn huge(options: &Options) {
    let sizes: Vec<u64> = match std::env::var("BENCH_HUGE_EVENTS") {
        Ok(sizes) => sizes.split(',').map(|n| n.trim().parse().expect("BENCH_HUGE_EVENTS=SMALL,LARGE")).collect(),
        Err(_) => vec![1_000_000, 10_000_000],
    };
    assert_eq!(sizes.len(), 2, "two sizes: the smaller, then the larger");
    let binary = options.binary.canonicalize().expect("the release binary");
    // Every history is generated (or found) before the first is measured, so that nothing is measured while a
    // history is being written.
    let mut histories = Vec::new();
    for events in sizes {
        let place = Place::Sqlite(options.work.join(format!("huge-{events}")));
        let generated = held_or_new_history(&place, events, options.seed).await;
        histories.push((place, generated));
    }
    let mut measured = Vec::new();
    for (place, generated) in histories {
        let latencies = query_latencies(&binary, &place, &generated, options.seed).await;
        let writes = writes_into(&binary, &place, &[]).await;
        println!("sqlite at {} events: writes {writes:.0}/s, {latencies:?}", generated.events);
        measured.push((generated.events, writes, latencies));
    }
    let [(small_events, small_writes, small), (large_events, large_writes, large)] = &measured[..] else {
        unreachable!("two sizes")
    };
    let growth = |at_large: f64, at_small: f64| round3(at_large / at_small);
    println!(
        "{}",
        json!({
            "events": [small_events, large_events],
            "write_per_s": [round(*small_writes), round(*large_writes)],
            "write_growth": growth(*large_writes, *small_writes),
            "space_p99_ms": [round3(small.space_p99), round3(large.space_p99)],
            "deadlines_default_p99_ms": [round3(small.deadlines_default_p99), round3(large.deadlines_default_p99)],
            "deadlines_default_growth": growth(large.deadlines_default_p99, small.deadlines_default_p99),
            "deadlines_p99_ms": [round3(small.deadlines_p99), round3(large.deadlines_p99)],
            "deadlines_page_p99_ms": [round3(small.deadlines_page_p99), round3(large.deadlines_page_p99)],
            "page_p99_ms": [round3(small.termijnen_page_p99), round3(large.termijnen_page_p99)],
            "what_if_p99_ms": [round3(small.what_if_p99), round3(large.what_if_p99)],
            "startup_s": [round3(small.startup_s), round3(large.startup_s)],
            "startup_growth": growth(large.startup_s, small.startup_s),
            "peak_rss_mb": [round(small.peak_rss_mb), round(large.peak_rss_mb)],
            "peak_rss_growth": growth(large.peak_rss_mb, small.peak_rss_mb),
        })
    );
}

#[tokio::main]
async fn main() {
    let options = options();
    let only = std::env::var("BENCH_ONLY").ok();
    if options.huge {
        huge(&options).await;
        return;
    }
    if only.as_deref() == Some("writes") {
        let binary = options.binary.canonicalize().expect("the release binary");
        for (store, place) in options.write_places() {
            let (writes, ceiling) = (write_throughput(&binary, &place).await, write_ceiling(&place).await);
            println!("{store}: writes {writes:.0}/s ceiling {ceiling:.0}/s ratio {:.3}", writes / ceiling);
        }
        return;
    }
    if only.as_deref() == Some("rebuild") {
        let binary = options.binary.canonicalize().expect("the release binary");
        let sqlite = Place::Sqlite(options.work.join("rebuild"));
        let generated = held_or_new_history(&sqlite, options.large_events(), options.seed).await;
        let mut places = vec![("sqlite", sqlite.clone())];
        if let Ok(admin_url) = std::env::var("TERMIJN_TEST_PG_ADMIN_URL") {
            let pg = Place::Postgres { admin_url, name: "termijn_bench_rebuild".to_owned() };
            copy_history(&sqlite, &pg).await;
            places.push(("postgres", pg));
        }
        for (store, place) in places {
            place.settle().await;
            let rebuild = rebuild_rate(&binary, &place, generated.events);
            place.settle().await;
            let ceiling = read_ceiling(&place).await;
            println!("{store}: rebuild {rebuild:.0}/s read ceiling {ceiling:.0}/s ratio {:.3}", rebuild / ceiling);
        }
        return;
    }
    if only.as_deref() == Some("peer") {
        // The cqrs-es peer alone, on the embedded store and PostgreSQL when it is given.
        for (store, place) in options.write_places() {
            let peer = place.peer();
            let writes = peer::write_rate(&peer, WRITE_CLIENTS, WRITE_SECONDS).await;
            let rebuild = peer::rebuild_rate(&peer, options.large_events()).await;
            peer.remove().await;
            println!("{store}: cqrs-es writes {writes:.0}/s, rebuild {rebuild:.0} events/s");
        }
        return;
    }
    // The Merkle tree's figures and the query latencies alone measure the large history in the work folder's
    // `queries`, on the embedded store.
    let queries = Place::Sqlite(options.work.join("queries"));
    if only.as_deref() == Some("audit") {
        held_or_new_history(&queries, options.large_events(), options.seed).await;
        println!("sqlite: {:?}", audit_latencies(&queries, options.seed).await);
        let binary = options.binary.canonicalize().expect("the release binary");
        for (store, place) in options.write_places() {
            let (with, without) = tree_cost(&binary, &place).await;
            println!("{store}: writes with the tree {with:.0}/s, without {without:.0}/s, ratio {:.3}", with / without);
        }
        return;
    }
    if only.as_deref() == Some("queries") {
        let binary = options.binary.canonicalize().expect("the release binary");
        let generated = held_or_new_history(&queries, options.large_events(), options.seed).await;
        let latencies = query_latencies(&binary, &queries, &generated, options.seed).await;
        println!("sqlite at {} events: {latencies:?}", generated.events);
        return;
    }
    let binary = options.binary.canonicalize().expect("the release binary exists (bench/run builds it)");
    std::fs::create_dir_all(&options.work).expect("a work folder");
    let dir = |name: &str| Place::Sqlite(options.work.join(name));
    let (sqlite, _, _) = measure("sqlite", [dir("small"), dir("large"), dir("writes")], &binary, &options, None).await;
    sqlite.table();
    let mut result = sqlite.json();
    if let Ok(admin_url) = std::env::var("TERMIJN_TEST_PG_ADMIN_URL") {
        let pg = |name: &str| Place::Postgres { admin_url: admin_url.clone(), name: format!("termijn_bench_{name}") };
        let (postgres, _, _) = measure(
            "postgres",
            [pg("small"), pg("large"), pg("writes")],
            &binary,
            &options,
            Some((&dir("small"), &dir("large"))),
        )
        .await;
        postgres.table();
        result["postgres"] = postgres.json();
    }
    println!("{result}");
}
