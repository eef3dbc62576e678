//! The event stores: embedded SQLite (the default) and PostgreSQL (several servers on one database).
//!
//! Every write is one transaction that takes the head of the hash chain, appends the events with their global
//! positions, hashes and provenance, records the idempotency key, and applies the events' fact changes to the
//! read models. The views can therefore never miss or double-apply an event, whatever moment the process dies
//! at, and positions are handed out and committed in order, so a reader paging by position skips nothing.

mod backend;
mod cache;
pub mod chain;
mod postgres;
mod repository;
mod sql;
mod sqlite;
mod types;

use std::sync::Arc;

pub use backend::{Access, Appends, Backend, DeadlineIndex, Log, RegionYears, Tree};
pub use repository::{CreatingEventStore, EventRepository};
use termijn_projections::RecordedEvent;
pub use types::*;

/// The store this process opened, whichever database it is on: every method of [`Backend`] and its concerns,
/// and what is said once for both on top of them.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

impl std::ops::Deref for Store {
    type Target = dyn Backend;

    fn deref(&self) -> &Self::Target {
        &*self.backend
    }
}

impl Store {
    /// Connects, and brings the schema up to date (migrations run at start). Every commit is durable.
    pub async fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        Self::open_with(location, Durability::Full).await
    }

    pub async fn open_with(location: &StoreLocation, durability: Durability) -> Result<Self, StoreError> {
        let crash_at = CrashPoint::from_env();
        let backend: Arc<dyn Backend> = match location {
            StoreLocation::Sqlite(dir) => Arc::new(sqlite::SqliteStore::open(dir, crash_at, durability).await?),
            StoreLocation::Postgres(url) => Arc::new(postgres::PostgresStore::open(url, crash_at, durability).await?),
        };
        Ok(Self { backend })
    }

    /// A consistent copy of the embedded store, taken while servers read and write it (SQLite's `VACUUM INTO`);
    /// how many events it holds and the last hash. A PostgreSQL register is copied with `pg_dump`.
    pub async fn backup(location: &StoreLocation, to: &std::path::Path) -> Result<(i64, String), StoreError> {
        match location {
            StoreLocation::Sqlite(dir) => sqlite::backup(dir, to).await,
            StoreLocation::Postgres(_) => Err(StoreError::Open(
                "a PostgreSQL register is copied with pg_dump and put back with pg_restore (see the README)".to_owned(),
            )),
        }
    }

    /// Puts a copy made by [`Store::backup`] in place as the store of an empty data folder; how many events it
    /// holds and the last hash. Verify it after opening it.
    pub async fn restore(location: &StoreLocation, from: &std::path::Path) -> Result<(i64, String), StoreError> {
        match location {
            StoreLocation::Sqlite(dir) => sqlite::restore(from, dir).await,
            StoreLocation::Postgres(_) => Err(StoreError::Open(
                "a PostgreSQL register is put back with pg_restore from a pg_dump (see the README)".to_owned(),
            )),
        }
    }

    pub async fn events(&self, query: &EventQuery) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows: Vec<StoredRow> = self.rows(query).await?;
        rows.iter().map(StoredRow::to_recorded).collect()
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
        self.append_rows_as_they_are(rows).await
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

    /// `row` as the dialect's `LOG_BATCH` writes it into a batch's JSON text.
    fn batch_entry(row: &StoredRow) -> String {
        let quote = |text: &str| serde_json::to_string(text).expect("a JSON string");
        format!(
            "[{},{},{},{},{},{},{},{},{},{},{}]",
            row.position,
            quote(&row.aggregate_type),
            quote(&row.aggregate_id),
            row.sequence,
            quote(&row.event_type),
            quote(&row.event_version),
            row.payload,
            quote(&row.recorded_at),
            quote(&row.recorded_by),
            row.idempotency_key.as_deref().map_or("null".to_owned(), quote),
            quote(&row.hash),
        )
    }

    #[test]
    fn a_batch_of_the_log_read_as_one_text_gives_the_events_its_rows_give_up_to_the_head() {
        let first = StoredRow { event_version: "1.0".to_owned(), hash: "a".repeat(64), ..old_row() };
        let second = StoredRow {
            position: 2,
            sequence: 2,
            recorded_by: "jurist \"van dienst\"".to_owned(),
            idempotency_key: Some("sleutel-1".to_owned()),
            hash: "b".repeat(64),
            ..first.clone()
        };
        let third = StoredRow { position: 3, sequence: 3, ..second.clone() };
        let text = format!("[{},{},{}]", batch_entry(&first), batch_entry(&second), batch_entry(&third));
        let upcasters = termijn_domain::aggregates::upcasters();
        let read = types::log_batch_events(&text, 2, &upcasters).expect("the batch reads");
        let expected: Vec<_> =
            [&first, &second].iter().map(|row| row.to_recorded_with(&upcasters).expect("a recorded event")).collect();
        assert_eq!(read, expected, "the events up to the head, as read row by row");
        assert_eq!(read[1].recorded_by, "jurist \"van dienst\"");
    }

    #[test]
    fn a_batch_text_that_does_not_read_as_written_is_an_error() {
        let upcasters = termijn_domain::aggregates::upcasters();
        let broken = format!("[{}", batch_entry(&old_row()));
        assert!(matches!(types::log_batch_events(&broken, 10, &upcasters), Err(StoreError::Corrupt(_))));
        let bad_instant = batch_entry(&StoredRow { recorded_at: "gisteren".to_owned(), ..old_row() });
        let error = types::log_batch_events(&format!("[{bad_instant}]"), 10, &upcasters).expect_err("an error");
        assert!(error.to_string().contains("position 1"), "{error}");
    }
}
