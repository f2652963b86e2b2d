//! Form 02: the request to supplement and complete a dossier (Phiếu yêu cầu bổ sung, hoàn
//! thiện hồ sơ).
//!
//! Rules kept: every defect is listed at once, on one slip, so the applicant never comes back
//! twice for the same dossier; a request without a defect, or without the reason, is refused.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::FormError;
use crate::page::{self, Contact, Head};
use crate::parties::{DossierInfo, Letterhead, Official};
use crate::vntime;

const FORM: &str = "Mẫu số 02";
const TITLE: &str = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ";

/// What Form 02 shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Form02SupplementRequest {
    /// The agency block.
    pub letterhead: Letterhead,
    /// The dossier to complete.
    pub dossier: DossierInfo,
    /// Every document or content to add or correct, one per item.
    pub defects: Vec<String>,
    /// Why the dossier is incomplete (the rule it does not yet meet).
    pub reason: String,
    /// The official who guides the applicant.
    pub official: Official,
    /// How to reach that official (a telephone number, in practice).
    pub contact: String,
    /// The date of the slip.
    pub issued_at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "supplement.html")]
struct Page<'a> {
    head: Head<'a>,
    form: &'a Form02SupplementRequest,
    who: Contact,
    received_at: String,
}

/// Form 02 as a complete HTML page (A5 portrait).
pub fn supplement_request_html(form: &Form02SupplementRequest) -> Result<String, FormError> {
    page::require(
        form.defects.iter().any(|d| !d.trim().is_empty()),
        FORM,
        "the request must list what to supplement",
    )?;
    page::require(
        !form.reason.trim().is_empty(),
        FORM,
        "the request must give its reason",
    )?;
    let page = Page {
        head: Head::slip(FORM, TITLE, &form.letterhead, &form.dossier, form.issued_at)?,
        form,
        who: Contact::of(&form.dossier.applicant),
        received_at: vntime::clock_and_date(form.dossier.received_at),
    };
    page::render(&page, FORM)
}
