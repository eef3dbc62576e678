//! R7: whether an appeal was filed on time (art. 6:9, 6:10, 6:11 Awb), over the terms that count for its
//! appellant. An appeal is never refused: every filing is classified and recorded.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dutch;
use crate::explanation::Explanation;
use crate::terms::ComputedTerm;

/// How an appeal was filed relative to the terms that count for its appellant.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filing {
    /// Received within a term (art. 6:9 lid 1 Awb).
    OnTime,
    /// Posted within a term and received no later than a week after it (art. 6:9 lid 2 Awb).
    OnTimeByPost,
    /// Filed before a term began (art. 6:10 Awb): admissible when the decision already existed.
    Premature,
    /// Filed after every term counting for the appellant ended; the court may excuse it (art. 6:11 Awb).
    Late,
    /// No term counts for this appellant at all.
    NoTerm,
}

impl Filing {
    /// Whether a pending appeal filed this way holds back finality (R9): premature, on time or on time by post.
    pub fn holds_back_finality(self) -> bool {
        matches!(self, Self::OnTime | Self::OnTimeByPost | Self::Premature)
    }
}

/// A term that counts for the appellant, with a short label for the explanation.
#[derive(Debug, Clone, Copy)]
pub struct CountingTerm<'a> {
    pub label: &'a str,
    pub term: &'a ComputedTerm,
}

/// What holds when no term counts for the appellant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithoutTerm {
    /// A term may still begin for this appellant (a tariff decision may still apply the space, or the decision
    /// has not been announced yet): the filing is premature (art. 6:10 Awb).
    MayStillBegin(String),
    /// No term counts and none can begin; the reason, with its article, as a complete explanation step.
    None { article: &'static str, reason: String },
}

/// The one-week grace for a posted appeal (art. 6:9 lid 2 Awb).
const POST_GRACE_DAYS: u64 = 7;

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

/// R7: classifies a filing received on `received_on` (and posted on `posted_on`, if sent by post) against the
/// terms that count for its appellant. On time for any term is on time.
pub fn classify_filing(
    received_on: NaiveDate,
    posted_on: Option<NaiveDate>,
    terms: &[CountingTerm<'_>],
    without_term: &WithoutTerm,
) -> (Filing, Explanation) {
    let mut explanation = Explanation::new();
    if terms.is_empty() {
        return match without_term {
            WithoutTerm::MayStillBegin(why) => {
                explanation.step(
                    "Art. 6:10 Awb",
                    format_args!(
                        "ontvangen op {} terwijl voor deze appellant nog geen termijn loopt ({why}); het beroep is \
                         voorbarig en ontvankelijk als het besluit toen al bestond",
                        dutch::date(received_on)
                    ),
                );
                (Filing::Premature, explanation)
            }
            WithoutTerm::None { article, reason } => {
                explanation.step(article, reason);
                explanation
                    .step("Art. 6:11 Awb", "het beroep is geregistreerd; de rechter oordeelt over de ontvankelijkheid");
                (Filing::NoTerm, explanation)
            }
        };
    }
    if let Some(t) = terms.iter().find(|t| t.term.opens_on <= received_on && received_on <= t.term.last_day) {
        explanation.step(
            "Art. 6:9 lid 1 Awb",
            format_args!(
                "ontvangen op {}, binnen de termijn van {} ({}); tijdig",
                dutch::date(received_on),
                term_span(t.term),
                t.label
            ),
        );
        return (Filing::OnTime, explanation);
    }
    if let Some(posted) = posted_on {
        let by_post = terms.iter().find(|t| {
            let grace_end = t.term.last_day.checked_add_days(Days::new(POST_GRACE_DAYS)).unwrap_or(NaiveDate::MAX);
            posted <= t.term.last_day && t.term.last_day < received_on && received_on <= grace_end
        });
        if let Some(t) = by_post {
            explanation.step(
                "Art. 6:9 lid 2 Awb",
                format_args!(
                    "ter post bezorgd op {}, voor het einde van de termijn van {} ({}), en ontvangen op {}, niet \
                     later dan een week na afloop; tijdig",
                    dutch::date(posted),
                    term_span(t.term),
                    t.label,
                    dutch::date(received_on)
                ),
            );
            return (Filing::OnTimeByPost, explanation);
        }
    }
    if let Some(t) = terms.iter().filter(|t| received_on < t.term.opens_on).min_by_key(|t| t.term.opens_on) {
        explanation.step(
            "Art. 6:10 Awb",
            format_args!(
                "ontvangen op {}, voor het begin van de termijn van {} ({}); voorbarig, maar ontvankelijk omdat het \
                 besluit toen al bestond",
                dutch::date(received_on),
                term_span(t.term),
                t.label
            ),
        );
        return (Filing::Premature, explanation);
    }
    let last = terms.iter().max_by_key(|t| t.term.last_day).expect("terms is not empty");
    explanation.step(
        "Art. 6:9 Awb",
        format_args!(
            "ontvangen op {}{}, na afloop van de laatste termijn die voor deze appellant telt, {} ({}); te laat",
            dutch::date(received_on),
            posted_on.map(|p| format!(" (ter post bezorgd op {})", dutch::date(p))).unwrap_or_default(),
            term_span(last.term),
            last.label
        ),
    );
    explanation.step(
        "Art. 6:11 Awb",
        "het beroep is geregistreerd; de rechter kan de termijnoverschrijding verschoonbaar achten",
    );
    (Filing::Late, explanation)
}
