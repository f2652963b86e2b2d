//! Browser test support: real headless Chromium driven through chromedriver (WebDriver), and the
//! demo tenants served over TCP for it to visit.
//!
//! Chromium and chromedriver are Debian's `chromium` and `chromium-driver`, which `tests/services`
//! installs; without them a browser test fails and says what to run, it never skips. Each
//! [`Browser`] runs its own chromedriver on a free loopback port with one Chromium session in a
//! fresh profile, and ends both when dropped, also when the test panics. Chromium resolves
//! `*.localhost` to loopback by itself, so the tenants' development hosts need no set-up.
//!
//! Every wait is explicit (an element, a text, a path) with a deadline generous enough for a busy
//! two-core machine; nothing sleeps a fixed time. Helpers take CSS selectors and use WebDriver's
//! own input (real clicks and key presses), never page scripts, so that they also work in a
//! browser whose JavaScript is off. Every WebDriver command has a deadline too: a Chromium that
//! hangs fails the test instead of hanging it.
//!
//! ```text
//! let site = LiveApp::start(backend).await;          // the demo tenants on a free port
//! site.demo_accounts().await;                         // demo.tiepnhan... (DEMO_PASSWORD)
//! let browser = Browser::open(Viewport::PHONE).await; // or open_with(Options { javascript: false, .. })
//! browser.goto(&site.url("dichvucong.thanhhoa.localhost", "/dang-nhap")).await;
//! browser.fill("#username", "demo.tiepnhan").await;
//! browser.fill("#password", DEMO_PASSWORD).await;
//! browser.click(".account-form button[type=submit]").await;
//! browser.wait_for_path("/").await;
//! browser.assert_no_horizontal_scroll().await;
//! browser.assert_no_console_errors().await;
//! ```

mod a11y;
mod checks;
mod driver;
mod live;
mod options;

use std::fmt::Display;
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use driver::{Cdp, Driver};
pub use live::LiveApp;
pub use options::{Options, Viewport};

/// Debian's Chromium (`chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (`chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long any wait lasts before the test fails: far above what a page takes, so that only a
/// real failure reaches it on a loaded machine.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// How long one WebDriver command may take: chromedriver answers within the session's own
/// timeouts ([`TIMEOUT`]), but a Chromium that hangs would hang the test with it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(45);

/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(50);

/// One Chromium session, headless, with its own chromedriver and a fresh profile. Dropping it
/// ends the session (Chromium quits), then chromedriver, then removes the profile.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    session: String,
    options: Options,
    // Dropped in this order, after `Drop::drop` ended the session.
    driver: Driver,
    _dir: tempfile::TempDir,
}

impl Browser {
    /// A browser with `viewport` and JavaScript on.
    pub async fn open(viewport: Viewport) -> Self {
        Self::open_with(Options {
            viewport,
            ..Options::default()
        })
        .await
    }

