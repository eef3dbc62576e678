//! Scenarios through the region-year assessment: terms, filing, statuses and finality (R3-R14), each named as
//! the sentence a jurist would say.

use chrono::NaiveDate;
use termijn_domain::filing::Filing;
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, AppealStatus, Appellant, DecisionStatus, NotOpenedReason, Reading,
    RegionYearAssessment, RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind, TariffDecisionFact, TariffKind,
    TermAssessment, TermBasis, TermStatus, assess_region_year,
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
                judgments: Vec::new(),
                confirmations: Vec::new(),
                objections: Vec::new(),
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
            decided_on: announced_on,
            announced_on: Some(announced_on),
            applied_space_decision: None,
        });
        self
    }

    /// The last tariff decision was taken on `on` (its announcement stays as given).
    fn tariff_taken(mut self, on: NaiveDate) -> Self {
        self.facts.tariff_decisions.last_mut().unwrap().decided_on = on;
        self
    }

    /// The last decision was taken on `on`.
    fn taken(mut self, on: NaiveDate) -> Self {
        self.facts.decisions.last_mut().unwrap().decided_on = on;
        self
    }

    fn appeal(mut self, appeal: &str, appellant: Appellant, against: &str, received_on: NaiveDate) -> Self {
        self.facts.appeals.push(AppealFact {
            received_by: Default::default(),
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

fn appeal_steps<'v>(view: &'v RegionYearAssessment, appeal: &str) -> &'v [String] {
    view.appeals.iter().find(|a| a.appeal_id.as_str() == appeal).unwrap().explanation.steps()
}

fn term_of<'v>(view: &'v RegionYearAssessment, tariff: &str) -> &'v TermAssessment {
    view.terms.iter().find(|t| t.tariff_decision.as_ref().is_some_and(|x| x.as_str() == tariff)).unwrap()
}

fn lid2_terms(view: &RegionYearAssessment) -> impl Iterator<Item = &TermAssessment> {
    view.terms.iter().filter(|t| t.basis == TermBasis::Art105Lid2)
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
    assert_eq!(before.terms.len(), 1, "a certain 1 March term leaves no residual term");
    let term = &before.terms[0];
    assert_eq!(term.basis, TermBasis::Art105Lid3);
    assert_eq!(term.status, TermStatus::Pending);
    let dates = term.term.as_ref().unwrap();
    assert_eq!(
        (dates.opens_on, dates.nominal_last_day, dates.last_day),
        (d(2026, 3, 1), d(2026, 4, 11), d(2026, 4, 13))
    );
    assert_eq!(before.plan_by, Some(d(2026, 4, 13)));
    assert_eq!(register.on(d(2026, 3, 1)).status, Some(DecisionStatus::Open));
    assert_eq!(register.on(d(2026, 4, 13)).status, Some(DecisionStatus::Open));
}

