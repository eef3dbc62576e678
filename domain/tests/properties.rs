//! Properties over many random dates: the term engine never ends a term on a non-working day, never before its
//! nominal last day, classifies filings consistently at the edges of a term, and judges the same facts alike in
//! whatever order they were recorded.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use termijn_domain::filing::{Against, CountingTerm, Filing, WithoutTerm, classify_filing};
use termijn_domain::record::{
    Consequence, JudgmentFact, NoAppealConfirmation, ObjectionDecision, ObjectionFact, Postponement,
    PostponementGround, ReceivedBy,
};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, Appellant, DecisionStatus, RegionYearFacts, SpaceDecisionFact,
    SpaceDecisionKind, TariffDecisionFact, TariffKind, TermStatus, assess_region_year,
};
use termijn_domain::terms::{objection_term, rcs_term_from_first_of_march};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1 January 1990 to 31 December 2099.
    (0u64..40_176).prop_map(|offset| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(offset))
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).unwrap()
}

proptest! {
    // Failures are saved in `properties.proptest-regressions` and replayed first on every run.
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

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
        let terms = [CountingTerm { label: "x", term: &term, conditional: false }];
        let none = WithoutTerm::MayStillBegin(String::new());
        let against = Against::appeal(Some(announced), false);
        let classify = |received: NaiveDate, posted: Option<NaiveDate>| {
            classify_filing(received, posted, &terms, &none, &against, &context.calendar).filing
        };
        let day = |d: NaiveDate, n: i64| d.checked_add_signed(chrono::TimeDelta::days(n)).unwrap();
        // The post week of art. 6:9 lid 2 Awb, extended by art. 1 Atw.
        let week_end = context.calendar.extend(day(term.last_day, 7)).last_day;
        prop_assert_eq!(classify(day(term.opens_on, -1), None), Filing::Premature);
        prop_assert_eq!(classify(term.opens_on, None), Filing::OnTime);
        prop_assert_eq!(classify(term.last_day, None), Filing::OnTime);
        prop_assert_eq!(classify(day(term.last_day, 1), None), Filing::Late);
        prop_assert_eq!(classify(day(term.last_day, 7), Some(term.last_day)), Filing::OnTimeByPost);
        prop_assert_eq!(classify(week_end, Some(term.last_day)), Filing::OnTimeByPost);
        prop_assert_eq!(classify(day(week_end, 1), Some(term.last_day)), Filing::Late);
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
            judgments: Vec::new(),
            confirmations: Vec::new(),
            objections: Vec::new(),
        };
        if let Some(offset) = appeal_offset {
            facts.appeals.push(AppealFact {
                appeal_id: AppealId::parse("A").unwrap(),
                appellant: Appellant::Other("vereniging".to_owned()),
                against_decision: id("S"),
                received_on: announced + Days::new(offset),
                posted_on: None,
                received_by: Default::default(),
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
            prop_assert!(matches!(
                view.status,
                Some(DecisionStatus::Irrevocable | DecisionStatus::PostWeek | DecisionStatus::AwaitingNotice)
            ));
        }
    }

}

proptest! {
    // Each case judges a whole history twice at six dates.
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn recording_order_does_not_change_the_law(
        history in history(),
        order in proptest::collection::vec(any::<u32>(), 12),
        judged in proptest::collection::vec(0u64..900, 6),
    ) {
        let context = LegalContext::shipped().unwrap();
        let mut shuffled = history.clone();
        let mut key = order.iter().cycle().copied();
        shuffled.decisions.sort_by_cached_key(|_| key.next());
        shuffled.tariff_decisions.sort_by_cached_key(|_| key.next());
        shuffled.appeals.sort_by_cached_key(|_| key.next());
        shuffled.judgments.sort_by_cached_key(|_| key.next());
        shuffled.confirmations.sort_by_cached_key(|_| key.next());
        shuffled.objections.sort_by_cached_key(|_| key.next());
        let start = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        for offset in judged {
            let as_of = start + Days::new(offset);
            let mut recorded = assess_region_year(&history, &context, as_of);
            let mut reordered = assess_region_year(&shuffled, &context, as_of);
            for view in [&mut recorded, &mut reordered] {
                // Lists shown in recording order; their content must not depend on it.
                view.appeals.sort_by(|a, b| a.appeal_id.as_str().cmp(b.appeal_id.as_str()));
                view.objections.sort_by(|a, b| a.objection_id.cmp(&b.objection_id));
                view.nza_deadlines.sort_by(|a, b| {
                    (a.basis.citation(), &a.objection_id, &a.appeal_id, &a.decision_id)
                        .cmp(&(b.basis.citation(), &b.objection_id, &b.appeal_id, &b.decision_id))
                });
            }
            prop_assert_eq!(recorded, reordered, "judged on {}", as_of);
        }
    }
}

