//! The peer of termijn's benchmark: the same write workload and rebuild, done through cqrs-es 0.5 as its
//! documentation shows it, so that termijn's figures can be given as ratios to it. Each aggregate type has its
//! framework (`sqlite_cqrs` or `postgres_cqrs`) with one `GenericQuery` view, a `StateView` kept by the crate's
//! view repository; a rebuild is a `QueryReplay` of every aggregate type into empty views.
//!
//! The peer has a database of its own, with the tables as sqlite-es and postgres-es give them, and does only
//! what cqrs-es does: the aggregate handles the command, the event repository stores its events and the views
//! are updated after the commit. It checks nothing against the register (termijn's service does that before the
//! aggregate), keeps no hash chain or Merkle tree and answers no HTTP.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cqrs_es::persist::{GenericQuery, PersistedEventRepository, PersistedEventStore, QueryReplay, ViewRepository};
use cqrs_es::{Aggregate, CqrsFramework, EventEnvelope, Query, View};
use postgres_es::{PostgresEventRepository, PostgresViewRepository};
use serde::{Deserialize, Serialize};
use sqlite_es::{SqliteEventRepository, SqliteViewRepository};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor, Pool, Postgres, Sqlite};
use termijn::store::Provenance;
use termijn_domain::aggregates::Services;
use termijn_domain::aggregates::appeal::{Appeal, AppealCommand, AppealRecord};
use termijn_domain::aggregates::space_decision::{SpaceDecision, SpaceDecisionCommand, SpaceLine};
use termijn_domain::aggregates::tariff_decision::{TariffDecision, TariffDecisionCommand, TariffDecisionRecord};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{Appellant, SpaceDecisionKind, TariffKind};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

/// The most events a rebuild is measured over. cqrs-es replays an event at a time, loading and saving its view
/// in a durable commit of its own (some 2,000 events a second on either store here), so a million events would
/// take about ten minutes; the rate over this many is the rate a longer replay keeps up, as each event costs the
/// same: one read of its view and one commit.
pub const REPLAYED_EVENTS: u64 = 100_000;

/// The establishment decision every appeal of the workload is lodged against, as in termijn's benchmark.
const ESTABLISHMENT: &str = "NZa-RCS-2025-11";

/// The years written to: each region-year of them has a contracting space in the establishment decision.
const FIRST_YEAR: i32 = 2026;
const YEARS: i32 = 5;

/// The name the writes are recorded under, as termijn records its benchmark's token.
const RECORDED_BY: &str = "bench";

/// The concurrent writers that fill the log before a rebuild.
const FILL_CLIENTS: usize = 8;

/// The aggregate types the workload touches: each has its view table.
const AGGREGATE_TYPES: [&str; 3] = [SpaceDecision::TYPE, TariffDecision::TYPE, Appeal::TYPE];

/// Where the peer keeps its events and views: a database of its own, never termijn's store.
#[derive(Debug, Clone)]
pub enum PeerPlace {
    /// An SQLite file in this folder, in WAL mode with full synchronous commits, like termijn's embedded store.
    Sqlite(PathBuf),
    /// The PostgreSQL database at this URL, dropped and created again for each measurement.
    Postgres(String),
}

/// How a pool commits: durably when measured, without waiting for the disk while the log is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Commits {
    Durable,
    Relaxed,
}

impl PeerPlace {
    /// A fresh database with the tables of the cqrs-es crate for it: events, snapshots and one view table per
    /// aggregate type of the workload.
    async fn create(&self) {
        match self {
            Self::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
                std::fs::create_dir_all(dir).expect("a folder for the peer");
                let mut connection: SqliteConnection =
                    sqlite_options(dir, Commits::Relaxed).connect().await.expect("SQLite opens");
                connection.execute(sqlite_schema().as_str()).await.expect("the sqlite-es tables");
                connection.close().await.expect("SQLite closes");
            }
            Self::Postgres(url) => {
                let options = PgConnectOptions::from_str(url).expect("a PostgreSQL URL");
                let name = options.get_database().expect("the URL names a database").to_owned();
                let mut admin = PgConnection::connect_with(&options.clone().database("postgres"))
                    .await
                    .expect("PostgreSQL answers");
                admin.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await.expect("drop");
                admin.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await.expect("create");
                admin.close().await.expect("PostgreSQL closes");
                let mut connection = PgConnection::connect_with(&options).await.expect("the new database answers");
                connection.execute(postgres_schema().as_str()).await.expect("the postgres-es tables");
                connection.close().await.expect("PostgreSQL closes");
            }
        }
    }

    /// Removes the peer's database: the folder, or the PostgreSQL database.
    pub async fn remove(&self) {
        match self {
            Self::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres(url) => {
                let options = PgConnectOptions::from_str(url).expect("a PostgreSQL URL");
                let name = options.get_database().expect("the URL names a database").to_owned();
                let mut admin = PgConnection::connect_with(&options.database("postgres")).await.expect("answers");
                admin.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await.expect("drop");
                admin.close().await.expect("PostgreSQL closes");
            }
        }
    }
}

