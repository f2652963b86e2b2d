//! The demo tenants as shipped: every procedure valid, every scenario passing, and the
//! procedures the platform promises to demonstrate present.

use std::path::Path;

use motcua_core::calendar::WorkingCalendar;
use motcua_core::lang::Lang;
use motcua_tests::{demo_bundles, repo_root};
use motcua_workflow::procedure::load;
use motcua_workflow::schema::StepKind;
use motcua_workflow::simulate::{self, Scenario};

#[test]
fn every_demo_scenario_passes() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for bundle in demo_bundles() {
        let slug = bundle.manifest.slug.to_string();
        let calendar = WorkingCalendar::new(&bundle.manifest.calendar).unwrap();
        let dir = repo_root().join("tenants").join(&slug).join("scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap();
            let procedure = bundle
                .procedures
                .iter()
                .find(|p| {
                    Path::new(&p.file.path)
                        .file_stem()
                        .is_some_and(|s| s == stem)
                })
                .unwrap_or_else(|| panic!("{slug}/scenarios/{name}: no procedure {stem}.yaml"));
            let procedure =
                load(&procedure.file.path, &procedure.file.text, &bundle.manifest).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let scenario: Scenario =
                motcua_core::diagnostic::parse_yaml(&name, &text).unwrap_or_else(|d| panic!("{d}"));
            for lang in [Lang::Vi, Lang::En] {
                let outcome = simulate::run(&procedure, &scenario, &calendar, lang);
                if !outcome.passed() {
                    failures.push(format!(
                        "{slug}/{name}:\n  {}\n{}",
                        outcome.failures.join("\n  "),
                        outcome.timeline
                    ));
                }
            }
            ran += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 12, "only {ran} scenarios");
}

/// The procedures the demo promises: six real ones covering the engine's features, each with at
/// least one scenario, across the demo tenants.
#[test]
fn the_promised_procedures_are_there() {
    let bundles = demo_bundles();
    let all: Vec<_> = bundles
        .iter()
        .flat_map(|b| b.procedures.iter().map(move |p| (b, p)))
        .map(|(b, p)| (b, load(&p.file.path, &p.file.text, &b.manifest).unwrap()))
        .collect();
    let find = |words: &str| {
        all.iter()
            .find(|(_, p)| p.file.info.name.vi.to_lowercase().contains(words))
            .unwrap_or_else(|| panic!("no demo procedure named like `{words}`"))
    };
    find("khai sinh");
    find("lý lịch tư pháp");
    find("hộ kinh doanh");
    let (_, permit) = find("giấy phép xây dựng");
    assert!(
        permit
            .definition
            .steps
            .iter()
            .any(|s| s.kind == StepKind::Parallel),
        "the construction permit consults in parallel"
    );
    let (_, land) = find("quyền sử dụng đất");
    let divisions: std::collections::BTreeSet<_> = land
        .definition
        .steps
        .iter()
        .filter_map(|s| s.division.clone())
        .collect();
    assert!(
        divisions.len() >= 3,
        "the land certificate goes through several divisions: {divisions:?}"
    );
    assert!(
        all.iter().any(|(_, p)| p.definition.steps.iter().any(|s| s
            .plugin
            .as_ref()
            .is_some_and(|pl| pl.id == "fee-calculator"))),
        "one procedure computes its fee with a plugin"
    );
    for (b, p) in &all {
        let dir = repo_root()
            .join("tenants")
            .join(b.manifest.slug.as_str())
            .join("scenarios");
        let file = b
            .procedures
            .iter()
            .find(|s| s.info.code == p.file.info.code)
            .unwrap();
        let stem = Path::new(&file.file.path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let has = std::fs::read_dir(&dir).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{stem}."))
        });
        assert!(has, "{}/{}: no scenario", b.manifest.slug, file.file.path);
    }
}
