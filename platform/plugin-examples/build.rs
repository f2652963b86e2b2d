//! Builds every plugin in `plugins/examples/` to a `wasm32-wasip2` component with the nested
//! cargo (the plugins are their own workspace, with their own target and profile), then
//! writes `$OUT_DIR/examples.rs`, which embeds each component and its manifest.
//!
//! The wasm build goes to `<target>/plugins-wasm`, next to the main build's profiles, so that
//! check, clippy, test and bench builds (each a different `OUT_DIR`) share one wasm build and
//! the nested cargo only recompiles what changed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

use anyhow::{Context as _, Result, bail, ensure};

const TARGET: &str = "wasm32-wasip2";

/// What the outer cargo sets for this build that must not steer the nested one: flags and
/// wrappers meant for the platform's crates (clippy's driver among them), its target and target
/// directory, and the variables describing this package.
const LEAKS: &[&str] = &[
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CLIPPY_ARGS",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "OUT_DIR",
    "TARGET",
    "HOST",
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
];

/// Prefixes of the same kind: package metadata, cfgs and features of this build, and profile
/// overrides meant for the main workspace.
const LEAK_PREFIXES: &[&str] = &[
    "CARGO_PKG_",
    "CARGO_CFG_",
    "CARGO_FEATURE_",
    "CARGO_PROFILE_",
    "DEP_",
];

fn main() -> Result<()> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let repo = manifest_dir
        .ancestors()
        .nth(2)
        .context("platform/plugin-examples is two levels below the repository root")?;
    let plugins = repo.join("plugins");
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    for watched in ["wit", "sdk", "examples", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", plugins.join(watched).display());
    }
    let wit = plugins.join("wit").canonicalize()?;
    println!("cargo:rustc-env=MOTCUA_PLUGINS_WIT_DIR={}", wit.display());
    let examples_dir = plugins.join("examples").canonicalize()?;
    println!(
        "cargo:rustc-env=MOTCUA_PLUGINS_EXAMPLES_DIR={}",
        examples_dir.display()
    );

    ensure_target()?;
    let wasm_target_dir = shared_target_dir(&out_dir);
    build(&plugins, &wasm_target_dir)?;
    let release = wasm_target_dir.join(TARGET).join("release");
    fs::write(
        out_dir.join("examples.rs"),
        embed(&examples_dir, &release, &out_dir.join("examples"))?,
    )?;
    Ok(())
}

/// Copies each example's component and manifest into `embedded` and returns the Rust source
/// that includes them.
fn embed(examples_dir: &Path, release: &Path, embedded: &Path) -> Result<String> {
    fs::create_dir_all(embedded)?;
    let mut source = String::new();
    let mut all = Vec::new();
    for name in example_names(examples_dir)? {
        let wasm = release.join(format!("{}.wasm", name.replace('-', "_")));
        let bytes = fs::read(&wasm).with_context(|| {
            format!(
                "the plugins build produced no {}: is the package in plugins/examples/{name} \
                 named `{name}`, with `crate-type = [\"cdylib\"]`?",
                wasm.display()
            )
        })?;
        ensure!(
            bytes.get(4..8) == Some(&[0x0d, 0x00, 0x01, 0x00][..]),
            "{} is not a WebAssembly component",
            wasm.display()
        );
        let wasm_copy = embedded.join(format!("{name}.wasm"));
        let manifest_copy = embedded.join(format!("{name}.yaml"));
        fs::write(&wasm_copy, &bytes)?;
        fs::copy(examples_dir.join(&name).join("plugin.yaml"), &manifest_copy)
            .with_context(|| format!("plugins/examples/{name} has no plugin.yaml"))?;
        let constant = name.to_uppercase().replace('-', "_");
        writeln!(
            source,
            "/// The `{name}` example (`plugins/examples/{name}`).\n\
             pub const {constant}: Example = Example {{\n    \
                 name: {name:?},\n    \
                 wasm: include_bytes!({wasm_copy:?}),\n    \
                 manifest: include_str!({manifest_copy:?}),\n\
             }};\n"
        )?;
        all.push(constant);
    }
    writeln!(
        source,
        "/// Every example, in the order of their directory names.\n\
         pub const ALL: &[Example] = &[{}];",
        all.join(", ")
    )?;
    Ok(source)
}

/// `<target>/plugins-wasm`, from `OUT_DIR` = `<target>[/<triple>]/<profile>/build/<pkg>-<hash>/out`;
/// `OUT_DIR/plugins-wasm` when the layout is not that one (the build is then not shared).
fn shared_target_dir(out_dir: &Path) -> PathBuf {
    let build = out_dir.ancestors().nth(2);
    let Some(profile_dir) = build
        .filter(|b| b.ends_with("build"))
        .and_then(Path::parent)
    else {
        return out_dir.join("plugins-wasm");
    };
    let mut target = profile_dir.parent();
    // With `--target <triple>`, the profiles sit in `<target>/<triple>/`.
    if let (Some(dir), Ok(triple)) = (target, env::var("TARGET"))
        && dir.ends_with(&triple)
    {
        target = dir.parent();
    }
    target.map_or_else(|| out_dir.join("plugins-wasm"), |t| t.join("plugins-wasm"))
}

/// Installs the wasm target once if this toolchain lacks it.
fn ensure_target() -> Result<()> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .with_context(|| format!("could not run `{rustc} --print sysroot`"))?;
    let sysroot = PathBuf::from(String::from_utf8(sysroot.stdout)?.trim());
    if sysroot.join("lib/rustlib").join(TARGET).is_dir() {
        return Ok(());
    }
    let added = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status();
    if !added.is_ok_and(|s| s.success()) {
        bail!(
            "the Rust target {TARGET} is not installed and `rustup target add {TARGET}` failed; \
             run `rustup target add {TARGET}` (or install the target for the toolchain at {}) \
             and build again",
            sysroot.display()
        );
    }
    Ok(())
}

/// Runs the nested cargo on the plugins workspace.
fn build(plugins: &Path, target_dir: &Path) -> Result<()> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(&cargo);
    command
        .current_dir(plugins)
        .arg("build")
        .arg("--manifest-path")
        .arg(plugins.join("Cargo.toml"))
        .args(["--workspace", "--release", "--locked", "--target", TARGET])
        .arg("--target-dir")
        .arg(target_dir);
    for var in LEAKS {
        command.env_remove(var);
    }
    for (var, _) in env::vars_os() {
        let var = var.to_string_lossy();
        if LEAK_PREFIXES.iter().any(|p| var.starts_with(p)) {
            command.env_remove(&*var);
        }
    }
    let output = command
        .output()
        .with_context(|| format!("could not run {cargo}"))?;
    if !output.status.success() {
        bail!(
            "building the example plugins failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// The directories of `plugins/examples` that hold a plugin, sorted.
fn example_names(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.path().join("Cargo.toml").is_file() {
            let name = entry.file_name().into_string().map_err(|n| {
                anyhow::anyhow!("plugins/examples/{} is not a UTF-8 name", n.display())
            })?;
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}