#[test]
fn irrevocable_is_declared_only_after_the_post_week_and_the_notice_margin() {
    let register = future_year_space();
    let post_week = register.on(d(2026, 4, 14));
    assert_eq!(post_week.status, Some(DecisionStatus::PostWeek));
    assert_eq!(post_week.irrevocable_since, None);
    assert_eq!(register.on(d(2026, 4, 20)).status, Some(DecisionStatus::PostWeek));
    let waiting = register.on(d(2026, 4, 21));
    assert_eq!(waiting.status, Some(DecisionStatus::AwaitingNotice));
    assert!(waiting.decisions[0].explanation.steps().iter().any(|s| s.starts_with("Art. 8:42 lid 1 Awb")));
    assert_eq!(register.on(d(2026, 6, 1)).status, Some(DecisionStatus::AwaitingNotice));
    let declared = register.on(d(2026, 6, 2));
    assert_eq!(declared.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(declared.irrevocable_since, Some(d(2026, 4, 14)));
    assert!(declared.decisions[0].explanation.steps().iter().any(|s| s.contains("voor zover bekend")));
}

#[test]
fn a_decision_is_not_announced_on_a_date_before_its_announcement_and_not_listed_before_it_was_taken() {
    let view = future_year_space().on(d(2025, 11, 13));
    assert_eq!(view.decisions[0].status, DecisionStatus::NotAnnounced);
    assert_eq!(view.current_decision, None, "a decision not yet announced is never current");
    assert!(view.terms.is_empty());
    assert!(
        view.decisions[0].explanation.steps()[0].contains("nog niet bekendgemaakt (bekendmaking 14 november 2025)")
    );
    assert!(future_year_space().on(d(2025, 11, 12)).decisions.is_empty());
}

#[test]
fn an_irrevocable_space_opens_no_term_when_a_later_tariff_decision_applies_it() {
    let register = future_year_space().tariff("NZa-TB-12345678-2027-1", "12345678", TariffKind::Tariff, d(2027, 1, 22));
    let view = register.on(d(2027, 2, 1));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    let lid2 = lid2_terms(&view).next().unwrap();
    assert_eq!(lid2.status, TermStatus::NotOpened);
    assert_eq!(lid2.reason, Some(NotOpenedReason::SpaceIrrevocable));
    assert!(
        lid2.explanation.steps().iter().any(|s| s.starts_with("Art. 105 lid 4 Wmg") && s.contains("14 april 2026"))
    );
}

#[test]
fn an_appeal_filed_in_january_before_the_1_march_start_is_premature_and_holds_finality_until_withdrawn() {
    let register = future_year_space().appeal("CBb 26/0001", care_office(), "NZa-RCS-2025-11", d(2026, 1, 20));
    let view = register.on(d(2026, 5, 1));
    assert_eq!(filing(&view, "CBb 26/0001"), Filing::Premature);
    assert!(appeal_steps(&view, "CBb 26/0001")[0].starts_with("Art. 6:10 lid 1 onder a Awb"));
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
fn an_appeal_received_before_the_decision_was_taken_is_admissible_only_under_art_6_10_lid_1_onder_b() {
    let register = future_year_space()
        .taken(d(2025, 11, 10))
        .appeal("too-early", care_office(), "NZa-RCS-2025-11", d(2025, 11, 3))
        .appeal("taken", care_office(), "NZa-RCS-2025-11", d(2025, 11, 12));
    let view = register.on(d(2026, 1, 5));
    assert_eq!(filing(&view, "too-early"), Filing::Premature);
    let steps = appeal_steps(&view, "too-early");
    assert!(steps[0].starts_with("Art. 6:10 lid 1 onder b Awb"), "{steps:?}");
    assert!(steps[0].contains("redelijkerwijs kon menen"));
    assert!(!steps[0].contains("al bestond"));
    assert!(appeal_steps(&view, "taken")[0].starts_with("Art. 6:10 lid 1 onder a Awb"));
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
fn an_appeal_received_on_the_extended_last_day_is_on_time_and_the_day_after_is_late_unless_excused() {
    let register = future_year_space().appeal("on-monday", care_office(), "NZa-RCS-2025-11", d(2026, 4, 13)).appeal(
        "on-tuesday",
        care_office(),
        "NZa-RCS-2025-11",
        d(2026, 4, 14),
    );
    let view = register.on(d(2026, 4, 20));
    assert_eq!(filing(&view, "on-monday"), Filing::OnTime);
    assert_eq!(filing(&view, "on-tuesday"), Filing::Late);
    assert!(
        appeal_steps(&view, "on-tuesday")
            .iter()
            .any(|s| s.contains("tenzij het CBb de termijnoverschrijding verschoonbaar acht (art. 6:11 Awb)"))
    );
}

#[test]
fn a_late_appeal_does_not_hold_back_finality_and_once_upheld_the_annulled_space_is_never_irrevocable() {
    let register = future_year_space().appeal("late", care_office(), "NZa-RCS-2025-11", d(2026, 5, 4));
    let view = register.on(d(2026, 6, 2));
    assert_eq!(filing(&view, "late"), Filing::Late);
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 4, 14)));

    let upheld = register.ended("late", AppealOutcome::Upheld, d(2026, 11, 2));
    assert_eq!(upheld.on(d(2026, 11, 1)).status, Some(DecisionStatus::Irrevocable));
    let view = upheld.on(d(2026, 11, 2));
    assert_eq!(view.decisions[0].status, DecisionStatus::Annulled);
    assert_eq!(view.decisions[0].irrevocable_since, None);
    assert_eq!(view.decisions[0].annulled_on, Some(d(2026, 11, 2)));
    assert!(!view.decisions[0].explanation.steps().iter().any(|s| s.contains("onherroepelijk sinds")));
    assert_eq!(view.current_decision, None, "an annulled decision is never current");
    assert_eq!(view.amount, None);
    assert!(view.new_decision_required);
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
    assert!(appeal_steps(&view, "post")[0].contains("universele postdienstverlener"));
    assert_eq!(filing(&view, "too-slow"), Filing::Late);
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal));
}

