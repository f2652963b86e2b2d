//! Printable forms 01–06 of Circular 01/2018/TT-VPCP, in Vietnamese, as complete HTML pages.
//!
//! | Form | Title | Function | Paper |
//! | --- | --- | --- | --- |
//! | 01 | Giấy tiếp nhận hồ sơ và hẹn trả kết quả | [`receipt_html`] | A5 portrait |
//! | 02 | Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ | [`supplement_request_html`] | A5 portrait |
//! | 03 | Phiếu từ chối tiếp nhận giải quyết hồ sơ | [`refusal_html`] | A5 portrait |
//! | 04 | Phiếu xin lỗi và hẹn lại ngày trả kết quả | [`apology_html`] | A5 portrait |
//! | 05 | Phiếu kiểm soát quá trình giải quyết hồ sơ | [`control_slip_html`] | A5 portrait |
//! | 06 | Sổ theo dõi hồ sơ | [`ledger_html`] | A4 landscape |
//!
//! Rules kept:
//! - pure rendering: no I/O, no clock; every time is given by the caller as a `DateTime<Utc>` and
//!   printed in Vietnam time (UTC+7);
//! - each page is self-contained: the style sheet (with `@page` size and margins, and a screen
//!   layout showing the sheet) is embedded, the codes are inline SVG, nothing is fetched;
//! - every text the caller supplies is HTML-escaped (askama templates);
//! - every slip of Forms 01–05 carries its dossier code as text, as a Code 128 barcode and as a
//!   QR code holding the URL of the dossier's public lookup (Art. 19.2); the SVGs alone are
//!   available through [`barcode_svg`], [`code128_svg`] and [`qr_svg`] for the dossier's page;
//! - a form missing what the Circular requires it to say (no document on a receipt, no defect
//!   on a request to supplement, no reason for a refusal, a new date not after the old one) is
//!   refused with [`FormError::Incomplete`] rather than printed.
//!
//! Wordings not checked against the published appendix carry a `check` comment in their
//! template.

mod apology;
mod code128;
mod control;
mod error;
mod ledger;
mod page;
mod parties;
mod qr;
mod receipt;
mod refusal;
mod supplement;
mod vntime;

pub use apology::{Form04Apology, Signer, apology_html};
pub use code128::{barcode_svg, code128_svg};
pub use control::{Form05ControlSlip, Handover, control_slip_html};
pub use error::FormError;
pub use ledger::{Form06Ledger, LedgerRow, ledger_html};
pub use parties::{DossierInfo, Letterhead, Official};
pub use qr::qr_svg;
pub use receipt::{Form01Receipt, ReceivedDocument, receipt_html};
pub use refusal::{Form03Refusal, refusal_html};
pub use supplement::{Form02SupplementRequest, supplement_request_html};
