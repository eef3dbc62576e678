//! The reads: a space as it stood at an instant and as one provider sees it, deadlines, history, regions and the calendar.

use crate::*;

#[tokio::test]
async fn a_space_read_as_at_an_instant_between_two_writes_shows_the_earlier_state() {
    let app = TestApp::spawn().await;
    let not_yet = space_answer(&app, "groningen", 2027, "").await;
    assert_eq!(not_yet.status, 404);
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("groningen", 2027, "100.00")]))
        .await;
    let first_write = events(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let amendment_id = "NZa-RCS-2026-01";
    record(
        &app,
        DECISIONS,
        &decision(amendment_id, "amendment", "2026-01-05", Some("2026-01-09"), &[("groningen", 2027, "200.00")]),
    )
    .await;
    let all = events(&app).await;
    assert!(all.len() > first_write.len());
    let instant =
        |e: &Value| e["recorded_at"].as_str().expect("recorded_at").parse::<DateTime<Utc>>().expect("RFC 3339");
    let earlier = instant(first_write.last().expect("events"));
    let later = instant(&all[first_write.len()]);
    assert!(earlier < later, "{earlier} < {later}");
    let between = (earlier + (later - earlier) / 2).to_rfc3339_opts(SecondsFormat::Micros, true);

    let then = space(&app, "groningen", 2027, &format!("as_at={between}")).await;
    assert_eq!(then["amount"], "100.00", "{then}");
    assert_eq!(then["current_decision"], RCS);
    assert_eq!(then["decisions"].as_array().map(Vec::len), Some(1));
    let now = space(&app, "groningen", 2027, "as_of=2026-02-01").await;
    assert_eq!(now["amount"], "200.00");
    assert_eq!(now["current_decision"], amendment_id);

    let history = read(&app, &format!("/api/v1/history?as_at={between}")).await;
    assert_eq!(history["events"], json!(first_write), "the history as at that instant");
    let before_anything = (earlier - chrono::Duration::seconds(60)).to_rfc3339_opts(SecondsFormat::Secs, true);
    assert_eq!(space_answer(&app, "groningen", 2027, &format!("as_at={before_anything}")).await.status, 404);
}

async fn space_answer(app: &TestApp, region: &str, year: i32, query: &str) -> Answer {
    app.get(&format!("/api/v1/contracting-spaces/{region}/{year}?{query}"), Some(&app.legal)).await
}

#[tokio::test]
async fn a_space_read_for_one_provider_lists_every_term_and_another_providers_without_naming_it() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let everyone = space(&app, "groningen", 2026, "as_of=2026-02-20").await;
    assert_eq!(terms(&everyone).len(), 3, "{everyone}");
    // R7: every term counts for every appellant; another provider's is shown as binding it, unnamed.
    let for_a = space(&app, "groningen", 2026, &format!("as_of=2026-02-20&provider={PROVIDER_A}")).await;
    assert_eq!(terms(&for_a).len(), 3, "{for_a}");
    term(terms(&for_a), "art105_lid3", None);
    term(terms(&for_a), "art105_lid2", Some(TARIFF_A));
    let other = terms(&for_a).iter().find(|t| t["other_provider"] == true).expect("B's term, unnamed");
    assert_eq!((other["tariff_decision"].clone(), other["provider"].clone()), (Value::Null, Value::Null));
    assert_dates(other, "2026-02-14", "2026-03-27", "2026-03-27");
    assert!(strings(&other["explanation"]).iter().any(|s| s.contains("andere zorgaanbieder")), "{other}");
    assert!(!for_a.to_string().contains(TARIFF_B) && !for_a.to_string().contains(PROVIDER_B), "{for_a}");
    assert_eq!(for_a["status"], everyone["status"], "its status is the region-year's");
    let for_b = space(&app, "groningen", 2026, &format!("as_of=2026-02-20&provider={PROVIDER_B}")).await;
    assert_eq!(terms(&for_b).len(), 3, "{for_b}");
    assert_dates(term(terms(&for_b), "art105_lid2", Some(TARIFF_B)), "2026-02-14", "2026-03-27", "2026-03-27");
    assert!(!for_b.to_string().contains(TARIFF_A), "{for_b}");
}

