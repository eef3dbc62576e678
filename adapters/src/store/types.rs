//! The values the stores take and give: where a store is, its errors, provenance, stored rows, tokens,
//! idempotency records, crash points for tests, and the chain's breaks.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use cqrs_es::persist::SerializedEvent;
use serde::{Deserialize, Serialize};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::facts::ProjectionError;
use termijn_projections::views::DeadlineView;

use super::chain;

/// Where the register is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An embedded SQLite database `termijn.db` in this folder, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by `postgres://` URL.
    Postgres(String),
}

impl StoreLocation {
    /// PostgreSQL when a database URL is given, else the embedded store in `data_dir`.
    pub fn from_options(database_url: Option<&str>, data_dir: PathBuf) -> Result<Self, StoreError> {
        match database_url.map(str::trim).filter(|url| !url.is_empty()) {
            None => Ok(Self::Sqlite(data_dir)),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(url.to_owned()))
            }
            Some(_) => Err(StoreError::Open("the database URL must start with postgres://".to_owned())),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store: {0}")]
    Open(String),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database failed: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the database is away or cannot take this now (see [`database_unavailable`]): worth a retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Sql(error) if database_unavailable(error))
    }
}

/// The longest a statement waits for a connection (PostgreSQL) or for another process's write lock (SQLite)
/// before its request is answered 503: while the database is away, every request is answered within it.
pub const DATABASE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether a database error says that the database is away or cannot take a write now, rather than that the
/// request or termijn is at fault: the connection is lost or cannot be made, the server shuts down or does not
/// yet accept connections, its disk or memory is full, or (SQLite) the file cannot be written or stays locked.
/// Such a request is answered 503 with `Retry-After`; nothing of it was recorded.
pub fn database_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => {
            if let Some(postgres) = database.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                // Class 08: connection exception; 53: insufficient resources (disk full 53100); 57P01-57P03:
                // shutting down, crashed, cannot connect now; 58: system error (I/O).
                let code = postgres.code();
                code.starts_with("08") || code.starts_with("53") || code.starts_with("58") || code.starts_with("57P")
            } else if database.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The primary result code: SQLITE_BUSY 5, SQLITE_IOERR 10, SQLITE_FULL 13, SQLITE_CANTOPEN 14.
                let primary = database.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff);
                matches!(primary, Some(5 | 10 | 13 | 14))
            } else {
                false
            }
        }
        _ => false,
    }
}

/// Why an append was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another writer appended to the same aggregate first (optimistic concurrency).
    #[error("another write to the same record came first")]
    Conflict,
    /// Another request with the same idempotency key was recorded first.
    #[error("the idempotency key was used by another request at the same time")]
    IdempotencyKeyTaken,
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error("the database failed: {0}")]
    Sql(#[from] sqlx::Error),
    /// The transaction holding this write failed as a whole.
    #[error("the database failed: {0}")]
    Database(String),
    /// The transaction holding this write failed because the database is away or cannot take it now.
    #[error("the database cannot take the write now: {0}")]
    Unavailable(String),
    #[error("an event cannot be stored: {0}")]
    Encode(String),
}

impl AppendError {
    /// Whether the database is away or cannot take the write now: worth a retry.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Unavailable(_) => true,
            Self::Sql(error) => database_unavailable(error),
            _ => false,
        }
    }
}

/// Who and what a write is recorded for, carried in each event's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    pub recorded_by: String,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
}

impl Provenance {
    pub const RECORDED_BY: &'static str = "recorded_by";
    pub const IDEMPOTENCY_KEY: &'static str = "idempotency_key";
    pub const REQUEST_HASH: &'static str = "request_hash";

    /// The hash an idempotency key holds a write to: the route and the SHA-256 of what was asked.
    pub fn request_hash(route: &str, body_sha256: &str) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!("{route}\n{body_sha256}").as_bytes()))
    }

    pub fn metadata(&self) -> std::collections::HashMap<String, String> {
        let mut metadata = std::collections::HashMap::from([(Self::RECORDED_BY.to_owned(), self.recorded_by.clone())]);
        if let Some(key) = &self.idempotency_key {
            metadata.insert(Self::IDEMPOTENCY_KEY.to_owned(), key.clone());
        }
        if let Some(hash) = &self.request_hash {
            metadata.insert(Self::REQUEST_HASH.to_owned(), hash.clone());
        }
        metadata
    }

    pub(crate) fn from_metadata(metadata: &serde_json::Value) -> Self {
        let text = |key: &str| metadata.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        Self {
            recorded_by: text(Self::RECORDED_BY).unwrap_or_default(),
            idempotency_key: text(Self::IDEMPOTENCY_KEY),
            request_hash: text(Self::REQUEST_HASH),
        }
    }
}

