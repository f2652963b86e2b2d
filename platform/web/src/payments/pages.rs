//! The citizen's side of online payment: the "Pay online" part of the receipt, `POST` of the
//! payment page (a new payment, then off to the gateway), the payment page itself
//! (`/ho-so-cua-toi/{code}/thanh-toan`, `/my-dossiers/{code}/payment`: paid, failed, cancelled or
//! waiting for the gateway's confirmation, with another attempt after a failure), and the
//! gateway's server-to-server callback, `POST /payments/ipn`.
//!
//! Only the dossier's owner sees or starts its payments (anyone else gets the 404 of a dossier
//! that does not exist), and only for a level-4 procedure with fees, when the deployment has a
//! gateway. What is charged is read from the procedure version the dossier is pinned to: the
//! fee lines due in the dossier's case; a `conditional` line (due or not depending on what the
//! dossier does not tell) is never charged online, and the pages say so. A dossier closed
//! without a result (not accepted, withdrawn, stopped) is not paid.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;
use motcua_core::procedure::OnlineLevel;
use motcua_store::dossiers::Dossier;
use motcua_store::payments::{self, NewPayment, Payment, PaymentStatus, Settled, Settlement};
use serde_json::{Value, json};

use super::{GatewayStatus, OPEN_WINDOW, Order, Outcome};
use crate::AppState;
use crate::apply::{
    applicant, dossier_path, money, notice, other_language, page_ctx, receipt_path,
};
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::my_dossiers::own_dossier;
use crate::pages::{PageCtx, render};
use crate::session::Session;
use crate::sites::TenantSite;

/// Where the gateway sends its callbacks, on each tenant's portal.
pub(super) const IPN_PATH: &str = "/payments/ipn";

/// The payment page of dossier `code` in `lang`.
pub(crate) fn payment_path(lang: Lang, code: &str) -> String {
    format!(
        "{}{}",
        dossier_path(lang, code),
        lang.pick("/thanh-toan", "/payment")
    )
}

/// The words of the payment pages.
#[derive(Debug)]
pub(crate) struct PaymentLabels {
    pub(crate) title: &'static str,
    pub(crate) online: &'static str,
    pub(crate) online_intro: &'static str,
    pub(crate) pay: &'static str,
    pub(crate) retry: &'static str,
    pub(crate) paid: &'static str,
    pub(crate) failed: &'static str,
    pub(crate) failed_detail: &'static str,
    pub(crate) expired: &'static str,
    pub(crate) expired_detail: &'static str,
    pub(crate) left_out: &'static str,
    pub(crate) cancelled: &'static str,
    pub(crate) cancelled_detail: &'static str,
    pub(crate) pending: &'static str,
    pub(crate) pending_detail: &'static str,
    pub(crate) gateway_open: &'static str,
    pub(crate) gateway_settled: &'static str,
    pub(crate) not_started: &'static str,
    pub(crate) refresh: &'static str,
    pub(crate) code: &'static str,
    pub(crate) procedure: &'static str,
    pub(crate) amount: &'static str,
    pub(crate) order: &'static str,
    pub(crate) reference: &'static str,
    pub(crate) receipt: &'static str,
}

