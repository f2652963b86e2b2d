//! Tenant administration of officials: the audit of changes to their accounts, their telephone
//! numbers, and roles delegated for a period.
//!
//! Rules kept here:
//! - every change an administrator makes to an account is recorded in `account_changes` (who,
//!   when, what, the account before and after) in the transaction that makes it, or right after
//!   it for changes made by [`crate::accounts`]' own transactions; the table is append-only;
//! - a delegation is a row here **and** a role assignment in the tenant's policy. The row is
//!   written first, with a durable job ([`DELEGATION_END`], due at `ends_at`) that removes the
//!   assignment when the period ends; the decision index grants a delegated assignment only
//!   inside its period ([`windows`]), so the role stops at `ends_at` even before the job runs;
//! - ending a delegation (by the job or by an administrator) marks the row once, audited; ending
//!   it again changes nothing.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult,
    QueryResult,
};
use serde::Serialize;
use serde_json::Value;

use crate::entity::outbox;
use crate::jobs::{self, Lease};
use crate::{Store, StoreError, TenantId};

/// The outbox topic of the job that ends a delegation when its period is over.
pub const DELEGATION_END: &str = "delegation.end";

fn col(name: &'static str) -> Alias {
    Alias::new(name)
}

/// One audited change to an official's account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountChange {
    /// Its id (increasing).
    pub id: i64,
    /// The official's account.
    pub account: i64,
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Who (`account:12`, `token:3`, `operator:1`, `system:...`).
    pub actor: String,
    /// What: `created`, `deactivated`, `reactivated`, `reset`, `delegated`,
    /// `delegation_revoked`, `delegation_expired`.
    pub action: String,
    /// The account (or the part that changed) before.
    pub before: Value,
    /// The account (or the part that changed) after.
    pub after: Value,
}

#[derive(FromQueryResult)]
struct ChangeRow {
    id: i64,
    account_id: i64,
    changed_at: DateTime<Utc>,
    actor: String,
    action: String,
    before: String,
    after: String,
}

impl ChangeRow {
    fn parse(self) -> Result<AccountChange, StoreError> {
        let json = |text: &str| {
            serde_json::from_str::<Value>(text)
                .map_err(|e| StoreError::Corrupt(format!("account change {}: {e}", self.id)))
        };
        Ok(AccountChange {
            id: self.id,
            account: self.account_id,
            changed_at: self.changed_at,
            actor: self.actor.clone(),
            action: self.action.clone(),
            before: json(&self.before)?,
            after: json(&self.after)?,
        })
    }
}

/// Records a change to `account` inside `db` (a transaction of `tenant`).
pub async fn record_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: i64,
    actor: &str,
    action: &str,
    before: &Value,
    after: &Value,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(col("account_changes"))
        .columns([
            col("tenant_id"),
            col("account_id"),
            col("changed_at"),
            col("actor"),
            col("action"),
            col("before"),
            col("after"),
        ])
        .values_panic([
            tenant.0.into(),
            account.into(),
            Utc::now().into(),
            actor.into(),
            action.into(),
            before.to_string().into(),
            after.to_string().into(),
        ])
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// [`record_in`] in a transaction of its own.
pub async fn record(
    store: &Store,
    tenant: TenantId,
    account: i64,
    actor: &str,
    action: &str,
    before: &Value,
    after: &Value,
) -> Result<(), StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    record_in(&txn, tenant, account, actor, action, before, after).await?;
    txn.commit().await?;
    Ok(())
}

/// `tenant`'s account changes, newest first: `limit` of them after skipping `offset`.
pub async fn changes(
    store: &Store,
    tenant: TenantId,
    limit: u64,
    offset: u64,
) -> Result<Vec<AccountChange>, StoreError> {
    let query = Query::select()
        .columns(
            [
                "id",
                "account_id",
                "changed_at",
                "actor",
                "action",
                "before",
                "after",
            ]
            .map(col),
        )
        .from(col("account_changes"))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .order_by(col("id"), Order::Desc)
        .limit(limit)
        .offset(offset)
        .to_owned();
    let txn = store.tenant_read(tenant).await?;
    let rows = txn.query_all(&query).await?;
    txn.commit().await?;
    rows.iter()
        .map(|r| ChangeRow::from_query_result(r, "")?.parse())
        .collect()
}

