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

use std::sync::Arc;

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, CqrsFramework};
use termijn_domain::aggregates::appeal::Appeal;
use termijn_domain::aggregates::objection::Objection;
use termijn_domain::aggregates::reference_data::ReferenceData;
use termijn_domain::aggregates::space_decision::SpaceDecision;
use termijn_domain::aggregates::tariff_decision::TariffDecision;
use termijn_domain::aggregates::{Services, upcasters};
use termijn_domain::reference::LegalContext;

use crate::store::{EventRepository, Store};

pub use clock::{legal_date_at, start_of_legal_day, today};
pub use commands::{Entry, JudgmentOrder, NamedAnnulment, NewObjection, NewSpaceDecision};
pub use deadlines::keep_deadlines_fresh;
pub use error::CommandError;
pub use imports::{Import, ImportFields, ImportPreview, PreviewLine, file_sha256, import_key};
pub use queries::{AppealDetail, SpaceDecisionDetail};
pub use reference::ReferenceVersion;
pub use what_if::{EntryRefused, WhatIf};

type Cqrs<A> = CqrsFramework<A, PersistedEventStore<EventRepository, A>>;

pub struct Service {
    store: Store,
    context: Arc<LegalContext>,
    spaces: Cqrs<SpaceDecision>,
    tariffs: Cqrs<TariffDecision>,
    appeals: Cqrs<Appeal>,
    objections: Cqrs<Objection>,
    reference: Cqrs<ReferenceData>,
    /// The recorded versions of the reference data, oldest first; read when the server adopts its data.
    versions: Vec<ReferenceVersion>,
    /// The register's signed checkpoints, where this process holds the key.
    checkpoints: Option<crate::audit::Checkpoints>,
}

fn framework<A: Aggregate<Services = Services>>(store: &Store, context: &Services) -> Cqrs<A> {
    let events = PersistedEventStore::new_event_store(EventRepository::new(store.clone())).with_upcasters(upcasters());
    CqrsFramework::new(events, Vec::new(), context.clone())
}

impl Service {
    pub fn new(store: Store, context: Arc<LegalContext>) -> Self {
        Self {
            spaces: framework(&store, &context),
            tariffs: framework(&store, &context),
            appeals: framework(&store, &context),
            objections: framework(&store, &context),
            reference: framework(&store, &context),
            versions: Vec::new(),
            checkpoints: None,
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
