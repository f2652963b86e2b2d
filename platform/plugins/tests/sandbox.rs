//! The plugin host against the example plugins: good ones compute, hostile ones are each
//! stopped with their own error, and nothing leaks between calls.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use motcua_core::lang::Lang;
use motcua_core::plugin::{Capability, PluginInstall};
use motcua_plugin_examples::Example;
use motcua_plugins::{
    Context, Host, HostConfig, Input, Limits, Loaded, PluginError, Run, manifest,
};
use serde_json::{Value, json};

fn host() -> Host {
    Host::shared().expect("the plugin host starts")
}

fn load_with(host: &Host, example: Example, manifest_text: &str) -> Result<Loaded, PluginError> {
    let m = manifest::parse(example.name, manifest_text, &Limits::CEILING)
        .unwrap_or_else(|d| panic!("{} manifest: {d}", example.name));
    host.load(m, example.wasm)
}

fn load(example: Example) -> Loaded {
    load_with(&host(), example, example.manifest)
        .unwrap_or_else(|e| panic!("{}: {e}", example.name))
}

fn install(pin: &str, grants: &[Capability]) -> PluginInstall {
    PluginInstall {
        pin: pin.to_owned(),
        grants: grants.to_vec(),
        http_allow: vec![],
    }
}

fn input(tenant: &str, form: Value, config: Value) -> Input {
    Input {
        context: Context {
            tenant: tenant.to_owned(),
            procedure: "2.000815".to_owned(),
            procedure_version: 1,
            dossier: "000.00.06.H29-260213-0001".to_owned(),
            step: "tinh-phi".to_owned(),
            status: "accepted".to_owned(),
            case: "mac-dinh".to_owned(),
            applicant_kind: "citizen".to_owned(),
            form,
            config,
            plugins: json!({}),
        },
        dossier: json!({ "code": "000.00.06.H29-260213-0001" }),
        at: Utc.with_ymd_and_hms(2026, 2, 13, 8, 0, 0).unwrap(),
        seed: 7,
        replay: None,
    }
}