/// Appeals and tariff decisions executed by `clients` concurrent tasks for `seconds`, alternating as termijn's
/// benchmark posts them (the same records, the same metadata), after the establishment decision they refer to:
/// acknowledged commands per second. Each command is loaded, handled, committed and its view updated by cqrs-es.
pub async fn write_rate(place: &PeerPlace, clients: usize, seconds: u64) -> f64 {
    place.create().await;
    match place {
        PeerPlace::Sqlite(dir) => write_rate_in(sqlite_pool(dir, Commits::Durable).await, clients, seconds).await,
        PeerPlace::Postgres(url) => write_rate_in(postgres_pool(url, Commits::Durable).await, clients, seconds).await,
    }
}

/// Rebuilding every view with `QueryReplay::replay_all`, one aggregate type after the other, from a log of
/// `events` events of the write workload (at most [`REPLAYED_EVENTS`]; filled through the framework without
/// views and untimed): events per second. The views start empty, as in a rebuild.
pub async fn rebuild_rate(place: &PeerPlace, events: u64) -> f64 {
    let events = events.min(REPLAYED_EVENTS);
    place.create().await;
    match place {
        PeerPlace::Sqlite(dir) => {
            fill(sqlite_pool(dir, Commits::Relaxed).await, events).await;
            rebuild_in(sqlite_pool(dir, Commits::Durable).await).await
        }
        PeerPlace::Postgres(url) => {
            fill(postgres_pool(url, Commits::Relaxed).await, events).await;
            rebuild_in(postgres_pool(url, Commits::Durable).await).await
        }
    }
}

