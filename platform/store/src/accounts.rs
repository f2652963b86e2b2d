//! Password credentials: tenant officials (`accounts`) and platform operators (`operators`).
//!
//! Both tables have the same credential columns, so one implementation serves both through
//! [`Holder`]: an official's rows are read and written inside the tenant's transaction (row-level
//! security on PostgreSQL), an operator's through the platform connection (the tenant role cannot
//! see operators at all).
//!
//! Rules kept here:
//! - usernames are compared in lowercase, unique per tenant (officials) or per platform
//!   (operators);
//! - failed attempts and the lockout are counted in the database with one atomic update each,
//!   so that they hold across nodes and concurrent attempts;
//! - anything that must end an account's sessions (a new password, disabling, a role change)
//!   bumps `session_epoch`: sessions remember the epoch they started in and end when it differs.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, IntoIden, Query, SelectStatement, SimpleExpr, UpdateStatement,
};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbErr, FromQueryResult, QueryResult, TransactionTrait,
};

use crate::{Store, StoreError, TenantId};

/// Whose credential: an official of a tenant, or a platform operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Holder {
    /// An official of the tenant.
    Official(TenantId),
    /// A platform operator.
    Operator,
}

impl Holder {
    fn table(self) -> Alias {
        Alias::new(match self {
            Holder::Official(_) => "accounts",
            Holder::Operator => "operators",
        })
    }

    async fn txn(self, store: &Store, write: bool) -> Result<DatabaseTransaction, StoreError> {
        match (self, write) {
            (Holder::Official(t), true) => store.tenant_txn(t).await,
            (Holder::Official(t), false) => store.tenant_read(t).await,
            (Holder::Operator, _) => Ok(store.platform().begin().await?),
        }
    }

    /// The row `id` of this holder's table.
    fn row(self, id: i64) -> SimpleExpr {
        let by_id = Expr::col(col("id")).eq(id);
        match self {
            Holder::Official(t) => by_id.and(Expr::col(col("tenant_id")).eq(t.0)),
            Holder::Operator => by_id,
        }
    }

    fn with_username(self, username: &str) -> SimpleExpr {
        let by_name = Expr::col(col("username")).eq(normalize(username));
        match self {
            Holder::Official(t) => by_name.and(Expr::col(col("tenant_id")).eq(t.0)),
            Holder::Operator => by_name,
        }
    }
}

fn col(name: &'static str) -> Alias {
    Alias::new(name)
}

/// Usernames are kept and compared in lowercase, without surrounding spaces.
pub fn normalize(username: &str) -> String {
    username.trim().to_lowercase()
}

/// An account to create.
#[derive(Clone)]
pub struct NewAccount {
    /// The sign-in name (stored in lowercase).
    pub username: String,
    /// The full name shown to others.
    pub name: String,
    /// An e-mail address, if any.
    pub email: Option<String>,
    /// The argon2id PHC string of the password.
    pub password_hash: String,
    /// Whether the password must be changed at the next sign-in (set for every password an
    /// administrator chose).
    pub must_change_password: bool,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("username", &self.username)
            .field("name", &self.name)
            .field("must_change_password", &self.must_change_password)
            .finish_non_exhaustive()
    }
}

