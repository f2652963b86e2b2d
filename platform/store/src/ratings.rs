//! Citizens' satisfaction ratings (Circular 32/2017) in storage, with the applicant's answers to
//! indicators 3 and 4 of the assessment of Chapter III ([`motcua_core::assessment`]), and the
//! counts of the public statistics pages (Art. 16.2.h): dossiers received, finished and finished
//! on time, and ratings, per procedure of a tenant over a period — each one SQL `GROUP BY`,
//! never dossiers loaded one by one. Dossiers are counted per procedure *version*: the division a
//! dossier counts for is the one its version named (as a rating stores it), not today's.
//!
//! Who may rate what, and when, is the caller's rule; here a dossier is rated once at most: a
//! second rating is refused with [`StoreError::Conflict`] (the unique key decides, so two at
//! once cannot both be stored).

use chrono::{DateTime, Utc};
use motcua_core::assessment::{AgenciesContacted, DeskContacts};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{dossier, rating as row};
use crate::{Store, StoreError, TenantId};

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// One answer of a rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Không hài lòng.
    NotSatisfied,
}

impl Satisfaction {
    /// Every answer, best first.
    pub const ALL: [Satisfaction; 3] = [Self::VerySatisfied, Self::Satisfied, Self::NotSatisfied];

    /// The stable machine name, as stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerySatisfied => "very_satisfied",
            Self::Satisfied => "satisfied",
            Self::NotSatisfied => "not_satisfied",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether the answer counts as satisfied (very satisfied or satisfied).
    pub fn is_satisfied(self) -> bool {
        self != Self::NotSatisfied
    }
}

/// A rating to store.
#[derive(Clone, Debug)]
pub struct NewRating {
    /// The dossier rated.
    pub dossier_id: i64,
    /// Its procedure's code.
    pub procedure_code: String,
    /// The key of the division that handled it.
    pub division: String,
    /// The overall answer.
    pub overall: Satisfaction,
    /// How convenient applying and receiving the result was.
    pub convenience: Satisfaction,
    /// Whether it was handled in time.
    pub timeliness: Satisfaction,
    /// How the officials helped.
    pub staff_support: Satisfaction,
    /// What the citizen added, at most [`MAX_COMMENT_CHARS`].
    pub comment: Option<String>,
    /// Indicator 3: contacts with the desk needed to complete the dossier.
    pub desk_contacts: DeskContacts,
    /// Indicator 4: agencies the applicant had to contact.
    pub agencies_contacted: AgenciesContacted,
    /// Who rated (`citizen:<subject>`).
    pub rater: String,
    /// When.
    pub rated_at: DateTime<Utc>,
}

/// A stored rating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    /// The dossier rated.
    pub dossier_id: i64,
    /// Its procedure's code.
    pub procedure_code: String,
    /// The key of the division that handled it.
    pub division: String,
    /// The overall answer.
    pub overall: Satisfaction,
    /// Convenience.
    pub convenience: Satisfaction,
    /// Timeliness.
    pub timeliness: Satisfaction,
    /// Staff support.
    pub staff_support: Satisfaction,
    /// The comment.
    pub comment: Option<String>,
    /// Indicator 3, when it was asked (ratings given before it was have none).
    pub desk_contacts: Option<DeskContacts>,
    /// Indicator 4, when it was asked.
    pub agencies_contacted: Option<AgenciesContacted>,
    /// When it was given.
    pub rated_at: DateTime<Utc>,
}

/// An assessment input as stored: none on ratings given before it was asked.
fn input<T>(
    id: i64,
    stored: Option<&str>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    stored
        .map(|s| {
            parse(s)
                .ok_or_else(|| StoreError::Corrupt(format!("rating {id}: assessment input `{s}`")))
        })
        .transpose()
}

