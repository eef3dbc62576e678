//! Calendar subscriptions: a link that a calendar program fetches without any header, read by two independent
//! parsers (the `ical` crate and Python's `icalendar` package), scoped to its creator's role and provider, with a
//! reminder, the region's name, a stable DTSTAMP, and 404 once revoked.

use chrono::Datelike;
use ical::IcalParser;
use serde_json::{Value, json};
use termijn_tests::{Db, PROVIDER_A, PROVIDER_B, TestApp};

const SUBSCRIPTIONS: &str = "/api/v1/calendar-subscriptions";
const RCS: &str = "NZa-RCS-ABO-1";
const TARIFF_A: &str = "NZa-TB-ABO-A";
const TARIFF_B: &str = "NZa-TB-ABO-B";

async fn record(app: &TestApp, path: &str, body: Value) {
    let answer = app.post(path, Some(&app.legal), &body).await;
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.text);
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// Next year's space of Groningen announced a week ago, and a tariff decision of each provider announced
/// yesterday: their terms of art. 105 lid 2 end in six weeks, the first-of-March term in the spring.
async fn seed(app: &TestApp) {
    let year = today().year() + 1;
    let day = |n: i64| (today() + chrono::Duration::days(n)).to_string();
    record(
        app,
        "/api/v1/contracting-space-decisions",
        json!({"decision_id": RCS, "kind": "establishment", "decided_on": day(-9), "announced_on": day(-7),
               "reason": "vaststelling", "spaces": [{"region": "groningen", "year": year, "amount": "800000000.00"}]}),
    )
    .await;
    for (id, provider) in [(TARIFF_A, PROVIDER_A), (TARIFF_B, PROVIDER_B)] {
        record(
            app,
            "/api/v1/tariff-decisions",
            json!({"decision_id": id, "provider": provider, "year": year, "regions": ["groningen"],
                   "kind": "tariff", "decided_on": day(-3), "announced_on": day(-1)}),
        )
        .await;
    }
}

/// Fetches a feed as a calendar program does: no header at all.
async fn fetch(app: &TestApp, url: &str) -> (u16, String) {
    let response = reqwest::Client::new().get(app.url(url)).send().await.expect("answers");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = response.text().await.expect("a body");
    if status == 200 {
        assert!(content_type.starts_with("text/calendar"), "{content_type}");
    }
    (status, text)
}

/// The feed read by Python's `icalendar` package: every event's summary, alarm trigger and DTSTAMP.
fn read_with_python(text: &str) -> Option<Value> {
    let script = r#"
import json, sys, icalendar
calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = []
for event in calendar.walk("VEVENT"):
    alarms = [str(alarm.get("TRIGGER").to_ical(), "ascii") for alarm in event.walk("VALARM")]
    events.append({"summary": str(event.get("SUMMARY")), "alarms": alarms,
                   "dtstamp": event.get("DTSTAMP").dt.isoformat(), "start": event.get("DTSTART").dt.isoformat()})
print(json.dumps({"timezone": str(calendar.get("X-WR-TIMEZONE")), "refresh": str(calendar.get("REFRESH-INTERVAL").to_ical(), "ascii"), "events": events}))
"#;
    termijn_tests::python_reads("Python's icalendar", script, text)
}

