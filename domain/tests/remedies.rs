//! Judgments (R14), the CBb's confirmation that no appeal was lodged (R9), a misdirected appeal (R7, art. 6:15 Awb)
//! and objections to tariff decisions with the NZa's decision term (R10), through the region-year assessment;
//! each test named as the sentence a jurist would say.

use chrono::NaiveDate;
use termijn_domain::filing::Filing;
use termijn_domain::record::{
    Consequence, JudgmentFact, NoAppealConfirmation, ObjectionDecision, ObjectionFact, Postponement,
    PostponementGround, ReceivedBy,
};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{
    AppealEnding, AppealFact, AppealOutcome, Appellant, DecisionStatus, NotOpenedReason, RegionYearAssessment,
    RegionYearFacts, SpaceDecisionFact, SpaceDecisionKind, TariffDecisionFact, TariffKind, TermAssessment, TermBasis,
    TermStatus, assess_region_year,
};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).unwrap()
}

struct Register {
    facts: RegionYearFacts,
    context: LegalContext,
}

impl Register {
    /// Groningen 2027, established for a future year on 14 November 2025 (1 March term to 13 April 2026).
    fn future_year() -> Self {
        let mut facts = RegionYearFacts::new(RegionSlug::parse("groningen").unwrap(), 2027);
        facts.decisions.push(SpaceDecisionFact {
            decision_id: id("NZa-RCS-2025-11"),
            kind: SpaceDecisionKind::Establishment,
            decided_on: d(2025, 11, 13),
            announced_on: Some(d(2025, 11, 14)),
            amount: Euro::parse("812345000.00").unwrap(),
        });
        Self { facts, context: LegalContext::shipped().unwrap() }
    }

    fn amendment(mut self, decision: &str, announced_on: NaiveDate) -> Self {
        self.facts.decisions.push(SpaceDecisionFact {
            decision_id: id(decision),
            kind: SpaceDecisionKind::Amendment,
            decided_on: announced_on.pred_opt().unwrap(),
            announced_on: Some(announced_on),
            amount: Euro::parse("815000000.00").unwrap(),
        });
        self
    }

    fn tariff(mut self, decision: &str, announced_on: NaiveDate) -> Self {
        self.facts.tariff_decisions.push(TariffDecisionFact {
            decision_id: id(decision),
            provider: AgbCode::parse("11111111").unwrap(),
            kind: TariffKind::Tariff,
            decided_on: announced_on,
            announced_on: Some(announced_on),
            applied_space_decision: None,
        });
        self
    }

    fn appeal(mut self, appeal: &str, against: &str, received_on: NaiveDate) -> Self {
        self.facts.appeals.push(AppealFact {
            appeal_id: AppealId::parse(appeal).unwrap(),
            appellant: Appellant::CareOffice("zorgkantoor-noord".to_owned()),
            against_decision: id(against),
            received_on,
            posted_on: None,
            received_by: ReceivedBy::Cbb,
            ending: None,
        });
        self
    }

    fn received_by_nza(mut self) -> Self {
        self.facts.appeals.last_mut().unwrap().received_by = ReceivedBy::Nza;
        self
    }

    fn ended(mut self, appeal: &str, outcome: AppealOutcome, on: NaiveDate) -> Self {
        let a = self.facts.appeals.iter_mut().find(|a| a.appeal_id.as_str() == appeal).unwrap();
        a.ending = Some(AppealEnding { on, outcome });
        self
    }

    fn judgment(mut self, judgment: JudgmentFact) -> Self {
        self.facts.judgments.push(judgment);
        self
    }

    fn confirmed(mut self, decision: &str, on: NaiveDate) -> Self {
        self.facts.confirmations.push(NoAppealConfirmation { decision_id: id(decision), confirmed_on: on });
        self
    }

    fn objection(mut self, objection: &str, tariff: &str, received_on: NaiveDate) -> Self {
        self.facts.objections.push(ObjectionFact {
            objection_id: ObjectionId::parse(objection).unwrap(),
            tariff_decision: id(tariff),
            objector: Appellant::Provider(AgbCode::parse("11111111").unwrap()),
            received_on,
            posted_on: None,
            advisory_committee: false,
            postponements: Vec::new(),
            decision: None,
        });
        self
    }

