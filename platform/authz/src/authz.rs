//! The platform's authorization service: every tenant's policy, compiled for fast decisions,
//! changed through audited transactions and kept fresh across nodes.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use casbin::{CoreApi, DefaultModel, Enforcer, MgmtApi};
use chrono::{DateTime, Utc};
use motcua_store::officials;
use motcua_store::policies::{self, Change, Rule};
use motcua_store::{Store, StoreError, TenantId};
use serde::Serialize;

use crate::adapter::SeaOrmAdapter;
use crate::model::{self, Permission, Role};
use crate::sync::Publisher;

/// A tenant as authorization knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRef {
    /// Its id.
    pub id: TenantId,
    /// Its slug, the first part of its domains (`thanhhoa/so-tu-phap`).
    pub slug: String,
    /// Its divisions' keys.
    pub divisions: Vec<String>,
}

/// One role held by an official, in one division or for the whole tenant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Assignment {
    /// The official's account id.
    pub account: i64,
    /// The role.
    pub role: Role,
    /// The division's key, or `None` for the whole tenant.
    pub division: Option<String>,
}

impl Assignment {
    fn rule(&self, slug: &str) -> Rule {
        Rule {
            ptype: "g".to_owned(),
            values: vec![
                crate::subject(self.account),
                self.role.as_str().to_owned(),
                domain(slug, self.division.as_deref()),
            ],
        }
    }

    fn from_rule(rule: &[String], slug: &str) -> Result<Self, String> {
        let [sub, role, dom] = rule else {
            return Err(format!("an assignment has three values: {rule:?}"));
        };
        let account = sub
            .strip_prefix("account:")
            .and_then(|n| n.parse::<i64>().ok())
            .ok_or_else(|| format!("`{sub}` is not an official's account"))?;
        let role = role.parse::<Role>().map_err(|e| e.to_string())?;
        let division = match dom.strip_prefix(slug).and_then(|d| d.strip_prefix('/')) {
            Some("*") => None,
            Some(d) if !d.is_empty() => Some(d.to_owned()),
            _ => return Err(format!("`{dom}` is not a domain of tenant {slug}")),
        };
        Ok(Self {
            account,
            role,
            division,
        })
    }
}

fn domain(slug: &str, division: Option<&str>) -> String {
    format!("{slug}/{}", division.unwrap_or("*"))
}

/// Why an assignment cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    /// The division is not one of the tenant's.
    #[error("the tenant has no division `{0}`")]
    UnknownDivision(String),
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum AuthzError {
    /// The tenant is not loaded.
    #[error("unknown tenant {0:?}")]
    UnknownTenant(TenantId),
    /// An assignment is invalid.
    #[error(transparent)]
    Assignment(#[from] AssignmentError),
    /// Storage failed, or the policy changed meanwhile ([`StoreError::Conflict`]).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// casbin refused the model or the stored rules.
    #[error("policy engine: {0}")]
    Casbin(String),
}

/// What a change did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// The tenant's policy version now.
    pub version: i64,
    /// The assignments added.
    pub added: Vec<Assignment>,
    /// The assignments removed.
    pub removed: Vec<Assignment>,
}

impl Changed {
    /// The accounts whose roles changed (their sessions must be renewed).
    pub fn accounts(&self) -> Vec<i64> {
        let mut a: Vec<i64> = self
            .added
            .iter()
            .chain(&self.removed)
            .map(|x| x.account)
            .collect();
        a.sort_unstable();
        a.dedup();
        a
    }
}

/// Where an official may do something: for list queries to filter on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    /// In every division of the tenant.
    All,
    /// In these divisions only (possibly none).
    Divisions(Vec<String>),
}

/// One official's compiled permissions.
#[derive(Clone, Debug, Default)]
struct Grants {
    tenant_wide: u128,
    divisions: HashMap<String, u128>,
    /// Assignments delegated for a period (`motcua_store::officials`): granted only inside it.
    limited: Vec<Limited>,
}

/// The permissions of a delegated assignment, and the period they hold in.
#[derive(Clone, Debug)]
struct Limited {
    division: String,
    bits: u128,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl Limited {
    fn holds(&self, now: DateTime<Utc>) -> bool {
        self.from <= now && now < self.until
    }
}

impl Grants {
    /// The divisions whose delegated permissions hold at `now`, with those permissions.
    fn limited_at(&self, now: DateTime<Utc>) -> impl Iterator<Item = (&str, u128)> {
        self.limited
            .iter()
            .filter(move |l| l.holds(now))
            .map(|l| (l.division.as_str(), l.bits))
    }
}

/// One tenant's loaded policy.
struct TenantPolicy {
    tenant: TenantRef,
    version: i64,
    enforcer: Enforcer,
    assignments: Vec<Assignment>,
    /// The assignments delegated for a period, with the period (from, until).
    periods: HashMap<Assignment, (DateTime<Utc>, DateTime<Utc>)>,
    grants: HashMap<String, Grants>,
}

impl std::fmt::Debug for TenantPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantPolicy")
            .field("tenant", &self.tenant.slug)
            .field("version", &self.version)
            .field("assignments", &self.assignments.len())
            .finish_non_exhaustive()
    }
}