#[test]
fn the_post_week_that_ends_on_kings_day_runs_on_to_the_next_day() {
    // TB-A's term runs from 10 March to Monday 20 April 2026; a week later is Monday 27 April, King's Day.
    let register = Register::new(2026)
        .amendment("S", d(2026, 3, 1))
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 3, 9))
        .appeal("tuesday", care_office(), "S", d(2026, 4, 28))
        .posted(d(2026, 4, 20))
        .appeal("wednesday", care_office(), "S", d(2026, 4, 29))
        .posted(d(2026, 4, 20));
    let view = register.on(d(2026, 5, 1));
    assert_eq!(term_of(&view, "TB-A").term.as_ref().unwrap().last_day, d(2026, 4, 20));
    assert_eq!(filing(&view, "tuesday"), Filing::OnTimeByPost);
    assert!(appeal_steps(&view, "tuesday").iter().any(|s| s.starts_with("Lezing: art. 6:9 lid 2 Awb")));
    assert_eq!(filing(&view, "wednesday"), Filing::Late);
}

/// A space for the current year: its terms come from tariff decisions (R3) and its own announcement (R13).
fn current_year_space() -> Register {
    Register::new(2026).amendment("NZa-RCS-2026-06", d(2026, 6, 1))
}

#[test]
fn an_amendment_that_no_tariff_decision_applies_gets_the_residual_term_and_then_awaits_one() {
    let register = current_year_space();
    let view = register.on(d(2026, 6, 2));
    assert_eq!(view.terms.len(), 1);
    let residual = &view.terms[0];
    assert_eq!(residual.basis, TermBasis::Awb6_8);
    let dates = residual.term.as_ref().unwrap();
    assert_eq!((dates.opens_on, dates.last_day), (d(2026, 6, 2), d(2026, 7, 13)));
    assert!(residual.explanation.steps()[0].starts_with("Lezing: art. 6:8 lid 1 Awb"));
    assert_eq!(view.status, Some(DecisionStatus::Open));
    assert!(view.decisions[0].explanation.steps().iter().any(|s| s.contains("niet van toepassing")));

    let view = register.on(d(2026, 8, 3));
    assert_eq!(view.status, Some(DecisionStatus::Pending), "never irrevocable on the residual term alone");
    assert!(view.decisions[0].explanation.steps().iter().any(|s| s.contains("onherroepelijk sinds 14 juli 2026")));
    let later = register.appeal("after", care_office(), "NZa-RCS-2026-06", d(2026, 8, 3));
    let view = later.on(d(2026, 8, 3));
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal), "a premature appeal holds it back");
    assert_eq!(filing(&view, "after"), Filing::Premature, "it still awaits the tariff decision that applies it");
}

