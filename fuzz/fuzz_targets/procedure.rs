//! A procedure file as a designer writes it (public information, e-form, workflow), loaded the
//! way a tenant directory's procedures are, by `motcua_workflow::procedure::load` (which runs
//! `motcua_core::procedure::parse_procedure` too), against the demo tenant whose divisions it
//! names.
//!
//! Beyond not panicking: every diagnostic points inside the text; a procedure that loads has its
//! source's hash, draws its diagram and gives a dossier a due time after its receipt; and the
//! checks refuse whatever the compilers would refuse, so that a designer never meets a
//! compiler's error without the checks' line and column.
#![no_main]

use chrono::DateTime;
use libfuzzer_sys::{Corpus, fuzz_target};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::diagnostic::parse_yaml;
use motcua_core::lang::Lang;
use motcua_fuzz::{check_diagnostics, tenant_for};
use motcua_workflow::definition::Definition;
use motcua_workflow::form::CompiledForm;
use motcua_workflow::procedure::{load, source_hash};
use motcua_workflow::schema::ProcedureFile;

const FILE: &str = "procedures/fuzz.yaml";

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(source) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let tenant = tenant_for(source);
    match load(FILE, source, tenant) {
        Ok(procedure) => {
            assert_eq!(procedure.hash, source_hash(source));
            let _ = motcua_workflow::diagram::svg_for(&procedure.file, Lang::Vi);
            // Receiving a dossier computes its due time from the procedure's (or its case's).
            let calendar =
                WorkingCalendar::new(&tenant.calendar).expect("a demo tenant's calendar builds");
            let received = DateTime::parse_from_rfc3339("2026-03-02T16:00:00+07:00")
                .expect("a valid time")
                .to_utc();
            let info = &procedure.file.info;
            for time in std::iter::once(info.time).chain(info.cases.iter().filter_map(|c| c.time)) {
                let due = time.due(&calendar, received);
                assert!(due > received, "{time:?} from {received} is due at {due}");
            }
        }
        Err(diagnostics) => {
            check_diagnostics(FILE, source, &diagnostics);
            // What the compilers refuse must have been found by the checks, at its position.
            if let Ok(file) = parse_yaml::<ProcedureFile>(FILE, source) {
                let compile = [
                    Definition::compile(&file.workflow)
                        .err()
                        .map(|e| e.to_string()),
                    CompiledForm::new(&file.form).err().map(|e| e.to_string()),
                ];
                for refused in compile.into_iter().flatten() {
                    assert!(
                        diagnostics.iter().any(|d| d.message != refused),
                        "only the compiler refused this procedure: {refused}"
                    );
                }
            }
        }
    }
    Corpus::Keep
});