/// How many account changes `tenant` has.
pub async fn count_changes(store: &Store, tenant: TenantId) -> Result<u64, StoreError> {
    let query = Query::select()
        .expr_as(Expr::col(col("id")).count(), col("n"))
        .from(col("account_changes"))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .to_owned();
    let txn = store.tenant_read(tenant).await?;
    let row = txn.query_one(&query).await?;
    txn.commit().await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Sets (or, with `None`, clears) the telephone number of an official.
pub async fn set_phone(
    store: &Store,
    tenant: TenantId,
    account: i64,
    phone: Option<&str>,
) -> Result<(), StoreError> {
    let update = Query::update()
        .table(col("accounts"))
        .value(col("phone"), phone.map(str::to_owned))
        .and_where(Expr::col(col("id")).eq(account))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .to_owned();
    let txn = store.tenant_txn(tenant).await?;
    let done = txn.execute(&update).await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound(format!("account {account}")));
    }
    txn.commit().await?;
    Ok(())
}

/// The telephone numbers of `tenant`'s officials who have one, by account.
pub async fn phones(
    store: &Store,
    tenant: TenantId,
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    let query = Query::select()
        .columns([col("id"), col("phone")])
        .from(col("accounts"))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .and_where(Expr::col(col("phone")).is_not_null())
        .to_owned();
    let txn = store.tenant_read(tenant).await?;
    let rows = txn.query_all(&query).await?;
    txn.commit().await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "phone")?)))
        .collect()
}

/// A role given to an official in a division for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct Delegation {
    /// Its id.
    pub id: i64,
    /// The official's account.
    #[serde(rename = "account")]
    pub account_id: i64,
    /// The role (a name of `motcua_authz::Role`).
    pub role: String,
    /// The division's key.
    pub division: String,
    /// From when the role is effective.
    pub starts_at: DateTime<Utc>,
    /// When it stops being effective.
    pub ends_at: DateTime<Utc>,
    /// Why, as given.
    pub reason: String,
    /// Who gave it.
    pub granted_by: String,
    /// When it was given.
    pub created_at: DateTime<Utc>,
    /// When it was ended (by its period's end or by an administrator), if it was.
    pub ended_at: Option<DateTime<Utc>>,
    /// Who ended it.
    pub ended_by: Option<String>,
}

impl Delegation {
    /// Whether the role is effective at `now`.
    pub fn effective_at(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && self.starts_at <= now && now < self.ends_at
    }

    /// What the audit shows of it.
    pub fn audit(&self) -> Value {
        serde_json::json!({
            "delegation": self.id,
            "role": self.role,
            "division": self.division,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "reason": self.reason,
        })
    }
}

const DELEGATION_COLUMNS: [&str; 11] = [
    "id",
    "account_id",
    "role",
    "division",
    "starts_at",
    "ends_at",
    "reason",
    "granted_by",
    "created_at",
    "ended_at",
    "ended_by",
];

fn read_delegation(row: &QueryResult) -> Result<Delegation, StoreError> {
    Ok(Delegation::from_query_result(row, "")?)
}

async fn select_delegations(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    filter: Option<SimpleExpr>,
) -> Result<Vec<Delegation>, StoreError> {
    let mut query = Query::select()
        .columns(DELEGATION_COLUMNS.map(col))
        .from(col("delegations"))
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .order_by(col("id"), Order::Asc)
        .to_owned();
    if let Some(f) = filter {
        query.and_where(f);
    }
    db.query_all(&query)
        .await?
        .iter()
        .map(read_delegation)
        .collect()
}

/// A delegation to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDelegation {
    /// The official's account.
    pub account: i64,
    /// The role's name.
    pub role: String,
    /// The division's key.
    pub division: String,
    /// From when.
    pub starts_at: DateTime<Utc>,
    /// Until when (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// Records a delegation made by `actor`, its audit record, and the job that ends it at its
