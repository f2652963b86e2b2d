//! Plugin steps end to end: a dossier reaches an auto step, the worker runs the tenant's
//! published plugin under its grants, the dossier moves on with the plugin's output, and the run
//! is recorded in the history so that a replay reproduces it exactly.

use motcua_core::dossier::Channel;
use motcua_store::dossiers;
use motcua_tests::{Backend, TestApp, backend_tests, citizen};
use motcua_web::handling::{self, Submission};
use motcua_web::host::Site;
use motcua_web::plugins;
use motcua_workflow::engine::{Actor, Command, DossierState, Inputs};
use serde_json::json;

fn site(app: &TestApp, host: &str) -> Site {
    app.state.sites.resolve(host).expect("the tenant").into()
}

fn state(d: &dossiers::Dossier) -> DossierState {
    serde_json::from_value(d.state.clone()).unwrap()
}

async fn a_fee_plugin_moves_the_dossier_and_replays_exactly(backend: Backend) {
    let app = TestApp::new(backend).await;
    let site = site(&app, "dichvucong.hochiminhcity.localhost");
    let live = site
        .tenant
        .procedure("2.000815")
        .expect("chứng thực")
        .clone();
    let received = handling::submit(
        &app.state,
        &site,
        Submission {
            live,
            case: "ban-sao-giay".into(),
            applicant: citizen("Phạm Quốc Bảo"),
            form: json!({
                "nguoi_yeu_cau_ho_ten": "Phạm Quốc Bảo",
                "nguoi_yeu_cau_so_dinh_danh": "079088012345",
                "dien_thoai": "0909 888 777",
                "nguon_goc_giay_to": "viet_nam",
                "hinh_thuc": "ban_giay",
                "giay_to": [
                    { "ten_giay_to": "Bằng tốt nghiệp", "co_quan_cap": "Trường Đại học Bách khoa", "so_trang": 3, "so_ban": 1 },
                    { "ten_giay_to": "Giấy khai sinh", "co_quan_cap": "UBND phường Bến Nghé", "so_trang": 1, "so_ban": 2 }
                ]
            }),
            channel: Channel::Desk,
            idempotency_key: None,
            first_move: None,
        },
    )
    .await
    .expect("received");
    let code = received.dossier().code;
    let desk = Actor::official("thao", &[("receiver", "trung-tam-phvhcc-phuong-sai-gon")]);
    let d = handling::act(
        &app.state,
        &site,
        &code,
        &Command::Act {
            step: "tiep-nhan".into(),
            action: "chuyen".into(),
            inputs: Inputs::default(),
        },
        &desk,
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("passed on");
    assert!(
        state(&d).token_at("tinh-phi").is_some(),
        "waits for the plugin"
    );

    // One pass of the worker runs the plugin and moves the dossier.
    assert_eq!(plugins::run_pending(&app.state).await.unwrap(), 1);
    let d = dossiers::find(&app.state.store, site.tenant.id, &code)
        .await
        .unwrap()
        .unwrap();
    let s = state(&d);
    assert!(s.token_at("doi-chieu").is_some(), "{:?}", s.tokens);
    // 3 pages, 1 copy: 2,000 + 2,000 + 1,000; 1 page, 2 copies: 2 × 2,000.
    assert_eq!(
        s.plugins["tinh_phi"]["amount"], 9_000,
        "{}",
        s.plugins["tinh_phi"]
    );
    // Nothing is left to run.
    assert_eq!(plugins::run_pending(&app.state).await.unwrap(), 0);

    // The run is in the history, with its input, fuel and time.
    let history = dossiers::history(&app.state.store, site.tenant.id, &d)
        .await
        .unwrap();
    let run = history
        .iter()
        .find(|e| e.kind == plugins::RUN_EVENT)
        .expect("the run is recorded");
    let run: serde_json::Value = serde_json::from_str(&run.payload).unwrap();
    assert_eq!(run["plugin"], "fee-calculator@1.0.0");
    assert_eq!(run["input"]["context"]["form"]["giay_to"][0]["so_trang"], 3);
    assert!(run["run"]["fuel_used"].as_u64().unwrap() > 0);
    assert!(run["run"]["duration_us"].as_u64().is_some());
    assert!(motcua_store::history::verify(&code.to_string(), &history).is_ok());

    let (recorded, again) = plugins::replay(&app.state, &site, &code, "tinh-phi")
        .await
        .unwrap();
    assert_eq!(recorded.result, again.result);
    assert_eq!(recorded.fuel_used, again.fuel_used);
}

async fn a_failing_plugin_routes_to_manual_handling(backend: Backend) {
    // The permit tenant installs fee-calculator but has no fee table: the plugin reports a
    // business error and the workflow's `on_error` takes the dossier back to the desk.
    let app = TestApp::serving(
        backend,
        std::sync::Arc::new(motcua_store::cache::MemoryCache::default()),
        motcua_web::WebConfig::default(),
        vec![motcua_tests::permit_tenant(None)],
    )
    .await;
    let site = site(&app, "dichvucong.thunghiem.localhost");
    let live = site.tenant.procedure("1.009994").unwrap().clone();
    let received = handling::submit(
        &app.state,
        &site,
        Submission {
            live,
            case: "nha-o".into(),
            applicant: citizen("Đỗ Văn Hải"),
            form: json!({ "area": 120.0 }),
            channel: Channel::Online,
            idempotency_key: None,
            first_move: None,
        },
    )
    .await
    .unwrap();
    let code = received.dossier().code;
    let desk = Actor::official("lan", &[("receiver", "mot-cua")]);
    handling::act(
        &app.state,
        &site,
        &code,
        &Command::Act {
            step: "tiep-nhan".into(),
            action: "chuyen".into(),
            inputs: Inputs::default(),
        },
        &desk,
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("passed on");
    assert_eq!(plugins::run_pending(&app.state).await.unwrap(), 1);
    let d = dossiers::find(&app.state.store, site.tenant.id, &code)
        .await
        .unwrap()
        .unwrap();
    assert!(
        state(&d).token_at("tiep-nhan").is_some(),
        "back at the desk"
    );
    let history = dossiers::history(&app.state.store, site.tenant.id, &d)
        .await
        .unwrap();
    let failed = history
        .iter()
        .find(|e| e.kind == "plugin_failed")
        .expect("the failure is in the history");
    assert!(
        failed.payload.contains("fee-calculator@1.0.0"),
        "{}",
        failed.payload
    );
}

backend_tests!(
    a_fee_plugin_moves_the_dossier_and_replays_exactly,
    a_failing_plugin_routes_to_manual_handling,
);