    fn with_committee(mut self) -> Self {
        self.facts.objections.last_mut().unwrap().advisory_committee = true;
        self
    }

    fn postponed(mut self, paragraph: u8, until: Option<NaiveDate>, announced_on: NaiveDate) -> Self {
        let ground = (paragraph == 4).then_some(PostponementGround::B);
        self.facts.objections.last_mut().unwrap().postponements.push(Postponement {
            paragraph,
            until,
            ground,
            announced_on,
        });
        self
    }

    fn objection_decided(mut self, decided_on: NaiveDate, announced_on: NaiveDate) -> Self {
        self.facts.objections.last_mut().unwrap().decision = Some(ObjectionDecision { decided_on, announced_on });
        self
    }

    fn on(&self, as_of: NaiveDate) -> RegionYearAssessment {
        assess_region_year(&self.facts, &self.context, as_of)
    }
}

fn judgment(appeal: &str, on: NaiveDate, consequence: Consequence) -> JudgmentFact {
    JudgmentFact {
        appeal_id: AppealId::parse(appeal).unwrap(),
        judgment_on: on,
        annuls: None,
        consequence,
        amount: None,
        new_decision_by: None,
    }
}

fn status(view: &RegionYearAssessment, decision: &str) -> DecisionStatus {
    view.decisions.iter().find(|x| x.decision_id.as_str() == decision).unwrap().status
}

fn nza(view: &RegionYearAssessment, basis: TermBasis) -> Option<&TermAssessment> {
    view.nza_deadlines.iter().find(|t| t.basis == basis)
}

fn last_day(term: &TermAssessment) -> NaiveDate {
    term.term.as_ref().unwrap().last_day
}

fn steps(term: &TermAssessment) -> &[String] {
    term.explanation.steps()
}

/// An amendment of 20 May 2026 appealed on 15 June and upheld on 1 October 2026.
fn upheld_against_the_amendment(consequence: Consequence) -> Register {
    Register::future_year()
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20))
        .appeal("CBb 26/0001", "NZa-RCS-2026-05", d(2026, 6, 15))
        .ended("CBb 26/0001", AppealOutcome::Upheld, d(2026, 10, 1))
        .judgment(judgment("CBb 26/0001", d(2026, 10, 1), consequence))
}

#[test]
fn when_the_cbb_maintains_the_legal_effects_the_annulled_decision_stays_current_and_is_irrevocable_from_the_judgment() {
    let register = upheld_against_the_amendment(Consequence::LegalEffectsMaintained);
    let view = register.on(d(2026, 10, 1));
    assert_eq!(view.current_decision, Some(id("NZa-RCS-2026-05")));
    assert_eq!(view.amount.unwrap().to_string(), "815000000.00");
    assert_eq!(status(&view, "NZa-RCS-2026-05"), DecisionStatus::Irrevocable);
    assert_eq!(view.irrevocable_since, Some(d(2026, 10, 1)));
    assert!(!view.new_decision_required, "no new decision is needed");
    assert!(!view.decisions[0].revived, "the superseded decision does not revive");
    let decision = view.decisions.iter().find(|x| x.decision_id.as_str() == "NZa-RCS-2026-05").unwrap();
    assert!(decision.explanation.steps().iter().any(|s| s.starts_with("Art. 8:72 lid 3 onder a Awb")));
    let term = view.terms.iter().find(|t| t.decision_id.as_str() == "NZa-RCS-2026-05").unwrap();
    assert_eq!(
        (term.status, term.reason),
        (TermStatus::NotOpened, Some(NotOpenedReason::DecisionAnnulled)),
        "the judgment still acts on terms from its own day: the 1 March 2027 term never begins"
    );
}

