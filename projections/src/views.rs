//! The shapes the public API shows, built from the term engine's assessments. Field names follow the
//! public API contract and are fixed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use termijn_domain::Explanation;
use termijn_domain::filing::Filing;
use termijn_domain::record::RegionYearFacts;
use termijn_domain::reference::{Commencement, LegalContext};
use termijn_domain::register::{
    AppealAssessment, AppealStatus, Appellant, DecisionAssessment, DecisionStatus, NotOpenedReason,
    RegionYearAssessment, SpaceDecisionKind, TariffKind, TermAssessment, TermBasis, TermStatus, assess_region_year,
};
use termijn_domain::rules::annulment::{TermTimeline, term_status_on};
use termijn_domain::rules::objection::ObjectionAssessment;
use termijn_domain::terms::{ComputedTerm, TermPhase, objection_term};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

use crate::facts::{RegionYearRows, TariffRow};

/// An appeal term against a contracting-space decision, as the API shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermView {
    pub basis: TermBasis,
    pub decision_id: DecisionId,
    pub tariff_decision: Option<DecisionId>,
    pub provider: Option<AgbCode>,
    pub opens_on: Option<NaiveDate>,
    pub nominal_last_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub provisional: bool,
    pub status: TermStatus,
    /// Why the term was not opened (`not_opened`), or why it closed early (`closed` by an annulment, R14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotOpenedReason>,
    /// In a provider's view: the term of another provider's tariff decision, which binds it too (R7).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub other_provider: bool,
    /// R14: the day of the judgment that annulled the decision; the term acts on it from that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annulled_on: Option<NaiveDate>,
    /// R9: a conditional term is conditional up to and including this day, and not opened after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_until: Option<NaiveDate>,
    /// An NZa deadline: the objection it is about (R10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objection_id: Option<ObjectionId>,
    /// An NZa deadline: the appeal it is about (R7 forwarding, R14 new decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_id: Option<AppealId>,
    /// An NZa deadline: the day it was met or ended (closed from then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_on: Option<NaiveDate>,
    pub explanation: Explanation,
}

impl TermView {
    pub fn from_assessment(term: &TermAssessment) -> Self {
        let dates = term.term.as_ref();
        Self {
            basis: term.basis,
            decision_id: term.decision_id.clone(),
            tariff_decision: term.tariff_decision.clone(),
            provider: term.provider.clone(),
            opens_on: dates.map(|t| t.opens_on),
            nominal_last_day: dates.map(|t| t.nominal_last_day),
            last_day: dates.map(|t| t.last_day),
            provisional: dates.is_some_and(|t| t.provisional),
            status: term.status,
            reason: term.reason,
            other_provider: false,
            annulled_on: term.timeline.and_then(|t| t.annulled_on),
            conditional_until: term.timeline.and_then(|t| t.conditional_until),
            objection_id: term.objection_id.clone(),
            appeal_id: term.appeal_id.clone(),
            settled_on: term.timeline.and_then(|t| t.settled_on),
            explanation: term.explanation.clone(),
        }
    }

    /// The term's timeline, when it was opened.
    pub fn timeline(&self) -> Option<TermTimeline> {
        Some(TermTimeline {
            opens_on: self.opens_on?,
            last_day: self.last_day?,
            annulled_on: self.annulled_on,
            conditional_until: self.conditional_until,
            settled_on: self.settled_on,
        })
    }

    /// The term's status on `as_of`, by the engine's own rule (`term_status_on`); a term that was not opened
    /// stays not opened.
    pub fn judged_on(mut self, as_of: NaiveDate) -> Self {
        if let Some(timeline) = self.timeline() {
            (self.status, self.reason) = term_status_on(&timeline, as_of);
        }
        self
    }

