//! What the server tells its operator: logging through `tracing` to standard error, filtered by `RUST_LOG`
//! (default `info`), as text or as one JSON object per line; and metrics in the Prometheus text format, through
//! the `metrics` facade and its Prometheus recorder.

use std::io::IsTerminal;
use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for a person reading a terminal.
    #[default]
    Text,
    /// One JSON object per line, for log collectors: `timestamp`, `level`, `target`, `fields`, and the request's
    /// span (`span`, `spans`) with its `request_id`.
    Json,
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(true).try_init(),
    };
}

/// The metrics termijn keeps; each is described once, here.
pub mod names {
    /// Requests answered, by `method`, `route` (the route's pattern, never its values) and `status`.
    pub const REQUESTS: &str = "termijn_http_requests_total";
    /// Seconds from a request's arrival to its answer, by `method`, `route` and `status`.
    pub const REQUEST_SECONDS: &str = "termijn_http_request_duration_seconds";
    /// Seconds one group commit of the writer took, from its transaction's start to its commit.
    pub const COMMIT_SECONDS: &str = "termijn_commit_duration_seconds";
    /// Writes committed together in one transaction.
    pub const COMMIT_GROUP_SIZE: &str = "termijn_commit_group_size";
    /// Commits that failed as a whole (the database away, the disk full).
    pub const COMMIT_FAILURES: &str = "termijn_commit_failures_total";
    /// Region-years held in memory.
    pub const REGION_YEARS_HELD: &str = "termijn_region_years_held";
    /// Events in the log, as the database said last.
    pub const EVENTS_IN_LOG: &str = "termijn_events_in_log";
    /// Region-years whose terms the deadlines index has not caught up with yet (their deadlines are judged from
    /// their facts meanwhile), as the database said last: all of them after a replay, 0 once it has.
    pub const DEADLINES_INDEX_BEHIND: &str = "termijn_deadlines_index_behind";
}

/// Upper bounds of the histogram buckets of seconds: from a tenth of a millisecond to the request timeout.
const SECONDS_BUCKETS: &[f64] =
    &[0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Upper bounds of the buckets of writes per commit.
const GROUP_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// The process's Prometheus recorder, installed the first time it is asked for. Where another recorder was
/// installed first (a test process that builds several routers), this one still renders what it is given.
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(names::COMMIT_GROUP_SIZE.to_owned()), GROUP_BUCKETS))
            .expect("the buckets are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        describe();
        handle
    })
}

/// Folds the histograms' recent samples into their buckets every five seconds: the recorder holds each sample
/// until then, so without it memory would grow with every request.
pub async fn keep_metrics_up() {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        every.tick().await;
        metrics().run_upkeep();
    }
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(names::REQUESTS, "Requests answered, by method, route and status");
    describe_histogram!(names::REQUEST_SECONDS, Unit::Seconds, "Seconds from a request's arrival to its answer");
    describe_histogram!(names::COMMIT_SECONDS, Unit::Seconds, "Seconds one group commit took");
    describe_histogram!(names::COMMIT_GROUP_SIZE, Unit::Count, "Writes committed together in one transaction");
    describe_counter!(names::COMMIT_FAILURES, "Commits that failed as a whole");
    describe_gauge!(names::REGION_YEARS_HELD, Unit::Count, "Region-years held in memory");
    describe_gauge!(names::EVENTS_IN_LOG, Unit::Count, "Events in the log, as the database said last");
    describe_gauge!(
        names::DEADLINES_INDEX_BEHIND,
        Unit::Count,
        "Region-years whose terms the deadlines index has not caught up with yet"
    );
}
