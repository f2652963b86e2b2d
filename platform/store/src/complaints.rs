//! Complaints and suggestions (phản ánh, kiến nghị — PAKN) in storage: receiving one with its
//! tracking code, files and the national exchange's message in one transaction; forwarding and
//! answering it with optimistic concurrency; and the lists officials and the public read.
//!
//! The rules (who may act, the deadlines, what may follow what) are the caller's: here a
//! caller's `decide` computes the change from the complaint as stored, and the change is written
//! only if nobody acted on the complaint meanwhile (`version`, as
//! [`crate::accountability::act`] does).
//!
//! Tracking codes are `PAKN-YYMMDD-NNNN`: the tenant's Vietnam-time day and a counter of that
//! day (four digits at least, more past the 9,999th of a day: `PAKN-YYMMDD-10000`), kept in `dossier_code_counters` under the unit [`CODE_UNIT`] and incremented by an
//! atomic upsert inside the transaction that stores the complaint (as dossier codes are, see
//! [`crate::next_dossier_code`]): two nodes never issue the same code, and a failed receipt
//! gives its number back.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::attachments::UploadId;
use crate::entity::{complaint as row, complaint_attachment, complaint_forward, outbox};
use crate::{Store, StoreError, TenantId, versioned};

/// The most rows a list gives.
pub const MAX_LIMIT: u64 = 500;

/// The counter unit of tracking codes in `dossier_code_counters` (no receiving unit's code).
pub const CODE_UNIT: &str = "PAKN";

/// The procedure code complaint files are uploaded under (their own limits, not a procedure's).
pub const UPLOAD_PROCEDURE: &str = "pakn";

/// The outbox topic of the national PAKN exchange.
pub const TOPIC: &str = "pakn";

/// The tracking code of the `seq`-th complaint of `day`: `PAKN-YYMMDD-NNNN`, with as many more
/// digits as a busier day needs (`PAKN-YYMMDD-10000`).
pub fn tracking_code(day: NaiveDate, seq: u32) -> String {
    format!("{CODE_UNIT}-{}-{seq:04}", day.format("%y%m%d"))
}

/// The most digits of a day's counter in a code: more than any day can issue (the counter is an
/// `i32`), and a code still fits its column.
const MAX_SEQ_DIGITS: usize = 10;

/// Whether `s` has the shape of a tracking code (any case), normalised to upper case: four
/// digits, or more without a leading zero (the one spelling [`tracking_code`] gives).
pub fn parse_code(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_uppercase();
    let rest = s.strip_prefix("PAKN-")?;
    let (day, seq) = rest.split_once('-')?;
    let ok = day.len() == 6
        && (seq.len() == 4
            || (4 < seq.len() && seq.len() <= MAX_SEQ_DIGITS && !seq.starts_with('0')))
        && day.bytes().all(|b| b.is_ascii_digit())
        && seq.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(s)
}

/// A forwarding of a complaint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    /// The division it left.
    pub from: String,
    /// The division it went to.
    pub to: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`account:12`).
    pub by: String,
}

/// A file sent with a complaint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The sha256 of its bytes (its blob).
    pub sha256: String,
    /// The name the sender gave.
    pub file_name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its MIME type, detected from its content.
    pub content_type: String,
}

/// A complaint's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// What it says.
    pub text: String,
    /// Who gave it (`account:12`).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A complaint's closing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closing {
    /// Who closed it (`account:12`).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The sender of a complaint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sender {
    /// Their name.
    pub name: String,
    /// A telephone number.
    pub phone: Option<String>,
    /// An e-mail address.
    pub email: Option<String>,
    /// A postal address.
    pub address: Option<String>,
    /// The signed-in citizen who sent it (`citizen:<subject>`), if any.
    pub citizen: Option<String>,
}

/// A complaint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Complaint {
    /// Its id.
    pub id: i64,
    /// Its tracking code.
    pub code: String,
    /// `complaint` or `suggestion`.
    pub kind: String,
    /// What it is about: `procedure`, `division` or `dossier`.
    pub subject_kind: String,
    /// The procedure's code, the division's key or the dossier's code.
    pub subject: String,
    /// The dossier's id, when it is about one.
    pub dossier_id: Option<i64>,
    /// Who sent it.
    pub sender: Sender,
    /// What it says.
    pub text: String,
    /// The division it is with now.
    pub division: String,
    /// `received`, `forwarded`, `answered` or `closed`.
    pub status: String,
    /// Actions stored so far, from 1 (optimistic concurrency).
    pub version: i64,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Until when it may be forwarded.
    pub forward_by: DateTime<Utc>,
    /// When the answer is due.
    pub answer_by: DateTime<Utc>,
    /// Its answer, once given.
    pub answer: Option<Answer>,
    /// Whether the answer is published.
    pub published: bool,
    /// Its closing, once closed.
    pub closed: Option<Closing>,
}

