//! The web interface in a real headless Chromium: each role logs in with its token through the login form,
//! legal staff record through the forms and see the engine's terms on Termijnen and Regio-jaar, a provider sees
//! only what is its own, an auditor checks the chain, and axe-core finds no WCAG 2.1 A/AA violation on any
//! screen. Forms without their session's token are refused and an idle session goes back to the login page.

use serde_json::Value;
use termijn_tests::browser::{self, Page};
use termijn_tests::{PROVIDER_A, PROVIDER_B, Server, TestApp};

const REGION: &str = "groningen";
const RCS: &str = "NZa-RCS-WEB-1";
const TARIFF_A: &str = "NZa-TB-12345678-WEB-1";

/// What the pages call each term status (the API's `status`).
fn status_words(status: &str) -> &'static str {
    match status {
        "pending" => "nog niet begonnen",
        "open" => "loopt",
        "closed" => "verstreken",
        "conditional" => "voorwaardelijk",
        "not_opened" => "niet geopend",
        other => panic!("a term status the pages do not show: {other}"),
    }
}

/// The server's legal date today, as the Termijnen page states it.
async fn server_today(page: &Page) -> chrono::NaiveDate {
    page.goto("/").await;
    let from = page
        .client
        .find(fantoccini::Locator::Css("p.lead time"))
        .await
        .expect("the range")
        .attr("datetime")
        .await
        .expect("an attribute");
    from.expect("a date").parse().expect("a legal date")
}

fn days(date: chrono::NaiveDate, n: i64) -> String {
    (date + chrono::Duration::days(n)).to_string()
}

async fn history_len(app: &TestApp) -> usize {
    app.get("/api/v1/history?limit=1000", Some(&app.legal)).await.json()["events"].as_array().map_or(0, Vec::len)
}

/// Fills a form field by its name.
async fn field(page: &Page, name: &str, value: &str) {
    page.fill(&format!("[name='{name}']"), value).await;
}

async fn select(page: &Page, name: &str, value: &str) {
    page.choose(&format!("select[name='{name}']"), value).await;
}

async fn record(page: &Page) {
    page.submit("button[value=vastleggen]").await;
}

