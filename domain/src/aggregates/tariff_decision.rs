//! A tariff decision (tariefbeschikking) for one provider and year: a tariff, an amended tariff or a
//! Wlz-sluittarief, with the regions whose contracting space it applied.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::{EVENT_VERSION, Services, YEARS, date_in_range, region_break};
use crate::record::TariffKind;
use crate::reference::RegionError;
use crate::values::{AgbCode, DecisionId, RegionSlug};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffDecisionRecord {
    pub decision_id: DecisionId,
    pub provider: AgbCode,
    pub year: i32,
    pub regions: Vec<RegionSlug>,
    pub kind: TariffKind,
    pub amends: Option<DecisionId>,
    pub decided_on: NaiveDate,
    /// Per region, the contracting-space decision the tariff decision names as applied.
    pub applied_space_decisions: Option<BTreeMap<RegionSlug, DecisionId>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TariffDecisionCommand {
    RecordTariffDecision { record: TariffDecisionRecord, announced_on: Option<NaiveDate> },
    RecordTariffAnnouncement { announced_on: NaiveDate },
}

impl TariffDecisionCommand {
    /// Whether this command creates its aggregate: the one command valid before the aggregate has any event.
    pub fn creates(&self) -> bool {
        matches!(self, Self::RecordTariffDecision { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TariffDecisionEvent {
    TariffDecisionRecorded(TariffDecisionRecord),
    TariffDecisionAnnounced { announced_on: NaiveDate },
}

impl DomainEvent for TariffDecisionEvent {
    fn event_type(&self) -> String {
        match self {
            Self::TariffDecisionRecorded(_) => "TariffDecisionRecorded",
            Self::TariffDecisionAnnounced { .. } => "TariffDecisionAnnounced",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        EVENT_VERSION.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffDecisionError {
    #[error("decision {0} was recorded before")]
    AlreadyRecorded(DecisionId),
    #[error("no such tariff decision has been recorded")]
    NotRecorded,
    #[error("the announcement was already recorded ({0})")]
    AlreadyAnnounced(NaiveDate),
    #[error("a decision cannot be announced before it was taken ({decided_on})")]
    AnnouncedBeforeDecided { decided_on: NaiveDate },
    #[error("a date must lie between 1990 and 2200")]
    DateOutOfRange { field: &'static str },
    #[error("the year must lie between 1990 and 2200")]
    YearOutOfRange,
    #[error("a tariff decision names at least one region")]
    NoRegions,
    #[error("region {0} is listed twice")]
    DuplicateRegion(usize),
    #[error("region {region}: {source}")]
    Region { index: usize, region: RegionSlug, source: RegionError },
    #[error("an amended tariff decision names the decision it amends")]
    AmendsMissing,
    #[error("only an amended tariff decision amends another")]
    AmendsNotAllowed,
    #[error("a decision cannot amend itself")]
    AmendsItself,
    #[error("region {0} is not one of the regions of this tariff decision")]
    AppliedRegionNotListed(RegionSlug),
}

impl TariffDecisionError {
    /// The request field this error is about, as a JSON path.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::AlreadyRecorded(_) => Some("decision_id".to_owned()),
            Self::NotRecorded => None,
            Self::AlreadyAnnounced(_) | Self::AnnouncedBeforeDecided { .. } => Some("announced_on".to_owned()),
            Self::DateOutOfRange { field } => Some((*field).to_owned()),
            Self::YearOutOfRange => Some("year".to_owned()),
            Self::NoRegions => Some("regions".to_owned()),
            Self::DuplicateRegion(index) | Self::Region { index, .. } => Some(format!("regions[{index}]")),
            Self::AmendsMissing | Self::AmendsNotAllowed | Self::AmendsItself => Some("amends".to_owned()),
            Self::AppliedRegionNotListed(region) => Some(format!("applied_space_decisions.{region}")),
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffDecision {
    pub record: Option<TariffDecisionRecord>,
    pub announced_on: Option<NaiveDate>,
}

fn check_announcement(decided_on: NaiveDate, announced_on: NaiveDate) -> Result<(), TariffDecisionError> {
    if !date_in_range(announced_on) {
        return Err(TariffDecisionError::DateOutOfRange { field: "announced_on" });
    }
    if announced_on < decided_on {
        return Err(TariffDecisionError::AnnouncedBeforeDecided { decided_on });
    }
    Ok(())
}

/// Every rule a new tariff decision breaks, in the order of its fields, so that one answer can name them all.
/// The aggregate refuses a decision for the first.
pub fn rule_breaks(
    record: &TariffDecisionRecord,
    announced_on: Option<NaiveDate>,
    context: &crate::reference::LegalContext,
) -> Vec<TariffDecisionError> {
    let mut breaks = Vec::new();
    if !date_in_range(record.decided_on) {
        breaks.push(TariffDecisionError::DateOutOfRange { field: "decided_on" });
    }
    if let Some(announced_on) = announced_on
        && let Err(error) = check_announcement(record.decided_on, announced_on)
    {
        breaks.push(error);
    }
    let year_fits = YEARS.contains(&record.year);
    if !year_fits {
        breaks.push(TariffDecisionError::YearOutOfRange);
    }
    if record.regions.is_empty() {
        breaks.push(TariffDecisionError::NoRegions);
    }
    for (index, region) in record.regions.iter().enumerate() {
        if let Some(source) = region_break(context, region, record.year, year_fits) {
            breaks.push(TariffDecisionError::Region { index, region: region.clone(), source });
        }
        if record.regions[..index].contains(region) {
            breaks.push(TariffDecisionError::DuplicateRegion(index));
        }
    }
    match (record.kind, &record.amends) {
        (TariffKind::AmendedTariff, None) => breaks.push(TariffDecisionError::AmendsMissing),
        (TariffKind::AmendedTariff, Some(amends)) if *amends == record.decision_id => {
            breaks.push(TariffDecisionError::AmendsItself)
        }
        (TariffKind::Tariff | TariffKind::Sluittarief, Some(_)) => breaks.push(TariffDecisionError::AmendsNotAllowed),
        _ => {}
    }
    if let Some(applied) = &record.applied_space_decisions {
        breaks.extend(
            applied
                .keys()
                .filter(|r| !record.regions.contains(r))
                .map(|r| TariffDecisionError::AppliedRegionNotListed(r.clone())),
        );
    }
    breaks
}

impl Aggregate for TariffDecision {
    const TYPE: &'static str = "tariff_decision";
    type Command = TariffDecisionCommand;
    type Event = TariffDecisionEvent;
    type Error = TariffDecisionError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            TariffDecisionCommand::RecordTariffDecision { record, announced_on } => {
                if let Some(existing) = &self.record {
                    return Err(TariffDecisionError::AlreadyRecorded(existing.decision_id.clone()));
                }
                if let Some(error) = rule_breaks(&record, announced_on, services).into_iter().next() {
                    return Err(error);
                }
                sink.write(TariffDecisionEvent::TariffDecisionRecorded(record), self).await;
                if let Some(announced_on) = announced_on {
                    sink.write(TariffDecisionEvent::TariffDecisionAnnounced { announced_on }, self).await;
                }
                Ok(())
            }
            TariffDecisionCommand::RecordTariffAnnouncement { announced_on } => {
                let record = self.record.as_ref().ok_or(TariffDecisionError::NotRecorded)?;
                if let Some(existing) = self.announced_on {
                    return Err(TariffDecisionError::AlreadyAnnounced(existing));
                }
                check_announcement(record.decided_on, announced_on)?;
                sink.write(TariffDecisionEvent::TariffDecisionAnnounced { announced_on }, self).await;
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            TariffDecisionEvent::TariffDecisionRecorded(record) => self.record = Some(record),
            TariffDecisionEvent::TariffDecisionAnnounced { announced_on } => self.announced_on = Some(announced_on),
        }
    }
}