    /// Whether the term is off the deadlines on `as_of`: not opened, its decision annulled by then (R14), or, for
    /// an NZa deadline, met by then.
    pub fn left_deadlines_on(&self, as_of: NaiveDate) -> bool {
        self.status == TermStatus::NotOpened
            || self.annulled_on.is_some_and(|j| j <= as_of)
            || self.settled_on.is_some_and(|s| s <= as_of)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    pub extended_to: Vec<DecisionId>,
    pub filing: Filing,
    /// True when the classification rests on a date of a year without a decree of equated days.
    pub provisional: bool,
    pub status: AppealStatus,
    pub explanation: Explanation,
}

impl From<&AppealAssessment> for AppealView {
    fn from(a: &AppealAssessment) -> Self {
        Self {
            appeal_id: a.appeal_id.clone(),
            appellant: a.appellant.clone(),
            against_decision: a.against_decision.clone(),
            extended_to: a.extended_to.clone(),
            filing: a.filing,
            provisional: a.provisional,
            status: a.status,
            explanation: a.explanation.clone(),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub amount: Euro,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub status: DecisionStatus,
    pub irrevocable_since: Option<NaiveDate>,
    pub annulled_on: Option<NaiveDate>,
    pub superseded_by: Option<DecisionId>,
    /// R14: applies again because the decision after it was annulled ("herleeft").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revived: bool,
    pub explanation: Explanation,
}

impl From<&DecisionAssessment> for DecisionView {
    fn from(d: &DecisionAssessment) -> Self {
        Self {
            decision_id: d.decision_id.clone(),
            kind: d.kind,
            amount: d.amount,
            decided_on: d.decided_on,
            announced_on: d.announced_on,
            status: d.status,
            irrevocable_since: d.irrevocable_since,
            annulled_on: d.annulled_on,
            superseded_by: d.superseded_by.clone(),
            revived: d.revived,
            explanation: d.explanation.clone(),
        }
    }
}

/// The commencement date the terms rest on, and whether it is an assumption (R12).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommencementView {
    pub date: NaiveDate,
    pub assumption: bool,
}

impl From<&Commencement> for CommencementView {
    fn from(c: &Commencement) -> Self {
        Self { date: c.date, assumption: c.assumption }
    }
}

/// `GET /api/v1/contracting-spaces/{region}/{year}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceView {
    pub region: RegionSlug,
    pub year: i32,
    pub as_of: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_at: Option<DateTime<Utc>>,
    pub amount: Option<Euro>,
    pub current_decision: Option<DecisionId>,
    pub status: Option<DecisionStatus>,
    pub irrevocable_since: Option<NaiveDate>,
    /// Principle 1: the safe date to plan by.
    pub plan_by: Option<NaiveDate>,
    /// R14: an annulment requires a new decision and none has been announced since.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_decision_required: bool,
    pub terms: Vec<TermView>,
    pub appeals: Vec<AppealView>,
    pub decisions: Vec<DecisionView>,
    pub commencement: CommencementView,
}

/// Who is looking, as far as it narrows what is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    /// The terms as this provider sees them: every term, another provider's without its name (R7).
    pub seen_by: Option<AgbCode>,
    /// Show only the appeals lodged by this provider (a provider sees its own appeals only).
    pub appeals_of: Option<AgbCode>,
}

/// What a view for one provider leaves out of every explanation: the other providers' tariff decisions and AGB
/// codes of the region-year (R7: their terms bind it, their names are not its business).
pub struct Redaction {
    others: Vec<(DecisionId, AgbCode)>,
}

impl Redaction {
    pub fn for_viewer(assessment: &RegionYearAssessment, viewer: Option<&AgbCode>) -> Self {
        Self::of(&assessment.tariff_providers, viewer)
    }

    fn of(tariff_providers: &[(DecisionId, AgbCode)], viewer: Option<&AgbCode>) -> Self {
        let others = match viewer {
            None => Vec::new(),
            Some(viewer) => tariff_providers.iter().filter(|(_, p)| p != viewer).cloned().collect(),
        };
        Self { others }
    }

    /// The explanation without the other providers' names; as it is when there are none to leave out.
    pub fn explanation(&self, explanation: Explanation) -> Explanation {
        if self.others.is_empty() {
            return explanation;
        }
        let mut redacted = Explanation::new();
        for step in explanation.steps() {
            // Every tariff decision first: an id may contain an AGB code.
            let mut step = step.clone();
            for (tariff, _) in &self.others {
                step = step.replace(tariff.as_str(), "(van een andere zorgaanbieder)");
            }
            for (_, provider) in &self.others {
                step = step.replace(provider.as_str(), "(andere zorgaanbieder)");
            }
            redacted.push(step);
        }
        redacted
    }