#[tokio::test]
async fn deadlines_list_every_term_ending_in_the_range_sorted_by_last_day_and_filtered_by_region_and_provider() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let last_days = |list: &Value| -> Vec<String> {
        terms(list).iter().map(|t| t["last_day"].as_str().expect("last_day").to_owned()).collect()
    };
    let year = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(last_days(&year), ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13", "2026-04-13"], "{year}");
    for t in terms(&year) {
        assert!(t["region"].is_string() && t["year"].is_i64() && t["basis"].is_string(), "{t}");
        assert_eq!(t["decision_id"], RCS);
    }
    let mut region_years: Vec<(String, i64)> = terms(&year)
        .iter()
        .filter(|t| t["basis"] == "art105_lid3")
        .map(|t| (t["region"].as_str().expect("region").to_owned(), t["year"].as_i64().expect("year")))
        .collect();
    region_years.sort();
    assert_eq!(
        region_years,
        [("drenthe".to_owned(), 2027), ("groningen".to_owned(), 2026), ("groningen".to_owned(), 2027)]
    );

    let between = read(&app, "/api/v1/deadlines?from=2026-03-07&to=2026-04-12").await;
    assert_eq!(last_days(&between), ["2026-03-27"]);
    assert_eq!(terms(&between)[0]["tariff_decision"], TARIFF_B);
    let one_day = read(&app, "/api/v1/deadlines?from=2026-04-13&to=2026-04-13").await;
    assert_eq!(last_days(&one_day).len(), 3, "both ends of the range count: {one_day}");
    let none = read(&app, "/api/v1/deadlines?from=2026-06-01&to=2026-12-31").await;
    assert_eq!(none["terms"], json!([]));

    let drenthe = read(&app, "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=drenthe").await;
    assert_eq!(terms(&drenthe).len(), 1, "{drenthe}");
    assert_eq!(terms(&drenthe)[0]["region"], "drenthe");
    assert_eq!(terms(&drenthe)[0]["year"], 2027);

    // R7: every term counts for every provider; another provider's is listed without its name.
    let for_a = read(&app, &format!("/api/v1/deadlines?from=2026-01-01&to=2026-12-31&provider={PROVIDER_A}")).await;
    assert_eq!(last_days(&for_a), ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13", "2026-04-13"], "{for_a}");
    assert!(!for_a.to_string().contains(PROVIDER_B) && !for_a.to_string().contains(TARIFF_B), "{for_a}");
    assert_eq!(terms(&for_a)[1]["other_provider"], true);
    let groningen_b =
        read(&app, &format!("/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=groningen&provider={PROVIDER_B}"))
            .await;
    assert_eq!(last_days(&groningen_b), ["2026-03-06", "2026-03-27", "2026-04-13", "2026-04-13"], "{groningen_b}");
    assert!(!groningen_b.to_string().contains(TARIFF_A), "{groningen_b}");

    let reversed = app.get("/api/v1/deadlines?from=2026-05-01&to=2026-04-01", Some(&app.legal)).await;
    assert!(reversed.bad_fields().contains(&"to".to_owned()), "{}", reversed.text);
    let unknown = app.get("/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=atlantis", Some(&app.legal)).await;
    assert_eq!(unknown.bad_fields(), ["region"]);
}

#[tokio::test]
async fn deadlines_asked_with_a_limit_come_in_pages_that_together_hold_every_term_in_order() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let range = "from=2026-01-01&to=2026-12-31";
    let whole = read(&app, &format!("/api/v1/deadlines?{range}")).await;
    assert_eq!(terms(&whole).len(), 5, "{whole}");
    assert_eq!(whole["next_after"], Value::Null, "every term without a limit: {whole}");

    let page_through = |query: String| {
        let app = &app;
        async move {
            let (mut pages, mut after) = (Vec::new(), None::<String>);
            loop {
                let cursor = after.as_ref().map_or(String::new(), |a| format!("&after={a}"));
                let page = read(app, &format!("/api/v1/deadlines?{query}&limit=2{cursor}")).await;
                assert!(terms(&page).len() <= 2, "{page}");
                pages.push(page.clone());
                match page["next_after"].as_str() {
                    Some(next) => after = Some(next.to_owned()),
                    None => return pages,
                }
                assert!(pages.len() < 10, "the pages end");
            }
        }
    };
    let pages = page_through(range.to_owned()).await;
    assert_eq!(pages.iter().map(|p| terms(p).len()).collect::<Vec<_>>(), [2, 2, 1]);
    let paged: Vec<Value> = pages.iter().flat_map(|p| terms(p).clone()).collect();
    assert_eq!(json!(paged), whole["terms"], "the pages hold every term once, in the same order");

    // A provider's pages are its view: another provider's term stays unnamed on every page.
    let for_a = page_through(format!("{range}&provider={PROVIDER_A}")).await;
    let seen: Vec<Value> = for_a.iter().flat_map(|p| terms(p).clone()).collect();
    assert_eq!(seen.len(), 5);
    assert!(!json!(for_a).to_string().contains(TARIFF_B), "{}", json!(for_a));

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=5001", "limit"),
        ("limit=two", "limit"),
        ("limit=2&after=not-a-cursor", "after"),
        ("after=MjAyNi0wMy0wNgpncm9uaW5nZW4KMjAyNgp4", "limit"),
        ("limit=2&format=csv", "limit"),
    ] {
        let answer = app.get(&format!("/api/v1/deadlines?{range}&{query}"), Some(&app.legal)).await;
        assert_eq!(answer.bad_fields(), [field], "{query}: {}", answer.text);
    }
}