#[test]
fn when_the_cbb_decides_itself_its_judgment_is_the_current_decision_with_its_amount_irrevocable_from_that_day() {
    let mut judged = judgment("CBb 26/0001", d(2026, 10, 1), Consequence::CourtDecided);
    judged.amount = Some(Euro::parse("813000000.00").unwrap());
    let register = Register::future_year()
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20))
        .appeal("CBb 26/0001", "NZa-RCS-2026-05", d(2026, 6, 15))
        .ended("CBb 26/0001", AppealOutcome::Upheld, d(2026, 10, 1))
        .judgment(judged);
    let before = register.on(d(2026, 9, 30));
    assert_eq!(before.current_decision, Some(id("NZa-RCS-2026-05")), "a judgment has no effect before its day");

    let view = register.on(d(2026, 10, 1));
    assert_eq!(view.current_decision, Some(id("CBb 26/0001")));
    assert_eq!(view.amount.unwrap().to_string(), "813000000.00");
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 10, 1)));
    assert!(!view.new_decision_required);
    let court = view.decisions.last().unwrap();
    assert_eq!(court.kind, SpaceDecisionKind::CourtDecided);
    assert!(court.explanation.steps().iter().any(|s| s.contains("uitspraak CBb 1 oktober 2026")));
    assert_eq!(status(&view, "NZa-RCS-2026-05"), DecisionStatus::Annulled);
    assert!(!view.decisions[0].revived);
}

#[test]
fn a_judgment_that_names_the_earlier_decision_annuls_it_too_and_nothing_revives() {
    let mut judged = judgment("CBb 26/0001", d(2026, 10, 1), Consequence::NewDecisionRequired);
    judged.annuls = Some(vec![id("NZa-RCS-2025-11"), id("NZa-RCS-2026-05")]);
    let register = Register::future_year()
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20))
        .appeal("CBb 26/0001", "NZa-RCS-2025-11", d(2026, 3, 20))
        .ended("CBb 26/0001", AppealOutcome::Upheld, d(2026, 10, 1))
        .judgment(judged);
    let view = register.on(d(2026, 10, 1));
    assert_eq!(status(&view, "NZa-RCS-2025-11"), DecisionStatus::Annulled);
    assert_eq!(status(&view, "NZa-RCS-2026-05"), DecisionStatus::Annulled);
    assert_eq!(view.current_decision, None);
    assert_eq!(view.amount, None, "no decision remains, so the region-year has no amount");
    assert!(view.new_decision_required);
}

#[test]
fn a_judgment_on_an_appeal_of_another_region_year_annuls_here_only_what_it_names() {
    let mut judged = judgment("CBb 26/0009", d(2026, 10, 1), Consequence::NewDecisionRequired);
    judged.annuls = Some(vec![id("NZa-RCS-2025-11")]);
    let named = Register::future_year().judgment(judged);
    let view = named.on(d(2026, 10, 1));
    assert_eq!(status(&view, "NZa-RCS-2025-11"), DecisionStatus::Annulled);
    assert!(view.new_decision_required);

    let mut elsewhere = judgment("CBb 26/0009", d(2026, 10, 1), Consequence::NewDecisionRequired);
    elsewhere.annuls = Some(Vec::new());
    let untouched = Register::future_year().judgment(elsewhere).on(d(2026, 10, 1));
    assert_ne!(status(&untouched, "NZa-RCS-2025-11"), DecisionStatus::Annulled);
}

#[test]
fn the_period_the_cbb_set_for_a_new_decision_is_an_nza_deadline_until_a_new_decision_is_announced() {
    let mut judged = judgment("CBb 26/0001", d(2026, 10, 1), Consequence::NewDecisionRequired);
    judged.new_decision_by = Some(d(2026, 12, 27));
    let register = Register::future_year()
        .amendment("NZa-RCS-2026-05", d(2026, 5, 20))
        .appeal("CBb 26/0001", "NZa-RCS-2026-05", d(2026, 6, 15))
        .ended("CBb 26/0001", AppealOutcome::Upheld, d(2026, 10, 1))
        .judgment(judged);
    assert!(nza(&register.on(d(2026, 9, 30)), TermBasis::Awb8_72).is_none(), "no judgment yet");
    let view = register.on(d(2026, 10, 2));
    let deadline = nza(&view, TermBasis::Awb8_72).unwrap();
    assert_eq!(deadline.status, TermStatus::Open);
    assert_eq!(last_day(deadline), d(2026, 12, 27), "a Sunday, not extended by the Atw");
    assert_eq!(deadline.appeal_id.as_ref().unwrap().as_str(), "CBb 26/0001");
    assert!(steps(deadline).iter().any(|s| s.contains("zonder verlenging door de Algemene termijnenwet")));

    let renewed = register.amendment("NZa-RCS-2026-12", d(2026, 12, 10));
    let view = renewed.on(d(2026, 12, 10));
    assert_eq!(nza(&view, TermBasis::Awb8_72).unwrap().status, TermStatus::Closed);
    assert!(!view.new_decision_required);
}

