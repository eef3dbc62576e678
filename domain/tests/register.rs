//! Scenarios through the region-year assessment: terms, filing, statuses and finality (R3-R5, R7-R9, R12).

use chrono::NaiveDate;
use termijn_domain::filing::Filing;
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, AppealStatus, Appellant, DecisionStatus, NotOpenedReason,
    RegionYearAssessment, RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind, TariffDecisionFact, TariffKind,
    TermBasis, TermStatus, assess_region_year,
};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, RegionSlug};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).unwrap()
}

fn provider(agb: &str) -> Appellant {
    Appellant::Provider(AgbCode::parse(agb).unwrap())
}

fn care_office() -> Appellant {
    Appellant::CareOffice("zorgkantoor-noord".to_owned())
}

struct Register {
    facts: RegionYearFacts,
    context: LegalContext,
}

impl Register {
    fn new(year: i32) -> Self {
        Self {
            facts: RegionYearFacts {
                region: RegionSlug::parse("groningen").unwrap(),
                year,
                decisions: Vec::new(),
                tariff_decisions: Vec::new(),
                appeals: Vec::new(),
            },
            context: LegalContext::shipped().unwrap(),
        }
    }

    fn space(mut self, decision: &str, kind: SpaceDecisionKind, announced_on: NaiveDate, amount: &str) -> Self {
        self.facts.decisions.push(SpaceDecisionFact {
            decision_id: id(decision),
            kind,
            decided_on: announced_on.pred_opt().unwrap(),
            announced_on: Some(announced_on),
            amount: Euro::parse(amount).unwrap(),
        });
        self
    }

    fn establishment(self, decision: &str, announced_on: NaiveDate) -> Self {
        self.space(decision, SpaceDecisionKind::Establishment, announced_on, "812345000.00")
    }

    fn amendment(self, decision: &str, announced_on: NaiveDate) -> Self {
        self.space(decision, SpaceDecisionKind::Amendment, announced_on, "815000000.00")
    }

    fn tariff(mut self, decision: &str, agb: &str, kind: TariffKind, announced_on: NaiveDate) -> Self {
        self.facts.tariff_decisions.push(TariffDecisionFact {
            decision_id: id(decision),
            provider: AgbCode::parse(agb).unwrap(),
            kind,
            announced_on: Some(announced_on),
            applied_space_decision: None,
        });
        self
    }

    fn appeal(mut self, appeal: &str, appellant: Appellant, against: &str, received_on: NaiveDate) -> Self {
        self.facts.appeals.push(AppealFact {
            appeal_id: AppealId::parse(appeal).unwrap(),
            appellant,
            against_decision: id(against),
            received_on,
            posted_on: None,
            ending: None,
        });
        self
    }

    fn posted(mut self, on: NaiveDate) -> Self {
        self.facts.appeals.last_mut().unwrap().posted_on = Some(on);
        self
    }

    fn ended(mut self, appeal: &str, outcome: AppealOutcome, on: NaiveDate) -> Self {
        let a = self.facts.appeals.iter_mut().find(|a| a.appeal_id.as_str() == appeal).unwrap();
        a.ending = Some(AppealEnding { on, outcome });
        self
    }

    fn on(&self, as_of: NaiveDate) -> RegionYearAssessment {
        assess_region_year(&self.facts, &self.context, as_of)
    }
}

fn decision_status(view: &RegionYearAssessment, decision: &str) -> DecisionStatus {
    view.decisions.iter().find(|x| x.decision_id.as_str() == decision).unwrap().status
}

fn filing(view: &RegionYearAssessment, appeal: &str) -> Filing {
    view.appeals.iter().find(|a| a.appeal_id.as_str() == appeal).unwrap().filing
}

/// The 2027 space of the worked example in DOMAIN.md R4.
fn future_year_space() -> Register {
    Register::new(2027).establishment("NZa-RCS-2025-11", d(2025, 11, 14))
}

