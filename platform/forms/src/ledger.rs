//! Form 06: the dossier ledger (Sổ theo dõi hồ sơ) of the one-stop desk, one row per dossier,
//! printed on A4 landscape for a period.
//!
//! Rules kept: rows are printed in the order given (the order of receipt, in practice) and
//! numbered from 1; a step not yet reached leaves its cell empty, to be filled in by hand; the
//! column headings repeat on every printed page. The ledger names many dossiers, so it carries
//! their codes as text only: no barcode or QR code.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::Applicant;

use crate::FormError;
use crate::page::{self, A4_LANDSCAPE, Head};
use crate::parties::Letterhead;
use crate::vntime;

const FORM: &str = "Mẫu số 06";
const TITLE: &str = "SỔ THEO DÕI HỒ SƠ";

/// One dossier in the ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRow {
    /// The dossier code.
    pub code: DossierCode,
    /// The procedure's name.
    pub procedure: String,
    /// How many sets of the dossier were received.
    pub sets: u32,
    /// Whose dossier it is (name, address and telephone are printed).
    pub applicant: Applicant,
    /// The agency or division in charge of handling it.
    pub lead_agency: String,
    /// When the desk received it.
    pub received_at: DateTime<Utc>,
    /// When the result is due.
    pub due_at: DateTime<Utc>,
    /// When the desk handed it to the handling division, once it has.
    pub handed_at: Option<DateTime<Utc>>,
    /// When the desk got the result back from the division, once it has.
    pub result_at: Option<DateTime<Utc>>,
    /// When the result was returned to the applicant, once it was.
    pub returned_at: Option<DateTime<Utc>>,
    /// Anything to note.
    pub note: String,
}

/// What Form 06 shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Form06Ledger {
    /// The agency block.
    pub letterhead: Letterhead,
    /// The first day of the period covered.
    pub from: NaiveDate,
    /// The last day of the period covered.
    pub to: NaiveDate,
    /// The dossiers, in the order to print them.
    pub rows: Vec<LedgerRow>,
}

struct Row<'a> {
    /// The code up to and including the dash after the entity code, where a narrow column
    /// may break it.
    code_unit: String,
    code_rest: String,
    row: &'a LedgerRow,
    address_phone: String,
    received_at: String,
    due_at: String,
    handed_at: String,
    result_at: String,
    returned_at: String,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct Page<'a> {
    head: Head<'a>,
    period: String,
    rows: Vec<Row<'a>>,
}

/// Form 06 as a complete HTML page (A4 landscape).
pub fn ledger_html(form: &Form06Ledger) -> Result<String, FormError> {
    page::require(
        form.from <= form.to,
        FORM,
        "the period must not end before it starts",
    )?;
    let when = |t: Option<DateTime<Utc>>| t.map(vntime::short).unwrap_or_default();
    let rows = form
        .rows
        .iter()
        .map(|row| {
            let code = row.code.to_string();
            let (unit, rest) = code.split_once('-').unwrap_or((&code, ""));
            Row {
                code_unit: format!("{unit}-"),
                code_rest: rest.to_owned(),
                row,
                address_phone: [&row.applicant.address, &row.applicant.phone]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
                received_at: vntime::short(row.received_at),
                due_at: vntime::short(row.due_at),
                handed_at: when(row.handed_at),
                result_at: when(row.result_at),
                returned_at: when(row.returned_at),
            }
        })
        .collect();
    let page = Page {
        head: Head {
            marker: FORM,
            title: TITLE,
            paper: A4_LANDSCAPE,
            letterhead: &form.letterhead,
            date_line: None,
            codes: None,
        },
        period: format!(
            "Từ ngày {} đến ngày {}",
            vntime::date(form.from),
            vntime::date(form.to)
        ),
        rows,
    };
    page::render(&page, FORM)
}
