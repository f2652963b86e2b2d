//! casbin's storage adapter on sea-orm 2: a tenant's assignment rules (`g`) live in the
//! database through [`motcua_store::policies`]; the permission rules (`p`) are the shared role
//! templates, loaded from `policies/roles.csv` and never stored per tenant.
//!
//! Every write goes through [`policies::apply`], so it is audited under the adapter's actor
//! and bumps the tenant's policy version like any other change.

use async_trait::async_trait;
use casbin::error::AdapterError;
use casbin::{Adapter, Filter, Model};
use motcua_store::policies::{self, Change, Rule};
use motcua_store::{Store, TenantId};

use crate::model;

/// A tenant's policy storage, for a casbin enforcer.
#[derive(Clone, Debug)]
pub struct SeaOrmAdapter {
    store: Store,
    tenant: TenantId,
    actor: String,
    filtered: bool,
}

fn fail(e: impl std::error::Error + Send + Sync + 'static) -> casbin::Error {
    casbin::Error::AdapterError(AdapterError(Box::new(e)))
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

impl SeaOrmAdapter {
    /// The adapter of `tenant`'s policy; changes made through it are recorded as `actor`'s.
    pub fn new(store: Store, tenant: TenantId, actor: impl Into<String>) -> Self {
        Self {
            store,
            tenant,
            actor: actor.into(),
            filtered: false,
        }
    }

    fn rule(sec: &str, ptype: &str, values: Vec<String>) -> Result<Rule, casbin::Error> {
        if sec != "g" {
            return Err(fail(Refused(
                "permission rules are the shared role templates (policies/roles.csv); a tenant's \
                 policy holds role assignments only"
                    .to_owned(),
            )));
        }
        Ok(Rule {
            ptype: ptype.to_owned(),
            values,
        })
    }

    async fn apply(&self, change: Change) -> Result<bool, casbin::Error> {
        let applied = policies::apply(
            &self.store,
            self.tenant,
            &self.actor,
            "casbin adapter",
            &change,
            None,
        )
        .await
        .map_err(fail)?;
        Ok(!applied.is_noop())
    }

    fn load_templates(m: &mut dyn Model) {
        for (role, permission) in model::templates().iter() {
            m.add_policy(
                "p",
                "p",
                vec![
                    role.as_str().to_owned(),
                    permission.object.as_str().to_owned(),
                    permission.action.as_str().to_owned(),
                ],
            );
        }
    }

    async fn stored(&self) -> Result<Vec<Rule>, casbin::Error> {
        Ok(policies::load(&self.store, self.tenant)
            .await
            .map_err(fail)?
            .rules)
    }
}

fn matches(values: &[String], field_index: usize, wanted: &[String]) -> bool {
    wanted
        .iter()
        .enumerate()
        .all(|(i, w)| w.is_empty() || values.get(field_index + i) == Some(w))
}

#[async_trait]
impl Adapter for SeaOrmAdapter {
    async fn load_policy(&mut self, m: &mut dyn Model) -> casbin::Result<()> {
        self.filtered = false;
        Self::load_templates(m);
        for rule in self.stored().await? {
            m.add_policy("g", &rule.ptype, rule.values);
        }
        Ok(())
    }

    async fn load_filtered_policy<'a>(
        &mut self,
        m: &mut dyn Model,
        f: Filter<'a>,
    ) -> casbin::Result<()> {
        let wanted_p: Vec<String> = f.p.iter().map(|s| (*s).to_owned()).collect();
        let wanted_g: Vec<String> = f.g.iter().map(|s| (*s).to_owned()).collect();
        self.filtered = wanted_p.iter().chain(&wanted_g).any(|s| !s.is_empty());
        for (role, permission) in model::templates().iter() {
            let values = vec![
                role.as_str().to_owned(),
                permission.object.as_str().to_owned(),
                permission.action.as_str().to_owned(),
            ];
            if matches(&values, 0, &wanted_p) {
                m.add_policy("p", "p", values);
            }
        }
        for rule in self.stored().await? {
            if matches(&rule.values, 0, &wanted_g) {
                m.add_policy("g", &rule.ptype, rule.values);
            }
        }
        Ok(())
    }

    async fn save_policy(&mut self, m: &mut dyn Model) -> casbin::Result<()> {
        let wanted: Vec<Rule> = m
            .get_model()
            .get("g")
            .into_iter()
            .flat_map(|map| {
                map.iter().flat_map(|(ptype, ast)| {
                    ast.get_policy().iter().map(|values| Rule {
                        ptype: ptype.clone(),
                        values: values.clone(),
                    })
                })
            })
            .collect();
        let stored = self.stored().await?;
        let change = Change {
            remove: stored
                .iter()
                .filter(|r| !wanted.contains(r))
                .cloned()
                .collect(),
            add: wanted
                .iter()
                .filter(|r| !stored.contains(r))
                .cloned()
                .collect(),
        };
        self.apply(change).await.map(drop)
    }

    async fn clear_policy(&mut self) -> casbin::Result<()> {
        let remove = self.stored().await?;
        self.filtered = false;
        self.apply(Change {
            add: Vec::new(),
            remove,
        })
        .await
        .map(drop)
    }

    fn is_filtered(&self) -> bool {
        self.filtered
    }

    async fn add_policy(
        &mut self,
        sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        self.add_policies(sec, ptype, vec![rule]).await
    }

    async fn add_policies(
        &mut self,
        sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        let add = rules
            .into_iter()
            .map(|r| Self::rule(sec, ptype, r))
            .collect::<Result<_, _>>()?;
        self.apply(Change {
            add,
            remove: Vec::new(),
        })
        .await
    }

    async fn remove_policy(
        &mut self,
        sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        self.remove_policies(sec, ptype, vec![rule]).await
    }

    async fn remove_policies(
        &mut self,
        sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        let remove = rules
            .into_iter()
            .map(|r| Self::rule(sec, ptype, r))
            .collect::<Result<_, _>>()?;
        self.apply(Change {
            add: Vec::new(),
            remove,
        })
        .await
    }

    async fn remove_filtered_policy(
        &mut self,
        sec: &str,
        ptype: &str,
        field_index: usize,
        field_values: Vec<String>,
    ) -> casbin::Result<bool> {
        Self::rule(sec, ptype, Vec::new())?;
        if field_values.iter().all(String::is_empty) {
            return Ok(false);
        }
        let remove = self
            .stored()
            .await?
            .into_iter()
            .filter(|r| r.ptype == ptype && matches(&r.values, field_index, &field_values))
            .collect();
        self.apply(Change {
            add: Vec::new(),
            remove,
        })
        .await
    }
}
