//! What the fuzz targets share: the demo tenants and procedures they run against (embedded, so
//! that a reproducer needs nothing but its input) and the properties every diagnostic keeps.

use std::sync::LazyLock;

use motcua_core::diagnostic::Diagnostics;
use motcua_core::tenant::{TenantManifest, parse_manifest};
use motcua_workflow::procedure::{Procedure, load};

/// A demo tenant: its directory name, its manifest, and its procedure files.
struct Demo {
    slug: &'static str,
    manifest: &'static str,
    procedures: &'static [(&'static str, &'static str)],
}

macro_rules! demo {
    ($slug:literal, [$($procedure:literal),* $(,)?]) => {
        Demo {
            slug: $slug,
            manifest: include_str!(concat!("../../tenants/", $slug, "/tenant.yaml")),
            procedures: &[$((
                $procedure,
                include_str!(concat!("../../tenants/", $slug, "/procedures/", $procedure, ".yaml")),
            )),*],
        }
    };
}

/// The demo tenants, in a fixed order: the form target's first byte picks a procedure by its
/// index in this order.
const DEMOS: &[Demo] = &[
    demo!(
        "hochiminhcity",
        [
            "cap-giay-phep-xay-dung-nha-o-rieng-le",
            "chung-thuc-ban-sao-tu-ban-chinh",
            "dang-ky-khai-sinh",
        ]
    ),
    demo!(
        "thanhhoa",
        [
            "cap-phieu-ly-lich-tu-phap",
            "dang-ky-cap-giay-chung-nhan-lan-dau",
            "dang-ky-thanh-lap-ho-kinh-doanh",
        ]
    ),
    demo!(
        "botuphap",
        [
            "cap-chung-chi-hanh-nghe-luat-su",
            "cap-giay-phep-thanh-lap-trung-tam-trong-tai",
            "dang-ky-bien-phap-bao-dam-bang-dong-san",
        ]
    ),
];

/// The demo tenants' manifests, parsed.
pub static TENANTS: LazyLock<Vec<TenantManifest>> = LazyLock::new(|| {
    DEMOS
        .iter()
        .map(|d| {
            parse_manifest("tenant.yaml", d.manifest, Some(d.slug))
                .unwrap_or_else(|e| panic!("the demo tenant {} does not load:\n{e}", d.slug))
        })
        .collect()
});

/// Every demo procedure, loaded with its tenant, named `<slug>/<file>`.
pub static PROCEDURES: LazyLock<Vec<(String, Procedure)>> = LazyLock::new(|| {
    DEMOS
        .iter()
        .zip(TENANTS.iter())
        .flat_map(|(d, tenant)| {
            d.procedures.iter().map(move |(name, source)| {
                let procedure = load(name, source, tenant).unwrap_or_else(|e| {
                    panic!("the demo procedure {}/{name} does not load:\n{e}", d.slug)
                });
                (format!("{}/{name}", d.slug), procedure)
            })
        })
        .collect()
});

/// The tenant a procedure file is most likely written for: the first whose divisions it names
/// (so that the demo procedures get past the cross-checks), the first tenant otherwise.
pub fn tenant_for(source: &str) -> &'static TenantManifest {
    TENANTS
        .iter()
        .find(|t| {
            t.divisions
                .iter()
                .any(|d| source.contains(&format!("division: {}", d.key.as_str())))
        })
        .unwrap_or(&TENANTS[0])
}

/// Checks what every diagnostic of `source` (read as `file`) must be: never an empty list, each
/// naming `file`, with a message, at a line and column inside the text (line 0: the whole file).
pub fn check_diagnostics(file: &str, source: &str, diagnostics: &Diagnostics) {
    assert!(!diagnostics.0.is_empty(), "an error without any diagnostic");
    let lines = lines(source);
    for d in diagnostics.iter() {
        assert_eq!(d.file, file, "a diagnostic names another file: {d}");
        assert!(
            !d.message.trim().is_empty(),
            "a diagnostic without a message: {d:?}"
        );
        if d.line == 0 {
            continue;
        }
        let line = usize::try_from(d.line).unwrap_or(usize::MAX);
        assert!(
            line <= lines.len(),
            "line {} is past the end of a text of {} lines: {d}",
            d.line,
            lines.len()
        );
        let width = lines.get(line - 1).map_or(0, |l| l.chars().count());
        assert!(
            d.column <= width as u64 + 1,
            "column {} is past the end of line {} ({width} characters): {d}",
            d.column,
            d.line
        );
    }
}

/// The lines of a YAML text: YAML breaks lines at `\r\n`, `\r` and `\n`; a text ending with a
/// line break has an empty last line (where the end of the text is).
fn lines(source: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
    }
    lines.push(rest);
    lines
}
