//! Accessibility checks: axe-core run in the page (WCAG 2.1 A and AA rules and axe's best
//! practices), and moving through a page with the keyboard alone.
//!
//! axe-core is the npm package that `tests/services` installs in `tests/axe` (pinned by its
//! `package-lock.json`); its script is sent through the WebDriver session, which runs it whatever
//! the page's Content-Security-Policy says, so the pages themselves never load it. Without it the
//! check fails and says what to run; it never skips.

use std::sync::OnceLock;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;

use super::Browser;
use crate::repo_root;

/// axe-core's script, read once.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = repo_root().join("tests/axe/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{} cannot be read ({e}): the accessibility checks need axe-core; run `tests/services` (it runs `npm ci` in tests/axe)",
                path.display()
            )
        })
    })
}

impl Browser {
    /// The accessibility violations axe-core finds on the current page, one line per rule with
    /// the elements at fault.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        self.script(&format!(
            "{}\nreturn typeof window.axe === 'object';",
            axe_source()
        ))
        .await;
        let found = self
            .run(
                "running axe-core",
                self.client().execute_async(
                    "const done = arguments[arguments.length - 1];\
                     axe.run(document, { resultTypes: ['violations'] })\
                       .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n  ` \
                         + v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary}`).join('\\n  '))))\
                       .catch(e => done([`axe-core failed: ${e}`]));",
                    Vec::new(),
                ),
            )
            .await;
        found
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Fails when axe-core finds any accessibility violation on the current page.
    pub async fn assert_accessible(&self) {
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "accessibility violations on {}:\n{}",
            self.path().await,
            violations.join("\n")
        );
    }

    /// Presses `key` (a character, or a [`Key`]) as the keyboard would, on whatever has the
    /// focus.
    pub async fn press(&self, key: impl Into<char>) {
        let key = key.into();
        let actions = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.run(
            format_args!("pressing {key:?}"),
            self.client().perform_actions(actions),
        )
        .await;
    }

    /// Types `text` on the keyboard into whatever has the focus.
    pub async fn type_keys(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.run(
            format_args!("typing {text:?}"),
            self.client().perform_actions(actions),
        )
        .await;
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is_on(&self, css: &str) -> bool {
        let css = Value::String(css.to_owned());
        self.script(&format!(
            "const e = document.activeElement; return !!e && e.matches({css});"
        ))
        .await
            == Value::Bool(true)
    }

    /// Presses Tab until the focus is on an element matching `css`, at most `limit` times;
    /// returns how many presses it took. Checks on the way that whatever takes the focus shows
    /// it (an outline or a changed background).
    pub async fn tab_to(&self, css: &str, limit: usize) -> usize {
        for n in 1..=limit {
            self.press(Key::Tab).await;
            let shown = self
                .script(
                    "const e = document.activeElement; if (!e || e === document.body) return true; \
                     const s = getComputedStyle(e); \
                     return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) \
                       || s.boxShadow !== 'none';",
                )
                .await;
            assert_eq!(
                shown,
                Value::Bool(true),
                "the focus is not visible on {} after {n} Tab(s) on {}",
                self.script("return document.activeElement.outerHTML.slice(0, 200);")
                    .await,
                self.path().await
            );
            if self.focus_is_on(css).await {
                return n;
            }
        }
        let at = self
            .script("return document.activeElement.outerHTML.slice(0, 200);")
            .await;
        panic!(
            "`{css}` never had the focus after {limit} Tab presses on {} (focus on {at})",
            self.path().await
        );
    }
}
