//! Orders left open: an order still `pending` past [`OPEN_WINDOW`] is asked about at the
//! gateway ([`Provider::status`](super::Provider::status)) and then closed, once:
//!
//! - the gateway says it was paid: it is settled as paid (its callback was lost or is late;
//!   the money was taken), as the callback would have;
//! - the gateway says it is still open, declined, cancelled, or does not know it: it expires
//!   (a paid callback arriving later still settles it as paid);
//! - the gateway cannot be asked: it stays pending, and the next pass asks again.
//!
//! [`run_worker`] makes a pass over every tenant every so often; starting a payment closes the
//! dossier's own stale order the same way first. Closing is a conditional update, so passes on
//! several nodes at once close an order once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_store::StoreError;
use motcua_store::payments::{self, Payment, PaymentStatus, Settled, Settlement};

use super::{GatewayStatus, OPEN_WINDOW, Outcome};
use crate::AppState;
use crate::error::Failure;
use crate::sites::TenantSite;

/// Orders closed per tenant in one pass (the rest wait for the next).
const PER_PASS: u64 = 200;

/// What closing an order did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The gateway says it was paid: settled as paid.
    Paid,
    /// Expired.
    Expired,
    /// Left pending: the gateway could not be asked, or it was closed meanwhile.
    Kept,
}

/// Closes `payment` of `tenant`, pending since before the window ([module](self)).
pub(crate) async fn close(
    state: &AppState,
    tenant: &Arc<TenantSite>,
    payment: &Payment,
    now: DateTime<Utc>,
) -> Result<Closed, StoreError> {
    let Some(gateway) = &state.payments else {
        return Ok(Closed::Kept);
    };
    let slug = tenant.manifest.slug.as_str();
    let answer = match gateway.provider().status(slug, &payment.order_id).await {
        Ok(answer) => answer,
        Err(e) => {
            tracing::warn!(error = %e, order = %payment.order_id, "open order kept: the gateway cannot be asked");
            return Ok(Closed::Kept);
        }
    };
    if answer == GatewayStatus::Settled(Outcome::Paid) {
        let settlement = Settlement {
            status: PaymentStatus::Paid,
            provider_ref: None,
            callback: serde_json::json!({ "asked": "status", "gateway": "paid" }).to_string(),
            at: now,
        };
        return Ok(
            match payments::settle(&state.store, tenant.id, &payment.order_id, settlement).await? {
                Some(Settled::Applied(p)) => {
                    tracing::info!(order = %p.order_id, "open order settled as paid: the gateway says it was paid");
                    super::pages::paid_twice(state, tenant.id, &p).await;
                    Closed::Paid
                }
                _ => Closed::Kept,
            },
        );
    }
    Ok(
        if payments::expire(&state.store, tenant.id, &payment.order_id, now).await? {
            tracing::info!(order = %payment.order_id, gateway = ?answer, "open order expired");
            Closed::Expired
        } else {
            Closed::Kept
        },
    )
}

/// One pass at `now`: closes the orders of every tenant left open since before the window;
/// how many it settled as paid and how many it expired.
pub async fn close_open_orders(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<(usize, usize), Failure> {
    let (mut paid, mut expired) = (0, 0);
    if state.payments.is_none() {
        return Ok((paid, expired));
    }
    for tenant in state.sites.all() {
        let stale =
            payments::pending_before(&state.store, tenant.id, now - OPEN_WINDOW, PER_PASS).await?;
        for payment in &stale {
            match close(state, &tenant, payment, now).await? {
                Closed::Paid => paid += 1,
                Closed::Expired => expired += 1,
                Closed::Kept => {}
            }
        }
    }
    Ok((paid, expired))
}

/// Runs the pass every `every` until the process ends.
pub async fn run_worker(state: AppState, every: std::time::Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match close_open_orders(&state, Utc::now()).await {
            Ok((0, 0)) => {}
            Ok((paid, expired)) => tracing::info!(paid, expired, "open payment orders closed"),
            Err(f) => {
                tracing::warn!(code = f.code, message = %f.message.en, "payment expiry pass failed")
            }
        }
    }
}
