//! The PostgreSQL store, for several `termijn serve` processes on one database. Every writer takes the chain
//! head row lock, so positions are handed out and become visible strictly in order across processes.

use super::DATABASE_WAIT;

use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Pool, Postgres};

pub(super) struct PostgresStore {
    pub(super) pool: Pool<Postgres>,
    writer: Writer,
    cache: std::sync::Arc<super::cache::RegionYearCache>,
}

#[macro_use]
mod dialect {
    use sqlx::{Pool, Postgres, Transaction};

    /// The indexed deadlines, as the planner finds them from its statistics.
    pub(super) const DEADLINES_BY_DAY: &str = "deadlines";

    pub(super) async fn begin_write(pool: &Pool<Postgres>) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        pool.begin().await
    }

    /// PostgreSQL runs several writes in one statement (`WITH t AS (INSERT ...) UPDATE ...`).
    pub(super) const WRITABLE_CTE: bool = true;

    /// The row lock on the chain head serialises writers of every process until they commit.
    pub(super) const HEAD_FOR_UPDATE: &str =
        "SELECT position, hash, recorded_at, tree_size FROM chain_head WHERE id = 1 FOR UPDATE";

    /// From this many rows on, rows go in through `COPY`, which PostgreSQL parses far faster than the bound
    /// parameters of multi-row inserts; fewer go in as inserts, which cost fewer round trips.
    const COPY_FROM_ROWS: usize = 1_000;

    /// Inserts rows into `target` (a table with its column list): a large set (a rebuilt register) through
    /// `COPY` in its text format, sent a megabyte at a time. That format escapes only backslashes and control
    /// characters, which stored JSON documents seldom hold, where CSV would double every quote.
    pub(super) async fn insert_rows(
        tx: &mut super::Tx,
        target: &str,
        rows: impl ExactSizeIterator<Item = Vec<super::Cell>> + Send,
    ) -> Result<(), sqlx::Error> {
        if rows.len() < COPY_FROM_ROWS {
            return super::insert_values(tx, target, rows).await;
        }
        let mut copy = tx.copy_in_raw(&format!("COPY {target} FROM STDIN")).await?;
        let mut text = String::new();
        for cells in rows {
            for (column, cell) in cells.into_iter().enumerate() {
                if column > 0 {
                    text.push('\t');
                }
                match cell {
                    super::Cell::Text(None) => text.push_str("\\N"),
                    super::Cell::Text(Some(value)) => copy_text(&mut text, &value),
                    super::Cell::Int(number) => {
                        use std::fmt::Write;
                        let _ = write!(text, "{number}");
                    }
                }
            }
            text.push('\n');
            if text.len() >= 1 << 20 {
                copy.send(std::mem::take(&mut text).into_bytes()).await?;
            }
        }
        if !text.is_empty() {
            copy.send(text.into_bytes()).await?;
        }
        copy.finish().await?;
        Ok(())
    }

    /// A value as a field of `COPY`'s text format: a backslash, and the tab, newline and carriage return that
    /// would end a field or a row, are escaped with a backslash.
    fn copy_text(text: &mut String, value: &str) {
        let mut rest = value;
        while let Some(at) = rest.find(['\\', '\t', '\n', '\r']) {
            text.push_str(&rest[..at]);
            text.push_str(match rest.as_bytes()[at] {
                b'\\' => "\\\\",
                b'\t' => "\\t",
                b'\n' => "\\n",
                _ => "\\r",
            });
            rest = &rest[at + 1..];
        }
        text.push_str(rest);
    }

    /// Emptying the views for a rebuild: `TRUNCATE` leaves no dead rows behind that the rows written back would
    /// have to be checked against in every index. It locks the tables until the rebuild commits, so it is done
    /// only once the new rows are ready to be written: readers wait for the write-back (about two seconds for a
    /// million events) and then see the new views.
    pub(super) const EMPTY_VIEWS: &[&str] =
        &["TRUNCATE space_lines, tariff_rows, appeal_rows, region_year_notes, region_years, deadlines"];

    /// The tables a rebuild writes back in bulk.
    const REBUILT_TABLES: &str = "'space_lines', 'tariff_rows', 'appeal_rows'";

    /// Drops the indexes (primary keys included) of the tables a rebuild writes back, and gives the statements
    /// that build them again, read from the catalogue so they are exactly what the migrations made. An index
    /// built once over the loaded rows costs a fraction of keeping it up to date row by row.
    pub(super) async fn drop_rebuilt_indexes(tx: &mut super::Tx) -> Result<Vec<String>, sqlx::Error> {
        let constraints: Vec<(String, String, String)> = sqlx::query_as(&format!(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM pg_constraint c \
             WHERE c.conrelid::regclass::text IN ({REBUILT_TABLES}) AND c.contype IN ('p', 'u') ORDER BY 1, 2"
        ))
        .fetch_all(&mut **tx)
        .await?;
        let indexes: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT quote_ident(i.indexname), i.indexdef FROM pg_indexes i \
             WHERE i.schemaname = current_schema() AND i.tablename IN ({REBUILT_TABLES}) \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = quote_ident(i.indexname)::regclass) \
             ORDER BY 1"
        ))
        .fetch_all(&mut **tx)
        .await?;
        sqlx::query("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut **tx).await?;
        let mut rebuild = Vec::new();
        for (table, name, definition) in constraints {
            sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).execute(&mut **tx).await?;
            rebuild.push(format!("ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"));
        }
        for (name, definition) in indexes {
            sqlx::query(&format!("DROP INDEX {name}")).execute(&mut **tx).await?;
            rebuild.push(definition);
        }
        Ok(rebuild)
    }

    /// The connections a replay reads the log on: the pool's own.
    pub(super) fn log_reader(pool: &Pool<Postgres>) -> Pool<Postgres> {
        pool.clone()
    }

    /// A replay reads the log row by row: the server sends rows in its binary format, which sqlx reads faster
    /// than the same rows aggregated into one JSON text.
    pub(super) const LOG_BATCH: Option<&str> = None;

    /// JSON is sent as text and stored in `json` columns, which keep the text exactly as written: the hash
    /// chain covers that text.
    pub(super) const JSON_OPEN: &str = "CAST(";
    pub(super) const JSON_CLOSE: &str = " AS json)";

    /// Adds the facts version to each of the rows `kind, doc, first, second` of a region-year. Plain rows cost
    /// PostgreSQL less than building one document of them.
    macro_rules! region_year_query {
        ($rows:literal) => {
            concat!(
                "SELECT (SELECT facts_version FROM region_years WHERE region = $1 AND year = $2), kind, doc, first, \
                 second FROM (",
                $rows,
                ") AS r"
            )
        };
    }

    /// Reads a region-year with a query made by `region_year_query!`. A region-year without rows has no
    /// version either: its facts version only counts changes to its rows.
    pub(super) async fn read_region_year<'e>(
        executor: impl sqlx::Executor<'e, Database = Postgres>,
        query: &'static str,
        region: &str,
        year: i32,
    ) -> Result<(Option<i64>, Vec<super::StoredFact>), sqlx::Error> {
        /// The facts version, then `kind, doc, first, second`.
        type VersionedRow = (Option<i64>, String, String, Option<String>, Option<String>);
        let rows: Vec<VersionedRow> = sqlx::query_as(query).bind(region).bind(year).fetch_all(executor).await?;
        let version = rows.first().and_then(|row| row.0);
        let rows = rows
            .into_iter()
            .map(|(_, kind, doc, first, second)| super::StoredFact { kind, doc, first, second })
            .collect();
        Ok((version, rows))
    }

    macro_rules! columns {
        () => {
            "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload::text AS payload, \
             metadata::text AS metadata, recorded_at, recorded_by, idempotency_key, hash"
        };
    }

    pub(super) const SELECT_EVENTS: &str = concat!(
        "SELECT ",
        columns!(),
        " FROM events WHERE position > $1 AND ($2::text IS NULL OR (aggregate_type = $2 AND aggregate_id = $3)) \
         AND ($4::text IS NULL OR recorded_at <= $4) ORDER BY position LIMIT $5"
    );
}

