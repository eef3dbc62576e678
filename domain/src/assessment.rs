//! The legal state of one region-year on a legal date: which terms run, how each appeal was filed, and the
//! status and finality of every contracting-space decision, judged in legal order from the recorded facts by
//! the rules in `rules/` (DOMAIN.md, "How the engine evaluates a region-year at D").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dutch;
use crate::explanation::Explanation;
use crate::filing::{Against, Classified, CountingTerm, Filing, WithoutTerm, classify_filing};
use crate::record::{
    AppealEnding, AppealFact, AppealOutcome, Appellant, Consequence, NoAppealConfirmation, ReceivedBy, RegionYearFacts,
    SpaceDecisionFact, SpaceDecisionKind, TariffDecisionFact, TariffKind,
};
use crate::reference::LegalContext;
use crate::rules::annulment::{
    Annulment, TermTimeline, annulled_before_tariff_decision, annulments, court_decisions, explain_annulled_term,
    new_decision_announced, new_decision_deadline, term_status_on,
};
use crate::rules::art6_19::reached_decisions;
use crate::rules::art105_lid2::{Link, applied_decision, current_on, lid2_term};
use crate::rules::art105_lid3::first_of_march_term;
use crate::rules::commencement::{
    self, space_decision_before_commencement, state_commencement_assumption, tariff_decision_before_commencement,
};
use crate::rules::finality::{
    CountedTerm, Declaration, EarlierFinality, Hold, Lid4, declare_finality, first_day_of_finality,
    lid4_for_tariff_decision, post_week_end,
};
use crate::rules::forwarding::forwarding_deadline;
use crate::rules::legal_order::{Ordered, legal_order};
use crate::rules::objection::{ObjectionAssessment, assess_objections};
use crate::rules::residual::residual_term;
use crate::rules::sluittarief::{counts_as_applying, sluittarief_opens_no_term};
use crate::terms::{ComputedTerm, day_after};
use crate::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TermBasis {
    /// R3: from a tariff decision that applies the space.
    #[serde(rename = "art105_lid2")]
    Art105Lid2,
    /// R4: from 1 March of the year after announcement.
    #[serde(rename = "art105_lid3")]
    Art105Lid3,
    /// R13: the residual term from the decision's own announcement.
    #[serde(rename = "awb_6_8")]
    Awb6_8,
    /// Art. 6:7 Awb: the objection term against a tariff decision.
    #[serde(rename = "awb_6_7")]
    Awb6_7,
    /// R10: the NZa's term to decide on an objection (a deadline for the NZa itself).
    #[serde(rename = "awb_7_10")]
    Awb7_10,
    /// R14: the period the CBb set for a new decision after annulment (a deadline for the NZa itself).
    #[serde(rename = "awb_8_72")]
    Awb8_72,
    /// R7: forwarding an appeal the NZa received to the CBb (a deadline for the NZa itself).
    #[serde(rename = "awb_6_15")]
    Awb6_15,
}

