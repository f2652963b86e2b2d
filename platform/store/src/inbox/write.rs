//! Writing a dossier's tasks: all of them replaced at once, inside the transaction that stores
//! the dossier's move, with the dossier's columns the inbox lists copied onto each.

use chrono::{DateTime, Utc};
use motcua_core::dossier::{Channel, DossierStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Task;
use crate::dossiers::Dossier;
use crate::entity::{dossier, dossier_task, dossier_task_key};
use crate::{Store, StoreError, TenantId};

/// The dossier the tasks belong to, as it stands after the move.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Owner<'a> {
    /// Its id.
    pub(crate) id: i64,
    /// Its code.
    pub(crate) code: &'a str,
    /// Its procedure.
    pub(crate) procedure_code: &'a str,
    /// Its status after the move.
    pub(crate) status: DossierStatus,
    /// How it arrived.
    pub(crate) channel: Channel,
    /// The applicant's name.
    pub(crate) applicant_name: &'a str,
    /// When it was received.
    pub(crate) received_at: DateTime<Utc>,
    /// Its due time after the move.
    pub(crate) due_at: DateTime<Utc>,
}

/// Replaces the tasks of `owner` with `tasks` (`fresh`: the dossier is new and has none yet),
/// and keeps its search keys while it has tasks.
pub(crate) async fn replace(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    owner: Owner<'_>,
    tasks: &[Task],
    fresh: bool,
) -> Result<(), StoreError> {
    let had = if fresh {
        false
    } else {
        dossier_task::Entity::delete_many()
            .filter(dossier_task::Column::TenantId.eq(tenant.0))
            .filter(dossier_task::Column::DossierId.eq(owner.id))
            .exec(db)
            .await?
            .rows_affected
            > 0
    };
    let folded = motcua_core::text::fold(owner.applicant_name);
    // The keys change only when the dossier gains its first tasks or loses its last: its code
    // and applicant never change.
    match (had, tasks.is_empty()) {
        (false, false) => {
            if !fresh {
                remove_keys(db, tenant, owner.id).await?;
            }
            let keys = super::keys::of(owner.code, &folded);
            dossier_task_key::Entity::insert_many(keys.into_iter().map(|key| {
                dossier_task_key::ActiveModel {
                    tenant_id: Set(tenant.0),
                    key: Set(key),
                    dossier_id: Set(owner.id),
                }
            }))
            .exec_without_returning(db)
            .await?;
        }
        (true, true) => remove_keys(db, tenant, owner.id).await?,
        _ => {}
    }
    if tasks.is_empty() {
        return Ok(());
    }
    let rows = tasks
        .iter()
        .map(|t| {
            let token = i32::try_from(t.token).map_err(|_| {
                StoreError::Corrupt(format!("dossier {}: token {}", owner.code, t.token))
            })?;
            Ok(dossier_task::ActiveModel {
                tenant_id: Set(tenant.0),
                dossier_id: Set(owner.id),
                token_id: Set(token),
                step: Set(t.step.clone()),
                role: Set(t.role.clone()),
                division: Set(t.division.clone()),
                assignee: Set(t.assignee.clone()),
                escalated_to: Set(t.escalated_to.clone()),
                step_due_at: Set(t.due),
                entered_at: Set(t.entered_at),
                code: Set(owner.code.to_owned()),
                procedure_code: Set(owner.procedure_code.to_owned()),
                status: Set(owner.status.as_str().to_owned()),
                channel: Set(owner.channel.as_str().to_owned()),
                applicant_name: Set(owner.applicant_name.to_owned()),
                applicant_name_folded: Set(folded.clone()),
                received_at: Set(owner.received_at),
                due_at: Set(owner.due_at),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    dossier_task::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

async fn remove_keys(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    dossier: i64,
) -> Result<(), StoreError> {
    dossier_task_key::Entity::delete_many()
        .filter(dossier_task_key::Column::TenantId.eq(tenant.0))
        .filter(dossier_task_key::Column::DossierId.eq(dossier))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores `tasks` as the tasks of `dossier` outside a move, unless the dossier moved since it
/// was read (its move then wrote its tasks): `false` then.
pub(crate) async fn rebuild(
    store: &Store,
    tenant: TenantId,
    dossier: &Dossier,
    tasks: &[Task],
) -> Result<bool, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    // Writing the row locks it against a concurrent move until this transaction ends, and
    // tells whether a move came first.
    let unmoved = dossier::Entity::update_many()
        .col_expr(
            dossier::Column::StateVersion,
            Expr::col(dossier::Column::StateVersion),
        )
        .filter(dossier::Column::TenantId.eq(tenant.0))
        .filter(dossier::Column::Id.eq(dossier.id))
        .filter(dossier::Column::StateVersion.eq(dossier.state_version))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if unmoved {
        let owner = Owner {
            id: dossier.id,
            code: &dossier.code.to_string(),
            procedure_code: &dossier.procedure_code,
            status: dossier.status,
            channel: dossier.channel,
            applicant_name: &dossier.applicant.name,
            received_at: dossier.received_at,
            due_at: dossier.due_at,
        };
        replace(&txn, tenant, owner, tasks, false).await?;
    }
    txn.commit().await?;
    Ok(unmoved)
}