impl TenantPolicy {
    /// Whether assignment `a` is in force at `now`: always, unless delegated for a period
    /// that does not hold then.
    fn in_force(&self, a: &Assignment, now: DateTime<Utc>) -> bool {
        self.periods
            .get(a)
            .is_none_or(|(from, until)| *from <= now && now < *until)
    }

    async fn load(store: &Store, tenant: TenantRef) -> Result<Self, AuthzError> {
        // The version is read before the rules: a change landing in between makes the copy look
        // older than it is, so the next check reloads it again, never the other way round.
        let version = policies::version(store, tenant.id).await?;
        let model = DefaultModel::from_str(model::MODEL)
            .await
            .map_err(|e| AuthzError::Casbin(e.to_string()))?;
        let adapter = SeaOrmAdapter::new(store.clone(), tenant.id, "system");
        // Decisions come from the compiled index; the enforcer keeps its role links for
        // explanations and for checking that both agree.
        let enforcer = Enforcer::new(model, adapter)
            .await
            .map_err(|e| AuthzError::Casbin(e.to_string()))?;
        // Read after the rules: a delegation is written before its assignment and ended after
        // the assignment is removed, so a rule seen here always finds its period, if it has one.
        let windows = officials::windows(store, tenant.id).await?;
        Self::compile(tenant, version, enforcer, &windows)
    }

    /// Compiles the enforcer's rules into the decision index; an assignment that a delegation
    /// in `windows` covers is granted only inside the delegation's period.
    fn compile(
        tenant: TenantRef,
        version: i64,
        enforcer: Enforcer,
        windows: &[officials::Delegation],
    ) -> Result<Self, AuthzError> {
        let mut role_bits: HashMap<String, u128> = HashMap::new();
        for rule in enforcer.get_policy() {
            let [role, object, action] = &rule[..] else {
                return Err(AuthzError::Casbin(format!("bad permission rule {rule:?}")));
            };
            let permission = Permission::new(
                object
                    .parse()
                    .map_err(|e: model::UnknownName| AuthzError::Casbin(e.to_string()))?,
                action
                    .parse()
                    .map_err(|e: model::UnknownName| AuthzError::Casbin(e.to_string()))?,
            );
            *role_bits.entry(role.clone()).or_default() |= permission.bit();
        }
        let mut grants: HashMap<String, Grants> = HashMap::new();
        let mut assignments = Vec::new();
        let mut periods = HashMap::new();
        for rule in enforcer.get_grouping_policy() {
            // A stored rule this version cannot read (say, a role since retired) grants
            // nothing; it is logged, not fatal, so one bad row cannot lock a tenant out.
            let assignment = match Assignment::from_rule(&rule, &tenant.slug) {
                Ok(a) => a,
                Err(problem) => {
                    tracing::warn!(tenant = %tenant.slug, ?rule, %problem, "ignoring a policy rule");
                    continue;
                }
            };
            let bits = role_bits
                .get(assignment.role.as_str())
                .copied()
                .unwrap_or(0);
            let entry = grants.entry(rule[0].clone()).or_default();
            let window = assignment.division.as_ref().and_then(|d| {
                windows.iter().find(|w| {
                    w.account_id == assignment.account
                        && w.role == assignment.role.as_str()
                        && &w.division == d
                })
            });
            match (&assignment.division, window) {
                (Some(d), Some(w)) => {
                    entry.limited.push(Limited {
                        division: d.clone(),
                        bits,
                        from: w.starts_at,
                        until: w.ends_at,
                    });
                    periods.insert(assignment.clone(), (w.starts_at, w.ends_at));
                }
                (None, _) => entry.tenant_wide |= bits,
                (Some(d), None) => *entry.divisions.entry(d.clone()).or_default() |= bits,
            }
            assignments.push(assignment);
        }
        assignments.sort();
        Ok(Self {
            tenant,
            version,
            enforcer,
            assignments,
            periods,
            grants,
        })
    }

    fn decide(&self, subject: &str, division: Option<&str>, permission: Permission) -> bool {
        let Some(g) = self.grants.get(subject) else {
            return false;
        };
        let bit = permission.bit();
        g.tenant_wide & bit != 0
            || division.is_some_and(|d| {
                g.divisions.get(d).is_some_and(|bits| bits & bit != 0)
                    || (!g.limited.is_empty()
                        && g.limited_at(Utc::now())
                            .any(|(ld, bits)| ld == d && bits & bit != 0))
            })
    }
}

