//! The full lifecycle of DOMAIN.md through the projections: recorded events become fact rows, the fact rows
//! become the region-year's facts as recorded at an instant, and the term engine judges them.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;
use termijn_domain::filing::Filing;
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{AppealStatus, DecisionStatus, NotOpenedReason, TermBasis, assess_region_year};
use termijn_domain::values::RegionSlug;
use termijn_projections::RecordedEvent;
use termijn_projections::facts::{FactSet, changes};
use termijn_projections::views::{Audience, SpaceView};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A log of events, each recorded a minute after the one before, and the fact rows they made.
struct Log {
    events: Vec<RecordedEvent>,
    rows: FactSet,
    start: DateTime<Utc>,
}

impl Log {
    fn new() -> Self {
        Self { events: Vec::new(), rows: FactSet::default(), start: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() }
    }

    fn record(&mut self, aggregate_type: &str, aggregate_id: &str, payload: serde_json::Value) -> DateTime<Utc> {
        let position = self.events.len() as i64 + 1;
        let recorded_at = self.start + Duration::minutes(position);
        let event = RecordedEvent {
            position,
            aggregate_type: aggregate_type.to_owned(),
            aggregate_id: aggregate_id.to_owned(),
            sequence: 1,
            event_type: payload.as_object().unwrap().keys().next().unwrap().clone(),
            event_version: "1.0".to_owned(),
            payload,
            recorded_at,
            recorded_by: "jurist".to_owned(),
            idempotency_key: None,
            hash: String::new(),
        };
        for change in changes(&event).unwrap() {
            change.apply_to(&mut self.rows);
        }
        self.events.push(event);
        recorded_at
    }

    fn view(&self, as_of: NaiveDate, as_at: Option<DateTime<Utc>>) -> SpaceView {
        let context = LegalContext::shipped().unwrap();
        let region = RegionSlug::parse("groningen").unwrap();
        let facts = self.rows.region_year(&region, 2027).facts(&region, 2027, as_at);
        let assessment = assess_region_year(&facts, &context, as_of);
        SpaceView::new(&assessment, &Audience::default(), as_at, &context.commencement)
    }
}

fn decision(log: &mut Log, id: &str, kind: &str, decided_on: &str, year: i32) {
    log.record(
        "contracting_space_decision",
        id,
        json!({"SpaceDecisionRecorded": {"decision_id": id, "kind": kind, "decided_on": decided_on, "reason": "",
            "spaces": [{"region": "groningen", "year": year, "amount": "812345000.00"}]}}),
    );
}

fn announce(log: &mut Log, id: &str, on: &str) -> DateTime<Utc> {
    log.record("contracting_space_decision", id, json!({"SpaceDecisionAnnounced": {"announced_on": on}}))
}

fn appeal(log: &mut Log, id: &str, appellant: serde_json::Value, against: &str, received_on: &str) {
    log.record(
        "appeal",
        id,
        json!({"AppealLodged": {"appeal_id": id, "appellant": appellant, "region": "groningen", "year": 2027,
            "against_decision": against, "received_on": received_on, "posted_on": null}}),
    );
}

fn tariff(log: &mut Log, id: &str, provider: &str, kind: &str, announced_on: &str) {
    log.record(
        "tariff_decision",
        id,
        json!({"TariffDecisionRecorded": {"decision_id": id, "provider": provider, "year": 2027, "regions": ["groningen"],
            "kind": kind, "amends": null, "decided_on": "2027-01-10", "applied_space_decisions": null}}),
    );
    log.record("tariff_decision", id, json!({"TariffDecisionAnnounced": {"announced_on": announced_on}}));
}

