//! Fact rows: what the register knows per region-year, each fact with the instant it was recorded, so that
//! the register can be shown as it stood at any instant (`as_at`) and judged at any legal date (`as_of`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use termijn_domain::aggregates::appeal::{AnnulmentOrder, AppealEvent, JudgmentOutcome};
use termijn_domain::aggregates::objection::ObjectionEvent;
use termijn_domain::aggregates::space_decision::SpaceDecisionEvent;
use termijn_domain::aggregates::tariff_decision::TariffDecisionEvent;
use termijn_domain::record::{
    JudgmentFact, NoAppealConfirmation, ObjectionDecision, ObjectionFact, Postponement, ReceivedBy,
};
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, Appellant, RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind,
    TariffDecisionFact, TariffKind,
};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

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
    #[serde(default, skip_serializing_if = "ReceivedBy::is_cbb")]
    pub received_by: ReceivedBy,
    pub recorded: Recorded,
    pub ending: Option<AppealEnding>,
    pub ending_recorded_at: Option<DateTime<Utc>>,
}

/// A fact of a region-year that no other row holds, added and never changed: what a judgment annuls here, the
/// CBb's confirmation that no appeal was lodged, and the course of an objection to a tariff decision here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    Judgment(JudgmentFact),
    NoAppealConfirmed(NoAppealConfirmation),
    ObjectionLodged(ObjectionFact),
    DecisionPostponed { objection_id: ObjectionId, postponement: Postponement },
    ObjectionDecided { objection_id: ObjectionId, decision: ObjectionDecision },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRow {
    pub region: RegionSlug,
    pub year: i32,
    pub recorded: Recorded,
    pub note: Note,
}

/// A change to the fact rows that one event makes. The store applies it in the transaction that records the
/// event, so the facts are never behind the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactChange {
    AddSpaceLines(Vec<SpaceLineRow>),
    AnnounceSpaceDecision {
        decision_id: DecisionId,
        announced: LaterDate,
    },
    AddTariffRows(Vec<TariffRow>),
    AnnounceTariffDecision {
        decision_id: DecisionId,
        announced: LaterDate,
    },
    AddAppeal(AppealRow),
    EndAppeal {
        appeal_id: AppealId,
        ending: AppealEnding,
        recorded_at: DateTime<Utc>,
    },
    AddNotes(Vec<NoteRow>),
    /// The reference data changed: no fact changes, but what was computed from the facts with the data before
    /// (the deadlines index) is out of date.
    ReferenceDataChanged,
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
            received_by: record.received_by,
            recorded,
            ending: None,
            ending_recorded_at: None,
        })],
        RegisterEvent::Appeal(AppealEvent::AppealWithdrawn { withdrawn_on }) => vec![FactChange::EndAppeal {
            appeal_id: AppealId::parse(&event.aggregate_id).map_err(|_| bad_id())?,
            ending: AppealEnding { on: withdrawn_on, outcome: AppealOutcome::Withdrawn },
            recorded_at: event.recorded_at,
        }],
        RegisterEvent::Appeal(AppealEvent::JudgmentRecorded { judgment_on, outcome, annulment }) => {
            let appeal_id = AppealId::parse(&event.aggregate_id).map_err(|_| bad_id())?;
            let mut changes = vec![FactChange::EndAppeal {
                appeal_id: appeal_id.clone(),
                ending: AppealEnding { on: judgment_on, outcome: outcome.into() },
                recorded_at: event.recorded_at,
            }];
            if let Some(order) = annulment.filter(|_| outcome == JudgmentOutcome::Upheld) {
                changes.push(FactChange::AddNotes(judgment_notes(appeal_id, judgment_on, order, &recorded)));
            }
            changes
        }
        RegisterEvent::Space(SpaceDecisionEvent::NoAppealConfirmed { region, year, confirmed_on }) => {
            let decision_id = DecisionId::parse(&event.aggregate_id).map_err(|_| bad_id())?;
            vec![FactChange::AddNotes(vec![NoteRow {
                region,
                year,
                recorded,
                note: Note::NoAppealConfirmed(NoAppealConfirmation { decision_id, confirmed_on }),
            }])]
        }
        RegisterEvent::Reference(_) => vec![FactChange::ReferenceDataChanged],
        RegisterEvent::Objection(objection_event) => {
            let objection_id = || ObjectionId::parse(&event.aggregate_id).map_err(|_| bad_id());
            let (regions, year, note) = match objection_event {
                ObjectionEvent::ObjectionLodged(record) => (
                    record.regions,
                    record.year,
                    Note::ObjectionLodged(ObjectionFact {
                        objection_id: record.objection_id,
                        tariff_decision: record.tariff_decision,
                        objector: record.objector,
                        received_on: record.received_on,
                        posted_on: record.posted_on,
                        advisory_committee: record.advisory_committee,
                        postponements: Vec::new(),
                        decision: None,
                    }),
                ),
                ObjectionEvent::DecisionPostponed { postponement, regions, year } => {
                    (regions, year, Note::DecisionPostponed { objection_id: objection_id()?, postponement })
                }
                ObjectionEvent::ObjectionDecided { decision, regions, year } => {
                    (regions, year, Note::ObjectionDecided { objection_id: objection_id()?, decision })
                }
            };
            vec![FactChange::AddNotes(
                regions
                    .into_iter()
                    .map(|region| NoteRow { region, year, recorded: recorded.clone(), note: note.clone() })
                    .collect(),
            )]
        }
    })
}