super::sql::store_impl!(PostgresStore, Postgres);

impl PostgresStore {
    pub(super) async fn open(
        url: &str,
        crash_at: Option<super::CrashPoint>,
        durability: super::Durability,
    ) -> Result<Self, super::StoreError> {
        let cannot_connect = |e: sqlx::Error| super::StoreError::Open(format!("cannot connect to PostgreSQL: {e}"));
        let mut migrating = sqlx::PgConnection::connect(url).await.map_err(cannot_connect)?;
        sqlx::migrate!("../migrations/postgres").run(&mut migrating).await?;
        migrating.close().await.map_err(cannot_connect)?;
        // A connection is warmed up as it is opened, and kept once open (see `open_connections`), so a request
        // waits for neither.
        let relaxed = durability == super::Durability::Relaxed;
        let options = move |connections: u32| {
            PgPoolOptions::new()
                .max_connections(connections)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(DATABASE_WAIT)
                .after_connect(move |connection, _| {
                    Box::pin(async move {
                        if relaxed {
                            sqlx::query("SET synchronous_commit = off").execute(&mut *connection).await?;
                        }
                        warm_up(connection).await
                    })
                })
        };
        let pool = options(10).connect(url).await.map_err(cannot_connect)?;
        let url = url.to_owned();
        let cache = std::sync::Arc::new(super::cache::RegionYearCache::default());
        let writer =
            Writer::start(move || async move { options(1).connect(&url).await }, crash_at, cache.clone()).await?;
        // A log recorded before the Merkle tree existed is brought into it once.
        writer.catch_up_tree().await?;
        Ok(Self { pool, writer, cache })
    }
}

#[async_trait::async_trait]
impl super::Backend for PostgresStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn aggregate_reader(&self) -> super::repository::Reader {
        super::repository::Reader::Postgres(postgres_es::PostgresEventRepository::new(self.pool.clone()))
    }

    /// Opens every connection of the pool at once: opening one costs a PostgreSQL process start.
    async fn open_connections(&self) -> Result<(), super::StoreError> {
        let all = (0..self.pool.options().get_max_connections()).map(|_| self.pool.acquire());
        futures_util::future::try_join_all(all).await?;
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
