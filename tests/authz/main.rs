//! Authorization tests, each on SQLite and on PostgreSQL: the decision tables in
//! `policies/cases/`, audited and versioned changes, the casbin adapter, and propagation of a
//! change between nodes.

mod adapter;
mod changes;
mod propagation;
mod tables;

use motcua_authz::{Authz, TenantRef};
use motcua_store::{Store, TenantId, tenants};
use motcua_tests::{TestDb, demo_bundles};

/// Applies the demo tenants and returns them as authorization knows them.
pub(crate) async fn demo_tenants(store: &Store) -> Vec<TenantRef> {
    let mut refs = Vec::new();
    for bundle in demo_bundles() {
        tenants::apply(store, &bundle).await.unwrap();
        let stored = tenants::load(store, &bundle.manifest.slug.to_string())
            .await
            .unwrap()
            .unwrap();
        refs.push(TenantRef {
            id: stored.id,
            slug: bundle.manifest.slug.to_string(),
            divisions: bundle
                .manifest
                .divisions
                .iter()
                .map(|d| d.key.to_string())
                .collect(),
        });
    }
    refs
}

/// A database with the demo tenants and their (empty) policies loaded.
pub(crate) async fn setup(db: &TestDb) -> (Authz, Vec<TenantRef>) {
    let refs = demo_tenants(&db.store).await;
    let authz = Authz::load(db.store.clone(), refs.clone()).await.unwrap();
    (authz, refs)
}

pub(crate) fn tenant(refs: &[TenantRef], slug: &str) -> TenantId {
    refs.iter().find(|t| t.slug == slug).unwrap().id
}
