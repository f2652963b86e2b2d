//! A tenant manifest (`tenants/<slug>/tenant.yaml`), read by
//! `motcua_core::tenant::parse_manifest`.
//!
//! Beyond not panicking: every diagnostic points inside the text, and a manifest that is
//! accepted keeps the promises the rest of the platform relies on without checking again: its
//! working calendar builds, it has a one-stop desk, its hosts are host names.
#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::tenant::{DomainSuffix, HostName, parse_manifest};
use motcua_fuzz::check_diagnostics;

const FILE: &str = "tenant.yaml";

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(source) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    match parse_manifest(FILE, source, None) {
        Ok(manifest) => {
            WorkingCalendar::new(&manifest.calendar)
                .expect("an accepted manifest's calendar must build");
            assert!(
                manifest.default_desk().one_stop,
                "an accepted manifest must have a one-stop desk"
            );
            let _ = manifest.entity();
            let hosts = manifest.domains.hosts(&DomainSuffix::production());
            assert!(!hosts.is_empty(), "an accepted manifest must have a host");
            for binding in hosts {
                assert!(
                    binding.host.parse::<HostName>().is_ok(),
                    "an accepted manifest derives the host `{}`, which is not a host name",
                    binding.host
                );
            }
        }
        Err(diagnostics) => check_diagnostics(FILE, source, &diagnostics),
    }
    Corpus::Keep
});
