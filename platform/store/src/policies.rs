//! Authorization policies per tenant, in casbin's rule shape (`ptype` and up to four values),
//! with every change audited and each tenant's policy versioned.
//!
//! A change is one transaction: the rules it adds and removes, an audit record (who, when, why,
//! and the changed subjects' rules before and after) and the tenant's new policy version. Two
//! changes racing from the same version cannot both commit: the second gets
//! [`StoreError::Conflict`]. Nodes compare [`versions`] with what they loaded to find stale copies.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::entity::{policy_change, policy_rule, policy_version};
use crate::{Store, StoreError, TenantId};

/// The number of values a stored rule may have.
pub const MAX_VALUES: usize = 4;

/// One casbin rule: its type (`p`, `g`, ...) and values.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// `p` for a permission, `g` for a role assignment.
    pub ptype: String,
    /// The values, at most [`MAX_VALUES`], none empty.
    pub values: Vec<String>,
}

impl Rule {
    /// A rule of `ptype` with `values`.
    pub fn new(ptype: &str, values: &[&str]) -> Self {
        Self {
            ptype: ptype.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.values.is_empty()
            || self.values.len() > MAX_VALUES
            || self.values.iter().any(|v| v.is_empty() || v.len() > 160)
            || self.ptype.is_empty()
            || self.ptype.len() > 8
        {
            return Err(StoreError::Conflict(format!(
                "a policy rule has 1 to {MAX_VALUES} non-empty values of at most 160 bytes: {self:?}"
            )));
        }
        Ok(())
    }

    fn value(&self, i: usize) -> String {
        self.values.get(i).cloned().unwrap_or_default()
    }

    fn from_row(m: policy_rule::Model) -> Self {
        let mut values = vec![m.v0, m.v1, m.v2, m.v3];
        while values.last().is_some_and(String::is_empty) {
            values.pop();
        }
        Self {
            ptype: m.ptype,
            values,
        }
    }

    fn subject(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }
}

/// A tenant's rules at one version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// The version (0 before the first change).
    pub version: i64,
    /// The rules, in storage order.
    pub rules: Vec<Rule>,
}

/// What one change adds and removes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Rules to add (already present ones are left alone).
    pub add: Vec<Rule>,
    /// Rules to remove (absent ones are ignored).
    pub remove: Vec<Rule>,
}

/// One audited change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangeRecord {
    /// The policy version this change made.
    pub version: i64,
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Who (an account, an operator, or a command).
    pub actor: String,
    /// Why, as given.
    pub reason: String,
    /// The rules it added.
    pub added: Vec<Rule>,
    /// The rules it removed.
    pub removed: Vec<Rule>,
    /// The changed subjects' rules before.
    pub before: Vec<Rule>,
    /// The changed subjects' rules after.
    pub after: Vec<Rule>,
}

/// What [`apply`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The tenant's policy version now.
    pub version: i64,
    /// The rules actually added.
    pub added: Vec<Rule>,
    /// The rules actually removed.
    pub removed: Vec<Rule>,
}