    /// A term as the viewer sees it: every term counts for every appellant (R7), but another provider's term is
    /// shown without its tariff decision and AGB code, and no explanation names one.
    pub fn term(&self, mut term: TermView, viewer: Option<&AgbCode>) -> TermView {
        if viewer.is_some() && term.provider.is_some() && term.provider.as_ref() != viewer {
            term.tariff_decision = None;
            term.provider = None;
            term.other_provider = true;
        }
        term.explanation = self.explanation(std::mem::take(&mut term.explanation));
        term
    }
}

/// Which deadlines are asked for: those whose last day lies in `from..=to`, judged on `as_of`, as `viewer` may
/// see them; the NZa's own deadlines only for legal staff and auditors (`nza`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeadlineQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub nza: bool,
    pub viewer: Option<AgbCode>,
}

/// Whether the deadlines index holds what the engine would judge of these facts on `as_of`: it was computed from
/// every recorded fact, which are those the engine judges on `as_of` when none is dated after it.
pub fn index_holds_judgment(facts: &RegionYearFacts, as_of: NaiveDate) -> bool {
    facts.latest_legal_date().is_none_or(|latest| latest <= as_of)
}

/// The terms of a region-year (its facts as recorded) that a deadline query asks for and that are still on the
/// deadlines (DOMAIN.md: not opened and annulled terms leave them, met NZa deadlines too), judged by the engine
/// on the query's date.
///
/// `indexed` are the region-year's terms in the range as the deadlines index holds them, computed from every
/// recorded fact, read when [`index_holds_judgment`] says they serve: when no fact is dated after the query's
/// date, the engine would judge the same facts on that date, so those terms are used as they are, their status
/// on the date given by the same rule (`term_status_on`); otherwise, or without them, the region-year is judged
/// again on the date.
pub fn deadlines_on(
    facts: &RegionYearFacts,
    indexed: Option<Vec<DeadlineView>>,
    context: &LegalContext,
    query: &DeadlineQuery,
) -> Vec<DeadlineView> {
    let DeadlineQuery { from, to, as_of, nza, ref viewer } = *query;
    let viewer = viewer.as_ref();
    let (region, year) = (&facts.region, facts.year);
    if let Some(indexed) = indexed.filter(|_| index_holds_judgment(facts, as_of)) {
        let redaction = Redaction::of(&facts.tariff_providers_on(as_of), viewer);
        return indexed
            .into_iter()
            .filter(|d| nza || !d.term.basis.is_nza_deadline())
            .map(|d| d.term.judged_on(as_of))
            .filter(|t| !t.left_deadlines_on(as_of))
            .map(|t| DeadlineView { region: region.clone(), year, term: redaction.term(t, viewer) })
            .collect();
    }
    let assessment = assess_region_year(facts, context, as_of);
    let redaction = Redaction::for_viewer(&assessment, viewer);
    let nza_deadlines = assessment.nza_deadlines.iter().filter(|_| nza);
    assessment
        .terms
        .iter()
        .chain(nza_deadlines)
        .filter(|t| t.term.as_ref().is_some_and(|d| from <= d.last_day && d.last_day <= to))
        .map(TermView::from_assessment)
        .filter(|t| !t.left_deadlines_on(as_of))
        .map(|t| DeadlineView { region: region.clone(), year, term: redaction.term(t, viewer) })
        .collect()
}

