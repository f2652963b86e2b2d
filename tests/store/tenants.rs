//! Applying tenant directories: plans, idempotence, changes, export, host clashes.

use motcua_core::tenant::TenantBundle;
use motcua_store::StoreError;
use motcua_store::tenants::{self, Change};
use motcua_tests::{Backend, TestDb, backend_tests, demo_bundle, demo_bundles};

fn edited(bundle: &TenantBundle, from: &str, to: &str) -> TenantBundle {
    let text = bundle.manifest_file.text.replacen(from, to, 1);
    assert_ne!(
        text, bundle.manifest_file.text,
        "the edit `{from}` must apply"
    );
    let procedures = bundle.procedures.iter().map(|p| p.file.clone()).collect();
    TenantBundle::from_files(
        None,
        text,
        procedures,
        bundle.logo.as_ref().map(|l| l.bytes.clone()),
    )
    .expect("the edited manifest is valid")
}

async fn applying_is_idempotent_and_shows_the_plan_first(backend: Backend) {
    let db = TestDb::new(backend).await;
    let bundle = demo_bundle("thanhhoa");

    let plan = tenants::plan(&db.store, &bundle).await.unwrap();
    assert_eq!(plan.changes[0], Change::CreateTenant);
    let divisions = plan
        .changes
        .iter()
        .filter(|c| matches!(c, Change::AddDivision(_)))
        .count();
    assert_eq!(divisions, bundle.manifest.divisions.len());
    assert!(
        tenants::load_all(&db.store).await.unwrap().is_empty(),
        "planning changes nothing"
    );

    let applied = tenants::apply(&db.store, &bundle).await.unwrap();
    assert_eq!(applied, plan);
    let again = tenants::apply(&db.store, &bundle).await.unwrap();
    assert!(again.is_empty(), "second apply: {again}");
    assert_eq!(again.to_string(), "tenant thanhhoa: no changes");

    let stored = tenants::load(&db.store, "thanhhoa").await.unwrap().unwrap();
    assert_eq!(stored.bundle.manifest_file, bundle.manifest_file);
    assert_eq!(stored.bundle.procedures.len(), bundle.procedures.len());
    assert_eq!(stored.bundle.logo, bundle.logo);
}

async fn changes_are_planned_precisely(backend: Backend) {
    let db = TestDb::new(backend).await;
    let bundle = demo_bundle("thanhhoa");
    tenants::apply(&db.store, &bundle).await.unwrap();

    // Rename the tenant and drop a procedure: the manifest section and the withdrawal show.
    let mut changed = edited(&bundle, "short_name:", "# renamed\nshort_name:");
    let dropped = changed.procedures.pop().unwrap();
    let plan = tenants::apply(&db.store, &changed).await.unwrap();
    assert_eq!(
        plan.changes,
        vec![
            Change::UpdateManifest(vec!["comments or layout".into()]),
            Change::WithdrawProcedure(dropped.info.code.to_string()),
        ]
    );
    let stored = tenants::load(&db.store, "thanhhoa").await.unwrap().unwrap();
    assert_eq!(stored.bundle.procedures.len(), bundle.procedures.len() - 1);

    // Bringing it back reactivates it.
    let plan = tenants::apply(&db.store, &bundle).await.unwrap();
    assert!(
        plan.changes
            .contains(&Change::UpdateProcedure(dropped.info.code.to_string())),
        "{plan}"
    );

    // A new English name is a change of the `name` section.
    let en = bundle.manifest.name.en.clone().unwrap();
    let renamed = edited(&bundle, &en, "Thanh Hoa Province");
    let plan = tenants::plan(&db.store, &renamed).await.unwrap();
    assert_eq!(
        plan.changes,
        vec![Change::UpdateManifest(vec!["name".into()])]
    );
}

/// A small tenant of our own, with the divisions given.
fn small_tenant(divisions: &str) -> TenantBundle {
    let manifest = format!(
        "slug: thu-nghiem\nkind: province\nname: {{ vi: Tỉnh Thử Nghiệm, en: Test Province }}\n\
         short_name: {{ vi: Thử Nghiệm, en: Test }}\nentity_code: H99\n\
         domains: {{ name: thunghiem, english_name: testprovince }}\n\
         divisions:\n{divisions}\
         branding:\n  primary_color: \"#1b4f8a\"\n  accent_color: \"#8a4b00\"\n  contact:\n    \
         address: {{ vi: Số 1, en: No. 1 }}\n    phone: \"0200 000 000\"\n    email: vp@thunghiem.gov.vn\n"
    );
    TenantBundle::from_files(None, manifest, Vec::new(), None).expect("the small tenant is valid")
}

const DESK: &str =
    "  - { key: mot-cua, code: 000.00.01.H99, name: { vi: Một cửa }, one_stop: true }\n";
const JUSTICE: &str = "  - { key: tu-phap, code: 000.00.06.H99, name: { vi: Sở Tư pháp } }\n";

async fn a_division_dropped_from_the_manifest_is_kept_inactive(backend: Backend) {
    let db = TestDb::new(backend).await;
    tenants::apply(&db.store, &small_tenant(&format!("{DESK}{JUSTICE}")))
        .await
        .unwrap();
    let plan = tenants::apply(&db.store, &small_tenant(DESK))
        .await
        .unwrap();
    assert_eq!(
        plan.changes,
        vec![
            Change::UpdateManifest(vec!["divisions".into()]),
            Change::DeactivateDivision("tu-phap".into()),
        ]
    );
    let plan = tenants::apply(&db.store, &small_tenant(&format!("{DESK}{JUSTICE}")))
        .await
        .unwrap();
    assert!(
        plan.changes
            .contains(&Change::UpdateDivision("tu-phap".into())),
        "reactivated: {plan}"
    );
}

async fn a_host_belongs_to_one_tenant(backend: Backend) {
    let db = TestDb::new(backend).await;
    let thanhhoa = demo_bundle("thanhhoa");
    tenants::apply(&db.store, &thanhhoa).await.unwrap();
    let hcm = demo_bundle("hochiminhcity");
    let thief = edited(
        &hcm,
        "english_name: hochiminhcity",
        "english_name: thanhhoa",
    );
    let err = tenants::apply(&db.store, &thief).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(
        err.to_string()
            .contains("e-services.thanhhoa.gov.vn is already used by tenant thanhhoa"),
        "{err}"
    );
    assert!(
        tenants::load(&db.store, "hochiminhcity")
            .await
            .unwrap()
            .is_none(),
        "nothing was written"
    );
}

async fn every_demo_tenant_applies(backend: Backend) {
    let db = TestDb::new(backend).await;
    let bundles = demo_bundles();
    assert!(bundles.len() >= 3);
    for b in &bundles {
        assert!(
            b.manifest.divisions.len() >= 4,
            "{} needs at least four divisions",
            b.manifest.slug
        );
        assert!(
            b.procedures.len() >= 2,
            "{} needs at least two procedures",
            b.manifest.slug
        );
        tenants::apply(&db.store, b).await.unwrap();
    }
    assert_eq!(
        tenants::load_all(&db.store).await.unwrap().len(),
        bundles.len()
    );
}

backend_tests!(
    applying_is_idempotent_and_shows_the_plan_first,
    changes_are_planned_precisely,
    a_division_dropped_from_the_manifest_is_kept_inactive,
    a_host_belongs_to_one_tenant,
    every_demo_tenant_applies,
);
