//! Reading the files of `deploy/` the way their tools do, closely enough to check them: the
//! Dockerfile's instructions by stage, YAML documents, compose's `${VAR}` interpolation, nginx
//! directives.

use std::path::PathBuf;

use serde_json::Value;

/// `deploy/<path>`.
pub(crate) fn path(rel: &str) -> PathBuf {
    motcua_tests::repo_root().join("deploy").join(rel)
}

/// The text of `deploy/<rel>`.
pub(crate) fn read(rel: &str) -> String {
    std::fs::read_to_string(path(rel)).unwrap_or_else(|e| panic!("deploy/{rel}: {e}"))
}

/// Every YAML document of `deploy/<rel>`.
pub(crate) fn yaml(rel: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(&read(rel))
        .unwrap_or_else(|e| panic!("deploy/{rel} is not YAML: {e}"))
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

/// The one YAML document of `deploy/<rel>`.
pub(crate) fn one_yaml(rel: &str) -> Value {
    let mut docs = yaml(rel);
    assert_eq!(docs.len(), 1, "deploy/{rel} holds one document");
    docs.remove(0)
}

/// A string field, or a failure naming where it is missing.
pub(crate) fn str_at<'a>(v: &'a Value, pointer: &str, what: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{what}: no string at {pointer} in {v}"))
}

/// A list field (empty when absent).
pub(crate) fn list_at<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A scalar as compose and Kubernetes take it in an environment: strings as they are, numbers
/// and booleans written out.
pub(crate) fn env_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Compose's interpolation: `${VAR:?message}` (required; a placeholder stands for it here),
/// `${VAR:-default}`, `${VAR-default}`. A bare `${VAR}` or `$VAR` would depend on the operator's
/// shell silently, so it is refused.
pub(crate) fn interpolate(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find('$') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        if let Some(after) = after.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some(body) = after.strip_prefix('{') else {
            panic!("`{s}`: a bare $VARIABLE; write ${{VAR:?message}} or ${{VAR:-default}}");
        };
        let end = body
            .find('}')
            .unwrap_or_else(|| panic!("`{s}`: unclosed ${{"));
        let expr = &body[..end];
        if let Some((name, _)) = expr.split_once(":?") {
            out.push_str(&format!("placeholder-{}", name.to_ascii_lowercase()));
        } else if let Some((_, default)) = expr.split_once(":-").or_else(|| expr.split_once('-')) {
            out.push_str(default);
        } else {
            panic!("`{s}`: ${{{expr}}} has neither a default nor a required message");
        }
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

/// One Dockerfile instruction: its keyword in capitals and its arguments.
#[derive(Clone, Debug)]
pub(crate) struct Instruction {
    pub(crate) keyword: String,
    pub(crate) args: String,
}

impl Instruction {
    /// The arguments of the JSON (exec) form, `["a", "b"]`.
    pub(crate) fn exec_form(&self) -> Vec<String> {
        let json = self.args.trim();
        let json = json.rfind('[').map_or_else(
            || panic!("{} {json}: not the exec form", self.keyword),
            |i| &json[i..],
        );
        serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("{} {json}: not the exec form ({e})", self.keyword))
    }
}

/// The Dockerfile's stages, each a list of instructions starting with its `FROM`.
pub(crate) fn dockerfile_stages() -> Vec<Vec<Instruction>> {
    let text = read("Dockerfile");
    let mut logical = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                logical.push(std::mem::take(&mut current));
            }
        }
    }
    let mut stages: Vec<Vec<Instruction>> = Vec::new();
    for line in logical.iter().filter(|l| !l.trim().is_empty()) {
        let (keyword, args) = line
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((line.as_str(), ""));
        let ins = Instruction {
            keyword: keyword.to_ascii_uppercase(),
            args: args.trim().to_owned(),
        };
        if ins.keyword == "FROM" {
            stages.push(Vec::new());
        }
        stages
            .last_mut()
            .expect("the Dockerfile starts with FROM")
            .push(ins);
    }
    stages
}

/// `http://host:port/path` → (`host`, `port`, `/path`).
pub(crate) fn split_url(url: &str) -> (String, u16, String) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("{url}: not an http URL"));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = authority
        .rsplit_once(':')
        .unwrap_or_else(|| panic!("{url}: give the port"));
    (
        host.to_owned(),
        port.parse().unwrap_or_else(|_| panic!("{url}: port")),
        if path.is_empty() { "/" } else { path }.to_owned(),
    )
}

/// The configuration the server would load from `env` (later entries winning), its unknown
/// keys refused and its production checks passed.
pub(crate) fn load_config(what: &str, env: &[(String, String)]) -> motcua::config::Config {
    for (key, _) in env {
        assert!(
            key.starts_with("MOTCUA__"),
            "{what}: {key} is not a configuration variable"
        );
    }
    let loaded = motcua::config::load(&motcua::config::Sources {
        file: None,
        env: env.to_vec(),
        flags: Vec::new(),
    })
    .unwrap_or_else(|e| panic!("{what}: the server refuses its configuration: {e:#}"));
    assert!(
        loaded.unknown.is_empty(),
        "{what}: keys the server does not know: {:?}",
        loaded.unknown
    );
    loaded
        .config
        .check()
        .unwrap_or_else(|e| panic!("{what}: the server would not start: {e:#}"));
    loaded.config
}

/// nginx's directives with their arguments, comments removed, in order (blocks flattened; a
/// `location` line carries its match, e.g. `location = /metrics`).
pub(crate) fn nginx_directives() -> Vec<Vec<String>> {
    let text = read("nginx/motcua.conf");
    let mut out = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        let line = line.split_once('#').map_or(line, |(code, _)| code);
        let mut word = String::new();
        for c in line.chars() {
            match c {
                ';' | '{' | '}' => {
                    if !word.is_empty() {
                        current.push(std::mem::take(&mut word));
                    }
                    if !current.is_empty() {
                        out.push(std::mem::take(&mut current));
                    }
                    if c == '}' {
                        out.push(vec!["}".to_owned()]);
                    }
                }
                c if c.is_whitespace() => {
                    if !word.is_empty() {
                        current.push(std::mem::take(&mut word));
                    }
                }
                c => word.push(c),
            }
        }
        if !word.is_empty() {
            current.push(word);
        }
    }
    out
}

/// An nginx size (`100m`, `102464k`, `1024`) in bytes.
pub(crate) fn nginx_size(s: &str) -> usize {
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: usize = digits.parse().unwrap_or_else(|_| panic!("size {s}"));
    n * match unit.to_ascii_lowercase().as_str() {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        other => panic!("size {s}: unit {other}"),
    }
}
