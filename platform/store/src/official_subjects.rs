//! The link between an official's account and their subject (`sub`) at the tenant's own OpenID
//! provider (`accounts.external_subject`, m0013).
//!
//! The first sign-in through the provider links the subject to the account found by the
//! provider's claim; every later one must come with the same subject. A subject is linked to one
//! account of a tenant at most (a unique index), and linking is one conditional update, so two
//! first sign-ins racing cannot link two different subjects.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};

use crate::{Store, StoreError, TenantId};

fn col(name: &'static str) -> Alias {
    Alias::new(name)
}

/// What linking a subject found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// The account had no subject; it has this one now.
    Linked,
    /// The account was already linked to this same subject.
    Same,
    /// The account is linked to another subject.
    Other(String),
    /// The subject is linked to another account of the tenant.
    TakenByAnother,
    /// No such account.
    NoAccount,
}

/// The subject linked to an account, if any.
pub async fn subject_of(
    store: &Store,
    tenant: TenantId,
    account: i64,
) -> Result<Option<String>, StoreError> {
    let query = Query::select()
        .column(col("external_subject"))
        .from(col("accounts"))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .and_where(Expr::col(col("id")).eq(account))
        .to_owned();
    let txn = store.tenant_read(tenant).await?;
    let row = txn.query_one(&query).await?;
    txn.commit().await?;
    Ok(match row {
        Some(r) => r.try_get::<Option<String>>("", "external_subject")?,
        None => None,
    })
}

/// Links `subject` to the account unless it already has a subject: says what it found.
pub async fn link(
    store: &Store,
    tenant: TenantId,
    account: i64,
    subject: &str,
) -> Result<Link, StoreError> {
    let update = Query::update()
        .table(col("accounts"))
        .value(col("external_subject"), subject)
        .value(col("updated_at"), Utc::now())
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .and_where(Expr::col(col("id")).eq(account))
        .and_where(Expr::col(col("external_subject")).is_null())
        .returning_col(col("id"))
        .to_owned();
    let txn = store.tenant_txn(tenant).await?;
    match txn.query_one(&update).await {
        Ok(Some(_)) => {
            txn.commit().await?;
            return Ok(Link::Linked);
        }
        Ok(None) => {}
        Err(e) => {
            let err = StoreError::from(e);
            return if err.is_unique_violation() {
                Ok(Link::TakenByAnother)
            } else {
                Err(err)
            };
        }
    }
    txn.commit().await?;
    let exists = crate::accounts::get(store, crate::accounts::Holder::Official(tenant), account)
        .await?
        .is_some();
    if !exists {
        return Ok(Link::NoAccount);
    }
    Ok(match subject_of(store, tenant, account).await? {
        Some(s) if s == subject => Link::Same,
        Some(s) => Link::Other(s),
        // Unlinked in between: a rare race; the caller may try again.
        None => Link::Other(String::new()),
    })
}

/// Removes an account's link (an administrator's remedy when the official's account at the
/// provider was replaced): the next sign-in through the provider links afresh.
pub async fn unlink(store: &Store, tenant: TenantId, account: i64) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(col("accounts"))
        .value(col("external_subject"), Option::<String>::None)
        .value(col("updated_at"), Utc::now())
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .and_where(Expr::col(col("id")).eq(account))
        .returning_col(col("id"))
        .to_owned();
    let txn = store.tenant_txn(tenant).await?;
    let found = txn.query_one(&update).await?.is_some();
    txn.commit().await?;
    Ok(found)
}

/// The ids of the tenant's accounts whose e-mail address is `email` (compared without case).
pub async fn by_email(
    store: &Store,
    tenant: TenantId,
    email: &str,
) -> Result<Vec<i64>, StoreError> {
    let query = Query::select()
        .column(col("id"))
        .from(col("accounts"))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .and_where(Expr::expr(Func::lower(Expr::col(col("email")))).eq(email.trim().to_lowercase()))
        .order_by(col("id"), sea_orm::sea_query::Order::Asc)
        .to_owned();
    let txn = store.tenant_read(tenant).await?;
    let rows = txn.query_all(&query).await?;
    txn.commit().await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64>("", "id")?))
        .collect()
}
