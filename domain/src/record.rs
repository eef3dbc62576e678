//! What is recorded: the vocabulary of facts that the aggregates record and the assessment judges. Each list of
//! a region-year's facts is in recording order; the assessment puts them in legal order.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpaceDecisionKind {
    Establishment,
    Amendment,
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

/// An appeal against a contracting-space decision of this region-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealFact {
    pub appeal_id: AppealId,
    pub appellant: Appellant,
    pub against_decision: DecisionId,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
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
}
