//! The reference data the register judges with (regions, the decrees of equated days, the commencement date):
//! each version a server starts with is recorded when it differs from the last one recorded, with what changed,
//! so that the history shows when the calendar changed and the register as it stood can be judged with the data
//! then in force. One stream, [`ReferenceData::STREAM`].

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::{EVENT_VERSION, Services};
use crate::versions::{ReferenceChange, ReferenceFiles};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceDataCommand {
    /// Adopt these files, unless they are the version recorded last.
    Adopt { files: ReferenceFiles },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferenceDataEvent {
    ReferenceDataAdopted {
        hash: String,
        /// The version before, `None` for the first one recorded.
        previous_hash: Option<String>,
        files: ReferenceFiles,
        /// What changed since the version before (nothing is said for the first one).
        change: ReferenceChange,
    },
}

impl DomainEvent for ReferenceDataEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ReferenceDataAdopted { .. } => "ReferenceDataAdopted".to_owned(),
        }
    }

    fn event_version(&self) -> String {
        EVENT_VERSION.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceDataError {
    #[error("the reference data cannot be read: {0}")]
    Unreadable(String),
}

impl ReferenceDataError {
    pub fn field(&self) -> Option<String> {
        None
    }
}

/// The version recorded last.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceData {
    pub hash: Option<String>,
    pub files: Option<ReferenceFiles>,
}

impl ReferenceData {
    /// The id of the one stream of reference data versions.
    pub const STREAM: &'static str = "reference";
}

impl Aggregate for ReferenceData {
    const TYPE: &'static str = "reference_data";
    type Command = ReferenceDataCommand;
    type Event = ReferenceDataEvent;
    type Error = ReferenceDataError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        _context: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let ReferenceDataCommand::Adopt { files } = command;
        let hash = files.hash();
        if self.hash.as_ref() == Some(&hash) {
            return Ok(());
        }
        let after = files.context().map_err(|e| ReferenceDataError::Unreadable(e.to_string()))?;
        let change = match &self.files {
            // A version recorded before reads as it did then; if it no longer does, nothing can be said of it.
            Some(before) => {
                before.context().map(|before| ReferenceChange::between(&before, &after)).unwrap_or_default()
            }
            None => ReferenceChange::default(),
        };
        let event = ReferenceDataEvent::ReferenceDataAdopted { hash, previous_hash: self.hash.clone(), files, change };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let ReferenceDataEvent::ReferenceDataAdopted { hash, files, .. } = event;
        self.hash = Some(hash);
        self.files = Some(files);
    }
}
