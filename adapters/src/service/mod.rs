//! The service as the outside world uses it: commands that record decisions, appeals and objections
//! (validated by the aggregates, cross-checked against what is recorded), and queries that judge the recorded
//! facts through the term engine. The HTTP API and the command line both stand on this.

mod clock;
mod commands;
mod deadlines;
mod error;
mod imports;
mod queries;
mod reference;
mod what_if;

use std::collections::HashMap;
use std::sync::Arc;

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateError, CqrsFramework};
use termijn_domain::aggregates::appeal::{Appeal, AppealCommand};
use termijn_domain::aggregates::objection::{Objection, ObjectionCommand};
use termijn_domain::aggregates::reference_data::ReferenceData;
use termijn_domain::aggregates::space_decision::{SpaceDecision, SpaceDecisionCommand};
use termijn_domain::aggregates::tariff_decision::{TariffDecision, TariffDecisionCommand};
use termijn_domain::aggregates::{Services, upcasters};
use termijn_domain::reference::LegalContext;

use crate::store::{CreatingEventStore, EventRepository, Store};

pub use clock::{legal_date_at, start_of_legal_day, today};
pub use commands::{Entry, JudgmentOrder, NamedAnnulment, NewObjection, NewSpaceDecision};
pub use deadlines::keep_deadlines_fresh;
pub use error::CommandError;
pub use imports::{Import, ImportFields, ImportPreview, PreviewLine, file_sha256, import_key};
pub use queries::{AppealDetail, SpaceDecisionDetail};
pub use reference::ReferenceVersion;
pub use what_if::{EntryRefused, WhatIf};

type Cqrs<A> = CqrsFramework<A, PersistedEventStore<EventRepository, A>>;

/// The commands of one aggregate type, through cqrs-es: those that create an aggregate without reading it
/// first (nothing can be recorded for it yet), every other against the aggregate as recorded.
struct Aggregates<A: Aggregate> {
    recorded: Cqrs<A>,
    creating: CqrsFramework<A, CreatingEventStore<A>>,
    /// Whether a command creates its aggregate (the domain's `creates` of the command type).
    creates: fn(&A::Command) -> bool,
}

impl<A> Aggregates<A>
where
    A: Aggregate<Services = Services>,
    A::Command: Clone,
{
    fn new(store: &Store, context: &Services, creates: fn(&A::Command) -> bool) -> Self {
        Self {
            recorded: framework(store, context),
            creating: CqrsFramework::new(CreatingEventStore(event_store(store)), Vec::new(), context.clone()),
            creates,
        }
    }

    /// Executes `command` with `metadata` (`execute_with_metadata`). A command that creates its aggregate is
    /// first handled by a new aggregate; when the id turns out to be taken, or the new aggregate refuses it, it
    /// is handled again by the aggregate as recorded, so a refusal is always the recorded aggregate's own.
    async fn execute(
        &self,
        id: &str,
        command: A::Command,
        metadata: HashMap<String, String>,
    ) -> Result<(), AggregateError<A::Error>> {
        if (self.creates)(&command) {
            match self.creating.execute_with_metadata(id, command.clone(), metadata.clone()).await {
                Err(AggregateError::AggregateConflict | AggregateError::UserError(_)) => {}
                done => return done,
            }
        }
        self.recorded.execute_with_metadata(id, command, metadata).await
    }
}

pub struct Service {
    store: Store,
    context: Arc<LegalContext>,
    spaces: Aggregates<SpaceDecision>,
    tariffs: Aggregates<TariffDecision>,
    appeals: Aggregates<Appeal>,
    objections: Aggregates<Objection>,
    reference: Cqrs<ReferenceData>,
    /// The recorded versions of the reference data, oldest first; read when the server adopts its data.
    versions: Vec<ReferenceVersion>,
    /// The register's signed checkpoints, where this process holds the key.
    checkpoints: Option<crate::audit::Checkpoints>,
    /// Region-years' deadlines as judged for the queries asked last.
    judged: deadlines::JudgedDeadlines,
}

fn event_store<A: Aggregate>(store: &Store) -> PersistedEventStore<EventRepository, A> {
    PersistedEventStore::new_event_store(EventRepository::new(store.clone())).with_upcasters(upcasters())
}

fn framework<A: Aggregate<Services = Services>>(store: &Store, context: &Services) -> Cqrs<A> {
    CqrsFramework::new(event_store(store), Vec::new(), context.clone())
}

impl Service {
    pub fn new(store: Store, context: Arc<LegalContext>) -> Self {
        Self {
            spaces: Aggregates::new(&store, &context, SpaceDecisionCommand::creates),
            tariffs: Aggregates::new(&store, &context, TariffDecisionCommand::creates),
            appeals: Aggregates::new(&store, &context, AppealCommand::creates),
            objections: Aggregates::new(&store, &context, ObjectionCommand::creates),
            reference: framework(&store, &context),
            versions: Vec::new(),
            checkpoints: None,
            judged: deadlines::JudgedDeadlines::default(),
            store,
            context,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn context(&self) -> &LegalContext {
        &self.context
    }

    /// Signs and serves checkpoints with `checkpoints`.
    pub fn with_checkpoints(mut self, checkpoints: crate::audit::Checkpoints) -> Self {
        self.checkpoints = Some(checkpoints);
        self
    }

    pub fn checkpoints(&self) -> Option<&crate::audit::Checkpoints> {
        self.checkpoints.as_ref()
    }
}