    /// A browser with `options`.
    pub async fn open_with(options: Options) -> Self {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: the browser tests need Debian's `{package}` package; run `tests/services` (it installs Chromium and chromedriver)"
            );
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let driver = Driver::start(dir.path());
        let caps = options::capabilities(&options, &dir.path().join("profile"));
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let address = format!("http://127.0.0.1:{}", driver.port);
        let client = match tokio::time::timeout(COMMAND_TIMEOUT, builder.connect(&address)).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "Chromium did not start through chromedriver: {e}\n{}",
                driver.log()
            ),
            Err(_) => panic!(
                "Chromium did not start through chromedriver in {COMMAND_TIMEOUT:?}\n{}",
                driver.log()
            ),
        };
        let session = match client.session_id().await {
            Ok(Some(id)) => id,
            other => panic!("no WebDriver session id: {other:?}"),
        };
        let browser = Self {
            client,
            session,
            options,
            driver,
            _dir: dir,
        };
        browser.emulate_viewport().await;
        browser.check_settings().await;
        browser
    }

    /// Changes the viewport, and checks it on a page of its own: load the page to look at after.
    pub async fn set_viewport(&mut self, viewport: Viewport) {
        self.options.viewport = viewport;
        self.emulate_viewport().await;
        self.check_settings().await;
    }

    /// Sets the viewport exactly through Chromium's device metrics, rather than leaving it to a
    /// window whose decorations would take some of it. (Not chromedriver's `mobileEmulation`,
    /// which sets it anew at each navigation, so a test could not change it.)
    async fn emulate_viewport(&self) {
        let viewport = self.options.viewport;
        let metrics = Cdp {
            cmd: "Emulation.setDeviceMetricsOverride",
            params: json!({
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": if viewport.mobile { 2.0 } else { 1.0 },
                "mobile": viewport.mobile,
            }),
        };
        self.run("setting the viewport", self.client.issue_cmd(metrics))
            .await;
    }

    /// Makes sure the browser is what it was asked to be, on a page that declares its viewport
    /// as the portal's do: the viewport's width, and pages that really run no script when
    /// JavaScript is off (else a "works without JavaScript" test would prove nothing).
    async fn check_settings(&self) {
        self.goto(
            "data:text/html,<meta name=viewport content='width=device-width, initial-scale=1'>\
             <title>off</title><script>document.title = 'on'</script>",
        )
        .await;
        let width = self.script("return window.innerWidth;").await;
        assert_eq!(
            width,
            json!(self.options.viewport.width),
            "the viewport's width"
        );
        let title = self.run("reading the title", self.client.title()).await;
        let expected = if self.options.javascript { "on" } else { "off" };
        assert_eq!(title, expected, "whether pages run JavaScript");
    }

    /// The WebDriver client, for what the helpers here do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The options it was opened with.
    pub fn options(&self) -> Options {
        self.options
    }

    /// Loads `url` and waits until the page has loaded.
    pub async fn goto(&self, url: &str) {
        self.run(format_args!("loading {url}"), self.client.goto(url))
            .await;
    }

    /// The current URL.
    pub async fn url(&self) -> url::Url {
        self.run("reading the URL", self.client.current_url()).await
    }

    /// The current URL's path and query (`/lookup?code=...`).
    pub async fn path(&self) -> String {
        let url = self.url().await;
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The element matching `css`, waiting until there is one.
    pub async fn find(&self, css: &str) -> Element {
        let mut last = String::new();
        let found = self
            .until(
                async || match self.attempt(self.client.find(Locator::Css(css))).await {
                    Ok(e) => Some(e),
                    Err(e) => {
                        last = e;
                        None
                    }
                },
            )
            .await;
        match found {
            Some(e) => e,
            None => self.fail(&format!("no element `{css}` ({last})")).await,
        }
    }

    /// Every element matching `css` now (none is no error).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.run(
            format_args!("finding `{css}`"),
            self.client.find_all(Locator::Css(css)),
        )
        .await
    }

    /// The rendered text of the element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.run(format_args!("reading `{css}`"), element.text())
            .await
    }

    /// The rendered text of `element`.
    pub async fn text_of(&self, element: &Element) -> String {
        self.run("reading an element", element.text()).await
    }

    /// The attribute `name` of the element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css).await;
        self.run(format_args!("reading `{css}`"), element.attr(name))
            .await
    }

    /// The current value of the form field matching `css`.
    pub async fn value(&self, css: &str) -> String {
        let field = self.find(css).await;
        self.run(format_args!("reading `{css}`"), field.prop("value"))
            .await
            .unwrap_or_default()
    }

    /// Waits until the element matching `css` shows `expected` in its text; returns the text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let mut last = String::new();
        let found = self
            .until(async || {
                let element = self.attempt(self.client.find(Locator::Css(css))).await;
                last = match element {
                    Ok(e) => self.attempt(e.text()).await.unwrap_or_else(|e| e),
                    Err(e) => e,
                };
                last.contains(expected).then(|| last.clone())
            })
            .await;
        match found {
            Some(text) => text,
            None => {
                self.fail(&format!(
                    "`{css}` never showed {expected:?} (last: {last:?})"
                ))
                .await
            }
        }
    }

    /// Waits until the current path (with its query) is `expected`.
    pub async fn wait_for_path(&self, expected: &str) {
        self.wait_for_path_where(expected, |path| path == expected)
            .await;
    }

    /// Waits until the current path (with its query) passes `accept` (`what` describes it in the
    /// failure); returns the path.
    pub async fn wait_for_path_where(&self, what: &str, accept: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let reached = self
            .until(async || {
                last = self.path().await;
                accept(&last).then(|| last.clone())
            })
            .await;
        match reached {
            Some(path) => path,
            None => {
                self.fail(&format!("the browser never reached {what} (at {last})"))
                    .await
            }
        }
    }

    /// Waits until `script` (a function body, as for [`script`](Self::script)) returns `true`;
    /// `what` names the condition in the failure.
    pub async fn wait_until(&self, what: &str, script: &str) {
        let met = self
            .until(async || (self.script(script).await == Value::Bool(true)).then_some(()))
            .await;
        if met.is_none() {
            self.fail(&format!("never true: {what}")).await;
        }
    }

    /// Types `text` into the field matching `css`, after clearing it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        self.run(format_args!("clearing `{css}`"), field.clear())
            .await;
        self.run(format_args!("typing into `{css}`"), field.send_keys(text))
            .await;
    }

    /// Clicks the element matching `css`, as a person would (scrolled into view, a real click).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.run(format_args!("clicking `{css}`"), element.click())
            .await;
    }

    /// Runs `script` (a function body; `return` gives the value) in the page. WebDriver runs it
    /// even when the page's own JavaScript is off.
    pub async fn script(&self, script: &str) -> Value {
        self.run(
            format_args!("running a script in the page: {script}"),
            self.client.execute(script, Vec::new()),
        )
        .await
    }

    /// Waits until `check` gives a value, looking again every [`POLL`]; `None` after
    /// [`TIMEOUT`].
    async fn until<T>(&self, mut check: impl AsyncFnMut() -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(v) = check().await {
                return Some(v);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// A WebDriver command's answer, or what went wrong (its error, or no answer in
    /// [`COMMAND_TIMEOUT`]).
    async fn attempt<T>(
        &self,
        command: impl Future<Output = Result<T, CmdError>>,
    ) -> Result<T, String> {
        match tokio::time::timeout(COMMAND_TIMEOUT, command).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "chromedriver gave no answer in {COMMAND_TIMEOUT:?}"
            )),
        }
    }

    /// A WebDriver command's answer; the test fails, with chromedriver's log, when it fails.
    async fn run<T>(
        &self,
        what: impl Display,
        command: impl Future<Output = Result<T, CmdError>>,
    ) -> T {
        match self.attempt(command).await {
            Ok(v) => v,
            Err(e) => panic!("{what}: {e}\n{}", self.driver.log()),
        }
    }

    /// Fails the test with `what`, the page's address and its text.
    async fn fail(&self, what: &str) -> ! {
        let url = self
            .attempt(self.client.current_url())
            .await
            .map_or_else(|e| format!("(no URL: {e})"), |u| u.to_string());
        let text = match self.attempt(self.client.find(Locator::Css("body"))).await {
            Ok(body) => self.attempt(body.text()).await.unwrap_or_else(|e| e),
            Err(e) => format!("(no body: {e})"),
        };
        panic!("{what}\nat {url}, whose text is:\n{text}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.driver.end_session(&self.session);
    }
}
