//! What a browser is opened with: the viewport, JavaScript on or off, and the capabilities that
//! ask chromedriver for them.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use fantoccini::wd::Capabilities;
use serde_json::{Value, json};

use super::{CHROMIUM, TIMEOUT};

/// The size of the browser's viewport, in CSS pixels (set exactly through Chromium's device
/// metrics, so that the page gets all of it whatever the headless window's decorations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewport {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// A phone: mobile emulation, where the page's `<meta name="viewport">` applies. No touch
    /// events: with them chromedriver's clicks become taps, which never returned on a page whose
    /// JavaScript is off (Chromium 156).
    pub mobile: bool,
}

impl Viewport {
    /// A small phone.
    pub const PHONE: Self = Self {
        width: 360,
        height: 740,
        mobile: true,
    };
    /// A laptop screen.
    pub const DESKTOP: Self = Self {
        width: 1280,
        height: 800,
        mobile: false,
    };
}

/// How to open a browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The viewport.
    pub viewport: Viewport,
    /// Whether pages may run JavaScript (off: as a citizen who disabled it, or an old phone).
    pub javascript: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            viewport: Viewport::DESKTOP,
            javascript: true,
        }
    }
}

/// The session's capabilities: Chromium headless in `profile`, with `options`.
pub(super) fn capabilities(options: &Options, profile: &Path) -> Capabilities {
    let Viewport { width, height, .. } = options.viewport;
    let mut args = vec![
        "--headless=new".to_owned(),
        format!("--user-data-dir={}", profile.display()),
        format!("--window-size={width},{height}"),
        // Software rendering: starts in half the time, and headless pages need no more.
        "--disable-gpu".to_owned(),
        // A container's small /dev/shm would crash the renderers.
        "--disable-dev-shm-usage".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-extensions".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--password-store=basic".to_owned(),
    ];
    // Chromium's sandbox refuses to run as root (CI runs as root).
    if running_as_root() {
        args.push("--no-sandbox".to_owned());
    }
    let timeout = u64::try_from(TIMEOUT.as_millis()).unwrap_or(u64::MAX);
    let caps = json!({
        "browserName": "chrome",
        "pageLoadStrategy": "normal",
        // No implicit wait: a missing element is reported at once, and waits are explicit.
        "timeouts": { "implicit": 0, "pageLoad": timeout, "script": timeout },
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
            "prefs": {
                "profile.managed_default_content_settings.javascript":
                    if options.javascript { 1 } else { 2 },
            },
        },
    });
    let Value::Object(caps) = caps else {
        unreachable!("a JSON object")
    };
    caps
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
