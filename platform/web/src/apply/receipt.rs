//! The receipt of a dossier submitted online: `GET /ho-so-cua-toi/{code}/bien-nhan` and
//! `GET /my-dossiers/{code}/receipt`, for its owner only (the citizen whose identity number is
//! the applicant's; anyone else gets the 404 of a dossier that does not exist): the code, the
//! procedure, when it was received and when the result is due, the documents supplied, the QR
//! code of its public lookup (as on printed slips), and how to pay the fees: online for a level-4
//! procedure when the deployment has a payment gateway ([`crate::payments`]), in person otherwise.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;
use motcua_store::attachments::{self, DocumentKind};
use motcua_store::dossiers::Dossier;

use super::labels::{money, size};
use super::{ApplyLabels, applicant, apply_labels, dossier_path, notice, receipt_path};
use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::my_dossiers::own_dossier;
use crate::pages::{PageCtx, local_time, render};
use crate::session::Session;

/// A document supplied, as the receipt lists it.
struct DocumentLine {
    name: String,
    file: String,
    size: String,
}

#[derive(Template)]
#[template(path = "apply/receipt.html")]
struct ReceiptPage {
    page: PageCtx,
    l: &'static ApplyLabels,
    code: String,
    procedure: String,
    received_at: String,
    due_at: String,
    status: &'static str,
    documents: Vec<DocumentLine>,
    lookup_url: String,
    qr: String,
    /// The fees and how to pay them, when there are any.
    fees: Vec<String>,
    pay: Option<String>,
    /// Paying online, when the procedure allows it.
    online: Option<crate::payments::ReceiptPayment>,
    dossier_href: String,
}

/// The public lookup URL of dossier `code` on this host (with the port the request came on,
/// for development).
fn lookup_url(state: &AppState, site: &Site, headers: &HeaderMap, code: &str) -> String {
    let port = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let scheme = if state.config.https { "https" } else { "http" };
    let host = site.tenant.host(site.lang);
    format!(
        "{scheme}://{host}{port}/lookup?code={}",
        crate::pages::urlencode(code)
    )
}

/// What the fees of dossier `d`'s case cost and where they are paid, from the procedure version
/// the dossier is pinned to: at the procedure's desk, in person, unless they are paid online.
fn fees(
    site: &Site,
    info: &ProcedureInfo,
    d: &Dossier,
    lang: Lang,
) -> (Vec<String>, Option<String>) {
    let lines: Vec<String> = info
        .fees
        .iter()
        .filter(|f| f.amount > 0 && f.applies_to(&d.case_key))
        .map(|f| {
            let line = format!("{}: {}", f.name.get(lang), money(lang, f.amount));
            if f.certain_in(&d.case_key) {
                line
            } else {
                line + lang.pick(" (khi thuộc trường hợp phải nộp)", " (when it is due)")
            }
        })
        .collect();
    if lines.is_empty() {
        return (lines, None);
    }
    let m = &site.tenant.manifest;
    let desk = info.desk(m).name.get(lang).to_owned();
    let address = m.branding.contact.address.get(lang).to_owned();
    let pay = lang.pick(
        format!(
            "Phí, lệ phí chưa thanh toán trực tuyến được trên Cổng: vui lòng nộp trực tiếp tại {desk} ({address}) khi nhận kết quả, mang theo mã hồ sơ này."
        ),
        format!(
            "Fees cannot be paid online on this portal yet: please pay in person at the {desk} ({address}) when you collect the result, quoting this dossier code."
        ),
    );
    (lines, Some(pay))
}

/// `GET /ho-so-cua-toi/{code}/bien-nhan`, `GET /my-dossiers/{code}/receipt`.
pub(super) async fn show(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    if let Some(r) = super::other_language(&site, uri.path(), |lang| receipt_path(lang, &code)) {
        return r;
    }
    let lang = site.lang;
    let here = receipt_path(lang, &code);
    let who = match applicant(&state, &site, &headers, session.as_ref(), &here) {
        Ok(who) => who,
        Err(r) => return *r,
    };
    let outcome = async {
        let d = own_dossier(&state, &site, who.citizen_id, &code).await?;
        let documents = attachments::documents(&state.store, site.tenant.id, d.id).await?;
        // The version the dossier was received on: its documents and fees, not today's.
        let procedure =
            crate::handling::procedure_at(&state, &site, &d.procedure_code, d.procedure_version)
                .await?;
        let info = &procedure.file.info;
        let code = d.code.to_string();
        let url = lookup_url(&state, &site, &headers, &code);
        let qr = motcua_forms::qr_svg(&url).map_err(|e| Failure::internal(&e))?;
        let (fees, pay) = fees(&site, info, &d, lang);
        let online = crate::payments::receipt_payment(&state, &site, &d, session.as_ref()).await?;
        // Paid online or payable online: the in-person instructions do not apply.
        let pay = if online.is_some() { None } else { pay };
        Ok::<_, Failure>(ReceiptPage {
            page: super::page_ctx(&state, &site, &headers, |lang| receipt_path(lang, &code)),
            l: apply_labels(lang),
            procedure: info.name.get(lang).to_owned(),
            received_at: local_time(&site, d.received_at),
            due_at: local_time(&site, d.due_at),
            status: d.status.label(lang),
            documents: documents
                .iter()
                .map(|doc| DocumentLine {
                    name: match &doc.kind {
                        DocumentKind::Required(c) => info
                            .cases
                            .iter()
                            .find_map(|case| case.documents.iter().find(|x| x.code == *c))
                            .map_or_else(|| c.clone(), |x| x.name.get(lang).to_owned()),
                        _ => String::new(),
                    },
                    file: doc.file_name.clone(),
                    size: size(doc.size),
                })
                .collect(),
            lookup_url: url,
            qr,
            fees,
            pay,
            online,
            dossier_href: dossier_path(lang, &code),
            code,
        })
    }
    .await;
    match outcome {
        Ok(page) => crate::pages::no_store(render(&page).into_response()),
        Err(f) => notice(&state, &site, &headers, &f, None),
    }
}