#[test]
fn a_future_year_space_waits_for_1_march_then_is_open_until_13_april() {
    let register = future_year_space();
    let before = register.on(d(2026, 1, 15));
    assert_eq!(before.status, Some(DecisionStatus::Pending));
    assert_eq!(before.terms.len(), 1);
    let term = &before.terms[0];
    assert_eq!(term.basis, TermBasis::Art105Lid3);
    assert_eq!(term.status, TermStatus::Pending);
    let dates = term.term.as_ref().unwrap();
    assert_eq!(
        (dates.opens_on, dates.nominal_last_day, dates.last_day),
        (d(2026, 3, 1), d(2026, 4, 11), d(2026, 4, 13))
    );

    assert_eq!(register.on(d(2026, 3, 1)).status, Some(DecisionStatus::Open));
    assert_eq!(register.on(d(2026, 4, 13)).status, Some(DecisionStatus::Open));
    let after = register.on(d(2026, 4, 14));
    assert_eq!(after.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(after.irrevocable_since, Some(d(2026, 4, 14)));
}

#[test]
fn a_space_is_not_announced_on_a_date_before_its_announcement() {
    let view = future_year_space().on(d(2025, 11, 13));
    assert_eq!(view.status, Some(DecisionStatus::NotAnnounced));
    assert!(view.terms.is_empty());
}

#[test]
fn an_irrevocable_space_opens_no_term_when_a_later_tariff_decision_applies_it() {
    let register = future_year_space().tariff("NZa-TB-12345678-2027-1", "12345678", TariffKind::Tariff, d(2027, 1, 22));
    let view = register.on(d(2027, 2, 1));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    let lid2 = view.terms.iter().find(|t| t.basis == TermBasis::Art105Lid2).unwrap();
    assert_eq!(lid2.status, TermStatus::NotOpened);
    assert_eq!(lid2.not_opened, Some(NotOpenedReason::SpaceIrrevocable));
    assert!(lid2.explanation.steps()[0].starts_with("Art. 105 lid 4 Wmg"));
    assert!(lid2.explanation.steps()[0].contains("14 april 2026"));
}

#[test]
fn an_appeal_filed_in_january_before_the_1_march_start_is_premature_and_holds_finality_until_withdrawn() {
    let register = future_year_space().appeal("CBb 26/0001", care_office(), "NZa-RCS-2025-11", d(2026, 1, 20));
    let view = register.on(d(2026, 5, 1));
    assert_eq!(filing(&view, "CBb 26/0001"), Filing::Premature);
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal));
    assert_eq!(view.irrevocable_since, None);

    let withdrawn = register.ended("CBb 26/0001", AppealOutcome::Withdrawn, d(2026, 6, 3));
    assert_eq!(withdrawn.on(d(2026, 6, 2)).status, Some(DecisionStatus::UnderAppeal));
    let view = withdrawn.on(d(2026, 6, 3));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 6, 3)));
    assert_eq!(view.appeals[0].status, AppealStatus::Withdrawn);
}

#[test]
fn an_on_time_appeal_dismissed_by_the_cbb_makes_the_space_irrevocable_on_the_day_of_judgment() {
    let register = future_year_space()
        .appeal("CBb 26/0002", provider("12345678"), "NZa-RCS-2025-11", d(2026, 3, 2))
        .ended("CBb 26/0002", AppealOutcome::Dismissed, d(2026, 10, 8));
    assert_eq!(filing(&register.on(d(2026, 3, 2)), "CBb 26/0002"), Filing::OnTime);
    assert_eq!(register.on(d(2026, 10, 7)).status, Some(DecisionStatus::UnderAppeal));
    let view = register.on(d(2026, 10, 8));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 10, 8)));
}

#[test]
fn an_appeal_received_on_the_extended_last_day_is_on_time_and_the_day_after_is_late() {
    let register = future_year_space().appeal("on-monday", care_office(), "NZa-RCS-2025-11", d(2026, 4, 13)).appeal(
        "on-tuesday",
        care_office(),
        "NZa-RCS-2025-11",
        d(2026, 4, 14),
    );
    let view = register.on(d(2026, 4, 20));
    assert_eq!(filing(&view, "on-monday"), Filing::OnTime);
    assert_eq!(filing(&view, "on-tuesday"), Filing::Late);
    let late = view.appeals.iter().find(|a| a.appeal_id.as_str() == "on-tuesday").unwrap();
    assert!(late.explanation.steps().iter().any(|s| s.starts_with("Art. 6:11 Awb")));
}

