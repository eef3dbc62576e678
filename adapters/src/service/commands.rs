//! The commands: each an [`Entry`], cross-checked against the register and validated by its aggregate, then
//! recorded through cqrs-es (`execute_with_metadata`), with who recorded it in the events' metadata.

use chrono::NaiveDate;
use termijn_domain::aggregates::appeal::{AnnulledLine, AnnulmentOrder, AppealCommand, AppealRecord, JudgmentOutcome};
use termijn_domain::aggregates::objection::{ObjectionCommand, ObjectionRecord};
use termijn_domain::aggregates::space_decision::{SpaceDecisionCommand, SpaceLine};
use termijn_domain::aggregates::tariff_decision::{TariffDecisionCommand, TariffDecisionRecord};
use termijn_domain::record::{Consequence, ObjectionDecision, Postponement};
use termijn_domain::register::{Appellant, SpaceDecisionKind};
use termijn_domain::values::{AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

use crate::store::{Provenance, RegionYears};

use super::{CommandError, Service};

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

/// An entry for the register: what each command of the service records. [`Service::record`] records it;
/// [`Service::what_if`] applies it to a copy of the register, through the same checks and aggregates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    SpaceDecision(NewSpaceDecision),
    SpaceAnnouncement { decision_id: DecisionId, announced_on: NaiveDate },
    TariffDecision { record: TariffDecisionRecord, announced_on: Option<NaiveDate> },
    TariffAnnouncement { decision_id: DecisionId, announced_on: NaiveDate },
    Appeal(AppealRecord),
    Withdrawal { appeal_id: AppealId, withdrawn_on: NaiveDate },
    Judgment { appeal_id: AppealId, judgment_on: NaiveDate, outcome: JudgmentOutcome, order: Option<JudgmentOrder> },
    NoAppealConfirmation { decision_id: DecisionId, region: RegionSlug, year: i32, confirmed_on: NaiveDate },
    Objection(NewObjection),
    Postponement { tariff_decision: DecisionId, objection_id: ObjectionId, postponement: Postponement },
    ObjectionDecision { tariff_decision: DecisionId, objection_id: ObjectionId, decision: ObjectionDecision },
}

/// An entry checked against the register, as the command its aggregate handles, with the aggregate's id.
#[derive(Debug)]
pub(super) enum Checked {
    Space(String, SpaceDecisionCommand),
    Tariff(String, TariffDecisionCommand),
    Appeal(String, AppealCommand),
    Objection(String, ObjectionCommand),
}

impl Service {
    /// Records an entry: checked against what is recorded, then handled by its aggregate and recorded through
    /// cqrs-es (`execute_with_metadata`), with who recorded it in the events' metadata.
    pub async fn record(&self, by: &Provenance, entry: Entry) -> Result<(), CommandError> {
        let metadata = by.metadata();
        match self.check(&*self.store, entry).await? {
            Checked::Space(id, command) => self.spaces.execute(&id, command, metadata).await?,
            Checked::Tariff(id, command) => self.tariffs.execute(&id, command, metadata).await?,
            Checked::Appeal(id, command) => self.appeals.execute(&id, command, metadata).await?,
            Checked::Objection(id, command) => self.objections.execute(&id, command, metadata).await?,
        }
        Ok(())
    }

