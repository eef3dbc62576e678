//! The same store suite against embedded SQLite and a real PostgreSQL: recording, reading back, positions and
//! the hash chain, optimistic concurrency, idempotency keys, replay, as-at queries and tamper detection.

mod common;

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use common::TestDb;
use termijn::service::{CommandError, Entry, JudgmentOrder, NewObjection, NewSpaceDecision, Service};
use termijn::store::{ChainProblem, EventQuery, Provenance, Written};
use termijn_domain::aggregates::appeal::{AppealRecord, JudgmentOutcome};
use termijn_domain::aggregates::space_decision::SpaceLine;
use termijn_domain::aggregates::tariff_decision::TariffDecisionRecord;
use termijn_domain::filing::Filing;
use termijn_domain::record::{Consequence, Postponement};
use termijn_domain::reference::LegalContext;
use termijn_domain::register::{Appellant, DecisionStatus, SpaceDecisionKind, TariffKind};
use termijn_domain::values::{AgbCode, AppealId, DecisionId, Euro, ObjectionId, RegionSlug};
use termijn_projections::difference::ChangeKind;
use termijn_projections::facts::RegionYearRows;
use termijn_projections::views::Audience;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> DecisionId {
    DecisionId::parse(s).unwrap()
}

fn region(s: &str) -> RegionSlug {
    RegionSlug::parse(s).unwrap()
}

fn jurist() -> Provenance {
    Provenance { recorded_by: "mr. A. Jurist".to_owned(), ..Provenance::default() }
}

async fn service(db: &TestDb) -> Service {
    Service::new(db.open().await, Arc::new(LegalContext::shipped().unwrap()))
}

/// A multi-year establishment for 2026 and 2027 in Groningen and Friesland, announced 14 November 2025.
fn establishment() -> NewSpaceDecision {
    let line =
        |r: &str, year, amount: &str| SpaceLine { region: region(r), year, amount: Euro::parse(amount).unwrap() };
    NewSpaceDecision {
        decision_id: id("NZa-RCS-2025-11"),
        kind: SpaceDecisionKind::Establishment,
        decided_on: d(2025, 11, 10),
        announced_on: Some(d(2025, 11, 14)),
        reason: "meerjarige vaststelling".to_owned(),
        spaces: vec![
            line("groningen", 2026, "812345000.00"),
            line("groningen", 2027, "820000000.00"),
            line("friesland", 2027, "640000000.10"),
        ],
    }
}

/// A provider's 2027 tariff decision for Groningen and Friesland, decided 18 January 2027.
fn tariff_2027(decision_id: DecisionId, provider: &str) -> TariffDecisionRecord {
    TariffDecisionRecord {
        decision_id,
        provider: AgbCode::parse(provider).unwrap(),
        year: 2027,
        regions: vec![region("groningen"), region("friesland")],
        kind: TariffKind::Tariff,
        amends: None,
        decided_on: d(2027, 1, 18),
        applied_space_decisions: None,
    }
}

fn appeal(appeal_id: &str, received_on: NaiveDate) -> AppealRecord {
    AppealRecord {
        appeal_id: AppealId::parse(appeal_id).unwrap(),
        appellant: Appellant::CareOffice("zorgkantoor-noord".to_owned()),
        region: region("groningen"),
        year: 2027,
        against_decision: id("NZa-RCS-2025-11"),
        received_on,
        posted_on: None,
        received_by: Default::default(),
    }
}