#[test]
fn a_late_appeal_does_not_hold_back_finality_but_upheld_it_annuls_the_space() {
    let register = future_year_space().appeal("late", care_office(), "NZa-RCS-2025-11", d(2026, 5, 4));
    let view = register.on(d(2026, 6, 1));
    assert_eq!(filing(&view, "late"), Filing::Late);
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 4, 14)));

    let upheld = register.ended("late", AppealOutcome::Upheld, d(2026, 11, 2));
    assert_eq!(upheld.on(d(2026, 11, 1)).status, Some(DecisionStatus::Irrevocable));
    let view = upheld.on(d(2026, 11, 2));
    assert_eq!(view.status, Some(DecisionStatus::Annulled));
    assert_eq!(view.irrevocable_since, None);
    assert_eq!(view.decisions[0].annulled_on, Some(d(2026, 11, 2)));
}

#[test]
fn an_appeal_posted_on_the_last_day_and_received_within_a_week_is_on_time_by_post() {
    let register = future_year_space()
        .appeal("post", care_office(), "NZa-RCS-2025-11", d(2026, 4, 17))
        .posted(d(2026, 4, 13))
        .appeal("too-slow", care_office(), "NZa-RCS-2025-11", d(2026, 4, 21))
        .posted(d(2026, 4, 13));
    let view = register.on(d(2026, 4, 30));
    assert_eq!(filing(&view, "post"), Filing::OnTimeByPost);
    assert_eq!(filing(&view, "too-slow"), Filing::Late);
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal));
}

/// A space for the current year: its terms come from tariff decisions alone (R3), not from 1 March.
fn current_year_space() -> Register {
    Register::new(2026).amendment("NZa-RCS-2026-06", d(2026, 6, 1))
}

#[test]
fn a_current_year_space_gets_no_first_of_march_term_and_waits_for_a_tariff_decision() {
    let view = current_year_space().on(d(2026, 6, 2));
    assert!(view.terms.is_empty());
    assert_eq!(view.status, Some(DecisionStatus::Pending));
    assert!(view.decisions[0].explanation.steps()[0].starts_with("Art. 105 lid 2 Wmg"));
}

#[test]
fn each_tariff_decision_opens_a_term_for_its_own_provider_from_the_day_after_its_announcement() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).tariff(
        "TB-B",
        "22222222",
        TariffKind::Tariff,
        d(2026, 7, 1),
    );
    let view = register.on(d(2026, 7, 2));
    assert_eq!(view.status, Some(DecisionStatus::Open));
    let terms: Vec<_> =
        view.terms.iter().map(|t| (t.provider.as_ref().unwrap().as_str(), t.term.as_ref().unwrap().opens_on)).collect();
    assert_eq!(terms, [("11111111", d(2026, 6, 11)), ("22222222", d(2026, 7, 2))]);

    let a = provider("11111111");
    let for_a: Vec<_> = view.terms_for(&a).collect();
    assert_eq!(for_a.len(), 1);
    assert_eq!(for_a[0].term.as_ref().unwrap().last_day, d(2026, 7, 22));
}

#[test]
fn a_provider_appealing_after_its_own_term_is_late_even_while_another_providers_term_runs() {
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .tariff("TB-B", "22222222", TariffKind::Tariff, d(2026, 7, 1))
        .appeal("A-late", provider("11111111"), "NZa-RCS-2026-06", d(2026, 7, 30))
        .appeal("office", care_office(), "NZa-RCS-2026-06", d(2026, 7, 30));
    let view = register.on(d(2026, 8, 1));
    assert_eq!(filing(&view, "A-late"), Filing::Late);
    assert_eq!(filing(&view, "office"), Filing::OnTime, "every term counts for a care office");
}

