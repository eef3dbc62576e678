//! An appeal (beroep) to the CBb against a contracting-space decision for one region-year: lodged, then
//! withdrawn or judged. An appeal is never refused for its timing: it is recorded and classified (R7).

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::{EVENT_VERSION, Services, YEARS, date_in_range, region_break};
use crate::record::{AppealOutcome, Appellant, Consequence, ReceivedBy};
use crate::reference::RegionError;
use crate::values::{AppealId, DecisionId, Euro, RegionSlug};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealRecord {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub region: RegionSlug,
    pub year: i32,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    /// R7, art. 6:15 Awb: received by the NZa instead of the CBb.
    #[serde(default, skip_serializing_if = "ReceivedBy::is_cbb")]
    pub received_by: ReceivedBy,
}

/// A decision line a judgment annuls (R14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnulledLine {
    pub decision_id: DecisionId,
    pub region: RegionSlug,
    pub year: i32,
}

/// What an upheld judgment orders (R14, art. 8:72 Awb).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnulmentOrder {
    /// The region-year of the appeal.
    pub region: RegionSlug,
    pub year: i32,
    /// The decisions it names as annulled; empty: the default of R14, in the appeal's own region-year.
    pub annuls: Vec<AnnulledLine>,
    pub consequence: Consequence,
    /// The amount the CBb set itself (`court_decided`).
    pub amount: Option<Euro>,
    /// The period set for a new decision (art. 8:72 lid 4 Awb).
    pub new_decision_by: Option<NaiveDate>,
}

/// How a court case ends by judgment (art. 8:70 Awb): withdrawal is recorded separately.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgmentOutcome {
    Dismissed,
    Upheld,
    Inadmissible,
}

