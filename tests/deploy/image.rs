//! `deploy/Dockerfile`: the builder on the pinned toolchain, a runtime stage that holds only the
//! binary and the tenants, runs as a non-root user and exposes the port it binds.

use std::path::PathBuf;

use crate::files::{self, Instruction};

/// What the runtime stage of the image sets up, as the other manifests rely on it.
#[derive(Debug)]
pub(crate) struct Runtime {
    /// The numeric user it runs as.
    pub(crate) uid: u32,
    /// Its `MOTCUA__*` environment, the base layer of every container running it.
    pub(crate) env: Vec<(String, String)>,
    /// The port it exposes.
    pub(crate) exposed: u16,
    /// Where it holds the tenant directories.
    pub(crate) tenants_dir: PathBuf,
    /// Its entrypoint and default arguments.
    pub(crate) entrypoint: Vec<String>,
    pub(crate) cmd: Vec<String>,
    /// Its HEALTHCHECK URL.
    pub(crate) healthcheck: String,
}

fn only<'a>(stage: &'a [Instruction], keyword: &str) -> &'a Instruction {
    let found: Vec<_> = stage.iter().filter(|i| i.keyword == keyword).collect();
    assert_eq!(found.len(), 1, "the runtime stage has one {keyword}");
    found[0]
}

/// The runtime (last) stage of the image.
pub(crate) fn runtime() -> Runtime {
    let stages = files::dockerfile_stages();
    let stage = stages.last().expect("a stage");
    let user = &only(stage, "USER").args;
    let (uid, gid) = user
        .split_once(':')
        .unwrap_or((user.as_str(), user.as_str()));
    let uid: u32 = uid
        .parse()
        .unwrap_or_else(|_| panic!("USER {user}: numeric, so Kubernetes can check runAsNonRoot"));
    let gid: u32 = gid.parse().unwrap_or_else(|_| panic!("USER {user}: group"));
    assert!(uid != 0 && gid != 0, "USER {user}: not root");
    let env: Vec<(String, String)> = stage
        .iter()
        .filter(|i| i.keyword == "ENV")
        .map(|i| {
            let (k, v) = i
                .args
                .split_once('=')
                .unwrap_or_else(|| panic!("ENV {}: one KEY=value per ENV", i.args));
            assert!(!v.contains(' '), "ENV {}: one KEY=value per ENV", i.args);
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let exposed = only(stage, "EXPOSE")
        .args
        .trim_end_matches("/tcp")
        .parse()
        .expect("EXPOSE <port>");
    let tenants_dir = env
        .iter()
        .find(|(k, _)| k == "MOTCUA__TENANTS__DIR")
        .map(|(_, v)| PathBuf::from(v))
        .expect("the image names its tenants directory (MOTCUA__TENANTS__DIR)");
    let healthcheck = only(stage, "HEALTHCHECK");
    let check = healthcheck.exec_form();
    assert_eq!(check[0], "curl", "HEALTHCHECK: curl");
    assert!(
        check.iter().any(|a| a == "-f" || a.starts_with("-f")),
        "HEALTHCHECK: curl -f, failing on an error status"
    );
    Runtime {
        uid,
        env,
        exposed,
        tenants_dir,
        entrypoint: only(stage, "ENTRYPOINT").exec_form(),
        cmd: only(stage, "CMD").exec_form(),
        healthcheck: check
            .iter()
            .find(|a| a.starts_with("http://"))
            .expect("HEALTHCHECK asks a URL")
            .clone(),
    }
}

#[test]
fn the_builder_uses_the_toolchain_of_rust_toolchain_toml() {
    let toolchain = std::fs::read_to_string(motcua_tests::repo_root().join("rust-toolchain.toml"))
        .expect("rust-toolchain.toml");
    let channel = toolchain
        .lines()
        .find_map(|l| l.trim().strip_prefix("channel"))
        .and_then(|l| l.split('"').nth(1))
        .expect("a channel");
    assert!(
        toolchain.contains("wasm32-wasip2"),
        "the toolchain file names the plugins' target"
    );
    let stages = files::dockerfile_stages();
    assert!(stages.len() >= 2, "a builder and a runtime stage");
    let builder = &stages[0];
    let from = &builder[0].args;
    let image = from.split_whitespace().next().expect("FROM <image>");
    assert!(
        image.starts_with(&format!("rust:{channel}-")),
        "FROM {from}: the builder is Rust {channel}, as rust-toolchain.toml says"
    );
    let runs: Vec<&str> = builder
        .iter()
        .filter(|i| i.keyword == "RUN")
        .map(|i| i.args.as_str())
        .collect();
    assert!(
        builder
            .iter()
            .any(|i| i.keyword == "COPY" && i.args.starts_with("rust-toolchain.toml")),
        "the builder installs what the toolchain file names"
    );
    assert!(
        runs.iter().any(|r| r.contains("rustup toolchain install")),
        "{runs:?}"
    );
    let build = runs
        .iter()
        .find(|r| r.contains("cargo build"))
        .expect("the builder runs cargo build");
    for needed in ["--release", "--locked", "-p motcua", "type=cache"] {
        assert!(
            build.contains(needed),
            "cargo build without {needed}: {build}"
        );
    }
}

#[test]
fn every_base_image_is_pinned() {
    for stage in files::dockerfile_stages() {
        let from = &stage[0].args;
        let image = from.split_whitespace().next().expect("FROM <image>");
        crate::assert_pinned("Dockerfile", image);
    }
}

#[test]
fn the_runtime_holds_the_binary_and_the_tenants_only() {
    let stages = files::dockerfile_stages();
    let runtime_stage = stages.last().expect("a stage");
    let copies: Vec<Vec<&str>> = runtime_stage
        .iter()
        .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
        .map(|i| i.args.split_whitespace().collect())
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert_eq!(
        copies[0],
        ["--from=builder", "/out/motcua", "/usr/local/bin/motcua"]
    );
    let r = runtime();
    assert_eq!(
        copies[1],
        ["tenants", r.tenants_dir.to_str().expect("a path")],
        "the tenants where MOTCUA__TENANTS__DIR says"
    );
    let ignore = files::read("Dockerfile.dockerignore");
    for kept in [
        "tenants",
        "platform",
        "plugins",
        "policies",
        "Cargo.lock",
        "tests",
    ] {
        assert!(
            !ignore.lines().any(|l| l.trim() == kept),
            "the build needs {kept}"
        );
    }
    assert!(ignore.lines().any(|l| l.trim() == "**/target"));
}

#[test]
fn the_runtime_is_non_root_on_the_port_it_binds() {
    let r = runtime();
    // Every deployment adds at least its database (production refuses to start without one).
    let mut env = r.env.clone();
    env.push((
        "MOTCUA__DATABASE__URL".into(),
        "postgres://db/motcua".into(),
    ));
    let config = files::load_config("Dockerfile ENV", &env);
    assert_eq!(config.mode, motcua::config::Mode::Production);
    assert_eq!(
        r.exposed,
        config.http.bind.port(),
        "EXPOSE and MOTCUA__HTTP__BIND"
    );
    assert!(
        config.http.bind.ip().is_unspecified(),
        "a container listens on every address, not {}",
        config.http.bind
    );
    let (host, port, _) = files::split_url(&r.healthcheck);
    assert_eq!(
        (host.as_str(), port),
        ("127.0.0.1", r.exposed),
        "HEALTHCHECK"
    );
    assert_eq!(r.entrypoint, ["motcua"]);
    assert!(matches!(
        crate::assert_command("Dockerfile CMD", &r.cmd),
        motcua::cli::Command::Serve { .. }
    ));
}
