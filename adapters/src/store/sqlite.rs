//! The embedded store: one SQLite file in the data folder, in WAL mode with full synchronous commits, so an
//! acknowledged write survives the process being killed and the machine losing power.

use std::path::Path;
use std::str::FromStr;

use super::DATABASE_WAIT;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};

pub(super) struct SqliteStore {
    pub(super) pool: Pool<Sqlite>,
    writer: Writer,
    cache: std::sync::Arc<super::cache::RegionYearCache>,
    _checkpointer: Checkpointer,
}

/// How often the checkpointer moves the write-ahead log's pages into the store file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// The log's length, in pages, from which the checkpointer also starts the log again from its beginning.
const RESTART_LOG_AT_PAGES: i64 = 16_384;

/// The store's page size: SQLite's default, which the store never changes.
const PAGE_BYTES: i64 = 4_096;

/// Moves the write-ahead log's committed pages into the store file (SQLite's passive checkpoint) on a thread and
/// connection of its own, so that no commit of the writer waits for that copy and its sync: the writer's
/// connection checkpoints nothing itself (`wal_autocheckpoint = 0`). A commit is durable once its frames are in
/// the log and the log is synced (`synchronous = FULL`); a checkpoint only copies what is durable already, and
/// a passive one never waits for the writer or a reader. While writes never pause, a passive checkpoint never
/// catches up with the end of the log and the log would only grow: from [`RESTART_LOG_AT_PAGES`] the
/// checkpointer copies the rest, the writer waiting that long, so that the next write starts the log again
/// (and the writer's `journal_size_limit` truncates the file). Stops when the store is dropped.
struct Checkpointer {
    _running: std::sync::mpsc::Sender<()>,
}

impl Checkpointer {
    fn start(options: SqliteConnectOptions) -> Result<Self, super::StoreError> {
        let (running, stopped) = std::sync::mpsc::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| super::StoreError::Open(format!("cannot start the checkpointer: {e}")))?;
        std::thread::Builder::new()
            .name("termijn-checkpointer".to_owned())
            .spawn(move || {
                use sqlx::{ConnectOptions, Connection};
                let mut connection = None;
                let mut failing = false;
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    runtime.block_on(async {
                        if connection.is_none() {
                            connection = options.connect().await.ok();
                        }
                        let Some(open) = connection.as_mut() else { return };
                        match checkpoint(open).await {
                            Ok(()) => failing = false,
                            Err(error) => {
                                if !failing {
                                    tracing::warn!(%error, "the write-ahead log was not checkpointed; retrying");
                                }
                                failing = true;
                                connection = None;
                            }
                        }
                    });
                }
                if let Some(open) = connection.take() {
                    let _ = runtime.block_on(open.close());
                }
            })
            .map_err(|e| super::StoreError::Open(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self { _running: running })
    }
}

/// One round of the checkpointer.
async fn checkpoint(connection: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    let (_busy, log_pages, _copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&mut *connection).await?;
    if log_pages >= RESTART_LOG_AT_PAGES {
        sqlx::query("PRAGMA wal_checkpoint(RESTART)").execute(&mut *connection).await?;
    }
    Ok(())
}

#[macro_use]
mod dialect {
    use sqlx::{Pool, Sqlite, Transaction};

    /// SQLite has one writer at a time; taking the write lock first makes the read of the chain head safe.
    pub(super) async fn begin_write(pool: &Pool<Sqlite>) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The indexed deadlines of a range are read along the index on the last day: given the region-years asked
    /// for as parameters, SQLite's planner would otherwise walk each region-year's whole index.
    pub(super) const DEADLINES_BY_DAY: &str = "deadlines INDEXED BY deadlines_by_last_day";

    /// SQLite's `WITH` holds only selects.
    pub(super) const WRITABLE_CTE: bool = false;

    pub(super) const HEAD_FOR_UPDATE: &str =
        "SELECT position, hash, recorded_at, tree_size FROM chain_head WHERE id = 1";

    /// Rows go in as multi-row inserts whatever their number: an embedded insert costs no round trips.
    pub(super) async fn insert_rows(
        tx: &mut super::Tx,
        target: &str,
        rows: impl ExactSizeIterator<Item = Vec<super::Cell>> + Send,
    ) -> Result<(), sqlx::Error> {
        super::insert_values(tx, target, rows).await
    }

    /// Emptying the views for a rebuild; readers keep seeing the old ones until it commits.
    pub(super) const EMPTY_VIEWS: &[&str] = &[
        "DELETE FROM space_lines",
        "DELETE FROM tariff_rows",
        "DELETE FROM appeal_rows",
        "DELETE FROM region_year_notes",
        "DELETE FROM region_years",
        "DELETE FROM deadlines",
    ];

