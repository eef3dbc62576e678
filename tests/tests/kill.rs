//! Killing the server with SIGKILL at random moments under continuous writes, again and again: after every
//! restart each acknowledged write is there, nothing is half there, the history verifies, and at the end the
//! views equal a fresh replay. On SQLite and on PostgreSQL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use termijn_tests::{Db, Server, segment};

const ROUNDS: u64 = 4;
const CLIENTS: usize = 4;

/// A small deterministic source of "random" kill moments, so a failure can be reproduced.
fn kill_after(round: u64) -> Duration {
    let mixed = (round + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    Duration::from_millis(150 + mixed % 500)
}

async fn get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> (u16, Value) {
    let response = http.get(format!("{base}{path}")).bearer_auth(token).send().await.expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn kill_repeatedly(db: Db) {
    let legal = db.token("legal", "mr. A. Jurist", None);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a client");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    {
        let server = Server::start(&db, &[]);
        let decision = json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment", "decided_on": "2025-11-10",
            "announced_on": "2025-11-14", "spaces": [{"region": "groningen", "year": 2027, "amount": "1.00"}]});
        let status = http
            .post(format!("{}/api/v1/contracting-space-decisions", server.base))
            .bearer_auth(&legal)
            .json(&decision)
            .send()
            .await
            .expect("answers")
            .status();
        assert_eq!(status.as_u16(), 201);
    }
    for round in 0..ROUNDS {
        let mut server = Server::start(&db, &[]);
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (http, base, token, stop, acknowledged) =
                    (http.clone(), server.base.clone(), legal.clone(), stop.clone(), acknowledged.clone());
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let id = format!("CBb {round}/{client}/{n}");
                        let appeal = json!({"appeal_id": id, "appellant": {"kind": "care_office", "id": "zk"},
                            "region": "groningen", "year": 2027, "against_decision": "NZa-RCS-2025-11",
                            "received_on": "2026-03-02"});
                        match http.post(format!("{base}/api/v1/appeals")).bearer_auth(&token).json(&appeal).send().await
                        {
                            Ok(response) if response.status().as_u16() == 201 => {
                                acknowledged.lock().expect("lock").push(id);
                            }
                            Ok(response) => panic!("a write was refused: {}", response.status()),
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(kill_after(round)).await;
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for client in clients {
            client.await.expect("a client ends");
        }

        let (code, out, err) = db.run(&["verify"], &[]);
        assert_eq!(code, 0, "round {round}: the history is intact: {out}{err}");
        let server = Server::start(&db, &[]);
        let ids = acknowledged.lock().expect("lock").clone();
        assert!(!ids.is_empty(), "round {round}: writes were acknowledged before the kill");
        for id in &ids {
            let (status, _) = get(&http, &server.base, &legal, &format!("/api/v1/appeals/{}", segment(id))).await;
            assert_eq!(status, 200, "round {round}: acknowledged appeal {id} survived");
        }
        // Whatever the log holds was recorded whole: every lodged appeal can be read.
        let mut after = 0;
        loop {
            let path = format!("/api/v1/history?limit=1000&after={after}");
            let (_, page) = get(&http, &server.base, &legal, &path).await;
            for event in page["events"].as_array().expect("events") {
                if event["type"] == "AppealLodged" {
                    let id = event["stream"].as_str().expect("a stream").trim_start_matches("appeal/");
                    let (status, _) =
                        get(&http, &server.base, &legal, &format!("/api/v1/appeals/{}", segment(id))).await;
                    assert_eq!(status, 200, "round {round}: {id} in the log is in the views too");
                }
            }
            match page["next_after"].as_i64() {
                Some(next) => after = next,
                None => break,
            }
        }
    }

    let space = "/api/v1/contracting-spaces/groningen/2027?as_of=2026-06-01";
    let live = {
        let server = Server::start(&db, &[]);
        get(&http, &server.base, &legal, space).await
    };
    let (code, _, err) = db.run(&["replay"], &[]);
    assert_eq!(code, 0, "{err}");
    let server = Server::start(&db, &[]);
    assert_eq!(get(&http, &server.base, &legal, space).await, live, "the views equal a fresh replay");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_sigkill_under_continuous_writes_loses_no_acknowledged_write() {
    kill_repeatedly(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_sigkill_under_continuous_writes_loses_no_acknowledged_write() {
    let Some(db) = Db::postgres().await else { return };
    kill_repeatedly(db).await;
}
