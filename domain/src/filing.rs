//! R7: whether an appeal was filed on time (art. 6:9, 6:10, 6:11 Awb), over every term of the decision it is
//! against (every term counts for every appellant). An appeal is never refused: every filing is classified
//! and recorded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::rules::finality::post_week_end;
use crate::terms::ComputedTerm;

/// How an appeal was filed relative to the terms of its decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filing {
    /// Received within a term (art. 6:9 lid 1 Awb).
    OnTime,
    /// Posted within a term and received no later than a week after it (art. 6:9 lid 2 Awb).
    OnTimeByPost,
    /// Filed before a term began (art. 6:10 Awb).
    Premature,
    /// Filed after every term ended; the court may excuse it (art. 6:11 Awb).
    Late,
    /// The decision was announced before commencement and opened no term (R12).
    NoTerm,
}

impl Filing {
    /// Whether a pending appeal filed this way holds back finality (R9): premature, on time or on time by post.
    pub fn holds_back_finality(self) -> bool {
        matches!(self, Self::OnTime | Self::OnTimeByPost | Self::Premature)
    }

    /// Principle 2: the better of two classifications (on time > by post > premature > late > no term).
    pub fn best(self, other: Self) -> Self {
        self.min(other)
    }
}

/// A term of the decision, with a short label for the explanation.
#[derive(Debug, Clone, Copy)]
pub struct CountingTerm<'a> {
    pub label: &'a str,
    pub term: &'a ComputedTerm,
    /// A conditional term (R9): a filing in it is late, with the condition stated.
    pub conditional: bool,
}

/// What holds for the decision besides its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithoutTerm {
    /// A term may still begin (a tariff decision may still apply the space, or the decision has not been
    /// announced yet): a filing before it is premature (art. 6:10 Awb).
    MayStillBegin(String),
    /// Art. 105 lid 2-4 Wmg do not apply (R12): no term opens; the reason as a complete explanation step.
    None { article: &'static str, reason: String },
}

/// The decision a filing is against, as far as its classification depends on it.
#[derive(Debug, Clone, Copy)]
pub struct Against {
    /// The day the decision was taken, when it exists on the judging date (art. 6:10 lid 1 onder a Awb).
    pub decided_on: Option<NaiveDate>,
    /// R13 with principle 2: only an R13 term has run, no tariff decision has applied the decision and it was
    /// current when the filing was received: a filing after that term still awaits the lid-2 term.
    pub awaits_tariff_decision: bool,
    /// Who may excuse a late filing (art. 6:11 Awb): "het CBb" for an appeal, "de NZa" for an objection.
    pub excused_by: &'static str,
}

impl Against {
    /// An appeal to the CBb against a decision taken on `decided_on`.
    pub fn appeal(decided_on: Option<NaiveDate>, awaits_tariff_decision: bool) -> Self {
        Self { decided_on, awaits_tariff_decision, excused_by: "het CBb" }
    }
}

/// A filing's classification, its explanation, and whether it rests on a provisional date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub filing: Filing,
    pub explanation: Explanation,
    pub provisional: bool,
}

/// "2 maart 2026 tot en met 13 april 2026", written out where it is formatted.
fn term_span(term: &ComputedTerm) -> impl std::fmt::Display + '_ {
    struct Span<'t>(&'t ComputedTerm);
    impl std::fmt::Display for Span<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{} tot en met {}", dutch::date(self.0.opens_on), dutch::date(self.0.last_day))
        }
    }
    Span(term)
}

/// Art. 6:11 Awb, said of every statement that rests on a filing being late.
fn excusable(against: &Against) -> String {
    format!("tenzij {} de termijnoverschrijding verschoonbaar acht (art. 6:11 Awb)", against.excused_by)
}

/// Art. 6:10 lid 1 Awb: a filing before day 1 is not declared inadmissible on that ground when the decision had
/// been taken when it was received (onder a), or, before that, when the appellant could reasonably think it had
/// been (onder b).
fn premature_step(
    explanation: &mut Explanation,
    received_on: NaiveDate,
    against: &Against,
    before: impl std::fmt::Display,
) {
    match against.decided_on.filter(|taken| *taken <= received_on) {
        Some(taken) => explanation.step(
            "Art. 6:10 lid 1 onder a Awb",
            format_args!(
                "ontvangen op {}, {before}; het besluit was toen al genomen ({}), zodat niet-ontvankelijkverklaring op \
                 die grond achterwege blijft",
                dutch::date(received_on),
                dutch::date(taken)
            ),
        ),
        None => explanation.step(
            "Art. 6:10 lid 1 onder b Awb",
            format_args!(
                "ontvangen op {}, {before}, voordat het besluit was genomen; niet-ontvankelijkverklaring blijft \
                 achterwege als de indiener redelijkerwijs kon menen dat het besluit al tot stand was gekomen",
                dutch::date(received_on)
            ),
        ),
    }
}

