//! Guidance for citizens (Art. 16.2.đ): questions and answers per procedure, and an assistant
//! that answers free-text questions from the procedures' published information.
//!
//! - [`portal`]: on the portal, each procedure's published questions and answers (a section of
//!   the procedure page and a page of their own, `/thu-tuc/{code}/hoi-dap` /
//!   `/procedures/{code}/questions`, where a signed-in citizen asks), and the JSON API
//!   `GET`/`POST /api/v1/procedures/{code}/questions`;
//! - [`staff`]: in the one-stop system, officials list the questions about the procedures their
//!   divisions handle, answer them and choose to publish the answer (pages under `/hoi-dap`,
//!   `GET /api/v1/onestop/questions`, `POST /api/v1/onestop/questions/{id}/answer`);
//! - [`assistant`]: `GET /tro-ly?q=` / `/assistant?q=` and `GET /api/v1/assistant?q=`.
//!
//! Who answers: officials whom the tenant's policy gives `feedback:answer` in the division that
//! handles the procedure (the procedure's `division`, recorded on the question when it is asked);
//! `feedback:view` lets them read the questions. Citizens' questions are feedback in the
//! vocabulary of `policies/roles.csv` ("citizens' questions, complaints and ratings"), so the
//! existing actions are reused rather than a new `qa:answer`: specialists and division heads
//! answer, receivers and agency leaders read, as for accountability requests.
//!
//! A question is shown on the portal only once answered and published, and only on the host of
//! the language it was asked in (a Vietnamese question is answered in Vietnamese).

pub(crate) mod assistant;
mod labels;
pub(crate) mod portal;
mod staff;

use axum::Router;
use axum::routing::get;
use motcua_store::questions::{MAX_ANSWER, MAX_QUESTION, TextError};

use crate::AppState;
use crate::error::Failure;
use crate::i18n::Msg;
pub(crate) use labels::{GuidanceLabels, guidance_labels};
pub(crate) use portal::{QaSection, qa_section};

/// The portal's guidance pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/thu-tuc/{code}/hoi-dap",
            get(portal::page_vi).post(portal::ask_vi),
        )
        .route(
            "/procedures/{code}/questions",
            get(portal::page_en).post(portal::ask_en),
        )
        .route("/tro-ly", get(assistant::page_vi))
        .route("/assistant", get(assistant::page_en))
}

/// The citizens' JSON API, nested under `/api` (asking checks the session in code: citizens
/// only).
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/procedures/{code}/questions",
            get(portal::api_list).post(portal::api_ask),
        )
        .route("/v1/assistant", get(assistant::api))
}

/// The officials' JSON API, nested under `/api`, every route guarded.
pub(crate) fn onestop_api_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/onestop/questions" [get] => axum::routing::get(staff::api_list),
        "/v1/onestop/questions/{id}/answer" [post] => axum::routing::post(staff::api_answer),
    }
}

/// The officials' pages, on the staff host, guarded like the one-stop pages.
pub(crate) fn staff_routes() -> Router<AppState> {
    let (router, _) = crate::guard::guarded_routes! {
        "/hoi-dap" [get] => axum::routing::get(staff::list_page),
        "/hoi-dap/{id}" [get, post] => axum::routing::get(staff::question_page)
            .post(staff::answer_page),
    };
    router
}

/// The path of a procedure's questions page in `lang`.
pub(crate) fn questions_path(lang: motcua_core::lang::Lang, code: &str) -> String {
    lang.pick(
        format!("/thu-tuc/{code}/hoi-dap"),
        format!("/procedures/{code}/questions"),
    )
}

/// The path of the assistant in `lang`.
pub(crate) fn assistant_path(lang: motcua_core::lang::Lang) -> &'static str {
    lang.pick("/tro-ly", "/assistant")
}

/// The assistant's link on the catalogue page.
pub(crate) struct AssistantLink {
    /// Where it leads.
    pub(crate) href: &'static str,
    /// Its text.
    pub(crate) text: &'static str,
    /// The sentence before it.
    pub(crate) intro: &'static str,
}

impl AssistantLink {
    /// The link in `lang`.
    pub(crate) fn new(lang: motcua_core::lang::Lang) -> Self {
        let l = guidance_labels(lang);
        Self {
            href: assistant_path(lang),
            text: l.assistant_link,
            intro: l.assistant_link_intro,
        }
    }
}

/// A text refused by its length rules, in both languages (`question` or `answer`).
pub(crate) fn text_refusal(what: &str, e: TextError) -> Failure {
    let (vi, en, max) = if what == "answer" {
        ("nội dung trả lời", "answer", MAX_ANSWER)
    } else {
        ("câu hỏi", "question", MAX_QUESTION)
    };
    match e {
        TextError::Empty => Failure::invalid(
            if what == "answer" {
                "answer_required"
            } else {
                "question_required"
            },
            Msg::new(format!("Cần nhập {vi}."), format!("The {en} is required.")),
        ),
        TextError::TooLong(_) => Failure::invalid(
            "text_too_long",
            Msg::new(
                format!("{} dài quá {max} ký tự.", capitalised(vi)),
                format!("The {en} is longer than {max} characters."),
            ),
        ),
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// 404 for a procedure the tenant does not publish.
pub(crate) fn no_procedure(code: &str) -> Failure {
    Failure::not_found(Msg::new(
        format!("Không có thủ tục mã {code} trên cổng này."),
        format!("There is no procedure with the code {code} on this portal."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::lang::Lang;

    #[test]
    fn refusals_name_the_text_and_its_limit_in_both_languages() {
        let f = text_refusal("question", TextError::TooLong(MAX_QUESTION));
        assert_eq!(f.code, "text_too_long");
        assert_eq!(f.message.get(Lang::Vi), "Câu hỏi dài quá 2000 ký tự.");
        let f = text_refusal("answer", TextError::Empty);
        assert_eq!(f.code, "answer_required");
        assert_eq!(f.message.get(Lang::En), "The answer is required.");
    }
}
