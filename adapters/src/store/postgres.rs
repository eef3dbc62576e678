//! The PostgreSQL store, for several `termijn serve` processes on one database. Every writer takes the chain
//! head row lock, so positions are handed out and become visible strictly in order across processes.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres};

pub(super) struct PostgresStore {
    pub(super) pool: Pool<Postgres>,
    writer: Writer,
    cache: std::sync::Arc<super::cache::RegionYearCache>,
}

#[macro_use]
mod dialect {
    use sqlx::{Pool, Postgres, Transaction};

    pub(super) async fn begin_write(pool: &Pool<Postgres>) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        pool.begin().await
    }

    /// The row lock on the chain head serialises writers of every process until they commit.
    pub(super) const HEAD_FOR_UPDATE: &str =
        "SELECT position, hash, recorded_at FROM chain_head WHERE id = 1 FOR UPDATE";

    /// JSON is sent as text and stored in `json` columns, which keep the text exactly as written: the hash
    /// chain covers that text.
    pub(super) const JSON_OPEN: &str = "CAST(";
    pub(super) const JSON_CLOSE: &str = " AS json)";

    /// The rows `kind, doc, first, second` of a region-year as one JSON array of arrays, each stored document
    /// going in as the JSON it is.
    macro_rules! rows_as_json_array {
        () => {
            "'[' || COALESCE(string_agg('[\"' || kind || '\",' || doc || ',' \
             || COALESCE(to_json(first)::text, 'null') || ',' || COALESCE(to_json(second)::text, 'null') || ']', ','), '') \
             || ']'"
        };
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
        let relaxed = durability == super::Durability::Relaxed;
        let options = move |connections: u32| {
            PgPoolOptions::new().max_connections(connections).acquire_timeout(Duration::from_secs(30)).after_connect(
                move |connection, _| {
                    Box::pin(async move {
                        if relaxed {
                            sqlx::query("SET synchronous_commit = off").execute(connection).await?;
                        }
                        Ok(())
                    })
                },
            )
        };
        let pool = options(10)
            .connect(url)
            .await
            .map_err(|e| super::StoreError::Open(format!("cannot connect to PostgreSQL: {e}")))?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        let url = url.to_owned();
        let cache = std::sync::Arc::new(super::cache::RegionYearCache::default());
        let writer =
            Writer::start(move || async move { options(1).connect(&url).await }, crash_at, cache.clone()).await?;
        Ok(Self { pool, writer, cache })
    }
}