async fn write_rate_in<D: Database>(db: D, clients: usize, seconds: u64) -> f64 {
    let register = Arc::new(Register::open(&db, true));
    register.establish().await;
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (register, stop, done) = (register.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    if register.execute(register.write(client, n)).await.is_ok() {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    for task in tasks {
        task.await.expect("a client runs to the end");
    }
    let aggregates =
        db.scalar("SELECT COUNT(*) FROM (SELECT DISTINCT aggregate_type, aggregate_id FROM events) a").await;
    assert_eq!(over_views(&db, "COUNT(*)").await, aggregates, "every aggregate written has its view");
    db.close().await;
    done.load(Ordering::Relaxed) as f64 / elapsed
}

/// Writes the establishment decision and then the workload until the log holds at least `events` events.
async fn fill<D: Database>(db: D, events: u64) {
    let register = Arc::new(Register::open(&db, false));
    register.establish().await;
    // The establishment decision's two events: recorded and announced.
    let written = Arc::new(AtomicU64::new(2));
    let tasks: Vec<_> = (0..FILL_CLIENTS)
        .map(|client| {
            let (register, written) = (register.clone(), written.clone());
            tokio::spawn(async move {
                for n in 1.. {
                    let write = register.write(client, n);
                    if written.fetch_add(write.events(), Ordering::Relaxed) >= events {
                        break;
                    }
                    register.execute(write).await.expect("a write of the workload is recorded");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a writer runs to the end");
    }
    db.close().await;
}

async fn rebuild_in<D: Database>(db: D) -> f64 {
    let events = db.scalar("SELECT COUNT(*) FROM events").await;
    db.settle().await;
    let started = Instant::now();
    replay::<SpaceDecision, D>(&db).await;
    replay::<TariffDecision, D>(&db).await;
    replay::<Appeal, D>(&db).await;
    let elapsed = started.elapsed().as_secs_f64();
    // A view's version counts the updates it had; the replay updates it once for each event.
    assert_eq!(over_views(&db, "SUM(version)").await, events, "every event reached its view");
    db.close().await;
    events as f64 / elapsed
}

/// Replays every event of aggregate type `A` into its view, as `QueryReplay`'s documentation shows.
async fn replay<A: Viewed, D: Database>(db: &D) {
    let mut replay = QueryReplay::<_, _, A>::new(db.events(), view_query::<A, D>(db));
    replay.use_error_handler(Box::new(|e| panic!("an event of a {} could not be read: {e}", A::TYPE)));
    replay.replay_all().await.expect("the log can be read");
}

/// The query that keeps the views of aggregate type `A`: a `GenericQuery` over the crate's view repository,
/// with an error handler as cqrs-es recommends (a view that cannot be kept is a fault of the benchmark).
fn view_query<A: Viewed, D: Database>(db: &D) -> GenericQuery<D::Views<A>, StateView<A>, A> {
    let mut query = GenericQuery::new(Arc::new(db.views::<A>()));
    query.use_error_handler(Box::new(|e| panic!("a view of a {} could not be kept: {e}", A::TYPE)));
    query
}

/// `total`, an SQL aggregate over a view table's rows such as `COUNT(*)`, summed over the view tables.
async fn over_views<D: Database>(db: &D, total: &str) -> i64 {
    let mut sum = 0;
    for aggregate_type in AGGREGATE_TYPES {
        let table = view_table(aggregate_type);
        sum += db.scalar(&format!("SELECT CAST(COALESCE({total}, 0) AS BIGINT) FROM {table}")).await;
    }
    sum
}

/// A view of one aggregate instance that holds its state: each event applied to it as the aggregate applies it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StateView<A>(A);

impl<A: Aggregate + Debug> View<A> for StateView<A> {
    fn update(&mut self, event: &EventEnvelope<A>) {
        self.0.apply(event.payload.clone());
    }
}

/// An aggregate type of the workload.
trait Viewed: Aggregate<Services = Services> + Debug + 'static {}

impl<A: Aggregate<Services = Services> + Debug + 'static> Viewed for A {}

type Cqrs<A, R> = CqrsFramework<A, PersistedEventStore<R, A>>;

/// A database a cqrs-es crate persists to, over one connection pool: its framework, event repository and view
/// repositories, as the crate's convenience functions make them.
trait Database: Send + Sync + 'static {
    type Events: PersistedEventRepository + 'static;
    type Views<A: Viewed>: ViewRepository<StateView<A>, A> + 'static;

    fn events(&self) -> Self::Events;
    fn views<A: Viewed>(&self) -> Self::Views<A>;
    fn cqrs<A: Viewed>(&self, queries: Vec<Box<dyn Query<A>>>, services: Services) -> Cqrs<A, Self::Events>;
    /// The one number `sql` selects.
    async fn scalar(&self, sql: &str) -> i64;
    /// Brings the database to rest after the log was filled, as termijn's is before its replay is measured.
    async fn settle(&self);
    async fn close(&self);
}

impl Database for Pool<Sqlite> {
    type Events = SqliteEventRepository;
    type Views<A: Viewed> = SqliteViewRepository<StateView<A>, A>;

    fn events(&self) -> Self::Events {
        SqliteEventRepository::new(self.clone())
    }

    fn views<A: Viewed>(&self) -> Self::Views<A> {
        SqliteViewRepository::new(&view_table(A::TYPE), self.clone())
    }

    fn cqrs<A: Viewed>(&self, queries: Vec<Box<dyn Query<A>>>, services: Services) -> Cqrs<A, Self::Events> {
        sqlite_es::sqlite_cqrs(self.clone(), queries, services)
    }

    async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(self).await.expect("a number")
    }

    async fn settle(&self) {
        self.execute("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("a checkpoint");
    }

    async fn close(&self) {
        Pool::close(self).await;
    }
}

impl Database for Pool<Postgres> {
    type Events = PostgresEventRepository;
    type Views<A: Viewed> = PostgresViewRepository<StateView<A>, A>;

    fn events(&self) -> Self::Events {
        PostgresEventRepository::new(self.clone())
    }

    fn views<A: Viewed>(&self) -> Self::Views<A> {
        PostgresViewRepository::new(&view_table(A::TYPE), self.clone())
    }

    fn cqrs<A: Viewed>(&self, queries: Vec<Box<dyn Query<A>>>, services: Services) -> Cqrs<A, Self::Events> {
        postgres_es::postgres_cqrs(self.clone(), queries, services)
    }

    async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(self).await.expect("a number")
    }

    async fn settle(&self) {
        self.execute("VACUUM (ANALYZE)").await.expect("vacuum");
        self.execute("CHECKPOINT").await.expect("checkpoint");
    }

    async fn close(&self) {
        Pool::close(self).await;
    }
}

/// The options of `sqlite_es::default_sqlite_pool` (WAL, foreign keys) for the peer's file in `dir`, with the
/// synchronous commits of termijn's store (FULL) in place of the crate's NORMAL; OFF while the log is filled.
fn sqlite_options(dir: &Path, commits: Commits) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(dir.join("peer.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match commits {
            Commits::Durable => SqliteSynchronous::Full,
            Commits::Relaxed => SqliteSynchronous::Off,
        })
        .foreign_keys(true)
}

/// The pool of `sqlite_es::default_sqlite_pool`: ten connections.
async fn sqlite_pool(dir: &Path, commits: Commits) -> Pool<Sqlite> {
    SqlitePoolOptions::new().max_connections(10).connect_with(sqlite_options(dir, commits)).await.expect("SQLite opens")
}

/// `postgres_es::default_postgress_pool` (ten connections); while the log is filled, the same pool with
/// commits that do not wait for the disk.
async fn postgres_pool(url: &str, commits: Commits) -> Pool<Postgres> {
    match commits {
        Commits::Durable => postgres_es::default_postgress_pool(url).await,
        Commits::Relaxed => {
            let options =
                PgConnectOptions::from_str(url).expect("a PostgreSQL URL").options([("synchronous_commit", "off")]);
            PgPoolOptions::new().max_connections(10).connect_with(options).await.expect("PostgreSQL answers")
        }
    }
}

/// The table a `SqliteViewRepository` or `PostgresViewRepository` keeps the views of an aggregate type in.
fn view_table(aggregate_type: &str) -> String {
    format!("{aggregate_type}_view")
}

/// The tables of sqlite-es 0.5 (`migrations/20221114171845_init.sql`): events, snapshots and a view table each.
fn sqlite_schema() -> String {
    let mut schema = String::from(
        "CREATE TABLE events (
           aggregate_type text NOT NULL,
           aggregate_id text NOT NULL,
           sequence integer CHECK (sequence >= 0) NOT NULL,
           event_type text NOT NULL,
           event_version text NOT NULL,
           payload text NOT NULL,
           metadata text NOT NULL,
           PRIMARY KEY (aggregate_type, aggregate_id, sequence)
         ) STRICT;
         CREATE TABLE snapshots (
           aggregate_type text NOT NULL,
           aggregate_id text NOT NULL,
           last_sequence integer CHECK (last_sequence >= 0) NOT NULL,
           current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL,
           payload text NOT NULL,
           PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
         ) STRICT;",
    );
    for aggregate_type in AGGREGATE_TYPES {
        schema.push_str(&format!(
            "CREATE TABLE {} (
               view_id text NOT NULL,
               version integer CHECK (version >= 0) NOT NULL,
               payload text NOT NULL,
               PRIMARY KEY (view_id)
             ) STRICT;",
            view_table(aggregate_type)
        ));
    }
    schema
}

/// The tables of postgres-es 0.5 (`db/init.sql`): events, snapshots and a view table each.
fn postgres_schema() -> String {
    let mut schema = String::from(
        "CREATE TABLE events (
           aggregate_type text NOT NULL,
           aggregate_id text NOT NULL,
           sequence bigint CHECK (sequence >= 0) NOT NULL,
           event_type text NOT NULL,
           event_version text NOT NULL,
           payload json NOT NULL,
           metadata json NOT NULL,
           PRIMARY KEY (aggregate_type, aggregate_id, sequence)
         );
         CREATE TABLE snapshots (
           aggregate_type text NOT NULL,
           aggregate_id text NOT NULL,
           last_sequence bigint CHECK (last_sequence >= 0) NOT NULL,
           current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
           payload json NOT NULL,
           PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
         );",
    );
    for aggregate_type in AGGREGATE_TYPES {
        schema.push_str(&format!(
            "CREATE TABLE {} (
               view_id text NOT NULL,
               version bigint CHECK (version >= 0) NOT NULL,
               payload json NOT NULL,
               PRIMARY KEY (view_id)
             );",
            view_table(aggregate_type)
        ));
    }
    schema
}