    /// Checks an entry against the register `facts` holds (the recorded one, or a what-if's copy of it), and
    /// makes it the command its aggregate handles.
    pub(super) async fn check(&self, facts: &(dyn RegionYears + Sync), entry: Entry) -> Result<Checked, CommandError> {
        Ok(match entry {
            Entry::SpaceDecision(new) => Checked::Space(
                new.decision_id.to_string(),
                SpaceDecisionCommand::RecordSpaceDecision {
                    decision_id: new.decision_id,
                    kind: new.kind,
                    decided_on: new.decided_on,
                    announced_on: new.announced_on,
                    reason: new.reason,
                    spaces: new.spaces,
                },
            ),
            Entry::SpaceAnnouncement { decision_id, announced_on } => {
                Checked::Space(decision_id.to_string(), SpaceDecisionCommand::RecordSpaceAnnouncement { announced_on })
            }
            Entry::TariffDecision { record, announced_on } => {
                check_tariff_decision(facts, &record).await?;
                let id = record.decision_id.to_string();
                Checked::Tariff(id, TariffDecisionCommand::RecordTariffDecision { record, announced_on })
            }
            Entry::TariffAnnouncement { decision_id, announced_on } => Checked::Tariff(
                decision_id.to_string(),
                TariffDecisionCommand::RecordTariffAnnouncement { announced_on },
            ),
            Entry::Appeal(record) => {
                check_appeal(facts, &record).await?;
                Checked::Appeal(record.appeal_id.to_string(), AppealCommand::LodgeAppeal(record))
            }
            Entry::Withdrawal { appeal_id, withdrawn_on } => {
                Checked::Appeal(appeal_id.to_string(), AppealCommand::WithdrawAppeal { withdrawn_on })
            }
            Entry::Judgment { appeal_id, judgment_on, outcome, order } => {
                let annulment = match order {
                    None => None,
                    Some(order) => Some(annulment_order(facts, &appeal_id, order).await?),
                };
                Checked::Appeal(
                    appeal_id.to_string(),
                    AppealCommand::RecordJudgment { judgment_on, outcome, annulment },
                )
            }
            Entry::NoAppealConfirmation { decision_id, region, year, confirmed_on } => Checked::Space(
                decision_id.to_string(),
                SpaceDecisionCommand::ConfirmNoAppeal { region, year, confirmed_on },
            ),
            Entry::Objection(new) => {
                let rows = facts.tariff_rows(&new.tariff_decision).await?;
                let Some(first) = rows.first() else {
                    return Err(CommandError::NotFound(format!(
                        "no tariff decision {} is recorded",
                        new.tariff_decision
                    )));
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
                Checked::Objection(record.objection_id.to_string(), ObjectionCommand::LodgeObjection(record))
            }
            Entry::Postponement { tariff_decision, objection_id, postponement } => {
                // The decision term as it stood when the postponement was notified. An objection not known on
                // that day must still exist (the aggregate then refuses a notice before its receipt).
                let on = postponement.announced_on;
                let deadline = match self.objection_in(facts, &tariff_decision, &objection_id, on).await? {
                    Some(objection) => objection.decision_term.map(|t| t.last_day),
                    None => {
                        self.objection_exists(facts, &tariff_decision, &objection_id).await?;
                        None
                    }
                };
                Checked::Objection(
                    objection_id.to_string(),
                    ObjectionCommand::PostponeDecision { postponement, deadline },
                )
            }
            Entry::ObjectionDecision { tariff_decision, objection_id, decision } => {
                self.objection_exists(facts, &tariff_decision, &objection_id).await?;
                Checked::Objection(objection_id.to_string(), ObjectionCommand::RecordDecision(decision))
            }
        })
    }

    pub async fn record_space_decision(&self, by: &Provenance, new: NewSpaceDecision) -> Result<(), CommandError> {
        self.record(by, Entry::SpaceDecision(new)).await
    }

    pub async fn announce_space_decision(
        &self,
        by: &Provenance,
        decision_id: &DecisionId,
        announced_on: NaiveDate,
    ) -> Result<(), CommandError> {
        self.record(by, Entry::SpaceAnnouncement { decision_id: decision_id.clone(), announced_on }).await
    }

    /// Records a tariff decision, after checking that the decision it amends and the contracting-space
    /// decisions it names are recorded and fit.
    pub async fn record_tariff_decision(
        &self,
        by: &Provenance,
        record: TariffDecisionRecord,
        announced_on: Option<NaiveDate>,
    ) -> Result<(), CommandError> {
        self.record(by, Entry::TariffDecision { record, announced_on }).await
    }

    pub async fn announce_tariff_decision(
        &self,
        by: &Provenance,
        decision_id: &DecisionId,
        announced_on: NaiveDate,
    ) -> Result<(), CommandError> {
        self.record(by, Entry::TariffAnnouncement { decision_id: decision_id.clone(), announced_on }).await
    }

    /// Records an appeal, whenever it was filed: its timing is classified, never a reason to refuse it.
    pub async fn lodge_appeal(&self, by: &Provenance, record: AppealRecord) -> Result<(), CommandError> {
        self.record(by, Entry::Appeal(record)).await
    }

    pub async fn withdraw_appeal(
        &self,
        by: &Provenance,
        appeal_id: &AppealId,
        withdrawn_on: NaiveDate,
    ) -> Result<(), CommandError> {
        self.record(by, Entry::Withdrawal { appeal_id: appeal_id.clone(), withdrawn_on }).await
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
        self.record(by, Entry::Judgment { appeal_id: appeal_id.clone(), judgment_on, outcome, order }).await
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
        self.record(by, Entry::NoAppealConfirmation { decision_id: decision_id.clone(), region, year, confirmed_on })
            .await
    }

    /// Records an objection to a tariff decision, whenever it was filed: its timing is classified (R7, R10).
    pub async fn lodge_objection(&self, by: &Provenance, new: NewObjection) -> Result<(), CommandError> {
        self.record(by, Entry::Objection(new)).await
    }

    async fn objection_exists(
        &self,
        facts: &(dyn RegionYears + Sync),
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
    ) -> Result<(), CommandError> {
        let latest = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");
        match self.objection_in(facts, tariff_decision, objection_id, latest).await? {
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
        let entry = Entry::Postponement {
            tariff_decision: tariff_decision.clone(),
            objection_id: objection_id.clone(),
            postponement,
        };
        self.record(by, entry).await
    }

    /// R10: records the NZa's decision on an objection.
    pub async fn decide_objection(
        &self,
        by: &Provenance,
        tariff_decision: &DecisionId,
        objection_id: &ObjectionId,
        decision: ObjectionDecision,
    ) -> Result<(), CommandError> {
        let entry = Entry::ObjectionDecision {
            tariff_decision: tariff_decision.clone(),
            objection_id: objection_id.clone(),
            decision,
        };
        self.record(by, entry).await
    }
}

/// A tariff decision against the register: the decision it amends is recorded for the same provider and year,
/// and each contracting-space decision it names sets that region-year's space and was taken by then (R3).
async fn check_tariff_decision(
    facts: &(dyn RegionYears + Sync),
    record: &TariffDecisionRecord,
) -> Result<(), CommandError> {
    if let Some(amends) = &record.amends {
        let amended = facts.tariff_rows(amends).await?;
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
            if !facts.sets_space(decision, region, record.year).await?.1 {
                return Err(CommandError::invalid(
                    &format!("applied_space_decisions.{region}"),
                    format!("decision {decision} sets no contracting space for {region} in {}", record.year),
                ));
            }
            // R3: a tariff decision can only have applied a decision that had been taken by then.
            let taken = facts.space_lines(decision).await?.first().map(|l| l.decided_on);
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
    Ok(())
}

/// An appeal against the register: the decision it is lodged against is recorded and sets the space of its
/// region-year. Its timing is classified, never a reason to refuse it.
async fn check_appeal(facts: &(dyn RegionYears + Sync), record: &AppealRecord) -> Result<(), CommandError> {
    let (recorded, sets_space) = facts.sets_space(&record.against_decision, &record.region, record.year).await?;
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
    Ok(())
}

/// What an upheld judgment orders, against the register (R14): each decision it names must set a space for the
/// region-year it is named for (the appeal's own when none is given).
async fn annulment_order(
    facts: &(dyn RegionYears + Sync),
    appeal_id: &AppealId,
    order: JudgmentOrder,
) -> Result<AnnulmentOrder, CommandError> {
    let Some(appeal) = facts.appeal_row(appeal_id).await? else {
        return Err(CommandError::NotFound(format!("no appeal {appeal_id} is recorded")));
    };
    let mut annuls = Vec::new();
    for (i, (decision_id, region_year)) in order.annuls.into_iter().enumerate() {
        let (region, year) = region_year.unwrap_or_else(|| (appeal.region.clone(), appeal.year));
        let (_, sets_space) = facts.sets_space(&decision_id, &region, year).await?;
        if !sets_space {
            return Err(CommandError::invalid(
                &format!("annuls[{i}]"),
                format!("decision {decision_id} sets no contracting space for {region} in {year}"),
            ));
        }
        annuls.push(AnnulledLine { decision_id, region, year });
    }
    Ok(AnnulmentOrder {
        region: appeal.region,
        year: appeal.year,
        annuls,
        consequence: order.consequence,
        amount: order.amount,
        new_decision_by: order.new_decision_by,
    })
}
