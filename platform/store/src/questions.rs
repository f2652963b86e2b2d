//! Citizens' questions about procedures and officials' answers, in storage (guidance,
//! Art. 16.2.đ).
//!
//! A question belongs to one procedure of one tenant and is asked in the language of the host it
//! was asked on; the division that handled the procedure then is recorded, so that its officials
//! see and answer it. An answer is written on the question (the latest) and appended to
//! `question_answers` (every one, with who and when), in one transaction. Nothing is public until
//! an answer is published; the portal reads only published questions.
//!
//! Every answer raises the question's version ([`Question::version`]) in the statement that
//! writes it, and an answer given on a version that has moved since is refused
//! ([`Answering::Stale`]): of two officials answering at once, the later learns of the other's
//! answer instead of silently replacing it.
//!
//! Texts are limited ([`MAX_QUESTION`], [`MAX_ANSWER`] characters, [`clean`]) here as well as by
//! callers, so that no path stores more.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::{question as row, question_answer as answer_row};
use crate::{Store, StoreError, TenantId, versioned};

/// The longest question, in characters.
pub const MAX_QUESTION: usize = 2000;
/// The longest answer, in characters.
pub const MAX_ANSWER: usize = 4000;
/// The most rows a list gives.
pub const MAX_LIMIT: u64 = 500;

/// What is wrong with a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but spaces.
    #[error("the text is empty")]
    Empty,
    /// Longer than allowed (the limit, in characters).
    #[error("the text is longer than {0} characters")]
    TooLong(usize),
}

/// `text` trimmed, if it is not empty and at most `max` characters long.
pub fn clean(text: &str, max: usize) -> Result<String, TextError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(TextError::Empty);
    }
    if t.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    Ok(t.to_owned())
}

/// The latest answer to a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// What it says.
    pub text: String,
    /// Who gave it (`account:12`).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A question as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// Its id.
    pub id: i64,
    /// The procedure's national code.
    pub procedure_code: String,
    /// The division whose officials answer it.
    pub division: String,
    /// The language it was asked in (`vi`, `en`).
    pub lang: String,
    /// The citizen who asked (`citizen:<subject>`).
    pub asker_subject: String,
    /// Their name.
    pub asker_name: String,
    /// The question.
    pub text: String,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
    /// The latest answer, once answered.
    pub answer: Option<Answer>,
    /// Whether the answer is published on the portal.
    pub published: bool,
    /// How many answers it has had: the version an answer is written on.
    pub version: i32,
}

fn from_row(r: row::Model) -> Question {
    let answer = match (r.answer, r.answered_by, r.answered_at) {
        (Some(text), Some(by), Some(at)) => Some(Answer { text, by, at }),
        _ => None,
    };
    Question {
        id: r.id,
        procedure_code: r.procedure_code,
        division: r.division,
        lang: r.lang,
        asker_subject: r.asker_subject,
        asker_name: r.asker_name,
        text: r.text,
        asked_at: r.asked_at,
        answer,
        published: r.published,
        version: r.answer_version,
    }
}

/// A question to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewQuestion {
    /// The procedure's national code.
    pub procedure_code: String,
    /// The division that handles the procedure.
    pub division: String,
    /// The language of the host (`vi`, `en`).
    pub lang: String,
    /// The citizen (`citizen:<subject>`).
    pub asker_subject: String,
    /// Their name.
    pub asker_name: String,
    /// The question.
    pub text: String,
    /// When.
    pub asked_at: DateTime<Utc>,
}

fn invalid(what: &str, e: TextError) -> StoreError {
    StoreError::Conflict(format!("{what}: {e}"))
}

async fn by_id(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Question>, StoreError> {
    Ok(row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Id.eq(id))
        .one(db)
        .await?
        .map(from_row))
}