pub(crate) struct Inner {
    store: Store,
    tenants: ArcSwap<HashMap<TenantId, Arc<TenantPolicy>>>,
    /// Serialises reloads, so that an older load cannot replace a newer one.
    reload: tokio::sync::Mutex<()>,
    pub(crate) publisher: Option<Publisher>,
}

/// The authorization service; cheap to clone.
#[derive(Clone)]
pub struct Authz {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Authz {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authz")
            .field("tenants", &self.inner.tenants.load().len())
            .finish_non_exhaustive()
    }
}

impl Authz {
    /// Loads the policies of `tenants`.
    pub async fn load(
        store: Store,
        tenants: impl IntoIterator<Item = TenantRef>,
    ) -> Result<Self, AuthzError> {
        Self::load_with(store, tenants, None).await
    }

    pub(crate) async fn load_with(
        store: Store,
        tenants: impl IntoIterator<Item = TenantRef>,
        publisher: Option<Publisher>,
    ) -> Result<Self, AuthzError> {
        let authz = Self {
            inner: Arc::new(Inner {
                store,
                tenants: ArcSwap::from_pointee(HashMap::new()),
                reload: tokio::sync::Mutex::new(()),
                publisher,
            }),
        };
        authz.add_tenants(tenants).await?;
        Ok(authz)
    }

    /// Loads the policies of tenants not loaded yet, and takes new division lists of known ones.
    pub async fn add_tenants(
        &self,
        tenants: impl IntoIterator<Item = TenantRef>,
    ) -> Result<(), AuthzError> {
        let _guard = self.inner.reload.lock().await;
        let mut map = HashMap::clone(&self.inner.tenants.load());
        for tenant in tenants {
            if map.get(&tenant.id).is_some_and(|p| p.tenant == tenant) {
                continue;
            }
            let policy = TenantPolicy::load(&self.inner.store, tenant.clone()).await?;
            map.insert(tenant.id, Arc::new(policy));
        }
        self.inner.tenants.store(Arc::new(map));
        Ok(())
    }

    fn policy(&self, tenant: TenantId) -> Result<Arc<TenantPolicy>, AuthzError> {
        self.inner
            .tenants
            .load()
            .get(&tenant)
            .cloned()
            .ok_or(AuthzError::UnknownTenant(tenant))
    }

    /// Whether `subject` may do `permission` in `division` of `tenant` (or, with `None`, for
    /// the tenant as a whole: only a role held for the whole tenant counts then).
    pub fn decide(
        &self,
        tenant: TenantId,
        subject: &str,
        division: Option<&str>,
        permission: Permission,
    ) -> bool {
        self.inner
            .tenants
            .load()
            .get(&tenant)
            .is_some_and(|p| p.decide(subject, division, permission))
    }

    /// The same decision, asked of casbin's enforcer itself (slow: for checks and explanations).
    /// casbin knows nothing of delegation periods: for an assignment delegated for a period, it
    /// answers as if the period always held.
    pub fn decide_with_casbin(
        &self,
        tenant: TenantId,
        subject: &str,
        division: Option<&str>,
        permission: Permission,
    ) -> Result<bool, AuthzError> {
        let p = self.policy(tenant)?;
        let ask = |dom: String| {
            p.enforcer
                .enforce((
                    subject,
                    dom.as_str(),
                    permission.object.as_str(),
                    permission.action.as_str(),
                ))
                .map_err(|e| AuthzError::Casbin(e.to_string()))
        };
        Ok(ask(domain(&p.tenant.slug, None))?
            || match division {
                Some(d) => ask(domain(&p.tenant.slug, Some(d)))?,
                None => false,
            })
    }

    /// Where `subject` may do `permission` in `tenant`.
    pub fn visible(&self, tenant: TenantId, subject: &str, permission: Permission) -> Visible {
        let map = self.inner.tenants.load();
        let Some(g) = map.get(&tenant).and_then(|p| p.grants.get(subject)) else {
            return Visible::Divisions(Vec::new());
        };
        let bit = permission.bit();
        if g.tenant_wide & bit != 0 {
            return Visible::All;
        }
        let mut divisions: Vec<String> = g
            .divisions
            .iter()
            .map(|(d, bits)| (d.as_str(), *bits))
            .chain(g.limited_at(Utc::now()))
            .filter(|(_, bits)| *bits & bit != 0)
            .map(|(d, _)| d.to_owned())
            .collect();
        divisions.sort();
        divisions.dedup();
        Visible::Divisions(divisions)
    }

    /// The loaded policy version of `tenant`.
    pub fn version(&self, tenant: TenantId) -> Option<i64> {
        self.inner.tenants.load().get(&tenant).map(|p| p.version)
    }