impl TermBasis {
    /// The article a term of this basis rests on, as explanations and feeds cite it.
    pub fn citation(self) -> &'static str {
        match self {
            Self::Art105Lid2 => "art. 105 lid 2 Wmg",
            Self::Art105Lid3 => "art. 105 lid 3 Wmg",
            Self::Awb6_8 => "art. 6:8 lid 1 Awb",
            Self::Awb6_7 => "art. 6:7 Awb",
            Self::Awb7_10 => "art. 7:10 Awb",
            Self::Awb8_72 => "art. 8:72 lid 4 Awb",
            Self::Awb6_15 => "art. 6:15 Awb",
        }
    }

    /// Whether a term of this basis is a deadline for the NZa itself rather than a term for a party.
    pub fn is_nza_deadline(self) -> bool {
        matches!(self, Self::Awb7_10 | Self::Awb8_72 | Self::Awb6_15)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotOpenedReason {
    /// Art. 105 lid 4 Wmg: the space was already irrevocable.
    SpaceIrrevocable,
    /// Art. 105 lid 2, last sentence, Wmg: a Wlz-sluittarief opens no appeal against the space.
    Sluittarief,
    /// R12: art. 105 lid 2-4 Wmg did not yet apply.
    BeforeCommencement,
    /// R14: the decision was annulled before the term began, or while it ran.
    DecisionAnnulled,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermStatus {
    Pending,
    Open,
    Closed,
    /// R9: opened after the last term while finality is not yet declared; never a date to plan by.
    Conditional,
    NotOpened,
}

/// An appeal term against a contracting-space decision, or a term that was not opened and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermAssessment {
    pub basis: TermBasis,
    pub decision_id: DecisionId,
    pub tariff_decision: Option<DecisionId>,
    pub provider: Option<AgbCode>,
    /// The objection an NZa deadline of art. 7:10 Awb is about.
    pub objection_id: Option<ObjectionId>,
    /// The appeal an NZa deadline of art. 6:15 or 8:72 Awb is about.
    pub appeal_id: Option<AppealId>,
    /// The dates, when the term was opened (also a conditional one).
    pub term: Option<ComputedTerm>,
    /// What its status on any date depends on (`rules::annulment::term_status_on`).
    pub timeline: Option<TermTimeline>,
    /// Why it was not opened, or closed early by an annulment.
    pub reason: Option<NotOpenedReason>,
    pub status: TermStatus,
    /// The reading under which alone the term exists (it then has a "Lezing:" step); `None` when it exists under
    /// every reading.
    pub reading: Option<Reading>,
    pub explanation: Explanation,
}

impl TermAssessment {
    /// Whether the term exists only on a reading.
    pub fn on_reading(&self) -> bool {
        self.reading.is_some()
    }
}

/// The readings that branch (DOMAIN.md, "How the engine evaluates a region-year", step 2, L1): a term that exists
/// under one of them only.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// L1(a): a tariff decision announced the same day as the space, or taken and not yet announced, does not
    /// block the 1 March term of art. 105 lid 3 Wmg.
    L1a,
    /// L1(b): it does; the residual term of art. 6:8 lid 1 Awb runs instead.
    L1b,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Pending,
    Withdrawn,
    Dismissed,
    Upheld,
    Inadmissible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealAssessment {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    /// Later decisions of the region-year the appeal reached by art. 6:19 Awb.
    pub extended_to: Vec<DecisionId>,
    pub filing: Filing,
    /// True when the classification rests on a date of a year without a decree of equated days.
    pub provisional: bool,
    pub status: AppealStatus,
    pub explanation: Explanation,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    /// Shown as "bekendmaking niet geregistreerd".
    NotAnnounced,
    NotAppealable,
    Annulled,
    UnderAppeal,
    Irrevocable,
    /// R9: the last term has run; a posted appeal may still arrive (art. 6:9 lid 2 Awb).
    PostWeek,
    /// R9: an appeal lodged at the CBb in time may not yet have been notified (art. 8:42 lid 1 Awb).
    AwaitingNotice,
    Open,
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionAssessment {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub amount: Euro,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub status: DecisionStatus,
    pub irrevocable_since: Option<NaiveDate>,
    pub annulled_on: Option<NaiveDate>,
    pub superseded_by: Option<DecisionId>,
    /// R14: an earlier decision that applies again because the one after it was annulled.
    pub revived: bool,
    pub explanation: Explanation,
}

/// The legal state of a region-year on a legal date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionYearAssessment {
    pub region: RegionSlug,
    pub year: i32,
    pub as_of: NaiveDate,
    /// The decision in force: the last announced decision in legal order that has not been annulled.
    pub current_decision: Option<DecisionId>,
    pub amount: Option<Euro>,
    /// The status of the current decision; with none in force, that of the latest decision in legal order
    /// (`not_announced` or `annulled`).
    pub status: Option<DecisionStatus>,
    pub irrevocable_since: Option<NaiveDate>,
    /// Principle 1: the safe date to plan by: per reading, the last day of the current decision's latest term
    /// certain under it; the earlier of the readings.
    pub plan_by: Option<NaiveDate>,
    /// R14: an annulment requires a new decision and none has been announced since.
    pub new_decision_required: bool,
    pub terms: Vec<TermAssessment>,
    pub appeals: Vec<AppealAssessment>,
    /// In legal order; decisions taken after `as_of` are not listed.
    pub decisions: Vec<DecisionAssessment>,
    /// R10: the objections to this region-year's tariff decisions known on `as_of`.
    pub objections: Vec<ObjectionAssessment>,
    /// The NZa's own deadlines here: deciding on objections (R10), a new decision after annulment (R14),
    /// forwarding a misdirected appeal (R7, art. 6:15 Awb).
    pub nza_deadlines: Vec<TermAssessment>,
    /// Every tariff decision of the region-year taken on or before `as_of`, with its provider: what a view for
    /// one provider must not name of another.
    pub tariff_providers: Vec<(DecisionId, AgbCode)>,
}

/// The day an appeal counts as filed for finality: the day of posting when on time by post.
fn pending_from(appeal: &AppealFact, filing: Filing) -> NaiveDate {
    match (filing, appeal.posted_on) {
        (Filing::OnTimeByPost, Some(posted)) => posted.min(appeal.received_on),
        _ => appeal.received_on,
    }
}

/// A term of one decision while the decision is judged.
struct Draft {
    assessment: TermAssessment,
    /// The day from which the term is known: the decision's announcement for R4 and R13, the event day for R3.
    event_day: NaiveDate,
}

impl Draft {
    fn counted(&self) -> Option<CountedTerm> {
        let term = self.assessment.term.as_ref()?;
        let conditional = self.assessment.timeline.is_some_and(|t| t.conditional_until.is_some());
        (!conditional).then_some(CountedTerm {
            last_day: term.last_day,
            residual: self.assessment.basis == TermBasis::Awb6_8,
            on_reading: self.assessment.on_reading(),
        })
    }

    fn counting(&self) -> Option<CountingTerm<'_>> {
        let term = self.assessment.term.as_ref()?;
        Some(CountingTerm {
            label: self.assessment.basis.citation(),
            term,
            conditional: self.assessment.timeline.is_some_and(|t| t.conditional_until.is_some()),
        })
    }
}

/// Everything known on the judging date that the decisions' judgments share.
struct Judging<'f> {
    context: &'f LegalContext,
    as_of: NaiveDate,
    year: i32,
    ordered: Vec<Ordered<'f>>,
    /// R14: every annulment, also one whose legal effects the CBb maintained.
    annulled: Vec<Option<Annulment>>,
    /// R14: the day each decision lost its legal effects by annulment.
    annulled_on: Vec<Option<NaiveDate>>,
    appeals: Vec<&'f AppealFact>,
    endings: Vec<Option<AppealEnding>>,
    against: Vec<Option<usize>>,
    reached: Vec<Vec<usize>>,
    tariffs: Vec<(&'f TariffDecisionFact, Option<NaiveDate>)>,
    links: Vec<Option<Link>>,
    confirmations: &'f [NoAppealConfirmation],
}

