//! A bounded soak: mixed reads and writes from several clients against one server on loopback, for
//! `TERMIJN_SOAK_SECONDS` (default 60). No request fails, and the server's memory does not keep growing.
//! The figures are printed for the record; nothing here asserts a duration.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;
use termijn_tests::{PROVIDER_A, TestApp};

/// The server's resident memory in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc entry");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_reads_and_writes_for_a_while_fail_nothing_and_do_not_grow_memory() {
    let seconds: u64 = std::env::var("TERMIJN_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let app = Arc::new(TestApp::spawn().await);
    let pid = app.server.pid();
    let decision = json!({"decision_id": "NZa-RCS-2025-11", "kind": "establishment", "decided_on": "2025-11-10",
        "announced_on": "2025-11-14",
        "spaces": [{"region": "groningen", "year": 2026, "amount": "1.00"}, {"region": "groningen", "year": 2027, "amount": "2.00"}]});
    assert_eq!(app.post("/api/v1/contracting-space-decisions", Some(&app.legal), &decision).await.status, 201);

    let stop = Arc::new(AtomicBool::new(false));
    let (requests, failures) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut samples = Vec::new();
    let clients: Vec<_> = (0..6)
        .map(|client| {
            let (app, stop, requests, failures) = (app.clone(), stop.clone(), requests.clone(), failures.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let answer = match (client + n as usize) % 5 {
                        0 => {
                            let body = json!({"appeal_id": format!("CBb soak/{client}/{n}"),
                                "appellant": {"kind": "provider", "id": PROVIDER_A}, "region": "groningen",
                                "year": 2026 + (n % 2) as i32, "against_decision": "NZa-RCS-2025-11", "received_on": "2026-03-02"});
                            app.post("/api/v1/appeals", Some(&app.legal), &body).await
                        }
                        1 => {
                            let body = json!({"decision_id": format!("NZa-TB-{client}-{n}"), "provider": PROVIDER_A,
                                "year": 2026, "regions": ["groningen"], "kind": "tariff", "decided_on": "2026-01-20",
                                "announced_on": "2026-01-23"});
                            app.post("/api/v1/tariff-decisions", Some(&app.legal), &body).await
                        }
                        2 => app.get("/api/v1/contracting-spaces/groningen/2026", Some(&app.provider_a)).await,
                        3 => app.get("/api/v1/deadlines?from=2026-01-01&to=2027-12-31", Some(&app.auditor)).await,
                        _ => app.get("/api/v1/history?limit=50", Some(&app.auditor)).await,
                    };
                    requests.fetch_add(1, Ordering::SeqCst);
                    if !(200..300).contains(&answer.status) {
                        failures.fetch_add(1, Ordering::SeqCst);
                        eprintln!("failed: {} {}", answer.status, answer.text);
                    }
                }
            })
        })
        .collect();
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        samples.push(rss_kib(pid));
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.expect("a client ends");
    }
    let total = requests.load(Ordering::SeqCst);
    println!("soak: {total} requests in {seconds} s, memory samples (KiB): {samples:?}");
    assert_eq!(failures.load(Ordering::SeqCst), 0, "no request failed");
    assert!(total > 0);
    // After warming up, the last third of the run must not hold much more memory than the middle third.
    let third = samples.len() / 3;
    if third > 0 {
        let middle = samples[third..2 * third].iter().max().copied().unwrap_or(0);
        let last = samples[2 * third..].iter().max().copied().unwrap_or(0);
        assert!(last <= middle + middle / 4 + 8_192, "memory kept growing: {samples:?}");
    }
}
