//! Citizens' questions in the one-stop system, on the staff host: officials list the questions
//! about the procedures their divisions handle, answer them and choose to publish the answer.
//!
//! - `GET /api/v1/onestop/questions?status=&limit=` — `status` `unanswered` (the default),
//!   `answered` or `all`; unanswered first, those waiting longest first;
//! - `POST /api/v1/onestop/questions/{id}/answer` `{"text", "publish", "version"}`: answers
//!   (again, if need be: every answer is kept with who gave it and when) and publishes or
//!   withholds; with `version` (as the question was read), 409 `answered_meanwhile` when someone
//!   answered since;
//! - `GET /hoi-dap`: the list page, with the same filter; `GET /hoi-dap/{id}`: one question
//!   with the answers given so far and, for who may answer, the form; `POST /hoi-dap/{id}`: the
//!   form (`csrf`, `text`, `publish`, `version`), 303 back with `?ok=1` or the page with the
//!   refusal; when another official answered since the page was read, 409 with that answer and
//!   the typed text kept in the form, to send again knowingly or to change.
//!
//! Who may: officials (not API tokens: an answer names the person who gave it) whom the tenant's
//! policy gives `feedback:view` in the question's division see it, `feedback:answer` answer it.
//! A question of another tenant is 404, like one that does not exist.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::Utc;
use motcua_authz::{Action as Act, Object, Permission};
use motcua_store::questions::{self, Answering, ListQuery, MAX_ANSWER, NewAnswer, Question};
use serde::Deserialize;
use serde_json::{Value, json};

use super::text_refusal;
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::host::Site;
use crate::i18n::Msg;
use crate::onestop::pages::{Opt, Staff, field, form_pairs, page, respond, see_other};
use crate::pages::local_time;
use crate::session::{Principal, Session};

/// The official behind `guard` (their account), or 403 for anyone else.
fn official(guard: &Guard) -> Result<i64, Failure> {
    match &guard.principal {
        Principal::Official {
            tenant, account, ..
        } if *tenant == guard.site.tenant.id => Ok(*account),
        _ => Err(Failure::new(
            StatusCode::FORBIDDEN,
            "officials_only",
            Msg::new(
                "Chỉ cán bộ, công chức của đơn vị đã đăng nhập mới trả lời được câu hỏi của người dân.",
                "Only a signed-in official of this agency can answer citizens' questions.",
            ),
        )),
    }
}

fn may(guard: &Guard, action: Act, division: &str) -> bool {
    guard.may(Permission::new(Object::Feedback, action), Some(division))
}

/// The name of division `key` of the host's tenant, or the key when it is gone.
fn division_name(site: &Site, key: &str) -> String {
    site.tenant
        .manifest
        .division(key)
        .map_or_else(|| key.to_owned(), |d| d.name.get(site.lang).to_owned())
}

/// The name of procedure `code` of the host's tenant, or the code when it is no longer published.
fn procedure_name(site: &Site, code: &str) -> String {
    site.tenant.procedure(code).map_or_else(
        || code.to_owned(),
        |p| p.info().name.get(site.lang).to_owned(),
    )
}

/// The list's query string; every part optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Params {
    /// `unanswered` (default), `answered` or `all`.
    pub status: Option<String>,
    /// Rows (at most 500, default 100).
    pub limit: Option<u64>,
}

/// `unanswered`, `answered`, `all` as the list's filter.
fn answered_filter(status: Option<&str>) -> Result<Option<bool>, Failure> {
    match status.map(str::trim).unwrap_or_default() {
        "" | "unanswered" => Ok(Some(false)),
        "answered" => Ok(Some(true)),
        "all" => Ok(None),
        other => Err(Failure::invalid(
            "invalid_filter",
            Msg::new(
                format!("Giá trị \"{other}\" không hợp lệ cho bộ lọc trạng thái."),
                format!("\"{other}\" is not a valid value for the status filter."),
            ),
        )),
    }
}

/// The questions `params` asks for that the official may see; 403 when they may see none.
async fn load_list(
    state: &AppState,
    guard: &Guard,
    params: &Params,
) -> Result<Vec<Question>, Failure> {
    official(guard)?;
    let site = &guard.site;
    let divisions = guard.divisions_where(Permission::new(Object::Feedback, Act::View));
    if divisions.is_empty() {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Msg::new(
                "Bạn chưa được phân công trả lời câu hỏi của người dân ở đơn vị nào.",
                "You have not been given citizens' questions to answer in any division.",
            ),
        ));
    }
    let query = ListQuery {
        divisions: Some(divisions),
        answered: answered_filter(params.status.as_deref())?,
        limit: params.limit.unwrap_or(100),
    };
    Ok(questions::list(&state.store, site.tenant.id, &query).await?)
}

