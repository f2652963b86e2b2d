//! Form 03: the refusal to receive and handle a dossier (Phiếu từ chối tiếp nhận giải quyết hồ
//! sơ), given when the dossier is not eligible.
//!
//! Rules kept: a refusal always states its reasons, at least one.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::FormError;
use crate::page::{self, Contact, Head};
use crate::parties::{DossierInfo, Letterhead, Official};
use crate::vntime;

const FORM: &str = "Mẫu số 03";
const TITLE: &str = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ";

/// What Form 03 shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Form03Refusal {
    /// The agency block.
    pub letterhead: Letterhead,
    /// The dossier refused.
    pub dossier: DossierInfo,
    /// Every reason for the refusal, one per item (the rule not met, with its legal basis).
    pub reasons: Vec<String>,
    /// The official who refuses it.
    pub official: Official,
    /// The date of the slip.
    pub issued_at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "refusal.html")]
struct Page<'a> {
    head: Head<'a>,
    form: &'a Form03Refusal,
    who: Contact,
    received_at: String,
}

/// Form 03 as a complete HTML page (A5 portrait).
pub fn refusal_html(form: &Form03Refusal) -> Result<String, FormError> {
    page::require(
        form.reasons.iter().any(|r| !r.trim().is_empty()),
        FORM,
        "a refusal must state its reasons",
    )?;
    let page = Page {
        head: Head::slip(FORM, TITLE, &form.letterhead, &form.dossier, form.issued_at)?,
        form,
        who: Contact::of(&form.dossier.applicant),
        received_at: vntime::clock_and_date(form.dossier.received_at),
    };
    page::render(&page, FORM)
}