const VI: PaymentLabels = PaymentLabels {
    title: "Thanh toán phí, lệ phí",
    online: "Thanh toán trực tuyến",
    online_intro: "Thủ tục này cho phép thanh toán phí, lệ phí trực tuyến qua cổng thanh toán. Việc giải quyết hồ sơ không phải chờ thanh toán.",
    pay: "Thanh toán trực tuyến",
    retry: "Thanh toán lại",
    paid: "Đã thanh toán",
    failed: "Thanh toán không thành công",
    failed_detail: "Cổng thanh toán đã từ chối giao dịch (ví dụ: thẻ bị từ chối). Bạn chưa bị trừ tiền; có thể thanh toán lại.",
    expired: "Giao dịch đã hết hạn",
    expired_detail: "Giao dịch không được hoàn tất trong thời hạn và cổng thanh toán không ghi nhận khoản thanh toán nào. Có thể thanh toán lại.",
    left_out: "Các khoản sau chỉ phải nộp trong một số trường hợp nên không thu trực tuyến; nếu thuộc trường hợp phải nộp, vui lòng nộp tại nơi tiếp nhận hồ sơ:",
    cancelled: "Bạn đã huỷ thanh toán",
    cancelled_detail: "Giao dịch đã bị huỷ, bạn chưa bị trừ tiền. Có thể thanh toán lại khi sẵn sàng.",
    pending: "Đang chờ xác nhận thanh toán",
    pending_detail: "Cổng chưa nhận được xác nhận của cổng thanh toán cho giao dịch này. Vui lòng tải lại trang sau ít phút.",
    gateway_open: "Cổng thanh toán cho biết giao dịch chưa hoàn tất.",
    gateway_settled: "Cổng thanh toán đã ghi nhận giao dịch; xác nhận đang được gửi về.",
    not_started: "Hồ sơ này chưa được thanh toán trực tuyến.",
    refresh: "Tải lại trạng thái",
    code: "Mã hồ sơ",
    procedure: "Thủ tục",
    amount: "Số tiền",
    order: "Mã giao dịch",
    reference: "Mã tham chiếu của cổng thanh toán",
    receipt: "← Về giấy tiếp nhận hồ sơ",
};

const EN: PaymentLabels = PaymentLabels {
    title: "Paying the fees",
    online: "Pay online",
    online_intro: "The fees of this procedure can be paid online through the payment gateway. Handling the dossier does not wait for the payment.",
    pay: "Pay online",
    retry: "Try again",
    paid: "Paid",
    failed: "The payment did not go through",
    failed_detail: "The payment gateway declined the transaction (for example, the card was declined). Nothing was charged; you can try again.",
    expired: "The transaction expired",
    expired_detail: "The transaction was not completed in time and the payment gateway recorded no payment. You can pay again.",
    left_out: "These lines are due only in some cases, so they are not charged online; if they apply to you, please pay them where the dossier is handled:",
    cancelled: "You cancelled the payment",
    cancelled_detail: "The transaction was cancelled and nothing was charged. You can pay again when ready.",
    pending: "Waiting for the payment's confirmation",
    pending_detail: "The portal has not yet received the payment gateway's confirmation of this transaction. Please reload this page in a few minutes.",
    gateway_open: "The payment gateway reports that the transaction is not finished.",
    gateway_settled: "The payment gateway has recorded the transaction; its confirmation is on its way.",
    not_started: "This dossier has not been paid online.",
    refresh: "Reload the status",
    code: "Dossier code",
    procedure: "Procedure",
    amount: "Amount",
    order: "Transaction",
    reference: "Payment gateway reference",
    receipt: "← Back to the receipt",
};

/// The payment pages' labels in `lang`.
pub(crate) fn payment_labels(lang: Lang) -> &'static PaymentLabels {
    lang.pick(&VI, &EN)
}

/// What dossier `d` is charged online.
#[derive(Debug)]
pub(crate) struct Charge {
    /// The total of the fee lines due in the dossier's case, in đồng.
    pub(crate) total: u64,
    /// The lines that may be due but are not charged online ("name: amount").
    pub(crate) left_out: Vec<String>,
}

/// What dossier `d` is charged online, from the procedure version it is pinned to: the fee lines
/// due in its case, when that version is fully online (level 4) and the deployment has a payment
/// gateway; `None` when nothing is charged online.
pub(crate) async fn online_charge(
    state: &AppState,
    site: &Site,
    d: &Dossier,
) -> Result<Option<Charge>, Failure> {
    if state.payments.is_none() {
        return Ok(None);
    }
    let procedure =
        crate::handling::procedure_at(state, site, &d.procedure_code, d.procedure_version).await?;
    let info = &procedure.file.info;
    if info.level != OnlineLevel::Full {
        return Ok(None);
    }
    let lang = site.lang;
    let mut total = 0u64;
    let mut left_out = Vec::new();
    for fee in info
        .fees
        .iter()
        .filter(|f| f.amount > 0 && f.applies_to(&d.case_key))
    {
        if fee.certain_in(&d.case_key) {
            total = total
                .checked_add(fee.amount)
                .ok_or_else(|| Failure::internal(&"the fees overflow"))?;
        } else {
            left_out.push(format!(
                "{}: {}",
                fee.name.get(lang),
                money(lang, fee.amount)
            ));
        }
    }
    Ok((total > 0).then_some(Charge { total, left_out }))
}