fn not_found(id: &str) -> Failure {
    Failure::not_found(Msg::new(
        format!("Không tìm thấy câu hỏi số {id}."),
        format!("There is no question number {id}."),
    ))
}

fn forbidden(site: &Site, division: &str) -> Failure {
    let name = division_name(site, division);
    Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Msg::new(
            format!(
                "Câu hỏi này thuộc {name}, nơi bạn không có quyền trả lời câu hỏi của người dân."
            ),
            format!("This question is for {name}, where you may not answer citizens' questions."),
        ),
    )
}

/// Question `id` if the official may see it: 404 when the tenant has none such, 403 when it is
/// for a division where they may not see citizens' questions.
async fn load_one(state: &AppState, guard: &Guard, id: &str) -> Result<Question, Failure> {
    official(guard)?;
    let tenant = guard.site.tenant.id;
    let found = match id.parse::<i64>() {
        Ok(n) => questions::find(&state.store, tenant, n).await?,
        Err(_) => None,
    };
    let q = found.ok_or_else(|| not_found(id))?;
    if !may(guard, Act::View, &q.division) {
        return Err(forbidden(&guard.site, &q.division));
    }
    Ok(q)
}

/// The refusal of an answer written on a version of the question that someone else's answer
/// has moved past.
fn answered_meanwhile() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "answered_meanwhile",
        Msg::new(
            "Một cán bộ khác vừa trả lời câu hỏi này trong lúc bạn soạn; câu trả lời của bạn chưa được ghi.",
            "Another official answered this question while you were writing; your answer was not recorded.",
        ),
    )
}

/// Answers `q` for the official of `guard` on `on_version` of it: 403 without `feedback:answer`
/// in its division, 422 for an empty or too long text, 409 when answered since that version.
async fn run(
    state: &AppState,
    guard: &Guard,
    q: &Question,
    text: &str,
    publish: bool,
    on_version: Option<i32>,
) -> Result<Question, Failure> {
    let account = official(guard)?;
    if !may(guard, Act::Answer, &q.division) {
        return Err(forbidden(&guard.site, &q.division));
    }
    let text = questions::clean(text, MAX_ANSWER).map_err(|e| text_refusal("answer", e))?;
    let answered = questions::answer(
        &state.store,
        guard.site.tenant.id,
        q.id,
        NewAnswer {
            text,
            publish,
            by: motcua_authz::subject(account),
            at: Utc::now(),
            on_version,
        },
    )
    .await?
    .ok_or_else(|| not_found(&q.id.to_string()))?;
    match answered {
        Answering::Answered(answered) => {
            super::portal::forget_section(state, &guard.site, &q.procedure_code).await;
            Ok(answered)
        }
        Answering::Stale(_) => Err(answered_meanwhile()),
    }
}

/// The names of the tenant's officials, by audit subject (`account:12`).
async fn names(state: &AppState, site: &Site) -> Result<HashMap<String, String>, Failure> {
    let accounts = motcua_store::accounts::list(
        &state.store,
        motcua_store::accounts::Holder::Official(site.tenant.id),
    )
    .await?;
    Ok(accounts
        .into_iter()
        .map(|a| (motcua_authz::subject(a.id), a.name))
        .collect())
}

/// A question as officials get it.
fn view(guard: &Guard, q: &Question, names: &HashMap<String, String>) -> Value {
    let site = &guard.site;
    json!({
        "id": q.id,
        "procedure": { "code": q.procedure_code, "name": procedure_name(site, &q.procedure_code) },
        "division": { "key": q.division, "name": division_name(site, &q.division) },
        "lang": q.lang,
        "asker": q.asker_name,
        "question": q.text,
        "asked_at": q.asked_at,
        "answer": q.answer.as_ref().map(|a| json!({
            "text": a.text,
            "at": a.at,
            "by": { "id": a.by, "name": names.get(&a.by) },
        })),
        "published": q.published,
        "version": q.version,
        "can_answer": may(guard, Act::Answer, &q.division),
    })
}

