//! R12: art. 105 lid 2-4 Wmg (new) apply only to decisions announced on or after the day the law enters into
//! force; the date is reference data, an assumption until the commencement decree is known.

use chrono::NaiveDate;

use crate::dutch;
use crate::explanation::Explanation;
use crate::reference::Commencement;
use crate::values::DecisionId;

/// The heading of every step this rule writes.
pub const ARTICLE: &str = "Inwerkingtreding art. 105 lid 2-4 Wmg";

/// R12: whether art. 105 lid 2-4 Wmg govern a decision announced on `announced_on`.
pub fn art105_applies(announced_on: NaiveDate, commencement: &Commencement) -> bool {
    announced_on >= commencement.date
}

/// R12 for a contracting-space decision: `None` when art. 105 lid 2-4 govern it; else the reason, as the one
/// step that says why it opened no term (MvT onderdeel G: such a publication was informative only).
pub fn space_decision_before_commencement(
    decision: &DecisionId,
    announced_on: NaiveDate,
    commencement: &Commencement,
) -> Option<String> {
    if art105_applies(announced_on, commencement) {
        return None;
    }
    Some(format!(
        "besluit {decision} is bekendgemaakt op {}, voor de inwerkingtreding van art. 105 lid 2-4 Wmg op {}{}; volgens \
         de memorie van toelichting bij wetsvoorstel 36 486 (onderdeel G) was zo'n publicatie louter informatief, \
         zonder rechtsgevolg, en opende zij geen beroepstermijn; of een publicatie een besluit is, beoordeelt het CBb",
        dutch::date(announced_on),
        dutch::date(commencement.date),
        if commencement.assumption { " (aangenomen datum)" } else { "" }
    ))
}

/// R12 for a tariff decision: a lid-2 term needs the tariff decision announced on or after commencement too.
/// Writes the step and gives true when it was announced before.
pub fn tariff_decision_before_commencement(
    tariff: &DecisionId,
    announced_on: NaiveDate,
    commencement: &Commencement,
    explanation: &mut Explanation,
) -> bool {
    if art105_applies(announced_on, commencement) {
        return false;
    }
    explanation.step(
        ARTICLE,
        format_args!(
            "tariefbeschikking {tariff} is bekendgemaakt op {}, voor de inwerkingtreding op {}",
            dutch::date(announced_on),
            dutch::date(commencement.date)
        ),
    );
    true
}

/// R12: every opened term states the commencement date it rests on while that date is an assumption.
pub fn state_commencement_assumption(commencement: &Commencement, explanation: &mut Explanation) {
    if commencement.assumption {
        explanation.step(
            ARTICLE,
            format_args!(
                "toegepast op besluiten bekendgemaakt op of na {}; die datum is een aanname zolang het \
                 inwerkingtredingsbesluit niet bekend is",
                dutch::date(commencement.date)
            ),
        );
    }
}
