//! R8, art. 6:19 Awb: an appeal against a contracting-space decision extends by law to a later decision that
//! amends or replaces it for that region-year, also when the appeal was lodged after the amendment.

use crate::record::{AppealEnding, SpaceDecisionKind};
use crate::reference::Commencement;
use crate::rules::commencement::art105_applies;
use crate::rules::legal_order::Ordered;

/// R8: the decisions (positions in legal order) an appeal against the decision at `against` reaches: every later
/// one announced before the appeal ended. An appeal against a decision not yet announced, or announced before
/// commencement (R12, no term), reaches nothing; nor does a judgment in which the CBb decided itself.
pub fn reached_decisions(
    ordered: &[Ordered<'_>],
    against: Option<usize>,
    ending: Option<AppealEnding>,
    commencement: &Commencement,
) -> Vec<usize> {
    let Some(p) = against else { return Vec::new() };
    if ordered[p].announced_on.is_none_or(|on| !art105_applies(on, commencement)) {
        return Vec::new();
    }
    (p + 1..ordered.len())
        .filter(|&q| ordered[q].fact.kind != SpaceDecisionKind::CourtDecided)
        .filter(|&q| ordered[q].announced_on.is_some_and(|on| ending.is_none_or(|e| on < e.on)))
        .collect()
}
