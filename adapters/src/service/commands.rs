//! The commands: each validated by its aggregate and cross-checked against what is recorded, then recorded
//! through cqrs-es (`execute_with_metadata`), with who recorded it in the events' metadata.

use chrono::NaiveDate;
use termijn_domain::aggregates::appeal::{AnnulledLine, AnnulmentOrder, AppealCommand, AppealRecord, JudgmentOutcome};
use termijn_domain::aggregates::objection::{ObjectionCommand, ObjectionRecord};
use termijn_domain::aggregates::space_decision::{SpaceDecisionCommand, SpaceLine};
use termijn_domain::aggregates::tariff_decision::{TariffDecisionCommand, TariffDecisionRecord};
use termijn_domain::record::{Consequence, ObjectionDecision, Postponement};
use termijn_domain::register::{Appellant, SpaceDecisionKind};
use termijn_domain::values::{AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

use crate::store::Provenance;

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

impl Service {
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
        // The decision term as it stood when the postponement was notified. An objection not known on that day
        // must still exist (the aggregate then refuses a notice before its receipt).
        let deadline = match self.objection(tariff_decision, objection_id, postponement.announced_on).await? {
            Some(objection) => objection.decision_term.map(|t| t.last_day),
            None => {
                self.objection_exists(tariff_decision, objection_id).await?;
                None
            }
        };
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
}
