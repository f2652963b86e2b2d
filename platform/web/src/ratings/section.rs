//! The rating part of a dossier's page under "my dossiers": the form while the dossier may be
//! rated and is not yet, the rating given afterwards, nothing before the result.
//!
//! The form is plain HTML (it works without JavaScript): each question a `fieldset` whose
//! `legend` is the question, its answers radio buttons with their own `label`.

use motcua_core::assessment::{AgenciesContacted, DeskContacts};
use motcua_store::dossiers::Dossier;
use motcua_store::ratings::{self, MAX_COMMENT_CHARS, Rating, Satisfaction};

use super::{RatingLabels, answer_label, labels, questions, rating_path, result_given};
use crate::AppState;
use crate::host::Site;
use crate::pages::local_time;
use crate::session::Session;

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

impl Question {
    fn new(
        name: &'static str,
        legend: &'static str,
        answers: impl IntoIterator<Item = (&'static str, &'static str)>,
    ) -> Self {
        Self {
            name,
            legend,
            choices: answers
                .into_iter()
                .map(|(value, label)| Choice {
                    id: format!("rating-{name}-{value}"),
                    value,
                    label,
                })
                .collect(),
        }
    }
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

/// The questions of the form, in order: the four of satisfaction, then the applicant's inputs to
/// the assessment (indicators 3 and 4).
fn form_questions(l: &'static RatingLabels) -> Vec<Question> {
    let mut all: Vec<Question> = questions(l)
        .into_iter()
        .map(|(name, legend)| {
            Question::new(
                name,
                legend,
                Satisfaction::ALL.map(|a| (a.as_str(), answer_label(l, a))),
            )
        })
        .collect();
    all.push(Question::new(
        "desk_contacts",
        l.desk_contacts,
        DeskContacts::ALL.map(|a| (a.as_str(), l.desk_contacts_answers[a.rank()])),
    ));
    all.push(Question::new(
        "agencies_contacted",
        l.agencies_contacted,
        AgenciesContacted::ALL.map(|a| (a.as_str(), l.agencies_contacted_answers[a.rank()])),
    ));
    all
}

/// The rating part of the page of `dossier` (the citizen's own), `None` before its result.
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
    if !result_given(dossier.status) {
        return None;
    }
    Some(Section {
        l,
        form: Some(RatingForm {
            action: rating_path(site.lang, &dossier.code.to_string()),
            csrf: session.csrf.clone().unwrap_or_default(),
            questions: form_questions(l),
            max_comment: MAX_COMMENT_CHARS,
        }),
        given: None,
    })
}

fn given(site: &Site, l: &'static RatingLabels, r: &Rating) -> Given {
    let [o, c, t, s] = questions(l);
    let mut answers = vec![
        (o.1, answer_label(l, r.overall)),
        (c.1, answer_label(l, r.convenience)),
        (t.1, answer_label(l, r.timeliness)),
        (s.1, answer_label(l, r.staff_support)),
    ];
    // Ratings given before these were asked have none.
    if let Some(a) = r.desk_contacts {
        answers.push((l.desk_contacts, l.desk_contacts_answers[a.rank()]));
    }
    if let Some(a) = r.agencies_contacted {
        answers.push((l.agencies_contacted, l.agencies_contacted_answers[a.rank()]));
    }
    Given {
        at: local_time(site, r.rated_at),
        answers,
        comment: r.comment.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::lang::Lang;

    #[test]
    fn every_radio_button_has_its_own_id() {
        for lang in [Lang::Vi, Lang::En] {
            let questions = form_questions(labels(lang));
            let names: Vec<&str> = questions.iter().map(|q| q.name).collect();
            assert_eq!(
                names,
                [
                    "overall",
                    "convenience",
                    "timeliness",
                    "staff_support",
                    "desk_contacts",
                    "agencies_contacted"
                ]
            );
            let mut ids: Vec<&str> = questions
                .iter()
                .flat_map(|q| q.choices.iter().map(|c| c.id.as_str()))
                .collect();
            let all = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), all);
            assert!(ids.contains(&"rating-agencies_contacted-desk_only"));
        }
    }
}
