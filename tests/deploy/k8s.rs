//! `deploy/k8s/`: the namespace, configuration, migration Job, Deployment, Service, Ingresses,
//! autoscaler and disruption budget, read as `kubectl apply -k` would take them.

use serde_json::Value;

use crate::files::{self, list_at, str_at};

/// The Secret's placeholders, applied by hand (never by `kubectl apply -k`, which would put them
/// over the real values).
const SECRET: &str = "secret.yaml";

/// Every resource of the kustomization, in its order, and the Secret.
pub(crate) fn resources() -> Vec<Value> {
    let kustomization = files::one_yaml("k8s/kustomization.yaml");
    let listed: Vec<String> = list_at(&kustomization, "/resources")
        .iter()
        .map(files::env_value)
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(files::path("k8s"))
        .expect("deploy/k8s")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml")
        .collect();
    on_disk.sort();
    let mut sorted = listed.clone();
    sorted.push(SECRET.to_owned());
    sorted.sort();
    assert_eq!(
        sorted, on_disk,
        "kustomization.yaml lists every manifest but the Secret's placeholders"
    );
    listed
        .iter()
        .map(String::as_str)
        .chain([SECRET])
        .flat_map(|f| files::yaml(&format!("k8s/{f}")))
        .collect()
}

/// The one resource of `kind` named `name`.
pub(crate) fn resource(all: &[Value], kind: &str, name: &str) -> Value {
    let found: Vec<&Value> = all
        .iter()
        .filter(|r| r["kind"] == kind && r["metadata"]["name"] == name)
        .collect();
    assert_eq!(found.len(), 1, "one {kind} {name}");
    found[0].clone()
}

fn of_kind<'a>(all: &'a [Value], kind: &str) -> Vec<&'a Value> {
    all.iter().filter(|r| r["kind"] == kind).collect()
}

/// The containers (init containers too) of a pod template.
fn containers(pod: &Value) -> Vec<&Value> {
    list_at(pod, "/spec/initContainers")
        .iter()
        .chain(list_at(pod, "/spec/containers"))
        .collect()
}

/// The environment a container gets from its ConfigMaps, Secrets and own `env`, over the
/// image's, as the server loads it.
fn container_config(all: &[Value], what: &str, c: &Value) -> motcua::config::Config {
    let mut env = crate::image::runtime().env;
    for from in list_at(c, "/envFrom") {
        let (kind, key, name) = match (from.get("configMapRef"), from.get("secretRef")) {
            (Some(r), _) => ("ConfigMap", "data", r["name"].as_str()),
            (_, Some(r)) => ("Secret", "stringData", r["name"].as_str()),
            _ => panic!("{what}: envFrom {from}"),
        };
        let source = resource(all, kind, name.expect("a name"));
        for (k, v) in source[key].as_object().expect("data") {
            env.push((k.clone(), files::env_value(v)));
        }
    }
    for e in list_at(c, "/env") {
        env.push((
            str_at(e, "/name", what).to_owned(),
            str_at(e, "/value", what).to_owned(),
        ));
    }
    files::load_config(what, &env)
}

/// The paths of the Deployment's probes: (kind, path), e.g. ("livenessProbe", "/healthz").
pub(crate) fn probes() -> Vec<(String, String)> {
    let all = resources();
    let deployment = resource(&all, "Deployment", "motcua");
    let pod = &deployment["spec"]["template"];
    let mut out = Vec::new();
    for c in containers(pod) {
        for kind in ["startupProbe", "livenessProbe", "readinessProbe"] {
            let path = str_at(c, &format!("/{kind}/httpGet/path"), kind);
            out.push((kind.to_owned(), path.to_owned()));
        }
    }
    out
}

/// The paths the internal Ingress refuses.
pub(crate) fn ingress_denied() -> Vec<String> {
    let all = resources();
    let internal = resource(&all, "Ingress", "motcua-internal");
    assert_eq!(
        internal["metadata"]["annotations"]["nginx.ingress.kubernetes.io/denylist-source-range"],
        "0.0.0.0/0,::/0"
    );
    list_at(&internal, "/spec/rules")
        .iter()
        .flat_map(|r| list_at(r, "/http/paths"))
        .map(|p| {
            assert_eq!(p["pathType"], "Exact");
            str_at(p, "/path", "path").to_owned()
        })
        .collect()
}

