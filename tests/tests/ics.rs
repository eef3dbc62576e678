//! The iCalendar feed of deadlines, read with an independent parser: one all-day event per term on its last
//! day, the same terms as the JSON list for the same filters, with UIDs that are unique and stable.

use std::collections::{BTreeMap, BTreeSet};

use ical::IcalParser;
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use serde_json::{Value, json};
use termijn_tests::{PROVIDER_A, PROVIDER_B, TestApp};

const RCS: &str = "NZa-RCS-2025-11";

async fn record(app: &TestApp, path: &str, body: Value) {
    let answer = app.post(path, Some(&app.legal), &body).await;
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.text);
}

/// Terms ending on 6 March, 27 March and (three of them) 13 April 2026, one in 2027 on 12 April, and a
/// provisional one in 2029.
async fn seed(app: &TestApp) {
    record(
        app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": RCS, "kind": "establishment",
        "decided_on": "2025-11-10", "announced_on": "2025-11-14",
        "spaces": [{"region": "groningen", "year": 2026, "amount": "812345000.00"},
                   {"region": "groningen", "year": 2027, "amount": "830000000.00"},
                   {"region": "drenthe", "year": 2027, "amount": "5.00"}]}),
    )
    .await;
    record(
        app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": "NZa-RCS-2026-11",
        "kind": "establishment", "decided_on": "2026-11-02", "announced_on": "2026-11-06",
        "spaces": [{"region": "zeeland", "year": 2028, "amount": "1.00"}]}),
    )
    .await;
    record(
        app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": "NZa-RCS-2028-11",
        "kind": "establishment", "decided_on": "2028-11-02", "announced_on": "2028-11-06",
        "spaces": [{"region": "zeeland", "year": 2029, "amount": "1.00"}]}),
    )
    .await;
    for (id, provider, announced_on) in
        [("NZa-TB-12345678-2026-1", PROVIDER_A, "2026-01-23"), ("NZa-TB-87654321-2026-1", PROVIDER_B, "2026-02-13")]
    {
        record(
            app,
            "/api/v1/tariff-decisions",
            json!({"decision_id": id, "provider": provider, "year": 2026,
            "regions": ["groningen"], "kind": "tariff", "decided_on": "2026-01-20", "announced_on": announced_on}),
        )
        .await;
    }
}

struct Feed {
    text: String,
    calendar: IcalCalendar,
}

async fn feed(app: &TestApp, query: &str) -> Feed {
    let answer = app.get(&format!("/api/v1/deadlines.ics?{query}"), Some(&app.legal)).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.text);
    assert!(answer.content_type.starts_with("text/calendar"), "{}", answer.content_type);
    let mut calendars = IcalParser::new(answer.text.as_bytes());
    let calendar =
        calendars.next().expect("a calendar").unwrap_or_else(|e| panic!("not iCalendar ({e}): {}", answer.text));
    assert!(calendars.next().is_none(), "one calendar");
    Feed { text: answer.text, calendar }
}

fn property<'a>(properties: &'a [ical::property::Property], name: &str) -> Option<&'a ical::property::Property> {
    properties.iter().find(|p| p.name == name)
}

fn value(event: &IcalEvent, name: &str) -> String {
    property(&event.properties, name)
        .and_then(|p| p.value.clone())
        .unwrap_or_else(|| panic!("an event without {name}: {:?}", event.properties))
}

/// The date of an all-day DTSTART or DTEND, as `YYYYMMDD`.
fn date_of(event: &IcalEvent, name: &str) -> Option<String> {
    let found = property(&event.properties, name)?;
    let is_date = found
        .params
        .as_ref()
        .is_some_and(|params| params.iter().any(|(k, v)| k == "VALUE" && v.iter().any(|v| v == "DATE")));
    assert!(is_date, "{name} is a date, not a date-time: {found:?}");
    let text = found.value.clone().expect("a value");
    assert!(text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()), "{name} is YYYYMMDD: {text}");
    Some(text)
}

async fn deadline_days(app: &TestApp, query: &str) -> Vec<String> {
    let answer = app.get(&format!("/api/v1/deadlines?{query}"), Some(&app.legal)).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.text);
    answer.json()["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .map(|t| t["last_day"].as_str().expect("last_day").replace('-', ""))
        .collect()
}

fn uids(feed: &Feed) -> Vec<String> {
    feed.calendar.events.iter().map(|e| value(e, "UID")).collect()
}

#[tokio::test]
async fn the_feed_has_one_all_day_event_per_deadline_on_its_last_day_for_every_filter() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let queries = [
        "from=2026-01-01&to=2026-12-31".to_owned(),
        "from=2026-01-01&to=2029-12-31".to_owned(),
        "from=2026-01-01&to=2026-12-31&region=groningen".to_owned(),
        "from=2026-01-01&to=2026-12-31&region=drenthe".to_owned(),
        format!("from=2026-01-01&to=2026-12-31&provider={PROVIDER_A}"),
        format!("from=2026-01-01&to=2026-12-31&region=groningen&provider={PROVIDER_B}"),
        "from=2026-03-07&to=2026-04-12".to_owned(),
        "from=2026-06-01&to=2026-12-31".to_owned(),
    ];
    let mut sizes = BTreeSet::new();
    for query in &queries {
        let feed = feed(&app, query).await;
        assert!(property(&feed.calendar.properties, "VERSION").is_some_and(|p| p.value.as_deref() == Some("2.0")));
        assert!(property(&feed.calendar.properties, "PRODID").is_some(), "a calendar names its product");
        assert!(feed.text.ends_with("\r\n"), "content lines end with CRLF");
        assert!(feed.text.split("\r\n").all(|line| !line.contains('\n')), "every line break is CRLF");
        let mut expected = deadline_days(&app, query).await;
        let mut starts: Vec<String> =
            feed.calendar.events.iter().map(|e| date_of(e, "DTSTART").expect("every event starts")).collect();
        assert_eq!(starts.len(), expected.len(), "{query}: one event per term");
        starts.sort();
        expected.sort();
        assert_eq!(starts, expected, "{query}: each event on the last day of its term");
        let uids = uids(&feed);
        assert_eq!(uids.iter().collect::<BTreeSet<_>>().len(), uids.len(), "{query}: unique UIDs {uids:?}");
        for event in &feed.calendar.events {
            assert!(!value(event, "SUMMARY").is_empty(), "an event says what ends");
            assert!(property(&event.properties, "DTSTAMP").is_some(), "RFC 5545 requires DTSTAMP");
        }
        sizes.insert(expected.len());
    }
    // The filters really select: the feeds above are not all alike.
    assert!(sizes.contains(&0) && sizes.len() >= 4, "{sizes:?}");
}