fn from_row(r: row::Model) -> Result<Rating, StoreError> {
    let answer = |s: &str| {
        Satisfaction::parse(s)
            .ok_or_else(|| StoreError::Corrupt(format!("rating {}: answer `{s}`", r.id)))
    };
    let desk_contacts = input(r.id, r.desk_contacts.as_deref(), DeskContacts::parse)?;
    let agencies_contacted = input(
        r.id,
        r.agencies_contacted.as_deref(),
        AgenciesContacted::parse,
    )?;
    Ok(Rating {
        dossier_id: r.dossier_id,
        desk_contacts,
        agencies_contacted,
        overall: answer(&r.overall)?,
        convenience: answer(&r.convenience)?,
        timeliness: answer(&r.timeliness)?,
        staff_support: answer(&r.staff_support)?,
        procedure_code: r.procedure_code,
        division: r.division,
        comment: r.comment,
        rated_at: r.rated_at,
    })
}

/// Stores `new`; [`StoreError::Conflict`] when the dossier is rated already.
pub async fn give(store: &Store, tenant: TenantId, new: NewRating) -> Result<Rating, StoreError> {
    let comment = new
        .comment
        .map(|c| c.chars().take(MAX_COMMENT_CHARS).collect::<String>());
    let txn = store.tenant_txn(tenant).await?;
    let inserted = row::Entity::insert(row::ActiveModel {
        tenant_id: Set(tenant.0),
        dossier_id: Set(new.dossier_id),
        procedure_code: Set(new.procedure_code),
        division: Set(new.division),
        overall: Set(new.overall.as_str().to_owned()),
        convenience: Set(new.convenience.as_str().to_owned()),
        timeliness: Set(new.timeliness.as_str().to_owned()),
        staff_support: Set(new.staff_support.as_str().to_owned()),
        comment: Set(comment),
        desk_contacts: Set(Some(new.desk_contacts.as_str().to_owned())),
        agencies_contacted: Set(Some(new.agencies_contacted.as_str().to_owned())),
        rater: Set(new.rater),
        rated_at: Set(new.rated_at),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(StoreError::from);
    match inserted {
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => {
            return Err(StoreError::Conflict(format!(
                "dossier {} is rated already",
                new.dossier_id
            )));
        }
        Err(e) => return Err(e),
    }
    let stored = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::DossierId.eq(new.dossier_id))
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the new rating vanished".into()))?;
    txn.commit().await?;
    from_row(stored)
}

/// The rating of dossier `dossier_id`, if it has one.
pub async fn of_dossier(
    store: &Store,
    tenant: TenantId,
    dossier_id: i64,
) -> Result<Option<Rating>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::DossierId.eq(dossier_id))
        .one(&txn)
        .await?;
    txn.commit().await?;
    found.map(from_row).transpose()
}

/// A period: from `from` (included) to `to` (excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// Its start.
    pub from: DateTime<Utc>,
    /// Its end, excluded.
    pub to: DateTime<Utc>,
}

/// What happened to the dossiers of one version of a procedure in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DossierCounts {
    /// The procedure's code.
    pub procedure_code: String,
    /// The version the dossiers were handled on (which names the division that handled them).
    pub procedure_version: i32,
    /// Dossiers received in the period.
    pub received: i64,
    /// Of those, received online (the tenant's portal or the national portal).
    pub received_online: i64,
    /// Dossiers whose result was returned in the period.
    pub finished: i64,
    /// Of those, returned by their due time (early or on time).
    pub finished_on_time: i64,
}

