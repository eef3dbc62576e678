//! R10, art. 7:10 Awb: the NZa's term to decide on an objection to a tariff decision, a deadline for NZa legal
//! staff themselves. It runs only once an objection has been recorded, each objection with its own term.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::{TermAssessment, TermBasis, TermStatus};
use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::filing::{Against, Classified, CountingTerm, Filing, WithoutTerm, classify_filing};
use crate::record::{
    Appellant, ObjectionDecision, ObjectionFact, Postponement, PostponementGround, TariffDecisionFact,
};
use crate::rules::annulment::{TermTimeline, term_status_on};
use crate::terms::{ComputedTerm, SIX_WEEKS, add_days, day_after, objection_term, run_term};
use crate::values::{DecisionId, ObjectionId};

/// An objection on a legal date: how it was filed and the NZa's decision term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionAssessment {
    pub objection_id: ObjectionId,
    pub tariff_decision: DecisionId,
    pub objector: Appellant,
    pub received_on: NaiveDate,
    pub posted_on: Option<NaiveDate>,
    pub advisory_committee: bool,
    pub filing: Filing,
    pub provisional: bool,
    /// How the filing was classified.
    pub explanation: Explanation,
    /// The NZa's decision term (basis `awb_7_10`), once the objection term it follows is known.
    pub decision_term: Option<TermAssessment>,
    /// The NZa's decision on the objection, when announced on or before the judging date.
    pub decision: Option<ObjectionDecision>,
}

/// R7 for an objection (art. 6:9-6:11 Awb): classified against the objection term of the tariff decision, never
/// refused. Before the tariff decision is announced no term runs yet, and the filing is premature.
pub fn classify_objection(
    objection: &ObjectionFact,
    tariff: &TariffDecisionFact,
    term: Option<&ComputedTerm>,
    calendar: &AtwCalendar,
) -> Classified {
    let counting: Vec<CountingTerm<'_>> = term
        .map(|term| CountingTerm { label: TermBasis::Awb6_7.citation(), term, conditional: false })
        .into_iter()
        .collect();
    classify_filing(
        objection.received_on,
        objection.posted_on,
        &counting,
        &WithoutTerm::MayStillBegin(format!(
            "de bezwaartermijn begint met de dag na bekendmaking van tariefbeschikking {}",
            tariff.decision_id
        )),
        &Against { decided_on: Some(tariff.decided_on), awaits_tariff_decision: false, excused_by: "de NZa" },
        calendar,
    )
}

/// R10, art. 7:10 lid 1 Awb: the decision term's first day: the day after the objection term ended for an
/// objection on time (or premature, which art. 6:10 keeps admissible), or, on a reading, the day after receipt
/// for an objection received after the objection term.
fn decision_term_start(
    objection: &ObjectionFact,
    filing: Filing,
    objection_term: &ComputedTerm,
    explanation: &mut Explanation,
) -> NaiveDate {
    if filing == Filing::Late {
        let opens_on = day_after(objection.received_on);
        explanation.step(
            "Lezing: art. 7:10 lid 1 Awb",
            format_args!(
                "het bezwaarschrift is ontvangen op {}, na afloop van de bezwaartermijn ({}); aangehouden is dat de \
                 beslistermijn dan loopt vanaf de dag na ontvangst: {}",
                dutch::date(objection.received_on),
                dutch::date(objection_term.last_day),
                dutch::weekday_date(opens_on)
            ),
        );
        return opens_on;
    }
    let opens_on = day_after(objection_term.last_day);
    explanation.step(
        "Art. 7:10 lid 1 Awb",
        format_args!(
            "de beslistermijn op bezwaar wordt gerekend vanaf de dag na die waarop de bezwaartermijn is verstreken \
             ({}): {}",
            dutch::date(objection_term.last_day),
            dutch::weekday_date(opens_on)
        ),
    );
    opens_on
}