/// Which part of the log to read, in log order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Only events after this position.
    pub after: i64,
    pub limit: i64,
    /// Only the events of this stream: aggregate type and id.
    pub stream: Option<(String, String)>,
    /// Only events recorded at or before this instant.
    pub recorded_until: Option<DateTime<Utc>>,
}

/// An event row exactly as stored, for checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    pub metadata: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub idempotency_key: Option<String>,
    pub hash: String,
}

impl StoredRow {
    pub fn chained(&self) -> chain::ChainedRow<'_> {
        chain::ChainedRow {
            position: self.position,
            aggregate_type: &self.aggregate_type,
            aggregate_id: &self.aggregate_id,
            sequence: self.sequence,
            event_type: &self.event_type,
            event_version: &self.event_version,
            payload: &self.payload,
            metadata: &self.metadata,
            recorded_at: &self.recorded_at,
            recorded_by: &self.recorded_by,
            idempotency_key: self.idempotency_key.as_deref(),
        }
    }

    /// The row as a recorded event, its payload brought to the current version by the domain's upcasters.
    pub fn to_recorded(&self) -> Result<RecordedEvent, StoreError> {
        self.to_recorded_with(&termijn_domain::aggregates::upcasters())
    }

    /// The row as a recorded event, its payload brought to the current version by `upcasters`, in order.
    pub fn to_recorded_with(
        &self,
        upcasters: &[Box<dyn cqrs_es::persist::EventUpcaster>],
    ) -> Result<RecordedEvent, StoreError> {
        LogRow {
            position: self.position,
            aggregate_type: self.aggregate_type.clone(),
            aggregate_id: self.aggregate_id.clone(),
            sequence: self.sequence,
            event_type: self.event_type.clone(),
            event_version: self.event_version.clone(),
            payload: &self.payload,
            recorded_at: &self.recorded_at,
            recorded_by: self.recorded_by.clone(),
            idempotency_key: self.idempotency_key.clone(),
            hash: self.hash.clone(),
        }
        .to_recorded_with(upcasters)
    }
}

/// An event row as the log is read back for a replay: the stored columns but the metadata, the texts that are
/// parsed (payload and instant) borrowed from where they were read.
pub struct LogRow<'a> {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: &'a str,
    pub recorded_at: &'a str,
    pub recorded_by: String,
    pub idempotency_key: Option<String>,
    pub hash: String,
}

impl LogRow<'_> {
    /// The row as a recorded event, its payload brought to the current version by `upcasters`, in order.
    pub fn to_recorded_with(
        self,
        upcasters: &[Box<dyn cqrs_es::persist::EventUpcaster>],
    ) -> Result<RecordedEvent, StoreError> {
        let position = self.position;
        let corrupt = |what: &str| StoreError::Corrupt(format!("event at position {position}: {what}"));
        let payload: serde_json::Value =
            serde_json::from_str(self.payload).map_err(|_| corrupt("payload is not JSON"))?;
        let mut event = SerializedEvent::new(
            self.aggregate_id,
            usize::try_from(self.sequence).map_err(|_| corrupt("negative sequence"))?,
            self.aggregate_type,
            self.event_type,
            self.event_version,
            payload,
            serde_json::Value::Null,
        );
        for upcaster in upcasters {
            if upcaster.can_upcast(&event.event_type, &event.event_version) {
                event = upcaster.upcast(event);
            }
        }
        Ok(RecordedEvent {
            position,
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            sequence: self.sequence,
            event_type: event.event_type,
            event_version: event.event_version,
            payload: event.payload,
            recorded_at: parse_instant(self.recorded_at).ok_or_else(|| corrupt("recorded_at is not RFC 3339"))?,
            recorded_by: self.recorded_by,
            idempotency_key: self.idempotency_key,
            hash: self.hash,
        })
    }
}

/// The events of a batch of the log read as one JSON array of `LogRow`s (the dialect's `LOG_BATCH`), up to
/// `head`, brought to the current version by `upcasters`.
pub fn log_batch_events(
    text: &str,
    head: i64,
    upcasters: &[Box<dyn cqrs_es::persist::EventUpcaster>],
) -> Result<Vec<RecordedEvent>, StoreError> {
    use std::borrow::Cow;
    type Columns<'a> = (
        i64,
        String,
        String,
        i64,
        String,
        String,
        &'a serde_json::value::RawValue,
        Cow<'a, str>,
        String,
        Option<String>,
        String,
    );
    #[derive(Deserialize)]
    struct Read<'a>(#[serde(borrow)] Columns<'a>);
    let rows: Vec<Read<'_>> =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("a batch of the log: {e}")))?;
    rows.into_iter()
        .map(|Read(row)| row)
        .take_while(|row| row.0 <= head)
        .map(|row| {
            LogRow {
                position: row.0,
                aggregate_type: row.1,
                aggregate_id: row.2,
                sequence: row.3,
                event_type: row.4,
                event_version: row.5,
                payload: row.6.get(),
                recorded_at: &row.7,
                recorded_by: row.8,
                idempotency_key: row.9,
                hash: row.10,
            }
            .to_recorded_with(upcasters)
        })
        .collect()
}

