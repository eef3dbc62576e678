//! The shapes the public API shows, built from the term engine's assessments. Field names follow the
//! public API contract and are fixed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use termijn_domain::Explanation;
use termijn_domain::filing::Filing;
use termijn_domain::reference::{Commencement, LegalContext};
use termijn_domain::register::{
    AppealAssessment, AppealStatus, Appellant, DecisionAssessment, DecisionStatus, NotOpenedReason,
    RegionYearAssessment, SpaceDecisionKind, TariffKind, TermAssessment, TermBasis, TermStatus, assess_region_year,
};
use termijn_domain::rules::annulment::{TermTimeline, term_status_on};
use termijn_domain::terms::{ComputedTerm, TermPhase, objection_term};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

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

    /// Whether the term has left the deadlines on `as_of`: not opened, or its decision annulled by then (R14).
    pub fn left_deadlines_on(&self, as_of: NaiveDate) -> bool {
        self.status == TermStatus::NotOpened || self.annulled_on.is_some_and(|j| j <= as_of)
    }

    /// The term as `viewer` sees it: every term counts for every appellant (R7), but another provider's tariff
    /// decision and AGB code are never shown; its explanation names them as "een andere zorgaanbieder".
    pub fn as_seen_by(mut self, viewer: Option<&AgbCode>) -> Self {
        let Some(viewer) = viewer else { return self };
        let Some(provider) = self.provider.clone().filter(|p| p != viewer) else { return self };
        let tariff = self.tariff_decision.take();
        self.provider = None;
        self.other_provider = true;
        let redact = |step: &str| {
            let step = match &tariff {
                Some(t) => step.replace(t.as_str(), "(van een andere zorgaanbieder)"),
                None => step.to_owned(),
            };
            step.replace(provider.as_str(), "(andere zorgaanbieder)")
        };
        let mut explanation = Explanation::new();
        for step in self.explanation.steps() {
            explanation.push(redact(step));
        }
        self.explanation = explanation;
        self
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

impl SpaceView {
    pub fn new(
        assessment: &RegionYearAssessment,
        audience: &Audience,
        as_at: Option<DateTime<Utc>>,
        commencement: &Commencement,
    ) -> Self {
        let terms = assessment
            .terms
            .iter()
            .map(|t| TermView::from_assessment(t).as_seen_by(audience.seen_by.as_ref()))
            .collect();
        let appeals = assessment
            .appeals
            .iter()
            .filter(|a| {
                audience
                    .appeals_of
                    .as_ref()
                    .is_none_or(|p| matches!(&a.appellant, Appellant::Provider(own) if own == p))
            })
            .map(AppealView::from)
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
            decisions: assessment.decisions.iter().map(DecisionView::from).collect(),
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
        fn encode(text: &str) -> String {
            text.bytes()
                .map(
                    |b| {
                        if b.is_ascii_alphanumeric() || b == b'-' {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    },
                )
                .collect()
        }
        format!(
            "{}.{}.{}.{}.{}@termijn",
            self.region,
            self.year,
            match self.term.basis {
                TermBasis::Art105Lid2 => "lid2",
                TermBasis::Art105Lid3 => "lid3",
                TermBasis::Awb6_8 => "awb68",
            },
            encode(self.term.decision_id.as_str()),
            match (&self.term.tariff_decision, self.term.opens_on) {
                (Some(tariff), _) => encode(tariff.as_str()),
                // Another provider's term, its tariff decision withheld: known by the day it opened.
                (None, Some(opens_on)) if self.term.other_provider => format!("other-{opens_on}"),
                (None, _) => String::new(),
            },
        )
    }

    /// The UIDs of a list of terms, unique within it: another provider's terms of one decision that opened on the
    /// same day share a `uid`, so the second and later get a counter (in the list's order, which follows the
    /// index's key and so stays put between fetches).
    pub fn uids(terms: &[DeadlineView]) -> Vec<String> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        terms
            .iter()
            .map(|term| {
                let uid = term.uid();
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
    pub objection_decision_term: Option<OwnTermView>,
    /// The appeal terms against contracting spaces that this tariff decision opened, or not, and why.
    pub appeal_terms: Vec<DeadlineView>,
}

impl TariffView {
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
        let appeal_terms = region_years
            .iter()
            .flat_map(|(region, ry)| {
                let facts = ry.facts(region, first.year, None);
                let assessment = assess_region_year(&facts, context, as_of);
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
            // R10: the NZa's decision term runs only once an objection has been recorded; none can be yet.
            objection_decision_term: None,
            appeal_terms,
        })
    }
}
