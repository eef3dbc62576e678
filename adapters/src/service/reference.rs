//! The reference data the register judges with, by version: a server records the version it starts with when it
//! differs from the last one recorded, the register as it stood at an instant is judged with the version then in
//! force, and what a change of version moves (terms, filings, finality) is the difference between the register
//! judged with the one and with the other.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::Aggregate;
use termijn_domain::aggregates::reference_data::{ReferenceData, ReferenceDataCommand, ReferenceDataEvent};
use termijn_domain::reference::LegalContext;
use termijn_domain::versions::{ReferenceChange, ReferenceFiles};
use termijn_projections::RegisterEvent;
use termijn_projections::difference::Change;
use termijn_projections::views::Audience;

use super::what_if::Side;
use super::{CommandError, Service};
use crate::store::{EventQuery, Provenance, StoreError};

/// One recorded version of the reference data.
#[derive(Debug, Clone)]
pub struct ReferenceVersion {
    pub position: i64,
    pub adopted_at: DateTime<Utc>,
    pub adopted_by: String,
    pub hash: String,
    pub previous_hash: Option<String>,
    pub change: ReferenceChange,
    pub context: Arc<LegalContext>,
}

impl Service {
    /// Records `files` as the reference data in force from now, unless they are the version recorded last, and
    /// reads every recorded version; whether a new version was recorded.
    pub async fn adopt_reference_data(&mut self, by: &Provenance, files: ReferenceFiles) -> Result<bool, CommandError> {
        let before = self.store.chain_head().await?.0;
        let adopt = || ReferenceDataCommand::Adopt { files: files.clone() };
        // Two servers starting together on one database: the second finds the first's version and adopts it.
        let first = self.reference.execute_with_metadata(ReferenceData::STREAM, adopt(), by.metadata()).await;
        match first.map_err(CommandError::from) {
            Err(CommandError::Conflict(_)) => {
                self.reference.execute_with_metadata(ReferenceData::STREAM, adopt(), by.metadata()).await?;
            }
            other => other?,
        }
        self.read_reference_versions().await?;
        Ok(self.versions.last().is_some_and(|v| v.position > before))
    }

    /// Reads every recorded version of the reference data.
    pub async fn read_reference_versions(&mut self) -> Result<(), StoreError> {
        let mut versions = Vec::new();
        let mut after = 0;
        loop {
            let stream = Some((ReferenceData::TYPE.to_owned(), ReferenceData::STREAM.to_owned()));
            let events = self.store.events(&EventQuery { after, limit: 100, stream, recorded_until: None }).await?;
            let Some(last) = events.last() else { break };
            after = last.position;
            for event in events {
                let corrupt =
                    |what: String| StoreError::Corrupt(format!("event at position {}: {what}", event.position));
                let RegisterEvent::Reference(ReferenceDataEvent::ReferenceDataAdopted {
                    hash,
                    previous_hash,
                    files,
                    change,
                }) = event.decode().map_err(|e| corrupt(e.to_string()))?
                else {
                    return Err(corrupt("not a reference data event".to_owned()));
                };
                let context = files.context().map_err(|e| corrupt(e.to_string()))?;
                versions.push(ReferenceVersion {
                    position: event.position,
                    adopted_at: event.recorded_at,
                    adopted_by: event.recorded_by,
                    hash,
                    previous_hash,
                    change,
                    context: Arc::new(context),
                });
            }
        }
        self.versions = versions;
        Ok(())
    }

    /// Every recorded version of the reference data, oldest first.
    pub fn reference_versions(&self) -> &[ReferenceVersion] {
        &self.versions
    }

    /// The reference data in force at `as_at`: the version adopted last at or before it (the first version
    /// recorded, for an instant before any), or the current data when `as_at` is `None`.
    pub fn context_at(&self, as_at: Option<DateTime<Utc>>) -> &LegalContext {
        let Some(instant) = as_at else { return &self.context };
        let adopted = self.versions.iter().rev().find(|v| v.adopted_at <= instant).or(self.versions.first());
        adopted.map_or(&self.context, |v| &v.context)
    }

    /// What judging the register on `as_of` with `after` instead of `before` moves: every term whose last day
    /// moved or whose provisional mark changed, every filing classified otherwise, every decision whose status
    /// or finality changed, and the deadlines that come or go.
    pub async fn reference_effects(
        &self,
        before: &LegalContext,
        after: &LegalContext,
        as_of: NaiveDate,
    ) -> Result<Vec<Change>, StoreError> {
        let audience = Audience::default();
        let mut changes = Vec::new();
        for (region, year) in self.store.region_years().await? {
            let rows = self.store.region_year_rows(&region, year).await?;
            let sides = (Side::new(&rows, before), Side::new(&rows, after));
            if let Some(compared) =
                self.compare((&region, year), sides.0, sides.1, as_of, &audience, super::what_if::Deadlines::Compared)
            {
                changes.extend(compared.changes);
            }
        }
        Ok(changes)
    }
}