/// Why dossier `d` is not paid (any more), if it is not: closed without a result.
fn closed(d: &Dossier) -> Option<Msg> {
    let (vi, en) = match d.status {
        DossierStatus::Withdrawn => (
            "Hồ sơ đã được rút nên không thanh toán phí, lệ phí.",
            "The dossier was withdrawn, so no fees are paid for it.",
        ),
        DossierStatus::NotAccepted => (
            "Hồ sơ không được tiếp nhận nên không thanh toán phí, lệ phí.",
            "The dossier was not accepted, so no fees are paid for it.",
        ),
        DossierStatus::Stopped => (
            "Việc giải quyết hồ sơ đã dừng nên không thanh toán phí, lệ phí.",
            "Handling of the dossier was stopped, so no fees are paid for it.",
        ),
        DossierStatus::Processed | DossierStatus::Returned => return None,
        _ if d.closed_at.is_some() => (
            "Hồ sơ đã kết thúc mà không có kết quả nên không thanh toán phí, lệ phí.",
            "The dossier was closed without a result, so no fees are paid for it.",
        ),
        _ => return None,
    };
    Some(Msg::new(vi, en))
}

/// The "Pay online" part of a receipt.
#[derive(Debug)]
pub(crate) struct ReceiptPayment {
    /// The labels.
    pub(crate) l: &'static PaymentLabels,
    /// "Paid: 200.000 đồng", once paid.
    pub(crate) paid: Option<String>,
    /// Why it is not paid, when the dossier closed without a result.
    pub(crate) closed: Option<String>,
    /// The total to pay.
    pub(crate) amount: String,
    /// The lines not charged online.
    pub(crate) left_out: Vec<String>,
    /// Where the "Pay online" form posts.
    pub(crate) action: String,
    /// The session's CSRF token.
    pub(crate) csrf: String,
}

/// The "Pay online" part of dossier `d`'s receipt, when it can be paid online.
pub(crate) async fn receipt_payment(
    state: &AppState,
    site: &Site,
    d: &Dossier,
    session: Option<&Session>,
) -> Result<Option<ReceiptPayment>, Failure> {
    let Some(charge) = online_charge(state, site, d).await? else {
        return Ok(None);
    };
    let lang = site.lang;
    let l = payment_labels(lang);
    let all = payments::of_dossier(&state.store, site.tenant.id, d.id).await?;
    let paid = all
        .iter()
        .find(|p| p.status == PaymentStatus::Paid)
        .map(|p| format!("{}: {}", l.paid, money(lang, p.amount.unsigned_abs())));
    Ok(Some(ReceiptPayment {
        l,
        closed: closed(d)
            .filter(|_| paid.is_none())
            .map(|m| m.get(lang).to_owned()),
        paid,
        amount: money(lang, charge.total),
        left_out: charge.left_out,
        action: payment_path(lang, &d.code.to_string()),
        csrf: session.and_then(|s| s.csrf.clone()).unwrap_or_default(),
    }))
}

fn not_offered() -> Failure {
    Failure::not_found(Msg::new(
        "Hồ sơ này không thanh toán trực tuyến được trên Cổng: vui lòng nộp phí, lệ phí trực tiếp tại nơi tiếp nhận hồ sơ.",
        "This dossier cannot be paid online on this portal: please pay the fees in person where the dossier is handled.",
    ))
}

/// The absolute URL of `path` on this host (with the port the request came on, for development).
fn absolute(state: &AppState, site: &Site, headers: &HeaderMap, path: &str) -> String {
    let port = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let scheme = if state.config.https { "https" } else { "http" };
    format!("{scheme}://{}{port}{path}", site.tenant.host(site.lang))
}

/// A new order id: the tenant, the dossier and 64 random bits.
fn order_id(site: &Site, d: &Dossier) -> Result<String, Failure> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| Failure::internal(&e))?;
    Ok(format!(
        "MC{}-{}-{}",
        site.tenant.id.0,
        d.id,
        data_encoding::HEXUPPER.encode(&random)
    ))
}

