//! R5, art. 105 lid 2, last sentence, Wmg (new): a Wlz-sluittarief of the post-calculation opens no appeal
//! against the regional contracting space of its year; it can still be objected to as a tariff decision.

use crate::explanation::Explanation;
use crate::record::{TariffDecisionFact, TariffKind};

/// R5: whether the tariff decision is a sluittarief, which opens no term against the space; writes the step
/// that says so.
pub fn sluittarief_opens_no_term(tariff: &TariffDecisionFact, explanation: &mut Explanation) -> bool {
    if tariff.kind != TariffKind::Sluittarief {
        return false;
    }
    explanation.step(
        "Art. 105 lid 2, laatste zin, Wmg",
        format_args!(
            "tariefbeschikking {} is een Wlz-sluittarief in het kader van de nacalculatie en biedt geen gelegenheid \
             voor beroep tegen de regionale contracteerruimte van dit kalenderjaar; bezwaar tegen de beschikking zelf \
             blijft mogelijk",
            tariff.decision_id
        ),
    );
    true
}

/// R5 with R12 and R13: whether a tariff decision announced on `announced_on` counts as applying the decision
/// (not a sluittarief, and governed by art. 105 lid 2).
pub fn counts_as_applying(
    tariff: &TariffDecisionFact,
    announced_on: chrono::NaiveDate,
    commencement: &crate::reference::Commencement,
) -> bool {
    tariff.kind != TariffKind::Sluittarief && crate::rules::commencement::art105_applies(announced_on, commencement)
}