#[test]
fn the_cbbs_confirmation_that_no_appeal_was_lodged_ends_the_notice_margin_but_not_the_post_week() {
    // The 1 March term ends on 13 April 2026; the post week on 20 April; the margin would run to 1 June.
    let register = Register::future_year().confirmed("NZa-RCS-2025-11", d(2026, 4, 28));
    assert_eq!(register.on(d(2026, 4, 20)).status, Some(DecisionStatus::PostWeek));
    assert_eq!(register.on(d(2026, 4, 27)).status, Some(DecisionStatus::AwaitingNotice));
    let view = register.on(d(2026, 4, 28));
    assert_eq!(view.status, Some(DecisionStatus::Irrevocable));
    assert_eq!(view.irrevocable_since, Some(d(2026, 4, 14)));
    assert!(view.decisions[0].explanation.steps().iter().any(|s| s.contains("bevestigd dat geen beroep")));

    let too_early = Register::future_year().confirmed("NZa-RCS-2025-11", d(2026, 4, 10));
    assert_eq!(
        too_early.on(d(2026, 4, 28)).status,
        Some(DecisionStatus::AwaitingNotice),
        "a confirmation dated before the post week ended has no effect"
    );
}

#[test]
fn an_appeal_that_reached_the_nza_counts_as_received_that_day_and_forwarding_it_is_the_nzas_deadline() {
    let register = Register::future_year().appeal("CBb 26/0077", "NZa-RCS-2025-11", d(2026, 4, 10)).received_by_nza();
    let view = register.on(d(2026, 4, 10));
    let appeal = &view.appeals[0];
    assert_eq!(appeal.filing, Filing::OnTime);
    assert!(appeal.explanation.steps()[0].starts_with("Art. 6:15 lid 3 Awb"));
    let forwarding = nza(&view, TermBasis::Awb6_15).unwrap();
    assert_eq!(last_day(forwarding), d(2026, 4, 10));
    assert_eq!(forwarding.status, TermStatus::Open);
    assert!(steps(forwarding).iter().any(|s| s.starts_with("Lezing: art. 6:15 lid 1 Awb")));

    let ended = register.ended("CBb 26/0077", AppealOutcome::Withdrawn, d(2026, 5, 1));
    assert_eq!(nza(&ended.on(d(2026, 5, 1)), TermBasis::Awb6_15).unwrap().status, TermStatus::Closed);
}

/// A tariff decision announced on Monday 5 January 2026: objection term to 16 February 2026.
fn objected() -> Register {
    Register::future_year().tariff("TB-1", d(2026, 1, 5)).objection("B-2026-0042", "TB-1", d(2026, 2, 2))
}

#[test]
fn without_an_objection_the_nza_has_no_decision_term() {
    let view = Register::future_year().tariff("TB-1", d(2026, 1, 5)).on(d(2026, 2, 1));
    assert!(view.objections.is_empty());
    assert!(nza(&view, TermBasis::Awb7_10).is_none());
}

#[test]
fn the_nza_decides_on_an_objection_within_six_weeks_after_the_objection_term() {
    let view = objected().on(d(2026, 2, 2));
    let objection = &view.objections[0];
    assert_eq!(objection.filing, Filing::OnTime);
    let term = objection.decision_term.as_ref().unwrap();
    let dates = term.term.as_ref().unwrap();
    assert_eq!((dates.opens_on, dates.last_day), (d(2026, 2, 17), d(2026, 3, 30)));
    assert_eq!(term.status, TermStatus::Pending, "it runs from the day after the objection term");
    assert_eq!(term.objection_id.as_ref().unwrap().as_str(), "B-2026-0042");
    assert_eq!(nza(&view, TermBasis::Awb7_10).unwrap().status, TermStatus::Pending);
}

