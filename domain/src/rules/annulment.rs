//! R14, art. 8:70 and 8:72 Awb: what an upheld appeal annuls, and what the annulment does to terms. Also the one
//! function that says where a term stands on a date, used by every view and feed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::{NotOpenedReason, TermAssessment, TermBasis, TermStatus};
use crate::dutch;
use crate::explanation::Explanation;
use crate::record::{
    AppealEnding, AppealFact, AppealOutcome, Consequence, JudgmentFact, SpaceDecisionFact, SpaceDecisionKind,
};
use crate::rules::legal_order::Ordered;
use crate::terms::ComputedTerm;
use crate::values::{AppealId, DecisionId};

/// R14, art. 8:72 lid 1 Awb: by default an upheld appeal annuls the decision it was against or, when art. 6:19
/// Awb extended it, the latest decision it reached (`reached` in legal order); only in its own region-year.
pub fn annulled_by_default(against: usize, reached: &[usize]) -> usize {
    reached.iter().copied().max().unwrap_or(against)
}

/// An annulment of one decision of the region-year (R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annulment {
    /// The day of the judgment: it acts from the start of that day.
    pub on: NaiveDate,
    pub consequence: Consequence,
    /// The upheld appeal of this region-year that led to it; `None` for an appeal of another region-year.
    pub appeal: Option<usize>,
    /// The judgment fact that says what it annuls, when one was recorded (index into the region-year's judgments).
    pub judgment: Option<usize>,
    /// The period the CBb set for a new decision (art. 8:72 lid 4 Awb).
    pub new_decision_by: Option<NaiveDate>,
}

impl Annulment {
    /// Whether the decision loses its legal effects (not when the CBb maintained them, art. 8:72 lid 3 onder a).
    pub fn loses_effect(&self) -> bool {
        self.consequence != Consequence::LegalEffectsMaintained
    }
}