#[test]
fn a_tariff_decision_applying_the_amendment_later_replaces_the_residual_term_which_stays_listed() {
    let view = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).on(d(2026, 6, 11));
    let residual = view.terms.iter().find(|t| t.basis == TermBasis::Awb6_8).unwrap();
    assert!(residual.explanation.steps().iter().any(|s| s.contains("vervangen door art. 105 lid 2 Wmg")));
    assert_eq!(lid2_terms(&view).count(), 1);
}

#[test]
fn each_tariff_decision_opens_a_term_from_the_day_after_its_announcement() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).tariff(
        "TB-B",
        "22222222",
        TariffKind::Tariff,
        d(2026, 7, 1),
    );
    let view = register.on(d(2026, 7, 2));
    assert_eq!(view.status, Some(DecisionStatus::Open));
    let terms: Vec<_> =
        lid2_terms(&view).map(|t| (t.provider.as_ref().unwrap().as_str(), t.term.as_ref().unwrap().opens_on)).collect();
    assert_eq!(terms, [("11111111", d(2026, 6, 11)), ("22222222", d(2026, 7, 2))]);
    assert_eq!(view.plan_by, Some(d(2026, 8, 12)));
}

#[test]
fn every_term_counts_for_every_appellant_so_a_provider_filing_in_another_providers_term_is_on_time() {
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .tariff("TB-B", "22222222", TariffKind::Tariff, d(2026, 7, 1))
        .appeal("A-after-own", provider("11111111"), "NZa-RCS-2026-06", d(2026, 7, 30))
        .appeal("office", care_office(), "NZa-RCS-2026-06", d(2026, 7, 30))
        .appeal("C-without-own", provider("33333333"), "NZa-RCS-2026-06", d(2026, 7, 30));
    let view = register.on(d(2026, 8, 1));
    assert_eq!(filing(&view, "A-after-own"), Filing::OnTime);
    assert_eq!(filing(&view, "office"), Filing::OnTime);
    assert_eq!(filing(&view, "C-without-own"), Filing::OnTime);
}

#[test]
fn a_provider_without_its_own_tariff_decision_filing_inside_another_providers_term_is_on_time() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).appeal(
        "B-early",
        provider("22222222"),
        "NZa-RCS-2026-06",
        d(2026, 6, 20),
    );
    assert_eq!(filing(&register.on(d(2026, 6, 20)), "B-early"), Filing::OnTime);
    let later = register.tariff("TB-B", "22222222", TariffKind::Tariff, d(2026, 7, 15));
    let view = later.on(d(2026, 7, 16));
    assert_eq!(filing(&view, "B-early"), Filing::OnTime);
    assert_eq!(view.status, Some(DecisionStatus::UnderAppeal));
}

#[test]
fn a_provider_whose_space_became_irrevocable_through_another_providers_term_files_late_not_without_term() {
    let register = current_year_space().tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10)).appeal(
        "B",
        provider("22222222"),
        "NZa-RCS-2026-06",
        d(2026, 9, 20),
    );
    let view = register.on(d(2026, 9, 20));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(filing(&view, "B"), Filing::Late);
    assert!(appeal_steps(&view, "B").iter().any(|s| s.contains("art. 6:11 Awb")));
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
    let opens: Vec<_> = lid2_terms(&view).map(|t| t.term.as_ref().unwrap().opens_on).collect();
    assert_eq!(opens, [d(2026, 6, 11), d(2026, 7, 16)]);
    assert!(term_of(&view, "TB-A-2").explanation.steps().iter().any(|s| s.contains("gewijzigde tariefbeschikking")));
}