/// `POST /ho-so-cua-toi/{code}/thanh-toan`, `POST /my-dossiers/{code}/payment`: a new payment of
/// the dossier's fees, and off to the gateway (303); a dossier paid already, or with an order
/// open, goes to its payment page; a dossier closed without a result is refused (409).
pub(super) async fn start(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
) -> Response {
    let lang = site.lang;
    let here = payment_path(lang, &code);
    let who = match applicant(&state, &site, &headers, session.as_ref(), &here) {
        Ok(who) => who,
        Err(r) => return *r,
    };
    let outcome = async {
        let d = own_dossier(&state, &site, who.citizen_id, &code).await?;
        let (Some(charge), Some(gateway)) =
            (online_charge(&state, &site, &d).await?, &state.payments)
        else {
            return Err(not_offered());
        };
        let total = charge.total;
        // An order left open past the window is settled or expired first, as the gateway says.
        let now = Utc::now();
        for stale in payments::of_dossier(&state.store, site.tenant.id, d.id)
            .await?
            .iter()
            .filter(|p| p.status == PaymentStatus::Pending && p.created_at <= now - OPEN_WINDOW)
        {
            super::expiry::close(&state, &site.tenant, stale, now).await?;
        }
        let before = payments::of_dossier(&state.store, site.tenant.id, d.id).await?;
        // Paid already, or an order still open at the gateway: the payment's page tells which,
        // rather than a second order that could be paid too.
        if before
            .iter()
            .any(|p| matches!(p.status, PaymentStatus::Paid | PaymentStatus::Pending))
        {
            return Ok(Redirect::to(&here).into_response());
        }
        if let Some(why) = closed(&d) {
            return Err(Failure::new(StatusCode::CONFLICT, "dossier_closed", why));
        }
        let amount = i64::try_from(total).map_err(|e| Failure::internal(&e))?;
        let provider = gateway.provider();
        let Some(payment) = payments::create(
            &state.store,
            site.tenant.id,
            NewPayment {
                dossier_id: d.id,
                order_id: order_id(&site, &d)?,
                amount,
                provider: provider.name().to_owned(),
                at: Utc::now(),
            },
        )
        .await?
        else {
            // Another click opened an order meanwhile: that one is the dossier's.
            return Ok(Redirect::to(&here).into_response());
        };
        let dossier_code = d.code.to_string();
        let url = provider
            .create(&Order {
                tenant: site.tenant.manifest.slug.as_str().to_owned(),
                order_id: payment.order_id.clone(),
                amount: total,
                description: format!("Phí, lệ phí hồ sơ {dossier_code}"),
                return_url: absolute(&state, &site, &headers, &payment_path(lang, &dossier_code)),
            })
            .await
            .map_err(|e| Failure::unavailable(&e))?;
        tracing::info!(order = %payment.order_id, dossier = %dossier_code, amount, "payment started");
        Ok(Redirect::to(&url).into_response())
    }
    .await;
    outcome.unwrap_or_else(|f| notice(&state, &site, &headers, &f, None))
}

/// The payment page.
#[derive(Template)]
#[template(path = "payments/status.html")]
struct StatusPage {
    page: PageCtx,
    l: &'static PaymentLabels,
    code: String,
    procedure: String,
    /// `paid`, `failed`, `cancelled`, `expired`, `pending` or `none`.
    kind: &'static str,
    /// Why it is not paid, when the dossier closed without a result.
    closed: Option<String>,
    /// The fee lines not charged online.
    left_out: Vec<String>,
    headline: &'static str,
    detail: Option<&'static str>,
    gateway: Option<&'static str>,
    amount: String,
    order: Option<String>,
    reference: Option<String>,
    /// The label of the button that starts a payment, when one may be started.
    action_label: Option<&'static str>,
    action: String,
    csrf: String,
    receipt_href: String,
}