/// R14, art. 8:72 lid 1 Awb: what each judgment known on `as_of` annuls in this region-year: the decisions the
/// judgment names (`annuls`), or by default those of `annulled_by_default` for an upheld appeal of this
/// region-year; a judgment of another region-year annuls here only what it names. A decision not yet announced
/// has no legal effect to annul. The earliest judgment counts. `appeals`, `endings`, `against` and `reached`
/// are the region-year's appeals as the engine knows them on `as_of`.
pub fn annulments(
    ordered: &[Ordered<'_>],
    appeals: &[&AppealFact],
    endings: &[Option<AppealEnding>],
    against: &[Option<usize>],
    reached: &[Vec<usize>],
    judgments: &[JudgmentFact],
    as_of: NaiveDate,
) -> Vec<Option<Annulment>> {
    let mut annulled: Vec<Option<Annulment>> = vec![None; ordered.len()];
    // The appeal of each annulment: of two judgments on one day, the one with the lower case number counts, so
    // that the order in which they were recorded does not matter.
    let mut by: Vec<Option<AppealId>> = vec![None; ordered.len()];
    let position = |id: &DecisionId| ordered.iter().position(|o| &o.fact.decision_id == id);
    let mut annul = |target: usize, annulment: Annulment, appeal: &AppealId| {
        if ordered[target].announced_on.is_none() || ordered[target].fact.kind == SpaceDecisionKind::CourtDecided {
            return;
        }
        let earlier = match (annulled[target], &by[target]) {
            (Some(a), Some(b)) => (annulment.on, appeal) < (a.on, b),
            _ => true,
        };
        if earlier {
            annulled[target] = Some(annulment);
            by[target] = Some(appeal.clone());
        }
    };
    for a in 0..appeals.len() {
        let Some(ending) = endings[a].filter(|e| e.outcome == AppealOutcome::Upheld) else { continue };
        let index = judgments.iter().position(|j| j.appeal_id == appeals[a].appeal_id);
        let judgment = index.map(|j| &judgments[j]);
        let annulment = Annulment {
            on: ending.on,
            consequence: judgment.map_or(Consequence::default(), |j| j.consequence),
            appeal: Some(a),
            judgment: index,
            new_decision_by: judgment.and_then(|j| j.new_decision_by),
        };
        let id = &appeals[a].appeal_id;
        match judgment.and_then(|j| j.annuls.as_ref()) {
            Some(named) => named.iter().filter_map(position).for_each(|t| annul(t, annulment, id)),
            None => {
                if let Some(p) = against[a] {
                    annul(annulled_by_default(p, &reached[a]), annulment, id);
                }
            }
        }
    }
    for (index, judgment) in judgments.iter().enumerate().filter(|(_, j)| j.judgment_on <= as_of) {
        if appeals.iter().any(|a| a.appeal_id == judgment.appeal_id) {
            continue;
        }
        let annulment = Annulment {
            on: judgment.judgment_on,
            consequence: judgment.consequence,
            appeal: None,
            judgment: Some(index),
            new_decision_by: judgment.new_decision_by,
        };
        for target in judgment.annuls.iter().flatten().filter_map(position) {
            annul(target, annulment, &judgment.appeal_id);
        }
    }
    annulled
}

/// R14, art. 8:72 lid 3 onder b Awb: the judgments known on `as_of` in which the CBb decided the matter itself,
/// each as a decision in legal order at the day of the judgment, with the appeal's id and the amount it set.
pub fn court_decisions(judgments: &[JudgmentFact], as_of: NaiveDate) -> Vec<SpaceDecisionFact> {
    judgments
        .iter()
        .filter(|j| j.consequence == Consequence::CourtDecided && j.judgment_on <= as_of)
        .filter_map(|j| {
            Some(SpaceDecisionFact {
                decision_id: DecisionId::parse(j.appeal_id.as_str()).ok()?,
                kind: SpaceDecisionKind::CourtDecided,
                decided_on: j.judgment_on,
                announced_on: Some(j.judgment_on),
                amount: j.amount?,
            })
        })
        .collect()
}

/// What a term's status on any date depends on, fixed once the facts are known: its days, the day the
/// decision it runs against was annulled (R14), and the last day on which it is conditional (R9).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermTimeline {
    pub opens_on: NaiveDate,
    pub last_day: NaiveDate,
    /// The day of the judgment that annulled the decision: the term acts on it from that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annulled_on: Option<NaiveDate>,
    /// A conditional term (R9): conditional up to and including this day, not opened after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_until: Option<NaiveDate>,
    /// An NZa deadline met or ended by what it waits for (a decision on the objection announced, a new decision
    /// after annulment, the appeal ended): closed from this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_on: Option<NaiveDate>,
}

impl TermTimeline {
    /// The timeline of a term from `opens_on` to `last_day`.
    pub fn new(opens_on: NaiveDate, last_day: NaiveDate) -> Self {
        Self { opens_on, last_day, annulled_on: None, conditional_until: None, settled_on: None }
    }
}

/// Where a term stands on `on` (DOMAIN.md, Statuses), with the reason for `not_opened` or an annulment's
/// `closed`: R14 acts from the judgment's own day (a term not yet begun is not opened, one still open closes);
/// a conditional term (R9) stays conditional until finality is declared, then is not opened; otherwise pending
/// before day 1, open to its last day, closed after.
pub fn term_status_on(timeline: &TermTimeline, on: NaiveDate) -> (TermStatus, Option<NotOpenedReason>) {
    if let Some(judgment) = timeline.annulled_on.filter(|j| *j <= on) {
        if timeline.opens_on >= judgment {
            return (TermStatus::NotOpened, Some(NotOpenedReason::DecisionAnnulled));
        }
        if timeline.last_day >= judgment {
            return (TermStatus::Closed, Some(NotOpenedReason::DecisionAnnulled));
        }
    }
    if timeline.settled_on.is_some_and(|s| s <= on) {
        return (TermStatus::Closed, None);
    }
    if let Some(until) = timeline.conditional_until {
        return if on <= until {
            (TermStatus::Conditional, None)
        } else {
            (TermStatus::NotOpened, Some(NotOpenedReason::SpaceIrrevocable))
        };
    }
    if on < timeline.opens_on {
        (TermStatus::Pending, None)
    } else if on <= timeline.last_day {
        (TermStatus::Open, None)
    } else {
        (TermStatus::Closed, None)
    }
}

