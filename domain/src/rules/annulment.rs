//! R14, art. 8:70 and 8:72 Awb: what an upheld appeal annuls, and what the annulment does to terms. Also the one
//! function that says where a term stands on a date, used by every view and feed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::{NotOpenedReason, TermStatus};

/// R14, art. 8:72 lid 1 Awb: by default an upheld appeal annuls the decision it was against or, when art. 6:19
/// Awb extended it, the latest decision it reached (`reached` in legal order); only in its own region-year.
pub fn annulled_by_default(against: usize, reached: &[usize]) -> usize {
    reached.iter().copied().max().unwrap_or(against)
}

/// What a term's status on any date depends on, fixed once the facts are known: its days, the day the
/// decision it runs against was annulled (R14), and the last day on which it is conditional (R9).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermTimeline {
    pub opens_on: NaiveDate,
    pub last_day: NaiveDate,
    /// The day of the judgment that annulled the decision: the term acts on it from that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annulled_on: Option<NaiveDate>,
    /// A conditional term (R9): conditional up to and including this day, not opened after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_until: Option<NaiveDate>,
}

/// Where a term stands on `on` (DOMAIN.md, Statuses), with the reason for `not_opened` or an annulment's
/// `closed`: R14 acts from the judgment's own day (a term not yet begun is not opened, one still open closes);
/// a conditional term (R9) stays conditional until finality is declared, then is not opened; otherwise pending
/// before day 1, open to its last day, closed after.
pub fn term_status_on(timeline: &TermTimeline, on: NaiveDate) -> (TermStatus, Option<NotOpenedReason>) {
    if let Some(judgment) = timeline.annulled_on.filter(|j| *j <= on) {
        if timeline.opens_on >= judgment {
            return (TermStatus::NotOpened, Some(NotOpenedReason::DecisionAnnulled));
        }
        if timeline.last_day >= judgment {
            return (TermStatus::Closed, Some(NotOpenedReason::DecisionAnnulled));
        }
    }
    if let Some(until) = timeline.conditional_until {
        return if on <= until {
            (TermStatus::Conditional, None)
        } else {
            (TermStatus::NotOpened, Some(NotOpenedReason::SpaceIrrevocable))
        };
    }
    if on < timeline.opens_on {
        (TermStatus::Pending, None)
    } else if on <= timeline.last_day {
        (TermStatus::Open, None)
    } else {
        (TermStatus::Closed, None)
    }
}
