//! Online payment of a dossier's fees, for level-4 procedures (Art. 16.2.c): the owner of a
//! dossier whose procedure is fully online and has fees starts a payment from the receipt, pays at
//! the payment gateway, and comes back to the payment page, which shows where the payment stands.
//!
//! The gateway sits behind [`Provider`]: it turns an [`Order`] into the address the payer is sent
//! to, checks the signature of its callbacks ([`Provider::verify`]) and answers for an order's
//! state ([`Provider::status`]). Callbacks are HMAC-SHA256 signatures over their fields with the
//! tenant's key ([`signing`]); the server-to-server callback (IPN) is what settles a payment, once:
//! a repeated callback changes nothing, a callback whose signature, tenant or amount does not
//! match is refused and changes nothing. The browser's return only shows the stored state. An
//! order left open past [`OPEN_WINDOW`] is closed by [`expiry`]: settled paid when the gateway,
//! asked, says it was paid (its callback lost), expired otherwise.
//!
//! [`Sandbox`] is the built-in gateway of development and tests, served by the node itself under
//! `/sandbox-payment/` when the deployment configures it; a real gateway plugs in as another
//! [`Provider`]. Payment never blocks the handling of a dossier: officials go on either way.

pub mod expiry;
mod pages;
mod sandbox;
pub mod signing;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use futures_util::future::BoxFuture;

use crate::AppState;

pub(crate) use pages::{ReceiptPayment, receipt_payment};
pub use sandbox::Sandbox;

/// How long an order stays open at the gateway: while it is, "pay online" leads to it rather than
/// to a second order; past it, the order is asked about at the gateway and settled or expired
/// ([`expiry`]).
pub const OPEN_WINDOW: chrono::Duration = chrono::Duration::minutes(15);

/// A payment the platform asks the gateway for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// The tenant's slug: whose merchant account, whose key.
    pub tenant: String,
    /// The order id, unique across the platform.
    pub order_id: String,
    /// The amount, in đồng.
    pub amount: u64,
    /// What is paid for, as the gateway shows it.
    pub description: String,
    /// Where the gateway sends the payer back (an absolute URL of the tenant's portal).
    pub return_url: String,
}

/// What the gateway says happened to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Paid.
    Paid,
    /// Declined by the card's bank or the wallet.
    Declined,
    /// Cancelled by the payer.
    Cancelled,
}

impl Outcome {
    /// Its name in callbacks.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
        }
    }

    /// The outcome named `s` in a callback.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "paid" => Self::Paid,
            "declined" => Self::Declined,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }
}

/// A callback whose signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The tenant it is for.
    pub tenant: String,
    /// The order.
    pub order_id: String,
    /// The amount the gateway settled, in đồng.
    pub amount: u64,
    /// What happened.
    pub outcome: Outcome,
    /// The gateway's reference of the transaction.
    pub reference: String,
    /// Every field, as received (kept with the payment).
    pub fields: BTreeMap<String, String>,
}

/// An order's state as the gateway reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayStatus {
    /// The payer has not finished at the gateway.
    Open,
    /// Settled at the gateway (its callback may still be on its way).
    Settled(Outcome),
    /// The gateway does not know the order.
    Unknown,
}

/// The gateway could not be asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the payment gateway cannot be reached: {0}")]
pub struct ProviderError(pub String);

/// Why a callback is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// Its signature is missing or does not match its fields.
    #[error("the signature does not match the fields")]
    Signature,
    /// A field is missing or malformed.
    #[error("the field `{0}` is missing or malformed")]
    Field(&'static str),
}

/// A payment gateway.
pub trait Provider: Send + Sync + fmt::Debug {
    /// Its name, stored with each payment (`sandbox`...).
    fn name(&self) -> &'static str;

    /// Registers `order` with the gateway: the address the payer is sent to.
    fn create<'a>(&'a self, order: &'a Order) -> BoxFuture<'a, Result<String, ProviderError>>;

    /// The callback made of `fields` (the IPN's or the browser return's), if its signature
    /// matches them under the key of the tenant it names.
    fn verify(&self, fields: &BTreeMap<String, String>) -> Result<Verified, CallbackError>;

    /// Order `order_id` of `tenant` as the gateway reports it.
    fn status<'a>(
        &'a self,
        tenant: &'a str,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<GatewayStatus, ProviderError>>;
}

/// The deployment's payment gateway.
#[derive(Clone, Debug)]
pub struct Payments {
    provider: Arc<dyn Provider>,
    sandbox: Option<Arc<Sandbox>>,
}

impl Payments {
    /// The built-in sandbox gateway, signing with keys derived from `secret`.
    pub fn sandbox(secret: &str) -> Self {
        let sandbox = Arc::new(Sandbox::new(secret));
        Self {
            provider: sandbox.clone(),
            sandbox: Some(sandbox),
        }
    }

    /// Another gateway.
    pub fn with_provider(provider: Arc<dyn Provider>) -> Self {
        Self {
            provider,
            sandbox: None,
        }
    }

    /// The gateway.
    pub fn provider(&self) -> &dyn Provider {
        self.provider.as_ref()
    }

    /// The sandbox, when it is the gateway.
    pub(crate) fn sandbox_gateway(&self) -> Option<&Sandbox> {
        self.sandbox.as_deref()
    }
}

/// The payments of dossier `dossier_id`, latest first, as the one-stop dossier view shows them to
/// officials (who go on handling the dossier whether it is paid or not).
pub(crate) async fn dossier_json(
    state: &AppState,
    tenant: motcua_store::TenantId,
    dossier_id: i64,
) -> Result<serde_json::Value, motcua_store::StoreError> {
    let all = motcua_store::payments::of_dossier(&state.store, tenant, dossier_id).await?;
    Ok(serde_json::Value::Array(
        all.iter()
            .map(|p| {
                serde_json::json!({
                    "order": p.order_id,
                    "amount": p.amount,
                    "status": p.status.as_str(),
                    "provider": p.provider,
                    "reference": p.provider_ref,
                    "created_at": p.created_at,
                    "updated_at": p.updated_at,
                })
            })
            .collect(),
    ))
}

/// The payment pages and the gateway's callback, on the portal, and the pages of them that
/// name what a citizen owns.
pub(crate) fn routes() -> (Router<AppState>, &'static [crate::guard::OwnedRoute]) {
    let (owned, table) = crate::guard::owned_routes! { "";
        "/ho-so-cua-toi/{code}/thanh-toan" [get, post] => get(pages::show).post(pages::start),
        "/my-dossiers/{code}/payment" [get, post] => get(pages::show).post(pages::start),
    };
    (owned.route(pages::IPN_PATH, post(pages::ipn)), table)
}

/// The sandbox gateway's pages on the node, when it is the deployment's gateway.
pub(crate) fn sandbox_routes(enabled: bool) -> Router<AppState> {
    if !enabled {
        return Router::new();
    }
    Router::new()
        .route(
            "/sandbox-payment/pay",
            get(sandbox::page).post(sandbox::decide),
        )
        .route("/sandbox-payment/deliver", post(sandbox::deliver))
        .route("/sandbox-payment/style.css", get(sandbox::style))
}