    /// Drops the secondary indexes of the tables a rebuild writes back, and gives the statements that build them
    /// again, as the catalogue holds them. The rows go in in the order of each table's own key; an index built
    /// once over them costs less than keeping it up to date row by row. Readers keep seeing the old views and
    /// their indexes until the rebuild commits.
    pub(super) async fn drop_rebuilt_indexes(tx: &mut super::Tx) -> Result<Vec<String>, sqlx::Error> {
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('space_lines', 'tariff_rows', 'appeal_rows') ORDER BY name",
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut rebuild = Vec::with_capacity(indexes.len());
        for (name, definition) in indexes {
            sqlx::query(&format!("DROP INDEX \"{name}\"")).execute(&mut **tx).await?;
            rebuild.push(definition);
        }
        Ok(rebuild)
    }

    /// The connection a replay reads the log on, beside the replay's own.
    pub(super) fn log_reader(pool: &Pool<Sqlite>) -> Pool<Sqlite> {
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_lazy_with((*pool.connect_options()).clone())
    }

    /// A batch of the log after `$1`, at most `$2` events, as one row: the last position in it, and its events as
    /// one JSON array of `LogRow`s in log order, each payload going in as the JSON it is stored as. A row handed
    /// over on its own crosses to sqlx's SQLite thread on its own and has each column copied out on its own,
    /// which costs a replay more than reading it.
    pub(super) const LOG_BATCH: Option<&str> = Some(
        "SELECT max(position), '[' || COALESCE(group_concat('[' || position || ',' \
         || json_quote(aggregate_type) || ',' || json_quote(aggregate_id) || ',' || sequence || ',' \
         || json_quote(event_type) || ',' || json_quote(event_version) || ',' || payload || ',' \
         || json_quote(recorded_at) || ',' || json_quote(recorded_by) || ',' || json_quote(idempotency_key) || ',' \
         || json_quote(hash) || ']', ',' ORDER BY position), '') || ']' \
         FROM (SELECT position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, \
         recorded_at, recorded_by, idempotency_key, hash FROM events WHERE position > $1 ORDER BY position LIMIT $2)",
    );

    pub(super) const JSON_OPEN: &str = "";
    pub(super) const JSON_CLOSE: &str = "";

    /// Wraps the rows `kind, doc, first, second` of a region-year into one row: the facts version, and the rows
    /// as one JSON array of arrays, each stored document going in as the JSON it is. Rows handed over one by one
    /// cross to sqlx's SQLite thread each on their own, which costs more than reading them.
    macro_rules! region_year_query {
        ($rows:literal) => {
            concat!(
                "SELECT (SELECT facts_version FROM region_years WHERE region = $1 AND year = $2), '[' || \
                 COALESCE(group_concat('[\"' || kind || '\",' || doc || ',' || json_quote(first) || ',' \
                 || json_quote(second) || ']', ','), '') || ']' FROM (",
                $rows,
                ") AS r"
            )
        };
    }

    /// Reads a region-year with a query made by `region_year_query!`.
    pub(super) async fn read_region_year<'e>(
        executor: impl sqlx::Executor<'e, Database = Sqlite>,
        query: &'static str,
        region: &str,
        year: i32,
    ) -> Result<(Option<i64>, Vec<super::StoredFact>), sqlx::Error> {
        let (version, all): (Option<i64>, String) =
            sqlx::query_as(query).bind(region).bind(year).fetch_one(executor).await?;
        let rows: Vec<(&str, &serde_json::value::RawValue, Option<String>, Option<String>)> =
            serde_json::from_str(&all).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let rows = rows
            .into_iter()
            .map(|(kind, doc, first, second)| super::StoredFact {
                kind: kind.to_owned(),
                doc: doc.get().to_owned(),
                first,
                second,
            })
            .collect();
        Ok((version, rows))
    }

    macro_rules! columns {
        () => {
            "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, \
             recorded_at, recorded_by, idempotency_key, hash"
        };
    }

    pub(super) const SELECT_EVENTS: &str = concat!(
        "SELECT ",
        columns!(),
        " FROM events WHERE position > $1 AND ($2 IS NULL OR (aggregate_type = $2 AND aggregate_id = $3)) \
         AND ($4 IS NULL OR recorded_at <= $4) ORDER BY position LIMIT $5"
    );
}

super::sql::store_impl!(SqliteStore, Sqlite);

impl SqliteStore {
    pub(super) async fn open(
        dir: &Path,
        crash_at: Option<super::CrashPoint>,
        durability: super::Durability,
    ) -> Result<Self, super::StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| super::StoreError::Open(format!("cannot create the data folder {}: {e}", dir.display())))?;
        let file = dir.join("termijn.db");
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match durability {
                super::Durability::Full => SqliteSynchronous::Full,
                super::Durability::Relaxed => SqliteSynchronous::Off,
            })
            .busy_timeout(DATABASE_WAIT)
            .foreign_keys(true);
        // An embedded connection cannot have gone away: no ping before each use.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(|e| super::StoreError::Open(format!("cannot open {}: {e}", file.display())))?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        let cache = std::sync::Arc::new(super::cache::RegionYearCache::default());
        let checkpointer = Checkpointer::start(options.clone())?;
        let writer_options = options
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", (RESTART_LOG_AT_PAGES * PAGE_BYTES).to_string())
            // A multi-row statement that may fail keeps the pages it changes in a statement journal until it
            // ends; for the writer's batches that is a few hundred kilobytes, kept in memory, not in a file.
            .pragma("temp_store", "memory");
        let writer = Writer::start(
            move || SqlitePoolOptions::new().max_connections(1).test_before_acquire(false).connect_with(writer_options),
            crash_at,
            cache.clone(),
        )
        .await?;
        // A log recorded before the Merkle tree existed is brought into it once.
        writer.catch_up_tree().await?;
        Ok(Self { pool, writer, cache, _checkpointer: checkpointer })
    }
}

