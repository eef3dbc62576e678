//! Fact rows: what the register knows per region-year, each fact with the instant it was recorded, so that
//! the register can be shown as it stood at any instant (`as_at`) and judged at any legal date (`as_of`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use termijn_domain::aggregates::appeal::AppealEvent;
use termijn_domain::aggregates::space_decision::SpaceDecisionEvent;
use termijn_domain::aggregates::tariff_decision::TariffDecisionEvent;
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, Appellant, RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind,
    TariffDecisionFact, TariffKind,
};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

use crate::event::{DecodeError, RecordedEvent, RegisterEvent};

/// Who recorded a fact, when, and where in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub position: i64,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A date recorded after the fact it belongs to (an announcement), with the instant it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaterDate {
    pub on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// One region-year line of a contracting-space decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceLineRow {
    pub decision_id: DecisionId,
    pub region: RegionSlug,
    pub year: i32,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub amount: Euro,
    pub reason: String,
    pub recorded: Recorded,
    pub announced: Option<LaterDate>,
}

/// A tariff decision, once per region it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffRow {
    pub decision_id: DecisionId,
    pub region: RegionSlug,
    pub year: i32,
    pub provider: AgbCode,
    pub kind: TariffKind,
    pub amends: Option<DecisionId>,
    pub decided_on: NaiveDate,
    pub applied_space_decision: Option<DecisionId>,
    pub recorded: Recorded,
    pub announced: Option<LaterDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealRow {
    pub appeal_id: AppealId,
    pub region: RegionSlug,
    pub year: i32,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub recorded: Recorded,
    pub ending: Option<AppealEnding>,
    pub ending_recorded_at: Option<DateTime<Utc>>,
}

/// A change to the fact rows that one event makes. The store applies it in the transaction that records the
/// event, so the facts are never behind the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactChange {
    AddSpaceLines(Vec<SpaceLineRow>),
    AnnounceSpaceDecision { decision_id: DecisionId, announced: LaterDate },
    AddTariffRows(Vec<TariffRow>),
    AnnounceTariffDecision { decision_id: DecisionId, announced: LaterDate },
    AddAppeal(AppealRow),
    EndAppeal { appeal_id: AppealId, ending: AppealEnding, recorded_at: DateTime<Utc> },
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("event at position {position} has an aggregate id that is not a valid id: {id}")]
    AggregateId { position: i64, id: String },
}

/// The fact changes an event makes.
pub fn changes(event: &RecordedEvent) -> Result<Vec<FactChange>, ProjectionError> {
    let recorded = Recorded { position: event.position, at: event.recorded_at, by: event.recorded_by.clone() };
    let later = |on| LaterDate { on, recorded_at: event.recorded_at };
    let bad_id = || ProjectionError::AggregateId { position: event.position, id: event.aggregate_id.clone() };
    Ok(match event.decode()? {
        RegisterEvent::Space(SpaceDecisionEvent::SpaceDecisionRecorded {
            decision_id,
            kind,
            decided_on,
            reason,
            spaces,
        }) => {
            vec![FactChange::AddSpaceLines(
                spaces
                    .into_iter()
                    .map(|line| SpaceLineRow {
                        decision_id: decision_id.clone(),
                        region: line.region,
                        year: line.year,
                        kind,
                        decided_on,
                        amount: line.amount,
                        reason: reason.clone(),
                        recorded: recorded.clone(),
                        announced: None,
                    })
                    .collect(),
            )]
        }
        RegisterEvent::Space(SpaceDecisionEvent::SpaceDecisionAnnounced { announced_on }) => {
            vec![FactChange::AnnounceSpaceDecision {
                decision_id: DecisionId::parse(&event.aggregate_id).map_err(|_| bad_id())?,
                announced: later(announced_on),
            }]
        }
        RegisterEvent::Tariff(TariffDecisionEvent::TariffDecisionRecorded(record)) => {
            vec![FactChange::AddTariffRows(
                record
                    .regions
                    .iter()
                    .map(|region| TariffRow {
                        decision_id: record.decision_id.clone(),
                        region: region.clone(),
                        year: record.year,
                        provider: record.provider.clone(),
                        kind: record.kind,
                        amends: record.amends.clone(),
                        decided_on: record.decided_on,
                        applied_space_decision: record
                            .applied_space_decisions
                            .as_ref()
                            .and_then(|applied| applied.get(region).cloned()),
                        recorded: recorded.clone(),
                        announced: None,
                    })
                    .collect(),
            )]
        }
        RegisterEvent::Tariff(TariffDecisionEvent::TariffDecisionAnnounced { announced_on }) => {
            vec![FactChange::AnnounceTariffDecision {
                decision_id: DecisionId::parse(&event.aggregate_id).map_err(|_| bad_id())?,
                announced: later(announced_on),
            }]
        }
        RegisterEvent::Appeal(AppealEvent::AppealLodged(record)) => vec![FactChange::AddAppeal(AppealRow {
            appeal_id: record.appeal_id,
            region: record.region,
            year: record.year,
            appellant: record.appellant,
            against_decision: record.against_decision,
            received_on: record.received_on,
            posted_on: record.posted_on,
            recorded,
            ending: None,
            ending_recorded_at: None,
        })],
        RegisterEvent::Appeal(AppealEvent::AppealWithdrawn { withdrawn_on }) => vec![FactChange::EndAppeal {
            appeal_id: AppealId::parse(&event.aggregate_id).map_err(|_| bad_id())?,
            ending: AppealEnding { on: withdrawn_on, outcome: AppealOutcome::Withdrawn },
            recorded_at: event.recorded_at,
        }],
        RegisterEvent::Appeal(AppealEvent::JudgmentRecorded { judgment_on, outcome }) => vec![FactChange::EndAppeal {
            appeal_id: AppealId::parse(&event.aggregate_id).map_err(|_| bad_id())?,
            ending: AppealEnding { on: judgment_on, outcome: outcome.into() },
            recorded_at: event.recorded_at,
        }],
    })
}