impl SpaceView {
    pub fn new(
        assessment: &RegionYearAssessment,
        audience: &Audience,
        as_at: Option<DateTime<Utc>>,
        commencement: &Commencement,
    ) -> Self {
        let viewer = audience.seen_by.as_ref();
        let redaction = Redaction::for_viewer(assessment, viewer);
        let terms = assessment.terms.iter().map(|t| redaction.term(TermView::from_assessment(t), viewer)).collect();
        let appeals = assessment
            .appeals
            .iter()
            .filter(|a| {
                audience
                    .appeals_of
                    .as_ref()
                    .is_none_or(|p| matches!(&a.appellant, Appellant::Provider(own) if own == p))
            })
            .map(|a| {
                let view = AppealView::from(a);
                AppealView { explanation: redaction.explanation(view.explanation), ..view }
            })
            .collect();
        Self {
            region: assessment.region.clone(),
            year: assessment.year,
            as_of: assessment.as_of,
            as_at,
            amount: assessment.amount,
            current_decision: assessment.current_decision.clone(),
            status: assessment.status,
            irrevocable_since: assessment.irrevocable_since,
            plan_by: assessment.plan_by,
            new_decision_required: assessment.new_decision_required,
            terms,
            appeals,
            decisions: assessment
                .decisions
                .iter()
                .map(|d| {
                    let view = DecisionView::from(d);
                    DecisionView { explanation: redaction.explanation(view.explanation), ..view }
                })
                .collect(),
            commencement: commencement.into(),
        }
    }
}

/// A term with the region-year it belongs to, as the deadlines list shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub region: RegionSlug,
    pub year: i32,
    #[serde(flatten)]
    pub term: TermView,
}

impl DeadlineView {
    /// A stable identifier of the term, the same every time it is computed and different for every other
    /// term: the iCalendar UID and the key of the deadlines index. Ids are percent-encoded outside
    /// `[A-Za-z0-9-]`, so the dots between the parts cannot be confused with anything inside them.
    pub fn uid(&self) -> String {
        /// Everything but ASCII letters, digits and `-` is percent-encoded.
        const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-');
        fn encode(text: &str) -> String {
            percent_encoding::utf8_percent_encode(text, ENCODED).to_string()
        }
        format!(
            "{}.{}.{}.{}.{}@termijn",
            self.region,
            self.year,
            match self.term.basis {
                TermBasis::Art105Lid2 => "lid2",
                TermBasis::Art105Lid3 => "lid3",
                TermBasis::Awb6_8 => "awb68",
                TermBasis::Awb6_7 => "awb67",
                TermBasis::Awb7_10 => "awb710",
                TermBasis::Awb8_72 => "awb872",
                TermBasis::Awb6_15 => "awb615",
            },
            encode(self.term.decision_id.as_str()),
            match (&self.term.tariff_decision, self.term.opens_on) {
                // The NZa's own deadlines: one per objection or appeal.
                _ if self.term.objection_id.is_some() || self.term.appeal_id.is_some() => encode(
                    self.term
                        .objection_id
                        .as_ref()
                        .map(|o| o.as_str())
                        .or(self.term.appeal_id.as_ref().map(|a| a.as_str()))
                        .unwrap_or_default()
                ),
                (Some(tariff), _) => encode(tariff.as_str()),
                // Another provider's term, its tariff decision withheld: known by the day it opened.
                (None, Some(opens_on)) if self.term.other_provider => format!("other-{opens_on}"),
                (None, _) => String::new(),
            },
        )
    }

    /// The calendar entry's title: what must be done by the day, with its article, the region by its slug.
    pub fn summary(&self) -> String {
        self.summary_in(self.region.as_str())
    }

    /// The same, with the region named as `region` (its published name).
    pub fn summary_in(&self, region: &str) -> String {
        let term = &self.term;
        let basis = term.basis.citation();
        let mut summary = match term.basis {
            TermBasis::Awb7_10 => format!(
                "NZa: beslissen op bezwaar {} ({basis}, tariefbeschikking {})",
                term.objection_id.as_ref().map_or("", |o| o.as_str()),
                term.decision_id
            ),
            TermBasis::Awb8_72 => format!(
                "NZa: nieuw besluit contracteerruimte {} {} na vernietiging van besluit {} ({basis})",
                region, self.year, term.decision_id
            ),
            TermBasis::Awb6_15 => format!(
                "NZa: beroepschrift {} doorzenden aan het CBb ({basis}, besluit {})",
                term.appeal_id.as_ref().map_or("", |a| a.as_str()),
                term.decision_id
            ),
            _ => {
                let mut summary = format!(
                    "Laatste dag beroep contracteerruimte {} {} ({basis}, besluit {})",
                    region, self.year, term.decision_id
                );
                if let Some(tariff) = &term.tariff_decision {
                    summary.push_str(&format!(", tariefbeschikking {tariff}"));
                }
                summary
            }
        };
        if term.provisional {
            summary.push_str(" [voorlopig]");
        }
        summary
    }

