//! A contracting-space decision (besluit) of the NZa: one publication, all its region-year lines recorded
//! together or not at all (art. 49e lid 7-9 Wmg), and its announcement, recorded with it or later.

use chrono::{Datelike, NaiveDate};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::{EVENT_VERSION, Services, YEARS, date_in_range, region_break};
use crate::record::SpaceDecisionKind;
use crate::reference::RegionError;
use crate::values::{DecisionId, Euro, RegionSlug};

/// One region-year line of a decision: the amount of the regional contracting space.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceLine {
    pub region: RegionSlug,
    pub year: i32,
    pub amount: Euro,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpaceDecisionCommand {
    RecordSpaceDecision {
        decision_id: DecisionId,
        kind: SpaceDecisionKind,
        decided_on: NaiveDate,
        announced_on: Option<NaiveDate>,
        reason: String,
        spaces: Vec<SpaceLine>,
    },
    RecordSpaceAnnouncement {
        announced_on: NaiveDate,
    },
    /// R9: the CBb confirmed that no appeal against this decision for one region-year was lodged.
    ConfirmNoAppeal {
        region: RegionSlug,
        year: i32,
        confirmed_on: NaiveDate,
    },
}

impl SpaceDecisionCommand {
    /// Whether this command creates its aggregate: the one command valid before the aggregate has any event.
    pub fn creates(&self) -> bool {
        matches!(self, Self::RecordSpaceDecision { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpaceDecisionEvent {
    SpaceDecisionRecorded {
        decision_id: DecisionId,
        kind: SpaceDecisionKind,
        decided_on: NaiveDate,
        reason: String,
        spaces: Vec<SpaceLine>,
    },
    SpaceDecisionAnnounced {
        announced_on: NaiveDate,
    },
    NoAppealConfirmed {
        region: RegionSlug,
        year: i32,
        confirmed_on: NaiveDate,
    },
}

impl DomainEvent for SpaceDecisionEvent {
    fn event_type(&self) -> String {
        match self {
            Self::SpaceDecisionRecorded { .. } => "SpaceDecisionRecorded",
            Self::SpaceDecisionAnnounced { .. } => "SpaceDecisionAnnounced",
            Self::NoAppealConfirmed { .. } => "NoAppealConfirmed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        EVENT_VERSION.to_owned()
    }
}

/// Why a contracting-space command was rejected. Each variant names the input it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpaceDecisionError {
    #[error("decision {0} was recorded before")]
    AlreadyRecorded(DecisionId),
    #[error("no such decision has been recorded")]
    NotRecorded,
    #[error("the announcement was already recorded ({0})")]
    AlreadyAnnounced(NaiveDate),
    #[error("a decision cannot be announced before it was taken ({decided_on})")]
    AnnouncedBeforeDecided { decided_on: NaiveDate },
    #[error("a date must lie between 1990 and 2200")]
    DateOutOfRange { field: &'static str },
    #[error("a decision has at least one region-year line")]
    NoLines,
    #[error("the region-year {region} {year} is listed twice")]
    DuplicateLine { index: usize, region: RegionSlug, year: i32 },
    #[error("region {region}: {source}")]
    Region { index: usize, region: RegionSlug, source: RegionError },
    /// R11, art. 49e lid 2 and 9 Wmg: one decision covers at most five future years after its decision year.
    #[error("the year must lie between {min} and {max} (art. 49e lid 2 en 9 Wmg: ten hoogste vijf toekomstige jaren)")]
    YearOutOfRange { index: usize, min: i32, max: i32 },
    #[error("the reason must be at most 2000 characters")]
    ReasonTooLong,
    #[error("a decision of kind court_decided comes from a judgment (art. 8:72 lid 3 onder b Awb), not from the NZa")]
    CourtDecidedKind,
    #[error("the decision has no line for {region} {year}")]
    NoLineFor { region: RegionSlug, year: i32 },
    #[error("a confirmation that no appeal was lodged cannot precede the decision's announcement ({announced_on})")]
    ConfirmedBeforeAnnounced { announced_on: NaiveDate },
    #[error("the decision's announcement is not recorded yet")]
    NotAnnounced,
}

impl SpaceDecisionError {
    /// The request field this error is about, as a JSON path.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::AlreadyRecorded(_) => Some("decision_id".to_owned()),
            Self::NotRecorded => None,
            Self::AlreadyAnnounced(_) | Self::AnnouncedBeforeDecided { .. } => Some("announced_on".to_owned()),
            Self::DateOutOfRange { field } => Some((*field).to_owned()),
            Self::NoLines => Some("spaces".to_owned()),
            Self::DuplicateLine { index, .. } => Some(format!("spaces[{index}]")),
            Self::Region { index, .. } => Some(format!("spaces[{index}].region")),
            Self::YearOutOfRange { index, .. } => Some(format!("spaces[{index}].year")),
            Self::ReasonTooLong => Some("reason".to_owned()),
            Self::CourtDecidedKind => Some("kind".to_owned()),
            Self::NoLineFor { .. } => Some("decision_id".to_owned()),
            Self::ConfirmedBeforeAnnounced { .. } | Self::NotAnnounced => Some("confirmed_on".to_owned()),
        }
    }
}

/// R11, art. 49e lid 2 and 9 Wmg: the years one decision may cover. Only the future is bounded: at most five
/// years after the year it is taken. The decision year and past years are valid (a new decision after
/// annulment, art. 8:72 lid 4 Awb, or a late amendment).
pub fn multi_year_range(decided_on: NaiveDate) -> std::ops::RangeInclusive<i32> {
    *YEARS.start()..=(decided_on.year() + 5).min(*YEARS.end())
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDecision {
    pub decision_id: Option<DecisionId>,
    pub decided_on: Option<NaiveDate>,
    pub announced_on: Option<NaiveDate>,
    pub spaces: Vec<SpaceLine>,
}

impl SpaceDecision {
    /// R9: a confirmation that no appeal was lodged is about a recorded, announced decision's line for the
    /// region-year, on or after its announcement.
    pub fn check_confirmation(
        &self,
        region: &RegionSlug,
        year: i32,
        confirmed_on: NaiveDate,
    ) -> Result<(), SpaceDecisionError> {
        if self.decision_id.is_none() {
            return Err(SpaceDecisionError::NotRecorded);
        }
        if !self.spaces.iter().any(|l| &l.region == region && l.year == year) {
            return Err(SpaceDecisionError::NoLineFor { region: region.clone(), year });
        }
        if !date_in_range(confirmed_on) {
            return Err(SpaceDecisionError::DateOutOfRange { field: "confirmed_on" });
        }
        let announced_on = self.announced_on.ok_or(SpaceDecisionError::NotAnnounced)?;
        if confirmed_on < announced_on {
            return Err(SpaceDecisionError::ConfirmedBeforeAnnounced { announced_on });
        }
        Ok(())
    }

    fn check_announcement(decided_on: NaiveDate, announced_on: NaiveDate) -> Result<(), SpaceDecisionError> {
        if !date_in_range(announced_on) {
            return Err(SpaceDecisionError::DateOutOfRange { field: "announced_on" });
        }
        if announced_on < decided_on {
            return Err(SpaceDecisionError::AnnouncedBeforeDecided { decided_on });
        }
        Ok(())
    }
}

/// Every rule a new decision breaks, in the order of its fields, so that one answer can name them all. The
/// aggregate refuses a decision for the first.
/// `spaces` pairs each line with its index in the request; lines that could not be read at all are left out.
pub fn rule_breaks<'a>(
    decided_on: NaiveDate,
    announced_on: Option<NaiveDate>,
    reason: &str,
    spaces: impl IntoIterator<Item = (usize, &'a SpaceLine)>,
    context: &crate::reference::LegalContext,
) -> Vec<SpaceDecisionError> {
    let mut breaks = Vec::new();
    if !date_in_range(decided_on) {
        breaks.push(SpaceDecisionError::DateOutOfRange { field: "decided_on" });
    }
    if let Some(announced_on) = announced_on
        && let Err(error) = SpaceDecision::check_announcement(decided_on, announced_on)
    {
        breaks.push(error);
    }
    if reason.chars().count() > 2000 {
        breaks.push(SpaceDecisionError::ReasonTooLong);
    }
    let spaces: Vec<(usize, &SpaceLine)> = spaces.into_iter().collect();
    if spaces.is_empty() {
        breaks.push(SpaceDecisionError::NoLines);
    }
    let years = multi_year_range(decided_on);
    for (position, &(index, line)) in spaces.iter().enumerate() {
        let year_fits = years.contains(&line.year);
        if !year_fits {
            breaks.push(SpaceDecisionError::YearOutOfRange { index, min: *years.start(), max: *years.end() });
        }
        if let Some(source) = region_break(context, &line.region, line.year, year_fits) {
            breaks.push(SpaceDecisionError::Region { index, region: line.region.clone(), source });
        }
        if spaces[..position].iter().any(|(_, l)| l.region == line.region && l.year == line.year) {
            breaks.push(SpaceDecisionError::DuplicateLine { index, region: line.region.clone(), year: line.year });
        }
    }
    breaks
}

impl Aggregate for SpaceDecision {
    const TYPE: &'static str = "contracting_space_decision";
    type Command = SpaceDecisionCommand;
    type Event = SpaceDecisionEvent;
    type Error = SpaceDecisionError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            SpaceDecisionCommand::RecordSpaceDecision {
                decision_id,
                kind,
                decided_on,
                announced_on,
                reason,
                spaces,
            } => {
                if let Some(existing) = &self.decision_id {
                    return Err(SpaceDecisionError::AlreadyRecorded(existing.clone()));
                }
                if kind == SpaceDecisionKind::CourtDecided {
                    return Err(SpaceDecisionError::CourtDecidedKind);
                }
                if let Some(error) = rule_breaks(decided_on, announced_on, &reason, spaces.iter().enumerate(), services)
                    .into_iter()
                    .next()
                {
                    return Err(error);
                }
                sink.write(
                    SpaceDecisionEvent::SpaceDecisionRecorded { decision_id, kind, decided_on, reason, spaces },
                    self,
                )
                .await;
                if let Some(announced_on) = announced_on {
                    sink.write(SpaceDecisionEvent::SpaceDecisionAnnounced { announced_on }, self).await;
                }
                Ok(())
            }
            SpaceDecisionCommand::RecordSpaceAnnouncement { announced_on } => {
                let decided_on = self.decided_on.ok_or(SpaceDecisionError::NotRecorded)?;
                if let Some(existing) = self.announced_on {
                    return Err(SpaceDecisionError::AlreadyAnnounced(existing));
                }
                Self::check_announcement(decided_on, announced_on)?;
                sink.write(SpaceDecisionEvent::SpaceDecisionAnnounced { announced_on }, self).await;
                Ok(())
            }
            SpaceDecisionCommand::ConfirmNoAppeal { region, year, confirmed_on } => {
                self.check_confirmation(&region, year, confirmed_on)?;
                sink.write(SpaceDecisionEvent::NoAppealConfirmed { region, year, confirmed_on }, self).await;
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            SpaceDecisionEvent::SpaceDecisionRecorded { decision_id, decided_on, spaces, .. } => {
                self.decision_id = Some(decision_id);
                self.decided_on = Some(decided_on);
                self.spaces = spaces;
            }
            SpaceDecisionEvent::SpaceDecisionAnnounced { announced_on } => self.announced_on = Some(announced_on),
            SpaceDecisionEvent::NoAppealConfirmed { .. } => {}
        }
    }
}
