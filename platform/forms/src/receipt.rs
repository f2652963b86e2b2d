//! Form 01: the receipt with the appointment date (Giấy tiếp nhận hồ sơ và hẹn trả kết quả),
//! given when a complete dossier is received.
//!
//! Rules kept: the receipt lists at least one document received; the appointment cannot come
//! before the receipt; the dossier is counted in sets of at least one.

use askama::Template;
use chrono::{DateTime, Utc};
use motcua_core::procedure::{DocumentForm, ProcessingTime};

use crate::FormError;
use crate::page::{self, Contact, Head};
use crate::parties::{DossierInfo, Letterhead, Official};
use crate::vntime;

const FORM: &str = "Mẫu số 01";
const TITLE: &str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ";

/// A document received with the dossier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedDocument {
    /// Its name, as the procedure lists it.
    pub name: String,
    /// Original, certified copy or copy.
    pub form: DocumentForm,
    /// How many were received.
    pub quantity: u32,
}

/// What Form 01 shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Form01Receipt {
    /// The agency block.
    pub letterhead: Letterhead,
    /// The dossier received (its `received_at` dates the receipt).
    pub dossier: DossierInfo,
    /// The documents received, in the order of the procedure.
    pub documents: Vec<ReceivedDocument>,
    /// How many sets (bộ) of the dossier were received; usually 1.
    pub sets: u32,
    /// The processing time the law gives the procedure.
    pub processing_time: ProcessingTime,
    /// When the result will be ready.
    pub appointment: DateTime<Utc>,
    /// Where the applicant asked to receive the result (the desk, by post, online).
    pub return_place: String,
    /// The official who received the dossier.
    pub receiver: Official,
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct Page<'a> {
    head: Head<'a>,
    form: &'a Form01Receipt,
    who: Contact,
    /// Name, form, quantity.
    documents: Vec<(&'a str, &'static str, u32)>,
    processing_time: String,
    received_at: String,
    appointment: String,
}

/// Form 01 as a complete HTML page (A5 portrait).
pub fn receipt_html(form: &Form01Receipt) -> Result<String, FormError> {
    page::require(
        !form.documents.is_empty(),
        FORM,
        "the receipt must list the documents received",
    )?;
    page::require(
        form.sets >= 1,
        FORM,
        "at least one set of the dossier is received",
    )?;
    page::require(
        form.appointment >= form.dossier.received_at,
        FORM,
        "the appointment cannot come before the receipt",
    )?;
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
        documents: form
            .documents
            .iter()
            .map(|d| (d.name.as_str(), page::document_form(d.form), d.quantity))
            .collect(),
        processing_time: page::processing_time(form.processing_time),
        received_at: vntime::clock_and_date(form.dossier.received_at),
        appointment: vntime::clock_and_date(form.appointment),
    };
    page::render(&page, FORM)
}
