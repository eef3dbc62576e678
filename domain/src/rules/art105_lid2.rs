//! R3, art. 105 lid 2 Wmg (new): which contracting-space decision a tariff decision applies, and the term that
//! runs from it.

use chrono::NaiveDate;

use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::record::TariffDecisionFact;
use crate::rules::legal_order::Ordered;
use crate::terms::{ComputedTerm, rcs_term_from_tariff_decision};

/// The decision a tariff decision applies for this region-year, with the step that says how that was settled.
#[derive(Debug, Clone)]
pub struct Link {
    /// Index into the legal order.
    pub decision: usize,
    pub explanation: Explanation,
}

/// The decision current on `day` in legal order: the last one announced on or before `day` that had not been
/// annulled by then (`annulled_on[i]` is the day of the judgment that annulled decision `i`).
pub fn current_on(ordered: &[Ordered<'_>], annulled_on: &[Option<NaiveDate>], day: NaiveDate) -> Option<usize> {
    (0..ordered.len())
        .rev()
        .find(|&i| ordered[i].announced_on.is_some_and(|a| a <= day) && annulled_on[i].is_none_or(|j| j > day))
}

/// R3, art. 105 lid 2 Wmg (new): the decision a tariff decision applies is the one it names or else, presumed
/// ("aangenomen wordt"), the decision of the region-year current on the tariff decision's `decided_on`, as things
/// then stood in legal order. A decision annulled later still counts: the NZa applied it. When another decision
/// was announced after `decided_on` up to the tariff decision's announcement, or had been taken but not announced
/// on `decided_on`, the step says so and that naming the applied decision settles it. `None` when it names a
/// decision not recorded here, or when none was current: then none is presumed applied.
pub fn applied_decision(
    tariff: &TariffDecisionFact,
    ordered: &[Ordered<'_>],
    annulled_on: &[Option<NaiveDate>],
) -> Option<Link> {
    let mut explanation = Explanation::new();
    if let Some(named) = &tariff.applied_space_decision {
        let decision = ordered.iter().position(|d| &d.fact.decision_id == named)?;
        explanation.step(
            "Art. 105 lid 2 Wmg",
            format_args!(
                "tariefbeschikking {} noemt besluit {named} als de toegepaste contracteerruimte",
                tariff.decision_id
            ),
        );
        return Some(Link { decision, explanation });
    }
    let decision = current_on(ordered, annulled_on, tariff.decided_on)?;
    let applied = &ordered[decision];
    explanation.step(
        "Art. 105 lid 2 Wmg",
        format_args!(
            "tariefbeschikking {} noemt geen besluit; aangenomen wordt dat zij besluit {} toepast, dat gold op de dag \
             waarop zij werd genomen ({})",
            tariff.decision_id,
            applied.fact.decision_id,
            dutch::date(tariff.decided_on)
        ),
    );
    let between = ordered.iter().filter(|d| {
        d.fact.decision_id != applied.fact.decision_id
            && match d.announced_on {
                // Announced after the tariff decision was taken: between that and its announcement, or taken
                // by then and not yet announced on that day.
                Some(a) => {
                    a > tariff.decided_on
                        && (tariff.announced_on.is_some_and(|t| a <= t) || d.fact.decided_on <= tariff.decided_on)
                }
                None => d.fact.decided_on <= tariff.decided_on,
            }
    });
    for other in between {
        explanation.step(
            "Art. 105 lid 2 Wmg",
            format_args!(
                "besluit {} (genomen {}{}) had op die dag nog geen werking; of de tariefbeschikking dat besluit toepast, \
                 volgt uit de tariefbeschikking zelf: het noemen van het toegepaste besluit beslist dit",
                other.fact.decision_id,
                dutch::date(other.fact.decided_on),
                other.announced_on.map(|a| format!(", bekendgemaakt {}", dutch::date(a))).unwrap_or_default()
            ),
        );
    }
    Some(Link { decision, explanation })
}

/// R3: the lid-2 term that a tariff decision announced on `tariff_announced_on` opens against the decision it
/// applies, announced on `space_announced_on`. It starts on the day after the later of the two announcements
/// (no term runs against a decision before it is announced: art. 3:40 with art. 6:8 lid 1 Awb).
pub fn lid2_term(
    tariff: &TariffDecisionFact,
    tariff_announced_on: NaiveDate,
    space: &Ordered<'_>,
    space_announced_on: NaiveDate,
    link: &Link,
    calendar: &AtwCalendar,
) -> ComputedTerm {
    rcs_term_from_tariff_decision(
        &tariff.decision_id,
        tariff.kind == crate::record::TariffKind::AmendedTariff,
        tariff_announced_on,
        &space.fact.decision_id,
        space_announced_on,
        link.explanation.clone(),
        calendar,
    )
}
