//! `official_sign_in:` of the manifest: officials sign in through the tenant's own OpenID
//! provider. Checked here value by value, each error at the line of the value at fault.

use serde::Deserialize;

use super::super::OfficialSignIn;
use crate::diagnostic::{Report, Spanned};
use crate::lang::Text;

/// The YAML shape.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOfficialSignIn {
    name: Text,
    issuer: Spanned<String>,
    client_id: Spanned<String>,
    #[serde(default)]
    account_claim: Option<Spanned<String>>,
    #[serde(default)]
    acr_values: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    password_sign_in: bool,
}

/// The claim that names officials unless the manifest says otherwise.
const DEFAULT_CLAIM: &str = "preferred_username";

fn yes() -> bool {
    true
}

/// Whether `issuer` is an acceptable issuer: https, or http on a loopback host (a provider on
/// the same machine, for tests); no query, fragment or credentials.
pub(crate) fn issuer_problem(issuer: &str) -> Option<&'static str> {
    let rest = if let Some(rest) = issuer.strip_prefix("https://") {
        rest
    } else if let Some(rest) = issuer.strip_prefix("http://") {
        let loopback = ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| {
            rest.strip_prefix(h)
                .is_some_and(|after| after.is_empty() || after.starts_with([':', '/']))
        });
        if !loopback {
            return Some("plain http is allowed only on the loopback interface");
        }
        rest
    } else {
        return Some("the issuer must be an https URL");
    };
    if rest.is_empty() || rest.starts_with([':', '/']) {
        return Some("the issuer has no host");
    }
    if rest.contains(['?', '#', '@']) || rest.bytes().any(|b| !b.is_ascii_graphic()) {
        return Some("the issuer may not hold a query, a fragment, credentials or spaces");
    }
    None
}

/// A claim name or a level of assurance: printable ASCII without spaces or quotes.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

/// Checks the section.
pub(super) fn check(raw: RawOfficialSignIn, report: &mut Report) -> OfficialSignIn {
    if raw.name.vi.trim().is_empty() {
        report.value(
            &raw.issuer,
            "official_sign_in.name is empty",
            Some(
                "name the provider as officials know it, e.g. `vi: Hệ thống định danh tỉnh`"
                    .to_owned(),
            ),
        );
    }
    if let Some(problem) = issuer_problem(&raw.issuer.value) {
        report.value(
            &raw.issuer,
            format!("official_sign_in.issuer `{}`: {problem}", raw.issuer.value),
            Some("write the provider's issuer identifier, e.g. `https://sso.thanhhoa.gov.vn/realms/canbo`".to_owned()),
        );
    }
    if !is_token(raw.client_id.value.trim()) || raw.client_id.value.trim() != raw.client_id.value {
        report.value(
            &raw.client_id,
            format!(
                "official_sign_in.client_id `{}` is not a client id",
                raw.client_id.value
            ),
            Some("write the client id the provider gave the platform, without spaces".to_owned()),
        );
    }
    if let Some(claim) = &raw.account_claim
        && (!is_token(&claim.value) || claim.value == "sub")
    {
        report.value(
            claim,
            format!(
                "official_sign_in.account_claim `{}` cannot name an official",
                claim.value
            ),
            Some(
                "use `preferred_username` (compared with usernames) or `email` (compared with e-mail addresses)"
                    .to_owned(),
            ),
        );
    }
    let mut acr_values: Vec<String> = Vec::new();
    for acr in &raw.acr_values {
        if !is_token(&acr.value) {
            report.value(
                acr,
                format!(
                    "official_sign_in.acr_values: `{}` is not a level of assurance",
                    acr.value
                ),
                Some("write each level as the provider names it, without spaces".to_owned()),
            );
        } else if acr_values.contains(&acr.value) {
            report.value(
                acr,
                format!(
                    "official_sign_in.acr_values: `{}` is listed twice",
                    acr.value
                ),
                None,
            );
        } else {
            acr_values.push(acr.value.clone());
        }
    }
    OfficialSignIn {
        name: raw.name,
        issuer: raw.issuer.value,
        client_id: raw.client_id.value,
        account_claim: raw
            .account_claim
            .map_or_else(|| DEFAULT_CLAIM.to_owned(), |c| c.value),
        acr_values,
        password_sign_in: raw.password_sign_in,
    }
}

#[cfg(test)]
mod tests {
    use super::issuer_problem;
    use crate::tenant::manifest::tests::VALID;
    use crate::tenant::parse_manifest;

    #[test]
    fn the_section_is_read_with_its_defaults() {
        let source = format!(
            "{VALID}official_sign_in:\n  name: {{ vi: Hệ thống định danh tỉnh Thanh Hóa, en: Thanh Hoa identity }}\n  issuer: https://sso.thanhhoa.gov.vn/realms/canbo\n  client_id: motcua\n"
        );
        let m = parse_manifest("tenant.yaml", &source, None).unwrap();
        let o = m.official_sign_in.expect("configured");
        assert_eq!(o.issuer, "https://sso.thanhhoa.gov.vn/realms/canbo");
        assert_eq!(o.client_id, "motcua");
        assert_eq!(o.account_claim, "preferred_username");
        assert!(o.acr_values.is_empty());
        assert!(
            o.password_sign_in,
            "passwords stay allowed unless turned off"
        );
        assert_eq!(o.name.get(crate::lang::Lang::En), "Thanh Hoa identity");
        assert!(
            parse_manifest("tenant.yaml", VALID, None)
                .unwrap()
                .official_sign_in
                .is_none()
        );
    }

    #[test]
    fn issuers_are_https_or_loopback() {
        for ok in [
            "https://sso.thanhhoa.gov.vn",
            "https://sso.thanhhoa.gov.vn/realms/canbo",
            "http://127.0.0.1:4000",
            "http://localhost/realms/x",
            "http://[::1]:80",
        ] {
            assert_eq!(issuer_problem(ok), None, "{ok}");
        }
        for bad in [
            "sso.thanhhoa.gov.vn",
            "http://sso.thanhhoa.gov.vn",
            "http://127.0.0.1.evil.example",
            "https://",
            "https://sso.gov.vn/?x=1",
            "https://user@sso.gov.vn",
            "https://sso.gov.vn/a b",
        ] {
            assert!(issuer_problem(bad).is_some(), "{bad}");
        }
    }
}