impl From<JudgmentOutcome> for AppealOutcome {
    fn from(outcome: JudgmentOutcome) -> Self {
        match outcome {
            JudgmentOutcome::Dismissed => Self::Dismissed,
            JudgmentOutcome::Upheld => Self::Upheld,
            JudgmentOutcome::Inadmissible => Self::Inadmissible,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppealCommand {
    LodgeAppeal(AppealRecord),
    WithdrawAppeal { withdrawn_on: NaiveDate },
    RecordJudgment { judgment_on: NaiveDate, outcome: JudgmentOutcome, annulment: Option<AnnulmentOrder> },
}

impl AppealCommand {
    /// Whether this command creates its aggregate: the one command valid before the aggregate has any event.
    pub fn creates(&self) -> bool {
        matches!(self, Self::LodgeAppeal(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppealEvent {
    AppealLodged(AppealRecord),
    AppealWithdrawn {
        withdrawn_on: NaiveDate,
    },
    JudgmentRecorded {
        judgment_on: NaiveDate,
        outcome: JudgmentOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        annulment: Option<AnnulmentOrder>,
    },
}

impl DomainEvent for AppealEvent {
    fn event_type(&self) -> String {
        match self {
            Self::AppealLodged(_) => "AppealLodged",
            Self::AppealWithdrawn { .. } => "AppealWithdrawn",
            Self::JudgmentRecorded { .. } => "JudgmentRecorded",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        EVENT_VERSION.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppealError {
    #[error("appeal {0} was lodged before")]
    AlreadyLodged(AppealId),
    #[error("no such appeal has been lodged")]
    NotLodged,
    #[error("the appeal already ended on {0}")]
    AlreadyEnded(NaiveDate),
    #[error("a date must lie between 1990 and 2200")]
    DateOutOfRange { field: &'static str },
    #[error("the year must lie between 1990 and 2200")]
    YearOutOfRange,
    #[error("region {region}: {source}")]
    Region { region: RegionSlug, source: RegionError },
    #[error("an appeal cannot be received before it was posted")]
    ReceivedBeforePosted,
    #[error("an appeal cannot end before it was received ({received_on})")]
    EndsBeforeReceived { field: &'static str, received_on: NaiveDate },
    #[error("the appellant's id must be 1 to 100 characters, without control characters or surrounding spaces")]
    AppellantId,
    #[error("only a judgment that upholds the appeal annuls (art. 8:72 Awb)")]
    AnnulsWithoutUpheld { field: &'static str },
    #[error("a judgment in which the CBb decided itself (court_decided) sets the amount")]
    AmountMissing,
    #[error("an amount belongs only to a judgment in which the CBb decided itself (court_decided)")]
    AmountWithoutCourtDecision,
    #[error("a period for a new decision belongs only to consequence new_decision_required, on or after the judgment")]
    NewDecisionBy,
}

impl AppealError {
    /// The request field this error is about, as a JSON path.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::AlreadyLodged(_) => Some("appeal_id".to_owned()),
            Self::NotLodged | Self::AlreadyEnded(_) => None,
            Self::DateOutOfRange { field } | Self::EndsBeforeReceived { field, .. } => Some((*field).to_owned()),
            Self::YearOutOfRange => Some("year".to_owned()),
            Self::Region { .. } => Some("region".to_owned()),
            Self::ReceivedBeforePosted => Some("posted_on".to_owned()),
            Self::AppellantId => Some("appellant.id".to_owned()),
            Self::AnnulsWithoutUpheld { field } => Some((*field).to_owned()),
            Self::AmountMissing | Self::AmountWithoutCourtDecision => Some("amount".to_owned()),
            Self::NewDecisionBy => Some("new_decision_by".to_owned()),
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub record: Option<AppealRecord>,
    pub ended_on: Option<NaiveDate>,
}

impl Appeal {
    fn check_end(&self, on: NaiveDate, field: &'static str) -> Result<(), AppealError> {
        let record = self.record.as_ref().ok_or(AppealError::NotLodged)?;
        if let Some(ended) = self.ended_on {
            return Err(AppealError::AlreadyEnded(ended));
        }
        if !date_in_range(on) {
            return Err(AppealError::DateOutOfRange { field });
        }
        if on < record.received_on {
            return Err(AppealError::EndsBeforeReceived { field, received_on: record.received_on });
        }
        Ok(())
    }
}

/// R14: what an upheld judgment may order: an annulment only when upheld, an amount exactly when the CBb decided
/// itself, a period for a new decision only when one is required and not before the judgment.
pub fn check_annulment(
    judgment_on: NaiveDate,
    outcome: JudgmentOutcome,
    order: &AnnulmentOrder,
) -> Result<(), AppealError> {
    if outcome != JudgmentOutcome::Upheld {
        let field = if order.annuls.is_empty() { "consequence" } else { "annuls" };
        return Err(AppealError::AnnulsWithoutUpheld { field });
    }
    match (order.consequence, order.amount) {
        (Consequence::CourtDecided, None) => return Err(AppealError::AmountMissing),
        (Consequence::NewDecisionRequired | Consequence::LegalEffectsMaintained, Some(_)) => {
            return Err(AppealError::AmountWithoutCourtDecision);
        }
        _ => {}
    }
    if let Some(by) = order.new_decision_by
        && (order.consequence != Consequence::NewDecisionRequired || by < judgment_on || !date_in_range(by))
    {
        return Err(AppealError::NewDecisionBy);
    }
    Ok(())
}

/// Every rule a new appeal breaks, in the order of its fields, so that one answer can name them all. The
/// aggregate refuses an appeal for the first. Its timing is never among them: that is classified, not refused.
pub fn rule_breaks(record: &AppealRecord, context: &crate::reference::LegalContext) -> Vec<AppealError> {
    let mut breaks = Vec::new();
    if let Appellant::CareOffice(id) | Appellant::Other(id) = &record.appellant
        && crate::values::DecisionId::parse(id).is_err()
    {
        breaks.push(AppealError::AppellantId);
    }
    let year_fits = YEARS.contains(&record.year);
    if let Some(source) = region_break(context, &record.region, record.year, year_fits) {
        breaks.push(AppealError::Region { region: record.region.clone(), source });
    }
    if !year_fits {
        breaks.push(AppealError::YearOutOfRange);
    }
    if !date_in_range(record.received_on) {
        breaks.push(AppealError::DateOutOfRange { field: "received_on" });
    }
    if let Some(posted_on) = record.posted_on {
        if !date_in_range(posted_on) {
            breaks.push(AppealError::DateOutOfRange { field: "posted_on" });
        } else if posted_on > record.received_on {
            breaks.push(AppealError::ReceivedBeforePosted);
        }
    }
    breaks
}

impl Aggregate for Appeal {
    const TYPE: &'static str = "appeal";
    type Command = AppealCommand;
    type Event = AppealEvent;
    type Error = AppealError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            AppealCommand::LodgeAppeal(record) => {
                if let Some(existing) = &self.record {
                    return Err(AppealError::AlreadyLodged(existing.appeal_id.clone()));
                }
                if let Some(error) = rule_breaks(&record, services).into_iter().next() {
                    return Err(error);
                }
                sink.write(AppealEvent::AppealLodged(record), self).await;
            }
            AppealCommand::WithdrawAppeal { withdrawn_on } => {
                self.check_end(withdrawn_on, "withdrawn_on")?;
                sink.write(AppealEvent::AppealWithdrawn { withdrawn_on }, self).await;
            }
            AppealCommand::RecordJudgment { judgment_on, outcome, annulment } => {
                self.check_end(judgment_on, "judgment_on")?;
                if let Some(order) = &annulment {
                    check_annulment(judgment_on, outcome, order)?;
                }
                sink.write(AppealEvent::JudgmentRecorded { judgment_on, outcome, annulment }, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            AppealEvent::AppealLodged(record) => self.record = Some(record),
            AppealEvent::AppealWithdrawn { withdrawn_on: on }
            | AppealEvent::JudgmentRecorded { judgment_on: on, .. } => self.ended_on = Some(on),
        }
    }
}
