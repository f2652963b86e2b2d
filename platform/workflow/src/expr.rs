//! Conditions written by procedure designers, in CEL (the Common Expression Language): guards
//! on actions, routes of decision steps, field visibility and field rules.
//!
//! CEL cannot loop forever, call out or change anything, so a designer's condition is safe to
//! run inside a transition. Expressions are compiled once, when the procedure is loaded, and the
//! compiled program is shared; evaluation gets the dossier's data as variables:
//!
//! | variable | what |
//! |---|---|
//! | `form` | the e-form data (`form.child_name`) |
//! | `dossier` | `status`, `channel`, `case`, `applicant_kind` |
//! | `plugins` | what plugin steps stored, by step (`plugins.tinh_phi.amount`) |
//! | `value` | in a field rule: the field's own value |
//! | `now` | the time of the evaluation (a timestamp) |

use std::sync::{Arc, OnceLock};

use cel::common::ast::{EntryExpr, Expr as Node, IdedExpr};
use cel::{Context, Env, Program, Value};

/// The variables an expression may use.
pub const VARIABLES: [&str; 5] = ["form", "dossier", "plugins", "value", "now"];

fn env() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    Arc::clone(ENV.get_or_init(|| Arc::new(Env::stdlib())))
}

/// A compiled condition.
#[derive(Clone)]
pub struct Expr {
    source: Arc<str>,
    program: Arc<Program>,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({:?})", self.source)
    }
}

/// Why an expression does not compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// What is wrong, for the designer.
    pub message: String,
    /// 1-based column within the expression, when known.
    pub column: Option<u32>,
}

/// Why an expression could not be evaluated (a missing field, a type mismatch).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the condition `{expression}` could not be evaluated: {message}")]
pub struct EvalError {
    /// The expression.
    pub expression: String,
    /// What went wrong.
    pub message: String,
    /// Whether it read a field absent from the data.
    pub absent_field: bool,
}

impl Expr {
    /// Compiles `source`; refuses variables other than [`VARIABLES`] (`allowed` narrows them).
    pub fn compile(source: &str, allowed: &[&str]) -> Result<Self, ExprError> {
        let program = env().compile(source).map_err(|errors| {
            let first = errors.errors.first();
            ExprError {
                message: first.map_or_else(|| errors.to_string(), |e| plain_syntax_error(&e.msg)),
                column: first
                    .and_then(|e| u32::try_from(e.pos.1).ok())
                    .map(|c| c + 1),
            }
        })?;
        let refs = program.references();
        let mut unknown: Vec<&str> = refs
            .variables()
            .into_iter()
            .filter(|v| !allowed.contains(v) && !is_comprehension_variable(program.expression(), v))
            .collect();
        unknown.sort_unstable();
        if let Some(name) = unknown.first() {
            return Err(ExprError {
                message: format!(
                    "unknown name `{name}`; a condition can use {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                column: source.find(name).and_then(|c| u32::try_from(c + 1).ok()),
            });
        }
        Ok(Self {
            source: source.into(),
            program: Arc::new(program),
        })
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The names `root.<name>` used in the expression (e.g. the form fields it reads).
    pub fn fields_of(&self, root: &str) -> Vec<String> {
        let mut out = Vec::new();
        walk(self.program.expression(), &mut |node| {
            if let Node::Select(select) = &node.expr
                && matches!(&select.operand.expr, Node::Ident(name) if name == root)
                && !out.contains(&select.field)
            {
                out.push(select.field.clone());
            }
        });
        out
    }

    /// Evaluates the condition. A condition that reads a field absent from the data does not
    /// hold; a result that is not a boolean, or any other error, is an error.
    pub fn holds(&self, vars: &Vars) -> Result<bool, EvalError> {
        match self.holds_strictly(vars) {
            // A field that was not filled in (optional, or hidden and so dropped) is absent
            // from the data: a condition over it does not hold, rather than block handling.
            Err(e) if e.absent_field => Ok(false),
            other => other,
        }
    }

    /// Evaluates the condition; reading a field absent from the data is an error too (marked
    /// [`EvalError::absent_field`]), for callers that treat it differently.
    pub fn holds_strictly(&self, vars: &Vars) -> Result<bool, EvalError> {
        let mut ctx = Context::with_env(env());
        for (name, value) in &vars.0 {
            ctx.add_variable_from_value(*name, value.clone());
        }
        match self.program.execute(&ctx) {
            Ok(Value::Bool(b)) => Ok(b),
            Err(e @ cel::ExecutionError::NoSuchKey(_)) => Err(EvalError {
                expression: self.source.to_string(),
                message: e.to_string(),
                absent_field: true,
            }),
            Ok(other) => Err(EvalError {
                expression: self.source.to_string(),
                message: format!("it gave {other:?}, not true or false"),
                absent_field: false,
            }),
            Err(e) => Err(EvalError {
                expression: self.source.to_string(),
                message: e.to_string(),
                absent_field: false,
            }),
        }
    }
}

/// The parser's message without its grammar jargon (`expecting {'[', '{', …}`).
fn plain_syntax_error(msg: &str) -> String {
    let msg = msg.split(" expecting ").next().unwrap_or(msg);
    if msg.contains("'<EOF>'") {
        return "the condition ends too early".to_owned();
    }
    match msg
        .strip_prefix("Syntax error: mismatched input ")
        .or_else(|| msg.strip_prefix("Syntax error: extraneous input "))
    {
        Some(token) => format!("unexpected {}", token.replace('\'', "`")),
        None => msg.trim_start_matches("Syntax error: ").to_owned(),
    }
}

/// Variables for an evaluation.
#[derive(Clone, Debug, Default)]
pub struct Vars(Vec<(&'static str, Value)>);

impl Vars {
    /// No variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a variable from JSON data.
    pub fn with_json(mut self, name: &'static str, value: &serde_json::Value) -> Self {
        self.0.push((name, json_to_cel(value)));
        self
    }

    /// Adds a timestamp variable.
    pub fn with_time(mut self, name: &'static str, at: chrono::DateTime<chrono::Utc>) -> Self {
        self.0.push((name, Value::Timestamp(at.fixed_offset())));
        self
    }
}

fn json_to_cel(value: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match value {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .or_else(|| n.as_u64().map(Value::UInt))
            .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN))),
        J::String(s) => Value::String(Arc::new(s.clone())),
        J::Array(items) => Value::List(Arc::new(items.iter().map(json_to_cel).collect())),
        J::Object(map) => {
            let map: std::collections::HashMap<cel::objects::Key, Value> = map
                .iter()
                .map(|(k, v)| {
                    (
                        cel::objects::Key::String(Arc::new(k.clone())),
                        json_to_cel(v),
                    )
                })
                .collect();
            Value::Map(cel::objects::Map { map: Arc::new(map) })
        }
    }
}

fn walk<'e>(node: &'e IdedExpr, f: &mut impl FnMut(&'e IdedExpr)) {
    f(node);
    match &node.expr {
        Node::Call(call) => {
            if let Some(target) = &call.target {
                walk(target, f);
            }
            for arg in &call.args {
                walk(arg, f);
            }
        }
        Node::Comprehension(c) => {
            for part in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                walk(part, f);
            }
        }
        Node::List(list) => list.elements.iter().for_each(|e| walk(e, f)),
        Node::Map(map) => map.entries.iter().for_each(|e| walk_entry(&e.expr, f)),
        Node::Struct(s) => s.entries.iter().for_each(|e| walk_entry(&e.expr, f)),
        Node::Select(select) => walk(&select.operand, f),
        Node::Ident(_) | Node::Literal(_) | Node::Unspecified => {}
    }
}