/// Stores a question (unanswered, unpublished).
pub async fn ask(
    store: &Store,
    tenant: TenantId,
    new: NewQuestion,
) -> Result<Question, StoreError> {
    let text = clean(&new.text, MAX_QUESTION).map_err(|e| invalid("question", e))?;
    let txn = store.tenant_txn(tenant).await?;
    let inserted = row::Entity::insert(row::ActiveModel {
        tenant_id: Set(tenant.0),
        procedure_code: Set(new.procedure_code),
        division: Set(new.division),
        lang: Set(new.lang),
        asker_subject: Set(new.asker_subject),
        asker_name: Set(new.asker_name),
        text: Set(text),
        asked_at: Set(new.asked_at),
        published: Set(false),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let question = by_id(&txn, tenant, inserted.last_insert_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the new question vanished".into()))?;
    txn.commit().await?;
    Ok(question)
}

/// Question `id` of `tenant`, or `None` (also when it belongs to another tenant).
pub async fn find(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Question>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let found = by_id(&txn, tenant, id).await?;
    txn.commit().await?;
    Ok(found)
}

/// An answer to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAnswer {
    /// What it says.
    pub text: String,
    /// Whether to publish it on the portal (`false` withdraws an earlier publication).
    pub publish: bool,
    /// Who gives it (`account:12`).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The version of the question the answer was written on ([`Question::version`]), or
    /// `None` to answer whatever was answered before.
    pub on_version: Option<i32>,
}

/// What became of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answering {
    /// It was recorded; the question after it.
    Answered(Question),
    /// Someone answered since the version it was written on; nothing was recorded. The question
    /// as it now is, with that other answer.
    Stale(Question),
}

/// Answers question `id` (replacing an earlier answer, which stays in the answers' record) and
/// publishes or withholds it, unless the question's version moved past `new.on_version`; `None`
/// when `tenant` has no such question.
pub async fn answer(
    store: &Store,
    tenant: TenantId,
    id: i64,
    new: NewAnswer,
) -> Result<Option<Answering>, StoreError> {
    let text = clean(&new.text, MAX_ANSWER).map_err(|e| invalid("answer", e))?;
    let txn = store.tenant_txn(tenant).await?;
    let update = row::Entity::update_many()
        .col_expr(row::Column::Answer, Expr::value(text.clone()))
        .col_expr(row::Column::AnsweredBy, Expr::value(new.by.clone()))
        .col_expr(row::Column::AnsweredAt, Expr::value(new.at))
        .col_expr(row::Column::Published, Expr::value(new.publish));
    let columns = versioned::Columns {
        tenant: row::Column::TenantId,
        id: row::Column::Id,
        version: row::Column::AnswerVersion,
    };
    if !versioned::update(&txn, update, columns, tenant, id, new.on_version).await? {
        let now = by_id(&txn, tenant, id).await?;
        txn.commit().await?;
        return Ok(now.map(Answering::Stale));
    }
    answer_row::Entity::insert(answer_row::ActiveModel {
        tenant_id: Set(tenant.0),
        question_id: Set(id),
        text: Set(text),
        published: Set(new.publish),
        answered_by: Set(new.by),
        answered_at: Set(new.at),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let question = by_id(&txn, tenant, id).await?;
    txn.commit().await?;
    Ok(question.map(Answering::Answered))
}

/// One answer of a question's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenAnswer {
    /// What it said.
    pub text: String,
    /// Whether it was published with it.
    pub published: bool,
    /// Who gave it (`account:12`).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Every answer given to question `id`, oldest first.
pub async fn answers(
    store: &Store,
    tenant: TenantId,
    id: i64,
) -> Result<Vec<GivenAnswer>, StoreError> {
    let txn = store.tenant_read(tenant).await?;
    let rows = answer_row::Entity::find()
        .filter(answer_row::Column::TenantId.eq(tenant.0))
        .filter(answer_row::Column::QuestionId.eq(id))
        .order_by_asc(answer_row::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| GivenAnswer {
            text: r.text,
            published: r.published,
            by: r.answered_by,
            at: r.answered_at,
        })
        .collect())
}

/// The published questions of `tenant` in language `lang`, of procedure `procedure` (every
/// procedure with `None`), the most recently answered first, at most `limit`.
pub async fn published(
    store: &Store,
    tenant: TenantId,
    procedure: Option<&str>,
    lang: &str,
    limit: u64,
) -> Result<Vec<Question>, StoreError> {
    let mut q = row::Entity::find()
        .filter(row::Column::TenantId.eq(tenant.0))
        .filter(row::Column::Published.eq(true))
        .filter(row::Column::Lang.eq(lang));
    if let Some(code) = procedure {
        q = q.filter(row::Column::ProcedureCode.eq(code));
    }
    let txn = store.tenant_read(tenant).await?;
    let rows = q
        .order_by_desc(row::Column::AnsweredAt)
        .order_by_desc(row::Column::Id)
        .limit(limit.clamp(1, MAX_LIMIT))
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// What a list of questions wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// The divisions whose questions are wanted (`None`: every division).
    pub divisions: Option<Vec<String>>,
    /// Only unanswered (`Some(false)`) or answered (`Some(true)`) questions.
    pub answered: Option<bool>,
    /// At most this many (capped at [`MAX_LIMIT`]).
    pub limit: u64,
}

/// The questions `query` wants: unanswered first, oldest first among them (waiting longest);
/// then answered ones, most recently answered first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    query: &ListQuery,
) -> Result<Vec<Question>, StoreError> {
    if query.divisions.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let mut q = row::Entity::find().filter(row::Column::TenantId.eq(tenant.0));
    if let Some(divisions) = &query.divisions {
        q = q.filter(row::Column::Division.is_in(divisions.iter().cloned()));
    }
    match query.answered {
        Some(true) => q = q.filter(row::Column::AnsweredAt.is_not_null()),
        Some(false) => q = q.filter(row::Column::AnsweredAt.is_null()),
        None => {}
    }
    let txn = store.tenant_read(tenant).await?;
    let rows = q
        // NULLs sort first on SQLite and last on PostgreSQL: say where they go.
        .order_by(
            Expr::cust("CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END"),
            sea_orm::Order::Asc,
        )
        .order_by_desc(row::Column::AnsweredAt)
        .order_by_asc(row::Column::Id)
        .limit(query.limit.clamp(1, MAX_LIMIT))
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows.into_iter().map(from_row).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_limited_in_characters() {
        assert_eq!(clean("  Hỏi?  ", 10), Ok("Hỏi?".to_owned()));
        assert_eq!(clean(" \n ", 10), Err(TextError::Empty));
        // Characters, not bytes: ten Vietnamese letters fit in ten.
        assert_eq!(clean("đđđđđđđđđđ", 10).map(|t| t.chars().count()), Ok(10));
        assert_eq!(clean("đđđđđđđđđđđ", 10), Err(TextError::TooLong(10)));
    }
}