/// R10, art. 7:10 lid 3 Awb: a first postponement of at most six weeks, effective only when notified in writing
/// (lid 5) on or before the last day of the term it postpones. The deadline is the date the notice names, never
/// later than six weeks after that last day; whether art. 1 Atw extends it is uncertain, so the earlier date is
/// kept and the later one named (principle 1). `None` when it has no effect, with the step saying why.
fn postponed_by_lid3(
    postponement: &Postponement,
    deadline: NaiveDate,
    calendar: &AtwCalendar,
    explanation: &mut Explanation,
) -> Option<NaiveDate> {
    if postponement.announced_on > deadline {
        explanation.step(
            "Art. 7:10 lid 3 en 5 Awb",
            format_args!(
                "de verdaging is meegedeeld op {}, na afloop van de beslistermijn ({}); zij heeft geen gevolg",
                dutch::date(postponement.announced_on),
                dutch::date(deadline)
            ),
        );
        return None;
    }
    let cap = add_days(deadline, SIX_WEEKS);
    let until = postponement.until.map_or(cap, |until| until.min(cap));
    explanation.step(
        "Art. 7:10 lid 3 en 5 Awb",
        format_args!(
            "de beslissing is verdaagd, schriftelijk meegedeeld op {}, tot en met {}{}",
            dutch::date(postponement.announced_on),
            dutch::weekday_date(until),
            if postponement.until.is_some_and(|u| u > cap) {
                " (ten hoogste zes weken na de oorspronkelijke laatste dag)"
            } else if postponement.until.is_none() {
                " (zes weken)"
            } else {
                ""
            }
        ),
    );
    let extended = calendar.extend(until).last_day;
    if extended != until {
        explanation.step(
            "Lezing: art. 1 Algemene termijnenwet",
            format_args!(
                "{} is een zaterdag, zondag of algemeen erkende feestdag; of de Algemene termijnenwet een verdaagde \
                 beslistermijn verlengt, staat niet vast; aangehouden is de vroegste dag, {}; op de andere lezing is \
                 het {}",
                dutch::weekday_date(until),
                dutch::date(until),
                dutch::weekday_date(extended)
            ),
        );
    }
    Some(until)
}

/// R10, art. 7:10 lid 4 Awb: a further postponement "voor zover" one of its grounds holds, effective only when
/// notified on or before the current deadline; its date is the deadline as recorded, not extended by the Atw.
fn postponed_by_lid4(
    postponement: &Postponement,
    deadline: NaiveDate,
    explanation: &mut Explanation,
) -> Option<NaiveDate> {
    let until = postponement.until?;
    if postponement.announced_on > deadline || until <= deadline {
        explanation.step(
            "Art. 7:10 lid 4 Awb",
            format_args!(
                "het verdere uitstel, meegedeeld op {}, heeft geen gevolg: {}",
                dutch::date(postponement.announced_on),
                if until <= deadline {
                    "het ligt niet na de geldende beslistermijn"
                } else {
                    "de beslistermijn was al verstreken"
                }
            ),
        );
        return None;
    }
    let ground = match postponement.ground {
        Some(PostponementGround::A) => "onder a: alle belanghebbenden stemmen ermee in",
        Some(PostponementGround::B) => {
            "onder b: de indiener van het bezwaarschrift stemt ermee in en andere belanghebbenden kunnen daardoor niet \
             in hun belangen worden geschaad"
        }
        Some(PostponementGround::C) => {
            "onder c: het is nodig in verband met de naleving van wettelijke procedurevoorschriften"
        }
        None => "zonder geregistreerde grond",
    };
    explanation.step(
        "Art. 7:10 lid 4 Awb",
        format_args!(
            "verder uitgesteld tot en met {}, meegedeeld op {}, {ground}; de datum geldt zoals geregistreerd, zonder \
             verlenging door de Algemene termijnenwet",
            dutch::weekday_date(until),
            dutch::date(postponement.announced_on)
        ),
    );
    Some(until)
}

