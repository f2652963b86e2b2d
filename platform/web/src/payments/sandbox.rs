//! DEVELOPMENT AND TESTS ONLY: a payment gateway served by the node itself under
//! `/sandbox-payment/`, that takes no money and says so on its page.
//!
//! It behaves as a real gateway does towards the platform: [`Sandbox::create`] gives the address
//! of its payment page, with the order's fields signed with the tenant's key (the page refuses
//! them altered); the payer chooses "Thanh toán / Pay", "Huỷ / Cancel" or "Thẻ bị từ chối / Card
//! declined"; the sandbox then sends its signed callback (IPN) to the platform, server to server
//! (in process: through the same checks as `POST /payments/ipn`), and sends the payer back to the
//! return address with the same signed fields.
//!
//! It also produces the faults a real gateway can: a callback with a forged signature or another
//! amount (the platform refuses both), a callback sent twice, and a callback held back until after
//! the payer's return (`POST /sandbox-payment/deliver` sends it).
//!
//! Callback fields: `tenant`, `order`, `amount`, `result` (`paid`, `declined`, `cancelled`),
//! `reference`, `signature`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::future::BoxFuture;

use super::signing::{self, SIGNATURE};
use super::{CallbackError, GatewayStatus, Order, Outcome, Provider, ProviderError, Verified};
use crate::AppState;
use crate::pages::{render, urlencode};

/// The sandbox's payment page.
const PAGE: &str = "/sandbox-payment/pay";

/// What the sandbox remembers of an order.
#[derive(Debug, Default)]
struct Known {
    status: Option<Outcome>,
    /// The callback held back until [`deliver`].
    held: Option<BTreeMap<String, String>>,
}

/// The sandbox gateway.
pub struct Sandbox {
    secret: String,
    orders: Mutex<HashMap<(String, String), Known>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("secret", &"***")
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A sandbox signing with keys derived from `secret`.
    pub fn new(secret: &str) -> Self {
        Self {
            secret: secret.to_owned(),
            orders: Mutex::default(),
        }
    }

    /// The key of tenant `slug`.
    fn key(&self, slug: &str) -> [u8; 32] {
        signing::tenant_key(&self.secret, slug)
    }

    /// `fields` with their signature under tenant `slug`'s key.
    fn signed(&self, slug: &str, mut fields: BTreeMap<String, String>) -> BTreeMap<String, String> {
        let sig = signing::sign(&self.key(slug), &fields);
        fields.insert(SIGNATURE.to_owned(), sig);
        fields
    }

    /// The request fields of the page, if their signature is the tenant's.
    fn checked_request(&self, fields: &BTreeMap<String, String>) -> Option<Request> {
        let tenant = fields.get("tenant")?;
        if !signing::verify(&self.key(tenant), fields) {
            return None;
        }
        Some(Request {
            tenant: tenant.clone(),
            order: fields.get("order")?.clone(),
            amount: fields.get("amount")?.parse().ok()?,
            description: fields.get("description")?.clone(),
            return_url: fields.get("return")?.clone(),
        })
    }

    fn remember(&self, tenant: &str, order: &str, change: impl FnOnce(&mut Known)) {
        let mut orders = self
            .orders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        change(
            orders
                .entry((tenant.to_owned(), order.to_owned()))
                .or_default(),
        );
    }
}

/// An order as the sandbox's page received it.
#[derive(Debug)]
struct Request {
    tenant: String,
    order: String,
    amount: u64,
    description: String,
    return_url: String,
}

fn field(fields: &BTreeMap<String, String>, name: &'static str) -> Result<String, CallbackError> {
    fields
        .get(name)
        .filter(|v| !v.is_empty())
        .cloned()
        .ok_or(CallbackError::Field(name))
}

impl Provider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn create<'a>(&'a self, order: &'a Order) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let fields = self.signed(
                &order.tenant,
                [
                    ("tenant", order.tenant.clone()),
                    ("order", order.order_id.clone()),
                    ("amount", order.amount.to_string()),
                    ("description", order.description.clone()),
                    ("return", order.return_url.clone()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            );
            self.remember(&order.tenant, &order.order_id, |_| {});
            Ok(format!("{PAGE}?{}", query(&fields)))
        })
    }

    fn verify(&self, fields: &BTreeMap<String, String>) -> Result<Verified, CallbackError> {
        let tenant = field(fields, "tenant")?;
        if !signing::verify(&self.key(&tenant), fields) {
            return Err(CallbackError::Signature);
        }
        Ok(Verified {
            order_id: field(fields, "order")?,
            amount: field(fields, "amount")?
                .parse()
                .map_err(|_| CallbackError::Field("amount"))?,
            outcome: Outcome::parse(&field(fields, "result")?)
                .ok_or(CallbackError::Field("result"))?,
            reference: field(fields, "reference")?,
            fields: fields.clone(),
            tenant,
        })
    }

    fn status<'a>(
        &'a self,
        tenant: &'a str,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<GatewayStatus, ProviderError>> {
        Box::pin(async move {
            let orders = self
                .orders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Ok(
                match orders.get(&(tenant.to_owned(), order_id.to_owned())) {
                    None => GatewayStatus::Unknown,
                    Some(Known { status: None, .. }) => GatewayStatus::Open,
                    Some(Known {
                        status: Some(o), ..
                    }) => GatewayStatus::Settled(*o),
                },
            )
        })
    }
}