#[tokio::test]
async fn deadlines_follow_every_later_write_including_an_appeal_that_holds_back_finality() {
    let app = TestApp::spawn().await;
    record(&app, DECISIONS, &establishment(RCS, "2025-11-10", Some("2025-11-14"), &[("friesland", 2026, "1.00")]))
        .await;
    let query = "/api/v1/deadlines?from=2026-01-01&to=2026-12-31&region=friesland";
    let last_days = |list: &Value| -> Vec<String> {
        terms(list).iter().map(|t| t["last_day"].as_str().expect("last_day").to_owned()).collect()
    };
    assert_eq!(last_days(&read(&app, query).await), ["2026-04-13"]);
    // Announced after the space became irrevocable (14 April 2026): no term.
    let late_tariff = "NZa-TB-87654321-2026-6";
    record(
        &app,
        TARIFFS,
        &tariff(late_tariff, PROVIDER_B, 2026, &["friesland"], "tariff", None, "2026-05-28", Some("2026-06-01")),
    )
    .await;
    assert_eq!(last_days(&read(&app, query).await), ["2026-04-13"]);
    // An on-time appeal pending on 1 June kept the space from becoming irrevocable: the tariff decision opened a
    // term after all, from 2 June to Monday 13 July 2026.
    let id = "CBb 26/0300";
    record(&app, APPEALS, &appeal(id, ("care_office", "Zorgkantoor Friesland"), "friesland", 2026, RCS, "2026-03-02"))
        .await;
    let held = read(&app, query).await;
    assert_eq!(last_days(&held), ["2026-04-13", "2026-07-13"], "{held}");
    assert_eq!(terms(&held)[1]["tariff_decision"], late_tariff);
    // Withdrawn on 1 May: irrevocable from that day, so the tariff decision of 1 June opens no term again.
    follow_up(&app, &format!("{APPEALS}/{}/withdrawal", segment(id)), &json!({"withdrawn_on": "2026-05-01"})).await;
    assert_eq!(last_days(&read(&app, query).await), ["2026-04-13"]);
    let view = read(&app, &format!("{TARIFFS}/{late_tariff}?as_of=2026-06-10")).await;
    assert_eq!(view["appeal_terms"][0]["reason"], "space_irrevocable", "{view}");
}

#[tokio::test]
async fn history_shows_legal_staff_and_auditors_every_event_in_recorded_order_with_who_recorded_it() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    record(&app, APPEALS, &appeal("CBb 26/0123", ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02")).await;
    let for_legal = read(&app, "/api/v1/history").await;
    let answer = app.get("/api/v1/history", Some(&app.auditor)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let for_auditor = answer.json();
    assert_eq!(for_legal, for_auditor);
    assert_eq!(for_legal["next_after"], Value::Null);
    let list = for_legal["events"].as_array().expect("events");
    // At least one event per write: the decision, two tariff decisions, the appeal.
    assert!(list.len() >= 4, "{for_legal}");
    let positions: Vec<i64> = list.iter().map(|e| e["position"].as_i64().expect("position")).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "positions increase: {positions:?}");
    // First the reference data the server started with, recorded by the server; then what legal staff recorded.
    assert_eq!(list[0]["type"], "ReferenceDataAdopted", "{}", list[0]);
    assert!(list[0]["recorded_by"].as_str().is_some_and(|by| by.starts_with("termijn serve")), "{}", list[0]);
    for (i, event) in list.iter().enumerate() {
        for field in ["stream", "type", "recorded_at", "hash"] {
            assert!(event[field].as_str().is_some_and(|s| !s.is_empty()), "{field} of {event}");
        }
        assert!(event["sequence"].is_i64(), "{event}");
        assert!(event["payload"].is_object(), "{event}");
        if i > 0 {
            assert_eq!(event["recorded_by"], "mr. A. Jurist");
        }
        event["recorded_at"].as_str().expect("recorded_at").parse::<DateTime<Utc>>().expect("an RFC 3339 instant");
    }
    let text = for_legal.to_string();
    for id in [RCS, TARIFF_A, TARIFF_B, "CBb 26/0123"] {
        assert!(text.contains(id), "the history holds {id}");
    }
}

#[tokio::test]
async fn history_pages_by_next_after_and_filters_one_stream() {
    let app = TestApp::spawn().await;
    seed_groningen(&app).await;
    let id = "CBb 26/0123";
    record(&app, APPEALS, &appeal(id, ("provider", PROVIDER_A), "groningen", 2027, RCS, "2026-03-02")).await;
    follow_up(&app, &format!("{APPEALS}/{}/withdrawal", segment(id)), &json!({"withdrawn_on": "2026-05-04"})).await;
    let all = events(&app).await;
    assert!(all.len() >= 5);

    let mut paged = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = read(&app, &format!("/api/v1/history?{query}")).await;
        let list = page["events"].as_array().expect("events").clone();
        assert!(list.len() <= 2, "{page}");
        paged.extend(list.iter().cloned());
        match page["next_after"].as_i64() {
            Some(next) => {
                assert_eq!(Some(next), list.last().and_then(|e| e["position"].as_i64()), "{page}");
                query = format!("limit=2&after={next}");
            }
            None => break,
        }
        assert!(paged.len() <= all.len(), "paging ends");
    }
    assert_eq!(paged, all, "the pages together are the whole history, in order");
    let after = all[1]["position"].as_i64().expect("position");
    assert_eq!(read(&app, &format!("/api/v1/history?after={after}")).await["events"], json!(all[2..]));

    let appeal_events: Vec<&Value> = all.iter().filter(|e| e.to_string().contains(id)).collect();
    assert!(appeal_events.len() >= 2, "lodged and withdrawn");
    let stream = appeal_events[0]["stream"].as_str().expect("stream").to_owned();
    assert!(stream.ends_with(&format!("/{id}")), "stream is TYPE/ID: {stream}");
    let filtered = read(&app, &format!("/api/v1/history?stream={}", segment(&stream))).await;
    let filtered = filtered["events"].as_array().expect("events");
    assert_eq!(filtered.len(), all.iter().filter(|e| e["stream"] == stream.as_str()).count());
    assert!(filtered.len() >= 2);
    assert!(filtered.iter().all(|e| e["stream"] == stream.as_str()), "{filtered:?}");
    let sequences: Vec<i64> = filtered.iter().map(|e| e["sequence"].as_i64().expect("sequence")).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    assert_eq!(read(&app, "/api/v1/history?stream=appeal%2FCBb%2099%2F9999").await["events"], json!([]));
}

