//! `payments:` settings: the gateway through which citizens pay level-4 procedures' fees online,
//! and the secret its callbacks are signed with (`MOTCUA__PAYMENTS__SECRET`, a [`Secret`], never
//! printed; each tenant's key is derived from it).
//!
//! `provider: sandbox` is the built-in sandbox gateway served by the node under
//! `/sandbox-payment/` (no money taken: development, demonstrations, tests): it runs only in
//! `mode: development` (the default, and the mode tests run in), never in production, as the
//! development sign-in provider. Without `provider`, no payment is offered online and receipts say where to pay in person.

use anyhow::bail;
use serde::Deserialize;

use super::{Mode, Secret};

/// The shortest secret accepted, in bytes.
const MIN_SECRET: usize = 16;

/// `payments:` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Payments {
    /// The gateway: `sandbox`, or nothing (no online payment).
    pub provider: Option<String>,
    /// The secret callbacks are signed with (`MOTCUA__PAYMENTS__SECRET`).
    pub secret: Option<Secret>,
}

impl Payments {
    /// The gateway in `mode`; `None` when none is configured; an error for settings that must not
    /// run.
    pub fn gateway(&self, mode: Mode) -> anyhow::Result<Option<motcua_web::payments::Payments>> {
        let Some(provider) = self.provider.as_deref().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        if provider != "sandbox" {
            bail!(
                "payments.provider `{provider}` is not known: the built-in gateway is `sandbox`; a real gateway plugs in as an implementation of motcua_web::payments::Provider"
            );
        }
        // The rule of the development sign-in provider: never in production; and, the sandbox
        // being allowed by naming the modes it runs in rather than the one it does not, no
        // mode added later inherits it.
        match mode {
            Mode::Development => {}
            Mode::Production => bail!(
                "payments.provider `sandbox` takes no money and marks payments paid on a click; production refuses it (it runs only with mode: development)"
            ),
        }
        let secret = self.secret.as_ref().map(Secret::expose).unwrap_or_default();
        if secret.len() < MIN_SECRET {
            bail!(
                "payments.provider is set but payments.secret (MOTCUA__PAYMENTS__SECRET) is missing or shorter than {MIN_SECRET} characters"
            );
        }
        Ok(Some(motcua_web::payments::Payments::sandbox(secret)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Mode;
    use super::super::tests::with_env;

    #[test]
    fn off_by_default_and_the_secret_is_never_printed() {
        let c = with_env(&[]);
        assert!(c.payments.gateway(c.mode).unwrap().is_none());
        let c = with_env(&[
            ("MOTCUA__PAYMENTS__PROVIDER", "sandbox"),
            ("MOTCUA__PAYMENTS__SECRET", "a sandbox secret of the demo"),
        ]);
        c.check().unwrap();
        let gateway = c.payments.gateway(c.mode).unwrap().expect("the sandbox");
        for debug in [format!("{c:?}"), format!("{gateway:?}")] {
            assert!(!debug.contains("a sandbox secret"), "{debug}");
        }
    }

    #[test]
    fn no_secret_an_unknown_provider_or_the_sandbox_in_production_is_refused() {
        let c = with_env(&[("MOTCUA__PAYMENTS__PROVIDER", "sandbox")]);
        let err = c.check().unwrap_err().to_string();
        assert!(err.contains("MOTCUA__PAYMENTS__SECRET"), "{err}");
        let c = with_env(&[
            ("MOTCUA__PAYMENTS__PROVIDER", "vnpay"),
            ("MOTCUA__PAYMENTS__SECRET", "a sandbox secret of the demo"),
        ]);
        assert!(c.check().unwrap_err().to_string().contains("vnpay"));
        let c = with_env(&[
            ("MOTCUA__PAYMENTS__PROVIDER", "sandbox"),
            ("MOTCUA__PAYMENTS__SECRET", "a sandbox secret of the demo"),
        ]);
        let err = c
            .payments
            .gateway(Mode::Production)
            .unwrap_err()
            .to_string();
        assert!(err.contains("production"), "{err}");
    }
}
