//! The cqrs-es event repository over our stores. Aggregates are loaded by sqlite-es or postgres-es, which read
//! the same `events` table; writes go through `Store::append`, which adds the global position, the hash chain,
//! provenance and the view changes in the same transaction.

use cqrs_es::Aggregate;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot};
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

use super::{AppendError, Store};

pub struct EventRepository {
    store: Store,
    reader: Reader,
}

/// How the aggregates of a store are loaded: by the cqrs-es repository of its database.
pub enum Reader {
    Sqlite(SqliteEventRepository),
    Postgres(PostgresEventRepository),
}

impl EventRepository {
    pub fn new(store: Store) -> Self {
        let reader = store.aggregate_reader();
        Self { store, reader }
    }
}

macro_rules! read {
    ($self:ident . $method:ident :: <$a:ty> ( $($arg:expr),* )) => {
        match &$self.reader {
            Reader::Sqlite(r) => r.$method::<$a>($($arg),*).await,
            Reader::Postgres(r) => r.$method::<$a>($($arg),*).await,
        }
    };
}

impl PersistedEventRepository for EventRepository {
    async fn get_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<Vec<SerializedEvent>, PersistenceError> {
        read!(self.get_events::<A>(aggregate_id))
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        read!(self.get_last_events::<A>(aggregate_id, last_sequence))
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        read!(self.get_snapshot::<A>(aggregate_id))
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        _snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        match self.store.append(events).await {
            Ok(_) => Ok(()),
            Err(AppendError::Conflict) => Err(PersistenceError::OptimisticLockError),
            Err(other) => Err(PersistenceError::UnknownError(Box::new(other))),
        }
    }

    async fn stream_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<ReplayStream, PersistenceError> {
        read!(self.stream_events::<A>(aggregate_id))
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        read!(self.stream_all_events::<A>())
    }
}
