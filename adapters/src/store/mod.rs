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
mod types;

use std::sync::Arc;

use chrono::NaiveDate;
use cqrs_es::persist::SerializedEvent;
use termijn_domain::values::{AppealId, DecisionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::facts::{AppealRow, RegionYearRows, SpaceLineRow, TariffRow};
use termijn_projections::views::DeadlineView;

pub use repository::EventRepository;
pub use types::*;

#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
}

enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PostgresStore),
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