#[test]
fn with_an_advisory_committee_the_nza_has_twelve_weeks() {
    let view = objected().with_committee().on(d(2026, 2, 2));
    assert_eq!(last_day(nza(&view, TermBasis::Awb7_10).unwrap()), d(2026, 5, 11));
}

#[test]
fn a_postponement_under_lid_3_adds_at_most_six_weeks_and_names_the_later_atw_date_as_a_reading() {
    // Six weeks after Monday 30 March 2026 is Monday 11 May 2026.
    let postponed = objected().postponed(3, None, d(2026, 3, 20)).on(d(2026, 3, 31));
    let term = nza(&postponed, TermBasis::Awb7_10).unwrap();
    assert_eq!(last_day(term), d(2026, 5, 11));
    assert_eq!(term.status, TermStatus::Open);

    let capped = objected().postponed(3, Some(d(2026, 6, 30)), d(2026, 3, 20)).on(d(2026, 3, 31));
    assert_eq!(last_day(nza(&capped, TermBasis::Awb7_10).unwrap()), d(2026, 5, 11), "never more than six weeks");

    // A notice naming Saturday 9 May 2026: the earlier date is kept, the Monday after named as the other reading.
    let weekend = objected().postponed(3, Some(d(2026, 5, 9)), d(2026, 3, 20)).on(d(2026, 3, 31));
    let term = nza(&weekend, TermBasis::Awb7_10).unwrap();
    assert_eq!(last_day(term), d(2026, 5, 9));
    assert!(
        steps(term).iter().any(|s| s.starts_with("Lezing: art. 1 Algemene termijnenwet") && s.contains("11 mei 2026"))
    );
}

#[test]
fn a_postponement_notified_after_the_decision_term_ended_has_no_effect() {
    let late = objected().postponed(3, None, d(2026, 3, 31)).on(d(2026, 4, 1));
    let term = nza(&late, TermBasis::Awb7_10).unwrap();
    assert_eq!(last_day(term), d(2026, 3, 30));
    assert_eq!(term.status, TermStatus::Closed);
    assert!(steps(term).iter().any(|s| s.contains("geen gevolg")));
}

#[test]
fn a_further_postponement_under_lid_4_runs_to_its_recorded_date_without_the_atw() {
    let view = objected()
        .postponed(3, None, d(2026, 3, 20))
        .postponed(4, Some(d(2026, 6, 14)), d(2026, 5, 4))
        .on(d(2026, 5, 12));
    let term = nza(&view, TermBasis::Awb7_10).unwrap();
    assert_eq!(last_day(term), d(2026, 6, 14), "a Sunday, as recorded");
    assert!(steps(term).iter().any(|s| s.starts_with("Art. 7:10 lid 4 Awb") && s.contains("onder b")));
    assert_eq!(term.status, TermStatus::Open);
}

#[test]
fn an_objection_received_after_the_objection_term_is_late_and_its_decision_term_runs_from_receipt_on_a_reading() {
    let view = Register::future_year()
        .tariff("TB-1", d(2026, 1, 5))
        .objection("B-2026-0050", "TB-1", d(2026, 3, 2))
        .on(d(2026, 3, 2));
    let objection = &view.objections[0];
    assert_eq!(objection.filing, Filing::Late);
    assert!(objection.explanation.steps().iter().any(|s| s.contains("tenzij de NZa de termijnoverschrijding")));
    let term = objection.decision_term.as_ref().unwrap();
    assert_eq!(term.term.as_ref().unwrap().opens_on, d(2026, 3, 3));
    assert!(steps(term).iter().any(|s| s.starts_with("Lezing: art. 7:10 lid 1 Awb")));
}

#[test]
fn once_the_decision_on_the_objection_is_announced_the_term_is_closed_and_says_when_it_came_late() {
    let register = objected().objection_decided(d(2026, 4, 1), d(2026, 4, 2));
    assert_eq!(nza(&register.on(d(2026, 3, 25)), TermBasis::Awb7_10).unwrap().status, TermStatus::Open);
    let view = register.on(d(2026, 4, 2));
    let term = nza(&view, TermBasis::Awb7_10).unwrap();
    assert_eq!(term.status, TermStatus::Closed);
    assert!(steps(term).last().unwrap().contains("na afloop van de beslistermijn"));
    assert!(view.objections[0].decision.is_some());
}