impl Judging<'_> {
    /// Art. 6:19 Awb: the appeals pending against a decision or reaching it, with a classification that holds
    /// finality back (premature, on time, by post), as intervals. An appeal received on or after the day its
    /// decision was annulled holds nothing.
    fn holds(&self, filings: &[(usize, Filing)]) -> Vec<Hold> {
        filings
            .iter()
            .filter(|(_, filing)| filing.holds_back_finality())
            .filter(|(a, _)| {
                let own = self.against[*a].and_then(|p| self.annulled_on[p]);
                own.is_none_or(|j| self.appeals[*a].received_on < j)
            })
            .map(|&(a, filing)| Hold {
                from: pending_from(self.appeals[a], filing),
                until: self.endings[a].map(|e| e.on),
            })
            .collect()
    }
}

/// Computes the legal state of a region-year on legal date `as_of`, using only facts whose legal dates fall on
/// or before `as_of`, judged in legal order.
pub fn assess_region_year(facts: &RegionYearFacts, context: &LegalContext, as_of: NaiveDate) -> RegionYearAssessment {
    // R14: a judgment in which the CBb decided the matter itself enters legal order as a decision.
    let court = court_decisions(&facts.judgments, as_of);
    let with_court: Vec<SpaceDecisionFact>;
    let decisions: &[SpaceDecisionFact] = if court.is_empty() {
        &facts.decisions
    } else {
        with_court = facts.decisions.iter().cloned().chain(court).collect();
        &with_court
    };
    let (ordered, order_steps) = legal_order(decisions, as_of);
    let position = |id: &DecisionId| ordered.iter().position(|o| &o.fact.decision_id == id);
    let appeals: Vec<&AppealFact> = facts.appeals.iter().filter(|a| a.received_on <= as_of).collect();
    let endings: Vec<Option<AppealEnding>> = appeals.iter().map(|a| a.ending.filter(|e| e.on <= as_of)).collect();
    let against: Vec<Option<usize>> = appeals.iter().map(|a| position(&a.against_decision)).collect();
    let reached: Vec<Vec<usize>> = (0..appeals.len())
        .map(|a| reached_decisions(&ordered, against[a], endings[a], &context.commencement))
        .collect();

    // R14: what each judgment annuls, from the day of the judgment; the decisions that lose their legal effects.
    let annulled = annulments(&ordered, &appeals, &endings, &against, &reached, &facts.judgments, as_of);
    let annulled_on: Vec<Option<NaiveDate>> =
        annulled.iter().map(|a| a.filter(Annulment::loses_effect).map(|a| a.on)).collect();

    // Tariff decisions in legal order too (announcement, decision date, id), so that nothing depends on the order
    // in which they were recorded.
    let mut tariffs: Vec<(&TariffDecisionFact, Option<NaiveDate>)> = facts
        .tariff_decisions
        .iter()
        .filter(|t| t.decided_on <= as_of)
        .map(|t| (t, t.announced_on.filter(|a| *a <= as_of)))
        .collect();
    tariffs.sort_by(|(a, a_on), (b, b_on)| {
        (a_on.is_none(), *a_on, a.decided_on, a.decision_id.as_str()).cmp(&(
            b_on.is_none(),
            *b_on,
            b.decided_on,
            b.decision_id.as_str(),
        ))
    });
    let links: Vec<Option<Link>> = tariffs.iter().map(|(t, _)| applied_decision(t, &ordered, &annulled_on)).collect();

    let judging = Judging {
        context,
        as_of,
        year: facts.year,
        ordered,
        annulled,
        annulled_on,
        appeals,
        endings,
        against,
        reached,
        tariffs,
        links,
        confirmations: &facts.confirmations,
    };

    // R14: a decision revives when the decision after it, current the day before the judgment, is annulled.
    let current = current_on(&judging.ordered, &judging.annulled_on, as_of);
    let mut revived_by: Option<usize> = None;
    let mut new_decision_required = false;
    for (j, annulment) in judging.annulled.iter().enumerate() {
        let Some(judgment) = annulment.filter(|a| a.consequence == Consequence::NewDecisionRequired).map(|a| a.on)
        else {
            continue;
        };
        let before = judgment.pred_opt().unwrap_or(judgment);
        if current_on(&judging.ordered, &judging.annulled_on, before) != Some(j) {
            continue;
        }
        if current.is_some_and(|c| c < j) {
            revived_by = Some(j);
        }
        new_decision_required |= new_decision_announced(&judging.ordered, judgment).is_none();
    }

    let mut filings: Vec<Option<Classified>> = vec![None; judging.appeals.len()];
    let mut terms = Vec::new();
    let mut decisions = Vec::new();
    for (i, steps) in order_steps.into_iter().enumerate() {
        let revival = revived_by.filter(|_| current == Some(i));
        let (decision, decision_terms) = judge_decision(&judging, i, steps, revival, &mut filings);
        terms.extend(decision_terms);
        decisions.push(decision);
    }
    for i in 0..decisions.len() {
        if decisions[i].announced_on.is_none() {
            continue;
        }
        decisions[i].superseded_by = (i + 1..decisions.len())
            .find(|&k| judging.ordered[k].announced_on.is_some() && judging.annulled_on[k].is_none_or(|j| j > as_of))
            .map(|k| decisions[k].decision_id.clone());
    }

    let nza_deadlines = nza_deadlines(&judging, &facts.judgments, &decisions);
    let objections = assess_objections(&facts.objections, &facts.tariff_decisions, &context.calendar, as_of);
    let appeals = assess_appeals(&judging, filings);
    let current_assessment = current.map(|i| &decisions[i]);
    let plan_by = current_assessment.and_then(|c| plan_by(&terms, &c.decision_id));
    RegionYearAssessment {
        region: facts.region.clone(),
        year: facts.year,
        as_of,
        current_decision: current_assessment.map(|d| d.decision_id.clone()),
        amount: current_assessment.map(|d| d.amount),
        // With no decision in force, the status says why: the latest one is not announced, or annulled.
        status: current_assessment.or(decisions.last()).map(|d| d.status),
        irrevocable_since: current_assessment.and_then(|d| d.irrevocable_since),
        plan_by,
        new_decision_required,
        terms,
        appeals,
        decisions,
        nza_deadlines: objections.iter().filter_map(|o| o.decision_term.clone()).chain(nza_deadlines).collect(),
        objections,
        tariff_providers: facts.tariff_providers_on(as_of),
    }
}