async fn a_recorded_decision_reads_back_with_its_terms_and_the_history_proves_itself(db: &TestDb) {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0001", d(2026, 3, 2))).await.unwrap();

    let space = service
        .space(&region("groningen"), 2027, d(2026, 3, 2), None, &Audience::default())
        .await
        .unwrap()
        .expect("the region-year is recorded");
    assert_eq!(space.amount.unwrap().to_string(), "820000000.00");
    assert_eq!(space.status, Some(DecisionStatus::UnderAppeal));
    assert_eq!(space.terms[0].last_day, Some(d(2026, 4, 13)));
    assert_eq!(space.appeals[0].filing, Filing::OnTime);

    let events = service.history(&EventQuery { limit: 100, ..EventQuery::default() }).await.unwrap();
    let positions: Vec<i64> = events.iter().map(|e| e.position).collect();
    assert_eq!(positions, [1, 2, 3], "recorded, announced, appeal lodged");
    assert_eq!(events[0].event_type, "SpaceDecisionRecorded");
    assert_eq!(events[0].recorded_by, "mr. A. Jurist");
    assert!(events[0].recorded_at <= events[2].recorded_at);
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap(), None);
    assert_eq!(service.store().projected_through().await.unwrap(), 3);
}

async fn a_region_year_without_a_decision_is_not_found(db: &TestDb) {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    let none = service.space(&region("friesland"), 2026, d(2026, 1, 1), None, &Audience::default()).await.unwrap();
    assert!(none.is_none());
}

async fn a_decision_id_used_before_is_a_conflict_and_records_nothing(db: &TestDb) {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    let again = service.record_space_decision(&jurist(), establishment()).await;
    assert!(matches!(again, Err(CommandError::Conflict(_))), "{again:?}");
    assert_eq!(service.store().chain_head().await.unwrap().0, 2);
}

async fn invalid_input_records_nothing(db: &TestDb) {
    let service = service(db).await;
    let mut bad = establishment();
    bad.spaces[1].year = 2032;
    let refused = service.record_space_decision(&jurist(), bad).await;
    assert!(
        matches!(&refused, Err(CommandError::Invalid { field: Some(f), .. }) if f == "spaces[1].year"),
        "{refused:?}"
    );
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    let unknown = service.lodge_appeal(&jurist(), AppealRecord { year: 2026, ..appeal("x", d(2026, 3, 2)) }).await;
    assert!(unknown.is_ok(), "groningen 2026 is set by the decision");
    let wrong = service
        .lodge_appeal(&jurist(), AppealRecord { region: region("friesland"), year: 2026, ..appeal("y", d(2026, 3, 2)) })
        .await;
    assert!(
        matches!(&wrong, Err(CommandError::Invalid { field: Some(f), .. }) if f == "against_decision"),
        "{wrong:?}"
    );
    assert_eq!(service.store().chain_head().await.unwrap().0, 3);
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap(), None);
}

async fn two_writers_racing_on_one_appeal_one_wins_and_the_other_gets_a_conflict(db: &TestDb) {
    let service = Arc::new(service(db).await);
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0002", d(2026, 3, 2))).await.unwrap();
    let appeal_id = AppealId::parse("CBb 26/0002").unwrap();
    let mut outcomes = Vec::new();
    for _round in 0..5 {
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let service = service.clone();
                let appeal_id = appeal_id.clone();
                tokio::spawn(async move {
                    if i % 2 == 0 {
                        service.withdraw_appeal(&jurist(), &appeal_id, d(2026, 5, 1)).await
                    } else {
                        service
                            .record_judgment(&jurist(), &appeal_id, d(2026, 9, 1), JudgmentOutcome::Dismissed, None)
                            .await
                    }
                })
            })
            .collect();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
    }
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(won, 1, "exactly one ending is recorded: {outcomes:?}");
    assert!(outcomes.iter().filter(|o| o.is_err()).all(|o| matches!(o, Err(CommandError::Conflict(_)))));
    let stream = EventQuery {
        limit: 100,
        stream: Some(("appeal".to_owned(), "CBb 26/0002".to_owned())),
        ..EventQuery::default()
    };
    assert_eq!(service.history(&stream).await.unwrap().len(), 2);
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap(), None);
}