#[test]
fn pods_run_as_the_image_user_without_privileges_on_a_read_only_root() {
    let all = resources();
    let uid = crate::image::runtime().uid;
    let pods: Vec<(String, &Value)> = of_kind(&all, "Deployment")
        .into_iter()
        .chain(of_kind(&all, "Job"))
        .map(|r| (r["metadata"]["name"].to_string(), &r["spec"]["template"]))
        .collect();
    assert_eq!(pods.len(), 2);
    for (name, pod) in pods {
        let sc = &pod["spec"]["securityContext"];
        assert_eq!(sc["runAsNonRoot"], true, "{name}");
        assert_eq!(sc["runAsUser"], uid, "{name}: the image's user");
        assert_eq!(sc["seccompProfile"]["type"], "RuntimeDefault", "{name}");
        assert_eq!(pod["spec"]["automountServiceAccountToken"], false, "{name}");
        for c in containers(pod) {
            let what = format!("{name} {}", c["name"]);
            crate::assert_pinned(&what, str_at(c, "/image", &what));
            let sc = &c["securityContext"];
            assert_eq!(sc["runAsNonRoot"], true, "{what}");
            assert_eq!(sc["allowPrivilegeEscalation"], false, "{what}");
            assert_eq!(sc["readOnlyRootFilesystem"], true, "{what}");
            assert_eq!(
                sc["capabilities"]["drop"],
                serde_json::json!(["ALL"]),
                "{what}"
            );
            assert!(c["resources"]["requests"]["cpu"].is_string(), "{what}");
            assert!(c["resources"]["limits"]["memory"].is_string(), "{what}");
        }
    }
    let namespace = resource(&all, "Namespace", "motcua");
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
}

#[test]
fn the_job_migrates_then_applies_the_tenants() {
    let all = resources();
    let jobs = of_kind(&all, "Job");
    assert_eq!(jobs.len(), 1);
    let pod = &jobs[0]["spec"]["template"];
    assert_eq!(pod["spec"]["restartPolicy"], "Never");
    let args =
        |c: &Value| -> Vec<String> { list_at(c, "/args").iter().map(files::env_value).collect() };
    let init = list_at(pod, "/spec/initContainers");
    assert_eq!(init.len(), 1, "the migration first, as an init container");
    assert!(matches!(
        crate::assert_command("Job init container", &args(&init[0])),
        motcua::cli::Command::Migrate
    ));
    let main = list_at(pod, "/spec/containers");
    assert_eq!(main.len(), 1);
    let command = crate::assert_command("Job container", &args(&main[0]));
    crate::assert_applies_every_tenant("Job", &command, &crate::image::runtime().tenants_dir);
    for c in containers(pod) {
        let config = container_config(&all, "Job", c);
        assert!(config.database.url.is_some());
    }
}