#[tokio::test]
async fn every_term_keeps_its_uid_across_fetches_and_later_writes() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let query = "from=2026-01-01&to=2029-12-31";
    let by_uid = |feed: &Feed| -> BTreeMap<String, String> {
        feed.calendar.events.iter().map(|e| (value(e, "UID"), date_of(e, "DTSTART").expect("a start"))).collect()
    };
    let first = by_uid(&feed(&app, query).await);
    assert!(first.len() >= 6, "{first:?}");
    assert_eq!(by_uid(&feed(&app, query).await), first, "the same feed twice");

    // Writes that leave these terms as they are: an appeal, and a decision elsewhere.
    record(
        &app,
        "/api/v1/appeals",
        json!({"appeal_id": "CBb 26/0123",
        "appellant": {"kind": "provider", "id": PROVIDER_A}, "region": "groningen", "year": 2026,
        "against_decision": RCS, "received_on": "2026-03-02"}),
    )
    .await;
    record(
        &app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": "NZa-RCS-2025-12",
        "kind": "establishment", "decided_on": "2025-12-01", "announced_on": "2025-12-05",
        "spaces": [{"region": "friesland", "year": 2027, "amount": "1.00"}]}),
    )
    .await;
    let later = by_uid(&feed(&app, query).await);
    assert_eq!(later.len(), first.len() + 1, "one new term: {later:?}");
    for (uid, day) in &first {
        assert_eq!(later.get(uid), Some(day), "{uid} kept its UID and day");
    }
}

#[tokio::test]
async fn an_all_day_event_ends_the_day_after_its_last_day_if_it_names_an_end() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let feed = feed(&app, "from=2026-01-01&to=2029-12-31").await;
    assert!(!feed.calendar.events.is_empty());
    for event in &feed.calendar.events {
        let start = date_of(event, "DTSTART").expect("a start");
        if let Some(end) = date_of(event, "DTEND") {
            let start = chrono::NaiveDate::parse_from_str(&start, "%Y%m%d").expect("a date");
            let end = chrono::NaiveDate::parse_from_str(&end, "%Y%m%d").expect("a date");
            assert_eq!(end, start.succ_opt().expect("a next day"), "DTEND of an all-day event: {:?}", event.properties);
        }
    }
}

#[tokio::test]
async fn no_content_line_of_the_feed_is_longer_than_75_octets() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let feed = feed(&app, "from=2026-01-01&to=2029-12-31").await;
    let long: Vec<&str> = feed.text.split("\r\n").filter(|line| line.len() > 75).collect();
    assert!(long.is_empty(), "lines longer than 75 octets: {long:#?}");
}

#[tokio::test]
async fn a_providers_feed_shows_other_providers_terms_unnamed_each_with_its_own_uid() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    // A third provider's tariff decision announced the same day as provider B's: two unnamed terms alike.
    let third = "11223344";
    record(
        &app,
        "/api/v1/tariff-decisions",
        json!({"decision_id": "NZa-TB-11223344-2026-1", "provider": third, "year": 2026,
        "regions": ["groningen"], "kind": "tariff", "decided_on": "2026-01-20", "announced_on": "2026-02-13"}),
    )
    .await;
    let query = "from=2026-01-01&to=2026-12-31";
    let answer = app.get(&format!("/api/v1/deadlines.ics?{query}"), Some(&app.provider_a)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    for hidden in [PROVIDER_B, third, "NZa-TB-87654321-2026-1", "NZa-TB-11223344-2026-1"] {
        assert!(!answer.text.contains(hidden), "{hidden} in a provider's feed: {}", answer.text);
    }
    let mut calendars = IcalParser::new(answer.text.as_bytes());
    let calendar = calendars.next().expect("a calendar").expect("iCalendar");
    let uids = self::uids(&Feed { text: answer.text.clone(), calendar });
    assert_eq!(uids.len(), deadline_days(&app, &format!("{query}&provider={PROVIDER_A}")).await.len());
    assert_eq!(uids.iter().collect::<BTreeSet<_>>().len(), uids.len(), "unique UIDs {uids:?}");
    let again = app.get(&format!("/api/v1/deadlines.ics?{query}"), Some(&app.provider_a)).await;
    let mut calendars = IcalParser::new(again.text.as_bytes());
    let again = Feed { text: again.text.clone(), calendar: calendars.next().expect("a calendar").expect("iCalendar") };
    assert_eq!(self::uids(&again), uids, "the same UIDs on the next fetch");
}