#[test]
fn the_lifecycle_of_a_future_year_space_from_establishment_to_finality() {
    let mut log = Log::new();
    decision(&mut log, "NZa-RCS-2025-11", "establishment", "2025-11-10", 2027);
    let announced_at = announce(&mut log, "NZa-RCS-2025-11", "2025-11-14");
    let office = json!({"kind": "care_office", "id": "zorgkantoor"});
    appeal(&mut log, "premature", office.clone(), "NZa-RCS-2025-11", "2026-01-20");
    appeal(&mut log, "on-time", json!({"kind": "provider", "id": "12345678"}), "NZa-RCS-2025-11", "2026-03-05");
    appeal(&mut log, "late", office, "NZa-RCS-2025-11", "2026-04-20");

    let open = log.view(d(2026, 3, 10), None);
    assert_eq!(open.status, Some(DecisionStatus::UnderAppeal));
    assert_eq!(open.terms[0].basis, TermBasis::Art105Lid3);
    assert_eq!(open.terms[0].last_day, Some(d(2026, 4, 13)));
    let filing = |view: &SpaceView, id: &str| view.appeals.iter().find(|a| a.appeal_id.as_str() == id).unwrap().filing;
    let later = log.view(d(2026, 5, 1), None);
    assert_eq!(filing(&later, "premature"), Filing::Premature);
    assert_eq!(filing(&later, "on-time"), Filing::OnTime);
    assert_eq!(filing(&later, "late"), Filing::Late);

    // An amendment while the appeals are pending: they extend to it (art. 6:19 Awb).
    decision(&mut log, "NZa-RCS-2026-05", "amendment", "2026-05-18", 2027);
    announce(&mut log, "NZa-RCS-2026-05", "2026-05-20");
    let amended = log.view(d(2026, 6, 1), None);
    assert_eq!(amended.current_decision.as_ref().unwrap().as_str(), "NZa-RCS-2026-05");
    let premature = amended.appeals.iter().find(|a| a.appeal_id.as_str() == "premature").unwrap();
    assert_eq!(premature.extended_to.len(), 1);
    assert_eq!(amended.status, Some(DecisionStatus::UnderAppeal));

    // Withdrawal and dismissal end the appeals that held finality back; the late one does not count.
    log.record("appeal", "premature", json!({"AppealWithdrawn": {"withdrawn_on": "2026-06-10"}}));
    log.record("appeal", "on-time", json!({"JudgmentRecorded": {"judgment_on": "2026-09-15", "outcome": "dismissed"}}));
    let settled = log.view(d(2026, 9, 16), None);
    let establishment = &settled.decisions[0];
    assert_eq!(establishment.status, DecisionStatus::Irrevocable);
    assert_eq!(establishment.irrevocable_since, Some(d(2026, 9, 15)));
    assert_eq!(
        settled.appeals.iter().find(|a| a.appeal_id.as_str() == "on-time").unwrap().status,
        AppealStatus::Dismissed
    );

    // Tariff decisions of 2027 apply the amendment, the decision then in force: a tariff decision opens a term
    // against it (art. 105 lid 2 Wmg), a sluittarief does not; the amendment also has its own term from
    // 1 March 2027 (art. 105 lid 3 Wmg).
    tariff(&mut log, "NZa-TB-1", "12345678", "tariff", "2027-01-22");
    tariff(&mut log, "NZa-TB-S", "87654321", "sluittarief", "2027-01-25");
    let next_year = log.view(d(2027, 2, 1), None);
    let on_amendment: Vec<_> = next_year.terms.iter().filter(|t| t.decision_id.as_str() == "NZa-RCS-2026-05").collect();
    assert!(on_amendment.iter().any(|t| t.basis == TermBasis::Art105Lid3 && t.opens_on == Some(d(2027, 3, 1))));
    assert!(on_amendment.iter().any(|t| t.reason == Some(NotOpenedReason::Sluittarief)));
    assert!(on_amendment.iter().any(|t| t.tariff_decision.as_ref().is_some_and(|x| x.as_str() == "NZa-TB-1")));

    // As the register stood right after the announcement was recorded: no appeals yet.
    let then = log.view(d(2026, 3, 10), Some(announced_at));
    assert!(then.appeals.is_empty());
    assert_eq!(then.status, Some(DecisionStatus::Open));
    let before = log.view(d(2026, 3, 10), Some(announced_at - Duration::seconds(1)));
    assert_eq!(before.status, Some(DecisionStatus::NotAnnounced));
}

#[test]
fn an_upheld_appeal_annuls_the_space_from_the_day_of_judgment() {
    let mut log = Log::new();
    decision(&mut log, "NZa-RCS-2025-11", "establishment", "2025-11-10", 2027);
    announce(&mut log, "NZa-RCS-2025-11", "2025-11-14");
    appeal(&mut log, "upheld", json!({"kind": "other", "id": "patiëntenfederatie"}), "NZa-RCS-2025-11", "2026-03-20");
    log.record("appeal", "upheld", json!({"JudgmentRecorded": {"judgment_on": "2026-09-17", "outcome": "upheld"}}));
    assert_eq!(log.view(d(2026, 9, 16), None).status, Some(DecisionStatus::UnderAppeal));
    let view = log.view(d(2026, 9, 17), None);
    assert_eq!(view.status, Some(DecisionStatus::Annulled));
    assert_eq!(view.decisions[0].annulled_on, Some(d(2026, 9, 17)));
}

#[test]
fn a_publication_before_commencement_is_not_appealable_and_appeals_against_it_have_no_term() {
    let mut log = Log::new();
    decision(&mut log, "NZa-RCS-2024-11", "establishment", "2024-11-11", 2027);
    announce(&mut log, "NZa-RCS-2024-11", "2024-11-15");
    appeal(&mut log, "early", json!({"kind": "care_office", "id": "zorgkantoor"}), "NZa-RCS-2024-11", "2025-03-02");
    let view = log.view(d(2025, 6, 1), None);
    assert_eq!(view.status, Some(DecisionStatus::NotAppealable));
    assert!(view.terms.is_empty());
    assert_eq!(view.appeals[0].filing, Filing::NoTerm);
}