/// A write of the workload: what termijn's benchmark posts, as termijn's service hands it to the aggregate.
enum Write {
    Appeal(AppealRecord),
    Tariff { record: TariffDecisionRecord, announced_on: NaiveDate },
}

impl Write {
    /// The events the write records: an appeal lodged; a tariff decision recorded and announced.
    fn events(&self) -> u64 {
        match self {
            Self::Appeal(_) => 1,
            Self::Tariff { .. } => 2,
        }
    }
}

/// The frameworks of the aggregate types the workload touches, over one database.
struct Register<R: PersistedEventRepository> {
    spaces: Cqrs<SpaceDecision, R>,
    tariffs: Cqrs<TariffDecision, R>,
    appeals: Cqrs<Appeal, R>,
    /// The regions of every year written to.
    regions: Vec<RegionSlug>,
    by: Provenance,
}

impl<R: PersistedEventRepository> Register<R> {
    /// The frameworks over `db`, each with its view when `views`.
    fn open<D: Database<Events = R>>(db: &D, views: bool) -> Self {
        fn queries<A: Viewed, D: Database>(db: &D, views: bool) -> Vec<Box<dyn Query<A>>> {
            if views { vec![Box::new(view_query::<A, D>(db))] } else { Vec::new() }
        }
        let services: Services = Arc::new(LegalContext::shipped().expect("the shipped reference data"));
        let regions = services
            .regions
            .all()
            .iter()
            .filter(|r| (FIRST_YEAR..FIRST_YEAR + YEARS).all(|year| r.exists_in(year)))
            .map(|r| r.slug.clone())
            .collect();
        Self {
            spaces: db.cqrs(queries(db, views), services.clone()),
            tariffs: db.cqrs(queries(db, views), services.clone()),
            appeals: db.cqrs(queries(db, views), services),
            regions,
            by: Provenance { recorded_by: RECORDED_BY.to_owned(), ..Provenance::default() },
        }
    }

