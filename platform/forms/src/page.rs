//! What every form's page shares: paper, heading (agency block, national motto, form marker,
//! place-and-date line), the dossier code as text, barcode and QR code, and the Vietnamese
//! words for the platform's enumerations.
//!
//! Rules kept: Forms 01–05 print on A5 portrait and Form 06 on A4 landscape (the paper is
//! chosen by the form, never by the caller); the barcode and QR code are generated here, from
//! the dossier code and lookup URL, so a slip can never show a code that differs from its text.

use chrono::{DateTime, Utc};
use motcua_core::calendar::Timeliness;
use motcua_core::dossier::Applicant;
use motcua_core::lang::Lang;
use motcua_core::procedure::{DocumentForm, ProcessingTime, TimeUnit};

use crate::parties::{DossierInfo, Letterhead};
use crate::{FormError, barcode_svg, qr_svg, vntime};

/// The paper a form prints on, with the `@page` rule's values and the sheet's size on screen.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Paper {
    /// The `@page` `size` value.
    pub(crate) size: &'static str,
    /// The `@page` `margin` value (top, right, bottom, left), also the sheet's padding on screen.
    pub(crate) margin: &'static str,
    pub(crate) width: &'static str,
    pub(crate) height: &'static str,
    /// The body text size.
    pub(crate) font: &'static str,
}

/// Forms 01–05. The left margin is the wider one, for binding into the dossier.
pub(crate) const A5_PORTRAIT: Paper = Paper {
    size: "A5 portrait",
    margin: "10mm 10mm 10mm 15mm",
    width: "148mm",
    height: "210mm",
    font: "10.5pt",
};

/// Form 06, the ledger.
pub(crate) const A4_LANDSCAPE: Paper = Paper {
    size: "A4 landscape",
    margin: "12mm 10mm 12mm 15mm",
    width: "297mm",
    height: "210mm",
    font: "10pt",
};

/// The dossier code in its three printed shapes.
#[derive(Debug)]
pub(crate) struct Codes {
    pub(crate) text: String,
    pub(crate) barcode: String,
    pub(crate) qr: String,
}

/// The heading and frame of a form's page.
#[derive(Debug)]
pub(crate) struct Head<'a> {
    /// "Mẫu số 01".
    pub(crate) marker: &'static str,
    /// The title in capitals, as the Circular prints it.
    pub(crate) title: &'static str,
    pub(crate) paper: Paper,
    pub(crate) letterhead: &'a Letterhead,
    /// The place-and-date line, when the form has one.
    pub(crate) date_line: Option<String>,
    pub(crate) codes: Option<Codes>,
}

impl<'a> Head<'a> {
    /// The head of a slip of Forms 01–05 about `dossier`, dated `dated`.
    pub(crate) fn slip(
        marker: &'static str,
        title: &'static str,
        letterhead: &'a Letterhead,
        dossier: &DossierInfo,
        dated: DateTime<Utc>,
    ) -> Result<Self, FormError> {
        Ok(Self {
            marker,
            title,
            paper: A5_PORTRAIT,
            letterhead,
            date_line: Some(vntime::place_and_date(
                &letterhead.place,
                vntime::local_date(dated),
            )),
            codes: Some(Codes {
                text: dossier.code.to_string(),
                barcode: barcode_svg(&dossier.code),
                qr: qr_svg(dossier.lookup_url.as_str())?,
            }),
        })
    }
}

/// The applicant's contact details as the slips print them: empty strings leave a dotted line
/// to fill in by hand.
#[derive(Debug)]
pub(crate) struct Contact {
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) phone: String,
    pub(crate) email: String,
}

impl Contact {
    pub(crate) fn of(applicant: &Applicant) -> Self {
        Self {
            name: applicant.name.clone(),
            address: applicant.address.clone().unwrap_or_default(),
            phone: applicant.phone.clone().unwrap_or_default(),
            email: applicant.email.clone().unwrap_or_default(),
        }
    }
}

/// How a document was supplied, in the words of the receipt.
pub(crate) fn document_form(form: DocumentForm) -> &'static str {
    match form {
        DocumentForm::Original => "Bản chính",
        DocumentForm::CertifiedCopy => "Bản sao có chứng thực",
        DocumentForm::Copy => "Bản sao",
        DocumentForm::OriginalForInspection => "Bản sao (xuất trình bản chính để đối chiếu)",
    }
}

/// "15 ngày làm việc".
pub(crate) fn processing_time(time: ProcessingTime) -> String {
    let unit = match time.unit {
        TimeUnit::WorkingDays => "ngày làm việc",
        TimeUnit::WorkingHours => "giờ làm việc",
        TimeUnit::Days => "ngày",
    };
    format!("{} {unit}", time.value)
}

/// "Trước hạn", "Đúng hạn", "Quá hạn".
pub(crate) fn timeliness(t: Timeliness) -> &'static str {
    t.name(Lang::Vi)
}

/// Fails with [`FormError::Incomplete`] when `condition` does not hold.
pub(crate) fn require(
    condition: bool,
    form: &'static str,
    problem: &'static str,
) -> Result<(), FormError> {
    if condition {
        Ok(())
    } else {
        Err(FormError::Incomplete { form, problem })
    }
}

/// Renders a page, naming the form in the error.
pub(crate) fn render(
    page: &impl askama::Template,
    form: &'static str,
) -> Result<String, FormError> {
    page.render()
        .map_err(|source| FormError::Render { form, source })
}