/// Everything recorded for one region-year, each list in log order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionYearRows {
    pub lines: Vec<SpaceLineRow>,
    pub tariffs: Vec<TariffRow>,
    pub appeals: Vec<AppealRow>,
}

fn known_at(recorded_at: DateTime<Utc>, as_at: Option<DateTime<Utc>>) -> bool {
    as_at.is_none_or(|instant| recorded_at <= instant)
}

impl RegionYearRows {
    /// The domain's facts for this region-year as the register held them at `as_at` (everything when `None`).
    pub fn facts(&self, region: &RegionSlug, year: i32, as_at: Option<DateTime<Utc>>) -> RegionYearFacts {
        let later = |date: &Option<LaterDate>| date.filter(|d| known_at(d.recorded_at, as_at)).map(|d| d.on);
        RegionYearFacts {
            region: region.clone(),
            year,
            decisions: self
                .lines
                .iter()
                .filter(|l| known_at(l.recorded.at, as_at))
                .map(|l| SpaceDecisionFact {
                    decision_id: l.decision_id.clone(),
                    kind: l.kind,
                    decided_on: l.decided_on,
                    announced_on: later(&l.announced),
                    amount: l.amount,
                })
                .collect(),
            tariff_decisions: self
                .tariffs
                .iter()
                .filter(|t| known_at(t.recorded.at, as_at))
                .map(|t| TariffDecisionFact {
                    decision_id: t.decision_id.clone(),
                    provider: t.provider.clone(),
                    kind: t.kind,
                    decided_on: t.decided_on,
                    announced_on: later(&t.announced),
                    applied_space_decision: t.applied_space_decision.clone(),
                })
                .collect(),
            appeals: self
                .appeals
                .iter()
                .filter(|a| known_at(a.recorded.at, as_at))
                .map(|a| AppealFact {
                    appeal_id: a.appeal_id.clone(),
                    appellant: a.appellant.clone(),
                    against_decision: a.against_decision.clone(),
                    received_on: a.received_on,
                    posted_on: a.posted_on,
                    ending: a.ending.filter(|_| a.ending_recorded_at.is_some_and(|at| known_at(at, as_at))),
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// The fact rows of the whole register, built in memory from the log: what `termijn replay` writes back in
/// bulk. Applying a change here has the same effect as the store applying it row by row, `versions`
/// included (the number of changes each region-year's facts went through).
#[derive(Debug, Default)]
pub struct FactSet {
    pub lines: Vec<SpaceLineRow>,
    pub tariffs: Vec<TariffRow>,
    pub appeals: Vec<AppealRow>,
    pub versions: std::collections::BTreeMap<(RegionSlug, i32), i64>,
    lines_of: std::collections::HashMap<DecisionId, Vec<usize>>,
    tariffs_of: std::collections::HashMap<DecisionId, Vec<usize>>,
    appeal_at: std::collections::HashMap<AppealId, usize>,
}

impl FactSet {
    fn touch(&mut self, region: &RegionSlug, year: i32) {
        *self.versions.entry((region.clone(), year)).or_insert(0) += 1;
    }

    /// Applies a change to the rows of the set. A change to rows the set does not hold (an announcement or an
    /// ending of something recorded before) is handed back, to be made where those rows are.
    pub fn apply(&mut self, change: FactChange) -> Option<FactChange> {
        match change {
            FactChange::AddSpaceLines(rows) => {
                for row in rows {
                    self.touch(&row.region, row.year);
                    self.lines_of.entry(row.decision_id.clone()).or_default().push(self.lines.len());
                    self.lines.push(row);
                }
            }
            FactChange::AnnounceSpaceDecision { decision_id, announced } => {
                let Some(held) = self.lines_of.get(&decision_id).cloned() else {
                    return Some(FactChange::AnnounceSpaceDecision { decision_id, announced });
                };
                for i in held {
                    self.lines[i].announced = Some(announced);
                    let (region, year) = (self.lines[i].region.clone(), self.lines[i].year);
                    self.touch(&region, year);
                }
            }
            FactChange::AddTariffRows(rows) => {
                for row in rows {
                    self.touch(&row.region, row.year);
                    self.tariffs_of.entry(row.decision_id.clone()).or_default().push(self.tariffs.len());
                    self.tariffs.push(row);
                }
            }
            FactChange::AnnounceTariffDecision { decision_id, announced } => {
                let Some(held) = self.tariffs_of.get(&decision_id).cloned() else {
                    return Some(FactChange::AnnounceTariffDecision { decision_id, announced });
                };
                for i in held {
                    self.tariffs[i].announced = Some(announced);
                    let (region, year) = (self.tariffs[i].region.clone(), self.tariffs[i].year);
                    self.touch(&region, year);
                }
            }
            FactChange::AddAppeal(row) => {
                self.touch(&row.region, row.year);
                self.appeal_at.insert(row.appeal_id.clone(), self.appeals.len());
                self.appeals.push(row);
            }
            FactChange::EndAppeal { appeal_id, ending, recorded_at } => {
                let Some(&i) = self.appeal_at.get(&appeal_id) else {
                    return Some(FactChange::EndAppeal { appeal_id, ending, recorded_at });
                };
                self.appeals[i].ending = Some(ending);
                self.appeals[i].ending_recorded_at = Some(recorded_at);
                let (region, year) = (self.appeals[i].region.clone(), self.appeals[i].year);
                self.touch(&region, year);
            }
        }
        None
    }
}
