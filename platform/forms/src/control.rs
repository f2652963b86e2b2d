//! Form 05: the process control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ), which
//! travels with the dossier and records every hand-over between the desk, the divisions and
//! the agencies consulted.
//!
//! Rules kept: one row per hand-over, in the order given (the order they happened), each with
//! both parties, the time, the step's due time and whether the step was early, on time or late;
//! blank rows follow for the hand-overs still to come, written by hand on the paper copy
//! (at least two, and enough to make four rows in all).

use askama::Template;
use chrono::{DateTime, Utc};
use motcua_core::calendar::Timeliness;

use crate::FormError;
use crate::page::{self, Contact, Head};
use crate::parties::{DossierInfo, Letterhead, Official};
use crate::vntime;

const FORM: &str = "Mẫu số 05";
const TITLE: &str = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ";
const MIN_ROWS: usize = 4;
const FREE_ROWS: usize = 2;

/// One hand-over of the dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// Who handed it over, and from which division.
    pub from: Official,
    /// Who received it, and in which division.
    pub to: Official,
    /// When.
    pub at: DateTime<Utc>,
    /// When the step that ends with this hand-over was due, if it had its own deadline.
    pub step_due: Option<DateTime<Utc>>,
    /// Whether that step was early, on time or late, once known.
    pub result: Option<Timeliness>,
    /// Anything to note (e.g. "chuyển phối hợp song song").
    pub note: String,
}

/// What Form 05 shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Form05ControlSlip {
    /// The agency block.
    pub letterhead: Letterhead,
    /// The dossier (its `received_at` dates the slip).
    pub dossier: DossierInfo,
    /// When the result is due.
    pub due_at: DateTime<Utc>,
    /// The agency or division in charge of handling it.
    pub lead_agency: String,
    /// The agencies consulted, if any.
    pub partner_agencies: Vec<String>,
    /// The hand-overs so far.
    pub rows: Vec<Handover>,
}

struct Row<'a> {
    from: &'a Official,
    to: &'a Official,
    at: String,
    step_due: String,
    result: &'static str,
    note: &'a str,
}

#[derive(Template)]
#[template(path = "control.html")]
struct Page<'a> {
    head: Head<'a>,
    form: &'a Form05ControlSlip,
    who: Contact,
    received_at: String,
    due_at: String,
    partners: String,
    rows: Vec<Row<'a>>,
    blank_rows: Vec<usize>,
}

/// Form 05 as a complete HTML page (A5 portrait).
pub fn control_slip_html(form: &Form05ControlSlip) -> Result<String, FormError> {
    page::require(
        form.due_at >= form.dossier.received_at,
        FORM,
        "the due time cannot come before the receipt",
    )?;
    let rows: Vec<Row<'_>> = form
        .rows
        .iter()
        .map(|h| Row {
            from: &h.from,
            to: &h.to,
            at: vntime::short(h.at),
            step_due: h.step_due.map(vntime::short).unwrap_or_default(),
            result: h.result.map(page::timeliness).unwrap_or_default(),
            note: &h.note,
        })
        .collect();
    let blank = MIN_ROWS.saturating_sub(rows.len()).max(FREE_ROWS);
    let page = Page {
        head: Head::slip(
            FORM,
            TITLE,
            &form.letterhead,
            &form.dossier,
            form.dossier.received_at,
        )?,
        form,
        who: Contact::of(&form.dossier.applicant),
        received_at: vntime::clock_and_date(form.dossier.received_at),
        due_at: vntime::clock_and_date(form.due_at),
        partners: form.partner_agencies.join("; "),
        blank_rows: (rows.len() + 1..=rows.len() + blank).collect(),
        rows,
    };
    page::render(&page, FORM)
}
