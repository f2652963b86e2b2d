//! Applying tenant directories: plans, idempotence, changes, export, host clashes.

use motcua_core::tenant::{Template, TenantBundle};
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

const LLTP_03: &str = "templates/to-khai-ly-lich-tu-phap-mau-03.pdf";
const LLTP_04: &str = "templates/to-khai-ly-lich-tu-phap-mau-04.pdf";
const LAND: &str = "templates/don-dang-ky-dat-dai-mau-04-dk.pdf";

/// `bundle`'s files rebuilt, with the template forms given.
fn with_templates(
    bundle: &TenantBundle,
    procedures: Vec<motcua_core::tenant::SourceFile>,
    templates: Vec<Template>,
) -> Result<TenantBundle, motcua_core::diagnostic::Diagnostics> {
    TenantBundle::from_files(
        None,
        bundle.manifest_file.text.clone(),
        procedures,
        bundle.logo.as_ref().map(|l| l.bytes.clone()),
    )?
    .with_templates(templates)
}

async fn template_forms_are_stored_replaced_removed_and_exported(backend: Backend) {
    let db = TestDb::new(backend).await;
    let bundle = demo_bundle("thanhhoa");
    let templates = bundle.templates.clone().expect("read from the directory");
    let paths: Vec<&str> = templates.iter().map(|t| t.file.path()).collect();
    assert_eq!(paths, [LAND, LLTP_03, LLTP_04], "each file once, sorted");

    let plan = tenants::apply(&db.store, &bundle).await.unwrap();
    for path in paths {
        assert!(
            plan.changes.contains(&Change::SetTemplate(path.into())),
            "{plan}"
        );
    }
    let id = tenants::load(&db.store, "thanhhoa")
        .await
        .unwrap()
        .unwrap()
        .id;
    let stored = tenants::template(&db.store, id, LLTP_03)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.media_type, "application/pdf");
    assert_eq!(
        Some(&stored.bytes),
        templates
            .iter()
            .find(|t| t.file.path() == LLTP_03)
            .map(|t| &t.bytes)
    );
    assert!(
        tenants::template(&db.store, id, "tenant.yaml")
            .await
            .unwrap()
            .is_none()
    );
    // A tenant loaded to serve leaves its templates alone when applied again.
    let serving = tenants::load(&db.store, "thanhhoa").await.unwrap().unwrap();
    assert!(serving.bundle.templates.is_none());
    assert!(
        tenants::plan(&db.store, &serving.bundle)
            .await
            .unwrap()
            .is_empty()
    );

    // A changed file is one change.
    let procedures: Vec<_> = bundle.procedures.iter().map(|p| p.file.clone()).collect();
    let mut changed = templates.clone();
    changed[1].bytes.extend_from_slice(b"\n% revised\n");
    let revised = with_templates(&bundle, procedures.clone(), changed.clone()).unwrap();
    let plan = tenants::apply(&db.store, &revised).await.unwrap();
    assert_eq!(plan.changes, vec![Change::SetTemplate(LLTP_03.into())]);
    let stored = tenants::template(&db.store, id, LLTP_03)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.bytes, changed[1].bytes);

    // Exported and read back, the files are the same.
    let out = tempfile::tempdir().unwrap();
    let exported = tenants::load_with_templates(&db.store, "thanhhoa")
        .await
        .unwrap()
        .unwrap();
    motcua::tenant_dir::write(&exported.bundle, &out.path().join("thanhhoa")).unwrap();
    let back = motcua::tenant_dir::read(&out.path().join("thanhhoa")).unwrap();
    assert_eq!(back.templates, revised.templates);

    // A file no procedure names any more is removed.
    let unnamed: Vec<_> = procedures
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.text = f
                .text
                .lines()
                .filter(|l| !l.contains("template_file: templates/to-khai-ly-lich-tu-phap"))
                .collect::<Vec<_>>()
                .join("\n");
            f
        })
        .collect();
    let fewer = with_templates(&bundle, unnamed, changed).unwrap();
    let plan = tenants::apply(&db.store, &fewer).await.unwrap();
    assert!(
        plan.changes
            .contains(&Change::RemoveTemplate(LLTP_03.into())),
        "{plan}"
    );
    assert!(
        plan.changes
            .contains(&Change::RemoveTemplate(LLTP_04.into())),
        "{plan}"
    );
    assert!(
        tenants::template(&db.store, id, LLTP_03)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tenants::template(&db.store, id, LAND)
            .await
            .unwrap()
            .is_some()
    );

    // A missing file is refused where it is named, before anything is stored.
    let err = with_templates(&bundle, procedures, Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("procedures/cap-phieu-ly-lich-tu-phap.yaml:48:26: error: the template form `templates/to-khai-ly-lich-tu-phap-mau-03.pdf` is missing"),
        "{err}"
    );
}

backend_tests!(
    template_forms_are_stored_replaced_removed_and_exported,
    applying_is_idempotent_and_shows_the_plan_first,
    changes_are_planned_precisely,
    a_division_dropped_from_the_manifest_is_kept_inactive,
    a_host_belongs_to_one_tenant,
    every_demo_tenant_applies,
);