    /// Records the establishment decision: a space for every region-year written to.
    async fn establish(&self) {
        let amount = Euro::parse("700000000.00").expect("an amount");
        let command = SpaceDecisionCommand::RecordSpaceDecision {
            decision_id: decision_id(ESTABLISHMENT),
            kind: SpaceDecisionKind::Establishment,
            decided_on: date(2025, 11, 10),
            announced_on: Some(date(2025, 11, 14)),
            reason: String::new(),
            spaces: self
                .regions
                .iter()
                .flat_map(|region| {
                    (FIRST_YEAR..FIRST_YEAR + YEARS).map(move |year| SpaceLine { region: region.clone(), year, amount })
                })
                .collect(),
        };
        self.spaces
            .execute_with_metadata(ESTABLISHMENT, command, self.by.metadata())
            .await
            .expect("the establishment decision is recorded");
    }

    /// The `n`th write of client `client` (from 1), as termijn's benchmark makes it: a tariff decision when `n`
    /// is odd, an appeal when even, for a region and year that move on with each write.
    fn write(&self, client: usize, n: u64) -> Write {
        let slot = client as u64 * 1_000_003 + n;
        let region = self.regions[(slot % self.regions.len() as u64) as usize].clone();
        let year = FIRST_YEAR + (slot / self.regions.len() as u64 % YEARS as u64) as i32;
        if n.is_multiple_of(2) {
            Write::Appeal(AppealRecord {
                appeal_id: AppealId::parse(&format!("CBb w/{client}/{n}")).expect("an appeal id"),
                appellant: Appellant::CareOffice("zk".to_owned()),
                region,
                year,
                against_decision: decision_id(ESTABLISHMENT),
                received_on: date(year, 3, 2),
                posted_on: None,
                received_by: Default::default(),
            })
        } else {
            Write::Tariff {
                record: TariffDecisionRecord {
                    decision_id: decision_id(&format!("NZa-TB-w-{client}-{n}")),
                    provider: AgbCode::parse(&format!("{:08}", 20_000_000 + slot % 5_000)).expect("eight digits"),
                    year,
                    regions: vec![region],
                    kind: TariffKind::Tariff,
                    amends: None,
                    decided_on: date(year, 1, 20),
                    applied_space_decisions: None,
                },
                announced_on: date(year, 1, 23),
            }
        }
    }

    /// Executes a write through its framework, with the metadata termijn records it with.
    async fn execute(&self, write: Write) -> Result<(), String> {
        let metadata = self.by.metadata();
        match write {
            Write::Appeal(record) => {
                let id = record.appeal_id.to_string();
                let command = AppealCommand::LodgeAppeal(record);
                self.appeals.execute_with_metadata(&id, command, metadata).await.map_err(|e| e.to_string())
            }
            Write::Tariff { record, announced_on } => {
                let id = record.decision_id.to_string();
                let command = TariffDecisionCommand::RecordTariffDecision { record, announced_on: Some(announced_on) };
                self.tariffs.execute_with_metadata(&id, command, metadata).await.map_err(|e| e.to_string())
            }
        }
    }
}

fn decision_id(id: &str) -> DecisionId {
    DecisionId::parse(id).expect("a decision id")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}
