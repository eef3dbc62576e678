//! R4, art. 105 lid 3 Wmg (new): the 1 March term for a space of a future year.

use chrono::{Datelike, NaiveDate};

use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::record::{TariffDecisionFact, TariffKind};
use crate::terms::{ComputedTerm, rcs_term_from_first_of_march};
use crate::values::DecisionId;

/// The 1 March term of a decision, and whether it rests on a reading (open point 1, L1).
#[derive(Debug, Clone)]
pub struct FirstOfMarch {
    pub term: ComputedTerm,
    /// True when it exists only on the reading that a same-day or not-yet-announced tariff decision does not
    /// block it: it counts for filing and holds finality back, but is not the date to plan by.
    pub on_reading: bool,
}

/// R4, art. 105 lid 3 Wmg (new): whether a decision announced on `announced_on` for `year` gets the term that
/// starts on 1 March of the year after its announcement. It does for a **future** year (year > year of
/// announcement) when no tariff decision for the region-year (other than a sluittarief) was announced on a day
/// **before** the decision's announcement. A tariff decision announced the same day, or taken on or before that
/// day and not announced before it, blocks it only on a reading ("waarvoor de NZa nog geen tariefbeschikkingen
/// ... heeft vastgesteld", MvT Onderdeel G): the term then carries a "Lezing:" step. When the rule does not
/// apply, `explanation` receives the step that says why. `tariffs` are the tariff decisions that exist on the
/// judging date, with `announced_on` as known then.
pub fn first_of_march_term(
    decision_id: &DecisionId,
    year: i32,
    announced_on: NaiveDate,
    tariffs: &[(&TariffDecisionFact, Option<NaiveDate>)],
    calendar: &AtwCalendar,
    explanation: &mut Explanation,
) -> Option<FirstOfMarch> {
    if year <= announced_on.year() {
        explanation.step(
            "Art. 105 lid 3 Wmg",
            format_args!(
                "niet van toepassing: besluit {decision_id} betreft {year}, geen toekomstig kalenderjaar ten opzichte \
                 van het jaar van bekendmaking ({})",
                announced_on.year()
            ),
        );
        return None;
    }
    let counted = || tariffs.iter().filter(|(t, _)| t.kind != TariffKind::Sluittarief);
    if let Some((earlier, on)) = counted().find(|(_, on)| on.is_some_and(|on| on < announced_on)) {
        explanation.step(
            "Art. 105 lid 3 Wmg",
            format_args!(
                "niet van toepassing: voor deze regio en dit jaar was al tariefbeschikking {} bekendgemaakt op {}, \
                 voor de bekendmaking van besluit {decision_id} op {}",
                earlier.decision_id,
                dutch::date(on.expect("announced")),
                dutch::date(announced_on)
            ),
        );
        return None;
    }
    let mut term = rcs_term_from_first_of_march(decision_id, year, announced_on, calendar);
    let doubtful =
        counted().find(|(t, on)| *on == Some(announced_on) || (on.is_none() && t.decided_on <= announced_on));
    let on_reading = match doubtful {
        Some((tariff, Some(_))) => {
            term.explanation.step(
                "Lezing: art. 105 lid 3 Wmg",
                format_args!(
                    "tariefbeschikking {} is op dezelfde dag bekendgemaakt als het besluit; aangehouden wordt dat de NZa \
                     op de dag van bekendmaking nog geen tariefbeschikking had vastgesteld, zodat deze termijn loopt; \
                     op de andere lezing loopt alleen de termijn van art. 105 lid 2 Wmg (open punt 1); deze termijn is \
                     daarom geen datum om op te plannen",
                    tariff.decision_id
                ),
            );
            true
        }
        Some((tariff, None)) => {
            term.explanation.step(
                "Lezing: art. 105 lid 3 Wmg",
                format_args!(
                    "tariefbeschikking {} is genomen op {} maar (voor zover bekend) nog niet bekendgemaakt; aangehouden \
                     wordt dat die de termijn van 1 maart niet blokkeert (open punt 1); deze termijn is daarom geen \
                     datum om op te plannen",
                    tariff.decision_id,
                    dutch::date(tariff.decided_on)
                ),
            );
            true
        }
        None => false,
    };
    Some(FirstOfMarch { term, on_reading })
}
