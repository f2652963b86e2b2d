//! Checks any page should pass: no sideways scrolling on a phone, nothing in the console (a
//! Content-Security-Policy violation shows there), nothing that failed to load.

use super::Browser;
use super::driver::BrowserLog;

impl Browser {
    /// Fails when the page scrolls sideways: wider than the viewport, as a table or a long word
    /// that does not wrap makes it on a phone.
    pub async fn assert_no_horizontal_scroll(&self) {
        let sizes = self
            .script(
                "const e = document.documentElement; \
                 return [e.scrollWidth, e.clientWidth, window.innerWidth];",
            )
            .await;
        let (scroll, client) = (sizes[0].as_u64(), sizes[1].as_u64());
        assert!(
            scroll.is_some() && scroll <= client,
            "{} scrolls sideways at {}px: scrollWidth, clientWidth, innerWidth = {sizes}",
            self.path().await,
            self.options.viewport.width
        );
    }

    /// The console's errors since the last call: Content-Security-Policy violations, script
    /// errors and other security errors, each as Chromium wrote it. Failed loads are left out
    /// here, since a page served with an error status on purpose (404, a refused sign-in's 401)
    /// logs its own load as failed: [`failed_loads`](Self::failed_loads) checks those.
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self
            .run("reading the console", self.client.issue_cmd(BrowserLog))
            .await;
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE" && e["source"] != "network")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// What the current page loaded (stylesheets, images...) that failed, with the status, from
    /// the browser's resource timing. `/favicon.ico` is left out: Chromium asks for it by
    /// itself, the page does not.
    pub async fn failed_loads(&self) -> Vec<String> {
        let failed = self
            .script(
                "return performance.getEntriesByType('resource') \
                   .filter(e => (e.responseStatus === 0 || e.responseStatus >= 400) \
                     && new URL(e.name).pathname !== '/favicon.ico') \
                   .map(e => `${e.name}: ${e.responseStatus}`);",
            )
            .await;
        failed
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Fails when the console has errors since the last look, or the current page failed to
    /// load something.
    pub async fn assert_no_console_errors(&self) {
        let mut errors = self.console_errors().await;
        errors.extend(self.failed_loads().await);
        assert!(
            errors.is_empty(),
            "console errors on {}:\n{}",
            self.path().await,
            errors.join("\n")
        );
    }
}