/// R10, art. 7:10 Awb: the NZa's term to decide on one objection: six weeks (twelve with an advisory committee,
/// art. 7:13) from lid 1's start, ended by art. 1 Atw (a term of at most twelve weeks, art. 4 onder a Atw), then
/// the postponements notified on or before the deadline they postpone, in the order they were notified. Once
/// the decision on the objection is announced, the term is closed.
pub fn objection_decision_term(
    objection: &ObjectionFact,
    filing: Filing,
    tariff: &TariffDecisionFact,
    objection_term: &ComputedTerm,
    decision: Option<ObjectionDecision>,
    postponements: &[&Postponement],
    calendar: &AtwCalendar,
) -> TermAssessment {
    let mut explanation = Explanation::new();
    explanation.step(
        "Art. 7:10 Awb",
        format_args!(
            "bezwaar {} tegen tariefbeschikking {}, ontvangen op {}: de NZa beslist binnen de beslistermijn",
            objection.objection_id,
            tariff.decision_id,
            dutch::date(objection.received_on)
        ),
    );
    let opens_on = decision_term_start(objection, filing, objection_term, &mut explanation);
    let (weeks, article, length) = if objection.advisory_committee {
        (
            12,
            "Art. 7:10 lid 1 en art. 7:13 Awb",
            "de NZa beslist binnen twaalf weken omdat een adviescommissie is ingesteld",
        )
    } else {
        (6, "Art. 7:10 lid 1 Awb", "de NZa beslist binnen zes weken")
    };
    let mut term = run_term(opens_on, weeks * 7, calendar, explanation, article, length);
    let mut lid3_used = false;
    for postponement in postponements {
        let deadline = term.last_day;
        let until = match postponement.paragraph {
            3 if lid3_used => {
                term.explanation.step(
                    "Art. 7:10 lid 3 Awb",
                    format_args!(
                        "de verdaging van {} heeft geen gevolg: de beslissing kan maar één keer worden verdaagd",
                        dutch::date(postponement.announced_on)
                    ),
                );
                None
            }
            3 => {
                lid3_used = true;
                postponed_by_lid3(postponement, deadline, calendar, &mut term.explanation)
            }
            _ => postponed_by_lid4(postponement, deadline, &mut term.explanation),
        };
        if let Some(until) = until {
            term.nominal_last_day = until;
            term.last_day = until;
            term.provisional = false;
        }
    }
    let settled_on = decision.map(|d| d.announced_on);
    if let Some(decided) = decision {
        term.explanation.step(
            "Art. 7:10 Awb",
            format_args!(
                "de NZa heeft op {} op het bezwaar beslist, bekendgemaakt op {}{}",
                dutch::date(decided.decided_on),
                dutch::date(decided.announced_on),
                if decided.announced_on > term.last_day { ", na afloop van de beslistermijn" } else { "" }
            ),
        );
    }
    let timeline = TermTimeline { settled_on, ..TermTimeline::new(term.opens_on, term.last_day) };
    TermAssessment {
        basis: TermBasis::Awb7_10,
        decision_id: tariff.decision_id.clone(),
        tariff_decision: Some(tariff.decision_id.clone()),
        provider: Some(tariff.provider.clone()),
        objection_id: Some(objection.objection_id.clone()),
        appeal_id: None,
        explanation: term.explanation.clone(),
        term: Some(term),
        timeline: Some(timeline),
        reason: None,
        status: TermStatus::Pending,
        reading: None,
    }
}

/// The objections to the tariff decisions in `tariffs` known on `as_of` (received on or before it), each
/// classified and with its decision term judged on `as_of`; postponements and decisions count from the day
/// they were notified.
pub fn assess_objections(
    objections: &[ObjectionFact],
    tariffs: &[TariffDecisionFact],
    calendar: &AtwCalendar,
    as_of: NaiveDate,
) -> Vec<ObjectionAssessment> {
    objections
        .iter()
        .filter(|o| o.received_on <= as_of)
        .filter_map(|objection| {
            let tariff = tariffs.iter().find(|t| t.decision_id == objection.tariff_decision)?;
            let announced_on = tariff.announced_on.filter(|on| *on <= as_of);
            let term = announced_on.map(|on| objection_term(&tariff.decision_id, on, calendar));
            let classified = classify_objection(objection, tariff, term.as_ref(), calendar);
            let decision = objection.decision.filter(|d| d.announced_on <= as_of);
            let mut postponements: Vec<&Postponement> =
                objection.postponements.iter().filter(|p| p.announced_on <= as_of).collect();
            postponements.sort_by_key(|p| p.announced_on);
            let decision_term = term.as_ref().map(|term| {
                let mut assessed = objection_decision_term(
                    objection,
                    classified.filing,
                    tariff,
                    term,
                    decision,
                    &postponements,
                    calendar,
                );
                if let Some(timeline) = assessed.timeline.as_ref() {
                    assessed.status = term_status_on(timeline, as_of).0;
                }
                assessed
            });
            Some(ObjectionAssessment {
                objection_id: objection.objection_id.clone(),
                tariff_decision: objection.tariff_decision.clone(),
                objector: objection.objector.clone(),
                received_on: objection.received_on,
                posted_on: objection.posted_on,
                advisory_committee: objection.advisory_committee,
                filing: classified.filing,
                provisional: classified.provisional,
                explanation: classified.explanation,
                decision_term,
                decision,
            })
        })
        .collect()
}