/// Writes that arrive together are committed together: announcements of decisions recorded in the same commit
/// or before it, endings of earlier appeals, a conflict and a reused idempotency key among them. Each write gets
/// its own outcome, and the views equal a rebuild from the log.
async fn writes_committed_together_each_get_their_outcome_and_the_views_match_a_replay(db: &TestDb) {
    let service = Arc::new(service(db).await);
    let mut unannounced = establishment();
    unannounced.announced_on = None;
    service.record_space_decision(&jurist(), unannounced).await.unwrap();
    service.announce_space_decision(&jurist(), &id("NZa-RCS-2025-11"), d(2025, 11, 14)).await.unwrap();
    for n in 0..24 {
        service.lodge_appeal(&jurist(), appeal(&format!("CBb 26/1{n}"), d(2026, 3, 2))).await.unwrap();
    }
    let keyed = |key: &str| Provenance {
        idempotency_key: Some(key.to_owned()),
        request_hash: Some(format!("hash of {key}")),
        ..jurist()
    };
    // The first round holds no conflict, so it commits in one go; the later ones make the batch fall back to
    // writing one by one.
    for first_round in [true, false, false] {
        let head = service.store().chain_head().await.unwrap().0;
        let round = head;
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let service = service.clone();
                let by = if i == 4 || i == 8 { keyed(&format!("key-{round}")) } else { jurist() };
                tokio::spawn(async move {
                    let tariff_id = id(&format!("NZa-TB-{round}-{i}"));
                    match if first_round && i % 4 == 3 { 0 } else { i % 4 } {
                        0 => service.lodge_appeal(&by, appeal(&format!("CBb 26/{round}/{i}"), d(2026, 3, 9))).await,
                        1 => {
                            let tariff = tariff_2027(tariff_id, &format!("{:08}", 10_000_000 + i));
                            service.record_tariff_decision(&by, tariff, Some(d(2027, 1, 22))).await
                        }
                        2 => {
                            let earlier = if first_round { i } else { i % 3 };
                            let earlier = AppealId::parse(&format!("CBb 26/1{earlier}")).unwrap();
                            service.withdraw_appeal(&by, &earlier, d(2026, 6, 3)).await
                        }
                        _ => service.announce_space_decision(&by, &id("NZa-RCS-2025-11"), d(2025, 11, 14)).await,
                    }
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let recorded = outcomes.iter().filter(|o| o.is_ok()).count() as i64;
        assert!(outcomes[0].is_ok() && outcomes[1].is_ok(), "{outcomes:?}");
        assert!(
            first_round || outcomes.iter().skip(3).step_by(4).all(|o| matches!(o, Err(CommandError::Conflict(_)))),
            "a decision is announced once: {outcomes:?}"
        );
        assert!(
            !first_round || outcomes.iter().enumerate().all(|(i, o)| o.is_ok() || i == 4 || i == 8),
            "{outcomes:?}"
        );
        assert!(
            [&outcomes[4], &outcomes[8]].iter().filter(|o| matches!(o, Err(CommandError::IdempotencyKeyTaken))).count()
                == 1,
            "one of two writes with the same key is recorded: {outcomes:?}"
        );
        let events = service.history(&EventQuery { after: head, limit: 1_000, ..EventQuery::default() }).await.unwrap();
        let tariffs = outcomes.iter().skip(1).step_by(4).filter(|o| o.is_ok()).count() as i64;
        assert_eq!(events.len() as i64, recorded + tariffs, "a tariff decision recorded with its announcement");
        assert!(events.iter().zip(head + 1..).all(|(event, position)| event.position == position));
    }
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap(), None);
    let live = service.store().dump_views().await.unwrap();
    service.store().rebuild_views(&mut |_, _| {}).await.unwrap();
    assert_eq!(service.store().dump_views().await.unwrap(), live);
}

/// Region-years are judged from rows held in memory, brought forward by the writer of the process that holds them.
/// What a process holds equals a fresh read of the database: after its own writes committed together, after
/// another process on the same database added and changed rows, and after a replay.
async fn region_years_held_in_memory_equal_a_fresh_read(db: &TestDb) {
    let here = Arc::new(service(db).await);
    let elsewhere = service(db).await;
    let fresh = || async {
        let store = db.open().await;
        let mut rows = Vec::new();
        for (r, year) in [("groningen", 2027), ("friesland", 2027), ("groningen", 2026)] {
            rows.push((*store.region_year_rows(&region(r), year).await.unwrap()).clone());
        }
        rows
    };
    let held = || async {
        let mut rows = Vec::new();
        for (r, year) in [("groningen", 2027), ("friesland", 2027), ("groningen", 2026)] {
            rows.push((*here.store().region_year_rows(&region(r), year).await.unwrap()).clone());
        }
        rows
    };
    here.record_space_decision(&jurist(), establishment()).await.unwrap();
    let (held_region_years, region_years) = here.store().hold_register(2026).await.unwrap();
    assert!(region_years >= 2, "the decision's region-years are registered: {region_years}");
    assert_eq!(held_region_years, region_years, "a small register is held whole");
    assert_eq!(held().await, fresh().await);

    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let here = here.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    here.lodge_appeal(&jurist(), appeal(&format!("CBb 27/{i}"), d(2027, 2, 1))).await.unwrap();
                    here.appeal(&AppealId::parse(&format!("CBb 27/{i}")).unwrap(), d(2027, 2, 1), None).await.unwrap()
                } else {
                    let tariff = tariff_2027(id(&format!("NZa-TB-27-{i}")), &format!("{:08}", 30_000_000 + i));
                    here.record_tariff_decision(&jurist(), tariff, (i % 4 == 1).then(|| d(2027, 1, 22))).await.unwrap();
                    None
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let after_own_writes = held().await;
    assert_eq!(after_own_writes, fresh().await);
    assert_eq!(after_own_writes[0].appeals.len(), 8);
    assert_eq!(after_own_writes[0].tariffs.iter().filter(|t| t.announced.is_some()).count(), 4);

    elsewhere.lodge_appeal(&jurist(), appeal("CBb 27/elsewhere", d(2027, 2, 2))).await.unwrap();
    elsewhere.withdraw_appeal(&jurist(), &AppealId::parse("CBb 27/0").unwrap(), d(2027, 3, 1)).await.unwrap();
    elsewhere.announce_tariff_decision(&jurist(), &id("NZa-TB-27-3"), d(2027, 1, 25)).await.unwrap();
    // Written here before anything is read here again: what is held is older than the other process's rows.
    here.lodge_appeal(&jurist(), appeal("CBb 27/here", d(2027, 2, 3))).await.unwrap();
    let after_elsewhere = held().await;
    assert_eq!(after_elsewhere, fresh().await);
    assert_eq!(after_elsewhere[0].appeals.len(), 10, "the appeal lodged by the other process is seen");
    assert!(after_elsewhere[1].tariffs.iter().any(|t| t.decision_id == id("NZa-TB-27-3") && t.announced.is_some()));

    here.lodge_appeal(&jurist(), appeal("CBb 27/here again", d(2027, 2, 4))).await.unwrap();
    here.record_judgment(
        &jurist(),
        &AppealId::parse("CBb 27/2").unwrap(),
        d(2027, 9, 1),
        JudgmentOutcome::Dismissed,
        None,
    )
    .await
    .unwrap();
    assert_eq!(held().await, fresh().await);

    // The answer to a write is judged from rows held in memory that include what it recorded, without asking
    // the database whether another process has written since.
    let answered = AppealId::parse("CBb 27/answered").unwrap();
    here.lodge_appeal(&jurist(), appeal(answered.as_str(), d(2027, 2, 5))).await.unwrap();
    elsewhere.lodge_appeal(&jurist(), appeal("CBb 27/elsewhere later", d(2027, 2, 6))).await.unwrap();
    let lodged = |rows: &RegionYearRows| rows.appeals.iter().map(|a| a.appeal_id.to_string()).collect::<Vec<_>>();
    let answer =
        here.store().region_year_rows_including(&region("groningen"), 2027, Written::Appeal(&answered)).await.unwrap();
    assert!(lodged(&answer).contains(&answered.to_string()));
    assert!(!lodged(&answer).contains(&"CBb 27/elsewhere later".to_owned()), "{:?}", lodged(&answer));
    let latest = here.store().region_year_rows(&region("groningen"), 2027).await.unwrap();
    assert!(lodged(&latest).contains(&"CBb 27/elsewhere later".to_owned()));
    assert_eq!(held().await, fresh().await);

    here.store().rebuild_views(&mut |_, _| {}).await.unwrap();
    let rebuilt = held().await;
    assert_eq!(rebuilt, fresh().await);
    assert_eq!(rebuilt[0].appeals.len(), 13);
}

async fn an_idempotency_key_is_claimed_once_per_recorder(db: &TestDb) {
    let service = service(db).await;
    let keyed =
        Provenance { idempotency_key: Some("k-1".to_owned()), request_hash: Some("h-1".to_owned()), ..jurist() };
    service.record_space_decision(&keyed, establishment()).await.unwrap();
    let stored = service.store().idempotency("mr. A. Jurist", "k-1").await.unwrap().expect("claimed");
    assert_eq!(stored.request_hash, "h-1");
    let mut other = establishment();
    other.decision_id = id("NZa-RCS-2025-12");
    let reused = service.record_space_decision(&keyed, other).await;
    assert!(matches!(reused, Err(CommandError::IdempotencyKeyTaken)), "{reused:?}");
    assert_eq!(service.store().chain_head().await.unwrap().0, 2, "nothing of the second request is recorded");
}

async fn replay_rebuilds_views_equal_to_the_live_ones(db: &TestDb) {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    let tariff = tariff_2027(id("NZa-TB-12345678-2027-1"), "12345678");
    service.record_tariff_decision(&jurist(), tariff, Some(d(2027, 1, 22))).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0003", d(2026, 1, 20))).await.unwrap();
    service.withdraw_appeal(&jurist(), &AppealId::parse("CBb 26/0003").unwrap(), d(2026, 6, 3)).await.unwrap();
    // The facts kept as notes of a region-year: an objection and its course, a confirmation, a judgment's order.
    let objection = ObjectionId::parse("B-2027-0001").unwrap();
    let new = NewObjection {
        objection_id: objection.clone(),
        tariff_decision: id("NZa-TB-12345678-2027-1"),
        objector: Appellant::Provider(AgbCode::parse("12345678").unwrap()),
        received_on: d(2027, 2, 10),
        posted_on: None,
        advisory_committee: false,
    };
    service.lodge_objection(&jurist(), new).await.unwrap();
    let lid3 = Postponement { paragraph: 3, until: None, ground: None, announced_on: d(2027, 4, 1) };
    service.postpone_objection(&jurist(), &id("NZa-TB-12345678-2027-1"), &objection, lid3).await.unwrap();
    service
        .confirm_no_appeal(
            &jurist(),
            &id("NZa-RCS-2025-11"),
            RegionSlug::parse("groningen").unwrap(),
            2027,
            d(2027, 1, 5),
        )
        .await
        .unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0004", d(2026, 3, 20))).await.unwrap();
    let order = JudgmentOrder {
        annuls: vec![(id("NZa-RCS-2025-11"), None)],
        consequence: Consequence::NewDecisionRequired,
        amount: None,
        new_decision_by: Some(d(2027, 6, 1)),
    };
    let upheld = AppealId::parse("CBb 26/0004").unwrap();
    service.record_judgment(&jurist(), &upheld, d(2027, 3, 1), JudgmentOutcome::Upheld, Some(order)).await.unwrap();
    service.refresh_deadlines().await.unwrap();
    let live = service.store().dump_views().await.unwrap();
    assert!(live.iter().any(|row| row.starts_with("deadlines: groningen|2027")), "{live:#?}");
    assert_eq!(live.iter().filter(|row| row.starts_with("region_year_notes: groningen|2027")).count(), 4, "{live:#?}");

    let mut seen = Vec::new();
    let rebuilt_through = service.store().rebuild_views(&mut |done, total| seen.push((done, total))).await.unwrap();
    assert_eq!(rebuilt_through, 11);
    assert_eq!(seen.last(), Some(&(11, 11)), "progress reaches the end of the log");
    service.refresh_deadlines().await.unwrap();
    assert_eq!(service.store().dump_views().await.unwrap(), live);
}

/// A replay writes a large register back in bulk (PostgreSQL through `COPY`): every row comes back as the live
/// path wrote it, also text holding quotes, commas and backslashes, and values that are absent.
async fn a_replay_of_a_large_register_writes_back_every_row_as_recorded(db: &TestDb) {
    let service = Arc::new(service(db).await);
    let mut decision = establishment();
    decision.reason = "\"meerjarig\", met ; en \\ en\nregelovergang".to_owned();
    service.record_space_decision(&jurist(), decision).await.unwrap();
    let tasks: Vec<_> = (0..1_200)
        .map(|n| {
            let service = service.clone();
            tokio::spawn(async move {
                let mut lodged = appeal(&format!("CBb 26/{n:04}"), d(2026, 3, 2) + chrono::Days::new(n % 90));
                if n % 3 == 0 {
                    lodged.appellant = Appellant::CareOffice(format!("zorgkantoor \"{n}\", noord\\zuid"));
                }
                service.lodge_appeal(&jurist(), lodged).await.unwrap();
                if n % 7 == 0 {
                    let appeal_id = AppealId::parse(&format!("CBb 26/{n:04}")).unwrap();
                    service.withdraw_appeal(&jurist(), &appeal_id, d(2026, 6, 3)).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let live = service.store().dump_views().await.unwrap();
    assert_eq!(live.iter().filter(|row| row.starts_with("appeal_rows: ")).count(), 1_200);
    assert!(live.iter().any(|row| row.contains("zorgkantoor \\\"3\\\", noord")), "{:?}", &live[..4]);
    assert!(live.iter().any(|row| row.starts_with("appeal_rows: CBb 26/0007|") && !row.ends_with("|-|-")));

    let indexes = db.indexes().await;
    assert!(indexes.iter().any(|index| index.contains("appeal_rows")), "{indexes:#?}");

    service.store().rebuild_views(&mut |_, _| {}).await.unwrap();
    assert_eq!(service.store().dump_views().await.unwrap(), live);
    assert_eq!(db.indexes().await, indexes, "every index and key is back as the migrations made it");
    let space =
        service.space(&region("groningen"), 2027, d(2026, 7, 1), None, &Audience::default()).await.unwrap().unwrap();
    assert_eq!(space.appeals.len(), 1_200);
}

async fn as_at_shows_what_the_register_held_at_an_instant(db: &TestDb) {
    let service = service(db).await;
    let mut unannounced = establishment();
    unannounced.announced_on = None;
    service.record_space_decision(&jurist(), unannounced).await.unwrap();
    let before_announcement = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    service.announce_space_decision(&jurist(), &id("NZa-RCS-2025-11"), d(2025, 11, 14)).await.unwrap();

    let then = service
        .space(&region("groningen"), 2027, d(2026, 3, 2), Some(before_announcement), &Audience::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(then.status, Some(DecisionStatus::NotAnnounced));
    assert!(then.terms.is_empty());
    let now =
        service.space(&region("groningen"), 2027, d(2026, 3, 2), None, &Audience::default()).await.unwrap().unwrap();
    assert_eq!(now.status, Some(DecisionStatus::Open));
    let history_then = service
        .history(&EventQuery { limit: 10, recorded_until: Some(before_announcement), ..EventQuery::default() })
        .await
        .unwrap();
    assert_eq!(history_then.len(), 1);
}

async fn seed_three_events(db: &TestDb) -> Service {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0009", d(2026, 3, 2))).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0010", d(2026, 3, 3))).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0011", d(2026, 3, 4))).await.unwrap();
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap(), None);
    service
}

async fn an_edited_event_row_is_found_and_named(db: &TestDb) {
    let service = seed_three_events(db).await;
    db.tamper("UPDATE events SET recorded_by = 'iemand anders' WHERE position = 3").await;
    let found = service.store().verify(|_, _| {}).await.unwrap().expect("the edit is found");
    assert_eq!(found.position, 3);
}

async fn an_edited_payload_is_found_and_named(db: &TestDb) {
    let service = seed_three_events(db).await;
    let replace = if db.is_postgres() {
        "UPDATE events SET payload = CAST(replace(payload::text, '2026-03-03', '2026-04-03') AS json) WHERE position = 4"
    } else {
        "UPDATE events SET payload = replace(payload, '2026-03-03', '2026-04-03') WHERE position = 4"
    };
    db.tamper(replace).await;
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap().expect("found").position, 4);
}

async fn a_deleted_event_row_is_found_and_named(db: &TestDb) {
    let service = seed_three_events(db).await;
    db.tamper("DELETE FROM events WHERE position = 2").await;
    let found = service.store().verify(|_, _| {}).await.unwrap().expect("the deletion is found");
    assert_eq!(found.position, 2);
    assert_eq!(found.problem, ChainProblem::Missing { next: 3 });
}

async fn a_deleted_last_row_is_found_against_the_chain_head(db: &TestDb) {
    let service = seed_three_events(db).await;
    db.tamper("DELETE FROM events WHERE position = 5").await;
    let found = service.store().verify(|_, _| {}).await.unwrap().expect("found");
    assert_eq!((found.position, found.problem), (5, ChainProblem::Truncated { ends_at: 4, head: 5 }));
}

async fn reordered_event_rows_are_found_and_named(db: &TestDb) {
    let service = seed_three_events(db).await;
    db.tamper("UPDATE events SET position = 1000 WHERE position = 3").await;
    db.tamper("UPDATE events SET position = 3 WHERE position = 4").await;
    db.tamper("UPDATE events SET position = 4 WHERE position = 1000").await;
    let found = service.store().verify(|_, _| {}).await.unwrap().expect("found");
    assert_eq!((found.position, found.problem), (3, ChainProblem::Altered));
}

async fn an_inserted_event_row_is_found_and_named(db: &TestDb) {
    let service = seed_three_events(db).await;
    db.tamper("UPDATE events SET position = position + 1000 WHERE position >= 4").await;
    db.tamper("UPDATE events SET position = position - 999 WHERE position >= 1000").await;
    db.tamper(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, \
         position, recorded_at, recorded_by, idempotency_key, hash) \
         SELECT aggregate_type, 'CBb 26/9999', sequence, event_type, event_version, payload, metadata, 4, recorded_at, \
         recorded_by, idempotency_key, hash FROM events WHERE position = 3",
    )
    .await;
    assert_eq!(service.store().verify(|_, _| {}).await.unwrap().expect("found").position, 4);
}

/// What-if applies entries through the same checks, aggregates and fact changes as recording them: its answer is
/// what the register says once they are recorded, and until then nothing in the register changed.
async fn a_what_if_answers_as_recording_would_and_changes_nothing(db: &TestDb) {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    service.lodge_appeal(&jurist(), appeal("CBb 26/0001", d(2026, 3, 2))).await.unwrap();
    let amount = |a: &str| Euro::parse(a).unwrap();
    let amendment = NewSpaceDecision {
        decision_id: id("NZa-RCS-2026-06"),
        kind: SpaceDecisionKind::Amendment,
        decided_on: d(2026, 6, 1),
        announced_on: Some(d(2026, 6, 3)),
        reason: "wijziging".to_owned(),
        spaces: vec![
            SpaceLine { region: region("groningen"), year: 2027, amount: amount("830000000.00") },
            SpaceLine { region: region("friesland"), year: 2027, amount: amount("650000000.00") },
        ],
    };
    let mut second = appeal("CBb 26/0002", d(2026, 6, 10));
    second.region = region("friesland");
    second.against_decision = id("NZa-RCS-2026-06");
    let entries = vec![
        Entry::SpaceDecision(amendment),
        Entry::Appeal(second),
        Entry::Withdrawal { appeal_id: AppealId::parse("CBb 26/0001").unwrap(), withdrawn_on: d(2026, 6, 12) },
    ];
    let as_of = d(2026, 6, 15);
    let views = service.store().dump_views().await.unwrap();
    let head = service.store().chain_head().await.unwrap();
    let answer = service.what_if("mr. A. Jurist", as_of, entries.clone(), &Audience::default()).await.unwrap();
    assert_eq!(service.store().dump_views().await.unwrap(), views, "a what-if changes no view");
    assert_eq!(service.store().chain_head().await.unwrap(), head, "a what-if records nothing");

    let shown: Vec<(String, i32)> = answer.spaces.iter().map(|s| (s.region.to_string(), s.year)).collect();
    assert_eq!(shown, [("friesland".to_owned(), 2027), ("groningen".to_owned(), 2027)]);
    let kinds = |region: &str| -> Vec<ChangeKind> {
        answer.changes.iter().filter(|c| c.region.as_str() == region).map(|c| c.change).collect()
    };
    assert!(kinds("groningen").contains(&ChangeKind::AppealExtended), "{:?}", answer.changes);
    assert!(kinds("groningen").contains(&ChangeKind::AppealStatusChanges), "withdrawn: {:?}", answer.changes);
    assert!(kinds("friesland").contains(&ChangeKind::AppealLodged), "{:?}", answer.changes);
    assert!(kinds("friesland").contains(&ChangeKind::TermOpens), "the amendment's own term: {:?}", answer.changes);

    for entry in entries {
        service.record(&jurist(), entry).await.unwrap();
    }
    for would_be in &answer.spaces {
        let recorded =
            service.space(&would_be.region, would_be.year, as_of, None, &Audience::default()).await.unwrap().unwrap();
        assert_eq!(&recorded, would_be, "the what-if of {} {} is what recording says", would_be.region, would_be.year);
    }
}

/// A what-if entry is checked like the command it stands for: an appeal against a decision that sets no space
/// for its region-year is refused, naming the entry.
async fn a_what_if_entry_is_checked_like_a_recorded_one(db: &TestDb) {
    let service = service(db).await;
    service.record_space_decision(&jurist(), establishment()).await.unwrap();
    let mut stray = appeal("CBb 26/0003", d(2026, 3, 2));
    stray.region = region("drenthe");
    let refused = service
        .what_if(
            "mr. A. Jurist",
            d(2026, 3, 2),
            vec![Entry::Appeal(appeal("CBb 26/0004", d(2026, 3, 2))), Entry::Appeal(stray)],
            &Audience::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.entry, 1);
    assert!(
        matches!(&refused.error, CommandError::Invalid { field: Some(f), .. } if f == "against_decision"),
        "{:?}",
        refused.error
    );
}

on_both_stores!(
    a_recorded_decision_reads_back_with_its_terms_and_the_history_proves_itself,
    a_region_year_without_a_decision_is_not_found,
    a_decision_id_used_before_is_a_conflict_and_records_nothing,
    invalid_input_records_nothing,
    two_writers_racing_on_one_appeal_one_wins_and_the_other_gets_a_conflict,
    writes_committed_together_each_get_their_outcome_and_the_views_match_a_replay,
    region_years_held_in_memory_equal_a_fresh_read,
    an_idempotency_key_is_claimed_once_per_recorder,
    replay_rebuilds_views_equal_to_the_live_ones,
    a_replay_of_a_large_register_writes_back_every_row_as_recorded,
    as_at_shows_what_the_register_held_at_an_instant,
    an_edited_event_row_is_found_and_named,
    an_edited_payload_is_found_and_named,
    a_deleted_event_row_is_found_and_named,
    a_deleted_last_row_is_found_against_the_chain_head,
    reordered_event_rows_are_found_and_named,
    an_inserted_event_row_is_found_and_named,
    a_what_if_answers_as_recording_would_and_changes_nothing,
    a_what_if_entry_is_checked_like_a_recorded_one,
);
