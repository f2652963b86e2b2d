//! Form 04: the apology with a new appointment (Phiếu xin lỗi và hẹn lại ngày trả kết quả),
//! sent when a dossier will be late.
//!
//! Rules kept: the apology gives the reason for the delay, the date the law required and the
//! new date, which must come after it. The law asks for the apology at least one day before the
//! due date and allows one new date only; those are workflow rules, checked where the dossier
//! is rescheduled, not here: a late apology must still be printable.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::FormError;
use crate::page::{self, Contact, Head};
use crate::parties::{DossierInfo, Letterhead};
use crate::vntime;

const FORM: &str = "Mẫu số 04";
const TITLE: &str = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ";

/// Who signs a letter for the agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The position, as printed above the signature (e.g. "Giám đốc", "Thủ trưởng cơ quan").
    pub title: String,
    /// Full name.
    pub name: String,
}

/// What Form 04 shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Form04Apology {
    /// The agency block: the agency that caused the delay apologises.
    pub letterhead: Letterhead,
    /// The late dossier.
    pub dossier: DossierInfo,
    /// The due time given on the receipt.
    pub old_due: DateTime<Utc>,
    /// The new appointment.
    pub new_due: DateTime<Utc>,
    /// Why the dossier is late.
    pub reason: String,
    /// The head of the agency, who signs.
    pub signer: Signer,
    /// The date of the letter.
    pub issued_at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "apology.html")]
struct Page<'a> {
    head: Head<'a>,
    form: &'a Form04Apology,
    who: Contact,
    received_on: String,
    old_due: String,
    new_due: String,
}

/// Form 04 as a complete HTML page (A5 portrait).
pub fn apology_html(form: &Form04Apology) -> Result<String, FormError> {
    page::require(
        !form.reason.trim().is_empty(),
        FORM,
        "an apology must give the reason for the delay",
    )?;
    page::require(
        form.new_due > form.old_due,
        FORM,
        "the new appointment must come after the old one",
    )?;
    let page = Page {
        head: Head::slip(FORM, TITLE, &form.letterhead, &form.dossier, form.issued_at)?,
        form,
        who: Contact::of(&form.dossier.applicant),
        received_on: vntime::date(vntime::local_date(form.dossier.received_at)),
        old_due: vntime::clock_and_date(form.old_due),
        new_due: vntime::clock_and_date(form.new_due),
    };
    page::render(&page, FORM)
}
