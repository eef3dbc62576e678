//! A real headless Chromium (Debian's `chromium`, driven through its `chromedriver` with fantoccini) looking at
//! a test server, and axe-core run inside the page. A scenario that fails leaves a screenshot of the page it
//! failed on in `target/browser-screenshots/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The chromedriver of one test, stopped when it is dropped.
pub struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A page of the browser, on the server at `base` (with `localhost` as its host, one name for the cookies).
#[derive(Clone)]
pub struct Page {
    pub client: Client,
    pub base: String,
}

/// Starts chromedriver and a headless Chromium session; `None` only when `TERMIJN_TEST_SKIP_BROWSER=1` says to
/// skip the browser deliberately.
pub async fn open(server_base: &str) -> Option<(Driver, Page)> {
    if std::env::var("TERMIJN_TEST_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("skipped: the browser part of this test (TERMIJN_TEST_SKIP_BROWSER=1)");
        return None;
    }
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "Debian's chromium and chromium-driver are not installed: run the tests with scripts/test"
    );
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let profile = tempfile::tempdir().expect("a profile folder");
    let driver = Driver { child, url, _profile: profile };
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--window-size=1280,1000",
                     format!("--user-data-dir={}", driver._profile.path().display())],
        }
    });
    let Value::Object(capabilities) = capabilities else { unreachable!("an object") };
    let mut last_error = String::new();
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => {
                let base = server_base.replace("127.0.0.1", "localhost");
                return Some((driver, Page { client, base }));
            }
            Err(error) => {
                last_error = error.to_string();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("no browser session: {last_error}");
}

fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/browser-screenshots")
}

/// Runs a scenario; when it fails, the page it was on is kept as a screenshot named after it.
pub async fn scenario<F, Fut>(name: &str, page: &Page, steps: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(steps(page.clone())).await;
    if let Err(failure) = outcome {
        if let Ok(png) = page.client.screenshot().await {
            let dir = screenshots();
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{name}.png"));
            let _ = std::fs::write(&file, png);
            eprintln!("screenshot of the failing page: {}", file.display());
        }
        let _ = page.client.clone().close().await;
        std::panic::resume_unwind(failure.into_panic());
    }
}

impl Page {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&self.url(path)).await.expect("the page opens");
    }

    /// The path and query of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("a current page");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// An element of the page, waited for (a script may add it a moment after the page loads).
    pub async fn element(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} on the page: {e}"))
    }

    pub async fn text(&self, css: &str) -> String {
        self.element(css).await.text().await.expect("its text")
    }

    /// The text of the whole page, as a user reads it.
    pub async fn body(&self) -> String {
        self.text("body").await
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.element(css).await;
        field.clear().await.expect("cleared");
        field.send_keys(value).await.expect("typed");
    }

    pub async fn choose(&self, css: &str, value: &str) {
        let field = self.element(css).await;
        field.select_by_value(value).await.unwrap_or_else(|e| panic!("{value} in {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.element(css).await.click().await.expect("clicked");
    }

    /// Clicks a button that sends a form, and waits until the page it leads to has loaded.
    pub async fn submit(&self, css: &str) {
        self.client.execute("window.__termijn_before = true;", vec![]).await.expect("the page runs a script");
        self.click(css).await;
        self.wait_for_new_page().await;
    }

    /// Waits until the page that replaced one marked with `window.__termijn_before` has loaded.
    pub async fn wait_for_new_page(&self) {
        for _ in 0..200 {
            let state = self
                .client
                .execute("return window.__termijn_before === undefined && document.readyState === 'complete';", vec![])
                .await;
            if matches!(state, Ok(Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page was loaded");
    }

    /// Logs in with a token on the login page shown, as a user pastes it.
    pub async fn log_in_here(&self, token: &str) {
        self.fill("#token", token).await;
        self.submit("main form button[type=submit]").await;
    }

    /// Presses keys on the keyboard, wherever the focus is, as a user does.
    pub async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await.expect("keys pressed");
    }

    /// What has the focus: its tag, id and text, as a user would find it.
    pub async fn focused(&self) -> String {
        let focused = self.client.active_element().await.expect("an element with the focus");
        let tag = focused.tag_name().await.unwrap_or_default();
        let id = focused.attr("id").await.ok().flatten().unwrap_or_default();
        let text = focused.text().await.unwrap_or_default();
        format!("{tag}#{id} {text}").trim().to_owned()
    }

    /// Opens the login page and logs in with a token.
    pub async fn login(&self, token: &str) {
        self.goto("/login").await;
        self.log_in_here(token).await;
    }

    /// Runs axe-core (WCAG 2.0/2.1 A and AA) on the page; the violations it reports, each with the elements.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core is installed in tests/browser (scripts/test runs npm ci there)");
        self.client.execute(&axe, vec![]).await.expect("axe-core loads");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                    .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        result.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }

    /// Asserts that axe-core finds nothing on the page.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.accessibility_violations().await;
        assert!(violations.is_empty(), "{what} ({}): {violations:#?}", self.path().await);
    }
}