/// The NZa's deadlines of R14 (a new decision after annulment) and R7 (forwarding a misdirected appeal), judged
/// on the judging date.
fn nza_deadlines(
    judging: &Judging<'_>,
    judgments: &[crate::record::JudgmentFact],
    decisions: &[DecisionAssessment],
) -> Vec<TermAssessment> {
    let mut deadlines = Vec::new();
    for (i, annulment) in judging.annulled.iter().enumerate() {
        let Some(annulment) = annulment else { continue };
        let appeal_id = match (annulment.appeal, annulment.judgment) {
            (Some(a), _) => &judging.appeals[a].appeal_id,
            (None, Some(j)) => &judgments[j].appeal_id,
            (None, None) => continue,
        };
        let new_decision_on = new_decision_announced(&judging.ordered, annulment.on);
        deadlines.extend(new_decision_deadline(&decisions[i].decision_id, annulment, appeal_id, new_decision_on));
    }
    for (a, appeal) in judging.appeals.iter().enumerate() {
        deadlines.extend(forwarding_deadline(appeal, judging.endings[a].map(|e| e.on)));
    }
    for deadline in &mut deadlines {
        if let Some(timeline) = deadline.timeline.as_ref() {
            deadline.status = term_status_on(timeline, judging.as_of).0;
        }
    }
    deadlines
}

/// Principle 1: for each reading, the last day of the latest term of the decision that certainly opens under it
/// (neither conditional nor not opened); then the earliest of those days. A reading under which no such term
/// exists is left out.
fn plan_by(terms: &[TermAssessment], decision: &DecisionId) -> Option<NaiveDate> {
    let latest_under = |reading: Reading| {
        terms
            .iter()
            .filter(|t| {
                &t.decision_id == decision && !matches!(t.status, TermStatus::Conditional | TermStatus::NotOpened)
            })
            .filter(|t| t.reading.is_none_or(|r| r == reading))
            .filter_map(|t| t.term.as_ref().map(|d| d.last_day))
            .max()
    };
    [Reading::L1a, Reading::L1b].into_iter().filter_map(latest_under).min()
}