/// The ratings of one procedure handled by one division, given in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RatingCounts {
    /// The procedure's code.
    pub procedure_code: String,
    /// The division's key.
    pub division: String,
    /// Ratings given.
    pub ratings: i64,
    /// Of those, whose overall answer is very satisfied or satisfied.
    pub satisfied: i64,
}

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`.
fn count_if(cond: impl Into<Condition>) -> Expr {
    Func::sum(Expr::case(cond, Expr::cust("1")).finally(Expr::cust("0"))).into()
}

/// Per procedure version: dossiers received and returned in `period` (each one query grouped by
/// procedure and version), ordered by both. A version with nothing in the period has no row.
pub async fn dossier_counts(
    store: &Store,
    tenant: TenantId,
    period: Period,
) -> Result<Vec<DossierCounts>, StoreError> {
    use dossier::Column as D;
    let txn = store.tenant_read(tenant).await?;
    let online = [
        motcua_core::dossier::Channel::Online,
        motcua_core::dossier::Channel::NationalPortal,
    ]
    .map(|c| c.as_str());
    let received: Vec<(String, i32, i64, i64)> = dossier::Entity::find()
        .select_only()
        .column(D::ProcedureCode)
        .column(D::ProcedureVersion)
        .expr(Expr::col(D::Id).count())
        .expr(count_if(D::Channel.is_in(online)))
        .filter(D::TenantId.eq(tenant.0))
        .filter(D::ReceivedAt.gte(period.from))
        .filter(D::ReceivedAt.lt(period.to))
        .group_by(D::ProcedureCode)
        .group_by(D::ProcedureVersion)
        .into_tuple()
        .all(&txn)
        .await?;
    let finished: Vec<(String, i32, i64, i64)> = dossier::Entity::find()
        .select_only()
        .column(D::ProcedureCode)
        .column(D::ProcedureVersion)
        .expr(Expr::col(D::Id).count())
        .expr(count_if(Expr::col(D::ClosedAt).lte(Expr::col(D::DueAt))))
        .filter(D::TenantId.eq(tenant.0))
        .filter(D::Status.eq(motcua_core::dossier::DossierStatus::Returned.as_str()))
        .filter(D::ClosedAt.gte(period.from))
        .filter(D::ClosedAt.lt(period.to))
        .group_by(D::ProcedureCode)
        .group_by(D::ProcedureVersion)
        .into_tuple()
        .all(&txn)
        .await?;
    txn.commit().await?;
    let mut all: Vec<DossierCounts> = received
        .into_iter()
        .map(
            |(procedure_code, procedure_version, received, received_online)| DossierCounts {
                procedure_code,
                procedure_version,
                received,
                received_online,
                ..DossierCounts::default()
            },
        )
        .collect();
    for (code, version, finished, on_time) in finished {
        let at = match all
            .iter()
            .position(|c| c.procedure_code == code && c.procedure_version == version)
        {
            Some(i) => i,
            None => {
                all.push(DossierCounts {
                    procedure_code: code,
                    procedure_version: version,
                    ..DossierCounts::default()
                });
                all.len() - 1
            }
        };
        all[at].finished = finished;
        all[at].finished_on_time = on_time;
    }
    all.sort_by(|a, b| {
        (&a.procedure_code, a.procedure_version).cmp(&(&b.procedure_code, b.procedure_version))
    });
    Ok(all)
}

/// Per procedure and division: the ratings given in `period` (one query grouped by both).
pub async fn rating_counts(
    store: &Store,
    tenant: TenantId,
    period: Period,
) -> Result<Vec<RatingCounts>, StoreError> {
    use row::Column as R;
    let txn = store.tenant_read(tenant).await?;
    let satisfied = [Satisfaction::VerySatisfied, Satisfaction::Satisfied].map(|s| s.as_str());
    let rows: Vec<(String, String, i64, i64)> = row::Entity::find()
        .select_only()
        .column(R::ProcedureCode)
        .column(R::Division)
        .expr(Expr::col(R::Id).count())
        .expr(count_if(R::Overall.is_in(satisfied)))
        .filter(R::TenantId.eq(tenant.0))
        .filter(R::RatedAt.gte(period.from))
        .filter(R::RatedAt.lt(period.to))
        .group_by(R::ProcedureCode)
        .group_by(R::Division)
        .into_tuple()
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(procedure_code, division, ratings, satisfied)| RatingCounts {
                procedure_code,
                division,
                ratings,
                satisfied,
            },
        )
        .collect())
}
