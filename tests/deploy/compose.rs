//! `deploy/compose.yaml` and the nginx configuration in front of its nodes.

use std::collections::BTreeMap;

use motcua::cli::Command;
use serde_json::Value;

use crate::files;

/// A service of the compose file running the platform's image.
#[derive(Debug)]
pub(crate) struct MotcuaService {
    pub(crate) name: String,
    pub(crate) command: Command,
    pub(crate) config: motcua::config::Config,
    pub(crate) spec: Value,
}

fn services() -> BTreeMap<String, Value> {
    let compose = files::one_yaml("compose.yaml");
    compose["services"]
        .as_object()
        .expect("compose.yaml: services")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The services running the platform's image, their commands parsed by the binary and their
/// environment (over the image's) loaded by the server.
pub(crate) fn motcua_services() -> Vec<MotcuaService> {
    let image_env = crate::image::runtime().env;
    services()
        .into_iter()
        .filter(|(_, s)| s["image"].as_str().is_some_and(crate::is_motcua))
        .map(|(name, spec)| {
            let what = format!("compose.yaml {name}");
            let args: Vec<String> = files::list_at(&spec, "/command")
                .iter()
                .map(files::env_value)
                .collect();
            let command = crate::assert_command(&what, &args);
            let mut env = image_env.clone();
            for (k, v) in spec["environment"]
                .as_object()
                .unwrap_or_else(|| panic!("{what}: environment as a mapping"))
            {
                env.push((k.clone(), files::interpolate(&files::env_value(v))));
            }
            let config = files::load_config(&what, &env);
            MotcuaService {
                name,
                command,
                config,
                spec,
            }
        })
        .collect()
}

/// The nodes: the services that serve.
pub(crate) fn nodes() -> Vec<MotcuaService> {
    motcua_services()
        .into_iter()
        .filter(|s| matches!(s.command, Command::Serve { .. }))
        .collect()
}

/// The URLs of the nodes' healthchecks.
pub(crate) fn node_healthchecks() -> Vec<(String, String)> {
    nodes()
        .iter()
        .map(|n| {
            let test: Vec<String> = files::list_at(&n.spec, "/healthcheck/test")
                .iter()
                .map(files::env_value)
                .collect();
            assert_eq!(test.first().map(String::as_str), Some("CMD"), "{}", n.name);
            let url = test
                .iter()
                .find(|a| a.starts_with("http://"))
                .unwrap_or_else(|| panic!("{}: the healthcheck asks a URL", n.name))
                .clone();
            (n.name.clone(), url)
        })
        .collect()
}

fn condition<'a>(spec: &'a Value, on: &str) -> &'a str {
    spec.pointer(&format!("/depends_on/{on}/condition"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

#[test]
fn images_are_pinned_and_services_checked() {
    for (name, spec) in services() {
        let image = files::str_at(&spec, "/image", &name);
        crate::assert_pinned(&format!("compose.yaml {name}"), image);
        if crate::is_motcua(image) {
            // Built from this repository, never pulled.
            assert_eq!(spec["build"]["context"], "..", "compose.yaml {name}");
            assert_eq!(spec["build"]["dockerfile"], "deploy/Dockerfile");
            assert!(files::path("Dockerfile").is_file());
        }
        if !crate::is_motcua(image) && name != "nginx" {
            assert!(
                spec.get("healthcheck").is_some(),
                "compose.yaml {name}: a healthcheck, which its dependants wait for"
            );
        }
    }
}

#[test]
fn the_migration_runs_once_before_the_tenants_and_the_nodes() {
    let services = motcua_services();
    let by = |pred: &dyn Fn(&Command) -> bool| -> Vec<&MotcuaService> {
        services.iter().filter(|s| pred(&s.command)).collect()
    };
    let migrate = by(&|c| matches!(c, Command::Migrate));
    assert_eq!(migrate.len(), 1, "one migration service");
    let migrate = migrate[0];
    assert_eq!(migrate.spec["restart"], "no", "the migration is one-shot");
    assert_eq!(condition(&migrate.spec, "postgres"), "service_healthy");
    let tenants = by(&|c| matches!(c, Command::Tenant(_)));
    assert_eq!(tenants.len(), 1, "one service applies the tenants");
    let tenants = tenants[0];
    crate::assert_applies_every_tenant(
        "compose.yaml tenants",
        &tenants.command,
        &crate::image::runtime().tenants_dir,
    );
    assert_eq!(
        condition(&tenants.spec, &migrate.name),
        "service_completed_successfully"
    );
    let nodes = nodes();
    assert!(nodes.len() >= 2, "two nodes or more");
    for n in &nodes {
        assert_eq!(
            condition(&n.spec, &tenants.name),
            "service_completed_successfully",
            "{} starts after the migration and the tenants",
            n.name
        );
    }
}

#[test]
fn the_nodes_share_what_several_nodes_must_share() {
    let nodes = nodes();
    let port = nodes[0].config.http.bind.port();
    for n in &nodes {
        let c = &n.config;
        assert_eq!(c.http.bind.port(), port, "{}: one port", n.name);
        assert!(c.cache.redis_url.is_some(), "{}: sessions in Redis", n.name);
        assert!(
            c.http.trust_forwarded_for,
            "{}: behind nginx, clients are told by X-Forwarded-For",
            n.name
        );
        assert_eq!(n.spec["read_only"], true, "{}: read-only root", n.name);
        for (_, url) in node_healthchecks() {
            assert_eq!(
                files::split_url(&url).1,
                port,
                "{}: healthcheck port",
                n.name
            );
        }
        // Local attachments only on one directory every node mounts (a named volume).
        let dir = match c.attachments.backend(&c.data_dir()).expect("attachments") {
            motcua_store::blobs::BlobBackend::Local(dir) => dir,
            motcua_store::blobs::BlobBackend::S3(_) => continue,
        };
        let shared = files::list_at(&n.spec, "/volumes").iter().any(|v| {
            let v = v.as_str().unwrap_or_default();
            let (volume, target) = v.split_once(':').unwrap_or_default();
            dir.starts_with(target) && !volume.starts_with('.') && !volume.starts_with('/')
        });
        assert!(
            shared,
            "{}: attachments in {} must be on a volume every node shares",
            n.name,
            dir.display()
        );
    }
}

/// nginx's upstream servers and the directives of the whole file.
fn nginx() -> (Vec<String>, Vec<Vec<String>>) {
    let directives = files::nginx_directives();
    let mut upstream = Vec::new();
    let mut inside = false;
    for d in &directives {
        match d.first().map(String::as_str) {
            Some("upstream") => inside = true,
            Some("}") => inside = false,
            Some("server") if inside => upstream.push(d[1].clone()),
            _ => {}
        }
    }
    (upstream, directives)
}

fn has(directives: &[Vec<String>], words: &[&str]) -> bool {
    directives.iter().any(|d| d == words)
}

#[test]
fn nginx_sends_to_every_node_on_its_port() {
    let (upstream, directives) = nginx();
    let mut expected: Vec<String> = nodes()
        .iter()
        .map(|n| format!("{}:{}", n.name, n.config.http.bind.port()))
        .collect();
    let mut upstream = upstream;
    upstream.sort();
    expected.sort();
    assert_eq!(
        upstream, expected,
        "the upstream servers are the compose nodes"
    );
    assert!(has(&directives, &["proxy_pass", "http://motcua"]));
    let compose = services();
    let nginx = &compose["nginx"];
    let mounts = files::list_at(nginx, "/volumes");
    assert!(
        mounts
            .iter()
            .any(|m| m == "./nginx/motcua.conf:/etc/nginx/conf.d/default.conf:ro"),
        "{mounts:?}"
    );
    for n in nodes() {
        assert_eq!(condition(nginx, &n.name), "service_healthy");
    }
}

#[test]
fn nginx_passes_what_the_platform_reads_and_nothing_a_client_could_forge() {
    let (_, d) = nginx();
    // The tenant comes from the host, the client's address from the first X-Forwarded-For entry.
    assert!(has(&d, &["proxy_set_header", "Host", "$host"]));
    assert!(has(
        &d,
        &["proxy_set_header", "X-Forwarded-For", "$remote_addr"]
    ));
    assert!(
        !d.iter()
            .flatten()
            .any(|w| w == "$proxy_add_x_forwarded_for"),
        "appending keeps the client's own first entry, which the platform would trust"
    );
    assert!(
        !d.iter().flatten().any(|w| w == "non_idempotent"),
        "a POST is never retried on another node"
    );
    assert!(d.iter().any(|x| x[0] == "proxy_next_upstream"));
    let size = d
        .iter()
        .find(|x| x[0] == "client_max_body_size")
        .expect("client_max_body_size");
    assert_eq!(
        files::nginx_size(&size[1]),
        motcua_web::MAX_REQUEST_BYTES,
        "the largest request the platform accepts"
    );
    // TLS ends here; plain http only redirects.
    assert!(has(&d, &["listen", "443", "ssl"]));
    assert!(has(&d, &["return", "308", "https://$host$request_uri"]));
    assert!(d.iter().any(|x| x[0] == "ssl_certificate"));
}

/// The paths nginx refuses (`location = <path> { deny all; }`).
pub(crate) fn nginx_denied() -> Vec<String> {
    let (_, d) = nginx();
    d.windows(2)
        .filter(|w| w[0].len() == 3 && w[0][0] == "location" && w[0][1] == "=")
        .filter(|w| w[1] == ["deny", "all"])
        .map(|w| w[0][2].clone())
        .collect()
}

#[test]
fn nginx_keeps_metrics_inside() {
    assert!(nginx_denied().contains(&"/metrics".to_owned()));
}

#[test]
fn nginx_answers_every_tenant_host_and_no_other() {
    let (_, d) = nginx();
    let names: Vec<&Vec<String>> = d
        .iter()
        .filter(|x| x[0] == "server_name" && x[1] != "_")
        .collect();
    assert_eq!(names.len(), 1, "one server for the tenants");
    let pattern = names[0][1]
        .strip_prefix('~')
        .expect("a regular expression (nginx allows * only at either end)");
    let re = regex::Regex::new(pattern).expect("the server_name expression");
    for host in crate::tenant_hosts() {
        assert!(re.is_match(&host), "nginx does not answer {host}");
    }
    for other in [
        "gov.vn",
        "dichvucong.gov.vn",
        "dichvucong.thanhhoa.gov.vn.example.com",
        "www.thanhhoa.gov.vn",
        "dichvucong.a.b.gov.vn",
    ] {
        assert!(!re.is_match(other), "nginx answers {other}");
    }
}