/// R7: classifies a filing received on `received_on` (and posted on `posted_on`, if sent by post) against every
/// term of the decision. On time for any term is on time (principle 2).
pub fn classify_filing(
    received_on: NaiveDate,
    posted_on: Option<NaiveDate>,
    terms: &[CountingTerm<'_>],
    without_term: &WithoutTerm,
    against: &Against,
    calendar: &AtwCalendar,
) -> Classified {
    let mut explanation = Explanation::new();
    let ordinary: Vec<&CountingTerm<'_>> = terms.iter().filter(|t| !t.conditional).collect();
    if let Some(t) = ordinary.iter().find(|t| t.term.opens_on <= received_on && received_on <= t.term.last_day) {
        explanation.step(
            "Art. 6:9 lid 1 Awb",
            format_args!(
                "ontvangen op {}, binnen de termijn van {} ({}); tijdig",
                dutch::date(received_on),
                term_span(t.term),
                t.label
            ),
        );
        return Classified { filing: Filing::OnTime, explanation, provisional: t.term.provisional };
    }
    if let Some(posted) = posted_on {
        for t in &ordinary {
            if posted < t.term.opens_on || posted > t.term.last_day || received_on <= t.term.last_day {
                continue;
            }
            let mut week = Explanation::new();
            let week_end = post_week_end(t.term.last_day, calendar, &mut week);
            if received_on <= week_end {
                explanation.step(
                    "Art. 6:9 lid 2 Awb",
                    format_args!(
                        "ter post bezorgd (aan de universele postdienstverlener aangeboden) op {}, binnen de termijn \
                         van {} ({}), en ontvangen op {}, niet later dan een week na afloop ({}); tijdig",
                        dutch::date(posted),
                        term_span(t.term),
                        t.label,
                        dutch::date(received_on),
                        dutch::date(week_end)
                    ),
                );
                explanation.extend(week);
                let provisional = t.term.provisional || calendar.is_provisional(chrono::Datelike::year(&week_end));
                return Classified { filing: Filing::OnTimeByPost, explanation, provisional };
            }
        }
    }
    if let Some(t) = ordinary.iter().filter(|t| received_on < t.term.opens_on).min_by_key(|t| t.term.opens_on) {
        premature_step(
            &mut explanation,
            received_on,
            against,
            format_args!("voor het begin van de termijn van {} ({}); voorbarig", term_span(t.term), t.label),
        );
        return Classified { filing: Filing::Premature, explanation, provisional: t.term.provisional };
    }
    if terms.is_empty() {
        return match without_term {
            WithoutTerm::MayStillBegin(why) => {
                premature_step(
                    &mut explanation,
                    received_on,
                    against,
                    format_args!("terwijl nog geen termijn loopt ({why}); voorbarig"),
                );
                Classified { filing: Filing::Premature, explanation, provisional: false }
            }
            WithoutTerm::None { article, reason } => {
                explanation.step(article, reason);
                explanation.step(
                    "Art. 8:1 Awb",
                    "het beroep is geregistreerd; het CBb oordeelt of de publicatie een besluit is waartegen beroep \
                     openstaat",
                );
                Classified { filing: Filing::NoTerm, explanation, provisional: false }
            }
        };
    }
    if against.awaits_tariff_decision {
        premature_step(
            &mut explanation,
            received_on,
            against,
            "na afloop van de veilige termijn van art. 6:8 lid 1 Awb, terwijl nog geen tariefbeschikking dit besluit \
             heeft toegepast en het nog geldt; de termijn van art. 105 lid 2 Wmg kan nog beginnen; voorbarig",
        );
        return Classified { filing: Filing::Premature, explanation, provisional: false };
    }
    let last_ordinary = ordinary.iter().map(|t| t.term.last_day).max();
    if let Some(t) = terms
        .iter()
        .filter(|t| t.conditional && received_on <= t.term.last_day && last_ordinary.is_none_or(|l| l < received_on))
        .min_by_key(|t| t.term.opens_on)
    {
        explanation.step(
            "Art. 105 lid 4 Wmg",
            format_args!(
                "ontvangen op {}, {} de voorwaardelijke termijn van {} ({}); te laat, maar tijdig indien blijkt dat \
                 het besluit op {} nog niet onherroepelijk was",
                dutch::date(received_on),
                if received_on < t.term.opens_on { "voor" } else { "binnen" },
                term_span(t.term),
                t.label,
                // The tariff decision's event day, on which R9(a) was judged: the day before its term opened.
                dutch::date(t.term.opens_on.pred_opt().unwrap_or(t.term.opens_on))
            ),
        );
        return Classified { filing: Filing::Late, explanation, provisional: t.term.provisional };
    }
    let last = terms.iter().max_by_key(|t| t.term.last_day).expect("terms is not empty");
    explanation.step(
        "Art. 6:9 Awb",
        format_args!(
            "ontvangen op {}{}, na afloop van de laatste termijn, {} ({}); te laat, {}",
            dutch::date(received_on),
            posted_on.map(|p| format!(" (ter post bezorgd op {})", dutch::date(p))).unwrap_or_default(),
            term_span(last.term),
            last.label,
            excusable(against)
        ),
    );
    Classified { filing: Filing::Late, explanation, provisional: last.term.provisional }
}