fn from_row(r: row::Model) -> Complaint {
    let answer = match (r.answer, r.answered_by, r.answered_at) {
        (Some(text), Some(by), Some(at)) => Some(Answer { text, by, at }),
        _ => None,
    };
    let closed = match (r.closed_by, r.closed_at) {
        (Some(by), Some(at)) => Some(Closing { by, at }),
        _ => None,
    };
    Complaint {
        id: r.id,
        code: r.code,
        kind: r.kind,
        subject_kind: r.subject_kind,
        subject: r.subject,
        dossier_id: r.dossier_id,
        sender: Sender {
            name: r.sender_name,
            phone: r.sender_phone,
            email: r.sender_email,
            address: r.sender_address,
            citizen: r.citizen_subject,
        },
        text: r.text,
        division: r.division,
        status: r.status,
        version: r.version,
        received_at: r.received_at,
        forward_by: r.forward_by,
        answer_by: r.answer_by,
        answer,
        published: r.published,
        closed,
    }
}

/// A complaint to receive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComplaint {
    /// `complaint` or `suggestion`.
    pub kind: String,
    /// `procedure`, `division` or `dossier`.
    pub subject_kind: String,
    /// The procedure's code, the division's key or the dossier's code.
    pub subject: String,
    /// The dossier's id, when it is about one.
    pub dossier_id: Option<i64>,
    /// Who sends it.
    pub sender: Sender,
    /// What it says.
    pub text: String,
    /// The division it is routed to.
    pub division: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The tenant's day of receipt (Vietnam time), for the tracking code.
    pub day: NaiveDate,
    /// Until when it may be forwarded.
    pub forward_by: DateTime<Utc>,
    /// When the answer is due.
    pub answer_by: DateTime<Utc>,
    /// Files uploaded with it (under [`UPLOAD_PROCEDURE`]) and their uploader.
    pub attachments: Vec<(UploadId, String)>,
}

/// Issues the next tracking code of `day` inside `txn`.
async fn next_code(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    day: NaiveDate,
) -> Result<String, StoreError> {
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO dossier_code_counters (tenant_id, unit_code, day, last_seq) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (tenant_id, unit_code, day) \
             DO UPDATE SET last_seq = dossier_code_counters.last_seq + 1 \
             RETURNING last_seq",
            [tenant.0.into(), CODE_UNIT.into(), day.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::Corrupt("the code counter upsert returned no row".into()))?;
    let seq: i32 = row.try_get_by_index(0)?;
    match u32::try_from(seq) {
        Ok(n @ 1..) => Ok(tracking_code(day, n)),
        _ => Err(StoreError::CodesExhausted {
            unit: CODE_UNIT.to_owned(),
            day,
        }),
    }
}