/// The notes an upheld judgment leaves (R14): one in the appeal's own region-year, with what it names there (or
/// the default when it names nothing at all), and one in each other region-year it names.
fn judgment_notes(
    appeal_id: AppealId,
    judgment_on: NaiveDate,
    order: AnnulmentOrder,
    recorded: &Recorded,
) -> Vec<NoteRow> {
    let mut region_years: Vec<(RegionSlug, i32)> = vec![(order.region.clone(), order.year)];
    for line in &order.annuls {
        if !region_years.iter().any(|(r, y)| *r == line.region && *y == line.year) {
            region_years.push((line.region.clone(), line.year));
        }
    }
    region_years
        .into_iter()
        .map(|(region, year)| {
            let annuls = (!order.annuls.is_empty()).then(|| {
                order
                    .annuls
                    .iter()
                    .filter(|l| l.region == region && l.year == year)
                    .map(|l| l.decision_id.clone())
                    .collect()
            });
            NoteRow {
                note: Note::Judgment(JudgmentFact {
                    appeal_id: appeal_id.clone(),
                    judgment_on,
                    annuls,
                    consequence: order.consequence,
                    amount: order.amount,
                    new_decision_by: order.new_decision_by,
                }),
                region,
                year,
                recorded: recorded.clone(),
            }
        })
        .collect()
}

/// Everything recorded for one region-year, each list in log order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionYearRows {
    pub lines: Vec<SpaceLineRow>,
    pub tariffs: Vec<TariffRow>,
    pub appeals: Vec<AppealRow>,
    #[serde(default)]
    pub notes: Vec<NoteRow>,
}

fn known_at(recorded_at: DateTime<Utc>, as_at: Option<DateTime<Utc>>) -> bool {
    as_at.is_none_or(|instant| recorded_at <= instant)
}

