//! `fee-calculator`: computes a dossier's fee from one of the tenant's fee tables.
//!
//! The table (reference data, `reference::lookup(table, "")`) says how to measure each line and
//! what each band costs; the step's `config` says which table, which form field holds the
//! lines and what selects the applicant's schedule. The format is in README.md.

use motcua_plugin_sdk::{BusinessError, Context, Outcome, Step, export_step, log, reference};

mod fee;
mod table;

struct FeeCalculator;

impl Step for FeeCalculator {
    fn run(ctx: Context) -> Result<Outcome, BusinessError> {
        let config: fee::Config = ctx.config_as()?;
        let table = reference::lookup(&config.table, "");
        let outcome = fee::compute(&ctx, &config, table);
        match &outcome {
            Ok(o) => log::info(format!("fee from `{}`: {}", config.table, o.data["amount"])),
            Err(e) => log::warn(format!("no fee from `{}`: {e}", config.table)),
        }
        outcome
    }
}

export_step!(FeeCalculator);