/// R14: the first day after the judgment of `judgment_on` on which a decision for the region-year was announced
/// (`ordered` in legal order): it ends `new_decision_required` and meets a period set for the new decision.
pub fn new_decision_announced(ordered: &[Ordered<'_>], judgment_on: NaiveDate) -> Option<NaiveDate> {
    ordered.iter().filter_map(|o| o.announced_on).find(|on| *on > judgment_on)
}

/// R14, art. 8:72 lid 4 Awb: the period the CBb set for a new decision after annulling `decision` is a deadline
/// for NZa legal staff, not extended by the Atw; it is met once a decision for the region-year is announced after
/// the judgment (`new_decision_on`). `None` when the judgment set no period or requires no new decision.
pub fn new_decision_deadline(
    decision: &DecisionId,
    annulment: &Annulment,
    appeal_id: &AppealId,
    new_decision_on: Option<NaiveDate>,
) -> Option<TermAssessment> {
    let by = annulment.new_decision_by.filter(|_| annulment.consequence == Consequence::NewDecisionRequired)?;
    let mut explanation = Explanation::new();
    explanation.step(
        "Art. 8:72 lid 4 Awb",
        format_args!(
            "het CBb heeft bij uitspraak van {} in zaak {appeal_id} besluit {decision} vernietigd en bepaald dat de NZa \
             uiterlijk {} een nieuw besluit neemt; die datum geldt zoals de uitspraak hem noemt, zonder verlenging door \
             de Algemene termijnenwet",
            dutch::date(annulment.on),
            dutch::weekday_date(by)
        ),
    );
    if let Some(on) = new_decision_on {
        explanation.step(
            "Art. 8:72 lid 4 Awb",
            format_args!(
                "een nieuw besluit voor deze regio en dit jaar is bekendgemaakt op {}{}",
                dutch::date(on),
                if on > by { ", na de gestelde termijn" } else { "" }
            ),
        );
    }
    let term = ComputedTerm {
        opens_on: annulment.on,
        nominal_last_day: by,
        last_day: by,
        provisional: false,
        explanation: explanation.clone(),
    };
    Some(TermAssessment {
        basis: TermBasis::Awb8_72,
        decision_id: decision.clone(),
        tariff_decision: None,
        provider: None,
        objection_id: None,
        appeal_id: Some(appeal_id.clone()),
        timeline: Some(TermTimeline { settled_on: new_decision_on, ..TermTimeline::new(annulment.on, by) }),
        term: Some(term),
        reason: None,
        status: TermStatus::Pending,
        reading: None,
        explanation,
    })
}

/// R14: a tariff decision whose event day lies on or after the judgment that annulled the decision it applies
/// opens no term against it; writes the step and gives true when so.
pub fn annulled_before_tariff_decision(
    decision: &DecisionId,
    annulled_on: Option<NaiveDate>,
    tariff: &DecisionId,
    tariff_announced_on: NaiveDate,
    event_day: NaiveDate,
    explanation: &mut Explanation,
) -> bool {
    let Some(judgment) = annulled_on.filter(|j| *j <= event_day) else { return false };
    explanation.step(
        "Art. 8:72 lid 2 Awb",
        format_args!(
            "besluit {decision} is bij uitspraak van het CBb van {} vernietigd; tariefbeschikking {tariff} (bekendgemaakt \
             {}) opent daartegen geen termijn meer",
            dutch::date(judgment),
            dutch::date(tariff_announced_on)
        ),
    );
    true
}

/// R14: the step of a term that the annulment of its decision did not let begin, or ended, on the judgment's day.
pub fn explain_annulled_term(decision: &DecisionId, judgment: NaiveDate, explanation: &mut Explanation) {
    explanation.step(
        "Art. 8:72 Awb",
        format_args!(
            "besluit {decision} is bij uitspraak van het CBb van {} vernietigd; de uitspraak werkt vanaf die dag: een \
             termijn die toen nog niet was begonnen, gaat niet lopen, een lopende termijn eindigt",
            dutch::date(judgment)
        ),
    );
}