impl RegionYearRows {
    /// The domain's facts for this region-year as the register held them at `as_at` (everything when `None`).
    pub fn facts(&self, region: &RegionSlug, year: i32, as_at: Option<DateTime<Utc>>) -> RegionYearFacts {
        let later = |date: &Option<LaterDate>| date.filter(|d| known_at(d.recorded_at, as_at)).map(|d| d.on);
        let mut facts = RegionYearFacts {
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
                    received_by: a.received_by,
                    ending: a.ending.filter(|_| a.ending_recorded_at.is_some_and(|at| known_at(at, as_at))),
                })
                .collect(),
            ..RegionYearFacts::new(region.clone(), year)
        };
        for row in self.notes.iter().filter(|n| known_at(n.recorded.at, as_at)) {
            match &row.note {
                Note::Judgment(judgment) => facts.judgments.push(judgment.clone()),
                Note::NoAppealConfirmed(confirmation) => facts.confirmations.push(confirmation.clone()),
                Note::ObjectionLodged(objection) => facts.objections.push(objection.clone()),
                Note::DecisionPostponed { objection_id, postponement } => {
                    if let Some(o) = facts.objections.iter_mut().find(|o| &o.objection_id == objection_id) {
                        o.postponements.push(postponement.clone());
                    }
                }
                Note::ObjectionDecided { objection_id, decision } => {
                    if let Some(o) = facts.objections.iter_mut().find(|o| &o.objection_id == objection_id) {
                        o.decision = Some(*decision);
                    }
                }
            }
        }
        facts
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Which rows of a decision an announcement is made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRows {
    SpaceLines,
    TariffRows,
}

/// Somewhere fact rows are kept: the set replay builds ([`FactSet`]), a region-year the store's cache holds, and
/// the store's tables (as the statements of a write). Each says how it adds and changes rows; what a change
/// does is said once, by [`FactChange::apply_to`].
pub trait FactRows {
    fn add_lines(&mut self, rows: Vec<SpaceLineRow>);
    fn add_tariffs(&mut self, rows: Vec<TariffRow>);
    fn add_appeal(&mut self, row: AppealRow);
    fn add_notes(&mut self, rows: Vec<NoteRow>);
    /// Records the announcement of a decision on its rows.
    fn announce(&mut self, rows: DecisionRows, decision_id: &DecisionId, announced: LaterDate);
    /// Records how an appeal ended on its row.
    fn end_appeal(&mut self, appeal_id: &AppealId, ending: AppealEnding, recorded_at: DateTime<Utc>);
    /// The reference data changed. Rows hold facts only, which stay as they are; only a place that also keeps
    /// what was computed from them with the reference data (the store's deadlines index) does something.
    fn reference_data_changed(&mut self) {}
}

impl FactChange {
    /// Makes this change to the rows kept by `rows`: the one application of a change, which the writer, the
    /// cache and replay all call.
    pub fn apply_to(self, rows: &mut impl FactRows) {
        match self {
            FactChange::AddSpaceLines(lines) => rows.add_lines(lines),
            FactChange::AnnounceSpaceDecision { decision_id, announced } => {
                rows.announce(DecisionRows::SpaceLines, &decision_id, announced)
            }
            FactChange::AddTariffRows(tariffs) => rows.add_tariffs(tariffs),
            FactChange::AnnounceTariffDecision { decision_id, announced } => {
                rows.announce(DecisionRows::TariffRows, &decision_id, announced)
            }
            FactChange::AddAppeal(appeal) => rows.add_appeal(appeal),
            FactChange::EndAppeal { appeal_id, ending, recorded_at } => {
                rows.end_appeal(&appeal_id, ending, recorded_at)
            }
            FactChange::AddNotes(notes) => rows.add_notes(notes),
            FactChange::ReferenceDataChanged => rows.reference_data_changed(),
        }
    }
}

/// The fact rows of the whole register, or of one write, built in memory from events: what `termijn replay`
/// writes back in bulk. `versions` counts the changes each region-year's facts went through, as the store
/// counts them.
#[derive(Debug, Default)]
pub struct FactSet {
    pub lines: Vec<SpaceLineRow>,
    pub tariffs: Vec<TariffRow>,
    pub appeals: Vec<AppealRow>,
    pub notes: Vec<NoteRow>,
    pub versions: std::collections::BTreeMap<(RegionSlug, i32), i64>,
    lines_of: std::collections::HashMap<DecisionId, Vec<usize>>,
    tariffs_of: std::collections::HashMap<DecisionId, Vec<usize>>,
    appeal_at: std::collections::HashMap<AppealId, usize>,
}