#[test]
fn a_provider_without_a_tariff_decision_yet_files_prematurely() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).appeal(
        "B-early",
        provider("22222222"),
        "NZa-RCS-2026-06",
        d(2026, 6, 20),
    );
    assert_eq!(filing(&register.on(d(2026, 6, 20)), "B-early"), Filing::Premature);
    // Its tariff decision comes later: the filing stays premature, now before a known term.
    let later = register.tariff("TB-B", "22222222", TariffKind::Tariff, d(2026, 9, 1));
    let view = later.on(d(2026, 9, 2));
    assert_eq!(filing(&view, "B-early"), Filing::Premature);
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal));
}

#[test]
fn an_amended_tariff_decision_starts_a_new_term() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).tariff(
        "TB-A-2",
        "11111111",
        TariffKind::AmendedTariff,
        d(2026, 7, 15),
    );
    let view = register.on(d(2026, 7, 16));
    let a = provider("11111111");
    let opens: Vec<_> = view.terms_for(&a).map(|t| t.term.as_ref().unwrap().opens_on).collect();
    assert_eq!(opens, [d(2026, 6, 11), d(2026, 7, 16)]);
    assert!(view.terms[1].explanation.steps()[0].contains("gewijzigde tariefbeschikking"));
}

#[test]
fn a_sluittarief_opens_no_term_and_a_provider_with_only_a_sluittarief_has_no_term() {
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .tariff("SL-C", "33333333", TariffKind::Sluittarief, d(2026, 6, 12))
        .appeal("C", provider("33333333"), "NZa-RCS-2026-06", d(2026, 6, 20));
    let view = register.on(d(2026, 6, 20));
    let sluit = view.terms.iter().find(|t| t.tariff_decision.as_ref().unwrap().as_str() == "SL-C").unwrap();
    assert_eq!(sluit.not_opened, Some(NotOpenedReason::Sluittarief));
    assert!(sluit.explanation.steps()[0].starts_with("Art. 105 lid 2, laatste zin, Wmg"));
    assert_eq!(filing(&view, "C"), Filing::NoTerm);
}

#[test]
fn a_publication_before_commencement_is_informative_and_opens_no_term() {
    let register = Register::new(2026).establishment("NZa-RCS-2024-11", d(2024, 11, 15)).appeal(
        "early",
        care_office(),
        "NZa-RCS-2024-11",
        d(2025, 3, 2),
    );
    let view = register.on(d(2025, 6, 1));
    assert_eq!(view.status, Some(DecisionStatus::NotAppealable));
    assert!(view.terms.is_empty());
    assert_eq!(filing(&view, "early"), Filing::NoTerm);
    assert!(view.decisions[0].explanation.steps()[0].contains("informatief"));
}

#[test]
fn an_appeal_against_a_space_extends_to_its_amendment_and_holds_both() {
    let register = future_year_space()
        .appeal("CBb 26/0003", care_office(), "NZa-RCS-2025-11", d(2026, 3, 10))
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20));
    let view = register.on(d(2026, 6, 1));
    assert_eq!(view.current_decision, Some(id("NZa-RCS-2026-05")));
    assert_eq!(view.amount.unwrap().to_string(), "815000000.00");
    assert_eq!(view.appeals[0].extended_to, [id("NZa-RCS-2026-05")]);
    assert!(view.appeals[0].explanation.steps().last().unwrap().starts_with("Art. 6:19 Awb"));
    assert_eq!(decision_status(&view, "NZa-RCS-2025-11"), DecisionStatus::UnderAppeal);
    assert_eq!(decision_status(&view, "NZa-RCS-2026-05"), DecisionStatus::UnderAppeal);
    assert_eq!(view.decisions[0].superseded_by, Some(id("NZa-RCS-2026-05")));
    // The amendment is a new decision with its own lid-3 term (2027 is still a future year in 2026).
    let own = view.terms.iter().find(|t| t.decision_id.as_str() == "NZa-RCS-2026-05").unwrap();
    assert_eq!(own.term.as_ref().unwrap().opens_on, d(2027, 3, 1));
}

