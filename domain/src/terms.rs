//! The terms themselves: when they start, how long they run, when they end (R1-R4, R6, R10).

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::AtwCalendar;
use crate::dutch;
use crate::explanation::Explanation;
use crate::values::DecisionId;

/// Art. 6:7 Awb: six weeks, which is exactly 42 days.
pub const SIX_WEEKS: u64 = 42;

/// A term with its dates and the reasoning that produced them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComputedTerm {
    /// Day 1 of the term.
    pub opens_on: NaiveDate,
    /// Day 42: the last day before the Algemene termijnenwet is applied.
    pub nominal_last_day: NaiveDate,
    /// The last day on which filing is on time, after art. 1 Atw.
    pub last_day: NaiveDate,
    /// True when a year the end depends on has no known decree of equated days.
    pub provisional: bool,
    pub explanation: Explanation,
}

/// Where a term stands on a legal date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermPhase {
    /// The date lies before day 1.
    Pending,
    Open,
    /// The date lies after the last day.
    Closed,
}

impl ComputedTerm {
    pub fn phase(&self, on: NaiveDate) -> TermPhase {
        if on < self.opens_on {
            TermPhase::Pending
        } else if on <= self.last_day {
            TermPhase::Open
        } else {
            TermPhase::Closed
        }
    }
}

pub(crate) fn add_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

/// The day after `day` (art. 6:8 lid 1 Awb: a term starts on the day after announcement).
pub fn day_after(day: NaiveDate) -> NaiveDate {
    add_days(day, 1)
}

/// R1 and R6: a term of `days` days whose first day is `opens_on`, ended by art. 1 Atw. `explanation` already
/// holds the steps that fixed day 1; `length_step` states the length with its article.
pub(crate) fn run_term(
    opens_on: NaiveDate,
    days: u64,
    calendar: &AtwCalendar,
    mut explanation: Explanation,
    length_article: &str,
    length_text: impl std::fmt::Display,
) -> ComputedTerm {
    let nominal_last_day = add_days(opens_on, days - 1);
    explanation.step(
        length_article,
        format_args!(
            "{length_text}; de termijn loopt van {} tot en met {} (nominale laatste dag, dag {days})",
            dutch::weekday_date(opens_on),
            dutch::weekday_date(nominal_last_day)
        ),
    );
    let extension = calendar.extend(nominal_last_day);
    extension.explain(&mut explanation);
    ComputedTerm {
        opens_on,
        nominal_last_day,
        last_day: extension.last_day,
        provisional: extension.provisional(),
        explanation,
    }
}

/// The six-week term of art. 6:7 Awb, from day 1.
fn six_weeks_from(opens_on: NaiveDate, calendar: &AtwCalendar, explanation: Explanation, what: &str) -> ComputedTerm {
    run_term(
        opens_on,
        SIX_WEEKS,
        calendar,
        explanation,
        "Art. 6:7 Awb",
        format_args!("de termijn voor het {what} bedraagt zes weken, dat is 42 dagen"),
    )
}

/// R2: art. 6:8 lid 1 Awb, the term starts on the day after announcement.
fn start_after_announcement(
    explanation: &mut Explanation,
    what: impl std::fmt::Display,
    announced_on: NaiveDate,
) -> NaiveDate {
    let opens_on = day_after(announced_on);
    explanation.step(
        "Art. 6:8 lid 1 Awb",
        format_args!(
            "de termijn vangt aan met ingang van de dag na die waarop {what} op de voorgeschreven wijze is \
             bekendgemaakt ({}): {}",
            dutch::date(announced_on),
            dutch::weekday_date(opens_on)
        ),
    );
    opens_on
}

/// R2 with R1: six weeks from the day after `what` was announced on `announced_on`, after the steps in
/// `explanation` (art. 6:7 and 6:8 lid 1 Awb).
pub fn six_weeks_after_announcement(
    mut explanation: Explanation,
    what: impl std::fmt::Display,
    announced_on: NaiveDate,
    calendar: &AtwCalendar,
) -> ComputedTerm {
    let opens_on = start_after_announcement(&mut explanation, what, announced_on);
    six_weeks_from(opens_on, calendar, explanation, "instellen van beroep")
}