/// `GET /ho-so-cua-toi/{code}/thanh-toan`, `GET /my-dossiers/{code}/payment`: where the
/// dossier's latest payment stands, as stored (the gateway's callback settles it; the return
/// from the gateway only comes here).
pub(super) async fn show(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    if let Some(r) = other_language(&site, uri.path(), |lang| payment_path(lang, &code)) {
        return r;
    }
    let lang = site.lang;
    let here = payment_path(lang, &code);
    let who = match applicant(&state, &site, &headers, session.as_ref(), &here) {
        Ok(who) => who,
        Err(r) => return *r,
    };
    let outcome = async {
        let d = own_dossier(&state, &site, who.citizen_id, &code).await?;
        let (Some(charge), Some(gateway)) =
            (online_charge(&state, &site, &d).await?, &state.payments)
        else {
            return Err(not_offered());
        };
        let l = payment_labels(lang);
        let all = payments::of_dossier(&state.store, site.tenant.id, d.id).await?;
        let shown: Option<&Payment> = all
            .iter()
            .find(|p| p.status == PaymentStatus::Paid)
            .or_else(|| all.first());
        let (kind, headline, detail, action_label) = match shown.map(|p| p.status) {
            Some(PaymentStatus::Paid) => ("paid", l.paid, None, None),
            Some(PaymentStatus::Failed) => ("failed", l.failed, Some(l.failed_detail), Some(l.retry)),
            Some(PaymentStatus::Cancelled) => (
                "cancelled",
                l.cancelled,
                Some(l.cancelled_detail),
                Some(l.retry),
            ),
            Some(PaymentStatus::Expired) => {
                ("expired", l.expired, Some(l.expired_detail), Some(l.retry))
            }
            Some(PaymentStatus::Pending) => ("pending", l.pending, Some(l.pending_detail), None),
            None => ("none", l.not_started, None, Some(l.pay)),
        };
        let closed = closed(&d)
            .filter(|_| kind != "paid")
            .map(|m| m.get(lang).to_owned());
        let action_label = action_label.filter(|_| closed.is_none());
        let tenant = site.tenant.manifest.slug.as_str();
        let gateway_says = match shown {
            Some(p) if p.status == PaymentStatus::Pending => {
                match gateway.provider().status(tenant, &p.order_id).await {
                    Ok(GatewayStatus::Settled(_)) => Some(l.gateway_settled),
                    Ok(GatewayStatus::Open) => Some(l.gateway_open),
                    Ok(GatewayStatus::Unknown) => None,
                    Err(e) => {
                        tracing::warn!(error = %e, order = %p.order_id, "payment status unavailable");
                        None
                    }
                }
            }
            _ => None,
        };
        let dossier_code = d.code.to_string();
        let live = site.tenant.procedure(&d.procedure_code);
        Ok::<_, Failure>(StatusPage {
            page: page_ctx(&state, &site, &headers, |lang| payment_path(lang, &dossier_code)),
            l,
            procedure: live.map_or_else(
                || d.procedure_code.clone(),
                |p| p.info().name.get(lang).to_owned(),
            ),
            kind,
            closed,
            left_out: charge.left_out,
            headline,
            detail,
            gateway: gateway_says,
            amount: money(
                lang,
                shown.map_or(charge.total, |p| p.amount.unsigned_abs()),
            ),
            order: shown.map(|p| p.order_id.clone()),
            reference: shown.and_then(|p| p.provider_ref.clone()),
            action_label,
            action: here.clone(),
            csrf: session
                .as_ref()
                .and_then(|s| s.csrf.clone())
                .unwrap_or_default(),
            receipt_href: receipt_path(lang, &dossier_code),
            code: dossier_code,
        })
    }
    .await;
    match outcome {
        Ok(page) => crate::pages::no_store(render(&page).into_response()),
        Err(f) => notice(&state, &site, &headers, &f, None),
    }
}

fn refused(status: StatusCode, code: &'static str, message: &str) -> (StatusCode, Value) {
    (status, json!({ "error": code, "message": message }))
}