#[test]
fn a_sluittarief_opens_no_term_but_the_terms_of_others_count_for_its_provider() {
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .tariff("SL-C", "33333333", TariffKind::Sluittarief, d(2026, 6, 12))
        .appeal("C", provider("33333333"), "NZa-RCS-2026-06", d(2026, 6, 20));
    let view = register.on(d(2026, 6, 20));
    let sluit = term_of(&view, "SL-C");
    assert_eq!(sluit.reason, Some(NotOpenedReason::Sluittarief));
    assert!(sluit.explanation.steps().iter().any(|s| s.starts_with("Art. 105 lid 2, laatste zin, Wmg")));
    assert_eq!(filing(&view, "C"), Filing::OnTime);
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
    assert!(
        !appeal_steps(&view, "early").iter().any(|s| s.starts_with("Art. 6:11")),
        "no_term does not cite art. 6:11"
    );
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
    let view = register.on(d(2026, 6, 2));
    assert!(view.appeals[0].extended_to.is_empty());
    assert_eq!(decision_status(&view, "NZa-RCS-2025-11"), DecisionStatus::Irrevocable);
    assert_eq!(decision_status(&view, "NZa-RCS-2026-05"), DecisionStatus::Pending);
}

#[test]
fn an_establishment_recorded_after_a_later_amendment_is_superseded_by_it_not_the_reverse() {
    let register = Register::new(2027)
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20))
        .establishment("NZa-RCS-2025-11", d(2025, 11, 14))
        .appeal("against-first", care_office(), "NZa-RCS-2025-11", d(2026, 3, 10));
    let view = register.on(d(2026, 6, 1));
    let order: Vec<_> = view.decisions.iter().map(|d| d.decision_id.as_str()).collect();
    assert_eq!(order, ["NZa-RCS-2025-11", "NZa-RCS-2026-05"], "legal order, not recording order");
    assert_eq!(view.current_decision, Some(id("NZa-RCS-2026-05")));
    assert_eq!(view.decisions[0].superseded_by, Some(id("NZa-RCS-2026-05")));
    assert_eq!(view.decisions[1].superseded_by, None);
    assert_eq!(view.appeals[0].extended_to, [id("NZa-RCS-2026-05")], "art. 6:19 follows legal order");
}

#[test]
fn a_tariff_decision_applies_the_space_current_on_the_day_it_was_taken_unless_it_names_another() {
    let mut register = Register::new(2026)
        .amendment("S1", d(2026, 2, 1))
        .amendment("S2", d(2026, 4, 1))
        .tariff("T-default", "11111111", TariffKind::Tariff, d(2026, 3, 1))
        .tariff("T-named", "22222222", TariffKind::Tariff, d(2026, 5, 1))
        .tariff("T-taken-before-S2", "33333333", TariffKind::Tariff, d(2026, 4, 10))
        .tariff_taken(d(2026, 3, 25));
    register.facts.tariff_decisions[1].applied_space_decision = Some(id("S1"));
    let view = register.on(d(2026, 5, 2));
    let applied: Vec<_> =
        lid2_terms(&view).map(|t| (t.tariff_decision.as_ref().unwrap().as_str(), t.decision_id.as_str())).collect();
    assert!(applied.contains(&("T-default", "S1")));
    assert!(applied.contains(&("T-named", "S1")));
    assert!(applied.contains(&("T-taken-before-S2", "S1")), "{applied:?}");
    let presumed = term_of(&view, "T-taken-before-S2").explanation.steps();
    assert!(presumed[0].contains("aangenomen wordt"));
    assert!(presumed.iter().any(|s| s.contains("besluit S2") && s.contains("noemen van het toegepaste besluit")));
    assert_eq!(view.current_decision, Some(id("S2")));
}