impl FactSet {
    fn touch(&mut self, region: &RegionSlug, year: i32) {
        *self.versions.entry((region.clone(), year)).or_insert(0) += 1;
    }

    /// Whether the set holds rows of a decision.
    pub fn holds_decision(&self, rows: DecisionRows, decision_id: &DecisionId) -> bool {
        match rows {
            DecisionRows::SpaceLines => self.lines_of.contains_key(decision_id),
            DecisionRows::TariffRows => self.tariffs_of.contains_key(decision_id),
        }
    }

    /// Whether the set holds an appeal.
    pub fn holds_appeal(&self, appeal_id: &AppealId) -> bool {
        self.appeal_at.contains_key(appeal_id)
    }

    /// The rows of one region-year, each list in log order.
    pub fn region_year(&self, region: &RegionSlug, year: i32) -> RegionYearRows {
        let here = |r: &RegionSlug, y: i32| r == region && y == year;
        RegionYearRows {
            lines: self.lines.iter().filter(|l| here(&l.region, l.year)).cloned().collect(),
            tariffs: self.tariffs.iter().filter(|t| here(&t.region, t.year)).cloned().collect(),
            appeals: self.appeals.iter().filter(|a| here(&a.region, a.year)).cloned().collect(),
            notes: self.notes.iter().filter(|n| here(&n.region, n.year)).cloned().collect(),
        }
    }
}

impl FactRows for FactSet {
    fn add_lines(&mut self, rows: Vec<SpaceLineRow>) {
        for row in rows {
            self.touch(&row.region, row.year);
            self.lines_of.entry(row.decision_id.clone()).or_default().push(self.lines.len());
            self.lines.push(row);
        }
    }

    fn add_tariffs(&mut self, rows: Vec<TariffRow>) {
        for row in rows {
            self.touch(&row.region, row.year);
            self.tariffs_of.entry(row.decision_id.clone()).or_default().push(self.tariffs.len());
            self.tariffs.push(row);
        }
    }

    fn add_appeal(&mut self, row: AppealRow) {
        self.touch(&row.region, row.year);
        self.appeal_at.insert(row.appeal_id.clone(), self.appeals.len());
        self.appeals.push(row);
    }

    fn add_notes(&mut self, rows: Vec<NoteRow>) {
        for row in rows {
            self.touch(&row.region, row.year);
            self.notes.push(row);
        }
    }

    fn announce(&mut self, rows: DecisionRows, decision_id: &DecisionId, announced: LaterDate) {
        let held = match rows {
            DecisionRows::SpaceLines => self.lines_of.get(decision_id),
            DecisionRows::TariffRows => self.tariffs_of.get(decision_id),
        };
        for i in held.cloned().unwrap_or_default() {
            let (region, year) = match rows {
                DecisionRows::SpaceLines => {
                    self.lines[i].announced = Some(announced);
                    (self.lines[i].region.clone(), self.lines[i].year)
                }
                DecisionRows::TariffRows => {
                    self.tariffs[i].announced = Some(announced);
                    (self.tariffs[i].region.clone(), self.tariffs[i].year)
                }
            };
            self.touch(&region, year);
        }
    }

    fn end_appeal(&mut self, appeal_id: &AppealId, ending: AppealEnding, recorded_at: DateTime<Utc>) {
        let Some(&i) = self.appeal_at.get(appeal_id) else { return };
        self.appeals[i].ending = Some(ending);
        self.appeals[i].ending_recorded_at = Some(recorded_at);
        let (region, year) = (self.appeals[i].region.clone(), self.appeals[i].year);
        self.touch(&region, year);
    }
}