/// R3, art. 105 lid 2 Wmg (new): the term to appeal the regional contracting space that the NZa applied in a
/// tariff decision starts on the day after that tariff decision is announced, together with the objection term
/// against the tariff decision. An amended tariff decision starts a new term the same way. `link` holds the
/// steps that settled which decision the tariff decision applies.
pub fn rcs_term_from_tariff_decision(
    tariff_decision: &DecisionId,
    amended: bool,
    tariff_announced_on: NaiveDate,
    space_decision: &DecisionId,
    space_announced_on: NaiveDate,
    link: Explanation,
    calendar: &AtwCalendar,
) -> ComputedTerm {
    let mut explanation = link;
    let kind = if amended { "gewijzigde tariefbeschikking" } else { "tariefbeschikking" };
    explanation.step(
        "Art. 105 lid 2 Wmg",
        format_args!(
            "de termijn voor rechtstreeks beroep bij het CBb tegen de regionale contracteerruimte van besluit \
             {space_decision} vangt aan met ingang van de dag na bekendmaking van de {kind} {tariff_decision}{}",
            if space_announced_on > tariff_announced_on {
                ""
            } else {
                " en loopt gelijk op met de bezwaartermijn tegen die beschikking"
            }
        ),
    );
    // A term cannot run against a decision before that decision has been announced (art. 3:40 Awb).
    let opens_on = if space_announced_on > tariff_announced_on {
        let opens_on = day_after(space_announced_on);
        explanation.step(
            "Art. 3:40 Awb",
            format_args!(
                "besluit {space_decision} is pas bekendgemaakt op {}, na de {kind}; tegen een besluit loopt geen \
                 termijn voordat het is bekendgemaakt (art. 6:8 lid 1 Awb); de termijn vangt daarom aan op {}, de dag \
                 na die bekendmaking, en loopt niet gelijk op met de bezwaartermijn",
                dutch::date(space_announced_on),
                dutch::weekday_date(opens_on)
            ),
        );
        opens_on
    } else {
        start_after_announcement(&mut explanation, format_args!("de {kind}"), tariff_announced_on)
    };
    six_weeks_from(opens_on, calendar, explanation, "instellen van beroep")
}

/// R4, art. 105 lid 3 Wmg (new): the term starts "met ingang van 1 maart" of the calendar year after the year
/// in which the space was announced; 1 March is day 1.
pub fn rcs_term_from_first_of_march(
    space_decision: &DecisionId,
    space_year: i32,
    space_announced_on: NaiveDate,
    calendar: &AtwCalendar,
) -> ComputedTerm {
    let start_year = space_announced_on.year() + 1;
    let opens_on = NaiveDate::from_ymd_opt(start_year, 3, 1).unwrap_or(NaiveDate::MAX);
    let mut explanation = Explanation::new();
    explanation.step(
        "Art. 105 lid 3 Wmg",
        format_args!(
            "besluit {space_decision} stelt de regionale contracteerruimte vast voor {space_year}, een toekomstig \
             kalenderjaar, en is bekendgemaakt op {} toen voor die regio en dat jaar nog geen tariefbeschikking \
             was bekendgemaakt; de termijn voor rechtstreeks beroep bij het CBb vangt aan met ingang van 1 maart \
             van het kalenderjaar volgend op het jaar van bekendmaking: {}",
            dutch::date(space_announced_on),
            dutch::weekday_date(opens_on)
        ),
    );
    six_weeks_from(opens_on, calendar, explanation, "instellen van beroep")
}

/// Art. 6:7 and 6:8 Awb: the six-week objection term against a tariff decision (including a Wlz-sluittarief),
/// from the day after its announcement.
pub fn objection_term(tariff_decision: &DecisionId, announced_on: NaiveDate, calendar: &AtwCalendar) -> ComputedTerm {
    let mut explanation = Explanation::new();
    explanation.step(
        "Art. 7:1 Awb",
        format_args!("tegen tariefbeschikking {tariff_decision} kan bezwaar worden gemaakt bij de NZa"),
    );
    let opens_on = start_after_announcement(&mut explanation, "de tariefbeschikking", announced_on);
    six_weeks_from(opens_on, calendar, explanation, "maken van bezwaar")
}
