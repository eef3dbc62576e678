//! The term rules R1-R4 and R10 of DOMAIN.md on their worked examples.

use chrono::NaiveDate;
use termijn_domain::Explanation;
use termijn_domain::reference::LegalContext;
use termijn_domain::terms::{objection_term, rcs_term_from_first_of_march, rcs_term_from_tariff_decision};
use termijn_domain::values::DecisionId;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).unwrap()
}

fn context() -> LegalContext {
    LegalContext::shipped().unwrap()
}

#[test]
fn a_decision_announced_monday_5_january_2026_can_be_opposed_until_monday_16_february_2026() {
    let term = objection_term(&id("NZa-TB-1"), d(2026, 1, 5), &context().calendar);
    assert_eq!(term.opens_on, d(2026, 1, 6));
    assert_eq!(term.nominal_last_day, d(2026, 2, 16));
    assert_eq!(term.last_day, d(2026, 2, 16));
    assert!(!term.provisional);
    let steps = term.explanation.steps();
    assert!(steps.iter().any(|s| s.starts_with("Art. 6:8 lid 1 Awb") && s.contains("dinsdag 6 januari 2026")));
    assert!(steps.iter().any(|s| s.starts_with("Art. 6:7 Awb") && s.contains("maandag 16 februari 2026")));
    // The art. 1 Atw step, then the remark that the decree of equated days for 2026 is known from a secondary
    // source (DOMAIN.md item 8: not provisional, but said).
    assert!(steps[steps.len() - 2].starts_with("Art. 1 Algemene termijnenwet"));
    assert!(steps.last().unwrap().starts_with("Art. 3 lid 3 Algemene termijnenwet"));
    assert!(steps.last().unwrap().contains("secundaire bron"));
}

#[test]
fn a_2027_space_announced_14_november_2025_is_open_from_1_march_until_monday_13_april_2026() {
    let term = rcs_term_from_first_of_march(&id("NZa-RCS-2025-11"), 2027, d(2025, 11, 14), &context().calendar);
    assert_eq!(term.opens_on, d(2026, 3, 1));
    assert_eq!(term.nominal_last_day, d(2026, 4, 11));
    assert_eq!(term.last_day, d(2026, 4, 13));
    let steps = term.explanation.steps();
    assert!(steps[0].starts_with("Art. 105 lid 3 Wmg") && steps[0].contains("zondag 1 maart 2026"));
    assert!(steps[2].contains("zaterdag 11 april 2026") && steps[2].contains("maandag 13 april 2026"));
}

#[test]
fn the_appeal_term_from_a_tariff_decision_starts_the_day_after_its_announcement() {
    let term = rcs_term_from_tariff_decision(
        &id("NZa-TB-12345678-2026-1"),
        false,
        d(2026, 1, 23),
        &id("NZa-RCS-2025-11"),
        d(2025, 11, 14),
        Explanation::new(),
        &context().calendar,
    );
    assert_eq!(term.opens_on, d(2026, 1, 24));
    assert_eq!(term.nominal_last_day, d(2026, 3, 6));
    assert_eq!(term.last_day, d(2026, 3, 6));
    let steps = term.explanation.steps();
    assert!(steps[0].starts_with("Art. 105 lid 2 Wmg"));
    assert!(steps[1].contains("Art. 6:8 lid 1 Awb") && steps[1].contains("24 januari 2026"));
}

#[test]
fn the_appeal_term_runs_together_with_the_objection_term_against_the_same_tariff_decision() {
    let cal = context().calendar;
    let appeal = rcs_term_from_tariff_decision(
        &id("T"),
        true,
        d(2026, 3, 27),
        &id("S"),
        d(2026, 3, 1),
        Explanation::new(),
        &cal,
    );
    let objection = objection_term(&id("T"), d(2026, 3, 27), &cal);
    assert_eq!((appeal.opens_on, appeal.last_day), (objection.opens_on, objection.last_day));
    // Nominal last day Friday 8 May 2026 is a working day.
    assert_eq!(appeal.last_day, d(2026, 5, 8));
}

#[test]
fn a_term_cannot_start_before_the_space_it_runs_against_is_announced() {
    let term = rcs_term_from_tariff_decision(
        &id("T"),
        false,
        d(2026, 1, 10),
        &id("S"),
        d(2026, 1, 20),
        Explanation::new(),
        &context().calendar,
    );
    assert_eq!(term.opens_on, d(2026, 1, 21));
    assert!(term.explanation.steps().iter().any(|s| s.starts_with("Art. 3:40 Awb")));
}
