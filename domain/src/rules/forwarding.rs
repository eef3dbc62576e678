//! R7 with art. 6:15 Awb: an appeal that reaches the NZa instead of the CBb counts as received on the day the
//! NZa received it, and the NZa forwards it to the CBb "zo spoedig mogelijk": a deadline for NZa legal staff.

use chrono::NaiveDate;

use crate::assessment::{TermAssessment, TermBasis, TermStatus};
use crate::dutch;
use crate::explanation::Explanation;
use crate::record::{AppealFact, ReceivedBy};
use crate::rules::annulment::TermTimeline;
use crate::terms::ComputedTerm;

/// Art. 6:15 lid 1 Awb: the NZa's deadline to forward a misdirected appeal. "Zo spoedig mogelijk" names no day;
/// principle 1 takes the earliest, the day of receipt, not extended by the Atw. Met once the appeal has ended
/// (`ended_on`), the only later fact the register records about it. `None` for an appeal received by the CBb.
pub fn forwarding_deadline(appeal: &AppealFact, ended_on: Option<NaiveDate>) -> Option<TermAssessment> {
    if appeal.received_by != ReceivedBy::Nza {
        return None;
    }
    let received_on = appeal.received_on;
    let mut explanation = Explanation::new();
    explanation.step(
        "Art. 6:15 lid 1 Awb",
        format_args!(
            "het beroepschrift {} tegen besluit {} is op {} bij de NZa ingekomen in plaats van bij het CBb; de NZa \
             zendt het zo spoedig mogelijk door aan het CBb en deelt dat de indiener mee",
            appeal.appeal_id,
            appeal.against_decision,
            dutch::date(received_on)
        ),
    );
    explanation.step(
        "Lezing: art. 6:15 lid 1 Awb",
        format_args!(
            "\"zo spoedig mogelijk\" noemt geen dag; aangehouden is de dag van ontvangst, {}, zonder verlenging door de \
             Algemene termijnenwet",
            dutch::weekday_date(received_on)
        ),
    );
    if let Some(ended) = ended_on {
        explanation.step("Art. 6:15 Awb", format_args!("de zaak bij het CBb is op {} geëindigd", dutch::date(ended)));
    }
    let term = ComputedTerm {
        opens_on: received_on,
        nominal_last_day: received_on,
        last_day: received_on,
        provisional: false,
        explanation: explanation.clone(),
    };
    Some(TermAssessment {
        basis: TermBasis::Awb6_15,
        decision_id: appeal.against_decision.clone(),
        tariff_decision: None,
        provider: None,
        objection_id: None,
        appeal_id: Some(appeal.appeal_id.clone()),
        timeline: Some(TermTimeline { settled_on: ended_on, ..TermTimeline::new(received_on, received_on) }),
        term: Some(term),
        reason: None,
        status: TermStatus::Pending,
        reading: None,
        explanation,
    })
}