    /// Every assignment of `tenant`, by account, role and division.
    pub fn assignments(&self, tenant: TenantId) -> Result<Vec<Assignment>, AuthzError> {
        Ok(self.policy(tenant)?.assignments.clone())
    }

    /// The assignments of `tenant` in force at `now`: one delegated for a period only inside
    /// it. What officials act with (the workflow's roles, hand-over candidates, notices);
    /// [`Authz::assignments`] also lists delegations not begun or ended but not yet removed.
    pub fn assignments_in_force(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Assignment>, AuthzError> {
        let p = self.policy(tenant)?;
        Ok(p.assignments
            .iter()
            .filter(|a| p.in_force(a, now))
            .cloned()
            .collect())
    }

    /// The assignments of one official in `tenant` in force at `now` (see
    /// [`Authz::assignments_in_force`]; none when the tenant is not loaded).
    pub fn assignments_of_in_force(
        &self,
        tenant: TenantId,
        account: i64,
        now: DateTime<Utc>,
    ) -> Vec<Assignment> {
        self.of_account(tenant, account, Some(now))
    }

    /// The assignments of one official in `tenant` (none when the tenant is not loaded).
    pub fn assignments_of(&self, tenant: TenantId, account: i64) -> Vec<Assignment> {
        self.of_account(tenant, account, None)
    }

    /// The assignments of one official in `tenant`, only those in force at `now` if given.
    fn of_account(
        &self,
        tenant: TenantId,
        account: i64,
        now: Option<DateTime<Utc>>,
    ) -> Vec<Assignment> {
        self.inner
            .tenants
            .load()
            .get(&tenant)
            .map(|p| {
                p.assignments
                    .iter()
                    .filter(|a| a.account == account && now.is_none_or(|t| p.in_force(a, t)))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds and removes assignments in `tenant` as `actor`, for `reason`, in one audited change.
    ///
    /// With `expected`, the change applies only if the policy is still at that version
    /// ([`StoreError::Conflict`] otherwise), so that an editor does not overwrite a change
    /// made meanwhile. The new policy is in force on this node when this returns, and on the
    /// others within a second.
    pub async fn change(
        &self,
        tenant: TenantId,
        actor: &str,
        reason: &str,
        add: &[Assignment],
        remove: &[Assignment],
        expected: Option<i64>,
    ) -> Result<Changed, AuthzError> {
        let p = self.policy(tenant)?;
        for a in add {
            if let Some(d) = &a.division
                && !p.tenant.divisions.contains(d)
            {
                return Err(AssignmentError::UnknownDivision(d.clone()).into());
            }
        }
        let change = Change {
            add: add.iter().map(|a| a.rule(&p.tenant.slug)).collect(),
            remove: remove.iter().map(|a| a.rule(&p.tenant.slug)).collect(),
        };
        let applied =
            policies::apply(&self.inner.store, tenant, actor, reason, &change, expected).await?;
        let read = |rules: &[Rule]| -> Vec<Assignment> {
            rules
                .iter()
                .filter_map(|r| Assignment::from_rule(&r.values, &p.tenant.slug).ok())
                .collect()
        };
        let changed = Changed {
            version: applied.version,
            added: read(&applied.added),
            removed: read(&applied.removed),
        };
        if !applied.is_noop() {
            self.refresh(tenant).await?;
            if let Some(publisher) = &self.inner.publisher {
                publisher.announce(tenant, applied.version).await;
            }
        }
        Ok(changed)
    }

    /// Reloads `tenant`'s policy from the database if its version moved; whether it did.
    pub async fn refresh(&self, tenant: TenantId) -> Result<bool, AuthzError> {
        let _guard = self.inner.reload.lock().await;
        let current = self.policy(tenant)?;
        let stored = policies::version(&self.inner.store, tenant).await?;
        if stored == current.version {
            return Ok(false);
        }
        let policy = TenantPolicy::load(&self.inner.store, current.tenant.clone()).await?;
        let mut map = HashMap::clone(&self.inner.tenants.load());
        map.insert(tenant, Arc::new(policy));
        self.inner.tenants.store(Arc::new(map));
        Ok(true)
    }

    /// Compares every tenant's stored policy version with the loaded one and reloads the stale
    /// ones; how many it reloaded.
    pub async fn catch_up(&self) -> Result<usize, AuthzError> {
        let stored = policies::versions(&self.inner.store).await?;
        let mut reloaded = 0;
        for (tenant, version) in stored {
            if self.version(tenant).is_some_and(|v| v != version) && self.refresh(tenant).await? {
                reloaded += 1;
            }
        }
        Ok(reloaded)
    }

    /// `tenant`'s audited changes, newest first.
    pub async fn history(
        &self,
        tenant: TenantId,
        limit: u64,
    ) -> Result<Vec<policies::ChangeRecord>, AuthzError> {
        Ok(policies::history(&self.inner.store, tenant, limit).await?)
    }
}
