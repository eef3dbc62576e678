//! What is recorded: the vocabulary of facts that the aggregates record and the assessment judges. Each list of
//! a region-year's facts is in recording order; the assessment puts them in legal order.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpaceDecisionKind {
    Establishment,
    Amendment,
    /// R14, art. 8:72 lid 3 onder b Awb: the CBb's judgment in the place of an annulled decision.
    CourtDecided,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TariffKind {
    Tariff,
    AmendedTariff,
    /// The Wlz-sluittarief of the post-calculation (art. 50 lid 3-5 Wmg).
    Sluittarief,
}

/// Who lodged an appeal (art. 8:1 Awb; art. 105 lid 1 Wmg).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Appellant {
    Provider(AgbCode),
    CareOffice(String),
    Other(String),
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    Withdrawn,
    Dismissed,
    Upheld,
    Inadmissible,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealEnding {
    pub on: NaiveDate,
    pub outcome: AppealOutcome,
}

/// One line of a contracting-space decision, for this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDecisionFact {
    pub decision_id: DecisionId,
    pub kind: SpaceDecisionKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    pub amount: Euro,
}

/// A tariff decision for this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffDecisionFact {
    pub decision_id: DecisionId,
    pub provider: AgbCode,
    pub kind: TariffKind,
    pub decided_on: NaiveDate,
    pub announced_on: Option<NaiveDate>,
    /// The contracting-space decision the tariff decision names for this region, if it names one.
    pub applied_space_decision: Option<DecisionId>,
}

/// Where an appeal was received: at the CBb, or misdirected to the NZa (art. 6:15 Awb).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivedBy {
    #[default]
    Cbb,
    /// Art. 6:15 Awb: the NZa forwards it to the CBb; it counts as received on the day the NZa received it.
    Nza,
}

impl ReceivedBy {
    pub fn is_cbb(&self) -> bool {
        *self == Self::Cbb
    }
}

/// An appeal against a contracting-space decision of this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealFact {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub received_by: ReceivedBy,
    pub ending: Option<AppealEnding>,
}

/// Everything recorded for one region-year, each list in the order it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionYearFacts {
    pub region: RegionSlug,
    pub year: i32,
    pub decisions: Vec<SpaceDecisionFact>,
    pub tariff_decisions: Vec<TariffDecisionFact>,
    pub appeals: Vec<AppealFact>,
    /// R14: what upheld judgments annul here, also those of appeals of another region-year.
    pub judgments: Vec<JudgmentFact>,
    /// R9: the CBb's confirmations that no appeal was lodged.
    pub confirmations: Vec<NoAppealConfirmation>,
    /// R10: objections to the tariff decisions of this region-year.
    pub objections: Vec<ObjectionFact>,
}

impl RegionYearFacts {
    /// The latest legal date of any fact recorded here (DOMAIN.md, "Facts on D"): judged on that day or later,
    /// every fact counts.
    pub fn latest_legal_date(&self) -> Option<NaiveDate> {
        let decisions = self.decisions.iter().flat_map(|d| [Some(d.decided_on), d.announced_on]);
        let tariffs = self.tariff_decisions.iter().flat_map(|t| [Some(t.decided_on), t.announced_on]);
        let appeals = self.appeals.iter().flat_map(|a| [Some(a.received_on), a.posted_on, a.ending.map(|e| e.on)]);
        let judgments = self.judgments.iter().map(|j| Some(j.judgment_on));
        let confirmations = self.confirmations.iter().map(|c| Some(c.confirmed_on));
        let objections = self.objections.iter().flat_map(|o| {
            [Some(o.received_on), o.posted_on, o.decision.map(|d| d.announced_on.max(d.decided_on))]
                .into_iter()
                .chain(o.postponements.iter().map(|p| Some(p.announced_on)))
        });
        decisions.chain(tariffs).chain(appeals).chain(judgments).chain(confirmations).chain(objections).flatten().max()
    }

    /// Every tariff decision taken on or before `on`, with its provider, in id order.
    pub fn tariff_providers_on(&self, on: NaiveDate) -> Vec<(DecisionId, AgbCode)> {
        let mut providers: Vec<(DecisionId, AgbCode)> = self
            .tariff_decisions
            .iter()
            .filter(|t| t.decided_on <= on)
            .map(|t| (t.decision_id.clone(), t.provider.clone()))
            .collect();
        providers.sort();
        providers
    }

    /// A region-year with nothing recorded yet.
    pub fn new(region: RegionSlug, year: i32) -> Self {
        Self {
            region,
            year,
            decisions: Vec::new(),
            tariff_decisions: Vec::new(),
            appeals: Vec::new(),
            judgments: Vec::new(),
            confirmations: Vec::new(),
            objections: Vec::new(),
        }
    }
}

/// R14, art. 8:72 Awb: what follows from annulling a decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// Art. 8:72 lid 4 Awb: the NZa takes a new decision; the annulled one loses its legal effects from the start.
    #[default]
    NewDecisionRequired,
    /// Art. 8:72 lid 3 onder a Awb: annulled, but its legal effects stand.
    LegalEffectsMaintained,
    /// Art. 8:72 lid 3 onder b Awb: the judgment takes the place of the annulled decision.
    CourtDecided,
}

/// What a judgment that upholds an appeal does in one region-year (R14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgmentFact {
    pub appeal_id: AppealId,
    pub judgment_on: NaiveDate,
    /// The decisions of this region-year it annuls; `None`: the default of R14 (only in the appeal's own
    /// region-year).
    pub annuls: Option<Vec<DecisionId>>,
    pub consequence: Consequence,
    /// The amount the CBb set itself (`court_decided`).
    pub amount: Option<Euro>,
    /// The period the CBb set for the new decision (art. 8:72 lid 4 Awb).
    pub new_decision_by: Option<NaiveDate>,
}

/// The CBb confirmed that no appeal against a decision was lodged (R9: ends the notice margin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoAppealConfirmation {
    pub decision_id: DecisionId,
    pub confirmed_on: NaiveDate,
}

/// Art. 7:10 lid 4 Awb: the grounds on which a further postponement may rest.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostponementGround {
    /// a. alle belanghebbenden stemmen ermee in.
    A,
    /// b. de indiener stemt ermee in en andere belanghebbenden worden niet in hun belangen geschaad.
    B,
    /// c. nodig in verband met de naleving van wettelijke procedurevoorschriften.
    C,
}

/// A postponement of the decision on an objection (art. 7:10 lid 3 or 4 Awb), as notified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postponement {
    /// 3 or 4: the paragraph of art. 7:10 Awb it rests on.
    pub paragraph: u8,
    pub until: Option<NaiveDate>,
    pub ground: Option<PostponementGround>,
    pub announced_on: NaiveDate,
}

/// The NZa's decision on an objection (art. 7:10 Awb).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionDecision {
    pub decided_on: NaiveDate,
    pub announced_on: NaiveDate,
}

/// An objection (bezwaar) to a tariff decision, with its course so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionFact {
    pub objection_id: ObjectionId,
    pub tariff_decision: DecisionId,
    pub objector: Appellant,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    /// Art. 7:13 Awb: an advisory committee hears it.
    pub advisory_committee: bool,
    /// In the order they were recorded.
    pub postponements: Vec<Postponement>,
    pub decision: Option<ObjectionDecision>,
}