/// `fields` as a query string.
fn query(fields: &BTreeMap<String, String>) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The sandbox's page.
#[derive(Template)]
#[template(path = "payments/sandbox.html")]
struct SandboxPage {
    amount_vi: String,
    amount_en: String,
    description: String,
    order: String,
    fields: Vec<(String, String)>,
}

/// The sandbox's refusal of a request whose signature is not the tenant's.
#[derive(Template)]
#[template(path = "payments/sandbox_refused.html")]
struct Refused;

fn refused() -> Response {
    (StatusCode::BAD_REQUEST, render(&Refused)).into_response()
}

fn sandbox(state: &AppState) -> Option<&Sandbox> {
    state.payments.as_ref()?.sandbox_gateway()
}

/// `GET /sandbox-payment/pay`: the order and the payer's choices.
pub(super) async fn page(
    State(state): State<AppState>,
    Query(fields): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(request) = sandbox(&state).and_then(|s| s.checked_request(&fields)) else {
        return refused();
    };
    let page = SandboxPage {
        amount_vi: crate::apply::money(motcua_core::lang::Lang::Vi, request.amount),
        amount_en: crate::apply::money(motcua_core::lang::Lang::En, request.amount),
        description: request.description,
        order: request.order,
        fields: fields.into_iter().collect(),
    };
    crate::pages::no_store(render(&page).into_response())
}

/// The faults the sandbox can produce, as its page names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// Paid, callback then return.
    Pay,
    /// Cancelled by the payer.
    Cancel,
    /// Declined by the bank.
    Decline,
    /// Paid, but the callback's signature is forged.
    Forged,
    /// Paid, signed, but for another amount.
    WrongAmount,
    /// Paid, the callback sent twice.
    Duplicate,
    /// Paid, the callback held back until after the return.
    Late,
}

impl Choice {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pay" => Self::Pay,
            "cancel" => Self::Cancel,
            "decline" => Self::Decline,
            "forged" => Self::Forged,
            "wrong-amount" => Self::WrongAmount,
            "duplicate" => Self::Duplicate,
            "late" => Self::Late,
            _ => return None,
        })
    }
}

/// `POST /sandbox-payment/pay`: the payer's choice: the callback to the platform, then back to
/// the portal.
pub(super) async fn decide(
    State(state): State<AppState>,
    Form(mut fields): Form<BTreeMap<String, String>>,
) -> Response {
    let choice = fields.remove("choice").as_deref().and_then(Choice::parse);
    let (Some(gateway), Some(choice)) = (sandbox(&state), choice) else {
        return refused();
    };
    let Some(request) = gateway.checked_request(&fields) else {
        return refused();
    };
    let outcome = match choice {
        Choice::Cancel => Outcome::Cancelled,
        Choice::Decline => Outcome::Declined,
        _ => Outcome::Paid,
    };
    let mut reference = [0u8; 8];
    if getrandom::fill(&mut reference).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let amount = match choice {
        Choice::WrongAmount => request.amount.saturating_add(1000),
        _ => request.amount,
    };
    let unsigned: BTreeMap<String, String> = [
        ("tenant", request.tenant.clone()),
        ("order", request.order.clone()),
        ("amount", amount.to_string()),
        ("result", outcome.as_str().to_owned()),
        (
            "reference",
            format!("SBX{}", data_encoding::HEXUPPER.encode(&reference)),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let callback = if choice == Choice::Forged {
        let mut forged = unsigned.clone();
        let sig = signing::sign(b"not the tenant's key", &forged);
        forged.insert(SIGNATURE.to_owned(), sig);
        forged
    } else {
        gateway.signed(&request.tenant, unsigned)
    };
    gateway.remember(&request.tenant, &request.order, |k| {
        k.status = Some(outcome);
        k.held = (choice == Choice::Late).then(|| callback.clone());
    });
    if choice != Choice::Late {
        let sends = if choice == Choice::Duplicate { 2 } else { 1 };
        for _ in 0..sends {
            let (status, _) = super::pages::accept(&state, None, &callback).await;
            tracing::info!(order = %request.order, %status, "sandbox payment callback delivered");
        }
    }
    let separator = if request.return_url.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::to(&format!(
        "{}{separator}{}",
        request.return_url,
        query(&callback)
    ))
    .into_response()
}

/// The order whose held callback to send.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Deliver {
    tenant: String,
    order: String,
}

/// `POST /sandbox-payment/deliver`: sends the callback held back for an order (the "late" fault);
/// answers with the platform's answer to it.
pub(super) async fn deliver(State(state): State<AppState>, Form(d): Form<Deliver>) -> Response {
    let Some(gateway) = sandbox(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut held = None;
    gateway.remember(&d.tenant, &d.order, |k| held = k.held.take());
    match held {
        Some(callback) => {
            let (status, body) = super::pages::accept(&state, None, &callback).await;
            (status, axum::Json(body)).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({ "error": "no callback held for this order" })),
        )
            .into_response(),
    }
}

/// `GET /sandbox-payment/style.css`.
pub(super) async fn style() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        include_str!("../../static/sandbox-payment.css"),
    )
        .into_response()
}