/// The options of the store file in `dir`, which must exist: a backup never creates an empty store.
fn existing_file(file: &Path) -> Result<SqliteConnectOptions, super::StoreError> {
    if !file.is_file() {
        return Err(super::StoreError::Open(format!("there is no store at {}", file.display())));
    }
    Ok(SqliteConnectOptions::from_str("sqlite://")?.filename(file).busy_timeout(DATABASE_WAIT))
}

/// Makes what was written to `path` durable, and its name in its folder too.
fn sync_file_and_folder(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(())
}

/// The head of the chain in a store file: how many events it holds and the last hash.
async fn head_of(file: &Path) -> Result<(i64, String), super::StoreError> {
    use sqlx::{ConnectOptions, Connection};
    let mut connection = existing_file(file)?.read_only(true).connect().await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut connection).await?;
    if check != "ok" {
        return Err(super::StoreError::Corrupt(format!("{} fails SQLite's integrity check: {check}", file.display())));
    }
    let head = sqlx::query_as("SELECT position, hash FROM chain_head WHERE id = 1")
        .fetch_one(&mut connection)
        .await
        .map_err(|e| super::StoreError::Corrupt(format!("{} is not a termijn store: {e}", file.display())))?;
    connection.close().await?;
    Ok(head)
}

/// Copies the store in `dir` to `to` with `VACUUM INTO`: one read transaction, so the copy is the register at
/// one moment, every write committed before it began included, while servers go on reading and writing. The
/// copy is written beside `to` first and renamed when it is durable, so `to` is never half a copy.
pub(super) async fn backup(dir: &Path, to: &Path) -> Result<(i64, String), super::StoreError> {
    use sqlx::{ConnectOptions, Connection};
    if to.exists() {
        return Err(super::StoreError::Open(format!("{} exists already; a backup never overwrites", to.display())));
    }
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let mut connection = existing_file(&dir.join("termijn.db"))?.connect().await?;
    sqlx::query("VACUUM INTO $1").bind(partial.to_string_lossy().into_owned()).execute(&mut connection).await?;
    connection.close().await?;
    let written = |e: std::io::Error| super::StoreError::Open(format!("cannot write {}: {e}", to.display()));
    sync_file_and_folder(&partial).map_err(written)?;
    std::fs::rename(&partial, to).map_err(written)?;
    sync_file_and_folder(to).map_err(written)?;
    head_of(to).await
}

/// Puts a copy made by [`backup`] in place as the store of `dir`, which must be empty or absent. The copy is
/// checked (SQLite's integrity check, a termijn chain head) before it is put there; the chain itself is
/// verified by the caller once the store is open.
pub(super) async fn restore(from: &Path, dir: &Path) -> Result<(i64, String), super::StoreError> {
    let refuse = |why: String| super::StoreError::Open(why);
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| refuse(format!("cannot read the data folder {}: {e}", dir.display())))?;
        if entries.next().is_some() {
            return Err(refuse(format!("the data folder {} is not empty; a restore never overwrites", dir.display())));
        }
    }
    let head = head_of(from).await?;
    std::fs::create_dir_all(dir)
        .map_err(|e| refuse(format!("cannot create the data folder {}: {e}", dir.display())))?;
    let file = dir.join("termijn.db");
    let partial = dir.join("termijn.db.partial");
    let written = |e: std::io::Error| refuse(format!("cannot write {}: {e}", file.display()));
    std::fs::copy(from, &partial).map_err(written)?;
    sync_file_and_folder(&partial).map_err(written)?;
    std::fs::rename(&partial, &file).map_err(written)?;
    sync_file_and_folder(&file).map_err(written)?;
    Ok(head)
}

#[async_trait::async_trait]
impl super::Backend for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn aggregate_reader(&self) -> super::repository::Reader {
        super::repository::Reader::Sqlite(sqlite_es::SqliteEventRepository::new(self.pool.clone()))
    }

    /// An embedded connection opens in well under a millisecond, as it is first needed.
    async fn open_connections(&self) -> Result<(), super::StoreError> {
        Ok(())
    }

    async fn ping(&self) -> Result<(), super::StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn region_years_held(&self) -> usize {
        self.cache.len()
    }
}
