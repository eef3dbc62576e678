//! Many clients writing at once, on one server (SQLite) and on two servers sharing one PostgreSQL database: no
//! acknowledged write is lost, racing writes on one appeal leave exactly one winner and 409 for the others, a
//! reader paging the history by position skips and repeats nothing, and the views equal a fresh replay.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use termijn_tests::{Db, Server, segment};

const WRITERS: usize = 6;
const APPEALS_PER_WRITER: usize = 8;

async fn post(http: &reqwest::Client, base: &str, token: &str, path: &str, body: Value) -> u16 {
    http.post(format!("{base}{path}")).bearer_auth(token).json(&body).send().await.expect("answers").status().as_u16()
}

async fn get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    http.get(format!("{base}{path}")).bearer_auth(token).send().await.expect("answers").json().await.expect("JSON")
}

async fn race(db: &Db, servers: &[Server]) {
    let legal = db.token("legal", "mr. A. Jurist", None);
    let http = reqwest::Client::new();
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let decision = json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment", "decided_on": "2025-11-10",
        "announced_on": "2025-11-14",
        "spaces": [{"region": "groningen", "year": 2027, "amount": "1.00"}, {"region": "friesland", "year": 2027, "amount": "2.00"}]});
    assert_eq!(post(&http, &bases[0], &legal, "/api/v1/contracting-space-decisions", decision).await, 201);

    // A reader pages the history by position while the writers write.
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (http, base, token, done) = (http.clone(), bases[bases.len() - 1].clone(), legal.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = 0;
            loop {
                let finished = done.load(Ordering::SeqCst);
                let page = get(&http, &base, &token, &format!("/api/v1/history?after={after}&limit=7")).await;
                let events = page["events"].as_array().expect("events").clone();
                for event in &events {
                    let position = event["position"].as_i64().expect("a position");
                    seen.push(position);
                    after = position;
                }
                if finished && events.is_empty() {
                    return seen;
                }
            }
        })
    };

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (http, bases, token) = (http.clone(), bases.clone(), legal.clone());
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for a in 0..APPEALS_PER_WRITER {
                    let base = &bases[(w + a) % bases.len()];
                    let id = format!("CBb 26/{w}{a:03}");
                    let appeal = json!({"appeal_id": id, "appellant": {"kind": "care_office", "id": "zorgkantoor"},
                        "region": if a % 2 == 0 { "groningen" } else { "friesland" }, "year": 2027,
                        "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-02"});
                    statuses.push(("lodge", post(&http, base, &token, "/api/v1/appeals", appeal).await));
                }
                // Every writer races to end the same appeal: one wins, the others get 409.
                let base = &bases[w % bases.len()];
                let path = format!("/api/v1/appeals/{}/withdrawal", segment("CBb 26/0000"));
                statuses.push(("end", post(&http, base, &token, &path, json!({"withdrawn_on": "2026-05-01"})).await));
                statuses
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for writer in writers {
        statuses.extend(writer.await.expect("a writer finishes"));
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.expect("the reader finishes");

    assert!(statuses.iter().filter(|(what, _)| *what == "lodge").all(|(_, s)| *s == 201), "{statuses:?}");
    let ends: Vec<u16> = statuses.iter().filter(|(what, _)| *what == "end").map(|(_, s)| *s).collect();
    assert_eq!(ends.iter().filter(|s| **s == 200).count(), 1, "one withdrawal wins: {ends:?}");
    assert!(ends.iter().all(|s| *s == 200 || *s == 409), "the others conflict: {ends:?}");

    // The reference data the first server started with, the decision and its announcement, the appeals, the
    // one withdrawal that won.
    let expected_events = 1 + 2 + WRITERS * APPEALS_PER_WRITER + 1;
    let expected: Vec<i64> = (1..=expected_events as i64).collect();
    assert_eq!(seen, expected, "the reader saw every position once, in order");
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), expected_events);

    let space = "/api/v1/contracting-spaces/groningen/2027?as_of=2026-06-01";
    let before: Vec<Value> = futures_join(&http, &bases, &legal, space).await;
    assert!(before.windows(2).all(|w| w[0] == w[1]), "every server shows the same view");
    assert_eq!(before[0]["appeals"].as_array().expect("appeals").len(), WRITERS * APPEALS_PER_WRITER / 2);
    let deadlines = "/api/v1/deadlines?from=2026-01-01&to=2027-12-31&as_of=2026-06-01";
    let terms = get(&http, &bases[0], &legal, deadlines).await;
    assert!(!terms["terms"].as_array().expect("terms").is_empty(), "{terms}");
    let (code, _, err) = db.run(&["replay"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(get(&http, &bases[0], &legal, space).await, before[0], "the live views equal a replay");
    // The replay left every region-year's indexed terms to be recomputed: the running servers judge them from
    // the facts meanwhile, and answer the same terms.
    for base in &bases {
        assert_eq!(get(&http, base, &legal, deadlines).await, terms, "the deadlines right after a replay");
    }
    // A tariff decision recorded through one server opens its term in every server's deadlines at once, however
    // far the index and the region-years each server holds in memory are behind.
    let tariff = json!({"decision_id": "NZa-TB-2026-0001", "provider": "12345678", "year": 2027,
        "regions": ["groningen"], "kind": "tariff", "decided_on": "2026-05-01", "announced_on": "2026-05-04"});
    assert_eq!(post(&http, &bases[0], &legal, "/api/v1/tariff-decisions", tariff).await, 201);
    for base in &bases {
        let after = get(&http, base, &legal, deadlines).await;
        let opened = after["terms"].as_array().expect("terms").iter().any(|t| {
            t["tariff_decision"] == "NZa-TB-2026-0001" && t["region"] == "groningen" && t["basis"] == "art105_lid2"
        });
        assert!(opened, "the term the tariff decision opened, at {base}: {after}");
    }
    let (code, out, _) = db.run(&["verify"], &[]);
    assert_eq!(code, 0, "{out}");
}

async fn futures_join(http: &reqwest::Client, bases: &[String], token: &str, path: &str) -> Vec<Value> {
    let mut views = Vec::new();
    for base in bases {
        views.push(get(http, base, token, path).await);
    }
    views
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_on_one_sqlite_server_lose_nothing_and_skip_nothing() {
    let db = Db::sqlite();
    db.run(&["verify"], &[]);
    let server = Server::start(&db, &[]);
    race(&db, &[server]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_lose_nothing_and_skip_nothing() {
    let Some(db) = Db::postgres().await else { return };
    db.run(&["verify"], &[]);
    let servers = [Server::start(&db, &[]), Server::start(&db, &[])];
    race(&db, &servers).await;
}