#[test]
fn a_tariff_decision_announced_the_same_day_as_a_future_year_space_leaves_the_1_march_term_on_a_reading() {
    let view = Register::new(2027)
        .establishment("E", d(2025, 11, 14))
        .tariff("TB", "11111111", TariffKind::Tariff, d(2025, 11, 14))
        .on(d(2025, 11, 20));
    let lid3 = view.terms.iter().find(|t| t.basis == TermBasis::Art105Lid3).expect("R4 on a reading");
    assert_eq!(lid3.reading, Some(Reading::L1a));
    assert!(lid3.explanation.steps().iter().any(|s| s.starts_with("Lezing: art. 105 lid 3 Wmg")));
    // The lid-2 term of TB runs to Friday 26 December 2025, Boxing Day, so to Monday 29 December.
    assert_eq!(view.plan_by, Some(d(2025, 12, 29)), "a term on a reading is not the date to plan by");

    let before = Register::new(2027)
        .establishment("E", d(2025, 11, 14))
        .tariff("TB", "11111111", TariffKind::Tariff, d(2025, 11, 13))
        .on(d(2025, 11, 20));
    assert!(before.terms.iter().all(|t| t.basis != TermBasis::Art105Lid3), "strictly before blocks R4");
    assert!(
        before.decisions[0]
            .explanation
            .steps()
            .iter()
            .any(|s| s.starts_with("Art. 105 lid 3 Wmg: niet van toepassing"))
    );
}

#[test]
fn with_a_tariff_decision_taken_but_not_announced_the_date_to_plan_by_is_the_earlier_of_the_two_readings() {
    // Under L1(a) the 1 March term runs (to 13 April 2026); under L1(b) only the residual term (to 29 December
    // 2025, Boxing Day moving Friday 26 December on). Principle 1: plan by the earlier.
    let view = Register::new(2027)
        .establishment("E", d(2025, 11, 14))
        .tariff("TB", "11111111", TariffKind::Tariff, d(2025, 12, 1))
        .tariff_taken(d(2025, 11, 10));
    let mut facts = view.facts.clone();
    facts.tariff_decisions[0].announced_on = None;
    let view = Register { facts, context: view.context }.on(d(2025, 11, 20));
    let reading = |basis| view.terms.iter().find(|t| t.basis == basis).map(|t| t.reading);
    assert_eq!(reading(TermBasis::Art105Lid3), Some(Some(Reading::L1a)));
    assert_eq!(reading(TermBasis::Awb6_8), Some(Some(Reading::L1b)));
    assert_eq!(view.plan_by, Some(d(2025, 12, 29)));
}

#[test]
fn every_opened_term_cites_the_commencement_assumption() {
    let view = future_year_space().on(d(2026, 3, 2));
    let last = view.terms[0].explanation.steps().last().unwrap();
    assert!(last.starts_with("Inwerkingtreding") && last.contains("aanname"));
}

#[test]
fn a_tariff_decision_in_the_post_week_or_notice_margin_opens_a_conditional_term_that_lapses_once_finality_is_declared()
{
    // TB-A's term runs to 22 July 2026; the post week to 29 July; the notice margin to 9 September.
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .tariff("TB-B", "22222222", TariffKind::Tariff, d(2026, 9, 1))
        .tariff("TB-C", "33333333", TariffKind::Tariff, d(2026, 9, 20))
        .appeal("B", provider("22222222"), "NZa-RCS-2026-06", d(2026, 9, 8));
    let view = register.on(d(2026, 9, 8));
    assert_eq!(view.status, Some(DecisionStatus::AwaitingNotice));
    let b = term_of(&view, "TB-B");
    assert_eq!(b.status, TermStatus::Conditional);
    assert_eq!(view.plan_by, Some(d(2026, 7, 22)), "a conditional term is never a date to plan by");
    assert_eq!(filing(&view, "B"), Filing::Late);
    // TB-B was announced on 1 September: the condition is that the decision was not irrevocable that day.
    assert!(appeal_steps(&view, "B")[0].contains("tijdig indien blijkt dat het besluit op 1 september 2026 nog niet"));

    let view = register.on(d(2026, 9, 21));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 7, 23)));
    assert_eq!(term_of(&view, "TB-B").status, TermStatus::NotOpened);
    assert_eq!(term_of(&view, "TB-B").reason, Some(NotOpenedReason::SpaceIrrevocable));
    let c = term_of(&view, "TB-C");
    assert_eq!((c.status, c.reason), (TermStatus::NotOpened, Some(NotOpenedReason::SpaceIrrevocable)));
    assert!(c.explanation.steps().iter().any(|s| s.starts_with("Art. 105 lid 4 Wmg") && s.contains("Lezing")));
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
    let b = term_of(&view, "TB-B");
    assert_eq!(b.status, TermStatus::Open);
    assert_eq!(view.status, Some(DecisionStatus::Open));
}