/// A stored credential with everything sign-in needs.
#[derive(Clone, FromQueryResult)]
pub struct Credential {
    /// The account's id (in its table).
    pub id: i64,
    /// The sign-in name.
    pub username: String,
    /// The full name.
    pub name: String,
    /// The e-mail address.
    pub email: Option<String>,
    /// The argon2id PHC string of the password.
    pub password_hash: String,
    /// The base32 TOTP secret, when a second factor is enrolled.
    pub totp_secret: Option<String>,
    /// Whether the password must be changed before anything else.
    pub must_change_password: bool,
    /// Failed attempts since the last success or lockout.
    pub failed_attempts: i32,
    /// Until when sign-in is refused after too many failures.
    pub locked_until: Option<DateTime<Utc>>,
    /// Whether the account may not sign in at all.
    pub disabled: bool,
    /// The current session epoch.
    pub session_epoch: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("name", &self.name)
            .field("totp", &self.totp_secret.is_some())
            .field("must_change_password", &self.must_change_password)
            .field("failed_attempts", &self.failed_attempts)
            .field("locked_until", &self.locked_until)
            .field("disabled", &self.disabled)
            .field("session_epoch", &self.session_epoch)
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// Whether sign-in is refused at `now` because of earlier failures.
    pub fn locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

const COLUMNS: [&str; 13] = [
    "id",
    "username",
    "name",
    "email",
    "password_hash",
    "totp_secret",
    "must_change_password",
    "failed_attempts",
    "locked_until",
    "disabled",
    "session_epoch",
    "created_at",
    "updated_at",
];

fn select(holder: Holder) -> SelectStatement {
    Query::select()
        .columns(COLUMNS.map(col))
        .from(holder.table())
        .to_owned()
}

fn read(row: &QueryResult) -> Result<Credential, StoreError> {
    Ok(Credential::from_query_result(row, "")?)
}

/// Creates an account; a username already taken is a [`StoreError::Conflict`].
pub async fn create(store: &Store, holder: Holder, new: &NewAccount) -> Result<i64, StoreError> {
    let username = normalize(&new.username);
    let now = Utc::now();
    let mut columns = vec![
        col("username"),
        col("name"),
        col("email"),
        col("password_hash"),
        col("must_change_password"),
        col("failed_attempts"),
        col("disabled"),
        col("session_epoch"),
        col("created_at"),
        col("updated_at"),
    ];
    let mut values: Vec<SimpleExpr> = vec![
        username.clone().into(),
        new.name.clone().into(),
        new.email.clone().into(),
        new.password_hash.clone().into(),
        new.must_change_password.into(),
        0i32.into(),
        false.into(),
        0i64.into(),
        now.into(),
        now.into(),
    ];
    if let Holder::Official(t) = holder {
        columns.push(col("tenant_id"));
        values.push(t.0.into());
    }
    let insert = Query::insert()
        .into_table(holder.table())
        .columns(columns)
        .values_panic(values)
        .returning_col(col("id"))
        .to_owned();
    let txn = holder.txn(store, true).await?;
    let row = match txn.query_one(&insert).await {
        Ok(row) => row,
        Err(e) => {
            let err = StoreError::from(e);
            return Err(if err.is_unique_violation() {
                StoreError::Conflict(format!("the username `{username}` is taken"))
            } else {
                err
            });
        }
    };
    let id: i64 = row
        .ok_or_else(|| StoreError::Corrupt("an insert returned no id".into()))?
        .try_get("", "id")?;
    txn.commit().await?;
    Ok(id)
}

/// The credential with a username, if any.
pub async fn by_username(
    store: &Store,
    holder: Holder,
    username: &str,
) -> Result<Option<Credential>, StoreError> {
    let txn = holder.txn(store, false).await?;
    let row = txn
        .query_one(
            &select(holder)
                .and_where(holder.with_username(username))
                .to_owned(),
        )
        .await?;
    txn.commit().await?;
    row.as_ref().map(read).transpose()
}

/// The credential with an id, if any.
pub async fn get(store: &Store, holder: Holder, id: i64) -> Result<Option<Credential>, StoreError> {
    let txn = holder.txn(store, false).await?;
    let row = txn
        .query_one(&select(holder).and_where(holder.row(id)).to_owned())
        .await?;
    txn.commit().await?;
    row.as_ref().map(read).transpose()
}

/// Every account of the holder's table (a tenant's officials, or the operators), by username.
pub async fn list(store: &Store, holder: Holder) -> Result<Vec<Credential>, StoreError> {
    let mut query = select(holder);
    if let Holder::Official(t) = holder {
        query.and_where(Expr::col(col("tenant_id")).eq(t.0));
    }
    query.order_by(col("username"), sea_orm::sea_query::Order::Asc);
    let txn = holder.txn(store, false).await?;
    let rows = txn.query_all(&query).await?;
    txn.commit().await?;
    rows.iter().map(read).collect()
}

/// Runs one update of the row `id` and returns the listed columns of the updated row, or
/// `None` when there is no such row.
async fn update_returning(
    txn: &DatabaseTransaction,
    holder: Holder,
    id: i64,
    update: &mut UpdateStatement,
    returning: &[&'static str],
) -> Result<Option<QueryResult>, DbErr> {
    update
        .table(holder.table())
        .value(col("updated_at"), Utc::now())
        .and_where(holder.row(id))
        .returning(Query::returning().columns(returning.iter().map(|c| col(c).into_iden())));
    txn.query_one(&*update).await
}

/// How failed attempts lock an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lockout {
    /// Failures in a row that lock the account.
    pub max_failures: i32,
    /// How long it stays locked.
    pub lock_for: chrono::Duration,
}

/// Counts a failed attempt; returns until when the account is now locked, when this failure
/// locked it. The count restarts after a lockout.
pub async fn record_failure(
    store: &Store,
    holder: Holder,
    id: i64,
    lockout: Lockout,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let txn = holder.txn(store, true).await?;
    let row = update_returning(
        &txn,
        holder,
        id,
        Query::update().value(
            col("failed_attempts"),
            Expr::col(col("failed_attempts")).add(1),
        ),
        &["failed_attempts"],
    )
    .await?;
    let Some(row) = row else {
        txn.commit().await?;
        return Ok(None);
    };
    let failures: i32 = row.try_get("", "failed_attempts")?;
    let mut locked = None;
    if failures >= lockout.max_failures {
        let until = Utc::now() + lockout.lock_for;
        update_returning(
            &txn,
            holder,
            id,
            Query::update()
                .value(col("failed_attempts"), 0)
                .value(col("locked_until"), until),
            &["id"],
        )
        .await?;
        locked = Some(until);
    }
    txn.commit().await?;
    Ok(locked)
}

/// Clears the failure count and any lockout after a successful sign-in.
pub async fn record_success(store: &Store, holder: Holder, id: i64) -> Result<(), StoreError> {
    let txn = holder.txn(store, true).await?;
    update_returning(
        &txn,
        holder,
        id,
        Query::update()
            .value(col("failed_attempts"), 0)
            .value(col("locked_until"), Option::<DateTime<Utc>>::None),
        &["id"],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn bump(
    store: &Store,
    holder: Holder,
    id: i64,
    update: &mut UpdateStatement,
) -> Result<i64, StoreError> {
    let txn = holder.txn(store, true).await?;
    let row = update_returning(
        &txn,
        holder,
        id,
        update.value(col("session_epoch"), Expr::col(col("session_epoch")).add(1)),
        &["session_epoch"],
    )
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("account {id}")))?;
    let epoch: i64 = row.try_get("", "session_epoch")?;
    txn.commit().await?;
    Ok(epoch)
}

/// Ends every session of an official (for example after a change of roles): returns the new
/// session epoch.
pub async fn bump_session_epoch(
    store: &Store,
    tenant: TenantId,
    account: i64,
) -> Result<i64, StoreError> {
    bump(
        store,
        Holder::Official(tenant),
        account,
        &mut Query::update(),
    )
    .await
}

/// Ends every session of an official or operator: returns the new session epoch.
pub async fn end_sessions(store: &Store, holder: Holder, id: i64) -> Result<i64, StoreError> {
    bump(store, holder, id, &mut Query::update()).await
}

/// Replaces the password (and whether it must be changed again), clears any lockout, and ends
/// every session of the account: returns the new session epoch.
pub async fn set_password(
    store: &Store,
    holder: Holder,
    id: i64,
    password_hash: &str,
    must_change_password: bool,
) -> Result<i64, StoreError> {
    bump(
        store,
        holder,
        id,
        Query::update()
            .value(col("password_hash"), password_hash)
            .value(col("must_change_password"), must_change_password)
            .value(col("failed_attempts"), 0)
            .value(col("locked_until"), Option::<DateTime<Utc>>::None),
    )
    .await
}

/// Disables or re-enables an account; disabling ends its sessions. Returns the session epoch.
pub async fn set_disabled(
    store: &Store,
    holder: Holder,
    id: i64,
    disabled: bool,
) -> Result<i64, StoreError> {
    bump(
        store,
        holder,
        id,
        Query::update().value(col("disabled"), disabled),
    )
    .await
}

/// Enrols (`Some`) or removes (`None`) the TOTP second factor.
pub async fn set_totp(
    store: &Store,
    holder: Holder,
    id: i64,
    secret: Option<&str>,
) -> Result<(), StoreError> {
    let txn = holder.txn(store, true).await?;
    update_returning(
        &txn,
        holder,
        id,
        Query::update()
            .value(col("totp_secret"), secret.map(str::to_owned))
            .value(col("totp_last_step"), Option::<i64>::None),
        &["id"],
    )
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("account {id}")))?;
    txn.commit().await?;
    Ok(())
}

