//! The register as the outside world uses it: commands that record decisions and appeals (validated by the
//! aggregates, cross-checked against what is recorded), and queries that judge the recorded facts through the
//! term engine. The HTTP API and the command line both stand on this.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateError, CqrsFramework};
use serde::{Deserialize, Serialize};
use termijn_domain::Explanation;
use termijn_domain::aggregates::appeal::{
    AnnulledLine, AnnulmentOrder, Appeal, AppealCommand, AppealError, AppealRecord, JudgmentOutcome,
};
use termijn_domain::aggregates::objection::{Objection, ObjectionCommand, ObjectionError, ObjectionRecord};
use termijn_domain::aggregates::space_decision::{SpaceDecision, SpaceDecisionCommand, SpaceDecisionError, SpaceLine};
use termijn_domain::aggregates::tariff_decision::{
    TariffDecision, TariffDecisionCommand, TariffDecisionError, TariffDecisionRecord,
};
use termijn_domain::aggregates::{Services, upcasters};
use termijn_domain::filing::Filing;
use termijn_domain::record::{Consequence, ObjectionDecision, Postponement};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{AppealEnding, AppealStatus, Appellant, SpaceDecisionKind, assess_region_year};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};
use termijn_projections::RecordedEvent;
use termijn_projections::facts::RegionYearRows;
use termijn_projections::views::{
    Audience, DeadlineQuery, DeadlineView, ObjectionView, SpaceView, TariffView, deadline_terms, deadlines_on,
};

use crate::store::{
    AppendError, EventQuery, EventRepository, Provenance, RegionYearDeadlines, Store, StoreError, Written,
};

type Cqrs<A> = CqrsFramework<A, PersistedEventStore<EventRepository, A>>;

/// Why a command was not recorded. Nothing is recorded in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The input breaks a rule; `field` names the request field when there is one.
    #[error("{message}")]
    Invalid { field: Option<String>, message: String },
    #[error("{0}")]
    NotFound(String),
    /// The write conflicts with what is recorded (a duplicate id, or a concurrent write that came first).
    #[error("{0}")]
    Conflict(String),
    /// Another request with the same idempotency key was recorded at the same moment.
    #[error("the idempotency key was used by another request at the same time")]
    IdempotencyKeyTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl CommandError {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid { field: Some(field.to_owned()), message: message.into() }
    }
}

/// How a domain error becomes a command error: duplicates and repeated steps conflict, a missing record is
/// not found, everything else is invalid input naming its field.
trait Rejection: std::error::Error {
    fn field(&self) -> Option<String>;
    fn is_conflict(&self) -> bool;
    fn is_not_found(&self) -> bool;
}

macro_rules! rejection {
    ($error:ty, conflicts: $conflicts:pat, not_found: $not_found:pat) => {
        impl Rejection for $error {
            fn field(&self) -> Option<String> {
                <$error>::field(self)
            }
            fn is_conflict(&self) -> bool {
                matches!(self, $conflicts)
            }
            fn is_not_found(&self) -> bool {
                matches!(self, $not_found)
            }
        }
    };
}

rejection!(SpaceDecisionError, conflicts: SpaceDecisionError::AlreadyRecorded(_) | SpaceDecisionError::AlreadyAnnounced(_),
    not_found: SpaceDecisionError::NotRecorded);
rejection!(TariffDecisionError, conflicts: TariffDecisionError::AlreadyRecorded(_) | TariffDecisionError::AlreadyAnnounced(_),
    not_found: TariffDecisionError::NotRecorded);
rejection!(AppealError, conflicts: AppealError::AlreadyLodged(_) | AppealError::AlreadyEnded(_), not_found: AppealError::NotLodged);
rejection!(ObjectionError, conflicts: ObjectionError::AlreadyLodged(_) | ObjectionError::AlreadyDecided(_),
    not_found: ObjectionError::NotLodged);

impl<E: Rejection> From<AggregateError<E>> for CommandError {
    fn from(error: AggregateError<E>) -> Self {
        match error {
            AggregateError::UserError(e) if e.is_conflict() => Self::Conflict(e.to_string()),
            AggregateError::UserError(e) if e.is_not_found() => Self::NotFound(e.to_string()),
            AggregateError::UserError(e) => Self::Invalid { field: e.field(), message: e.to_string() },
            AggregateError::AggregateConflict => {
                Self::Conflict("another write to the same record came first; read it again and retry".to_owned())
            }
            AggregateError::UnexpectedError(e) => match e.downcast::<AppendError>() {
                Ok(append) if matches!(*append, AppendError::IdempotencyKeyTaken) => Self::IdempotencyKeyTaken,
                Ok(append) => Self::Internal(append.to_string()),
                Err(other) => Self::Internal(other.to_string()),
            },
            other => Self::Internal(other.to_string()),
        }
    }
}