/// `GET /api/v1/onestop/questions`.
pub(crate) async fn api_list(
    State(state): State<AppState>,
    guard: Guard,
    Query(params): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    let lang = guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let rows = load_list(&state, &guard, &params).await.map_err(fail)?;
    let names = names(&state, &guard.site).await.map_err(fail)?;
    Ok(Json(json!({
        "rows": rows.iter().map(|q| view(&guard, q, &names)).collect::<Vec<_>>(),
    })))
}

/// The body of `POST .../answer`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    text: String,
    #[serde(default)]
    publish: bool,
    /// The question's version as it was read; absent, the answer replaces whatever is there.
    #[serde(default)]
    version: Option<i32>,
}

/// `POST /api/v1/onestop/questions/{id}/answer`.
pub(crate) async fn api_answer(
    State(state): State<AppState>,
    guard: Guard,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let lang = guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let q = load_one(&state, &guard, &id).await.map_err(fail)?;
    // Permission before the body is read.
    if !may(&guard, Act::Answer, &q.division) {
        return Err(fail(forbidden(&guard.site, &q.division)));
    }
    let body: AnswerBody = crate::api::json_body(lang, &body)?;
    let answered = run(&state, &guard, &q, &body.text, body.publish, body.version)
        .await
        .map_err(fail)?;
    let names = names(&state, &guard.site).await.map_err(fail)?;
    Ok(Json(view(&guard, &answered, &names)))
}

/// A row of the list page.
struct Row {
    id: i64,
    procedure: String,
    question: String,
    asker: String,
    asked: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "guidance/staff_list.html")]
struct ListTemplate {
    staff: Staff,
    statuses: Vec<Opt>,
    rows: Vec<Row>,
    error: Option<String>,
}

/// A question's status in words.
fn status_label(q: &Question) -> &'static str {
    match (&q.answer, q.published) {
        (None, _) => "Chưa trả lời",
        (Some(_), false) => "Đã trả lời, chưa công khai",
        (Some(_), true) => "Đã trả lời, đã công khai",
    }
}

/// The first `n` characters of `text`, with an ellipsis when cut.
fn excerpt(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

/// `GET /hoi-dap`.
pub(crate) async fn list_page(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "questions");
    let outcome = async {
        let parsed = Query::<Params>::try_from_uri(&uri).map(|q| q.0);
        let params = parsed.as_ref().cloned().unwrap_or_default();
        let status = params
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let statuses = vec![
            Opt::new("unanswered", "Chưa trả lời", status.or(Some("unanswered"))),
            Opt::new("answered", "Đã trả lời", status),
            Opt::new("all", "Tất cả", status),
        ];
        let mut template = ListTemplate {
            staff: staff.clone(),
            statuses,
            rows: Vec::new(),
            error: None,
        };
        let loaded = match parsed {
            Ok(p) => load_list(&state, &guard, &p).await,
            // Still ask the guard, so that a malformed query is answered like any other.
            Err(_) => load_list(&state, &guard, &Params::default())
                .await
                .and_then(|_| {
                    Err(Failure::invalid(
                        "invalid_filter",
                        Msg::new("Bộ lọc không hợp lệ.", "The filter is not valid."),
                    ))
                }),
        };
        match loaded {
            Ok(found) => {
                template.rows = found
                    .iter()
                    .map(|q| Row {
                        id: q.id,
                        procedure: procedure_name(&site, &q.procedure_code),
                        question: excerpt(&q.text, 160),
                        asker: q.asker_name.clone(),
                        asked: local_time(&site, q.asked_at),
                        status: status_label(q),
                    })
                    .collect();
                Ok(page(StatusCode::OK, &template))
            }
            Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
                template.error = Some(f.message.get(site.lang).to_owned());
                Ok(page(f.status, &template))
            }
            Err(f) => Err(f),
        }
    }
    .await;
    respond(&site, staff, outcome)
}

/// An answer of the record, as the page shows it.
struct Given {
    when: String,
    by: String,
    published: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "guidance/staff_question.html")]
struct QuestionTemplate {
    staff: Staff,
    id: i64,
    procedure: String,
    procedure_code: String,
    division: String,
    asker: String,
    asked: String,
    language: &'static str,
    text: String,
    status: &'static str,
    record: Vec<Given>,
    can_answer: bool,
    version: i32,
    /// Whether the official's text was refused for being written on an older version.
    conflict: bool,
    /// The answer that moved the question past that version.
    other: Option<Given>,
    draft: String,
    publish: bool,
    max: usize,
    ok: bool,
    error: Option<String>,
}

