//! The event stores: embedded SQLite (the default) and PostgreSQL (several servers on one database).
//!
//! Every write is one transaction that takes the head of the hash chain, appends the events with their global
//! positions, hashes and provenance, records the idempotency key, and applies the events' fact changes to the
//! read models. The views can therefore never miss or double-apply an event, whatever moment the process dies
//! at, and positions are handed out and committed in order, so a reader paging by position skips nothing.

mod cache;
pub mod chain;
mod postgres;
mod repository;
mod sql;
mod sqlite;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use cqrs_es::persist::SerializedEvent;
use termijn_domain::values::{AgbCode, AppealId, DecisionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::facts::{AppealRow, ProjectionError, RegionYearRows, SpaceLineRow, TariffRow};
use termijn_projections::views::DeadlineView;

pub use repository::EventRepository;

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
    #[error("an event cannot be stored: {0}")]
    Encode(String),
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

    fn from_metadata(metadata: &serde_json::Value) -> Self {
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
        let corrupt = |what: &str| StoreError::Corrupt(format!("event at position {}: {what}", self.position));
        let payload: serde_json::Value =
            serde_json::from_str(&self.payload).map_err(|_| corrupt("payload is not JSON"))?;
        let mut event = SerializedEvent::new(
            self.aggregate_id.clone(),
            usize::try_from(self.sequence).map_err(|_| corrupt("negative sequence"))?,
            self.aggregate_type.clone(),
            self.event_type.clone(),
            self.event_version.clone(),
            payload,
            serde_json::Value::Null,
        );
        for upcaster in upcasters {
            if upcaster.can_upcast(&event.event_type, &event.event_version) {
                event = upcaster.upcast(event);
            }
        }
        Ok(RecordedEvent {
            position: self.position,
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            sequence: self.sequence,
            event_type: event.event_type,
            event_version: event.event_version,
            payload: event.payload,
            recorded_at: parse_instant(&self.recorded_at).ok_or_else(|| corrupt("recorded_at is not RFC 3339"))?,
            recorded_by: self.recorded_by.clone(),
            idempotency_key: self.idempotency_key.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// A bearer token's record; the token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub token_hash: String,
    pub role: String,
    pub name: String,
    pub provider: Option<AgbCode>,
    pub created_at: DateTime<Utc>,
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
    fn from_env() -> Option<Self> {
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

fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_date(text: &str) -> Option<NaiveDate> {
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

#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
}

enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PostgresStore),
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

macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &*$self.backend {
            Backend::Sqlite(store) => store.$method($($arg),*).await,
            Backend::Postgres(store) => store.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Connects, and brings the schema up to date (migrations run at start). Every commit is durable.
    pub async fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        Self::open_with(location, Durability::Full).await
    }

    pub async fn open_with(location: &StoreLocation, durability: Durability) -> Result<Self, StoreError> {
        let crash_at = CrashPoint::from_env();
        let backend = match location {
            StoreLocation::Sqlite(dir) => Backend::Sqlite(sqlite::SqliteStore::open(dir, crash_at, durability).await?),
            StoreLocation::Postgres(url) => {
                Backend::Postgres(postgres::PostgresStore::open(url, crash_at, durability).await?)
            }
        };
        Ok(Self { backend: Arc::new(backend) })
    }

    /// Opens every connection the store may use, so that no request waits for one to be opened (what a
    /// server does at the start; a command opens only the connections it uses).
    pub async fn open_connections(&self) -> Result<(), StoreError> {
        dispatch!(self.open_connections())
    }

    /// Reads the register's region-years into memory, the latest years first, as far as the memory set aside
    /// for them goes (the whole register at well over a million events), so that no read waits for the disk;
    /// how many region-years it holds, of how many. What is held stays up to date (see `region_year_rows`).
    pub async fn hold_register(&self) -> Result<(usize, usize), StoreError> {
        dispatch!(self.hold_register())
    }

    pub fn kind(&self) -> &'static str {
        match &*self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Appends the events of one command in one transaction, with their view changes.
    pub async fn append(&self, events: &[SerializedEvent]) -> Result<Vec<RecordedEvent>, AppendError> {
        dispatch!(self.append(events))
    }

    pub async fn region_year_rows(&self, region: &RegionSlug, year: i32) -> Result<Arc<RegionYearRows>, StoreError> {
        dispatch!(self.region_year_rows(region, year))
    }

    /// The rows of a region-year that include what a write recorded: what the answer to that write is judged
    /// from. They may be older than the latest rows (not older than the write), so they answer no other read.
    pub async fn region_year_rows_including(
        &self,
        region: &RegionSlug,
        year: i32,
        written: Written<'_>,
    ) -> Result<Arc<RegionYearRows>, StoreError> {
        dispatch!(self.region_year_rows_including(region, year, written))
    }

    /// Whether a contracting-space decision is recorded at all, and whether it sets a space for one region-year.
    pub async fn sets_space(
        &self,
        decision_id: &DecisionId,
        region: &RegionSlug,
        year: i32,
    ) -> Result<(bool, bool), StoreError> {
        dispatch!(self.sets_space(decision_id, region, year))
    }

    pub async fn space_lines(&self, decision_id: &DecisionId) -> Result<Vec<SpaceLineRow>, StoreError> {
        dispatch!(self.space_lines(decision_id))
    }

    pub async fn tariff_rows(&self, decision_id: &DecisionId) -> Result<Vec<TariffRow>, StoreError> {
        dispatch!(self.tariff_rows(decision_id))
    }

    pub async fn appeal_row(&self, appeal_id: &AppealId) -> Result<Option<AppealRow>, StoreError> {
        dispatch!(self.appeal_row(appeal_id))
    }

    /// Region-years whose deadlines index is older than their facts, with the facts' version.
    pub async fn stale_region_years(&self) -> Result<Vec<(RegionSlug, i32, i64)>, StoreError> {
        dispatch!(self.stale_region_years())
    }

    /// Replaces the indexed deadlines of each region-year given, unless the index already holds that version.
    pub async fn store_deadlines(&self, index: Vec<RegionYearDeadlines>) -> Result<(), StoreError> {
        dispatch!(self.store_deadlines(index))
    }

    /// Indexed terms whose last day lies in `from..=to`, by last day. Every term counts for every appellant
    /// (R7), so who is asking narrows nothing here; the register redacts another provider's terms.
    pub async fn deadlines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        region: Option<&RegionSlug>,
    ) -> Result<Vec<DeadlineView>, StoreError> {
        dispatch!(self.deadlines(from, to, region))
    }

    pub async fn events(&self, query: &EventQuery) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows: Vec<StoredRow> = dispatch!(self.rows(query))?;
        rows.iter().map(StoredRow::to_recorded).collect()
    }

    pub async fn rows(&self, query: &EventQuery) -> Result<Vec<StoredRow>, StoreError> {
        dispatch!(self.rows(query))
    }

    /// The last position and hash of the chain, as its head records them.
    pub async fn chain_head(&self) -> Result<(i64, String), StoreError> {
        dispatch!(self.chain_head())
    }

    /// Checks every event row against the chain; the first row that breaks it, if any.
    pub async fn verify(&self, mut progress: impl FnMut(i64, i64)) -> Result<Option<ChainBreak>, StoreError> {
        let (head_position, head_hash) = self.chain_head().await?;
        let mut previous = chain::GENESIS.to_owned();
        let mut expected = 1;
        loop {
            let rows = self.rows(&EventQuery { after: expected - 1, limit: 2_000, ..EventQuery::default() }).await?;
            let Some(last) = rows.last() else { break };
            let last_position = last.position;
            for row in &rows {
                if row.position != expected {
                    return Ok(Some(ChainBreak {
                        position: expected,
                        problem: ChainProblem::Missing { next: row.position },
                    }));
                }
                let hash = chain::hash(&previous, &row.chained());
                if hash != row.hash {
                    return Ok(Some(ChainBreak { position: row.position, problem: ChainProblem::Altered }));
                }
                previous = hash;
                expected += 1;
            }
            progress(last_position, head_position);
        }
        if expected - 1 != head_position || previous != head_hash {
            return Ok(Some(ChainBreak {
                position: expected,
                problem: ChainProblem::Truncated { ends_at: expected - 1, head: head_position },
            }));
        }
        Ok(None)
    }

    /// Rebuilds every read model from the log in one transaction; the result equals the live views.
    pub async fn rebuild_views(&self, progress: impl FnMut(i64, i64) + Send) -> Result<i64, StoreError> {
        dispatch!(self.rebuild_views(progress))
    }

    /// Every read-model row in a canonical order, to compare two stores.
    pub async fn dump_views(&self) -> Result<ViewsDump, StoreError> {
        dispatch!(self.dump_views())
    }

    /// Appends rows taken from another store's log as they are, positions and hashes included, after checking
    /// that they continue this store's chain. The views are not touched: rebuild them afterwards.
    pub async fn import_rows(&self, rows: &[StoredRow]) -> Result<(), StoreError> {
        let (mut position, mut previous) = self.chain_head().await?;
        for row in rows {
            if row.position != position + 1 || chain::hash(&previous, &row.chained()) != row.hash {
                return Err(StoreError::Corrupt(format!("row {} does not continue the chain", row.position)));
            }
            position = row.position;
            previous = row.hash.clone();
        }
        dispatch!(self.import_rows(rows))
    }

    pub async fn projected_through(&self) -> Result<i64, StoreError> {
        dispatch!(self.projected_through())
    }

    pub async fn insert_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        dispatch!(self.insert_token(token))
    }

    pub async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        dispatch!(self.token(token_hash))
    }

    pub async fn idempotency(&self, scope: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        dispatch!(self.idempotency(scope, key))
    }

    pub async fn complete_idempotency(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        response: &str,
    ) -> Result<(), StoreError> {
        dispatch!(self.complete_idempotency(scope, key, status, response))
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster};

    use super::*;

    /// A row as an older release would have written it: version 0.9, before decisions carried a reason.
    fn old_row() -> StoredRow {
        StoredRow {
            position: 1,
            aggregate_type: "contracting_space_decision".to_owned(),
            aggregate_id: "NZa-RCS-2025-11".to_owned(),
            sequence: 1,
            event_type: "SpaceDecisionRecorded".to_owned(),
            event_version: "0.9".to_owned(),
            payload: r#"{"SpaceDecisionRecorded":{"decision_id":"NZa-RCS-2025-11","kind":"establishment",
                "decided_on":"2025-11-10","spaces":[{"region":"groningen","year":2026,"amount":"1.00"}]}}"#
                .to_owned(),
            metadata: "{}".to_owned(),
            recorded_at: "2025-11-10T09:00:00.000000Z".to_owned(),
            recorded_by: "jurist".to_owned(),
            idempotency_key: None,
            hash: String::new(),
        }
    }

    #[test]
    fn an_event_of_an_older_version_is_read_through_its_upcaster() {
        let add_reason: Box<dyn EventUpcaster> = Box::new(SemanticVersionEventUpcaster::new(
            "SpaceDecisionRecorded",
            "1.0",
            Box::new(|mut payload| {
                if let Some(body) = payload.get_mut("SpaceDecisionRecorded").and_then(|b| b.as_object_mut()) {
                    body.insert("reason".to_owned(), serde_json::Value::String(String::new()));
                }
                payload
            }),
        ));
        let without = old_row().to_recorded_with(&[]).expect("a recorded event");
        assert!(without.decode().is_err(), "the old payload does not fit the current event");
        let upcast = old_row().to_recorded_with(&[add_reason]).expect("a recorded event");
        assert_eq!(upcast.event_version, "1.0.0");
        assert!(upcast.decode().is_ok(), "{:?}", upcast.payload);
    }
}