/// A contracting-space decision as recorded.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDecisionDetail {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub reason: String,
    pub spaces: Vec<SpaceLine>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// An appeal as recorded, with how it was filed and where it stands.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealDetail {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub region: RegionSlug,
    pub year: i32,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub as_of: NaiveDate,
    pub filing: Filing,
    pub status: AppealStatus,
    pub ended: Option<AppealEnding>,
    pub extended_to: Vec<DecisionId>,
    pub explanation: Explanation,
}

/// A decision a judgment names as annulled, with the region-year it is named for (the appeal's own when `None`).
pub type NamedAnnulment = (DecisionId, Option<(RegionSlug, i32)>);

/// What an upheld judgment orders, as asked (R14): the decisions it annuls, each with the region-year it is
/// named for (the appeal's own when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgmentOrder {
    pub annuls: Vec<NamedAnnulment>,
    pub consequence: Consequence,
    pub amount: Option<Euro>,
    pub new_decision_by: Option<NaiveDate>,
}

/// A new objection to a tariff decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObjection {
    pub objection_id: ObjectionId,
    pub tariff_decision: DecisionId,
    pub objector: Appellant,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub advisory_committee: bool,
}

/// A new contracting-space decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpaceDecision {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub reason: String,
    pub spaces: Vec<SpaceLine>,
}

/// The legal date today in the Netherlands.
pub fn today() -> NaiveDate {
    legal_date_at(Utc::now())
}

