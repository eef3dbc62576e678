//! The cqrs-es event repository over our stores. Aggregates are loaded by sqlite-es or postgres-es, which read
//! the same `events` table; writes go through `Store::append`, which adds the global position, the hash chain,
//! provenance and the view changes in the same transaction. A command that creates its aggregate loads
//! nothing ([`CreatingEventStore`]).

use std::collections::HashMap;

use cqrs_es::persist::{
    EventStoreAggregateContext, PersistedEventRepository, PersistedEventStore, PersistenceError, ReplayStream,
    SerializedEvent, SerializedSnapshot,
};
use cqrs_es::{Aggregate, AggregateError, EventEnvelope, EventStore};
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

/// The event store of a command that creates its aggregate: it reads nothing, since an aggregate that is still
/// to be created has no events. Should the id be taken after all, its first event collides with the recorded
/// one in the log's unique `(aggregate_type, aggregate_id, sequence)` and the commit is refused as a conflict,
/// with nothing recorded; the service then hands the command to the aggregate as recorded.
pub struct CreatingEventStore<A: Aggregate>(pub PersistedEventStore<EventRepository, A>);

impl<A: Aggregate> EventStore<A> for CreatingEventStore<A> {
    type AC = EventStoreAggregateContext<A>;

    async fn load_events(&self, aggregate_id: &str) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        self.0.load_events(aggregate_id).await
    }

    async fn load_aggregate(&self, aggregate_id: &str) -> Result<Self::AC, AggregateError<A::Error>> {
        Ok(EventStoreAggregateContext {
            aggregate_id: aggregate_id.to_owned(),
            aggregate: A::default(),
            current_sequence: 0,
            current_snapshot: None,
        })
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: Self::AC,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        self.0.commit(events, context, metadata).await
    }
}
