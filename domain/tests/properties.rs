//! Properties over many random dates: the term engine never ends a term on a non-working day, never before its
//! nominal last day, and classifies filings consistently at the edges of a term.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use termijn_domain::filing::{CountingTerm, Filing, WithoutTerm, classify_filing};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{
    AppealFact, Appellant, DecisionStatus, RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind, TermStatus,
    assess_region_year,
};
use termijn_domain::terms::{objection_term, rcs_term_from_first_of_march};
use termijn_domain::values::{AppealId, DecisionId, Euro, RegionSlug};

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1 January 1990 to 31 December 2099.
    (0u64..40_176).prop_map(|offset| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(offset))
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_last_day_is_a_working_day_never_before_the_nominal_last_day(announced in any_date()) {
        let context = LegalContext::shipped().unwrap();
        let term = objection_term(&id("T"), announced, &context.calendar);
        prop_assert_eq!(term.opens_on, announced + Days::new(1));
        prop_assert_eq!(term.nominal_last_day, term.opens_on + Days::new(41));
        prop_assert!(term.last_day >= term.nominal_last_day);
        prop_assert!(context.calendar.is_working_day(term.last_day));
        // Every day between the nominal and the real last day is a non-working day.
        for day in term.nominal_last_day.iter_days().take_while(|d| *d < term.last_day) {
            prop_assert!(!context.calendar.is_working_day(day));
        }
        // No run of non-working days lasts a week: 5 May 2027 (Wednesday) to Sunday 9 May is five days.
        prop_assert!((term.last_day - term.nominal_last_day).num_days() < 7);
    }

    #[test]
    fn a_first_of_march_term_always_has_1_march_as_day_1_and_day_42_as_nominal_end(announced in any_date()) {
        let context = LegalContext::shipped().unwrap();
        let term = rcs_term_from_first_of_march(&id("S"), 2100, announced, &context.calendar);
        prop_assert_eq!(term.opens_on, NaiveDate::from_ymd_opt(chrono::Datelike::year(&announced) + 1, 3, 1).unwrap());
        prop_assert_eq!(term.nominal_last_day, term.opens_on + Days::new(41));
        prop_assert!(context.calendar.is_working_day(term.last_day));
    }

    #[test]
    fn filing_is_consistent_at_the_edges_of_a_term(announced in any_date()) {
        let context = LegalContext::shipped().unwrap();
        let term = objection_term(&id("T"), announced, &context.calendar);
        let terms = [CountingTerm { label: "x", term: &term }];
        let none = WithoutTerm::MayStillBegin(String::new());
        let classify = |received: NaiveDate, posted: Option<NaiveDate>| classify_filing(received, posted, &terms, &none).0;
        let day = |d: NaiveDate, n: i64| d.checked_add_signed(chrono::TimeDelta::days(n)).unwrap();
        prop_assert_eq!(classify(day(term.opens_on, -1), None), Filing::Premature);
        prop_assert_eq!(classify(term.opens_on, None), Filing::OnTime);
        prop_assert_eq!(classify(term.last_day, None), Filing::OnTime);
        prop_assert_eq!(classify(day(term.last_day, 1), None), Filing::Late);
        prop_assert_eq!(classify(day(term.last_day, 7), Some(term.last_day)), Filing::OnTimeByPost);
        prop_assert_eq!(classify(day(term.last_day, 8), Some(term.last_day)), Filing::Late);
        prop_assert_eq!(classify(day(term.last_day, 1), Some(day(term.last_day, 1))), Filing::Late);
    }

    #[test]
    fn a_space_is_never_irrevocable_while_its_term_is_open_or_an_on_time_appeal_pends(
        announced in any_date(),
        days_after in 0u64..400,
        appeal_offset in proptest::option::of(0u64..200),
    ) {
        let context = LegalContext::shipped().unwrap();
        let year = chrono::Datelike::year(&announced) + 1;
        let mut facts = RegionYearFacts {
            region: RegionSlug::parse("groningen").unwrap(),
            year,
            decisions: vec![SpaceDecisionFact {
                decision_id: id("S"),
                kind: SpaceDecisionKind::Establishment,
                decided_on: announced,
                announced_on: Some(announced),
                amount: Euro::parse("1.00").unwrap(),
            }],
            tariff_decisions: Vec::new(),
            appeals: Vec::new(),
        };
        if let Some(offset) = appeal_offset {
            facts.appeals.push(AppealFact {
                appeal_id: AppealId::parse("A").unwrap(),
                appellant: Appellant::Other("vereniging".to_owned()),
                against_decision: id("S"),
                received_on: announced + Days::new(offset),
                posted_on: None,
                ending: None,
            });
        }
        let as_of = announced + Days::new(days_after);
        let view = assess_region_year(&facts, &context, as_of);
        let open = view.terms.iter().any(|t| matches!(t.status, TermStatus::Open | TermStatus::Pending));
        let holding = view.appeals.iter().any(|a| a.filing.holds_back_finality());
        if open || holding {
            prop_assert_ne!(view.status, Some(DecisionStatus::Irrevocable));
        }
        if let Some(since) = view.irrevocable_since {
            let term = view.terms[0].term.as_ref().unwrap();
            prop_assert!(since > term.last_day);
            prop_assert!(since <= as_of);
        }
        if context.commencement.date <= announced && !open && !holding {
            prop_assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
        }
    }
}