impl Applied {
    /// Whether the change changed nothing.
    pub fn is_noop(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

fn key(rule: &Rule) -> (String, String, String, String, String) {
    (
        rule.ptype.clone(),
        rule.value(0),
        rule.value(1),
        rule.value(2),
        rule.value(3),
    )
}

async fn rules_of(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    subjects: &BTreeSet<String>,
) -> Result<Vec<Rule>, StoreError> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    Ok(policy_rule::Entity::find()
        .filter(policy_rule::Column::TenantId.eq(tenant.0))
        .filter(policy_rule::Column::V0.is_in(subjects.iter().cloned()))
        .order_by_asc(policy_rule::Column::Ptype)
        .order_by_asc(policy_rule::Column::V0)
        .order_by_asc(policy_rule::Column::V1)
        .order_by_asc(policy_rule::Column::V2)
        .order_by_asc(policy_rule::Column::V3)
        .all(db)
        .await?
        .into_iter()
        .map(Rule::from_row)
        .collect())
}

async fn version_of(db: &impl ConnectionTrait, tenant: TenantId) -> Result<i64, StoreError> {
    Ok(policy_version::Entity::find_by_id(tenant.0)
        .one(db)
        .await?
        .map_or(0, |v| v.version))
}

/// Applies `change` to `tenant`'s policy as `actor`, for `reason`.
///
/// With `expected`, refuses with [`StoreError::Conflict`] unless the policy is still at that
/// version; without, the change applies to whatever is current. A change that changes nothing
/// is not recorded and keeps the version.
pub async fn apply(
    store: &Store,
    tenant: TenantId,
    actor: &str,
    reason: &str,
    change: &Change,
    expected: Option<i64>,
) -> Result<Applied, StoreError> {
    for rule in change.add.iter().chain(&change.remove) {
        rule.check()?;
    }
    let txn = store.tenant_txn(tenant).await?;
    let current = version_of(&txn, tenant).await?;
    if let Some(expected) = expected
        && expected != current
    {
        return Err(StoreError::Conflict(format!(
            "the policy changed meanwhile (version {current}, expected {expected})"
        )));
    }
    let subjects: BTreeSet<String> = change
        .add
        .iter()
        .chain(&change.remove)
        .map(|r| r.subject().to_owned())
        .collect();
    let before = rules_of(&txn, tenant, &subjects).await?;
    let existing: BTreeSet<_> = before.iter().map(key).collect();

    let mut removed = Vec::new();
    let mut seen = BTreeSet::new();
    for rule in &change.remove {
        if !existing.contains(&key(rule)) || !seen.insert(key(rule)) {
            continue;
        }
        policy_rule::Entity::delete_many()
            .filter(policy_rule::Column::TenantId.eq(tenant.0))
            .filter(policy_rule::Column::Ptype.eq(&rule.ptype))
            .filter(policy_rule::Column::V0.eq(rule.value(0)))
            .filter(policy_rule::Column::V1.eq(rule.value(1)))
            .filter(policy_rule::Column::V2.eq(rule.value(2)))
            .filter(policy_rule::Column::V3.eq(rule.value(3)))
            .exec(&txn)
            .await?;
        removed.push(rule.clone());
    }
    let removed_keys = seen;
    let mut added = Vec::new();
    let mut seen = BTreeSet::new();
    for rule in &change.add {
        let k = key(rule);
        let re_added = removed_keys.contains(&k);
        if (existing.contains(&k) && !re_added) || !seen.insert(k) {
            continue;
        }
        policy_rule::Entity::insert(policy_rule::ActiveModel {
            tenant_id: Set(tenant.0),
            ptype: Set(rule.ptype.clone()),
            v0: Set(rule.value(0)),
            v1: Set(rule.value(1)),
            v2: Set(rule.value(2)),
            v3: Set(rule.value(3)),
        })
        .exec_without_returning(&txn)
        .await?;
        added.push(rule.clone());
    }
    // Removing and adding back the same rule changes nothing.
    let both: BTreeSet<_> = seen.intersection(&removed_keys).cloned().collect();
    added.retain(|r| !both.contains(&key(r)));
    removed.retain(|r| !both.contains(&key(r)));
    if added.is_empty() && removed.is_empty() {
        txn.rollback().await?;
        return Ok(Applied {
            version: current,
            added,
            removed,
        });
    }
    let after = rules_of(&txn, tenant, &subjects).await?;
    let version = current + 1;
    let now = Utc::now();
    let json = |rules: &[Rule]| serde_json::to_string(rules).unwrap_or_else(|_| "[]".to_owned());
    policy_change::Entity::insert(policy_change::ActiveModel {
        tenant_id: Set(tenant.0),
        version: Set(version),
        changed_at: Set(now),
        actor: Set(actor.to_owned()),
        reason: Set(reason.to_owned()),
        added: Set(json(&added)),
        removed: Set(json(&removed)),
        before: Set(json(&before)),
        after: Set(json(&after)),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            StoreError::Conflict(format!("the policy changed meanwhile (version {current})"))
        } else {
            e
        }
    })?;
    policy_version::Entity::insert(policy_version::ActiveModel {
        tenant_id: Set(tenant.0),
        version: Set(version),
        changed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(policy_version::Column::TenantId)
            .update_columns([
                policy_version::Column::Version,
                policy_version::Column::ChangedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(Applied {
        version,
        added,
        removed,
    })
}

/// `tenant`'s rules and version, read in one transaction.
pub async fn load(store: &Store, tenant: TenantId) -> Result<Policy, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let version = version_of(&txn, tenant).await?;
    let rules = policy_rule::Entity::find()
        .filter(policy_rule::Column::TenantId.eq(tenant.0))
        .all(&txn)
        .await?
        .into_iter()
        .map(Rule::from_row)
        .collect();
    txn.commit().await?;
    Ok(Policy { version, rules })
}

/// `tenant`'s policy version (0 before the first change).
pub async fn version(store: &Store, tenant: TenantId) -> Result<i64, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let version = version_of(&txn, tenant).await?;
    txn.commit().await?;
    Ok(version)
}

/// Every tenant's current policy version (tenants never changed are absent: version 0).
pub async fn versions(store: &Store) -> Result<Vec<(TenantId, i64)>, StoreError> {
    Ok(policy_version::Entity::find()
        .all(store.platform())
        .await?
        .into_iter()
        .map(|v| (TenantId(v.tenant_id), v.version))
        .collect())
}

/// `tenant`'s latest `limit` changes, newest first.
pub async fn history(
    store: &Store,
    tenant: TenantId,
    limit: u64,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = policy_change::Entity::find()
        .filter(policy_change::Column::TenantId.eq(tenant.0))
        .order_by_desc(policy_change::Column::Version)
        .limit(limit)
        .all(&txn)
        .await?;
    txn.commit().await?;
    let parse = |text: &str| {
        serde_json::from_str::<Vec<Rule>>(text)
            .map_err(|e| StoreError::Corrupt(format!("policy change: {e}")))
    };
    rows.into_iter()
        .map(|m| {
            Ok(ChangeRecord {
                version: m.version,
                changed_at: m.changed_at,
                actor: m.actor,
                reason: m.reason,
                added: parse(&m.added)?,
                removed: parse(&m.removed)?,
                before: parse(&m.before)?,
                after: parse(&m.after)?,
            })
        })
        .collect()
}