    /// The UIDs of a list of terms, unique within it: another provider's terms of one decision that opened on the
    /// same day share a `uid`, so the second and later get a counter (in the list's order, which follows the
    /// index's key and so stays put between fetches).
    pub fn uids<T: std::borrow::Borrow<Self>>(terms: &[T]) -> Vec<String> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        terms
            .iter()
            .map(|term| {
                let uid = term.borrow().uid();
                let count = seen.entry(uid.clone()).or_default();
                *count += 1;
                match *count {
                    1 => uid,
                    n => format!("{}.{n}@termijn", uid.trim_end_matches("@termijn")),
                }
            })
            .collect()
    }
}

/// The opened terms of a region-year with every recorded fact taken into account: what the deadlines index
/// holds. Statuses are judged again on each read (`TermView::judged_on`).
pub fn deadline_terms(
    rows: &RegionYearRows,
    region: &RegionSlug,
    year: i32,
    context: &LegalContext,
) -> Vec<DeadlineView> {
    let facts = rows.facts(region, year, None);
    let assessment = assess_region_year(&facts, context, NaiveDate::MAX);
    assessment
        .terms
        .iter()
        .filter(|t| t.term.is_some())
        .chain(&assessment.nza_deadlines)
        .map(|t| DeadlineView { region: region.clone(), year, term: TermView::from_assessment(t) })
        .collect()
}

/// A term of a tariff decision itself (art. 6:7/6:8 Awb objection term, art. 7:10 Awb decision term).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnTermView {
    pub opens_on: NaiveDate,
    pub nominal_last_day: NaiveDate,
    pub last_day: NaiveDate,
    pub provisional: bool,
    pub status: TermStatus,
    pub explanation: Explanation,
}

impl OwnTermView {
    fn new(term: ComputedTerm, as_of: NaiveDate) -> Self {
        let status = match term.phase(as_of) {
            TermPhase::Pending => TermStatus::Pending,
            TermPhase::Open => TermStatus::Open,
            TermPhase::Closed => TermStatus::Closed,
        };
        Self {
            opens_on: term.opens_on,
            nominal_last_day: term.nominal_last_day,
            last_day: term.last_day,
            provisional: term.provisional,
            status,
            explanation: term.explanation,
        }
    }
}

impl OwnTermView {
    /// An NZa deadline as the engine judged it.
    fn from_assessment(term: &TermAssessment) -> Option<Self> {
        let dates = term.term.as_ref()?;
        Some(Self {
            opens_on: dates.opens_on,
            nominal_last_day: dates.nominal_last_day,
            last_day: dates.last_day,
            provisional: dates.provisional,
            status: term.status,
            explanation: term.explanation.clone(),
        })
    }
}

/// An objection to a tariff decision (R10), as the API shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionView {
    pub objection_id: ObjectionId,
    pub tariff_decision: DecisionId,
    pub objector: Appellant,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub advisory_committee: bool,
    pub filing: Filing,
    pub provisional: bool,
    /// `pending` until the NZa's decision on it is announced, then `decided`.
    pub status: ObjectionStatus,
    pub decided_on: Option<NaiveDate>,
    pub decision_announced_on: Option<NaiveDate>,
    /// The NZa's decision term (art. 7:10 Awb), once the objection term it follows is known.
    pub decision_term: Option<OwnTermView>,
    pub explanation: Explanation,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Pending,
    Decided,
}

impl From<&ObjectionAssessment> for ObjectionView {
    fn from(o: &ObjectionAssessment) -> Self {
        Self {
            objection_id: o.objection_id.clone(),
            tariff_decision: o.tariff_decision.clone(),
            objector: o.objector.clone(),
            received_on: o.received_on,
            posted_on: o.posted_on,
            advisory_committee: o.advisory_committee,
            filing: o.filing,
            provisional: o.provisional,
            status: if o.decision.is_some() { ObjectionStatus::Decided } else { ObjectionStatus::Pending },
            decided_on: o.decision.map(|d| d.decided_on),
            decision_announced_on: o.decision.map(|d| d.announced_on),
            decision_term: o.decision_term.as_ref().and_then(OwnTermView::from_assessment),
            explanation: o.explanation.clone(),
        }
    }
}