#[tokio::test]
async fn legal_staff_record_through_the_forms_and_see_the_terms_the_engine_computed() {
    let app = TestApp::spawn().await;
    let Some((_driver, page)) = browser::open(&app.server.base).await else { return };
    let app = std::sync::Arc::new(app);
    let shared = app.clone();
    browser::scenario("legal", &page, move |page| async move {
        let app = shared;
        page.login(&app.legal).await;
        assert_eq!(page.path().await, "/", "after logging in, Termijnen");
        assert!(page.body().await.contains("Ingelogd als mr. A. Jurist"));
        page.assert_accessible("Termijnen").await;
        let today = server_today(&page).await;
        let year = chrono::Datelike::year(&today) + 1;

        // A contracting-space decision with two lines, the second added with "Regel toevoegen".
        page.goto("/invoeren/besluit").await;
        page.assert_accessible("the decision form").await;
        field(&page, "decision_id", RCS).await;
        select(&page, "kind", "establishment").await;
        field(&page, "decided_on", &days(today, -30)).await;
        field(&page, "announced_on", &days(today, -28)).await;
        field(&page, "reason", "vaststelling voor de browser").await;
        select(&page, "spaces[0].region", REGION).await;
        field(&page, "spaces[0].year", &year.to_string()).await;
        field(&page, "spaces[0].amount", "812345000.00").await;
        page.submit("button[value=regel-erbij]").await;
        select(&page, "spaces[1].region", "drenthe").await;
        field(&page, "spaces[1].year", &year.to_string()).await;
        field(&page, "spaces[1].amount", "not an amount").await;
        let before = history_len(&app).await;
        record(&page).await;
        let error = page.text("#spaces-1-amount-error").await;
        assert!(error.starts_with("Fout:"), "the API's message at the field: {error}");
        assert!(page.body().await.contains("Er is 1 fout"), "an error summary");
        page.assert_accessible("the decision form with an error").await;
        assert_eq!(history_len(&app).await, before, "nothing is recorded on an error");
        field(&page, "spaces[1].amount", "5.00").await;
        // Before recording, the form shows which terms the decision would open; nothing is recorded.
        page.submit("button[value=voorbeeld]").await;
        let preview = page.text("section.preview").await;
        assert!(preview.contains("Wat deze invoer zou veranderen"), "{preview}");
        let opens = format!("Beroepstermijn vanaf 1 maart tegen besluit {RCS}: nieuwe termijn, laatste dag ");
        assert!(preview.contains(&opens), "the lid 3 term it would open: {preview}");
        let previewed_last_day: String = preview.split(&opens).nth(1).expect("a day").chars().take(10).collect();
        assert_eq!(history_len(&app).await, before, "a preview records nothing");
        page.assert_accessible("the decision form with its preview").await;
        let sent = page
            .client
            .execute(
                "const f = document.querySelector('main form'); const d = new FormData(f, f.querySelector('button[value=vastleggen]'));
                 return {action: f.action, fields: Array.from(d.entries())};",
                vec![],
            )
            .await
            .expect("the form's fields");
        record(&page).await;
        assert!(page.text("h1").await.contains(&format!("Besluit {RCS} is vastgelegd")), "{}", page.body().await);
        let after = history_len(&app).await;
        assert!(after > before, "recorded");
        let view = app.get(&format!("/api/v1/contracting-spaces/drenthe/{year}"), Some(&app.legal)).await.json();
        assert_eq!(view["terms"][0]["last_day"], previewed_last_day.as_str(), "the preview showed the day recorded: {view}");
        // The same form sent once more (a double click, a resubmission) records nothing new.
        page.client
            .execute(
                "window.__termijn_before = true;
                 const sent = arguments[0]; const f = document.createElement('form');
                 f.method = 'post'; f.action = sent.action;
                 for (const [name, value] of sent.fields) {
                     const i = document.createElement('input'); i.type = 'hidden'; i.name = name; i.value = value; f.append(i);
                 }
                 document.body.append(f); f.submit();",
                vec![sent],
            )
            .await
            .expect("sent again");
        page.wait_for_new_page().await;
        assert!(page.text("h1").await.contains("is vastgelegd"), "{}", page.body().await);
        assert_eq!(history_len(&app).await, after, "a double submit records once");

        // A tariff decision of provider A announced yesterday: the appeal term of art. 105 lid 2 opens.
        page.goto("/invoeren/tariefbeschikking").await;
        field(&page, "decision_id", TARIFF_A).await;
        field(&page, "provider", PROVIDER_A).await;
        field(&page, "year", &year.to_string()).await;
        select(&page, "regions[0]", REGION).await;
        select(&page, "kind", "tariff").await;
        field(&page, "decided_on", &days(today, -2)).await;
        field(&page, "announced_on", &days(today, -1)).await;
        record(&page).await;
        assert!(page.text("h1").await.contains(&format!("Tariefbeschikking {TARIFF_A} is vastgelegd")), "{}", page.body().await);

        // An objection to it: the NZa's own decision term (art. 7:10 Awb) is shown at once, and on Termijnen.
        page.goto("/invoeren/bezwaar").await;
        field(&page, "tariff_decision", TARIFF_A).await;
        field(&page, "objection_id", "BZ-2027-001").await;
        select(&page, "objector.kind", "provider").await;
        field(&page, "objector.id", PROVIDER_A).await;
        field(&page, "received_on", &today.to_string()).await;
        record(&page).await;
        let recorded = page.text("#vastgelegd").await;
        assert!(recorded.contains("Beslissen uiterlijk op") && recorded.contains("tijdig"), "{recorded}");
        let tariff = app.get(&format!("/api/v1/tariff-decisions/{TARIFF_A}"), Some(&app.legal)).await.json();
        let decide_by = tariff["objection_decision_term"]["last_day"].as_str().expect("a decision term").to_owned();
        assert!(recorded.contains(&decide_by), "{recorded} shows {decide_by}");
        page.goto("/?weken=26").await;
        let own = page.text("#eigen + table").await;
        assert!(own.contains(&decide_by) && own.contains("Beslistermijn op bezwaar (NZa)"), "{own}");

        // Termijnen shows the engine's term with its last day, and explains it.
        let api = app.get(&format!("/api/v1/deadlines?region={REGION}"), Some(&app.legal)).await.json();
        let term = api["terms"].as_array().expect("terms").iter().find(|t| t["basis"] == "art105_lid2").expect("the lid 2 term").clone();
        let last_day = term["last_day"].as_str().expect("a last day").to_owned();
        page.goto(&format!("/?region={REGION}")).await;
        page.assert_accessible("Termijnen with a term").await;
        let row = page.text("table.terms tbody tr").await;
        assert!(row.contains(&last_day) && row.contains("Beroepstermijn na een tariefbeschikking") && row.contains(TARIFF_A), "{row}");
        page.click("table.terms details summary").await;
        let steps = page.text("table.terms details ol.steps").await;
        let first_step = term["explanation"][0].as_str().expect("a step");
        assert!(steps.contains(first_step), "the engine's explanation: {steps}");

        // An appeal lodged today is classified at once.
        page.goto("/invoeren/beroep").await;
        field(&page, "appeal_id", "CBb 27/0001").await;
        select(&page, "appellant.kind", "provider").await;
        field(&page, "appellant.id", PROVIDER_A).await;
        select(&page, "region", REGION).await;
        field(&page, "year", &year.to_string()).await;
        field(&page, "against_decision", RCS).await;
        field(&page, "received_on", &today.to_string()).await;
        page.submit("button[value=voorbeeld]").await;
        let preview = page.text("section.preview").await;
        assert!(preview.contains(&format!("Beroep CBb 27/0001 tegen besluit {RCS}: indiening tijdig")), "{preview}");
        record(&page).await;
        let recorded = page.text("#vastgelegd").await;
        assert!(recorded.contains("Indiening") && recorded.contains("tijdig"), "{recorded}");
        page.assert_accessible("the recorded appeal").await;

        // Wat als: an amendment of the region-year under appeal, beside the register as it is; nothing recorded.
        let before = history_len(&app).await;
        page.goto("/wat-als").await;
        page.assert_accessible("Wat als").await;
        select(&page, "regio", REGION).await;
        field(&page, "van", &year.to_string()).await;
        field(&page, "bedrag", "900000000.00").await;
        page.submit("button.primary").await;
        let changes = page.text("ul.changes").await;
        assert!(changes.contains("Beroep CBb 27/0001 richt zich ook tegen besluit Wat-als-wijziging (art. 6:19 Awb)"), "{changes}");
        assert!(changes.contains("€ 812.345.000,00 wordt € 900.000.000,00"), "{changes}");
        let now = page.text(".side-by-side .now").await;
        let then = page.text(".side-by-side .then").await;
        assert!(now.contains(RCS) && !now.contains("Wat-als-wijziging"), "{now}");
        assert!(then.contains("Wat-als-wijziging") && then.contains("ook tegen Wat-als-wijziging"), "{then}");
        page.assert_accessible("Wat als with its answer").await;
        assert_eq!(history_len(&app).await, before, "a what-if records nothing");
        field(&page, "van", "twee").await;
        page.submit("button.primary").await;
        assert!(page.text("#van-error").await.starts_with("Fout:"), "an error at its field");

        // Publicatie inlezen: an amendment as a published table (wide layout), previewed with the appeal it would
        // reach by art. 6:19 Awb, recorded only once confirmed.
        let table = tempfile::Builder::new().suffix(".csv").tempfile().expect("a file");
        std::fs::write(table.path(), format!("Zorgkantoorregio;{year}\r\nGroningen;€ 905.000.000,00\r\n")).expect("written");
        page.goto("/invoeren/inlezen").await;
        page.assert_accessible("Publicatie inlezen").await;
        page.element("#bestand").await.send_keys(table.path().to_str().expect("a path")).await.expect("a file chosen");
        field(&page, "besluit", "NZa-RCS-WEB-INLEZEN").await;
        select(&page, "soort", "amendment").await;
        field(&page, "besluit_op", &today.to_string()).await;
        field(&page, "bekendgemaakt_op", &today.to_string()).await;
        field(&page, "motivering", "herverdeling").await;
        page.submit("button[value=bekijk]").await;
        let lines = page.text("table.lines").await;
        assert!(lines.contains("Groningen") && lines.contains("€ 905.000.000,00") && lines.contains("€ 812.345.000,00"), "{lines}");
        let changes = page.text("ul.changes").await;
        assert!(changes.contains("Beroep CBb 27/0001 richt zich ook tegen besluit NZa-RCS-WEB-INLEZEN"), "{changes}");
        assert_eq!(history_len(&app).await, before, "a preview records nothing");
        page.assert_accessible("Publicatie inlezen with its preview").await;
        record(&page).await;
        assert_eq!(page.text("h1").await, "Besluit NZa-RCS-WEB-INLEZEN is vastgelegd");
        let recorded = app.get("/api/v1/contracting-space-decisions/NZa-RCS-WEB-INLEZEN", Some(&app.legal)).await.json();
        assert_eq!(recorded["spaces"][0]["amount"], "905000000.00", "{recorded}");

        // Regio-jaar shows the same dates and statuses as the API for the same region-year and date.
        let path = format!("/regios/{REGION}/{year}?as_of={today}");
        page.goto(&path).await;
        page.assert_accessible("Regio-jaar").await;
        let view = app.get(&format!("/api/v1/contracting-spaces/{REGION}/{year}?as_of={today}"), Some(&app.legal)).await.json();
        let mut api_terms: Vec<&Value> = view["terms"].as_array().expect("terms").iter().collect();
        api_terms.sort_by_key(|t| (t["opens_on"].as_str().map(str::to_owned), t["last_day"].as_str().map(str::to_owned)));
        let items = page.client.find_all(fantoccini::Locator::Css("ol.timeline > li")).await.expect("the timeline");
        assert_eq!(items.len(), api_terms.len(), "one entry per term");
        for (item, term) in items.iter().zip(&api_terms) {
            let text = item.text().await.expect("its text");
            let last = term["last_day"].as_str().unwrap_or("geen");
            assert!(text.contains(&format!("tot en met {last}")), "{text} shows {last}");
            assert!(text.contains(status_words(term["status"].as_str().expect("a status"))), "{text} shows {}", term["status"]);
        }
        let status = page.text("#status").await;
        assert_eq!(view["status"], "under_appeal", "{view}");
        assert_eq!(status, "in beroep");
        let appeals = page.text("table.appeals").await;
        assert!(appeals.contains("CBb 27/0001") && appeals.contains("tijdig"), "{appeals}");

        for screen in ["/regios", "/kalender", "/feestdagen", "/audit", "/referentie", "/invoeren", "/invoeren/bekendmaking",
            "/invoeren/tariefbeschikking", "/invoeren/beroep", "/invoeren/intrekking", "/invoeren/uitspraak",
            "/invoeren/bezwaar", "/invoeren/verdaging", "/invoeren/beslissing-op-bezwaar"]
        {
            page.goto(screen).await;
            page.assert_accessible(screen).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_provider_sees_its_own_and_an_auditor_checks_the_chain() {
    let app = TestApp::spawn().await;
    // Provider A's tariff decision, recorded through the API.
    let today = chrono::Utc::now().date_naive();
    let year = chrono::Datelike::year(&today) + 1;
    let decision = serde_json::json!({"decision_id": RCS, "kind": "establishment", "decided_on": days(today, -30),
        "announced_on": days(today, -28), "reason": "vaststelling",
        "spaces": [{"region": REGION, "year": year, "amount": "812345000.00"}]});
    assert_eq!(app.post("/api/v1/contracting-space-decisions", Some(&app.legal), &decision).await.status, 201);
    let tariff = serde_json::json!({"decision_id": TARIFF_A, "provider": PROVIDER_A, "year": year, "regions": [REGION],
        "kind": "tariff", "amends": null, "decided_on": days(today, -3), "announced_on": days(today, -2),
        "applied_space_decisions": null});
    assert_eq!(app.post("/api/v1/tariff-decisions", Some(&app.legal), &tariff).await.status, 201);
    let Some((_driver, page)) = browser::open(&app.server.base).await else { return };
    let app = std::sync::Arc::new(app);
    let shared = app.clone();
    browser::scenario("provider-auditor", &page, move |page| async move {
        let app = shared;
        // Provider B: the term of A's tariff decision binds it too, without naming A.
        page.login(&app.provider_b).await;
        for screen in ["/", &format!("/regios/{REGION}/{year}"), "/regios", "/aanbieder", "/kalender", "/feestdagen"] {
            page.goto(screen).await;
            let body = page.body().await;
            assert!(!body.contains(PROVIDER_A) && !body.contains(TARIFF_A), "{screen} shows provider A: {body}");
            page.assert_accessible(screen).await;
        }
        page.goto(&format!("/regios/{REGION}/{year}")).await;
        assert!(page.body().await.contains("tariefbeschikking van een andere zorgaanbieder"));
        page.goto("/aanbieder").await;
        assert!(page.body().await.contains(&format!("Voor zorgaanbieder {PROVIDER_B}")));
        assert!(page.body().await.contains("Er is geen tariefbeschikking voor u geregistreerd"));
        for refused in ["/audit", "/invoeren/besluit"] {
            page.goto(refused).await;
            assert_eq!(page.text("h1").await, "Geen toegang", "{refused}");
        }
        page.assert_accessible("Geen toegang").await;
        let csv = page
            .client
            .execute("return fetch('/termijnen.csv').then(r => r.text());", vec![])
            .await
            .expect("the CSV export");
        let csv = csv.as_str().expect("text");
        assert!(csv.contains("Laatste dag") && csv.contains("andere zorgaanbieder"), "{csv}");
        assert!(!csv.contains(PROVIDER_A) && !csv.contains(TARIFF_A), "the export shows provider A: {csv}");
        page.submit("form[action='/logout'] button").await;
        assert!(page.body().await.contains("U bent uitgelogd"));

        // Provider A: its own tariff decision, and until when the space is open for it.
        page.login(&app.provider_a).await;
        page.goto("/aanbieder").await;
        let body = page.body().await;
        assert!(body.contains(TARIFF_A) && body.contains("Groningen"), "{body}");
        assert!(!body.contains(PROVIDER_B));
        page.assert_accessible("Voor zorgaanbieders").await;
        // "Abonneren": a link for its calendar program, which works without any header, until it is revoked.
        page.goto("/kalender").await;
        page.click("a[href='/kalender/abonneren']").await;
        page.assert_accessible("Abonneren").await;
        field(&page, "herinnering", "3").await;
        page.submit("button.primary").await;
        let link = page.text("#abonnementslink").await;
        assert!(
            link.starts_with("http://") && link.contains("/ics/"),
            "an address as the browser reached this server: {link}"
        );
        let feed = reqwest::get(&link).await.expect("answers");
        assert_eq!(feed.status().as_u16(), 200);
        let feed = feed.text().await.expect("a feed");
        assert!(feed.contains(TARIFF_A) && feed.contains("TRIGGER;RELATED=START:-PT259200S"), "{feed}");
        page.assert_accessible("Abonneren with its link").await;
        page.submit("table.links-table button").await;
        assert!(page.body().await.contains("U hebt geen actieve abonnementen"));
        assert_eq!(reqwest::get(&link).await.expect("answers").status().as_u16(), 404, "revoked");
        page.submit("form[action='/logout'] button").await;

        // The auditor: the history as recorded, and the chain checked.
        page.login(&app.auditor).await;
        page.goto("/audit").await;
        let history = page.text("table.history").await;
        assert!(history.contains("SpaceDecisionRecorded") && history.contains("mr. A. Jurist"), "{history}");
        page.assert_accessible("Audit").await;
        page.submit("form[action='/audit/controle'] button").await;
        assert!(page.text("#controle").await.starts_with("Intact:"), "{}", page.body().await);
        page.assert_accessible("Audit with the chain checked").await;
        page.goto("/invoeren").await;
        assert_eq!(page.text("h1").await, "Geen toegang", "an auditor records nothing");
    })
    .await;
}

/// The session cookie a login through the form sets, read as a browser would get it.
async fn session_cookie(app: &TestApp, token: &str) -> String {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let response =
        client.post(app.url("/login")).form(&[("token", token), ("terug", "/")]).send().await.expect("an answer");
    assert_eq!(response.status().as_u16(), 303);
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a cookie").to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    cookie.split(';').next().expect("name=value").to_owned()
}

#[tokio::test]
async fn forms_without_their_token_are_refused_the_api_ignores_the_cookie_and_an_idle_session_ends() {
    let mut app = TestApp::spawn().await;
    let cookie = session_cookie(&app, &app.legal).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let form = [
        ("decision_id", "NZa-RCS-CSRF"),
        ("kind", "establishment"),
        ("decided_on", "2025-11-10"),
        ("spaces[0].region", REGION),
        ("spaces[0].year", "2027"),
        ("spaces[0].amount", "1.00"),
        ("actie", "vastleggen"),
    ];
    let before = history_len(&app).await;
    let refused = client
        .post(app.url("/invoeren/besluit"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused.text().await.expect("a page").contains("Formulier geweigerd"));
    let from_elsewhere = client
        .post(app.url("/invoeren/besluit"))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(from_elsewhere.status().as_u16(), 403);
    let oversized = "x".repeat(300 * 1024);
    let too_large = client
        .post(app.url("/invoeren/besluit"))
        .header("cookie", &cookie)
        .form(&[("reason", oversized.as_str()), ("actie", "vastleggen")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(too_large.status().as_u16(), 413, "a form is limited in size");
    assert_eq!(history_len(&app).await, before, "nothing recorded");
    let api = client.get(app.url("/api/v1/deadlines")).header("cookie", &cookie).send().await.expect("an answer");
    assert_eq!(api.status().as_u16(), 401, "/api takes bearer tokens only");
    // A link followed from another site (an e-mail) comes without the SameSite=Strict cookie: the page asks for
    // itself again from this site, where the browser sends it.
    let linked = client
        .get(app.url("/regios?as_of=2026-12-01"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("an answer");
    assert_eq!(linked.status().as_u16(), 200);
    let again = linked.text().await.expect("a page");
    assert!(again.contains(r#"http-equiv="refresh" content="0; url=/regios?as_of=2026-12-01""#), "{again}");

    app.server = Server::start(&app.db, &[("TERMIJN_SESSION_IDLE_SECONDS", "2")]);
    let Some((_driver, page)) = browser::open(&app.server.base).await else { return };
    let app = std::sync::Arc::new(app);
    let shared = app.clone();
    browser::scenario("session", &page, move |page| async move {
        const TAB: &str = "\u{e004}";
        const ENTER: &str = "\u{e007}";
        let app = shared;
        page.goto("/").await;
        assert!(page.path().await.starts_with("/login"), "no session, the login page");
        page.assert_accessible("Inloggen").await;
        page.press(TAB).await;
        assert!(
            page.focused().await.contains("Naar de inhoud"),
            "every page starts with the skip link: {}",
            page.focused().await
        );
        page.press(ENTER).await;
        assert!(
            page.focused().await.starts_with("main#inhoud"),
            "the skip link moves the focus to the content: {}",
            page.focused().await
        );
        page.log_in_here("tmj_not-a-token").await;
        assert!(page.text("#token-error").await.contains("niet bekend"));
        page.assert_accessible("Inloggen with an error").await;
        page.login(&app.legal).await;
        assert_eq!(page.path().await, "/");
        tokio::time::sleep(std::time::Duration::from_millis(3_000)).await;
        page.goto("/regios").await;
        assert!(page.path().await.starts_with("/login"), "an idle session ends: {}", page.path().await);
        assert!(page.body().await.contains("Uw sessie is verlopen"));
        // By keyboard alone: the skip link comes first, then the token field; Enter sends the form.
        page.press(TAB).await;
        assert!(page.focused().await.contains("Naar de inhoud"), "first the skip link: {}", page.focused().await);
        page.press(TAB).await;
        page.press(TAB).await;
        assert!(page.focused().await.starts_with("input#token"), "then the token: {}", page.focused().await);
        page.client.execute("window.__termijn_before = true;", vec![]).await.expect("a script");
        page.press(&app.legal).await;
        page.press(ENTER).await;
        page.wait_for_new_page().await;
        assert_eq!(page.path().await, "/regios", "back to the page asked for");
        // With two idle seconds the warning is due at once: a dialog, with the focus on "Ingelogd blijven".
        let warning = page.text("dialog h2").await;
        assert_eq!(warning, "Uw sessie verloopt bijna");
        assert!(page.focused().await.contains("Ingelogd blijven"), "{}", page.focused().await);
        page.client.execute("window.__termijn_before = true;", vec![]).await.expect("a script");
        page.press(ENTER).await;
        page.wait_for_new_page().await;
        assert_eq!(page.path().await, "/regios", "extended, on the same page");
        assert!(page.body().await.contains("Ingelogd als mr. A. Jurist"));
    })
    .await;
}
