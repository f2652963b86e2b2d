//! Loading a procedure file: parse, check everything (public information, e-form, workflow),
//! and compile it for the engine.
//!
//! A procedure is identified for ever by the sha256 of its source: a published version is that
//! text, and a dossier is pinned to it.

use motcua_core::calendar::WorkingCalendar;
use motcua_core::diagnostic::{Diagnostics, Report, parse_yaml};
use motcua_core::procedure::parse_procedure;
use motcua_core::tenant::TenantManifest;
use sha2::{Digest, Sha256};

use crate::definition::Definition;
use crate::form::{self, CompiledForm};
use crate::schema::ProcedureFile;
use crate::validate;

/// A procedure that passed every check, ready to run.
#[derive(Clone, Debug)]
pub struct Procedure {
    /// The file as written.
    pub file: ProcedureFile,
    /// The compiled workflow.
    pub definition: Definition,
    /// The compiled e-form: the rules submitted data is checked against.
    pub form: CompiledForm,
    /// The hex sha256 of the source text.
    pub hash: String,
}

/// The hex sha256 of a procedure's source.
pub fn source_hash(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

/// Parses and checks a procedure file of `tenant`; every problem is reported at once.
pub fn load(
    file_name: &str,
    source: &str,
    tenant: &TenantManifest,
) -> Result<Procedure, Diagnostics> {
    let file: ProcedureFile = parse_yaml(file_name, source)?;
    let mut report = Report::new(file_name);
    if let Err(info_problems) = parse_procedure(file_name, source, tenant) {
        report.extend(info_problems);
    }
    let day_hours = WorkingCalendar::new(&tenant.calendar)
        .map(|c| c.day_length().num_minutes() as f64 / 60.0)
        .unwrap_or(8.0);
    form::check(&file.form, &file.info, &mut report);
    crate::attachments::check(file.attachments.as_ref(), &mut report);
    validate::check(&file, &validate::Context { tenant, day_hours }, &mut report);
    let file = report.finish(file)?;
    // The checks above refuse whatever would fail to compile; a failure here is a bug, reported
    // like a problem of the file rather than a panic.
    let whole_file = |message: String| {
        Diagnostics(vec![motcua_core::diagnostic::Diagnostic {
            file: file_name.to_owned(),
            line: 0,
            column: 0,
            message,
            hint: None,
        }])
    };
    let definition = Definition::compile(&file.workflow).map_err(|e| whole_file(e.to_string()))?;
    let form = CompiledForm::new(&file.form).map_err(|e| whole_file(e.to_string()))?;
    Ok(Procedure {
        file,
        definition,
        form,
        hash: source_hash(source),
    })
}