#[test]
fn an_appeal_lodged_after_the_amendment_also_extends_to_it() {
    let register = future_year_space().amendment("NZa-RCS-2026-02", d(2026, 2, 10)).appeal(
        "after",
        care_office(),
        "NZa-RCS-2025-11",
        d(2026, 3, 5),
    );
    let view = register.on(d(2026, 3, 5));
    assert_eq!(view.appeals[0].extended_to, [id("NZa-RCS-2026-02")]);
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal));
}

#[test]
fn an_appeal_withdrawn_before_the_amendment_does_not_extend_to_it() {
    let register = future_year_space()
        .appeal("gone", care_office(), "NZa-RCS-2025-11", d(2026, 3, 5))
        .ended("gone", AppealOutcome::Withdrawn, d(2026, 3, 20))
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20));
    let view = register.on(d(2026, 6, 1));
    assert!(view.appeals[0].extended_to.is_empty());
    assert_eq!(decision_status(&view, "NZa-RCS-2025-11"), DecisionStatus::Irrevocable);
    assert_eq!(decision_status(&view, "NZa-RCS-2026-05"), DecisionStatus::Pending);
}

#[test]
fn a_tariff_decision_applies_the_space_current_on_its_announcement_unless_it_names_another() {
    let mut register = Register::new(2026)
        .amendment("S1", d(2026, 2, 1))
        .amendment("S2", d(2026, 4, 1))
        .tariff("T-default", "11111111", TariffKind::Tariff, d(2026, 3, 1))
        .tariff("T-named", "22222222", TariffKind::Tariff, d(2026, 5, 1));
    register.facts.tariff_decisions[1].applied_space_decision = Some(id("S1"));
    let view = register.on(d(2026, 5, 2));
    let applied: Vec<_> =
        view.terms.iter().map(|t| (t.tariff_decision.as_ref().unwrap().as_str(), t.decision_id.as_str())).collect();
    assert!(applied.contains(&("T-default", "S1")));
    assert!(applied.contains(&("T-named", "S1")));
    assert_eq!(view.current_decision, Some(id("S2")));
    assert_eq!(view.status, Some(DecisionStatus::Pending), "S2 still waits for a tariff decision");
}

#[test]
fn every_opened_term_cites_the_commencement_assumption() {
    let view = future_year_space().on(d(2026, 3, 2));
    let last = view.terms[0].explanation.steps().last().unwrap();
    assert!(last.starts_with("Inwerkingtreding") && last.contains("aanname"));
}

#[test]
fn once_the_only_tariff_term_has_run_the_space_is_irrevocable_and_the_next_tariff_decision_opens_nothing() {
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .tariff("TB-B", "22222222", TariffKind::Tariff, d(2026, 9, 1))
        .appeal("B", provider("22222222"), "NZa-RCS-2026-06", d(2026, 9, 10));
    let view = register.on(d(2026, 9, 10));
    // TB-A's term ran from 11 June to Wednesday 22 July 2026.
    assert_eq!(view.irrevocable_since, Some(d(2026, 7, 23)));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    let b = view.terms.iter().find(|t| t.tariff_decision.as_ref().unwrap().as_str() == "TB-B").unwrap();
    assert_eq!(b.not_opened, Some(NotOpenedReason::SpaceIrrevocable));
    assert_eq!(filing(&view, "B"), Filing::NoTerm, "no term ever counted for provider B");
}

#[test]
fn a_tariff_decision_announced_on_the_last_day_of_a_term_still_opens_its_own() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).tariff(
        "TB-B",
        "22222222",
        TariffKind::Tariff,
        d(2026, 7, 22),
    );
    let view = register.on(d(2026, 7, 23));
    let b = view.terms.iter().find(|t| t.tariff_decision.as_ref().unwrap().as_str() == "TB-B").unwrap();
    assert_eq!(b.status, TermStatus::Open);
    assert_eq!(view.status, Some(DecisionStatus::Open));
}