/// A random region-year history after commencement: an establishment for a future year, amendments, tariff
/// decisions (some named, some amended, a sluittarief), appeals with postings, withdrawals and judgments, some
/// announced later than taken and some never announced.
fn history() -> impl Strategy<Value = RegionYearFacts> {
    let day = || (0u64..700).prop_map(|n| NaiveDate::from_ymd_opt(2025, 6, 1).unwrap() + Days::new(n));
    let decision = (day(), proptest::option::weighted(0.9, 0u64..30), any::<bool>());
    let tariff = (day(), proptest::option::weighted(0.85, 0u64..20), 0u8..4, 0usize..4, any::<bool>());
    let appeal = (
        0usize..4,
        day(),
        proptest::option::weighted(0.2, 1u64..6),
        proptest::option::weighted(0.4, (30u64..300, 0u8..4)),
        any::<bool>(),
    );
    // What a judgment orders (consequence, whether it names what it annuls, a period), objections (tariff
    // decision, receipt, an advisory committee, postponements, a decision), confirmations (decision, day).
    let order = (0u8..3, proptest::option::weighted(0.3, 0usize..4), proptest::option::weighted(0.3, 10u64..90));
    let objection = (
        0usize..5,
        day(),
        any::<bool>(),
        proptest::collection::vec((3u8..5, proptest::option::of(1u64..80), 0u64..120), 0..3),
        proptest::option::weighted(0.4, 20u64..200),
    );
    let confirmation = (0usize..4, day());
    (
        (
            proptest::collection::vec(decision, 1..4),
            proptest::collection::vec(tariff, 0..5),
            proptest::collection::vec(appeal, 0..4),
        ),
        (
            proptest::collection::vec(order, 4),
            proptest::collection::vec(objection, 0..3),
            proptest::collection::vec(confirmation, 0..2),
            proptest::collection::vec(any::<bool>(), 4),
        ),
    )
        .prop_map(|((decisions, tariffs, appeals), (orders, objections, confirmations, misdirected))| {
            let decisions: Vec<SpaceDecisionFact> = decisions
                .into_iter()
                .enumerate()
                .map(|(i, (decided_on, announce_after, amendment))| SpaceDecisionFact {
                    decision_id: id(&format!("S{i}")),
                    kind: if amendment && i > 0 {
                        SpaceDecisionKind::Amendment
                    } else {
                        SpaceDecisionKind::Establishment
                    },
                    decided_on,
                    announced_on: announce_after.map(|n| decided_on + Days::new(n)),
                    amount: Euro::parse(&format!("{}.00", 1000 + i)).unwrap(),
                })
                .collect();
            let count = decisions.len();
            let tariff_decisions: Vec<TariffDecisionFact> = tariffs
                .into_iter()
                .enumerate()
                .map(|(i, (decided_on, announce_after, kind, named, names))| TariffDecisionFact {
                    decision_id: id(&format!("T{i}")),
                    provider: AgbCode::parse(&format!("{:08}", 10_000_000 + i % 3)).unwrap(),
                    kind: [TariffKind::Tariff, TariffKind::AmendedTariff, TariffKind::Tariff, TariffKind::Sluittarief]
                        [kind as usize],
                    decided_on,
                    announced_on: announce_after.map(|n| decided_on + Days::new(n)),
                    applied_space_decision: (names && decisions[named % count].decided_on <= decided_on)
                        .then(|| decisions[named % count].decision_id.clone()),
                })
                .collect();
            let appeals = appeals
                .into_iter()
                .enumerate()
                .map(|(i, (against, received_on, posted_before, ending, provider))| AppealFact {
                    received_by: if misdirected[i] { ReceivedBy::Nza } else { ReceivedBy::Cbb },
                    appeal_id: AppealId::parse(&format!("A{i}")).unwrap(),
                    appellant: if provider {
                        Appellant::Provider(AgbCode::parse("10000001").unwrap())
                    } else {
                        Appellant::Other("patiëntenorganisatie".to_owned())
                    },
                    against_decision: decisions[against % count].decision_id.clone(),
                    received_on,
                    posted_on: posted_before.map(|n| received_on - Days::new(n)),
                    ending: ending.map(|(after, outcome)| AppealEnding {
                        on: received_on + Days::new(after),
                        outcome: [
                            AppealOutcome::Withdrawn,
                            AppealOutcome::Dismissed,
                            AppealOutcome::Upheld,
                            AppealOutcome::Inadmissible,
                        ][outcome as usize],
                    }),
                })
                .collect::<Vec<AppealFact>>();
            let judgments = appeals
                .iter()
                .zip(&orders)
                .filter_map(|(appeal, &(consequence, names, period))| {
                    let ending = appeal.ending.filter(|e| e.outcome == AppealOutcome::Upheld)?;
                    let consequence = [
                        Consequence::NewDecisionRequired,
                        Consequence::LegalEffectsMaintained,
                        Consequence::CourtDecided,
                    ][consequence as usize];
                    Some(JudgmentFact {
                        appeal_id: appeal.appeal_id.clone(),
                        judgment_on: ending.on,
                        annuls: names.map(|n| vec![decisions[n % count].decision_id.clone()]),
                        consequence,
                        amount: (consequence == Consequence::CourtDecided).then(|| Euro::parse("999.00").unwrap()),
                        new_decision_by: period
                            .filter(|_| consequence == Consequence::NewDecisionRequired)
                            .map(|n| ending.on + Days::new(n)),
                    })
                })
                .collect();
            let objections = if tariff_decisions.is_empty() {
                Vec::new()
            } else {
                objections
                    .into_iter()
                    .enumerate()
                    .map(|(i, (tariff, received_on, committee, postponements, decided_after))| ObjectionFact {
                        objection_id: ObjectionId::parse(&format!("B{i}")).unwrap(),
                        tariff_decision: tariff_decisions[tariff % tariff_decisions.len()].decision_id.clone(),
                        objector: Appellant::Provider(AgbCode::parse("10000002").unwrap()),
                        received_on,
                        posted_on: None,
                        advisory_committee: committee,
                        // Notified on distinct days: two notices of one day have no order in law either.
                        postponements: postponements
                            .into_iter()
                            .enumerate()
                            .map(|(k, (paragraph, until, after))| Postponement {
                                paragraph,
                                until: until.map(|n| received_on + Days::new(60 + n)),
                                ground: (paragraph == 4).then_some(PostponementGround::C),
                                announced_on: received_on + Days::new(after * 2 + k as u64),
                            })
                            .collect(),
                        decision: decided_after.map(|n| ObjectionDecision {
                            decided_on: received_on + Days::new(n),
                            announced_on: received_on + Days::new(n + 1),
                        }),
                    })
                    .collect()
            };
            let confirmations = confirmations
                .into_iter()
                .map(|(d, confirmed_on)| NoAppealConfirmation {
                    decision_id: decisions[d % count].decision_id.clone(),
                    confirmed_on,
                })
                .collect();
            RegionYearFacts {
                judgments,
                confirmations,
                objections,
                region: RegionSlug::parse("groningen").unwrap(),
                year: 2027,
                decisions,
                tariff_decisions,
                appeals,
            }
        })
}