/// One decision of the region-year: its terms, the classification of the appeals against it (and of those that
/// reach it, by the better of the two), its status and finality.
fn judge_decision(
    judging: &Judging<'_>,
    i: usize,
    mut explanation: Explanation,
    revival: Option<usize>,
    filings: &mut [Option<Classified>],
) -> (DecisionAssessment, Vec<TermAssessment>) {
    let as_of = judging.as_of;
    let context = judging.context;
    let calendar = &context.calendar;
    let ordered = &judging.ordered[i];
    let fact = ordered.fact;
    let against_here: Vec<usize> = (0..judging.appeals.len()).filter(|&a| judging.against[a] == Some(i)).collect();
    let reaching_here: Vec<usize> = (0..judging.appeals.len()).filter(|&a| judging.reached[a].contains(&i)).collect();
    // Only judgments on or before the judging date are known, so every annulment here has taken effect.
    let annulment = judging.annulled[i];
    let annulled_on = annulment.map(|a| a.on);
    let mut decision = DecisionAssessment {
        decision_id: fact.decision_id.clone(),
        kind: fact.kind,
        amount: fact.amount,
        decided_on: fact.decided_on,
        announced_on: ordered.announced_on,
        status: DecisionStatus::NotAnnounced,
        irrevocable_since: None,
        annulled_on,
        superseded_by: None,
        revived: false,
        explanation: Explanation::new(),
    };
    let against = |awaits: bool| Against::appeal(Some(fact.decided_on), awaits);
    // R9: the days on which the CBb confirmed that no appeal against this decision was lodged.
    let confirmed: Vec<NaiveDate> = judging
        .confirmations
        .iter()
        .filter(|c| c.decision_id == fact.decision_id && c.confirmed_on <= as_of)
        .map(|c| c.confirmed_on)
        .collect();

    let Some(announced_on) = ordered.announced_on else {
        match fact.announced_on {
            Some(later) => explanation.step(
                "Art. 3:40 Awb",
                format_args!(
                    "op {} nog niet bekendgemaakt (bekendmaking {}); het besluit heeft nog geen rechtsgevolg en er loopt \
                     nog geen termijn",
                    dutch::date(as_of),
                    dutch::date(later)
                ),
            ),
            None => explanation.step(
                "Art. 3:40 Awb",
                format_args!(
                    "bekendmaking niet geregistreerd: besluit {} heeft pas rechtsgevolg na bekendmaking; als het al is \
                     bekendgemaakt, kan een termijn al lopen",
                    fact.decision_id
                ),
            ),
        }
        let without = WithoutTerm::MayStillBegin("het besluit is nog niet bekendgemaakt".to_owned());
        classify_without_terms(judging, &against_here, &without, &against(false), filings);
        decision.explanation = explanation;
        return (decision, Vec::new());
    };

    if fact.kind == SpaceDecisionKind::CourtDecided {
        let reason = format!(
            "uitspraak CBb {}, art. 8:72 lid 3 onder b Awb: de uitspraak treedt in de plaats van het vernietigde besluit; \
             tegen de uitspraak staat geen beroep open en zij is onherroepelijk sinds {}",
            dutch::date(announced_on),
            dutch::date(announced_on)
        );
        explanation.step("Art. 8:72 lid 3 onder b Awb", &reason);
        let without = WithoutTerm::None { article: "Art. 8:72 lid 3 onder b Awb", reason };
        classify_without_terms(judging, &against_here, &without, &against(false), filings);
        decision.status = DecisionStatus::Irrevocable;
        decision.irrevocable_since = Some(announced_on);
        decision.explanation = explanation;
        return (decision, Vec::new());
    }

    if let Some(reason) = space_decision_before_commencement(&fact.decision_id, announced_on, &context.commencement) {
        explanation.step(commencement::ARTICLE, &reason);
        let without = WithoutTerm::None { article: commencement::ARTICLE, reason };
        classify_without_terms(judging, &against_here, &without, &against(false), filings);
        decision.status = DecisionStatus::NotAppealable;
        decision.explanation = explanation;
        return (decision, Vec::new());
    }

    // The fixed terms: R4 and R13.
    let mut drafts: Vec<Draft> = Vec::new();
    let first_of_march = first_of_march_term(
        &fact.decision_id,
        judging.year,
        announced_on,
        &judging.tariffs,
        calendar,
        &mut explanation,
    );
    let applying: Vec<(usize, NaiveDate, NaiveDate)> = {
        let mut applying: Vec<(usize, NaiveDate, NaiveDate)> = (0..judging.tariffs.len())
            .filter(|&t| judging.links[t].as_ref().is_some_and(|l| l.decision == i))
            .filter_map(|t| judging.tariffs[t].1.map(|tariff_on| (t, tariff_on, tariff_on.max(announced_on))))
            .collect();
        applying.sort_by(|a, b| {
            (a.2, judging.tariffs[a.0].0.decision_id.as_str()).cmp(&(b.2, judging.tariffs[b.0].0.decision_id.as_str()))
        });
        applying
    };
    let counts_as_applying =
        |t: usize, tariff_on: NaiveDate| counts_as_applying(judging.tariffs[t].0, tariff_on, &context.commencement);
    let first_applied_on = applying
        .iter()
        .filter(|(t, tariff_on, _)| counts_as_applying(*t, *tariff_on))
        .map(|(_, _, event)| *event)
        .min();
    let r4_on_reading = first_of_march.as_ref().map(|f| f.on_reading);
    if let Some(f) = first_of_march {
        drafts.push(Draft {
            assessment: opened(
                TermBasis::Art105Lid3,
                fact.decision_id.clone(),
                None,
                f.term,
                f.on_reading.then_some(Reading::L1a),
                context,
            ),
            event_day: announced_on,
        });
    }
    if let Some(mut residual) = residual_term(
        &fact.decision_id,
        announced_on,
        r4_on_reading == Some(false),
        first_applied_on,
        calendar,
        &mut explanation,
    ) {
        if let Some(applied_on) = first_applied_on {
            residual.explanation.step(
                "Art. 105 lid 2 Wmg",
                format_args!(
                    "vervangen door art. 105 lid 2 Wmg: sinds {} past een tariefbeschikking dit besluit toe; wie \
                     binnen deze termijn beroep instelde, blijft tijdig",
                    dutch::date(applied_on)
                ),
            );
        }
        drafts.push(Draft {
            assessment: opened(
                TermBasis::Awb6_8,
                fact.decision_id.clone(),
                None,
                residual,
                (r4_on_reading == Some(true)).then_some(Reading::L1b),
                context,
            ),
            event_day: announced_on,
        });
    }

    // R3 terms by event day; a day's tariff decisions do not see each other.
    let mut before: Vec<CountedTerm> = Vec::new();
    let mut counted_upto = 0;
    for same_day in applying.chunk_by(|x, y| x.2 == y.2) {
        let day = same_day[0].2;
        // Drafts are added in order of event day, so those known before `day` are a prefix.
        while counted_upto < drafts.len() && drafts[counted_upto].event_day < day {
            before.extend(drafts[counted_upto].counted());
            counted_upto += 1;
        }
        // Appeals only push the first day of finality later: they need classifying only when it held without them.
        let finality_from = first_day_of_finality(&before, &[]).filter(|f| *f <= day).and_then(|_| {
            let earlier_terms: Vec<CountingTerm<'_>> =
                drafts[..counted_upto].iter().filter_map(Draft::counting).collect();
            let pending_on_day: Vec<(usize, Filing)> = against_here
                .iter()
                .chain(reaching_here.iter())
                .copied()
                .filter(|&a| {
                    judging.appeals[a].received_on <= day || judging.appeals[a].posted_on.is_some_and(|p| p <= day)
                })
                .filter(|&a| judging.endings[a].is_none_or(|e| e.on > day))
                .map(|a| {
                    let appeal = judging.appeals[a];
                    let here = classify_filing(
                        appeal.received_on,
                        appeal.posted_on,
                        &earlier_terms,
                        &WithoutTerm::MayStillBegin(String::new()),
                        &against(false),
                        calendar,
                    )
                    .filing;
                    let own = filings[a].as_ref().map(|c| c.filing).filter(|_| judging.against[a] != Some(i));
                    (a, own.map_or(here, |o| o.best(here)))
                })
                .collect();
            first_day_of_finality(&before, &judging.holds(&pending_on_day))
        });
        let earlier = finality_from
            .map(|since| EarlierFinality::on(since, &before, calendar, &context.notice_margin, &confirmed));
        for &(t, tariff_on, event_day) in same_day {
            let tariff = judging.tariffs[t].0;
            let link = judging.links[t].as_ref().expect("applying tariffs are linked");
            // Only asked when lid 4 may apply: whether this is the provider's own first tariff decision.
            let own_first = earlier.is_some()
                && !judging.tariffs.iter().any(|(other, on)| {
                    other.provider == tariff.provider
                        && other.decision_id != tariff.decision_id
                        && on.is_some_and(|on| on < tariff_on)
                });
            let lid4 = lid4_for_tariff_decision(
                earlier,
                event_day,
                &fact.decision_id,
                &tariff.decision_id,
                tariff_on,
                own_first,
            );
            let mut step = Explanation::new();
            let not_opened = if sluittarief_opens_no_term(tariff, &mut step) {
                Some(NotOpenedReason::Sluittarief)
            } else if tariff_decision_before_commencement(
                &tariff.decision_id,
                tariff_on,
                &context.commencement,
                &mut step,
            ) {
                Some(NotOpenedReason::BeforeCommencement)
            } else if annulled_before_tariff_decision(
                &fact.decision_id,
                annulled_on,
                &tariff.decision_id,
                tariff_on,
                event_day,
                &mut step,
            ) {
                Some(NotOpenedReason::DecisionAnnulled)
            } else if let Lid4::NotOpened { step: why } = &lid4 {
                step.extend(why.clone());
                Some(NotOpenedReason::SpaceIrrevocable)
            } else {
                None
            };
            let assessment = if let Some(reason) = not_opened {
                let mut explanation = link.explanation.clone();
                explanation.extend(step);
                TermAssessment {
                    basis: TermBasis::Art105Lid2,
                    decision_id: fact.decision_id.clone(),
                    tariff_decision: Some(tariff.decision_id.clone()),
                    provider: Some(tariff.provider.clone()),
                    objection_id: None,
                    appeal_id: None,
                    term: None,
                    timeline: None,
                    reason: Some(reason),
                    status: TermStatus::NotOpened,
                    reading: None,
                    explanation,
                }
            } else {
                let mut term = lid2_term(tariff, tariff_on, ordered, announced_on, link, calendar);
                let conditional_until = match lid4 {
                    Lid4::Conditional { until, step } => {
                        term.explanation.extend(step);
                        Some(until)
                    }
                    Lid4::Opens | Lid4::NotOpened { .. } => None,
                };
                let mut assessment =
                    opened(TermBasis::Art105Lid2, fact.decision_id.clone(), Some(tariff), term, None, context);
                if let Some(timeline) = assessment.timeline.as_mut() {
                    timeline.conditional_until = conditional_until;
                }
                assessment
            };
            drafts.push(Draft { assessment, event_day });
        }
    }

    // The appeals, classified against every term of this decision (every term counts for everyone, R7).
    let counting: Vec<CountingTerm<'_>> = drafts.iter().filter_map(Draft::counting).collect();
    let has_ordinary = drafts.iter().any(|d| d.assessment.basis != TermBasis::Awb6_8 && d.counted().is_some());
    let awaits = |received_on: NaiveDate| {
        !has_ordinary && current_on(&judging.ordered, &judging.annulled_on, received_on) == Some(i)
    };
    let without_term = WithoutTerm::MayStillBegin(
        "de termijn begint met de dag na bekendmaking van een tariefbeschikking die deze contracteerruimte toepast \
         (art. 105 lid 2 Wmg)"
            .to_owned(),
    );
    let mut concerned: Vec<(usize, Filing)> = Vec::new();
    for &a in &against_here {
        let appeal = judging.appeals[a];
        let classified = classify_filing(
            appeal.received_on,
            appeal.posted_on,
            &counting,
            &without_term,
            &against(awaits(appeal.received_on)),
            calendar,
        );
        concerned.push((a, classified.filing));
        filings[a] = Some(classified);
    }
    let counted: Vec<CountedTerm> = drafts.iter().filter_map(Draft::counted).collect();
    let finality_without_reached = first_day_of_finality(&counted, &judging.holds(&concerned));
    for &a in &reaching_here {
        let appeal = judging.appeals[a];
        let here = classify_filing(
            appeal.received_on,
            appeal.posted_on,
            &counting,
            &without_term,
            &against(awaits(appeal.received_on)),
            calendar,
        );
        let own = filings[a].as_ref().map_or(Filing::Late, |c| c.filing);
        let best = own.best(here.filing);
        // An appeal lodged after this decision became irrevocable does not hold it back (R8 with R9).
        if finality_without_reached.is_some_and(|f| f <= appeal.received_on) {
            continue;
        }
        concerned.push((a, best));
        if here.filing < own
            && let Some(classified) = filings[a].as_mut()
        {
            classified.explanation.step(
                "Art. 6:19 lid 2 Awb",
                format_args!(
                    "het beroep heeft mede betrekking op besluit {} en is daartegen gunstiger beoordeeld",
                    fact.decision_id
                ),
            );
            classified.explanation.extend(here.explanation);
            classified.filing = here.filing;
            classified.provisional = here.provisional;
        }
    }

    // Finality (R9) and the terms' statuses on the judging date (R14 acts from the judgment's day).
    let holds = judging.holds(&concerned);
    let first_day = first_day_of_finality(&counted, &holds);
    let mut terms: Vec<TermAssessment> = drafts.into_iter().map(|d| d.assessment).collect();
    for term in &mut terms {
        let Some(timeline) = term.timeline.as_mut() else { continue };
        timeline.annulled_on = annulled_on;
        let (status, reason) = term_status_on(timeline, as_of);
        term.status = status;
        term.reason = reason;
        if let Some(judgment) = annulled_on.filter(|_| reason == Some(NotOpenedReason::DecisionAnnulled)) {
            explain_annulled_term(&term.decision_id, judgment, &mut term.explanation);
        }
    }

    let under_appeal = holds.iter().any(|h| h.from <= as_of && h.until.is_none_or(|u| u > as_of));
    let protected = revival.is_some_and(|j| annulled_by_upheld_reaching(judging, j, i));
    if let Some(j) = revival {
        explanation.step(
            "Art. 8:72 lid 2 Awb",
            format_args!(
                "besluit {} is vernietigd en verliest zijn rechtsgevolgen vanaf het begin; dit besluit herleeft en geldt \
                 weer",
                judging.ordered[j].fact.decision_id
            ),
        );
        decision.revived = true;
    }
    decision.status = if let Some(judgment) = annulment.filter(Annulment::loses_effect).map(|a| a.on) {
        explanation.step(
            "Art. 8:72 lid 2 Awb",
            format_args!(
                "het CBb heeft op {} het beroep gegrond verklaard en besluit {} voor deze regio en dit jaar vernietigd; \
                 het verliest zijn rechtsgevolgen vanaf het begin en wordt nooit onherroepelijk",
                dutch::date(judgment),
                fact.decision_id
            ),
        );
        DecisionStatus::Annulled
    } else if under_appeal {
        explanation.step(
            "Art. 105 lid 4 Wmg",
            "een beroep dat voorbarig of tijdig is ingesteld, is aanhangig; het besluit is niet onherroepelijk",
        );
        DecisionStatus::UnderAppeal
    } else if let Some(judgment) = annulled_on.filter(|_| annulment.is_some_and(|a| !a.loses_effect())) {
        // Art. 8:72 lid 3 onder a Awb: irrevocable from the later of the judgment and the end of every other
        // appeal that held the decision.
        let since = holds.iter().filter_map(|h| h.until).fold(judgment, NaiveDate::max);
        explanation.step(
            "Art. 8:72 lid 3 onder a Awb",
            format_args!(
                "het CBb heeft op {} besluit {} vernietigd en bepaald dat de rechtsgevolgen ervan in stand blijven; het \
                 besluit geldt en is onherroepelijk sinds {}, voor zover bekend",
                dutch::date(judgment),
                fact.decision_id,
                dutch::date(since)
            ),
        );
        decision.irrevocable_since = Some(since);
        DecisionStatus::Irrevocable
    } else if protected {
        explanation.step(
            "Art. 8:72 Awb",
            "het gegrond verklaarde beroep was (mede) tegen dit besluit gericht; het herleefde besluit wordt daarom niet \
             onherroepelijk zolang de NZa geen nieuw besluit heeft genomen",
        );
        DecisionStatus::Pending
    } else if let Some(since) = first_day.filter(|f| *f <= as_of) {
        let latest = counted.iter().map(|c| c.last_day).max().expect("finality needs a term");
        let post_week_until = post_week_end(latest, calendar, &mut explanation);
        let unannounced = judging
            .tariffs
            .iter()
            .enumerate()
            .find(|(t, (tariff, on))| {
                on.is_none()
                    && tariff.decided_on < since
                    && tariff.kind != TariffKind::Sluittarief
                    && judging.links[*t].as_ref().is_some_and(|l| l.decision == i)
            })
            .map(|(_, (tariff, _))| tariff.decision_id.as_str());
        match declare_finality(
            since,
            post_week_until,
            &context.notice_margin,
            &confirmed,
            unannounced,
            as_of,
            &mut explanation,
        ) {
            Declaration::PostWeek => DecisionStatus::PostWeek,
            Declaration::AwaitingNotice => DecisionStatus::AwaitingNotice,
            Declaration::Declared => {
                explanation.step(
                    "Art. 105 lid 4 Wmg",
                    format_args!(
                        "onherroepelijk sinds {}, voor zover bekend: ten minste één termijn is verstreken, geen termijn \
                         loopt nog of moet nog beginnen, en geen tijdig of voorbarig beroep is aanhangig; het blijft \
                         onherroepelijk tenzij de NZa het wijzigt",
                        dutch::date(since)
                    ),
                );
                decision.irrevocable_since = Some(since);
                DecisionStatus::Irrevocable
            }
        }
    } else if terms.iter().any(|t| t.status == TermStatus::Open) {
        DecisionStatus::Open
    } else {
        let residual_only = terms.iter().all(|t| t.basis == TermBasis::Awb6_8 || t.term.is_none());
        match terms.iter().find(|t| t.basis == TermBasis::Awb6_8 && t.status == TermStatus::Closed) {
            Some(residual) if residual_only => {
                let last_day = residual.term.as_ref().map(|t| t.last_day).expect("opened");
                explanation.step(
                    "Lezing: art. 6:8 lid 1 Awb",
                    format_args!(
                        "alleen de veilige termijn van art. 6:8 lid 1 Awb is verstreken en nog geen tariefbeschikking \
                         heeft dit besluit toegepast; op die lezing is het besluit onherroepelijk sinds {}, voor zover \
                         bekend; op de lezing dat art. 105 lid 2 Wmg het begin van elke termijn bepaalt, begint de \
                         termijn pas met een tariefbeschikking die het toepast",
                        dutch::date(day_after(last_day))
                    ),
                );
            }
            _ if terms.iter().all(|t| t.term.is_none()) => explanation.step(
                "Art. 105 lid 2 Wmg",
                "er loopt nog geen termijn: die begint met de eerste tariefbeschikking die deze contracteerruimte \
                 toepast",
            ),
            _ => {}
        }
        DecisionStatus::Pending
    };
    decision.explanation = explanation;
    (decision, terms)
}

