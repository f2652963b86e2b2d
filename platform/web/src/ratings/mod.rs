//! Citizens' satisfaction ratings of their dossiers (Art. 16.2.g, Circular 32/2017): overall,
//! convenience, timeliness and staff support, each *very satisfied / satisfied / not
//! satisfied*, with an optional comment.
//!
//! - on the "my dossiers" page of a dossier ([`section`]): the form while it may be rated, the
//!   rating given afterwards; sent to `POST /ho-so-cua-toi/{code}/danh-gia` (Vietnamese host) or
//!   `POST /my-dossiers/{code}/rating` (English host), URL-encoded with the session's `csrf`
//!   field (checked by the session layer as for every form), answered with 303 back to the
//!   dossier's page;
//! - `GET`/`POST /api/v1/dossiers/{code}/rating` in JSON.
//!
//! Rules kept here: only the dossier's owner ([`crate::my_dossiers::own_dossier`]); only once
//! its result is returned or it is closed (409 `not_finished` before); one rating per dossier —
//! a second one is refused with 409 `already_rated` (a rating is a record of the moment, as the
//! national portal keeps it; it is never replaced); a comment of at most
//! [`MAX_COMMENT_CHARS`] characters (422 beyond). The rating carries the dossier's procedure and
//! the division its procedure belongs to, for the statistics ([`crate::statistics`]).

mod labels;

use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;
use motcua_store::StoreError;
use motcua_store::dossiers::Dossier;
use motcua_store::ratings::{self, MAX_COMMENT_CHARS, NewRating, Rating, Satisfaction};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::accountability::applicant::{citizen, own_dossier};
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::local_time;
use crate::session::{CitizenIdentity, Session};
pub(crate) use labels::{RatingLabels, labels};

/// The path of dossier `code`'s page in `lang` (the "my dossiers" page).
fn dossier_path(lang: Lang, code: &str) -> String {
    format!("{}/{code}", lang.pick("/ho-so-cua-toi", "/my-dossiers"))
}

/// Where the rating form of dossier `code` is sent, in `lang`.
pub(crate) fn rating_path(lang: Lang, code: &str) -> String {
    format!(
        "{}/{}",
        dossier_path(lang, code),
        lang.pick("danh-gia", "rating")
    )
}

/// The form's route, on the portal (merged into its router).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ho-so-cua-toi/{code}/danh-gia", post(page_submit))
        .route("/my-dossiers/{code}/rating", post(page_submit))
}

/// The JSON API, nested under `/api` (ownership is checked in code).
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new().route("/v1/dossiers/{code}/rating", get(api_show).post(api_submit))
}

/// The questions of a rating, in order: the form field (and JSON key) and its label.
fn questions(l: &'static RatingLabels) -> [(&'static str, &'static str); 4] {
    [
        ("overall", l.overall),
        ("convenience", l.convenience),
        ("timeliness", l.timeliness),
        ("staff_support", l.staff_support),
    ]
}

/// The words of an answer.
fn answer_label(l: &'static RatingLabels, a: Satisfaction) -> &'static str {
    match a {
        Satisfaction::VerySatisfied => l.very_satisfied,
        Satisfaction::Satisfied => l.satisfied,
        Satisfaction::NotSatisfied => l.not_satisfied,
    }
}

/// Whether `dossier` may be rated: its result is returned, or it is closed.
fn finished(dossier: &Dossier) -> bool {
    dossier.status == DossierStatus::Returned || dossier.closed_at.is_some()
}

/// 409: the dossier is still being handled.
fn not_finished() -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "not_finished",
        Msg::new(
            "Bạn chỉ đánh giá được khi hồ sơ đã có kết quả trả cho bạn hoặc đã kết thúc; hồ sơ này đang được giải quyết.",
            "You can rate a dossier once its result is returned to you or it is closed; this one is still being handled.",
        ),
    )
}

/// 409: the dossier is rated already.
fn already_rated(site: &Site, given: &Rating) -> Failure {
    Failure::new(
        StatusCode::CONFLICT,
        "already_rated",
        Msg::new(
            format!(
                "Bạn đã đánh giá hồ sơ này lúc {}; mỗi hồ sơ được đánh giá một lần.",
                local_time(site, given.rated_at)
            ),
            format!(
                "You rated this dossier at {}; a dossier is rated once.",
                local_time(site, given.rated_at)
            ),
        ),
    )
}

/// A radio button of the form.
pub(crate) struct Choice {
    /// The element's id.
    pub id: String,
    /// The value sent.
    pub value: &'static str,
    /// Its words.
    pub label: &'static str,
}