#[tokio::test]
async fn a_subscription_link_needs_no_header_shows_what_its_creator_may_see_and_ends_when_revoked() {
    let app = TestApp::spawn_with(Db::sqlite(), &[]).await;
    seed(&app).await;

    // Provider A subscribes, with a reminder five days before.
    let made = app.post(SUBSCRIPTIONS, Some(&app.provider_a), &json!({"alarm_days": 5})).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let made = made.json();
    let url = made["url"].as_str().expect("a url").to_owned();
    assert!(url.starts_with("/ics/") && url.len() == "/ics/".len() + 64, "{url}");
    assert_eq!(made["provider"], PROVIDER_A, "a provider's link is scoped to its own provider");

    let (status, feed) = fetch(&app, &url).await;
    assert_eq!(status, 200, "{feed}");
    let calendar = IcalParser::new(feed.as_bytes()).next().expect("a calendar").expect("iCalendar");
    let property = |name: &str| calendar.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone());
    assert_eq!(property("X-WR-TIMEZONE").as_deref(), Some("Europe/Amsterdam"));
    assert_eq!(property("REFRESH-INTERVAL").as_deref(), Some("PT3600S"), "fetched again every hour");
    assert!(!calendar.events.is_empty(), "{feed}");
    for event in &calendar.events {
        let summary =
            event.properties.iter().find(|p| p.name == "SUMMARY").and_then(|p| p.value.clone()).expect("a summary");
        assert!(summary.contains("Groningen") && !summary.contains("groningen"), "the region by its name: {summary}");
        assert_eq!(event.alarms.len(), 1, "a reminder: {feed}");
        let trigger = event.alarms[0].properties.iter().find(|p| p.name == "TRIGGER").and_then(|p| p.value.clone());
        assert_eq!(trigger.as_deref(), Some("-PT432000S"), "five days (432,000 seconds) before");
        let description = event
            .properties
            .iter()
            .find(|p| p.name == "DESCRIPTION")
            .and_then(|p| p.value.clone())
            .expect("a description");
        assert!(description.contains("Art. "), "the term's explanation: {description}");
    }
    assert!(feed.contains(TARIFF_A), "its own tariff decision's term");
    for other in [TARIFF_B, PROVIDER_B] {
        assert!(!feed.contains(other), "another provider's {other} in a provider's feed: {feed}");
    }
    let (_, again) = fetch(&app, &url).await;
    assert_eq!(again, feed, "an unchanged feed is the same text, DTSTAMP included");
    if let Some(python) = read_with_python(&feed) {
        assert_eq!(python["timezone"], "Europe/Amsterdam");
        let events = python["events"].as_array().expect("events");
        assert_eq!(events.len(), calendar.events.len(), "both parsers read the same events");
        assert!(events.iter().all(|e| e["alarms"] == json!(["-P5D"])), "{python}");
    }

    // Each caller lists its own; legal staff see everyone's; another provider cannot revoke it.
    let listed = app.get(SUBSCRIPTIONS, Some(&app.provider_a)).await.json();
    let id = made["id"].as_str().expect("an id");
    assert_eq!(listed["subscriptions"].as_array().expect("a list").len(), 1);
    assert!(listed["subscriptions"][0].get("url").is_none(), "the link is shown once, when it is made");
    let by_legal = app.get(SUBSCRIPTIONS, Some(&app.legal)).await.json();
    assert!(by_legal["subscriptions"].as_array().expect("a list").iter().any(|s| s["id"] == id));
    assert_eq!(app.get(SUBSCRIPTIONS, Some(&app.provider_b)).await.json()["subscriptions"], json!([]));
    let path = format!("{SUBSCRIPTIONS}/{id}");
    let refused = app.http.delete(app.url(&path)).bearer_auth(&app.provider_b).send().await.expect("answers");
    assert_eq!(refused.status().as_u16(), 404);
    assert_eq!(fetch(&app, &url).await.0, 200, "still there");

    // Bad filters name their field; a provider cannot subscribe to another provider.
    for (body, field) in [
        (json!({"weeks": 0}), "weeks"),
        (json!({"alarm_days": 61}), "alarm_days"),
        (json!({"region": "atlantis"}), "region"),
    ] {
        let answer = app.post(SUBSCRIPTIONS, Some(&app.legal), &body).await;
        assert_eq!(answer.bad_fields(), [field], "{body}");
    }
    app.post(SUBSCRIPTIONS, Some(&app.provider_a), &json!({"provider": PROVIDER_B})).await.problem(403);

    // Revoked by its creator: 404 from then on, and for links never made.
    let revoked = app.http.delete(app.url(&path)).bearer_auth(&app.provider_a).send().await.expect("answers");
    assert_eq!(revoked.status().as_u16(), 204);
    assert_eq!(fetch(&app, &url).await.0, 404);
    assert_eq!(fetch(&app, &format!("/ics/{}", "0".repeat(64))).await.0, 404);
    assert_eq!(fetch(&app, "/ics/not-a-secret").await.0, 404);

    // Legal staff may revoke anyone's; a link whose creator's token is revoked stops too.
    let auditor = app.post(SUBSCRIPTIONS, Some(&app.auditor), &json!({})).await.json();
    let legal_revokes = app
        .http
        .delete(app.url(&format!("{SUBSCRIPTIONS}/{}", auditor["id"].as_str().expect("an id"))))
        .bearer_auth(&app.legal)
        .send()
        .await
        .expect("answers");
    assert_eq!(legal_revokes.status().as_u16(), 204);
    assert_eq!(fetch(&app, auditor["url"].as_str().expect("a url")).await.0, 404);
    let legal_link = app.post(SUBSCRIPTIONS, Some(&app.legal), &json!({"region": "groningen"})).await.json();
    let legal_url = legal_link["url"].as_str().expect("a url").to_owned();
    let (status, legal_feed) = fetch(&app, &legal_url).await;
    assert_eq!(status, 200);
    assert!(legal_feed.contains(TARIFF_B) && legal_feed.contains(TARIFF_A), "legal staff see every provider's terms");
    let (code, _, err) = app.db.run(&["token", "revoke", "mr. A. Jurist"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(fetch(&app, &legal_url).await.0, 404, "the link ends with its creator's token");
}