/// Records that the TOTP code of time step `step` was used; `false` when that step, or a later
/// one, was already used (a replayed code), so each code serves once.
pub async fn use_totp_step(
    store: &Store,
    holder: Holder,
    id: i64,
    step: i64,
) -> Result<bool, StoreError> {
    let txn = holder.txn(store, true).await?;
    let mut update = Query::update();
    update.value(col("totp_last_step"), step).and_where(
        Expr::col(col("totp_last_step"))
            .is_null()
            .or(Expr::col(col("totp_last_step")).lt(step)),
    );
    let used = update_returning(&txn, holder, id, &mut update, &["id"])
        .await?
        .is_some();
    txn.commit().await?;
    Ok(used)
}

/// What a session checks on each request: the account's epoch and whether it is disabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionCheck {
    /// The current session epoch.
    pub epoch: i64,
    /// Whether the account is disabled.
    pub disabled: bool,
}

/// The session epoch of an account, or `None` when it no longer exists.
pub async fn session_check(
    store: &Store,
    holder: Holder,
    id: i64,
) -> Result<Option<SessionCheck>, StoreError> {
    let query = Query::select()
        .columns([col("session_epoch"), col("disabled")])
        .from(holder.table())
        .and_where(holder.row(id))
        .to_owned();
    let txn = holder.txn(store, false).await?;
    let row = txn.query_one(&query).await?;
    txn.commit().await?;
    row.map(|r| {
        Ok(SessionCheck {
            epoch: r.try_get("", "session_epoch")?,
            disabled: r.try_get("", "disabled")?,
        })
    })
    .transpose()
}

/// The names of the tenant's officials among `ids` (id → name); ids of no official of the
/// tenant are left out.
pub async fn names(
    store: &Store,
    tenant: TenantId,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let txn = Holder::Official(tenant).txn(store, false).await?;
    let names = names_in(&txn, tenant, ids).await?;
    txn.commit().await?;
    Ok(names)
}

/// [`names`], read on `db` (a transaction of the tenant).
pub(crate) async fn names_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let query = Query::select()
        .columns([col("id"), col("name")])
        .from(Holder::Official(tenant).table())
        .and_where(Expr::col(col("tenant_id")).eq(tenant.0))
        .and_where(Expr::col(col("id")).is_in(ids.iter().copied()))
        .to_owned();
    let rows = db.query_all(&query).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "name")?)))
        .collect()
}
