//! An objection (bezwaar) to a tariff decision (art. 7:1 Awb; DOMAIN.md R10): lodged, postponed, decided. Like an
//! appeal it is never refused for its timing: it is recorded and classified. Every event names the region-years
//! of the tariff decision, where its decision term is one of the NZa's own deadlines.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::{EVENT_VERSION, Services, date_in_range};
use crate::record::{Appellant, ObjectionDecision, Postponement, PostponementGround};
use crate::values::{DecisionId, ObjectionId, RegionSlug};

/// An objection as lodged, with the region-years of the tariff decision it is against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionRecord {
    pub objection_id: ObjectionId,
    pub tariff_decision: DecisionId,
    pub objector: Appellant,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub advisory_committee: bool,
    pub regions: Vec<RegionSlug>,
    pub year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionCommand {
    LodgeObjection(ObjectionRecord),
    /// `deadline`: the decision term's last day as it stands, which a lid-4 postponement must lie after.
    PostponeDecision {
        postponement: Postponement,
        deadline: Option<NaiveDate>,
    },
    RecordDecision(ObjectionDecision),
}

impl ObjectionCommand {
    /// Whether this command creates its aggregate: the one command valid before the aggregate has any event.
    pub fn creates(&self) -> bool {
        matches!(self, Self::LodgeObjection(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectionEvent {
    ObjectionLodged(ObjectionRecord),
    DecisionPostponed { postponement: Postponement, regions: Vec<RegionSlug>, year: i32 },
    ObjectionDecided { decision: ObjectionDecision, regions: Vec<RegionSlug>, year: i32 },
}

impl DomainEvent for ObjectionEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ObjectionLodged(_) => "ObjectionLodged",
            Self::DecisionPostponed { .. } => "DecisionPostponed",
            Self::ObjectionDecided { .. } => "ObjectionDecided",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        EVENT_VERSION.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectionError {
    #[error("objection {0} was lodged before")]
    AlreadyLodged(ObjectionId),
    #[error("no such objection has been lodged")]
    NotLodged,
    #[error("the objection is against tariff decision {0}")]
    OtherTariffDecision(DecisionId),
    #[error("the NZa already decided on the objection ({0})")]
    AlreadyDecided(NaiveDate),
    #[error("a date must lie between 1990 and 2200")]
    DateOutOfRange { field: &'static str },
    #[error("an objection cannot be received before it was posted")]
    ReceivedBeforePosted,
    #[error("the objector's id must be 1 to 100 characters, without control characters or surrounding spaces")]
    ObjectorId,
    #[error("a postponement rests on art. 7:10 lid 3 or lid 4 Awb: paragraph is 3 or 4")]
    Paragraph,
    #[error("art. 7:10 lid 3 Awb allows one postponement; it was used on {0}")]
    SecondLid3(NaiveDate),
    #[error("a further postponement (art. 7:10 lid 4 Awb) names its ground: a, b or c")]
    GroundMissing,
    #[error("a further postponement (art. 7:10 lid 4 Awb) names the date until which it runs")]
    UntilMissing,
    #[error("a further postponement must run beyond the current decision term, which ends on {0}")]
    UntilNotAfterDeadline(NaiveDate),
    #[error("a ground belongs only to a further postponement (art. 7:10 lid 4 Awb)")]
    GroundWithLid3,
    #[error("{field} cannot lie before the objection was received ({received_on})")]
    BeforeReceived { field: &'static str, received_on: NaiveDate },
    #[error("a decision cannot be announced before it was taken ({decided_on})")]
    AnnouncedBeforeDecided { decided_on: NaiveDate },
}

impl ObjectionError {
    /// The request field this error is about, as a JSON path.
    pub fn field(&self) -> Option<String> {
        let field = match self {
            Self::AlreadyLodged(_) => "objection_id",
            Self::NotLodged | Self::AlreadyDecided(_) => return None,
            Self::OtherTariffDecision(_) => "decision_id",
            Self::DateOutOfRange { field } | Self::BeforeReceived { field, .. } => field,
            Self::ReceivedBeforePosted => "posted_on",
            Self::ObjectorId => "objector.id",
            Self::Paragraph | Self::SecondLid3(_) => "paragraph",
            Self::GroundMissing | Self::GroundWithLid3 => "ground",
            Self::UntilMissing | Self::UntilNotAfterDeadline(_) => "until",
            Self::AnnouncedBeforeDecided { .. } => "announced_on",
        };
        Some(field.to_owned())
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub record: Option<ObjectionRecord>,
    pub postponements: Vec<Postponement>,
    pub decision: Option<ObjectionDecision>,
}

/// Every rule a new objection breaks, in the order of its fields. Its timing is never among them.
pub fn rule_breaks(record: &ObjectionRecord) -> Vec<ObjectionError> {
    let mut breaks = Vec::new();
    if let Appellant::CareOffice(id) | Appellant::Other(id) = &record.objector
        && DecisionId::parse(id).is_err()
    {
        breaks.push(ObjectionError::ObjectorId);
    }
    if !date_in_range(record.received_on) {
        breaks.push(ObjectionError::DateOutOfRange { field: "received_on" });
    }
    if let Some(posted_on) = record.posted_on {
        if !date_in_range(posted_on) {
            breaks.push(ObjectionError::DateOutOfRange { field: "posted_on" });
        } else if posted_on > record.received_on {
            breaks.push(ObjectionError::ReceivedBeforePosted);
        }
    }
    breaks
}

impl Objection {
    fn lodged(&self) -> Result<&ObjectionRecord, ObjectionError> {
        let record = self.record.as_ref().ok_or(ObjectionError::NotLodged)?;
        if let Some(decision) = self.decision {
            return Err(ObjectionError::AlreadyDecided(decision.announced_on));
        }
        Ok(record)
    }

    /// R10, art. 7:10 lid 3-5 Awb: a postponement names its paragraph; lid 3 is used once; lid 4 names its ground
    /// and a date after the current decision term. A postponement notified too late is recorded: it has no effect.
    pub fn check_postponement(
        &self,
        postponement: &Postponement,
        deadline: Option<NaiveDate>,
    ) -> Result<(), ObjectionError> {
        let record = self.lodged()?;
        if !date_in_range(postponement.announced_on) {
            return Err(ObjectionError::DateOutOfRange { field: "announced_on" });
        }
        if postponement.announced_on < record.received_on {
            return Err(ObjectionError::BeforeReceived { field: "announced_on", received_on: record.received_on });
        }
        if let Some(until) = postponement.until
            && !date_in_range(until)
        {
            return Err(ObjectionError::DateOutOfRange { field: "until" });
        }
        match postponement.paragraph {
            3 => {
                if let Some(earlier) = self.postponements.iter().find(|p| p.paragraph == 3) {
                    return Err(ObjectionError::SecondLid3(earlier.announced_on));
                }
                if postponement.ground.is_some() {
                    return Err(ObjectionError::GroundWithLid3);
                }
                if let (Some(until), Some(deadline)) = (postponement.until, deadline)
                    && until <= deadline
                {
                    return Err(ObjectionError::UntilNotAfterDeadline(deadline));
                }
            }
            4 => {
                let until = postponement.until.ok_or(ObjectionError::UntilMissing)?;
                if postponement.ground.is_none() {
                    return Err(ObjectionError::GroundMissing);
                }
                if let Some(deadline) = deadline
                    && until <= deadline
                {
                    return Err(ObjectionError::UntilNotAfterDeadline(deadline));
                }
            }
            _ => return Err(ObjectionError::Paragraph),
        }
        Ok(())
    }

    pub fn check_decision(&self, decision: &ObjectionDecision) -> Result<(), ObjectionError> {
        let record = self.lodged()?;
        for (field, day) in [("decided_on", decision.decided_on), ("announced_on", decision.announced_on)] {
            if !date_in_range(day) {
                return Err(ObjectionError::DateOutOfRange { field });
            }
        }
        if decision.decided_on < record.received_on {
            return Err(ObjectionError::BeforeReceived { field: "decided_on", received_on: record.received_on });
        }
        if decision.announced_on < decision.decided_on {
            return Err(ObjectionError::AnnouncedBeforeDecided { decided_on: decision.decided_on });
        }
        Ok(())
    }
}

/// The ground letter as the API names it.
pub fn ground_letter(ground: PostponementGround) -> &'static str {
    match ground {
        PostponementGround::A => "a",
        PostponementGround::B => "b",
        PostponementGround::C => "c",
    }
}

impl Aggregate for Objection {
    const TYPE: &'static str = "objection";
    type Command = ObjectionCommand;
    type Event = ObjectionEvent;
    type Error = ObjectionError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            ObjectionCommand::LodgeObjection(record) => {
                if let Some(existing) = &self.record {
                    return Err(ObjectionError::AlreadyLodged(existing.objection_id.clone()));
                }
                if let Some(error) = rule_breaks(&record).into_iter().next() {
                    return Err(error);
                }
                sink.write(ObjectionEvent::ObjectionLodged(record), self).await;
            }
            ObjectionCommand::PostponeDecision { postponement, deadline } => {
                self.check_postponement(&postponement, deadline)?;
                let record = self.lodged()?;
                let (regions, year) = (record.regions.clone(), record.year);
                sink.write(ObjectionEvent::DecisionPostponed { postponement, regions, year }, self).await;
            }
            ObjectionCommand::RecordDecision(decision) => {
                self.check_decision(&decision)?;
                let record = self.lodged()?;
                let (regions, year) = (record.regions.clone(), record.year);
                sink.write(ObjectionEvent::ObjectionDecided { decision, regions, year }, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ObjectionEvent::ObjectionLodged(record) => self.record = Some(record),
            ObjectionEvent::DecisionPostponed { postponement, .. } => self.postponements.push(postponement),
            ObjectionEvent::ObjectionDecided { decision, .. } => self.decision = Some(decision),
        }
    }
}
