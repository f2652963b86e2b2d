//! Who and what the forms name: the agency block of the letterhead, the officials, and the
//! dossier every slip of Forms 01–05 is about.
//!
//! Names are printed as given: the letterhead's names are set in capitals by the style sheet,
//! so they are stored as the tenant spells them, and every text is escaped when printed.

use chrono::{DateTime, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::Applicant;
use url::Url;

/// The agency block at the top left of every form, and the place of the date line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letterhead {
    /// The governing body (cơ quan chủ quản), printed above the agency; `None` when the agency
    /// has none (a provincial People's Committee, a ministry).
    pub parent_agency: Option<String>,
    /// The agency (e.g. "Sở Tư pháp tỉnh Thanh Hóa").
    pub agency: String,
    /// The desk that receives dossiers (e.g. "Bộ phận Một cửa", "Bộ phận tiếp nhận và trả kết
    /// quả", "Trung tâm Phục vụ hành chính công tỉnh").
    pub desk: String,
    /// The place name that opens the date line (e.g. "Thanh Hóa").
    pub place: String,
}

/// An official named on a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Official {
    /// Full name.
    pub name: String,
    /// The division or desk the official works in.
    pub division: String,
}

/// The dossier a slip of Forms 01–05 is about.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierInfo {
    /// Its code, printed as text, as a Code 128 barcode and inside the QR code's URL.
    pub code: DossierCode,
    /// The absolute URL of the public lookup of this dossier: the QR code holds it exactly as
    /// `Url::as_str` spells it.
    pub lookup_url: Url,
    /// Whose dossier it is: name, address, telephone, e-mail.
    pub applicant: Applicant,
    /// The procedure's name (the Circular's "nội dung yêu cầu giải quyết").
    pub procedure: String,
    /// When the desk received it.
    pub received_at: DateTime<Utc>,
}