/// Writes a message of the national exchange about complaint `c` inside `db`.
async fn enqueue(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    c: &Complaint,
    event: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    outbox::Entity::insert(outbox::ActiveModel {
        tenant_id: Set(tenant.0),
        dossier_id: Set(c.dossier_id),
        topic: Set(TOPIC.to_owned()),
        payload: Set(serde_json::json!({ "complaint": c.id, "code": c.code, "event": event })),
        created_at: Set(now),
        attempts: Set(0),
        run_after: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn by_id(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Complaint>, StoreError> {
    Ok(row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Id.eq(id))
        .one(db)
        .await?
        .map(from_row))
}

/// Receives a complaint: issues its tracking code, stores it with its files (each upload taken
/// from the uploads, see `attachments::take_upload_in`) and enqueues its message to the
/// national PAKN system, atomically. An upload that does not exist, expired or is someone
/// else's refuses the whole receipt with [`StoreError::NotFound`].
pub async fn receive(
    store: &Store,
    tenant: TenantId,
    new: NewComplaint,
) -> Result<Complaint, StoreError> {
    let txn = store.tenant_txn(tenant).await?;
    let code = next_code(&txn, tenant, new.day).await?;
    let inserted = row::Entity::insert(row::ActiveModel {
        tenant_id: Set(tenant.0),
        code: Set(code),
        kind: Set(new.kind),
        subject_kind: Set(new.subject_kind),
        subject: Set(new.subject),
        dossier_id: Set(new.dossier_id),
        sender_name: Set(new.sender.name),
        sender_phone: Set(new.sender.phone),
        sender_email: Set(new.sender.email),
        sender_address: Set(new.sender.address),
        citizen_subject: Set(new.sender.citizen),
        text: Set(new.text),
        division: Set(new.division),
        status: Set("received".to_owned()),
        version: Set(1),
        received_at: Set(new.received_at),
        forward_by: Set(new.forward_by),
        answer_by: Set(new.answer_by),
        answered_at: Set(None),
        answered_by: Set(None),
        answer: Set(None),
        published: Set(false),
        closed_at: Set(None),
        closed_by: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let id = inserted.last_insert_id;
    for (upload, by) in &new.attachments {
        let taken =
            crate::attachments::take_upload_in(&txn, tenant, upload, by, UPLOAD_PROCEDURE).await?;
        complaint_attachment::Entity::insert(complaint_attachment::ActiveModel {
            tenant_id: Set(tenant.0),
            complaint_id: Set(id),
            sha256: Set(taken.sha256),
            file_name: Set(taken.file_name),
            size: Set(taken.size),
            content_type: Set(taken.content_type),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let stored = by_id(&txn, tenant, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the new complaint vanished".into()))?;
    enqueue(&txn, tenant, &stored, "received", new.received_at).await?;
    txn.commit().await?;
    Ok(stored)
}

/// Complaint `code` of `tenant`, or `None` (also when it is another tenant's).
pub async fn find(
    store: &Store,
    tenant: TenantId,
    code: &str,
) -> Result<Option<Complaint>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Code.eq(code))
        .one(&txn)
        .await?
        .map(from_row);
    txn.commit().await?;
    Ok(found)
}

/// Complaint `id` of `tenant`, or `None`.
pub async fn find_id(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Complaint>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_id(&txn, tenant, id).await?;
    txn.commit().await?;
    Ok(found)
}

/// A complaint's forwardings, oldest first, and its files.
pub async fn details(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> Result<(Vec<Forward>, Vec<Attachment>), StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let forwards = complaint_forward::Entity::find()
        .filter(complaint_forward::Column::TenantId.eq(tenant.0))
        .filter(complaint_forward::Column::ComplaintId.eq(id))
        .order_by_asc(complaint_forward::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|f| Forward {
            from: f.from_division,
            to: f.to_division,
            reason: f.reason,
            at: f.at,
            by: f.by,
        })
        .collect();
    let files = complaint_attachment::Entity::find()
        .filter(complaint_attachment::Column::TenantId.eq(tenant.0))
        .filter(complaint_attachment::Column::ComplaintId.eq(id))
        .order_by_asc(complaint_attachment::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| Attachment {
            sha256: a.sha256,
            file_name: a.file_name,
            size: a.size,
            content_type: a.content_type,
        })
        .collect();
    txn.commit().await?;
    Ok((forwards, files))
}

/// What an action on a complaint writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Sends it to another division, which may forward it on until `forward_by` (its own window,
    /// counted from the forwarding).
    Forward {
        /// The forwarding.
        forward: Forward,
        /// Until when the receiving division may forward it on.
        forward_by: DateTime<Utc>,
    },
    /// Answers it, published or not.
    Answer {
        /// The answer.
        answer: Answer,
        /// Whether the answer is published.
        publish: bool,
    },
    /// Closes it: nothing more is done to it.
    Close(Closing),
}

/// Why an action was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ActError<E> {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such complaint in this tenant.
    #[error("no such complaint")]
    NotFound,
    /// The decision refused the action.
    #[error("refused")]
    Refused(E),
    /// The complaint is no longer at the version the caller saw.
    #[error("the complaint changed meanwhile")]
    Conflict,
}

/// Acts on complaint `id`: reads it, and if it is still at `expected_version` (`None`: whatever
/// it is now) lets `decide` compute the change from it and writes it — an answer with its
/// message to the national PAKN system — atomically. Of two officials acting on the same
/// version at once, exactly one succeeds; the other gets [`ActError::Conflict`].
pub async fn act<E>(
    store: &Store,
    tenant: TenantId,
    id: i64,
    expected_version: Option<i64>,
    decide: impl FnOnce(&Complaint) -> Result<Change, E>,
) -> Result<Complaint, ActError<E>> {
    let txn = store.tenant_txn(tenant).await?;
    let current = by_id(&txn, tenant, id).await?.ok_or(ActError::NotFound)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ActError::Conflict);
    }
    let change = decide(&current).map_err(ActError::Refused)?;
    let mut q = row::Entity::update_many();
    let mut answered = false;
    match &change {
        Change::Forward {
            forward: f,
            forward_by,
        } => {
            q = q
                .col_expr(row::Column::Division, Expr::value(f.to.clone()))
                .col_expr(row::Column::Status, Expr::value("forwarded"))
                .col_expr(row::Column::ForwardBy, Expr::value(*forward_by));
            complaint_forward::Entity::insert(complaint_forward::ActiveModel {
                tenant_id: Set(tenant.0),
                complaint_id: Set(id),
                from_division: Set(f.from.clone()),
                to_division: Set(f.to.clone()),
                reason: Set(f.reason.clone()),
                at: Set(f.at),
                by: Set(f.by.clone()),
                ..Default::default()
            })
            .exec_without_returning(&txn)
            .await
            .map_err(StoreError::from)?;
        }
        Change::Answer { answer, publish } => {
            answered = true;
            q = q
                .col_expr(row::Column::Status, Expr::value("answered"))
                .col_expr(row::Column::Answer, Expr::value(answer.text.clone()))
                .col_expr(row::Column::AnsweredBy, Expr::value(answer.by.clone()))
                .col_expr(row::Column::AnsweredAt, Expr::value(answer.at))
                .col_expr(row::Column::Published, Expr::value(*publish));
        }
        Change::Close(closing) => {
            q = q
                .col_expr(row::Column::Status, Expr::value("closed"))
                .col_expr(row::Column::ClosedBy, Expr::value(closing.by.clone()))
                .col_expr(row::Column::ClosedAt, Expr::value(closing.at));
        }
    }
    let columns = versioned::Columns {
        tenant: row::Column::TenantId,
        id: row::Column::Id,
        version: row::Column::Version,
    };
    if !versioned::update(&txn, q, columns, tenant, id, Some(current.version)).await? {
        return Err(ActError::Conflict);
    }
    let stored = by_id(&txn, tenant, id).await?.ok_or(ActError::NotFound)?;
    if answered {
        let at = stored.answer.as_ref().map_or_else(Utc::now, |a| a.at);
        enqueue(&txn, tenant, &stored, "answered", at).await?;
    }
    txn.commit().await.map_err(StoreError::from)?;
    Ok(stored)
}

/// What a list of complaints wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// The divisions whose complaints are wanted (`None`: every division).
    pub divisions: Option<Vec<String>>,
    /// Only complaints in these statuses (empty: any).
    pub statuses: Vec<String>,
    /// Only published answers.
    pub published: bool,
    /// Only complaints whose answer was due before this instant and is not given.
    pub overdue_at: Option<DateTime<Utc>>,
    /// At most this many (capped at [`MAX_LIMIT`]).
    pub limit: u64,
}

/// The complaints `query` wants: published answers newest first; otherwise the answer due
/// soonest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    query: &ListQuery,
) -> Result<Vec<Complaint>, StoreError> {
    if query.divisions.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let mut q = row::Entity::find().filter(row::Column::TenantId.eq(tenant.0));
    if let Some(divisions) = &query.divisions {
        q = q.filter(row::Column::Division.is_in(divisions.iter().cloned()));
    }
    if !query.statuses.is_empty() {
        q = q.filter(row::Column::Status.is_in(query.statuses.iter().cloned()));
    }
    if let Some(now) = query.overdue_at {
        q = q
            .filter(row::Column::AnswerBy.lt(now))
            .filter(row::Column::Status.is_in(["received", "forwarded"]));
    }
    q = if query.published {
        q.filter(row::Column::Published.eq(true))
            .filter(row::Column::AnsweredAt.is_not_null())
            .order_by_desc(row::Column::AnsweredAt)
            .order_by_desc(row::Column::Id)
    } else {
        q.order_by_asc(row::Column::AnswerBy)
            .order_by_asc(row::Column::Id)
    };
    let txn = store.tenant_read(tenant).await?;
    let rows = q.limit(query.limit.clamp(1, MAX_LIMIT)).all(&txn).await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The complaints the signed-in citizen `citizen` (`citizen:<subject>`) sent to `tenant`, newest
/// first, at most `limit` (capped at [`MAX_LIMIT`]).
pub async fn of_citizen(
    store: &Store,
    tenant: TenantId,
    citizen: &str,
    limit: u64,
) -> Result<Vec<Complaint>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::CitizenSubject.eq(citizen))
        .order_by_desc(row::Column::ReceivedAt)
        .order_by_desc(row::Column::Id)
        .limit(limit.clamp(1, MAX_LIMIT))
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(from_row).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_read_back() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let code = tracking_code(day, 7);
        assert_eq!(code, "PAKN-261127-0007");
        assert_eq!(
            parse_code(" pakn-261127-0007 ").as_deref(),
            Some("PAKN-261127-0007")
        );
        // Past the 9,999th of a day, the counter takes a fifth digit, and reads back.
        let busy = tracking_code(day, 10_000);
        assert_eq!(busy, "PAKN-261127-10000");
        assert_eq!(parse_code(&busy).as_deref(), Some("PAKN-261127-10000"));
        for bad in [
            "PAKN-26112-0007",
            "PAKN-261127-07",
            "PAKN-261127-00007",
            "PAKN-261127-12345678901",
            "X-261127-0007",
            "PAKN-2611a7-0007",
        ] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
    }
}