/// `ends_at`, in one transaction. The caller then adds the role assignment to the policy.
///
/// Refused with [`StoreError::Conflict`] when the period is empty, or when the official already
/// has an open delegation of the same role in the same division.
pub async fn delegate(
    store: &Store,
    tenant: TenantId,
    actor: &str,
    new: &NewDelegation,
) -> Result<Delegation, StoreError> {
    if new.ends_at <= new.starts_at {
        return Err(StoreError::Conflict(
            "a delegation ends after it starts".to_owned(),
        ));
    }
    let txn = store.tenant_txn(tenant).await?;
    let open = select_delegations(
        &txn,
        tenant,
        Some(
            Expr::col(col("account_id"))
                .eq(new.account)
                .and(Expr::col(col("role")).eq(new.role.as_str()))
                .and(Expr::col(col("division")).eq(new.division.as_str()))
                .and(Expr::col(col("ended_at")).is_null()),
        ),
    )
    .await?;
    if !open.is_empty() {
        return Err(StoreError::Conflict(format!(
            "the official already holds a delegation of {} in {}",
            new.role, new.division
        )));
    }
    let now = Utc::now();
    let insert = Query::insert()
        .into_table(col("delegations"))
        .columns([
            col("tenant_id"),
            col("account_id"),
            col("role"),
            col("division"),
            col("starts_at"),
            col("ends_at"),
            col("reason"),
            col("granted_by"),
            col("created_at"),
        ])
        .values_panic([
            tenant.0.into(),
            new.account.into(),
            new.role.clone().into(),
            new.division.clone().into(),
            new.starts_at.into(),
            new.ends_at.into(),
            new.reason.clone().into(),
            actor.into(),
            now.into(),
        ])
        .returning_col(col("id"))
        .to_owned();
    // The index of open delegations (m0014) settles two delegations made at once.
    let id: i64 = match txn.query_one(&insert).await.map_err(StoreError::from) {
        Err(e) if e.is_unique_violation() => {
            return Err(StoreError::Conflict(format!(
                "the official already holds a delegation of {} in {}",
                new.role, new.division
            )));
        }
        row => row?
            .ok_or_else(|| StoreError::Corrupt("an insert returned no id".into()))?
            .try_get("", "id")?,
    };
    let delegation = Delegation {
        id,
        account_id: new.account,
        role: new.role.clone(),
        division: new.division.clone(),
        starts_at: new.starts_at,
        ends_at: new.ends_at,
        reason: new.reason.clone(),
        granted_by: actor.to_owned(),
        created_at: now,
        ended_at: None,
        ended_by: None,
    };
    outbox::Entity::insert(outbox::ActiveModel {
        tenant_id: Set(tenant.0),
        dossier_id: Set(None),
        topic: Set(DELEGATION_END.to_owned()),
        payload: Set(serde_json::json!({ "delegation": id })),
        created_at: Set(now),
        attempts: Set(0),
        run_after: Set(new.ends_at),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    record_in(
        &txn,
        tenant,
        new.account,
        actor,
        "delegated",
        &Value::Null,
        &delegation.audit(),
    )
    .await?;
    txn.commit().await?;
    Ok(delegation)
}

/// One delegation of `tenant`.
pub async fn delegation(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Delegation>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = select_delegations(&txn, tenant, Some(Expr::col(col("id")).eq(id))).await?;
    txn.commit().await?;
    Ok(found.into_iter().next())
}

/// Every delegation of one official, oldest first.
pub async fn delegations_of(
    store: &Store,
    tenant: TenantId,
    account: i64,
) -> Result<Vec<Delegation>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found =
        select_delegations(&txn, tenant, Some(Expr::col(col("account_id")).eq(account))).await?;
    txn.commit().await?;
    Ok(found)
}

/// The delegations of `tenant` not ended yet: the periods the decision index bounds its
/// delegated assignments with.
pub async fn windows(store: &Store, tenant: TenantId) -> Result<Vec<Delegation>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found =
        select_delegations(&txn, tenant, Some(Expr::col(col("ended_at")).is_null())).await?;
    txn.commit().await?;
    Ok(found)
}

/// Marks delegation `id` ended by `actor` (`action`: `delegation_expired` or
/// `delegation_revoked`) with its audit record, and completes the job of `lease` when given, in
/// one transaction. Returns the delegation as it was when this call ended it, or `None` when
/// it was already ended (nothing changes then, but the job is still completed).
pub async fn end(
    store: &Store,
    tenant: TenantId,
    id: i64,
    actor: &str,
    action: &str,
    lease: Option<&Lease>,
) -> Result<Option<Delegation>, StoreError> {
    let now = Utc::now();
    let txn: DatabaseTransaction = store.tenant_txn(tenant).await?;
    let found = select_delegations(&txn, tenant, Some(Expr::col(col("id")).eq(id)))
        .await?
        .into_iter()
        .next();
    let mut ended = None;
    if let Some(d) = found.filter(|d| d.ended_at.is_none()) {
        let update = Query::update()
            .table(col("delegations"))
            .value(col("ended_at"), now)
            .value(col("ended_by"), actor)
            .and_where(Expr::col(col("id")).eq(id))
            .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
            .and_where(Expr::col(col("ended_at")).is_null())
            .to_owned();
        if txn.execute(&update).await?.rows_affected() == 1 {
            let mut after = d.audit();
            after["ended_at"] = serde_json::json!(now);
            record_in(
                &txn,
                tenant,
                d.account_id,
                actor,
                action,
                &d.audit(),
                &after,
            )
            .await?;
            ended = Some(d);
        }
    }
    if let Some(lease) = lease {
        jobs::complete_in(&txn, lease, None, now).await?;
    }
    txn.commit().await?;
    Ok(ended)
}