/// A question of the form: a group of radio buttons.
pub(crate) struct Question {
    /// The field's name.
    pub name: &'static str,
    /// The question.
    pub legend: &'static str,
    /// The answers.
    pub choices: Vec<Choice>,
}

/// The rating form.
pub(crate) struct RatingForm {
    /// Where it is sent.
    pub action: String,
    /// The session's token.
    pub csrf: String,
    /// The questions.
    pub questions: Vec<Question>,
    /// The longest comment.
    pub max_comment: usize,
}

/// A rating given, as the page shows it.
pub(crate) struct Given {
    /// When.
    pub at: String,
    /// Each question with its answer.
    pub answers: Vec<(&'static str, &'static str)>,
    /// The comment.
    pub comment: Option<String>,
}

/// The rating part of a dossier's page: the form, or the rating given.
pub(crate) struct Section {
    /// The words.
    pub l: &'static RatingLabels,
    /// The form, while the dossier may be rated and is not yet.
    pub form: Option<RatingForm>,
    /// The rating given.
    pub given: Option<Given>,
}

/// The rating part of the page of `dossier` (the citizen's own), `None` while it is handled.
pub(crate) async fn section(
    state: &AppState,
    site: &Site,
    session: &Session,
    dossier: &Dossier,
) -> Option<Section> {
    let l = labels(site.lang);
    let stored = match ratings::of_dossier(&state.store, site.tenant.id, dossier.id).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "the dossier's rating could not be read");
            return None;
        }
    };
    if let Some(r) = stored {
        return Some(Section {
            l,
            form: None,
            given: Some(given(site, l, &r)),
        });
    }
    if !finished(dossier) {
        return None;
    }
    let questions = questions(l)
        .into_iter()
        .map(|(name, legend)| Question {
            name,
            legend,
            choices: Satisfaction::ALL
                .into_iter()
                .map(|a| Choice {
                    id: format!("rating-{name}-{}", a.as_str()),
                    value: a.as_str(),
                    label: answer_label(l, a),
                })
                .collect(),
        })
        .collect();
    Some(Section {
        l,
        form: Some(RatingForm {
            action: rating_path(site.lang, &dossier.code.to_string()),
            csrf: session.csrf.clone().unwrap_or_default(),
            questions,
            max_comment: MAX_COMMENT_CHARS,
        }),
        given: None,
    })
}

fn given(site: &Site, l: &'static RatingLabels, r: &Rating) -> Given {
    let [o, c, t, s] = questions(l);
    Given {
        at: local_time(site, r.rated_at),
        answers: vec![
            (o.1, answer_label(l, r.overall)),
            (c.1, answer_label(l, r.convenience)),
            (t.1, answer_label(l, r.timeliness)),
            (s.1, answer_label(l, r.staff_support)),
        ],
        comment: r.comment.clone(),
    }
}

/// The answers sent, by the form (whose `csrf` field the session layer has checked) or the API.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Answers {
    /// Overall.
    #[serde(default)]
    overall: Option<String>,
    /// Convenience.
    #[serde(default)]
    convenience: Option<String>,
    /// Timeliness.
    #[serde(default)]
    timeliness: Option<String>,
    /// Staff support.
    #[serde(default)]
    staff_support: Option<String>,
    /// The comment.
    #[serde(default)]
    comment: Option<String>,
}