/// The legal date in the Netherlands at an instant.
pub fn legal_date_at(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

pub struct Register {
    store: Store,
    context: Arc<LegalContext>,
    spaces: Cqrs<SpaceDecision>,
    tariffs: Cqrs<TariffDecision>,
    appeals: Cqrs<Appeal>,
    objections: Cqrs<Objection>,
}

fn framework<A: Aggregate<Services = Services>>(store: &Store, context: &Services) -> Cqrs<A> {
    let events = PersistedEventStore::new_event_store(EventRepository::new(store.clone())).with_upcasters(upcasters());
    CqrsFramework::new(events, Vec::new(), context.clone())
}

impl Register {
    pub fn new(store: Store, context: Arc<LegalContext>) -> Self {
        Self {
            spaces: framework(&store, &context),
            tariffs: framework(&store, &context),
            appeals: framework(&store, &context),
            objections: framework(&store, &context),
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

    pub async fn record_space_decision(&self, by: &Provenance, new: NewSpaceDecision) -> Result<(), CommandError> {
        let id = new.decision_id.to_string();
        let command = SpaceDecisionCommand::RecordSpaceDecision {
            decision_id: new.decision_id,
            kind: new.kind,
            decided_on: new.decided_on,
            announced_on: new.announced_on,
            reason: new.reason,
            spaces: new.spaces,
        };
        Ok(self.spaces.execute_with_metadata(&id, command, by.metadata()).await?)
    }

    pub async fn announce_space_decision(
        &self,
        by: &Provenance,
        decision_id: &DecisionId,
        announced_on: NaiveDate,
    ) -> Result<(), CommandError> {
        let command = SpaceDecisionCommand::RecordSpaceAnnouncement { announced_on };
        Ok(self.spaces.execute_with_metadata(decision_id.as_str(), command, by.metadata()).await?)
    }

    /// Records a tariff decision, after checking that the decision it amends and the contracting-space
    /// decisions it names are recorded and fit.
    pub async fn record_tariff_decision(
        &self,
        by: &Provenance,
        record: TariffDecisionRecord,
        announced_on: Option<NaiveDate>,
    ) -> Result<(), CommandError> {
        if let Some(amends) = &record.amends {
            let amended = self.store.tariff_rows(amends).await?;
            let Some(first) = amended.first() else {
                return Err(CommandError::invalid("amends", format!("no tariff decision {amends} is recorded")));
            };
            if first.provider != record.provider || first.year != record.year {
                return Err(CommandError::invalid(
                    "amends",
                    format!("tariff decision {amends} is for provider {} in {}", first.provider, first.year),
                ));
            }
        }
        if let Some(applied) = &record.applied_space_decisions {
            for (region, decision) in applied {
                if !self.store.sets_space(decision, region, record.year).await?.1 {
                    return Err(CommandError::invalid(
                        &format!("applied_space_decisions.{region}"),
                        format!("decision {decision} sets no contracting space for {region} in {}", record.year),
                    ));
                }
                // R3: a tariff decision can only have applied a decision that had been taken by then.
                let taken = self.store.space_lines(decision).await?.first().map(|l| l.decided_on);
                if let Some(taken) = taken.filter(|taken| *taken > record.decided_on) {
                    return Err(CommandError::invalid(
                        &format!("applied_space_decisions.{region}"),
                        format!(
                            "decision {decision} was taken on {taken}, after this tariff decision ({}); it cannot \
                             have been applied in it (art. 105 lid 2 Wmg)",
                            record.decided_on
                        ),
                    ));
                }
            }
        }
        let id = record.decision_id.to_string();
        let command = TariffDecisionCommand::RecordTariffDecision { record, announced_on };
        Ok(self.tariffs.execute_with_metadata(&id, command, by.metadata()).await?)
    }

    pub async fn announce_tariff_decision(
        &self,
        by: &Provenance,
        decision_id: &DecisionId,
        announced_on: NaiveDate,
    ) -> Result<(), CommandError> {
        let command = TariffDecisionCommand::RecordTariffAnnouncement { announced_on };
        Ok(self.tariffs.execute_with_metadata(decision_id.as_str(), command, by.metadata()).await?)
    }

    /// Records an appeal, whenever it was filed: its timing is classified, never a reason to refuse it.
    pub async fn lodge_appeal(&self, by: &Provenance, record: AppealRecord) -> Result<(), CommandError> {
        let (recorded, sets_space) =
            self.store.sets_space(&record.against_decision, &record.region, record.year).await?;
        if !recorded {
            return Err(CommandError::invalid(
                "against_decision",
                format!("no contracting-space decision {} is recorded", record.against_decision),
            ));
        }
        if !sets_space {
            return Err(CommandError::invalid(
                "against_decision",
                format!(
                    "decision {} sets no contracting space for {} in {}",
                    record.against_decision, record.region, record.year
                ),
            ));
        }
        let id = record.appeal_id.to_string();
        Ok(self.appeals.execute_with_metadata(&id, AppealCommand::LodgeAppeal(record), by.metadata()).await?)
    }

    pub async fn withdraw_appeal(
        &self,
        by: &Provenance,
        appeal_id: &AppealId,
        withdrawn_on: NaiveDate,
    ) -> Result<(), CommandError> {
        let command = AppealCommand::WithdrawAppeal { withdrawn_on };
        Ok(self.appeals.execute_with_metadata(appeal_id.as_str(), command, by.metadata()).await?)
    }

    /// Records a judgment; an upheld one with what it orders (R14). Each decision it names must set a space for
    /// the region-year it is named for (the appeal's own when none is given).
    pub async fn record_judgment(
        &self,
        by: &Provenance,
        appeal_id: &AppealId,
        judgment_on: NaiveDate,
        outcome: JudgmentOutcome,
        order: Option<JudgmentOrder>,
    ) -> Result<(), CommandError> {
        let annulment = match order {
            None => None,
            Some(order) => {
                let Some(appeal) = self.store.appeal_row(appeal_id).await? else {
                    return Err(CommandError::NotFound(format!("no appeal {appeal_id} is recorded")));
                };
                let mut annuls = Vec::new();
                for (i, (decision_id, region_year)) in order.annuls.into_iter().enumerate() {
                    let (region, year) = region_year.unwrap_or_else(|| (appeal.region.clone(), appeal.year));
                    let (_, sets_space) = self.store.sets_space(&decision_id, &region, year).await?;
                    if !sets_space {
                        return Err(CommandError::invalid(
                            &format!("annuls[{i}]"),
                            format!("decision {decision_id} sets no contracting space for {region} in {year}"),
                        ));
                    }
                    annuls.push(AnnulledLine { decision_id, region, year });
                }
                Some(AnnulmentOrder {
                    region: appeal.region,
                    year: appeal.year,
                    annuls,
                    consequence: order.consequence,
                    amount: order.amount,
                    new_decision_by: order.new_decision_by,
                })
            }
        };
        let command = AppealCommand::RecordJudgment { judgment_on, outcome, annulment };
        Ok(self.appeals.execute_with_metadata(appeal_id.as_str(), command, by.metadata()).await?)
    }

    /// R9: records that the CBb confirmed that no appeal against a decision's line for a region-year was lodged.
    pub async fn confirm_no_appeal(
        &self,
        by: &Provenance,
        decision_id: &DecisionId,
        region: RegionSlug,
        year: i32,
        confirmed_on: NaiveDate,
    ) -> Result<(), CommandError> {
        let command = SpaceDecisionCommand::ConfirmNoAppeal { region, year, confirmed_on };
        Ok(self.spaces.execute_with_metadata(decision_id.as_str(), command, by.metadata()).await?)
    }

    /// Records an objection to a tariff decision, whenever it was filed: its timing is classified (R7, R10).
    pub async fn lodge_objection(&self, by: &Provenance, new: NewObjection) -> Result<(), CommandError> {
        let rows = self.store.tariff_rows(&new.tariff_decision).await?;
        let Some(first) = rows.first() else {
            return Err(CommandError::NotFound(format!("no tariff decision {} is recorded", new.tariff_decision)));
        };
        let record = ObjectionRecord {
            objection_id: new.objection_id,
            tariff_decision: new.tariff_decision,
            objector: new.objector,
            received_on: new.received_on,
            posted_on: new.posted_on,
            advisory_committee: new.advisory_committee,
            regions: rows.iter().map(|r| r.region.clone()).collect(),
            year: first.year,
        };
        let id = record.objection_id.to_string();
        Ok(self.objections.execute_with_metadata(&id, ObjectionCommand::LodgeObjection(record), by.metadata()).await?)
    }

    /// The objection to a tariff decision as judged on `as_of`; `None` when no such objection to it is recorded
    /// or known on that date.
    pub async fn objection(
        &self,
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
        as_of: NaiveDate,
    ) -> Result<Option<ObjectionView>, StoreError> {
        let Some(view) = self.tariff_decision(tariff_decision, as_of).await? else { return Ok(None) };
        Ok(view.objections.into_iter().find(|o| &o.objection_id == objection_id))
    }

    async fn objection_exists(
        &self,
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
    ) -> Result<(), CommandError> {
        let latest = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");
        match self.objection(tariff_decision, objection_id, latest).await? {
            Some(_) => Ok(()),
            None => Err(CommandError::NotFound(format!(
                "no objection {objection_id} to tariff decision {tariff_decision} is recorded"
            ))),
        }
    }

    /// R10: records a postponement of the decision on an objection (art. 7:10 lid 3 or 4 Awb).
    pub async fn postpone_objection(
        &self,
        by: &Provenance,
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
        postponement: Postponement,
    ) -> Result<(), CommandError> {
        self.objection_exists(tariff_decision, objection_id).await?;
        // The decision term as it stood when the postponement was notified.
        let deadline = self
            .objection(tariff_decision, objection_id, postponement.announced_on)
            .await?
            .and_then(|o| o.decision_term)
            .map(|t| t.last_day);
        let command = ObjectionCommand::PostponeDecision { postponement, deadline };
        Ok(self.objections.execute_with_metadata(objection_id.as_str(), command, by.metadata()).await?)
    }

    /// R10: records the NZa's decision on an objection.
    pub async fn decide_objection(
        &self,
        by: &Provenance,
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
        decision: ObjectionDecision,
    ) -> Result<(), CommandError> {
        self.objection_exists(tariff_decision, objection_id).await?;
        let command = ObjectionCommand::RecordDecision(decision);
        Ok(self.objections.execute_with_metadata(objection_id.as_str(), command, by.metadata()).await?)
    }

    /// A region-year judged on `as_of`, from what was recorded by `as_at` (everything when `None`); `None` when
    /// no decision for it was recorded by then.
    pub async fn space(
        &self,
        region: &RegionSlug,
        year: i32,
        as_of: NaiveDate,
        as_at: Option<DateTime<Utc>>,
        audience: &Audience,
    ) -> Result<Option<SpaceView>, StoreError> {
        let rows = self.store.region_year_rows(region, year).await?;
        let facts = rows.facts(region, year, as_at);
        if facts.decisions.is_empty() {
            return Ok(None);
        }
        let assessment = assess_region_year(&facts, &self.context, as_of);
        Ok(Some(SpaceView::new(&assessment, audience, as_at, &self.context.commencement)))
    }

    pub async fn space_decision(&self, decision_id: &DecisionId) -> Result<Option<SpaceDecisionDetail>, StoreError> {
        let lines = self.store.space_lines(decision_id).await?;
        let mut sorted = lines.clone();
        sorted.sort_by_key(|l| l.recorded.position);
        Ok(sorted.first().map(|first| SpaceDecisionDetail {
            decision_id: first.decision_id.clone(),
            kind: first.kind,
            decided_on: first.decided_on,
            announced_on: first.announced.map(|a| a.on),
            reason: first.reason.clone(),
            spaces: sorted
                .iter()
                .map(|l| SpaceLine { region: l.region.clone(), year: l.year, amount: l.amount })
                .collect(),
            recorded_at: first.recorded.at,
            recorded_by: first.recorded.by.clone(),
        }))
    }

    pub async fn tariff_decision(
        &self,
        decision_id: &DecisionId,
        as_of: NaiveDate,
    ) -> Result<Option<TariffView>, StoreError> {
        let rows = self.store.tariff_rows(decision_id).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let regions: Vec<RegionSlug> = rows.iter().map(|r| r.region.clone()).collect();
        self.tariff_decision_from(decision_id, first.year, &regions, as_of, None).await
    }

    /// The answer to recording a tariff decision: the decision as `tariff_decision` gives it, its year and
    /// regions known, judged from rows that include it.
    pub async fn tariff_decision_as_recorded(
        &self,
        decision_id: &DecisionId,
        year: i32,
        regions: &[RegionSlug],
        as_of: NaiveDate,
    ) -> Result<Option<TariffView>, StoreError> {
        self.tariff_decision_from(decision_id, year, regions, as_of, Some(Written::TariffDecision(decision_id))).await
    }

    /// A tariff decision whose year and regions are known, read with the rows of its region-years alone.
    async fn tariff_decision_from(
        &self,
        decision_id: &DecisionId,
        year: i32,
        regions: &[RegionSlug],
        as_of: NaiveDate,
        written: Option<Written<'_>>,
    ) -> Result<Option<TariffView>, StoreError> {
        let mut regions = regions.to_vec();
        regions.sort();
        regions.dedup();
        let mut region_years = Vec::with_capacity(regions.len());
        for region in regions {
            let rows = self.rows(&region, year, written).await?;
            region_years.push((region, rows));
        }
        let rows: Vec<_> = region_years
            .iter()
            .flat_map(|(_, rows)| rows.tariffs.iter().filter(|t| &t.decision_id == decision_id).cloned())
            .collect();
        Ok(TariffView::new(&rows, &region_years, &self.context, as_of))
    }

    /// The provider a tariff decision is for, to decide who may see it.
    pub async fn tariff_provider(&self, decision_id: &DecisionId) -> Result<Option<AgbCode>, StoreError> {
        Ok(self.store.tariff_rows(decision_id).await?.first().map(|r| r.provider.clone()))
    }

    pub async fn appeal(&self, appeal_id: &AppealId, as_of: NaiveDate) -> Result<Option<AppealDetail>, StoreError> {
        let Some(row) = self.store.appeal_row(appeal_id).await? else { return Ok(None) };
        self.appeal_from(&row.region, row.year, appeal_id, as_of, None).await
    }

    /// The answer to lodging an appeal: the appeal as `appeal` gives it, its region-year known, judged from rows
    /// that include it.
    pub async fn appeal_as_lodged(
        &self,
        region: &RegionSlug,
        year: i32,
        appeal_id: &AppealId,
        as_of: NaiveDate,
    ) -> Result<Option<AppealDetail>, StoreError> {
        self.appeal_from(region, year, appeal_id, as_of, Some(Written::Appeal(appeal_id))).await
    }

    /// The rows of a region-year: the latest, or when `written` is given, any that include what was written.
    async fn rows(
        &self,
        region: &RegionSlug,
        year: i32,
        written: Option<Written<'_>>,
    ) -> Result<Arc<RegionYearRows>, StoreError> {
        match written {
            Some(written) => self.store.region_year_rows_including(region, year, written).await,
            None => self.store.region_year_rows(region, year).await,
        }
    }

    /// An appeal whose region-year is known, read with the rows of that region-year alone.
    async fn appeal_from(
        &self,
        region: &RegionSlug,
        year: i32,
        appeal_id: &AppealId,
        as_of: NaiveDate,
        written: Option<Written<'_>>,
    ) -> Result<Option<AppealDetail>, StoreError> {
        let rows = self.rows(region, year, written).await?;
        let Some(row) = rows.appeals.iter().find(|a| &a.appeal_id == appeal_id).cloned() else { return Ok(None) };
        let facts = rows.facts(&row.region, row.year, None);
        // Judged on the later of `as_of` and the day it was received, so the appeal itself is always known.
        let judged_on = as_of.max(row.received_on);
        let assessment = assess_region_year(&facts, &self.context, judged_on);
        let Some(judged) = assessment.appeals.iter().find(|a| a.appeal_id == row.appeal_id) else {
            return Ok(None);
        };
        Ok(Some(AppealDetail {
            appeal_id: row.appeal_id.clone(),
            appellant: row.appellant.clone(),
            region: row.region.clone(),
            year: row.year,
            against_decision: row.against_decision.clone(),
            received_on: row.received_on,
            posted_on: row.posted_on,
            recorded_at: row.recorded.at,
            recorded_by: row.recorded.by.clone(),
            as_of: judged_on,
            filing: judged.filing,
            status: judged.status,
            ended: row.ending.filter(|e| e.on <= judged_on),
            extended_to: judged.extended_to.clone(),
            explanation: judged.explanation.clone(),
        }))
    }

    /// Brings the deadlines index up to date with the facts.
    pub async fn refresh_deadlines(&self) -> Result<(), StoreError> {
        // Stored a few thousand terms at a time: after a replay every region-year is stale, and the whole
        // register's terms with their explanations would not fit in memory together.
        const TERMS_PER_WRITE: usize = 5_000;
        let mut index = Vec::new();
        let mut terms_held = 0;
        for (region, year, version) in self.store.stale_region_years().await? {
            let rows = self.store.region_year_rows(&region, year).await?;
            let terms = deadline_terms(&rows, &region, year, &self.context);
            terms_held += terms.len();
            index.push(RegionYearDeadlines { region, year, version, terms });
            if terms_held >= TERMS_PER_WRITE {
                self.store.store_deadlines(std::mem::take(&mut index)).await?;
                terms_held = 0;
            }
        }
        if index.is_empty() {
            return Ok(());
        }
        self.store.store_deadlines(index).await
    }

    /// Every opened term whose last day lies in `from..=to`, judged on `as_of`, sorted by last day.
    pub async fn deadlines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        region: Option<&RegionSlug>,
        provider: Option<&AgbCode>,
        as_of: NaiveDate,
    ) -> Result<Vec<DeadlineView>, StoreError> {
        self.refresh_deadlines().await?;
        // Every term counts for every appellant (R7): a provider sees them all, another provider's unnamed. The
        // NZa's own deadlines are for legal staff and auditors, and count for no provider.
        // The index, computed from every recorded fact, says which region-years have terms in the range; each of
        // those is judged on `as_of` by the engine, so that a term, its status and its explanation are those of
        // the space view on that date (one judgment path).
        let mut region_years: Vec<((RegionSlug, i32), Vec<DeadlineView>)> = Vec::new();
        let mut at: std::collections::HashMap<(RegionSlug, i32), usize> = std::collections::HashMap::new();
        for d in self.store.deadlines(from, to, region).await? {
            let key = (d.region.clone(), d.year);
            let i = *at.entry(key.clone()).or_insert_with(|| {
                region_years.push((key, Vec::new()));
                region_years.len() - 1
            });
            region_years[i].1.push(d);
        }
        let query = DeadlineQuery { from, to, as_of, nza: provider.is_none(), viewer: provider.cloned() };
        let mut terms = Vec::new();
        for ((region, year), indexed) in region_years {
            let rows = self.store.region_year_rows(&region, year).await?;
            terms.extend(deadlines_on(&rows, indexed, &region, year, &self.context, &query));
        }
        let mut keyed: Vec<(String, DeadlineView)> = terms.into_iter().map(|d| (d.uid(), d)).collect();
        keyed.sort_by(|(a_uid, a), (b_uid, b)| {
            (a.term.last_day, &a.region, a.year, a_uid).cmp(&(b.term.last_day, &b.region, b.year, b_uid))
        });
        // A tariff decision for several regions has its objections' decision terms in each: listed once.
        let mut nza_seen = std::collections::HashSet::new();
        Ok(keyed
            .into_iter()
            .map(|(_, d)| d)
            .filter(|d| d.term.objection_id.as_ref().is_none_or(|o| nza_seen.insert(o.clone())))
            .collect())
    }

    pub async fn history(&self, query: &EventQuery) -> Result<Vec<RecordedEvent>, StoreError> {
        self.store.events(query).await
    }
}
