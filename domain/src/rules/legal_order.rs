//! Legal order: a region-year's decisions are judged in the order the law gives them, never in the order they
//! were recorded.

use chrono::NaiveDate;

use crate::dutch;
use crate::explanation::Explanation;
use crate::record::SpaceDecisionFact;

/// A decision that exists on the judging date, in legal order.
#[derive(Debug, Clone, Copy)]
pub struct Ordered<'f> {
    pub fact: &'f SpaceDecisionFact,
    /// The announcement, when it lies on or before the judging date (art. 3:40 Awb: only then has it effect).
    pub announced_on: Option<NaiveDate>,
}

/// Legal order on `on`: decisions taken after `on` do not exist yet and are left out; announced decisions come
/// first, by announcement date, then decision date, then `decision_id` (Unicode code-point order); decisions
/// not yet announced follow, by decision date and id, and have no place in legal order. Writes the tie step
/// ("gelijktijdig genomen en bekendgemaakt") into the explanation of each decision that ties with another.
pub fn legal_order<'f>(decisions: &'f [SpaceDecisionFact], on: NaiveDate) -> (Vec<Ordered<'f>>, Vec<Explanation>) {
    let mut ordered: Vec<Ordered<'f>> = decisions
        .iter()
        .filter(|d| d.decided_on <= on)
        .map(|fact| Ordered { fact, announced_on: fact.announced_on.filter(|a| *a <= on) })
        .collect();
    ordered.sort_by(|a, b| {
        (a.announced_on.is_none(), a.announced_on, a.fact.decided_on, a.fact.decision_id.as_str()).cmp(&(
            b.announced_on.is_none(),
            b.announced_on,
            b.fact.decided_on,
            b.fact.decision_id.as_str(),
        ))
    });
    let steps = ordered
        .iter()
        .map(|d| {
            let mut explanation = Explanation::new();
            let Some(announced_on) = d.announced_on else { return explanation };
            let tied: Vec<&str> = ordered
                .iter()
                .filter(|o| {
                    o.fact.decision_id != d.fact.decision_id
                        && o.announced_on == Some(announced_on)
                        && o.fact.decided_on == d.fact.decided_on
                })
                .map(|o| o.fact.decision_id.as_str())
                .collect();
            if !tied.is_empty() {
                explanation.step(
                    "Lezing: volgorde van besluiten",
                    format_args!(
                        "besluit {} en besluit {} zijn gelijktijdig genomen en bekendgemaakt ({}); volgorde niet \
                         vastgesteld; aangehouden wordt de volgorde van hun kenmerk",
                        d.fact.decision_id,
                        tied.join(", besluit "),
                        dutch::date(announced_on)
                    ),
                );
            }
            explanation
        })
        .collect();
    (ordered, steps)
}
