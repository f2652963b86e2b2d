//! The `motcua` binary as a user runs it: validate, apply, export, calendar, serve.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs `motcua` in `dir` with a data directory of its own and the repository's tenants.
fn motcua(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env("MOTCUA__DATA_DIR", dir.join("data"))
        .env("MOTCUA__TENANTS__DIR", repo().join("tenants"))
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn validate_accepts_the_demo_tenants_and_reports_errors_at_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let tenants = repo().join("tenants");
    let dirs: Vec<String> = ["thanhhoa", "hochiminhcity", "botuphap"]
        .iter()
        .map(|s| tenants.join(s).display().to_string())
        .collect();
    let mut args = vec!["tenant", "validate"];
    args.extend(dirs.iter().map(String::as_str));
    let o = motcua(tmp.path(), &args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok: ")).count(),
        3,
        "{out}"
    );

    // A broken copy: a misspelt key and an unknown division in a procedure.
    let broken = tmp.path().join("thanhhoa");
    copy_dir(&tenants.join("thanhhoa"), &broken);
    let manifest = std::fs::read_to_string(broken.join("tenant.yaml")).unwrap();
    std::fs::write(
        broken.join("tenant.yaml"),
        manifest.replacen("short_name:", "shortname:", 1),
    )
    .unwrap();
    let o = motcua(tmp.path(), &["tenant", "validate", "thanhhoa"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    let line = manifest
        .lines()
        .position(|l| l.starts_with("short_name:"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "thanhhoa/tenant.yaml:{line}:1: error: unknown key `shortname`"
        )),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `short_name`?"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn apply_is_idempotent_and_export_gives_back_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = repo().join("tenants/botuphap");
    let dir = dir.to_str().unwrap();

    let o = motcua(tmp.path(), &["tenant", "apply", "--dry-run", dir]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("+ tenant (new)") && out.contains("dry run: nothing changed"),
        "{out}"
    );

    let o = motcua(tmp.path(), &["tenant", "apply", dir]);
    let (out, _) = text(&o);
    assert!(
        out.starts_with("tenant botuphap: ") && out.contains("+ division"),
        "{out}"
    );
    let o = motcua(tmp.path(), &["tenant", "apply", dir]);
    assert_eq!(text(&o).0.trim(), "tenant botuphap: no changes");

    let o = motcua(tmp.path(), &["tenant", "list"]);
    let (out, _) = text(&o);
    assert!(
        out.contains("botuphap\tG15\tActive") && out.contains("dichvucong.moj.localhost"),
        "{out}"
    );

    let o = motcua(
        tmp.path(),
        &["tenant", "export", "botuphap", "--out", "exported"],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let exported = tmp.path().join("exported");
    assert_eq!(
        std::fs::read(exported.join("tenant.yaml")).unwrap(),
        std::fs::read(repo().join("tenants/botuphap/tenant.yaml")).unwrap()
    );
    for entry in std::fs::read_dir(repo().join("tenants/botuphap/procedures")).unwrap() {
        let entry = entry.unwrap();
        assert_eq!(
            std::fs::read(entry.path()).unwrap(),
            std::fs::read(exported.join("procedures").join(entry.file_name())).unwrap()
        );
    }
    // With the template forms its procedures name.
    for entry in std::fs::read_dir(repo().join("tenants/botuphap/templates")).unwrap() {
        let entry = entry.unwrap();
        assert_eq!(
            std::fs::read(entry.path()).unwrap(),
            std::fs::read(exported.join("templates").join(entry.file_name())).unwrap()
        );
    }
    // And the export is itself a valid tenant directory.
    let o = motcua(
        tmp.path(),
        &["tenant", "validate", exported.to_str().unwrap()],
    );
    assert!(
        !o.status.success(),
        "the export directory is named `exported`, not `botuphap`"
    );
    std::fs::rename(&exported, tmp.path().join("botuphap")).unwrap();
    let o = motcua(tmp.path(), &["tenant", "validate", "botuphap"]);
    assert!(o.status.success(), "{:?}", text(&o));

    let o = motcua(tmp.path(), &["tenant", "export", "hanoi"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("no tenant `hanoi`"));
}

#[test]
fn calendar_due_and_holidays() {
    let tmp = tempfile::tempdir().unwrap();
    // Thursday 12 February 2026, 14:00, three working days: the Tết holiday (16-20 February)
    // and two weekends lie between.
    let o = motcua(
        tmp.path(),
        &[
            "calendar",
            "due",
            "--tenant",
            "thanhhoa",
            "--from",
            "2026-02-12T14:00:00+07:00",
            "--working-days",
            "3",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("due:         2026-02-24T14:00:00+07:00 (3 working day(s))"),
        "{out}"
    );

    // After the 15:00 cut-off it counts from the next working day.
    let o = motcua(
        tmp.path(),
        &[
            "calendar",
            "due",
            "--tenant",
            "thanhhoa",
            "--from",
            "2026-02-12T16:00:00+07:00",
            "--working-hours",
            "4",
        ],
    );
    let (out, _) = text(&o);
    assert!(
        out.contains("counts from: 2026-02-13T07:00:00+07:00"),
        "{out}"
    );

    let o = motcua(
        tmp.path(),
        &[
            "calendar", "holidays", "--tenant", "thanhhoa", "--year", "2026",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for day in [
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-20",
        "2026-04-26",
        "2026-04-27",
        "2026-04-30",
        "2026-05-01",
        "2026-09-02",
    ] {
        assert!(out.contains(day), "{day} missing from\n{out}");
    }

    let o = motcua(
        tmp.path(),
        &[
            "calendar",
            "due",
            "--tenant",
            "thanhhoa",
            "--from",
            "12/02/2026",
            "--working-days",
            "3",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("not an RFC 3339 time"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_runs_the_demo_tenants_with_no_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    // The newcomer's case: the repository as working directory, nothing configured.
    copy_dir(&repo().join("tenants"), &tmp.path().join("tenants"));
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(tmp.path())
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let base = format!("http://127.0.0.1:{port}");
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send()
            && r.status().is_success()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve did not become ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        tmp.path().join("data/motcua.db").exists(),
        "SQLite in ./data"
    );
    let home = client
        .get(format!("{base}/"))
        .header("host", format!("dichvucong.thanhhoa.localhost:{port}"))
        .send()
        .unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().unwrap().contains("<html lang=\"vi\">"));
    let home = client
        .get(format!("{base}/"))
        .header("host", format!("e-services.moj.localhost:{port}"))
        .send()
        .unwrap();
    let home = home.text().unwrap();
    assert!(home.contains("<html lang=\"en\">"));
    assert!(
        home.contains("href=\"/auth/sign-in?return=%2F\""),
        "citizens can sign in"
    );
    // The demo's development sign-in provider, served by the node itself.
    let discovery: serde_json::Value = client
        .get(format!("{base}/dev-oidc/.well-known/openid-configuration"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        discovery["issuer"],
        format!("http://localhost:{port}/dev-oidc"),
        "{discovery}"
    );

    // The demo's officials, with the published demo password.
    let signed_in = client
        .post(format!("{base}/api/v1/session"))
        .header("host", format!("dichvucong.thanhhoa.localhost:{port}"))
        .json(&serde_json::json!({"username": "demo.tiepnhan", "password": "demo-motcua-2026"}))
        .send()
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let body: serde_json::Value = signed_in.json().unwrap();
    assert_eq!(body["status"], "signed_in", "{body}");
    // The demo leader administers the tenant: it can see the role assignments, the desk cannot.
    let host = format!("dichvucong.thanhhoa.localhost:{port}");
    let session_of = |username: &str| {
        let r = client
            .post(format!("{base}/api/v1/session"))
            .header("host", &host)
            .json(&serde_json::json!({"username": username, "password": "demo-motcua-2026"}))
            .send()
            .unwrap();
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    for (username, expected) in [("demo.lanhdao", 200), ("demo.tiepnhan", 403)] {
        let r = client
            .get(format!("{base}/api/v1/admin/assignments"))
            .header("host", &host)
            .header("cookie", session_of(username))
            .send()
            .unwrap();
        assert_eq!(r.status(), expected, "{username}");
    }

    // SIGTERM: a graceful stop.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    let mut log = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(
        log.contains("http://dichvucong.thanhhoa.localhost:"),
        "the URLs are announced:\n{log}"
    );
    assert!(
        log.contains("DEVELOPMENT SIGN-IN enabled"),
        "the development provider is announced loudly:\n{log}"
    );
    assert!(
        log.contains("DEMO ACCOUNTS") && log.contains("demo-motcua-2026"),
        "the demo accounts are announced loudly:\n{log}"
    );
}

/// The production path: PostgreSQL and Redis, migrations as their own step, tenants applied by
/// the operator, JSON logs, hosts under the real suffix.
#[test]
fn serve_in_production_mode_on_postgresql_and_redis() {
    let tmp = tempfile::tempdir().unwrap();
    let pg = std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let redis = std::env::var("MOTCUA_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let schema = format!("motcua_cli_{}_{}", std::process::id(), free_port());
    let env = [
        ("MOTCUA__MODE", "production".to_owned()),
        ("MOTCUA__DATABASE__URL", pg.clone()),
        ("MOTCUA__DATABASE__SCHEMA", schema.clone()),
        ("MOTCUA__CACHE__REDIS_URL", redis),
        ("MOTCUA__CACHE__PREFIX", schema.clone()),
        ("MOTCUA__DOMAINS__SUFFIX", "gov.vn".to_owned()),
    ];
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
        cmd.args(args)
            .current_dir(tmp.path())
            .env_remove("RUST_LOG");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        cmd
    };
    let port = free_port();
    // Before `migrate`, serving is refused with the reason.
    let o = run(&["serve", "--bind", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("run `motcua migrate` first"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    assert!(run(&["migrate"]).status().unwrap().success());
    let thanhhoa = repo().join("tenants/thanhhoa");
    let o = run(&["tenant", "apply", thanhhoa.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The first accounts, from the command line: a password read from standard input.
    let create = |args: &[&str], password: &str| {
        let mut child = run(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(
            child.stdin.as_mut().unwrap(),
            format!("{password}\n").as_bytes(),
        )
        .unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    create(
        &[
            "account",
            "create",
            "--tenant",
            "thanhhoa",
            "lan.nguyen",
            "--password-stdin",
        ],
        "trăm năm trong cõi người ta",
    );
    create(
        &[
            "operator",
            "create",
            "an.tran",
            "--name",
            "Trần Văn An",
            "--password-stdin",
        ],
        "chữ tài chữ mệnh khéo là ghét nhau",
    );

    let mut child = run(&["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let ready = loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send()
            && r.status().is_success()
        {
            break r.text().unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve did not become ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(ready.contains("\"kind\":\"redis\""), "{ready}");
    let home = client
        .get(format!("{base}/"))
        .header("host", "dichvucong.thanhhoa.gov.vn")
        .send()
        .unwrap();
    assert_eq!(home.status(), 200);
    let alias = client
        .get(format!("{base}/"))
        .header("host", "dichvucong.thanhhoa.localhost")
        .send()
        .unwrap();
    assert_eq!(
        alias.status(),
        404,
        "development hosts do not exist in production"
    );
    let dev_provider = client
        .get(format!("{base}/dev-oidc/.well-known/openid-configuration"))
        .header("host", "dichvucong.thanhhoa.gov.vn")
        .send()
        .unwrap();
    assert_eq!(
        dev_provider.status(),
        404,
        "no development sign-in in production"
    );

    // Accounts: no demo accounts in production; the created ones must change their password.
    let sign_in = |body: serde_json::Value| {
        client
            .post(format!("{base}/api/v1/session"))
            .header("host", "dichvucong.thanhhoa.gov.vn")
            .json(&body)
            .send()
            .unwrap()
    };
    let demo =
        sign_in(serde_json::json!({"username": "demo.tiepnhan", "password": "demo-motcua-2026"}));
    assert_eq!(demo.status(), 401, "no demo accounts in production");
    let official = sign_in(
        serde_json::json!({"username": "lan.nguyen", "password": "trăm năm trong cõi người ta"}),
    );
    assert_eq!(official.status(), 200);
    let cookie = official
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-motcua=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let body: serde_json::Value = official.json().unwrap();
    assert_eq!(body["status"], "password_change_required", "{body}");
    let operator = sign_in(
        serde_json::json!({"username": "an.tran", "password": "chữ tài chữ mệnh khéo là ghét nhau", "operator": true}),
    );
    let body: serde_json::Value = operator.json().unwrap();
    assert_eq!(body["principal"]["name"], "Trần Văn An", "{body}");

    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(child.wait().unwrap().success());
    let mut log = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(
        log.lines()
            .any(|l| l.starts_with('{') && l.contains("\"message\":\"ready\"")),
        "JSON logs:\n{log}"
    );
    assert!(
        !log.contains("postgres://"),
        "the database URL is never logged"
    );
    assert!(!log.contains("DEMO ACCOUNTS"), "{log}");

    let _ = Command::new("psql")
        .args([
            pg.as_str(),
            "-q",
            "-c",
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        ])
        .output();
}

#[test]
fn workflow_commands_for_designers() {
    let tmp = tempfile::tempdir().unwrap();
    let hcm = repo().join("tenants/hochiminhcity");
    let permit = hcm.join("procedures/cap-giay-phep-xay-dung-nha-o-rieng-le.yaml");
    let permit_s = permit.to_str().unwrap();

    let o = motcua(tmp.path(), &["workflow", "validate", permit_s]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.starts_with("ok: ") && out.contains("steps, version"),
        "{out}"
    );

    // A broken copy in a tenant directory of its own: the error at its line, with a hint.
    let broken_dir = tmp.path().join("hochiminhcity");
    copy_dir(&hcm, &broken_dir);
    let broken = broken_dir.join("procedures/cap-giay-phep-xay-dung-nha-o-rieng-le.yaml");
    let source = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(
        &broken,
        source.replacen("role: receiver", "role: reciever", 1),
    )
    .unwrap();
    let o = motcua(
        tmp.path(),
        &["workflow", "validate", broken.to_str().unwrap()],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    let line = source
        .lines()
        .position(|l| l.trim() == "role: receiver")
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(":{line}:13: error: unknown role `reciever`")),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `receiver`?"), "{err}");

    // Scenarios: the shipped one passes; a wrong expectation fails with the reason.
    let scenario = hcm.join("scenarios/cap-giay-phep-xay-dung-nha-o-rieng-le.lay-y-kien.yaml");
    let o = motcua(
        tmp.path(),
        &[
            "workflow",
            "simulate",
            permit_s,
            "--scenario",
            scenario.to_str().unwrap(),
            "--lang",
            "en",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("received") && out.contains(": passed"),
        "{out}"
    );
    let wrong = tmp.path().join("wrong.yaml");
    std::fs::write(
        &wrong,
        std::fs::read_to_string(&scenario)
            .unwrap()
            .replace("outcome: returned", "outcome: stopped"),
    )
    .unwrap();
    let o = motcua(
        tmp.path(),
        &[
            "workflow",
            "simulate",
            permit_s,
            "--scenario",
            wrong.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).1.contains("expected to end `stopped`"),
        "{}",
        text(&o).1
    );

    // The diagram, even of the broken file.
    let svg = tmp.path().join("permit.svg");
    let o = motcua(
        tmp.path(),
        &[
            "workflow",
            "diagram",
            broken.to_str().unwrap(),
            "--out",
            svg.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<?xml"));

    let o = motcua(tmp.path(), &["workflow", "schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(schema["title"], "Mộtcửa procedure");
}

#[test]
fn publishing_versions_and_migrating_open_dossiers() {
    let tmp = tempfile::tempdir().unwrap();
    let hcm = tmp.path().join("hochiminhcity");
    copy_dir(&repo().join("tenants/hochiminhcity"), &hcm);
    let hcm_s = hcm.to_str().unwrap();
    let o = motcua(tmp.path(), &["tenant", "apply", hcm_s]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("publish version 1"), "{}", text(&o).0);

    let file = hcm.join("procedures/dang-ky-khai-sinh.yaml");
    let source = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, source.replace("tiep-nhan", "tiep-nhan-ho-so")).unwrap();
    let o = motcua(tmp.path(), &["workflow", "publish", file.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("publish version 2") && out.contains("current version 2"),
        "{out}"
    );

    let o = motcua(
        tmp.path(),
        &[
            "workflow",
            "versions",
            "--tenant",
            "hochiminhcity",
            "--procedure",
            "1.001193",
        ],
    );
    let (out, _) = text(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines().next().unwrap().starts_with("   1")
            && out.lines().nth(1).unwrap().starts_with("*  2"),
        "{out}"
    );

    // No open dossier yet: the plan still shows its mapping problem before anything moves.
    let o = motcua(
        tmp.path(),
        &[
            "workflow",
            "migrate",
            "--tenant",
            "hochiminhcity",
            "--procedure",
            "1.001193",
            "--from",
            "1",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("tiep-nhan"), "{}", text(&o).1);
    let o = motcua(
        tmp.path(),
        &[
            "workflow",
            "migrate",
            "--tenant",
            "hochiminhcity",
            "--procedure",
            "1.001193",
            "--from",
            "1",
            "--map",
            "tiep-nhan=tiep-nhan-ho-so",
            "--dry-run",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("version 1 → 2, 0 open dossier(s)") && out.contains("dry run"),
        "{out}"
    );
}

#[test]
fn plugin_commands_for_developers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let examples = Path::new(motcua_plugin_examples::EXAMPLES_DIR);
    let fee = motcua_plugin_examples::FEE_CALCULATOR;
    std::fs::write(dir.join("fee.wasm"), fee.wasm).unwrap();
    let manifest = examples.join("fee-calculator/plugin.yaml");
    let manifest = manifest.to_str().unwrap();
    let table =
        std::fs::read_to_string(examples.join("fee-calculator/tables/phi-chung-thuc-ban-sao.json"))
            .unwrap();
    std::fs::write(
        dir.join("tables.json"),
        format!("{{\"phi-chung-thuc-ban-sao\": {table}}}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("input.json"),
        r#"{ "context": { "tenant": "hochiminhcity", "step": "tinh-phi",
             "config": { "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" },
             "form": { "giay_to": [ { "ten_giay_to": "Bằng", "so_trang": 3, "so_ban": 1 },
                                    { "ten_giay_to": "Khai sinh", "so_trang": 1, "so_ban": 2 } ] } } }"#,
    )
    .unwrap();

    let o = motcua(
        dir,
        &["plugin", "inspect", "fee.wasm", "--manifest", manifest],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.starts_with("fee-calculator@1.0.0 — "), "{out}");
    assert!(out.contains("capabilities: log, reference"), "{out}");
    assert!(out.contains("  motcua:plugin/reference@1.0.0"), "{out}");
    assert!(out.contains("loads: yes"), "{out}");

    let test = |extra: &[&str]| {
        let mut args = vec![
            "plugin",
            "test",
            "fee.wasm",
            "--manifest",
            manifest,
            "--input",
            "input.json",
            "--reference",
            "tables.json",
        ];
        args.extend_from_slice(extra);
        motcua(dir, &args)
    };
    let o = test(&["--grant", "log", "--grant", "reference"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.contains("outcome: ok"), "{out}");
    assert!(out.contains("\"amount\": 9000"), "{out}");
    assert!(out.contains("fuel used: "), "{out}");
    assert!(out.contains("peak memory: "), "{out}");

    // Without the grant: stopped, with a message naming the plugin and the capability.
    let o = test(&["--grant", "log"]);
    let (out, _) = text(&o);
    assert!(!o.status.success());
    assert!(
        out.contains("error (denied_capability): Plugin fee-calculator@1.0.0 called `reference`, which it is not granted."),
        "{out}"
    );
    let o = test(&["--grant", "files"]);
    assert!(
        text(&o).1.contains("`files` is not a capability"),
        "{:?}",
        text(&o)
    );

    // A hostile plugin: its panic message comes through.
    std::fs::write(
        dir.join("panic.wasm"),
        motcua_plugin_examples::HOSTILE_PANIC.wasm,
    )
    .unwrap();
    let panic_manifest = examples.join("hostile-panic/plugin.yaml");
    let o = motcua(
        dir,
        &[
            "plugin",
            "test",
            "panic.wasm",
            "--manifest",
            panic_manifest.to_str().unwrap(),
            "--input",
            "input.json",
        ],
    );
    let (out, _) = text(&o);
    assert!(
        out.contains(
            "error (panicked): Plugin hostile-panic@1.0.0 panicked: fee table is corrupt."
        ),
        "{out}"
    );

    // Publishing: applying Hồ Chí Minh City publishes its built-in fee calculator; another
    // plugin is published by hand, once.
    let hcm = repo().join("tenants/hochiminhcity");
    assert!(
        motcua(dir, &["tenant", "apply", hcm.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::write(
        dir.join("docs.wasm"),
        motcua_plugin_examples::DOCUMENTS_CHECK.wasm,
    )
    .unwrap();
    let docs_manifest = examples.join("documents-check/plugin.yaml");
    let publish = || {
        motcua(
            dir,
            &[
                "plugin",
                "publish",
                "docs.wasm",
                "--manifest",
                docs_manifest.to_str().unwrap(),
                "--tenant",
                "hochiminhcity",
            ],
        )
    };
    let (out, err) = text(&publish());
    assert!(
        out.starts_with("published documents-check@1.0.0 for hochiminhcity"),
        "{out}{err}"
    );
    assert!(
        out.contains("hint: hochiminhcity does not install it yet"),
        "{out}"
    );
    assert!(
        text(&publish())
            .0
            .starts_with("already published: documents-check@1.0.0")
    );
    let (out, _) = text(&motcua(
        dir,
        &["plugin", "list", "--tenant", "hochiminhcity"],
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("documents-check@1.0.0\t") && lines[0].ends_with("not installed"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("fee-calculator@1.0.0\t")
            && lines[1].ends_with("installed, grants [log, reference]"),
        "{out}"
    );

    let o = motcua(
        dir,
        &["plugin", "replay", "000.00.06.H29-260213-0001", "tinh-phi"],
    );
    assert!(!o.status.success());
    assert!(
        text(&o)
            .1
            .contains("no tenant has a dossier 000.00.06.H29-260213-0001"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn account_commands_create_list_reset_and_disable() {
    let tmp = tempfile::tempdir().unwrap();
    let thanhhoa = repo().join("tenants/thanhhoa");
    let o = motcua(tmp.path(), &["tenant", "apply", thanhhoa.to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));

    let o = motcua(
        tmp.path(),
        &[
            "account",
            "create",
            "--tenant",
            "thanhhoa",
            "Lan.Nguyen",
            "--name",
            "Nguyễn Thị Lan",
        ],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.starts_with("created lan.nguyen (id "), "{out}");
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once; to be changed at the first sign-in): "))
        .unwrap_or_else(|| panic!("a generated password: {out}"));
    assert_eq!(password.len(), 20);

    let o = motcua(
        tmp.path(),
        &["account", "create", "--tenant", "thanhhoa", "lan.nguyen"],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).1.contains("the username `lan.nguyen` is taken"),
        "{:?}",
        text(&o)
    );
    let o = motcua(
        tmp.path(),
        &["account", "create", "--tenant", "thanhhoa", "Lan Nguyễn"],
    );
    assert!(text(&o).1.contains("is not valid"), "{:?}", text(&o));
    let o = motcua(
        tmp.path(),
        &["account", "create", "--tenant", "khong-co", "lan"],
    );
    assert!(
        text(&o).1.contains("no tenant `khong-co`"),
        "{:?}",
        text(&o)
    );
    // A password from standard input must meet the policy.
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["operator", "create", "an.tran", "--password-stdin"])
        .current_dir(tmp.path())
        .env("MOTCUA__DATA_DIR", tmp.path().join("data"))
        .env("MOTCUA__TENANTS__DIR", repo().join("tenants"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"short\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o).1.contains("at least 12 characters"),
        "{:?}",
        text(&o)
    );

    let o = motcua(tmp.path(), &["account", "list", "--tenant", "thanhhoa"]);
    let (out, _) = text(&o);
    assert!(
        out.contains("lan.nguyen\tNguyễn Thị Lan\tmust-change-password"),
        "{out}"
    );
    let o = motcua(
        tmp.path(),
        &[
            "account",
            "reset-password",
            "--tenant",
            "thanhhoa",
            "lan.nguyen",
        ],
    );
    let (out, _) = text(&o);
    assert!(
        o.status.success() && out.contains("its sessions have ended"),
        "{out}"
    );
    assert!(!out.contains(password), "a new password: {out}");
    let o = motcua(
        tmp.path(),
        &["account", "disable", "--tenant", "thanhhoa", "lan.nguyen"],
    );
    assert!(o.status.success());
    let (out, _) = text(&motcua(
        tmp.path(),
        &["account", "list", "--tenant", "thanhhoa"],
    ));
    assert!(out.contains("disabled,must-change-password"), "{out}");
    let o = motcua(
        tmp.path(),
        &["account", "enable", "--tenant", "thanhhoa", "lan.nguyen"],
    );
    assert!(o.status.success());
    let (out, _) = text(&motcua(tmp.path(), &["operator", "list"]));
    assert!(out.is_empty(), "no operator was created: {out}");
}

#[test]
fn audit_verify_reports_on_every_history() {
    let tmp = tempfile::tempdir().unwrap();
    let o = motcua(tmp.path(), &["audit", "verify"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("0 dossier(s), 0 event(s) checked: every history is intact"),
        "{out}"
    );
    let o = motcua(tmp.path(), &["audit", "verify", "--tenant", "khong-co"]);
    let (out, err) = text(&o);
    assert!(!o.status.success(), "{out}{err}");
    assert!(err.contains("there is no tenant `khong-co`"), "{err}");
}