fn walk_entry<'e>(entry: &'e EntryExpr, f: &mut impl FnMut(&'e IdedExpr)) {
    match entry {
        EntryExpr::StructField(field) => walk(&field.value, f),
        EntryExpr::MapEntry(e) => {
            walk(&e.key, f);
            walk(&e.value, f);
        }
    }
}

/// Whether `name` is bound by a macro (`form.items.all(x, x > 0)` binds `x`).
fn is_comprehension_variable(root: &IdedExpr, name: &str) -> bool {
    let mut bound = false;
    walk(root, &mut |node| {
        if let Node::Comprehension(c) = &node.expr
            && (c.iter_var == name || c.accu_var == name || c.iter_var2.as_deref() == Some(name))
        {
            bound = true;
        }
    });
    bound
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        Vars::new()
            .with_json(
                "form",
                &json!({"area": 320.5, "floors": 3, "kind": "nha-o", "owners": ["An", "Bình"]}),
            )
            .with_json(
                "dossier",
                &json!({"status": "processing", "case": "co-san"}),
            )
    }

    #[test]
    fn guards_evaluate_over_the_dossier() {
        let e = Expr::compile("form.area > 250.0 && form.floors >= 3", &VARIABLES).unwrap();
        assert!(e.holds(&vars()).unwrap());
        let e = Expr::compile(
            "form.kind == 'nha-o' && dossier.case == 'co-san'",
            &VARIABLES,
        )
        .unwrap();
        assert!(e.holds(&vars()).unwrap());
        let e = Expr::compile("size(form.owners) > 2", &VARIABLES).unwrap();
        assert!(!e.holds(&vars()).unwrap());
        let e = Expr::compile("form.owners.all(o, size(o) > 1)", &VARIABLES).unwrap();
        assert!(e.holds(&vars()).unwrap());
        assert_eq!(e.fields_of("form"), vec!["owners".to_owned()]);
    }

    #[test]
    fn compile_errors_and_unknown_names() {
        let err = Expr::compile("form.area >", &VARIABLES).unwrap_err();
        assert!(err.column.is_some(), "{err:?}");
        let err = Expr::compile("froms.area > 1", &VARIABLES).unwrap_err();
        assert!(err.message.starts_with("unknown name `froms`"), "{err:?}");
        assert_eq!(err.column, Some(1));
        assert!(
            Expr::compile("value > 1", &["form"]).is_err(),
            "value is not allowed here"
        );
    }

    #[test]
    fn non_boolean_results_and_missing_fields_are_errors() {
        let e = Expr::compile("form.area", &VARIABLES).unwrap();
        assert!(e.holds(&vars()).is_err());
        let e = Expr::compile("form.missing > 1", &VARIABLES).unwrap();
        assert_eq!(
            e.holds(&vars()),
            Ok(false),
            "an absent field does not satisfy a condition"
        );
        let e = Expr::compile("form.area > 'x'", &VARIABLES).unwrap();
        assert!(e.holds(&vars()).is_err(), "a type error is still an error");
        let e = Expr::compile("has(form.missing)", &VARIABLES).unwrap();
        assert!(!e.holds(&vars()).unwrap());
    }
}
