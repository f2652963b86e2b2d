//! Citizens' satisfaction ratings of their dossiers (Art. 16.2.g, Circular 32/2017): overall,
//! convenience, timeliness and staff support, each *very satisfied / satisfied / not
//! satisfied*, with an optional comment; and with them the applicant's answers to indicators 3
//! (contacts with the desk needed to complete the dossier: `none | one | more`) and 4 (agencies
//! they had to contact: `none | desk_only | more`) of the assessment of Chapter III, stored as
//! given and scored by [`motcua_core::assessment`] when a report needs it.
//!
//! - on the "my dossiers" page of a dossier ([`section()`]): the form while it may be rated, the
//!   rating given afterwards; sent to `POST /ho-so-cua-toi/{code}/danh-gia` (Vietnamese host) or
//!   `POST /my-dossiers/{code}/rating` (English host), URL-encoded with the session's `csrf`
//!   field (checked by the session layer as for every form), answered with 303 back to the
//!   dossier's page;
//! - `GET`/`POST /api/v1/dossiers/{code}/rating` in JSON.
//!
//! Rules kept here: only the dossier's owner ([`crate::my_dossiers::own_dossier`], 404 for
//! anyone else's); only once the agency has given the applicant its answer ([`result_given`]):
//! the result returned, or a refusal, whose written reasons are the answer (Form 03) — 409
//! `not_finished` while it is handled, 409 `no_result` for a dossier withdrawn by the applicant
//! or whose handling was stopped, as neither got an answer to rate; one rating per dossier —
//! a second one is refused with 409 `already_rated` (a rating is a record of the moment, as the
//! national portal keeps it; it is never replaced); a comment of at most
//! [`MAX_COMMENT_CHARS`] characters (422 beyond); every question answered (422
//! `answer_required`). The rating carries the dossier's procedure and the division named by the
//! procedure version the dossier was handled on, for the statistics ([`crate::statistics`]).

mod labels;
mod section;

use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use motcua_core::assessment::{AgenciesContacted, DeskContacts};
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
pub(crate) use section::{Section, section};

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
pub(crate) fn routes() -> (Router<AppState>, &'static [crate::guard::OwnedRoute]) {
    crate::guard::owned_routes! { "";
        "/ho-so-cua-toi/{code}/danh-gia" [post] => post(page_submit),
        "/my-dossiers/{code}/rating" [post] => post(page_submit),
    }
}

/// The JSON API, nested under `/api` (ownership is checked in code).
pub(crate) fn api_routes() -> (Router<AppState>, &'static [crate::guard::OwnedRoute]) {
    crate::guard::owned_routes! { "/api";
        "/v1/dossiers/{code}/rating" [get, post] => get(api_show).post(api_submit),
    }
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

/// Whether the agency has given the applicant its answer, so that a dossier in `status` may be
/// rated: its result is returned, or it was refused (a refusal gives its reasons in writing,
/// Form 03: that is the agency's answer, and how it was reached may be rated like a result).
/// A result ready but not yet handed over is not returned yet; a dossier the applicant withdrew
/// or whose handling was stopped got no answer, so there is nothing to rate.
fn result_given(status: DossierStatus) -> bool {
    matches!(status, DossierStatus::Returned | DossierStatus::NotAccepted)
}

/// 409: why `dossier` may not be rated (it is when [`result_given`]).
fn not_ratable(dossier: &Dossier) -> Failure {
    match dossier.status {
        DossierStatus::Withdrawn | DossierStatus::Stopped => Failure::new(
            StatusCode::CONFLICT,
            "no_result",
            Msg::new(
                format!(
                    "Hồ sơ này không có kết quả để đánh giá: hồ sơ đã kết thúc ở trạng thái “{}”. Bạn chỉ đánh giá được hồ sơ đã được trả kết quả hoặc đã có văn bản từ chối giải quyết.",
                    dossier.status.label(Lang::Vi)
                ),
                format!(
                    "This dossier has no result to rate: it ended as “{}”. You can rate a dossier once its result is returned to you or it is refused in writing.",
                    dossier.status.label(Lang::En)
                ),
            ),
        ),
        _ => Failure::new(
            StatusCode::CONFLICT,
            "not_finished",
            Msg::new(
                "Bạn chỉ đánh giá được khi hồ sơ đã được trả kết quả hoặc đã có văn bản từ chối giải quyết; hồ sơ này đang được giải quyết.",
                "You can rate a dossier once its result is returned to you or it is refused in writing; this one is still being handled.",
            ),
        ),
    }
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
    /// Indicator 3: contacts with the desk.
    #[serde(default)]
    desk_contacts: Option<String>,
    /// Indicator 4: agencies contacted.
    #[serde(default)]
    agencies_contacted: Option<String>,
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
    // Which question is unanswered, with its answers, in both languages.
    let input = |question: fn(&'static RatingLabels) -> (&'static str, [&'static str; 3])| {
        let (vi, vi_answers) = question(labels(Lang::Vi));
        let (en, en_answers) = question(labels(Lang::En));
        Failure::invalid(
            "answer_required",
            Msg::new(
                format!(
                    "Hãy chọn một câu trả lời cho “{vi}”: {}.",
                    vi_answers.join("; ")
                ),
                format!("Choose an answer for “{en}”: {}.", en_answers.join("; ")),
            ),
        )
    };
    let desk_contacts = sent
        .desk_contacts
        .as_deref()
        .map(str::trim)
        .and_then(DeskContacts::parse)
        .ok_or_else(|| input(|l| (l.desk_contacts, l.desk_contacts_answers)))?;
    let agencies_contacted = sent
        .agencies_contacted
        .as_deref()
        .map(str::trim)
        .and_then(AgenciesContacted::parse)
        .ok_or_else(|| input(|l| (l.agencies_contacted, l.agencies_contacted_answers)))?;
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
    if !result_given(dossier.status) {
        return Err(not_ratable(&dossier));
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
        desk_contacts,
        agencies_contacted,
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
        "desk_contacts": r.desk_contacts.map(|a| json!({ "code": a.as_str(), "label": l.desk_contacts_answers[a.rank()] })),
        "agencies_contacted": r.agencies_contacted.map(|a| json!({ "code": a.as_str(), "label": l.agencies_contacted_answers[a.rank()] })),
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
        "may_rate": rating.is_none() && result_given(dossier.status),
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
    fn only_a_returned_result_or_a_refusal_may_be_rated() {
        let ratable: Vec<DossierStatus> = DossierStatus::ALL
            .into_iter()
            .filter(|s| result_given(*s))
            .collect();
        assert_eq!(
            ratable,
            [DossierStatus::NotAccepted, DossierStatus::Returned]
        );
    }

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
