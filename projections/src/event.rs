//! An event as recorded in the log, and its typed payload.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use termijn_domain::aggregates::appeal::{Appeal, AppealEvent};
use termijn_domain::aggregates::objection::{Objection, ObjectionEvent};
use termijn_domain::aggregates::reference_data::{ReferenceData, ReferenceDataEvent};
use termijn_domain::aggregates::space_decision::{SpaceDecision, SpaceDecisionEvent};
use termijn_domain::aggregates::tariff_decision::{TariffDecision, TariffDecisionEvent};

/// One row of the event log: what was recorded, where it stands in the log, when and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Global position in the log: 1, 2, 3, ... in the order events were recorded.
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// Position within the aggregate's own stream, from 1.
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: serde_json::Value,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub idempotency_key: Option<String>,
    /// Hex SHA-256 chaining this event to the one before it.
    pub hash: String,
}

/// The typed payload of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterEvent {
    Space(SpaceDecisionEvent),
    Tariff(TariffDecisionEvent),
    Appeal(AppealEvent),
    Objection(ObjectionEvent),
    Reference(ReferenceDataEvent),
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown aggregate type {0}")]
    UnknownAggregate(String),
    #[error("payload of {aggregate_type} does not match its event type: {source}")]
    Payload { aggregate_type: String, source: serde_json::Error },
}

impl RecordedEvent {
    /// Decodes the payload by aggregate type (after any upcasting the store applied).
    pub fn decode(&self) -> Result<RegisterEvent, DecodeError> {
        decode(&self.aggregate_type, &self.payload)
    }
}

/// Decodes a stored payload of the given aggregate type.
pub fn decode(aggregate_type: &str, payload: &serde_json::Value) -> Result<RegisterEvent, DecodeError> {
    let fail = |source| DecodeError::Payload { aggregate_type: aggregate_type.to_owned(), source };
    match aggregate_type {
        SpaceDecision::TYPE => SpaceDecisionEvent::deserialize(payload).map(RegisterEvent::Space).map_err(fail),
        TariffDecision::TYPE => TariffDecisionEvent::deserialize(payload).map(RegisterEvent::Tariff).map_err(fail),
        Appeal::TYPE => AppealEvent::deserialize(payload).map(RegisterEvent::Appeal).map_err(fail),
        Objection::TYPE => ObjectionEvent::deserialize(payload).map(RegisterEvent::Objection).map_err(fail),
        ReferenceData::TYPE => ReferenceDataEvent::deserialize(payload).map(RegisterEvent::Reference).map_err(fail),
        other => Err(DecodeError::UnknownAggregate(other.to_owned())),
    }
}
