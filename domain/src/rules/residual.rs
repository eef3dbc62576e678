//! R13, art. 6:8 lid 1 Awb: the residual term of a decision that no tariff decision applied.

use chrono::NaiveDate;

use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::terms::{ComputedTerm, six_weeks_after_announcement};
use crate::values::DecisionId;

/// R13, art. 6:8 lid 1 Awb: a decision announced on or after commencement that has no certain 1 March term (R4)
/// and that no tariff decision applied with an event day on or before its own announcement gets, as the safe
/// term of principle 1, six weeks from the day after its own announcement (`basis` `awb_6_8`). Returns `None`,
/// with the step that says why into `explanation`, when a tariff decision applied it from the start or a
/// certain 1 March term runs. `first_applied_on` is the earliest event day of a tariff decision that applies the
/// decision (not a sluittarief, not before commencement).
pub fn residual_term(
    decision_id: &DecisionId,
    announced_on: NaiveDate,
    certain_first_of_march: bool,
    first_applied_on: Option<NaiveDate>,
    calendar: &AtwCalendar,
    explanation: &mut Explanation,
) -> Option<ComputedTerm> {
    if certain_first_of_march {
        return None;
    }
    if let Some(applied_on) = first_applied_on.filter(|on| *on <= announced_on) {
        explanation.step(
            "Art. 6:8 lid 1 Awb",
            format_args!(
                "geen restterm: een tariefbeschikking paste besluit {decision_id} toe vanaf de dag van zijn \
                 bekendmaking ({}); de termijn volgt uit art. 105 lid 2 Wmg",
                dutch::date(applied_on)
            ),
        );
        return None;
    }
    let mut lead = Explanation::new();
    lead.step(
        "Lezing: art. 6:8 lid 1 Awb",
        format_args!(
            "besluit {decision_id} is door geen tariefbeschikking toegepast toen het werd bekendgemaakt; art. 105 lid \
             2 Wmg verlegt het begin van de termijn alleen voor een contracteerruimte die in een tariefbeschikking is \
             toegepast, en \"een wijziging ... biedt ... wel weer de mogelijkheid van beroep\" (MvT, onderdeel G); als \
             veilige termijn loopt daarom zes weken vanaf de dag na de eigen bekendmaking (open punt 2)"
        ),
    );
    Some(six_weeks_after_announcement(lead, format_args!("besluit {decision_id}"), announced_on, calendar))
}