/// A bearer token's record; the token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub token_hash: String,
    pub role: String,
    pub name: String,
    pub provider: Option<AgbCode>,
    pub created_at: DateTime<Utc>,
    /// The token is refused from this instant on.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl TokenRecord {
    /// The public identifier of the token: the first 16 hex digits of its hash, which say nothing of the token.
    pub fn id(&self) -> &str {
        self.token_hash.get(..16).unwrap_or(&self.token_hash)
    }

    /// Whether the token may be used at `now`: not revoked, not expired.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|expires| now < expires)
    }
}

/// What a calendar subscription shows: the deadlines filters, how far ahead, and its reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionFilters {
    pub region: Option<RegionSlug>,
    pub provider: Option<AgbCode>,
    pub weeks: u32,
    pub alarm_days: u32,
}

/// A calendar subscription link: only its secret's hash, the token that made it, and its filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub id: String,
    pub secret_hash: String,
    pub token_hash: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub filters: SubscriptionFilters,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A web session: the token it was opened with, and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token: TokenRecord,
    pub last_seen: DateTime<Utc>,
}

/// What an idempotency key was first used for, and the response then given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub request_hash: String,
    pub response: Option<(u16, String)>,
}

/// A moment at which the process kills itself during a write, to prove that a crash there loses nothing that
/// was acknowledged and leaves nothing half written. Set by `TERMIJN_CRASH_AT=before-commit:N` or
/// `after-commit:N` (the N-th write of the process; tests only).
#[derive(Debug)]
pub(crate) struct CrashPoint {
    pub(crate) moment: CrashMoment,
    at_write: u64,
    writes: std::sync::atomic::AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrashMoment {
    /// After the events and their view changes are written, before the transaction commits.
    BeforeCommit,
    /// After the transaction commits, before the writer is answered.
    AfterCommit,
}

impl CrashPoint {
    /// The crash point `TERMIJN_CRASH_AT` asks for; only in a binary built with the `crash-points` feature, which
    /// the black-box tests build and a release never has.
    #[cfg(not(feature = "crash-points"))]
    pub(crate) fn from_env() -> Option<Self> {
        None
    }

    #[cfg(feature = "crash-points")]
    pub(crate) fn from_env() -> Option<Self> {
        let setting = std::env::var("TERMIJN_CRASH_AT").ok()?;
        let (moment, n) = setting.split_once(':').unwrap_or((&setting, "1"));
        let moment = match moment {
            "before-commit" => CrashMoment::BeforeCommit,
            "after-commit" => CrashMoment::AfterCommit,
            _ => return None,
        };
        Some(Self { moment, at_write: n.parse().ok()?, writes: std::sync::atomic::AtomicU64::new(0) })
    }

    /// Counts a write; true when this is the write to crash at.
    pub(crate) fn is_now(&self) -> bool {
        self.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == self.at_write
    }
}

/// Instants are stored as fixed-width RFC 3339 text in UTC, so text order is time order.
pub fn format_instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

pub(crate) fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The first event whose row does not hold what the chain says, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub position: i64,
    pub problem: ChainProblem,
}

/// What is wrong at the first break of the hash chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    /// A row is missing: the next row holds a later position.
    #[error("missing: the next row holds position {next}")]
    Missing { next: i64 },
    /// The row's columns, or the row before it, were altered.
    #[error("its columns or the row before it were altered: the hash does not match")]
    Altered,
    /// The log ends before the position its head records (the last rows were deleted).
    #[error("the log ends at position {ends_at} but its head records position {head}")]
    Truncated { ends_at: i64, head: i64 },
}

/// Counts of the read models, to compare a live store with a rebuilt one.
pub type ViewsDump = Vec<String>;

/// Whether a commit waits until it is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every acknowledged write survives a crash of the process or the machine. What the service uses.
    Full,
    /// Commits return before they reach the disk: only for loading synthetic history in benchmarks.
    Relaxed,
}

/// What a write recorded in a region-year, to read the region-year as it stood once that was recorded.
#[derive(Clone, Copy)]
pub enum Written<'a> {
    Appeal(&'a AppealId),
    TariffDecision(&'a DecisionId),
}

/// The opened terms of one region-year as its facts stood at `version`, for the deadlines index.
pub struct RegionYearDeadlines {
    pub region: RegionSlug,
    pub year: i32,
    pub version: i64,
    pub terms: Vec<DeadlineView>,
}

/// A signed checkpoint as kept: the tree size, its root hash (base64), the signed note (C2SP tlog-checkpoint)
/// and when it was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRecord {
    pub tree_size: u64,
    pub root_hash: String,
    pub note: String,
    pub signed_at: String,
}