/// Rates the citizen's dossier `code` with `sent`.
async fn rate(
    state: &AppState,
    site: &Site,
    who: &CitizenIdentity,
    citizen_id: &str,
    code: &str,
    sent: Answers,
) -> Result<(Dossier, Rating), Failure> {
    // Counted per citizen, on the page and the API alike.
    state
        .rate_limit_key("rating", &who.subject, state.config.submit_per_minute)
        .await?;
    let dossier = own_dossier(state, site, citizen_id, code).await?;
    let l = labels(site.lang);
    let answer = |field: &'static str, value: &Option<String>| -> Result<Satisfaction, Failure> {
        let label = questions(l)
            .into_iter()
            .find(|(name, _)| *name == field)
            .map_or(field, |(_, label)| label);
        value
            .as_deref()
            .map(str::trim)
            .and_then(Satisfaction::parse)
            .ok_or_else(|| {
                Failure::invalid(
                    "answer_required",
                    Msg::new(
                        format!("Hãy chọn một mức đánh giá cho “{label}” (rất hài lòng, hài lòng hoặc không hài lòng)."),
                        format!("Choose an answer for “{label}” (very satisfied, satisfied or not satisfied)."),
                    ),
                )
            })
    };
    let overall = answer("overall", &sent.overall)?;
    let convenience = answer("convenience", &sent.convenience)?;
    let timeliness = answer("timeliness", &sent.timeliness)?;
    let staff_support = answer("staff_support", &sent.staff_support)?;
    let comment = sent
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(Failure::invalid(
            "comment_too_long",
            Msg::new(
                format!("Ý kiến góp ý dài tối đa {MAX_COMMENT_CHARS} ký tự."),
                format!("A comment is at most {MAX_COMMENT_CHARS} characters long."),
            ),
        ));
    }
    let existing = ratings::of_dossier(&state.store, site.tenant.id, dossier.id).await?;
    if let Some(r) = existing {
        return Err(already_rated(site, &r));
    }
    if !finished(&dossier) {
        return Err(not_finished());
    }
    let procedure = crate::handling::procedure_at(
        state,
        site,
        &dossier.procedure_code,
        dossier.procedure_version,
    )
    .await?;
    let new = NewRating {
        dossier_id: dossier.id,
        procedure_code: dossier.procedure_code.clone(),
        division: procedure.file.info.division.to_string(),
        overall,
        convenience,
        timeliness,
        staff_support,
        comment,
        rater: format!("citizen:{}", who.subject),
        rated_at: Utc::now(),
    };
    match ratings::give(&state.store, site.tenant.id, new).await {
        Ok(r) => Ok((dossier, r)),
        // Two ratings at once: the second is told the first won.
        Err(StoreError::Conflict(_)) => {
            match ratings::of_dossier(&state.store, site.tenant.id, dossier.id).await? {
                Some(r) => Err(already_rated(site, &r)),
                None => Err(Failure::internal(&"a rating conflicted with none")),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /ho-so-cua-toi/{code}/danh-gia` (`/my-dossiers/{code}/rating`): 303 back to the
/// dossier's page when the rating is stored, else a page saying why not.
async fn page_submit(
    State(state): State<AppState>,
    site: Site,
    headers: HeaderMap,
    session: Option<Session>,
    Path(code): Path<String>,
    Form(sent): Form<Answers>,
) -> Response {
    let here = dossier_path(site.lang, &code);
    let Some(session) = session else {
        return Redirect::to(&format!(
            "{}?return={}",
            crate::oidc::SIGN_IN_PATH,
            crate::pages::urlencode(&here)
        ))
        .into_response();
    };
    let outcome = match citizen(&session) {
        Ok((who, citizen_id)) => rate(&state, &site, who, citizen_id, &code, sent).await,
        Err(f) => Err(f),
    };
    let response = match outcome {
        Ok(_) => Redirect::to(&format!("{here}?ok=rated")).into_response(),
        Err(f) => crate::accounts::pages::failure(&state, &site, &headers, f),
    };
    crate::pages::no_store(response)
}

/// A rating as JSON, in `lang`.
fn rating_json(lang: Lang, r: &Rating) -> Value {
    let l = labels(lang);
    let answer = |a: Satisfaction| json!({ "code": a.as_str(), "label": answer_label(l, a) });
    json!({
        "overall": answer(r.overall),
        "convenience": answer(r.convenience),
        "timeliness": answer(r.timeliness),
        "staff_support": answer(r.staff_support),
        "comment": r.comment,
        "rated_at": r.rated_at,
    })
}

/// `GET /api/v1/dossiers/{code}/rating`: whether the dossier may be rated, and its rating.
async fn api_show(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let (_, citizen_id) = citizen(&session).map_err(fail)?;
    let dossier = own_dossier(&state, &site, citizen_id, &code)
        .await
        .map_err(fail)?;
    let rating = ratings::of_dossier(&state.store, site.tenant.id, dossier.id)
        .await
        .map_err(|e| fail(e.into()))?;
    Ok(Json(json!({
        "dossier": dossier.code,
        "may_rate": rating.is_none() && finished(&dossier),
        "rating": rating.as_ref().map(|r| rating_json(site.lang, r)),
    })))
}

/// `POST /api/v1/dossiers/{code}/rating`: rates the dossier; 201 with the rating.
async fn api_submit(
    State(state): State<AppState>,
    site: Site,
    session: Session,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let (who, citizen_id) = citizen(&session).map_err(fail)?;
    let sent: Answers = crate::api::json_body(lang, &body)?;
    let (dossier, rating) = rate(&state, &site, who, citizen_id, &code, sent)
        .await
        .map_err(fail)?;
    let mut body = rating_json(lang, &rating);
    body["dossier"] = json!(dossier.code);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_questions_are_named_as_the_api_keys() {
        let names: Vec<&str> = questions(labels(Lang::En))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            ["overall", "convenience", "timeliness", "staff_support"]
        );
    }
}