#[test]
fn the_deployment_serves_on_the_configured_port_behind_its_service() {
    let all = resources();
    let deployment = resource(&all, "Deployment", "motcua");
    let pod = &deployment["spec"]["template"];
    let [c] = list_at(pod, "/spec/containers") else {
        panic!("one container");
    };
    let args: Vec<String> = list_at(c, "/args").iter().map(files::env_value).collect();
    assert!(matches!(
        crate::assert_command("Deployment", &args),
        motcua::cli::Command::Serve { .. }
    ));
    let config = container_config(&all, "Deployment", c);
    let port = config.http.bind.port();
    assert!(config.http.bind.ip().is_unspecified());
    assert!(
        config.cache.redis_url.is_some(),
        "sessions shared by the pods"
    );
    assert!(
        config.http.trust_forwarded_for,
        "behind the ingress controller"
    );
    assert!(
        matches!(
            config
                .attachments
                .backend(&config.data_dir())
                .expect("attachments"),
            motcua_store::blobs::BlobBackend::S3(_)
        ),
        "pods share one object store"
    );
    let [named] = list_at(c, "/ports") else {
        panic!("one port");
    };
    assert_eq!(
        named["containerPort"], port,
        "containerPort and MOTCUA__HTTP__BIND"
    );
    let port_name = str_at(named, "/name", "port");
    for kind in ["startupProbe", "livenessProbe", "readinessProbe"] {
        assert_eq!(c[kind]["httpGet"]["port"], port_name, "{kind}");
    }
    assert_eq!(
        pod["metadata"]["annotations"]["prometheus.io/port"],
        port.to_string()
    );
    // A request may take request_timeout_secs; the pod is given longer to finish it.
    let grace = pod["spec"]["terminationGracePeriodSeconds"]
        .as_u64()
        .expect("terminationGracePeriodSeconds");
    assert!(grace > config.http.request_timeout_secs + 5);

    let labels = &pod["metadata"]["labels"];
    let selects = |selector: &Value| {
        selector
            .as_object()
            .expect("a selector")
            .iter()
            .all(|(k, v)| &labels[k] == v)
    };
    assert!(selects(&deployment["spec"]["selector"]["matchLabels"]));
    let service = resource(&all, "Service", "motcua");
    assert!(
        selects(&service["spec"]["selector"]),
        "the Service selects the pods"
    );
    let [service_port] = list_at(&service, "/spec/ports") else {
        panic!("one Service port");
    };
    assert_eq!(service_port["targetPort"], port_name);
    let pdb = resource(&all, "PodDisruptionBudget", "motcua");
    assert!(selects(&pdb["spec"]["selector"]["matchLabels"]));
    let hpa = resource(&all, "HorizontalPodAutoscaler", "motcua");
    assert_eq!(hpa["spec"]["scaleTargetRef"]["kind"], "Deployment");
    assert_eq!(hpa["spec"]["scaleTargetRef"]["name"], "motcua");
    assert!(hpa["spec"]["minReplicas"].as_u64() >= Some(2));
    assert!(pdb["spec"]["minAvailable"].as_u64() < hpa["spec"]["minReplicas"].as_u64());

    for ingress in of_kind(&all, "Ingress") {
        for path in list_at(ingress, "/spec/rules")
            .iter()
            .flat_map(|r| list_at(r, "/http/paths"))
        {
            let backend = &path["backend"]["service"];
            assert_eq!(backend["name"], "motcua");
            assert_eq!(backend["port"]["name"], service_port["name"]);
        }
    }
}

/// Whether an Ingress host (`*.thanhhoa.gov.vn` matches exactly one label) matches `host`.
fn ingress_matches(rule: &str, host: &str) -> bool {
    match rule.strip_prefix("*.") {
        Some(suffix) => host
            .strip_suffix(suffix)
            .and_then(|h| h.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => rule == host,
    }
}

#[test]
fn the_ingresses_cover_every_tenant_host_with_the_platform_limits() {
    assert!(ingress_matches(
        "*.thanhhoa.gov.vn",
        "motcua.thanhhoa.gov.vn"
    ));
    assert!(!ingress_matches("*.gov.vn", "motcua.thanhhoa.gov.vn"));
    let all = resources();
    let ingresses = of_kind(&all, "Ingress");
    assert_eq!(ingresses.len(), 2);
    for ingress in &ingresses {
        let name = &ingress["metadata"]["name"];
        let rules: Vec<&str> = list_at(ingress, "/spec/rules")
            .iter()
            .map(|r| str_at(r, "/host", "an Ingress rule names its host"))
            .collect();
        for host in crate::tenant_hosts() {
            assert!(
                rules.iter().any(|r| ingress_matches(r, &host)),
                "Ingress {name} does not route {host}"
            );
        }
    }
    let public = resource(&all, "Ingress", "motcua");
    let tls: Vec<&str> = list_at(&public, "/spec/tls")
        .iter()
        .flat_map(|t| list_at(t, "/hosts"))
        .filter_map(Value::as_str)
        .collect();
    for host in crate::tenant_hosts() {
        assert!(
            tls.iter().any(|r| ingress_matches(r, &host)),
            "no certificate for {host}"
        );
    }
    let annotations = &public["metadata"]["annotations"];
    let size = str_at(
        annotations,
        "/nginx.ingress.kubernetes.io~1proxy-body-size",
        "proxy-body-size",
    );
    assert_eq!(files::nginx_size(size), motcua_web::MAX_REQUEST_BYTES);
    assert!(
        !annotations.to_string().contains("non_idempotent"),
        "a POST is never retried on another pod"
    );
    assert!(ingress_denied().contains(&"/metrics".to_owned()));
}

#[test]
fn the_secret_holds_placeholders_only() {
    let all = resources();
    let secret = resource(&all, "Secret", "motcua");
    assert!(
        secret.get("data").is_none(),
        "stringData, readable placeholders"
    );
    for (key, value) in secret["stringData"].as_object().expect("stringData") {
        assert!(
            value.as_str().is_some_and(|v| v.contains("CHANGE-ME")),
            "Secret {key}: a real value must not be committed"
        );
    }
}