#[test]
fn after_the_cbb_upholds_an_appeal_against_the_amendment_the_decision_it_superseded_revives() {
    let register = future_year_space()
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20))
        .appeal("tegen-wijziging", care_office(), "NZa-RCS-2026-05", d(2026, 6, 15))
        .ended("tegen-wijziging", AppealOutcome::Upheld, d(2026, 10, 1));
    let before = register.on(d(2026, 9, 30));
    assert_eq!(before.current_decision, Some(id("NZa-RCS-2026-05")));
    assert_eq!(decision_status(&before, "NZa-RCS-2026-05"), DecisionStatus::UnderAppeal);

    let view = register.on(d(2026, 10, 1));
    assert_eq!(decision_status(&view, "NZa-RCS-2026-05"), DecisionStatus::Annulled);
    assert_eq!(view.current_decision, Some(id("NZa-RCS-2025-11")), "the annulled amendment is never current");
    assert_eq!(view.amount.unwrap().to_string(), "812345000.00");
    assert!(view.decisions[0].revived);
    assert_eq!(view.decisions[0].superseded_by, None, "nothing supersedes it any more");
    assert!(view.decisions[0].explanation.steps().iter().any(|s| s.contains("herleeft")));
    assert!(view.new_decision_required);
    let annulled_term = view.terms.iter().find(|t| t.decision_id.as_str() == "NZa-RCS-2026-05").unwrap();
    assert_eq!(
        (annulled_term.status, annulled_term.reason),
        (TermStatus::NotOpened, Some(NotOpenedReason::DecisionAnnulled)),
        "its 1 March 2027 term never begins"
    );

    // A tariff decision taken after the judgment applies the revived decision, not the annulled one.
    let later = register.tariff("TB-later", "11111111", TariffKind::Tariff, d(2026, 10, 15));
    let view = later.on(d(2026, 10, 16));
    assert_eq!(term_of(&view, "TB-later").decision_id, id("NZa-RCS-2025-11"));

    let renewed = later.amendment("NZa-RCS-2026-11", d(2026, 11, 2));
    let view = renewed.on(d(2026, 11, 2));
    assert!(!view.new_decision_required);
    assert_eq!(view.current_decision, Some(id("NZa-RCS-2026-11")));
}

#[test]
fn a_term_running_when_its_decision_is_annulled_closes_on_the_day_of_the_judgment() {
    let register = current_year_space()
        .tariff("TB-A", "11111111", TariffKind::Tariff, d(2026, 6, 10))
        .appeal("gegrond", care_office(), "NZa-RCS-2026-06", d(2026, 6, 20))
        .ended("gegrond", AppealOutcome::Upheld, d(2026, 7, 1));
    assert_eq!(term_of(&register.on(d(2026, 6, 30)), "TB-A").status, TermStatus::Open);
    let view = register.on(d(2026, 7, 1));
    let a = term_of(&view, "TB-A");
    assert_eq!((a.status, a.reason), (TermStatus::Closed, Some(NotOpenedReason::DecisionAnnulled)));
    assert_eq!(view.current_decision, None);
    assert_eq!(view.amount, None, "no earlier decision remains");
    assert_eq!(filing(&view, "gegrond"), Filing::OnTime, "the upheld appeal stays on time");
}