/// Takes the gateway's callback made of `fields`, for `expected` (the tenant whose portal it came
/// to) or, from the sandbox in process, for the tenant it names: the payment settled once, or
/// refused with nothing changed (a signature that does not match, another tenant, an unknown
/// order, another amount). The answer the gateway gets: the status and a JSON body.
pub(crate) async fn accept(
    state: &AppState,
    expected: Option<&Arc<TenantSite>>,
    fields: &BTreeMap<String, String>,
) -> (StatusCode, Value) {
    let Some(gateway) = &state.payments else {
        return refused(StatusCode::NOT_FOUND, "payments_off", "no payment gateway");
    };
    let verified = match gateway.provider().verify(fields) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "payment callback refused");
            return refused(StatusCode::FORBIDDEN, "signature_invalid", &e.to_string());
        }
    };
    let site = match expected {
        Some(t) if t.manifest.slug.as_str() == verified.tenant => Some(Arc::clone(t)),
        Some(_) => None,
        None => state
            .sites
            .all()
            .into_iter()
            .find(|t| t.manifest.slug.as_str() == verified.tenant),
    };
    let Some(tenant) = site else {
        tracing::warn!(tenant = %verified.tenant, "payment callback for another tenant refused");
        return refused(
            StatusCode::FORBIDDEN,
            "tenant_mismatch",
            "not this tenant's callback",
        );
    };
    let found = match payments::find_order(&state.store, tenant.id, &verified.order_id).await {
        Ok(found) => found,
        Err(e) => return storage_down(&e),
    };
    let Some(payment) = found else {
        return refused(StatusCode::NOT_FOUND, "order_unknown", "no such order");
    };
    if i64::try_from(verified.amount).ok() != Some(payment.amount) {
        tracing::warn!(order = %payment.order_id, expected = payment.amount, got = verified.amount, "payment callback with another amount refused");
        return refused(
            StatusCode::BAD_REQUEST,
            "amount_mismatch",
            "the amount is not the order's",
        );
    }
    let status = match verified.outcome {
        Outcome::Paid => PaymentStatus::Paid,
        Outcome::Declined => PaymentStatus::Failed,
        Outcome::Cancelled => PaymentStatus::Cancelled,
    };
    let settlement = Settlement {
        status,
        provider_ref: Some(verified.reference.clone()),
        callback: serde_json::to_string(&verified.fields).unwrap_or_default(),
        at: Utc::now(),
    };
    match payments::settle(&state.store, tenant.id, &payment.order_id, settlement).await {
        Ok(Some(Settled::Applied(p))) => {
            tracing::info!(order = %p.order_id, status = p.status.as_str(), "payment settled");
            if p.status == PaymentStatus::Paid {
                paid_twice(state, tenant.id, &p).await;
            }
            (
                StatusCode::OK,
                json!({ "order": p.order_id, "status": p.status.as_str(), "changed": true }),
            )
        }
        Ok(Some(Settled::Unchanged(p))) => (
            StatusCode::OK,
            json!({ "order": p.order_id, "status": p.status.as_str(), "changed": false }),
        ),
        Ok(None) => refused(StatusCode::NOT_FOUND, "order_unknown", "no such order"),
        Err(e) => storage_down(&e),
    }
}

/// Logs, for people to refund one, when `paid` is the second paid order of its dossier.
pub(super) async fn paid_twice(state: &AppState, tenant: motcua_store::TenantId, paid: &Payment) {
    match payments::of_dossier(&state.store, tenant, paid.dossier_id).await {
        Ok(all)
            if all
                .iter()
                .filter(|o| o.status == PaymentStatus::Paid)
                .count()
                > 1 =>
        {
            tracing::error!(order = %paid.order_id, dossier_id = paid.dossier_id, "a dossier has two paid orders: refund one");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "paid orders not counted"),
    }
}

/// 503 to the gateway, which tries again later: storage is unavailable (the cause is logged, not
/// told to the gateway).
fn storage_down(e: &motcua_store::StoreError) -> (StatusCode, Value) {
    tracing::warn!(error = %e, "payment callback not taken: storage unavailable");
    refused(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "try again later",
    )
}

/// `POST /payments/ipn`: the gateway's server-to-server callback (form fields), on the portal of
/// the tenant it is for.
pub(super) async fn ipn(
    State(state): State<AppState>,
    site: Site,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Response {
    let (status, body) = accept(&state, Some(&site.tenant), &fields).await;
    (status, axum::Json(body)).into_response()
}