/// R10: the earliest decision term of the objections not yet decided (pending or open).
fn earliest_open(objections: &[ObjectionView]) -> Option<OwnTermView> {
    objections
        .iter()
        .filter_map(|o| o.decision_term.clone())
        .filter(|t| matches!(t.status, TermStatus::Pending | TermStatus::Open))
        .min_by_key(|t| t.last_day)
}

/// `GET /api/v1/tariff-decisions/{decision_id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffView {
    pub decision_id: DecisionId,
    pub provider: AgbCode,
    pub year: i32,
    pub regions: Vec<RegionSlug>,
    pub kind: TariffKind,
    pub amends: Option<DecisionId>,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub applied_space_decisions: Option<BTreeMap<RegionSlug, DecisionId>>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub as_of: NaiveDate,
    pub objection_term: Option<OwnTermView>,
    /// R10: the earliest decision term of an objection not yet decided (pending or open).
    pub objection_decision_term: Option<OwnTermView>,
    /// The objections to it known on `as_of`, each with its own decision term.
    pub objections: Vec<ObjectionView>,
    /// The appeal terms against contracting spaces that this tariff decision opened, or not, and why.
    pub appeal_terms: Vec<DeadlineView>,
}

impl TariffView {
    /// The view as a provider may see it: only the objections it lodged itself, and the earliest open decision
    /// term among those (a provider never sees another provider).
    pub fn for_provider(mut self, viewer: &AgbCode) -> Self {
        self.objections.retain(|o| matches!(&o.objector, Appellant::Provider(p) if p == viewer));
        self.objection_decision_term = earliest_open(&self.objections);
        self
    }

    /// `rows` are the decision's rows, one per region; `region_years` the rows of each of those region-years.
    pub fn new(
        rows: &[TariffRow],
        region_years: &[(RegionSlug, std::sync::Arc<RegionYearRows>)],
        context: &LegalContext,
        as_of: NaiveDate,
    ) -> Option<Self> {
        let first = rows.first()?;
        let announced_on = first.announced.map(|a| a.on);
        let applied: BTreeMap<RegionSlug, DecisionId> =
            rows.iter().filter_map(|r| r.applied_space_decision.clone().map(|d| (r.region.clone(), d))).collect();
        let objection = announced_on.map(|on| objection_term(&first.decision_id, on, &context.calendar));
        let mut objections: Vec<ObjectionView> = Vec::new();
        let appeal_terms = region_years
            .iter()
            .flat_map(|(region, ry)| {
                let facts = ry.facts(region, first.year, None);
                let assessment = assess_region_year(&facts, context, as_of);
                // Each region-year of the decision holds its objections: taken from the first.
                if objections.is_empty() {
                    objections = assessment
                        .objections
                        .iter()
                        .filter(|o| o.tariff_decision == first.decision_id)
                        .map(ObjectionView::from)
                        .collect();
                }
                assessment
                    .terms
                    .iter()
                    .filter(|t| t.tariff_decision.as_ref() == Some(&first.decision_id))
                    .map(|t| DeadlineView {
                        region: region.clone(),
                        year: first.year,
                        term: TermView::from_assessment(t),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        Some(Self {
            decision_id: first.decision_id.clone(),
            provider: first.provider.clone(),
            year: first.year,
            regions: rows.iter().map(|r| r.region.clone()).collect(),
            kind: first.kind,
            amends: first.amends.clone(),
            decided_on: first.decided_on,
            announced_on,
            applied_space_decisions: (!applied.is_empty()).then_some(applied),
            recorded_at: first.recorded.at,
            recorded_by: first.recorded.by.clone(),
            as_of,
            objection_term: objection.map(|t| OwnTermView::new(t, as_of)),
            // R10: the NZa's decision term runs only once an objection has been recorded.
            objection_decision_term: earliest_open(&objections),
            objections,
            appeal_terms,
        })
    }
}
