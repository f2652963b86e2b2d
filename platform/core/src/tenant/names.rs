//! Small validated names used in tenant manifests: slugs, DNS labels, hosts, colours, e-mail
//! addresses. Each parses while the YAML is read, so a bad value is reported at its own line and
//! column.

use std::fmt;
use std::str::FromStr;

use crate::codes::string_serde;

/// Why a name was refused; the message is written for the tenant administrator.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(String);

macro_rules! name_type {
    ($(#[$doc:meta])* $ty:ident, $what:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(Box<str>);

        impl $ty {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $ty {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                let check: fn(&str) -> Result<(), String> = $check;
                check(s).map_err(NameError)?;
                Ok(Self(s.into()))
            }
        }

        impl std::borrow::Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), &*self.0)
            }
        }

        string_serde!($ty, $what);
    };
}

fn check_label(s: &str, max: usize, what: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > max {
        return Err(format!("{what} `{s}` must be 1 to {max} characters long"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "{what} `{s}` may only contain lowercase letters a-z, digits and dashes (no diacritics: write `thanhhoa`, not `thanhhóa`)"
        ));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(format!("{what} `{s}` must not start or end with a dash"));
    }
    Ok(())
}

name_type!(
    /// A tenant's slug: the directory name under `tenants/` and its identity in commands.
    Slug,
    "a slug like thanhhoa",
    |s| check_label(s, 40, "the slug")
);

name_type!(
    /// One DNS label, e.g. the `thanhhoa` of `dichvucong.thanhhoa.gov.vn`.
    DnsLabel,
    "a domain name label like thanhhoa",
    |s| check_label(s, 63, "the domain name")
);

name_type!(
    /// A key naming something within a tenant (a division, a case), e.g. `tu-phap`.
    Key,
    "a key like tu-phap",
    |s| check_label(s, 64, "the key")
);

name_type!(
    /// A full host name, e.g. `dvc.thanhhoa.gov.vn`, lowercase, without port.
    HostName,
    "a host name like dvc.thanhhoa.gov.vn",
    |s| {
        if s.len() > 253 || !s.contains('.') && s != "localhost" {
            return Err(format!("`{s}` is not a host name like dvc.thanhhoa.gov.vn"));
        }
        s.split('.').try_for_each(|label| check_label(label, 63, "each part of a host name"))
    }
);

name_type!(
    /// A colour as `#rrggbb`.
    Color,
    "a colour like #b71c1c",
    |s| {
        let hex = s.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(())
        } else {
            Err(format!("the colour `{s}` must be written #rrggbb, like #b71c1c"))
        }
    }
);

name_type!(
    /// An e-mail address (shape only: something@domain.tld).
    Email,
    "an e-mail address",
    |s| {
        let ok = s.len() <= 254
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !local.contains(char::is_whitespace)
                    && domain.contains('.')
                    && domain.split('.').all(|l| !l.is_empty())
                    && !domain.contains(char::is_whitespace)
            });
        if ok { Ok(()) } else { Err(format!("`{s}` is not an e-mail address")) }
    }
);

name_type!(
    /// A phone number as people write it: digits with optional spaces, dots, dashes, a leading +.
    Phone,
    "a phone number",
    |s| {
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let allowed = s
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
        if allowed && (3..=15).contains(&digits) {
            Ok(())
        } else {
            Err(format!("`{s}` is not a phone number (digits, spaces, dots and dashes; a leading + for international numbers)"))
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_refuse_diacritics_and_capitals() {
        assert!("thanhhoa".parse::<DnsLabel>().is_ok());
        assert!("ho-chi-minh".parse::<DnsLabel>().is_ok());
        let err = "thanhhóa".parse::<DnsLabel>().unwrap_err();
        assert!(err.to_string().contains("no diacritics"), "{err}");
        assert!("ThanhHoa".parse::<DnsLabel>().is_err());
        assert!("-x".parse::<DnsLabel>().is_err());
        assert!("".parse::<DnsLabel>().is_err());
    }

    #[test]
    fn hosts_colours_emails_phones() {
        assert!("dvc.thanhhoa.gov.vn".parse::<HostName>().is_ok());
        assert!("dvc..gov.vn".parse::<HostName>().is_err());
        assert!("DVC.gov.vn".parse::<HostName>().is_err());
        assert!("#b71C1c".parse::<Color>().is_ok());
        assert!("b71c1c".parse::<Color>().is_err());
        assert!("vpub@thanhhoa.gov.vn".parse::<Email>().is_ok());
        assert!("vpub@thanhhoa".parse::<Email>().is_err());
        assert!("0237 3852 379".parse::<Phone>().is_ok());
        assert!("+84 237 3852379".parse::<Phone>().is_ok());
        assert!("call us".parse::<Phone>().is_err());
    }
}