fn fee_tables() -> Arc<BTreeMap<String, Value>> {
    let mut tables = BTreeMap::new();
    for name in ["phi-chung-thuc-ban-sao", "phi-tham-dinh-cap-gcn-thanh-hoa"] {
        let path = format!(
            "{}/fee-calculator/tables/{name}.json",
            motcua_plugin_examples::EXAMPLES_DIR
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        tables.insert(name.to_owned(), serde_json::from_str(&text).unwrap());
    }
    Arc::new(tables)
}

fn copies_form() -> Value {
    json!({
        "giay_to": [
            { "ten_giay_to": "Sổ hộ khẩu", "co_quan_cap": "Công an quận 1", "so_trang": 12, "so_ban": 1 },
            { "ten_giay_to": "Bằng tốt nghiệp", "co_quan_cap": "Trường ĐH", "so_trang": 1, "so_ban": 3 }
        ]
    })
}

async fn fee(grants: &[Capability]) -> Run {
    let plugin = load(motcua_plugin_examples::FEE_CALCULATOR);
    host()
        .run(
            &plugin,
            &install("fee-calculator@1.0.0", grants),
            fee_tables(),
            &input(
                "hochiminhcity",
                copies_form(),
                json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" }),
            ),
        )
        .await
}

#[tokio::test]
async fn the_fee_calculator_applies_the_fee_table() {
    let run = fee(&[Capability::Log, Capability::Reference]).await;
    let outcome = run.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
    // 12 pages, 1 copy: 2 × 2,000 + 10 × 1,000 = 14,000; 1 page, 3 copies: 3 × 2,000 = 6,000.
    assert_eq!(outcome.transition, "ok");
    assert_eq!(outcome.data["amount"], 20_000, "{}", outcome.data);
    assert_eq!(outcome.data["currency"], "VND");
    assert!(
        run.fuel_used > 0 && run.fuel_used < 20_000_000,
        "{}",
        run.fuel_used
    );
    assert!(run.peak_memory > 0);
    assert_eq!(run.reference.len(), 1, "one lookup of the table");
    assert_eq!(run.plugin, "fee-calculator@1.0.0");
}

#[tokio::test]
async fn the_same_input_costs_the_same_fuel_every_time() {
    // A fresh store per call: nothing a call leaves behind changes the next one.
    let a = fee(&[Capability::Log, Capability::Reference]).await;
    let b = fee(&[Capability::Log, Capability::Reference]).await;
    assert_eq!(a.fuel_used, b.fuel_used);
    assert_eq!(a.result, b.result);
}

#[tokio::test]
async fn an_ungranted_capability_is_denied_when_called() {
    let run = fee(&[Capability::Log]).await;
    assert_eq!(
        run.result,
        Err(PluginError::Denied {
            capability: "reference".to_owned()
        })
    );
    let message = run
        .result
        .unwrap_err()
        .describe("fee-calculator@1.0.0", Lang::En);
    assert_eq!(
        message,
        "Plugin fee-calculator@1.0.0 called `reference`, which it is not granted."
    );
}

async fn hostile(example: Example, grants: &[Capability]) -> Run {
    let plugin = load(example);
    host()
        .run(
            &plugin,
            &install(&plugin.manifest.pin(), grants),
            Arc::default(),
            &input("thanhhoa", json!({}), json!({})),
        )
        .await
}

#[tokio::test]
async fn an_infinite_loop_runs_out_of_fuel() {
    let run = hostile(motcua_plugin_examples::HOSTILE_INFINITE_LOOP, &[]).await;
    assert!(
        matches!(run.result, Err(PluginError::BudgetExceeded { .. })),
        "{:?}",
        run.result
    );
}

#[tokio::test]
async fn an_infinite_loop_with_a_big_budget_times_out() {
    let example = motcua_plugin_examples::HOSTILE_INFINITE_LOOP;
    let text = format!(
        "{}\nlimits: {{ fuel: 2000000000, timeout_ms: 100 }}\n",
        example
            .manifest
            .lines()
            .take_while(|l| !l.starts_with("limits:"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let plugin = load_with(&host(), example, &text).unwrap();
    let run = host()
        .run(
            &plugin,
            &install(&plugin.manifest.pin(), &[]),
            Arc::default(),
            &input("thanhhoa", json!({}), json!({})),
        )
        .await;
    assert_eq!(run.result, Err(PluginError::TimedOut { timeout_ms: 100 }));
}

#[tokio::test]
async fn a_memory_bomb_hits_the_memory_limit() {
    let run = hostile(motcua_plugin_examples::HOSTILE_MEMORY_BOMB, &[]).await;
    assert!(
        matches!(run.result, Err(PluginError::MemoryLimit { .. })),
        "{:?}",
        run.result
    );
}

#[tokio::test]
async fn deep_recursion_overflows_the_stack() {
    let run = hostile(motcua_plugin_examples::HOSTILE_DEEP_RECURSION, &[]).await;
    assert_eq!(run.result, Err(PluginError::StackOverflow));
}

#[tokio::test]
async fn a_panic_is_reported_with_its_message() {
    let run = hostile(motcua_plugin_examples::HOSTILE_PANIC, &[]).await;
    assert_eq!(
        run.result,
        Err(PluginError::Panicked {
            message: "fee table is corrupt".to_owned()
        })
    );
    // The trapped instance is gone: the next call runs normally.
    assert!(
        fee(&[Capability::Log, Capability::Reference])
            .await
            .result
            .is_ok()
    );
}

#[tokio::test]
async fn an_oversized_output_is_refused() {
    let run = hostile(motcua_plugin_examples::HOSTILE_OVERSIZED_OUTPUT, &[]).await;
    assert!(
        matches!(run.result, Err(PluginError::OutputTooLarge { .. })),
        "{:?}",
        run.result
    );
}

#[tokio::test]
async fn reading_files_or_the_environment_is_denied() {
    let run = hostile(
        motcua_plugin_examples::HOSTILE_READ_FILE,
        &[Capability::Log],
    )
    .await;
    assert_eq!(
        run.result,
        Err(PluginError::Denied {
            capability: "files".to_owned()
        })
    );
    let run = hostile(motcua_plugin_examples::HOSTILE_READ_ENV, &[Capability::Log]).await;
    assert_eq!(
        run.result,
        Err(PluginError::Denied {
            capability: "environment".to_owned()
        })
    );
}

#[tokio::test]
async fn a_capability_its_manifest_does_not_ask_for_is_refused_at_load() {
    let example = motcua_plugin_examples::HOSTILE_UNGRANTED_CAPABILITY;
    let err = load_with(&host(), example, example.manifest).unwrap_err();
    assert!(
        err.to_string()
            .contains("imports `http` but its manifest does not ask for it"),
        "{err}"
    );
    // Asked for but not granted by the tenant: denied when called.
    let asking = example
        .manifest
        .replace("capabilities: [log]", "capabilities: [log, http]");
    let plugin = load_with(&host(), example, &asking).unwrap();
    let run = host()
        .run(
            &plugin,
            &install(&plugin.manifest.pin(), &[Capability::Log]),
            Arc::default(),
            &input("thanhhoa", json!({}), json!({})),
        )
        .await;
    assert_eq!(
        run.result,
        Err(PluginError::Denied {
            capability: "http".to_owned()
        })
    );
}

#[tokio::test]
async fn what_is_not_a_component_is_refused() {
    let example = motcua_plugin_examples::FEE_CALCULATOR;
    let m = manifest::parse("plugin.yaml", example.manifest, &Limits::CEILING).unwrap();
    let err = host().load(m.clone(), b"\0asm\x01\0\0\0").unwrap_err();
    assert!(
        err.to_string().contains("not a WebAssembly component"),
        "{err}"
    );
    let small = Host::new(HostConfig {
        max_component_bytes: 1024,
        ..HostConfig::default()
    })
    .unwrap();
    let err = small.load(m, example.wasm).unwrap_err();
    assert!(
        err.to_string().contains("above the platform's limit"),
        "{err}"
    );
}

#[tokio::test]
async fn an_outcome_outside_the_manifest_is_invalid() {
    let example = motcua_plugin_examples::FEE_CALCULATOR;
    let renamed = example
        .manifest
        .replace("outcomes: [ok]", "outcomes: [done]");
    let plugin = load_with(&host(), example, &renamed).unwrap();
    let run = host()
        .run(
            &plugin,
            &install(
                "fee-calculator@1.0.0",
                &[Capability::Log, Capability::Reference],
            ),
            fee_tables(),
            &input(
                "hochiminhcity",
                copies_form(),
                json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" }),
            ),
        )
        .await;
    assert!(
        matches!(&run.result, Err(PluginError::InvalidOutput { problem }) if problem.contains("`ok` is not one of its outcomes")),
        "{:?}",
        run.result
    );
}

// Two threads: on a single-threaded runtime the other call could only run when the loop yields at
// an epoch tick, and on a loaded machine the ticking thread itself may not get the CPU in time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tenant_cannot_starve_another() {
    let host = Host::new(HostConfig {
        per_tenant: 1,
        max_concurrent: 4,
        ..HostConfig::default()
    })
    .unwrap();
    let example = motcua_plugin_examples::HOSTILE_INFINITE_LOOP;
    let slow = example
        .manifest
        .lines()
        .take_while(|l| !l.starts_with("limits:"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\nlimits: { fuel: 2000000000, timeout_ms: 10000 }\n";
    let looping = Arc::new(load_with(&host, example, &slow).unwrap());
    let fee_plugin = load_with(
        &host,
        motcua_plugin_examples::FEE_CALCULATOR,
        motcua_plugin_examples::FEE_CALCULATOR.manifest,
    )
    .unwrap();
    let busy = {
        let (host, looping) = (host.clone(), Arc::clone(&looping));
        tokio::spawn(async move {
            host.run(
                &looping,
                &install(&looping.manifest.pin(), &[]),
                Arc::default(),
                &input("thanhhoa", json!({}), json!({})),
            )
            .await
        })
    };
    tokio::task::yield_now().await;
    // Another tenant's call completes while Thanh Hóa's loop still holds its only slot.
    let other = host
        .run(
            &fee_plugin,
            &install(
                "fee-calculator@1.0.0",
                &[Capability::Log, Capability::Reference],
            ),
            fee_tables(),
            &input(
                "hochiminhcity",
                copies_form(),
                json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" }),
            ),
        )
        .await;
    assert!(other.result.is_ok(), "{:?}", other.result);
    assert!(!busy.is_finished(), "the loop is still running");
    let stopped = busy.await.unwrap().result;
    assert!(
        matches!(
            stopped,
            Err(PluginError::TimedOut { .. } | PluginError::BudgetExceeded { .. })
        ),
        "{stopped:?}"
    );
}

#[tokio::test]
async fn a_configuration_outside_the_schema_is_refused_before_running() {
    let plugin = load(motcua_plugin_examples::FEE_CALCULATOR);
    let run = host()
        .run(
            &plugin,
            &install(
                "fee-calculator@1.0.0",
                &[Capability::Log, Capability::Reference],
            ),
            fee_tables(),
            &input("hochiminhcity", copies_form(), json!({ "rows": "giay_to" })),
        )
        .await;
    assert!(
        matches!(&run.result, Err(PluginError::Unusable { problem }) if problem.contains("configuration schema") && problem.contains("table")),
        "{:?}",
        run.result
    );
    assert_eq!(run.fuel_used, 0, "not run at all");
}

/// A reference service on loopback: `/doanh-nghiep/0101234567` is known, everything else 404.
async fn reference_service() -> (String, tokio::task::JoinHandle<()>) {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/doanh-nghiep/{id}",
        get(
            |axum::extract::Path(id): axum::extract::Path<String>| async move {
                if id == "0101234567" {
                    Ok(axum::Json(
                        json!({ "ma_so": id, "ten": "Công ty TNHH Ánh Dương" }),
                    ))
                } else {
                    Err(axum::http::StatusCode::NOT_FOUND)
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, server)
}

#[tokio::test]
async fn http_goes_only_to_allow_listed_hosts_and_replays_from_the_record() {
    let (addr, server) = reference_service().await;
    let plugin = load(motcua_plugin_examples::REFERENCE_LOOKUP);
    let mut grant = install(
        "reference-lookup@1.0.0",
        &[Capability::Log, Capability::Http],
    );
    grant.http_allow = vec![addr.clone()];
    let ask = |tax_code: &str| {
        input(
            "thanhhoa",
            json!({ "ma_so_thue": tax_code }),
            json!({ "url_template": format!("http://{addr}/doanh-nghiep/{{field}}"), "field": "ma_so_thue" }),
        )
    };
    let known = host()
        .run(&plugin, &grant, Arc::default(), &ask("0101234567"))
        .await;
    let outcome = known.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.transition, "found");
    assert!(
        outcome.data.to_string().contains("Ánh Dương"),
        "{}",
        outcome.data
    );
    assert_eq!(known.http.len(), 1);
    assert_eq!(known.http[0].status, Some(200));
    let unknown = host()
        .run(&plugin, &grant, Arc::default(), &ask("0109999999"))
        .await;
    assert_eq!(unknown.result.unwrap().transition, "not_found");

    // Not on the allow-list: the call never leaves the host.
    let mut elsewhere = grant.clone();
    elsewhere.http_allow = vec!["api.example.gov.vn".to_owned()];
    let refused = host()
        .run(&plugin, &elsewhere, Arc::default(), &ask("0101234567"))
        .await;
    assert!(
        matches!(&refused.result, Err(PluginError::Business { en, .. }) if en.contains("allow-list")),
        "{:?}",
        refused.result
    );

    // With the service gone, a replay answers from the record and agrees exactly.
    server.abort();
    let _ = server.await;
    let mut again = ask("0101234567");
    again.replay = Some(known.recorded());
    let replayed = host().run(&plugin, &grant, Arc::default(), &again).await;
    assert_eq!(replayed.result, known.result);
    assert_eq!(replayed.fuel_used, known.fuel_used);
}

#[tokio::test]
async fn the_harness_mocks_reference_data_and_http() {
    use motcua_plugins::testing::Harness;
    let fee = motcua_plugin_examples::FEE_CALCULATOR;
    let tables = fee_tables();
    let run = Harness::new(fee.wasm, fee.manifest)
        .unwrap()
        .grant(Capability::Reference)
        .reference(
            "phi-chung-thuc-ban-sao",
            tables["phi-chung-thuc-ban-sao"].clone(),
        )
        .form(copies_form())
        .config(json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" }))
        .run()
        .await;
    assert_eq!(run.result.unwrap().data["amount"], 20_000);

    let lookup = motcua_plugin_examples::REFERENCE_LOOKUP;
    let url = "http://dkkd.local/doanh-nghiep/0101234567";
    let harness = Harness::new(lookup.wasm, lookup.manifest)
        .unwrap()
        .http_answer("GET", url, 200, r#"{"ten":"Công ty TNHH Ánh Dương"}"#)
        .form(json!({ "ma_so_thue": "0101234567" }))
        .config(json!({ "url_template": "http://dkkd.local/doanh-nghiep/{field}", "field": "ma_so_thue" }));
    let run = harness.run().await;
    assert_eq!(
        run.result.as_ref().unwrap().transition,
        "found",
        "{:?}",
        run.result
    );
    // Anything not answered fails as an unreachable service would.
    let run = harness
        .context(|c| c.form = json!({ "ma_so_thue": "0109999999" }))
        .run()
        .await;
    assert!(
        matches!(run.result, Err(PluginError::Business { .. })),
        "{:?}",
        run.result
    );
}