/// The question page of `q`, with `draft` in its form; with `conflict`, the page of an answer
/// refused because `q`'s latest answer came in meanwhile, shown to the official.
#[expect(clippy::too_many_arguments, reason = "one page, its parts named")]
async fn render(
    state: &AppState,
    guard: &Guard,
    staff: Staff,
    q: &Question,
    draft: Option<(String, bool)>,
    notice: (bool, Option<String>),
    conflict: bool,
    status: StatusCode,
) -> Result<Response, Failure> {
    let site = &guard.site;
    let names = names(state, site).await?;
    let other = q.answer.as_ref().filter(|_| conflict).map(|a| Given {
        when: local_time(site, a.at),
        by: names.get(&a.by).cloned().unwrap_or_else(|| a.by.clone()),
        published: q.published,
        text: a.text.clone(),
    });
    let record = questions::answers(&state.store, site.tenant.id, q.id)
        .await?
        .into_iter()
        .map(|a| Given {
            when: local_time(site, a.at),
            by: names.get(&a.by).cloned().unwrap_or_else(|| a.by.clone()),
            published: a.published,
            text: a.text,
        })
        .collect();
    let (draft, publish) = draft.unwrap_or_else(|| {
        (
            q.answer
                .as_ref()
                .map(|a| a.text.clone())
                .unwrap_or_default(),
            q.answer.is_none() || q.published,
        )
    });
    let template = QuestionTemplate {
        staff,
        id: q.id,
        procedure: procedure_name(site, &q.procedure_code),
        procedure_code: q.procedure_code.clone(),
        division: division_name(site, &q.division),
        asker: q.asker_name.clone(),
        asked: local_time(site, q.asked_at),
        language: if q.lang == "en" {
            "Tiếng Anh (trang tiếng Anh của Cổng)"
        } else {
            "Tiếng Việt"
        },
        text: q.text.clone(),
        status: status_label(q),
        record,
        can_answer: may(guard, Act::Answer, &q.division),
        version: q.version,
        conflict,
        other,
        draft,
        publish,
        max: MAX_ANSWER,
        ok: notice.0,
        error: notice.1,
    };
    Ok(page(status, &template))
}

/// `GET /hoi-dap/{id}`.
pub(crate) async fn question_page(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "questions");
    let outcome = async {
        let q = load_one(&state, &guard, &id).await?;
        let ok = uri.query() == Some("ok=1");
        render(
            &state,
            &guard,
            staff.clone(),
            &q,
            None,
            (ok, None),
            false,
            StatusCode::OK,
        )
        .await
    }
    .await;
    respond(&site, staff, outcome)
}

/// `POST /hoi-dap/{id}`.
pub(crate) async fn answer_page(
    State(state): State<AppState>,
    guard: Guard,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let site = guard.site.clone();
    let staff = Staff::new(&site, &session, "questions");
    let outcome = async {
        let q = load_one(&state, &guard, &id).await?;
        let pairs = form_pairs(&body);
        let text = field(&pairs, "text").unwrap_or_default().to_owned();
        let publish = field(&pairs, "publish") == Some("1");
        // A form without a version (or with a garbled one) cannot say what it was written on:
        // refused like a stale one rather than let it replace an answer unseen.
        let version = field(&pairs, "version")
            .and_then(|v| v.trim().parse::<i32>().ok())
            .unwrap_or(-1);
        match run(&state, &guard, &q, &text, publish, Some(version)).await {
            Ok(_) => Ok(see_other(&format!("/hoi-dap/{}?ok=1", q.id))),
            Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let message = f.message.get(site.lang).to_owned();
                render(
                    &state,
                    &guard,
                    staff.clone(),
                    &q,
                    Some((text, publish)),
                    (false, Some(message)),
                    false,
                    f.status,
                )
                .await
            }
            Err(f) if f.status == StatusCode::CONFLICT => {
                // The question as it now is, with the answer that came in meanwhile.
                let now = load_one(&state, &guard, &id).await?;
                render(
                    &state,
                    &guard,
                    staff.clone(),
                    &now,
                    Some((text, publish)),
                    (false, None),
                    true,
                    f.status,
                )
                .await
            }
            Err(f) => Err(f),
        }
    }
    .await;
    respond(&site, staff, outcome)
}