/// R7 for the appeals against a decision that has no term and never will, or none yet: each classified by
/// `without` alone.
fn classify_without_terms(
    judging: &Judging<'_>,
    against_here: &[usize],
    without: &WithoutTerm,
    against: &Against,
    filings: &mut [Option<Classified>],
) {
    for &a in against_here {
        let appeal = judging.appeals[a];
        filings[a] = Some(classify_filing(
            appeal.received_on,
            appeal.posted_on,
            &[],
            without,
            against,
            &judging.context.calendar,
        ));
    }
}

/// Whether the upheld appeal that annulled decision `annulled` was lodged against decision `i` or reached it.
fn annulled_by_upheld_reaching(judging: &Judging<'_>, annulled: usize, i: usize) -> bool {
    judging.annulled[annulled]
        .and_then(|a| a.appeal)
        .is_some_and(|a| judging.against[a] == Some(i) || judging.reached[a].contains(&i))
}

/// The appeals known on the judging date, in recording order, with their classification and status.
fn assess_appeals(judging: &Judging<'_>, filings: Vec<Option<Classified>>) -> Vec<AppealAssessment> {
    judging
        .appeals
        .iter()
        .zip(filings)
        .enumerate()
        .map(|(a, (appeal, classified))| {
            let classified = classified.unwrap_or_else(|| {
                // The named decision is not recorded for this region-year, or does not exist yet.
                classify_filing(
                    appeal.received_on,
                    appeal.posted_on,
                    &[],
                    &WithoutTerm::MayStillBegin(format!(
                        "besluit {} is voor deze regio en dit jaar (nog) niet geregistreerd",
                        appeal.against_decision
                    )),
                    &Against::appeal(None, false),
                    &judging.context.calendar,
                )
            });
            let status = match judging.endings[a].map(|e| e.outcome) {
                None => AppealStatus::Pending,
                Some(AppealOutcome::Withdrawn) => AppealStatus::Withdrawn,
                Some(AppealOutcome::Dismissed) => AppealStatus::Dismissed,
                Some(AppealOutcome::Upheld) => AppealStatus::Upheld,
                Some(AppealOutcome::Inadmissible) => AppealStatus::Inadmissible,
            };
            let mut explanation = Explanation::new();
            if appeal.received_by == ReceivedBy::Nza {
                explanation.step(
                    "Art. 6:15 lid 3 Awb",
                    format_args!(
                        "het beroepschrift is bij de NZa ingekomen in plaats van bij het CBb; voor de tijdigheid geldt \
                         de dag waarop de NZa het ontving, {}",
                        dutch::date(appeal.received_on)
                    ),
                );
            }
            explanation.extend(classified.explanation);
            let extended: Vec<DecisionId> =
                judging.reached[a].iter().map(|&d| judging.ordered[d].fact.decision_id.clone()).collect();
            if !extended.is_empty() {
                explanation.step(
                    "Art. 6:19 Awb",
                    format_args!(
                        "het beroep heeft van rechtswege mede betrekking op {} dat het bestreden besluit voor deze regio \
                         en dit jaar wijzigt of vervangt, tenzij partijen daarbij onvoldoende belang hebben",
                        extended.iter().map(|d| format!("besluit {d}")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            if let Some(p) = judging.against[a] {
                let own = judging.annulled_on[p].filter(|j| *j <= judging.as_of);
                if let Some(judgment) = own.filter(|j| appeal.received_on >= *j) {
                    explanation.step(
                        "Art. 8:72 Awb",
                        format_args!(
                            "ontvangen op of na de uitspraak van {} die het besluit vernietigde; beoordeeld naar de \
                             termijnen zoals die de dag ervoor stonden; het houdt niets tegen",
                            dutch::date(judgment)
                        ),
                    );
                }
            }
            AppealAssessment {
                appeal_id: appeal.appeal_id.clone(),
                appellant: appeal.appellant.clone(),
                against_decision: appeal.against_decision.clone(),
                extended_to: extended,
                filing: classified.filing,
                provisional: classified.provisional,
                status,
                explanation,
            }
        })
        .collect()
}

/// A term that opened, with the commencement assumption stated.
fn opened(
    basis: TermBasis,
    decision_id: DecisionId,
    tariff: Option<&TariffDecisionFact>,
    mut term: ComputedTerm,
    reading: Option<Reading>,
    context: &LegalContext,
) -> TermAssessment {
    state_commencement_assumption(&context.commencement, &mut term.explanation);
    let timeline = TermTimeline::new(term.opens_on, term.last_day);
    TermAssessment {
        basis,
        decision_id,
        tariff_decision: tariff.map(|t| t.decision_id.clone()),
        provider: tariff.map(|t| t.provider.clone()),
        objection_id: None,
        appeal_id: None,
        explanation: term.explanation.clone(),
        term: Some(term),
        timeline: Some(timeline),
        reason: None,
        status: TermStatus::Pending,
        reading,
    }
}