#[tokio::test]
async fn regions_are_listed_with_slug_name_validity_and_source() {
    let app = TestApp::spawn().await;
    let regions = read(&app, "/api/v1/regions").await;
    let list = regions["regions"].as_array().expect("regions");
    assert!(list.len() >= 31, "{regions}");
    for slug in ["groningen", "noord-holland-noord", "zuid-limburg"] {
        let region = list.iter().find(|r| r["slug"] == slug).unwrap_or_else(|| panic!("{slug} is listed"));
        assert!(region["name"].as_str().is_some_and(|n| !n.is_empty()), "{region}");
        assert!(region["valid_from"].is_string(), "{region}");
        assert!(region["source"].as_str().is_some_and(|s| !s.is_empty()), "{region}");
    }
    let groningen = list.iter().find(|r| r["slug"] == "groningen").expect("groningen");
    assert_eq!(groningen["name"], "Groningen");
}

#[tokio::test]
async fn the_calendar_names_good_friday_and_the_equated_days_with_their_basis_and_marks_unknown_years_provisional() {
    let app = TestApp::spawn().await;
    let year = read(&app, "/api/v1/calendar/2026").await;
    assert_eq!(year["year"], 2026);
    assert_eq!(year["provisional"], false);
    let days = year["days"].as_array().expect("days");
    let day = |date: &str| days.iter().find(|d| d["date"] == date).unwrap_or_else(|| panic!("{date} is listed"));
    let bases = |date: &str| -> Vec<String> {
        day(date)["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| r["basis"].as_str().expect("basis").to_owned())
            .collect()
    };
    assert_eq!(bases("2026-04-03"), ["art. 3 lid 2 Atw"], "Good Friday");
    assert!(bases("2026-01-02").iter().any(|b| b.contains("art. 3 lid 3 Atw")), "{:?}", day("2026-01-02"));
    assert!(bases("2026-05-15").iter().any(|b| b.contains("art. 3 lid 3 Atw")), "{:?}", day("2026-05-15"));
    for holiday in ["2026-01-01", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14", "2026-05-25", "2026-12-25"] {
        assert!(bases(holiday).iter().any(|b| b.contains("art. 3 lid 1 Atw")), "{holiday}: {:?}", day(holiday));
    }
    assert!(days.iter().all(|d| d["date"].as_str().is_some_and(|s| s.starts_with("2026-"))));
    assert!(days.iter().all(|d| d["date"] != "2026-03-06"), "an ordinary Friday is a working day");

    let unknown = read(&app, "/api/v1/calendar/2029").await;
    assert_eq!(unknown["provisional"], true);
    assert!(unknown["days"].as_array().expect("days").iter().any(|d| d["date"] == "2029-03-30"), "Good Friday 2029");
}

// ---- Errors: each is problem+json and records nothing ----
