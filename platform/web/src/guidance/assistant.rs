//! The assistant: answers a citizen's free-text question from the procedures' published
//! information and the published questions and answers, deterministically, with no outside
//! service.
//!
//! - `GET /tro-ly?q=` (vi) / `/assistant?q=` (en): the page, a plain GET form;
//! - `GET /api/v1/assistant?q=`: the same answer as JSON.
//!
//! How it answers, in the host's language:
//! 1. the question is folded and split into words by the catalogue's own [`index::words`]
//!    (diacritics and case gone: "lệ phí", "LE PHI" and "le phi" are the same words);
//! 2. what it asks about — the [`Topic`]s — is recognised by phrases ("bao nhiêu tiền", "lệ
//!    phí", "fee" ask for the fees; "giấy tờ", "documents" for the documents; "bao lâu", "how
//!    long" for the processing time...); those words and words that carry no meaning ("hết",
//!    "how", "the"...) are set aside, the rest name the procedure;
//! 3. each procedure of the catalogue's index ([`index::Index`]) is scored by how much of its
//!    name those words cover (60 %), how many of the words it has anywhere in its folded texts
//!    (40 %), and a bonus for the catalogue search's own rank of those words, in the host's
//!    language and in the other (the better kept: Vietnamese typed on the English host still
//!    finds the procedure, and the answer is in the host's language); a procedure is
//!    cited when at least one word is in its name and its score reaches [`THRESHOLD`], with
//!    those close to the best (at most [`MAX_PROCEDURES`]);
//! 4. published answers whose question shares at least two meaningful words and half of the
//!    citizen's are added (at most [`MAX_RELATED`]);
//! 5. for each procedure cited, the parts asked about (the processing time, the fees and the
//!    documents when no part was named) are quoted from its information, and every procedure
//!    used is linked; when nothing reaches the threshold the assistant says plainly that it does
//!    not know, and points to the catalogue's search.

use std::cmp::Reverse;

use askama::Template;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;
use motcua_store::questions;
use serde::Serialize;
use serde_json::{Value, json};

use super::{GuidanceLabels, assistant_path, guidance_labels, questions_path};
use crate::AppState;
use crate::catalogue::index::{self, Entry};
use crate::catalogue::{
    applicant, catalogue_labels, catalogue_path, channel, copies, document_form, money,
    procedure_path, time_text,
};
use crate::client::ClientIp;
use crate::error::{ApiError, Failure};
use crate::host::Site;
use crate::i18n::Msg;
use crate::pages::{PageCtx, render, urlencode};

/// The lowest score of a procedure the assistant cites.
pub(crate) const THRESHOLD: f64 = 0.45;
/// How far below the best procedure another may score and still be cited.
const SPREAD: f64 = 0.2;
/// The most procedures cited.
pub(crate) const MAX_PROCEDURES: usize = 3;
/// The most published answers quoted.
pub(crate) const MAX_RELATED: usize = 3;
/// The longest question, in characters.
pub(crate) const MAX_QUERY: usize = 500;
/// Published answers compared with a question.
const COMPARED: u64 = 300;

/// A part of a procedure's information a question can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Topic {
    /// Fees and charges.
    Fees,
    /// The documents to supply.
    Documents,
    /// The processing time.
    Time,
    /// What the applicant receives.
    Results,
    /// Requirements, conditions and who may apply.
    Eligibility,
    /// The legal basis.
    LegalBasis,
    /// The steps and how to submit.
    Steps,
}

impl Topic {
    /// Every topic, in the order answers quote them.
    pub(crate) const ALL: [Topic; 7] = [
        Topic::Time,
        Topic::Fees,
        Topic::Documents,
        Topic::Results,
        Topic::Eligibility,
        Topic::Steps,
        Topic::LegalBasis,
    ];

    /// What an answer quotes when the question names no part.
    const OVERVIEW: [Topic; 3] = [Topic::Time, Topic::Fees, Topic::Documents];

    /// Its key in the JSON and the page's classes.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Topic::Fees => "fees",
            Topic::Documents => "documents",
            Topic::Time => "time",
            Topic::Results => "results",
            Topic::Eligibility => "eligibility",
            Topic::LegalBasis => "legal_basis",
            Topic::Steps => "steps",
        }
    }

    /// The phrases that ask about it, folded (words separated by one space).
    fn phrases(self) -> &'static [&'static str] {
        match self {
            Topic::Fees => &[
                "le phi",
                "phi",
                "tien",
                "chi phi",
                "bao nhieu tien",
                "mien phi",
                "nop tien",
                "fee",
                "fees",
                "cost",
                "costs",
                "charge",
                "charges",
                "price",
                "pay",
                "free",
                "how much",
            ],
            Topic::Documents => &[
                "giay to",
                "ho so",
                "thanh phan",
                "mang theo",
                "chuan bi",
                "document",
                "documents",
                "papers",
                "paperwork",
                "bring",
                "prepare",
            ],
            Topic::Time => &[
                "bao lau",
                "thoi gian",
                "thoi han",
                "may ngay",
                "bao nhieu ngay",
                "khi nao",
                "how long",
                "time",
                "days",
                "when",
            ],
            Topic::Results => &[
                "ket qua",
                "nhan duoc",
                "nhan gi",
                "result",
                "results",
                "receive",
                "outcome",
            ],
            Topic::Eligibility => &[
                "dieu kien",
                "ai duoc",
                "ai co the",
                "doi tuong",
                "yeu cau",
                "eligible",
                "eligibility",
                "condition",
                "conditions",
                "requirement",
                "requirements",
                "who can",
                "who may",
                "qualify",
            ],
            Topic::LegalBasis => &[
                "can cu",
                "phap ly",
                "luat",
                "nghi dinh",
                "thong tu",
                "quy dinh",
                "legal",
                "law",
                "laws",
                "basis",
                "regulation",
                "regulations",
                "decree",
                "circular",
            ],
            Topic::Steps => &[
                "cac buoc",
                "trinh tu",
                "cach thuc",
                "lam the nao",
                "nhu the nao",
                "lam sao",
                "o dau",
                "cach",
                "step",
                "steps",
                "how to",
                "how do",
                "where",
                "apply",
                "submit",
                "process",
            ],
        }
    }

    /// Its title, the procedure page's own.
    fn title(self, lang: Lang) -> &'static str {
        let l = catalogue_labels(lang);
        match self {
            Topic::Fees => l.fees,
            Topic::Documents => l.documents,
            Topic::Time => l.time,
            Topic::Results => l.outcomes,
            Topic::Eligibility => l.eligibility,
            Topic::LegalBasis => l.legal_basis,
            Topic::Steps => l.steps,
        }
    }
}

/// Words that carry no meaning for matching, folded, in both languages.
const STOP: &[&str] = &[
    // Vietnamese
    "het", "bao", "nhieu", "la", "gi", "can", "nhung", "cho", "toi", "minh", "em", "co", "khong",
    "the", "nao", "o", "dau", "thi", "va", "cua", "de", "duoc", "phai", "mat", "lam", "muon",
    "xin", "hoi", "a", "vay", "nay", "ve", "khi", "nhu", "bi", "con", "ma", "neu", "giup", "voi",
    "se", "da", "den", "nop", "oi", "ah", "nhe", "ban", "chung", // English
    "how", "much", "is", "an", "of", "for", "to", "do", "does", "i", "my", "me", "we", "what",
    "which", "it", "in", "on", "and", "or", "need", "needed", "there", "are", "be", "will",
    "would", "should", "please", "with", "about", "get", "take", "takes", "who", "you", "your",
    "this", "that", "if", "at", "by", "from", "any", "many", "long", "whats",
];

fn is_stop(w: &str) -> bool {
    STOP.contains(&w)
}

/// A question as the assistant reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Parsed {
    /// What it asks about, in [`Topic::ALL`]'s order.
    pub(crate) topics: Vec<Topic>,
    /// The words that name the procedure (neither a topic's nor meaningless), once each.
    pub(crate) content: Vec<String>,
    /// Every meaningful word (the topics' included), once each.
    pub(crate) meaningful: Vec<String>,
}

/// Reads `question`.
pub(crate) fn parse(question: &str) -> Parsed {
    let words = index::words(question);
    let mut used = vec![false; words.len()];
    let mut phrases: Vec<(Topic, Vec<&str>)> = Topic::ALL
        .iter()
        .flat_map(|t| {
            t.phrases()
                .iter()
                .map(move |p| (*t, p.split(' ').collect()))
        })
        .collect();
    // The longest phrases first: "bao nhieu ngay" is the time, not "bao nhieu" and a day.
    phrases.sort_by_key(|(_, p)| Reverse(p.len()));
    let mut found: Vec<Topic> = Vec::new();
    for (topic, phrase) in &phrases {
        let n = phrase.len();
        if n > words.len() {
            continue;
        }
        for i in 0..=words.len() - n {
            if used[i..i + n].iter().any(|u| *u) {
                continue;
            }
            if words[i..i + n].iter().zip(phrase).all(|(w, p)| w == p) {
                used[i..i + n].fill(true);
                if !found.contains(topic) {
                    found.push(*topic);
                }
            }
        }
    }
    let content = once(
        words
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(w, _)| w),
    );
    let meaningful = once(words.iter());
    Parsed {
        topics: Topic::ALL
            .iter()
            .copied()
            .filter(|t| found.contains(t))
            .collect(),
        content,
        meaningful,
    }
}

/// The meaningful words of `words`, once each, in their order.
fn once<'a>(words: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        if !is_stop(w) && !out.contains(w) {
            out.push(w.clone());
        }
    }
    out
}

/// Whether query word `w` is name word `n`, or starts it (three letters at least).
fn names(w: &str, n: &str) -> bool {
    n == w || (w.len() >= 3 && n.starts_with(w))
}

/// How well `e` matches the words `content` in `lang`, given the catalogue search's `rank` of
/// them: the score and how many of the words are in its name.
pub(crate) fn score(
    e: &Entry,
    lang: Lang,
    content: &[String],
    rank: Option<index::Rank>,
) -> (f64, usize) {
    if content.is_empty() {
        return (0.0, 0);
    }
    let f = e.folded(lang);
    let mut name: Vec<&str> = f.name.iter().map(String::as_str).collect();
    name.sort_unstable();
    name.dedup();
    let in_name = |w: &str| name.iter().any(|n| names(w, n));
    let mut hits_name = 0;
    let mut elsewhere = 0;
    for w in content {
        if in_name(w) {
            hits_name += 1;
        } else if f.sector.contains(w) || f.agency.contains(w) || f.rest.binary_search(w).is_ok() {
            elsewhere += 1;
        }
    }
    let covered = name
        .iter()
        .filter(|n| content.iter().any(|w| names(w, n)))
        .count();
    // Counts are small: the casts are exact.
    let name_cover = covered as f64 / name.len().max(1) as f64;
    let query_cover = (hits_name + elsewhere) as f64 / content.len() as f64;
    let bonus = match rank {
        Some(0) => 0.2,
        Some(1) => 0.15,
        Some(2) => 0.1,
        Some(_) => 0.05,
        None => 0.0,
    };
    (0.6 * name_cover + 0.4 * query_cover + bonus, hits_name)
}

/// A part of a procedure's information quoted in an answer.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Quoted {
    /// What it is.
    pub(crate) topic: Topic,
    /// Its title.
    pub(crate) title: &'static str,
    /// Its lines.
    pub(crate) items: Vec<String>,
}

/// A procedure an answer cites.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Cited {
    /// Its national code.
    pub(crate) code: String,
    /// Its name.
    pub(crate) name: String,
    /// Its page.
    pub(crate) href: String,
    /// How well it matched.
    pub(crate) score: f64,
    /// The parts quoted.
    pub(crate) sections: Vec<Quoted>,
}

/// A published answer an answer quotes.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Related {
    /// The question's number.
    pub(crate) id: i64,
    /// Its procedure's code.
    pub(crate) procedure: String,
    /// Its procedure's name.
    pub(crate) procedure_name: String,
    /// Where it is published.
    pub(crate) href: String,
    /// The question.
    pub(crate) question: String,
    /// The answer.
    pub(crate) answer: String,
}

/// A source of an answer: a procedure's name and page.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Source {
    /// The procedure's name.
    pub(crate) name: String,
    /// Its page.
    pub(crate) href: String,
}

/// The assistant's answer.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Reply {
    /// The question, as asked.
    pub(crate) question: String,
    /// Whether it knows: something reached the threshold.
    pub(crate) known: bool,
    /// What the question asks about.
    pub(crate) topics: Vec<Topic>,
    /// The answer in plain text.
    pub(crate) answer: String,
    /// The procedures cited, best first.
    pub(crate) procedures: Vec<Cited>,
    /// Published answers to similar questions.
    pub(crate) questions: Vec<Related>,
    /// Every procedure used.
    pub(crate) sources: Vec<Source>,
    /// The catalogue's search for the question.
    pub(crate) search_href: String,
}

/// The lines of `topic` of `p` in `lang`.
fn quote(topic: Topic, p: &ProcedureInfo, lang: Lang) -> Vec<String> {
    let l = guidance_labels(lang);
    let c = catalogue_labels(lang);
    let non_empty = |items: Vec<String>, none: &str| {
        if items.is_empty() {
            vec![none.to_owned()]
        } else {
            items
        }
    };
    match topic {
        Topic::Fees => non_empty(
            p.fees
                .iter()
                .map(|f| {
                    let amount = if f.amount == 0 {
                        c.free.to_owned()
                    } else {
                        money(lang, f.amount)
                    };
                    match &f.note {
                        Some(note) => format!("{}: {amount}. {}", f.name.get(lang), note.get(lang)),
                        None => format!("{}: {amount}.", f.name.get(lang)),
                    }
                })
                .collect(),
            l.no_fees,
        ),
        Topic::Documents => {
            let several = p.cases.len() > 1;
            p.cases
                .iter()
                .flat_map(|case| {
                    case.documents.iter().map(move |d| {
                        let mut line = format!(
                            "{} ({}, {}{})",
                            d.name.get(lang),
                            document_form(lang, d.form),
                            copies(lang, d.quantity),
                            if d.optional {
                                format!(", {}", c.optional)
                            } else {
                                String::new()
                            }
                        );
                        if several {
                            line = format!("{}: {line}", case.name.get(lang));
                        }
                        line
                    })
                })
                .collect()
        }
        Topic::Time => {
            let mut lines = vec![time_text(lang, p.time)];
            if p.cases
                .iter()
                .any(|case| case.time.is_some_and(|t| t != p.time))
            {
                lines = p
                    .cases
                    .iter()
                    .map(|case| {
                        format!(
                            "{}: {}",
                            case.name.get(lang),
                            time_text(lang, case.time.unwrap_or(p.time))
                        )
                    })
                    .collect();
            }
            lines
        }
        Topic::Results => p.results.iter().map(|r| r.get(lang).to_owned()).collect(),
        Topic::Eligibility => {
            let mut lines: Vec<String> = p
                .eligibility
                .iter()
                .map(|e| e.get(lang).to_owned())
                .collect();
            if lines.is_empty() {
                lines.push(l.no_eligibility.to_owned());
            }
            lines.push(format!(
                "{}: {}",
                c.applicants,
                p.applicants
                    .iter()
                    .map(|a| applicant(lang, *a))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            lines
        }
        Topic::LegalBasis => p
            .legal_basis
            .iter()
            .map(|b| format!("{} — {}", b.number, b.title.get(lang)))
            .collect(),
        Topic::Steps => {
            let mut lines: Vec<String> = p.steps.iter().map(|s| s.get(lang).to_owned()).collect();
            lines.push(format!(
                "{}: {}",
                c.channels,
                p.channels
                    .iter()
                    .map(|ch| channel(lang, *ch))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            lines
        }
    }
}

/// The published answers of `site`'s tenant in its language (none, logged, when they cannot be
/// read: the assistant still answers from the procedures).
async fn published(state: &AppState, site: &Site) -> Vec<questions::Question> {
    match questions::published(
        &state.store,
        site.tenant.id,
        None,
        site.lang.tag(),
        COMPARED,
    )
    .await
    {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "the assistant reads no published answers");
            Vec::new()
        }
    }
}

/// Answers `question` on `site`, with `answered` the tenant's published answers in the host's
/// language.
pub(crate) fn answer(site: &Site, question: &str, answered: &[questions::Question]) -> Reply {
    let lang = site.lang;
    let l = guidance_labels(lang);
    let tenant = &site.tenant;
    let parsed = parse(question);

    // The procedures, scored in both languages (a citizen may well ask in Vietnamese on the
    // English host), the better kept; the catalogue search's rank of the naming words as a
    // bonus.
    let query = parsed.content.join(" ");
    let ranks: Vec<(Lang, Vec<(&Entry, index::Rank)>)> = if parsed.content.is_empty() {
        Vec::new()
    } else {
        [lang, lang.pick(Lang::En, Lang::Vi)]
            .into_iter()
            .map(|l| (l, tenant.catalogue.search(l, &query)))
            .collect()
    };
    let mut scored: Vec<(f64, &Entry)> = tenant
        .catalogue
        .entries
        .iter()
        .filter_map(|e| {
            ranks
                .iter()
                .map(|(l, found)| {
                    let rank = found
                        .iter()
                        .find(|(r, _)| r.position == e.position)
                        .map(|(_, rank)| *rank);
                    score(e, *l, &parsed.content, rank)
                })
                .filter(|(s, in_name)| *in_name > 0 && *s >= THRESHOLD)
                .map(|(s, _)| s)
                .max_by(f64::total_cmp)
                .map(|s| (s, e))
        })
        .collect();
    scored.sort_by(|(a, ea), (b, eb)| {
        b.total_cmp(a)
            .then_with(|| ea.folded(lang).name_key.cmp(&eb.folded(lang).name_key))
    });
    let best = scored.first().map_or(0.0, |(s, _)| *s);
    let topics = if parsed.topics.is_empty() {
        Topic::OVERVIEW.to_vec()
    } else {
        parsed.topics.clone()
    };
    let procedures: Vec<Cited> = scored
        .iter()
        .filter(|(s, _)| *s >= best - SPREAD)
        .take(MAX_PROCEDURES)
        .filter_map(|(s, e)| {
            let p = tenant.procedures.get(e.position)?.info();
            let code = p.code.to_string();
            Some(Cited {
                href: procedure_path(lang, &code),
                code,
                name: p.name.get(lang).to_owned(),
                score: (s * 100.0).round() / 100.0,
                sections: topics
                    .iter()
                    .map(|t| Quoted {
                        topic: *t,
                        title: t.title(lang),
                        items: quote(*t, p, lang),
                    })
                    .collect(),
            })
        })
        .collect();

    // Published answers to similar questions, those of the procedures cited first.
    let mut similar: Vec<(f64, &questions::Question)> = answered
        .iter()
        .filter_map(|q| {
            let words = parse(&q.text).meaningful;
            let shared = parsed
                .meaningful
                .iter()
                .filter(|w| words.contains(*w))
                .count();
            let share = shared as f64 / parsed.meaningful.len().max(1) as f64;
            let same = procedures.iter().any(|c| c.code == q.procedure_code);
            (shared >= 2 && share >= 0.5).then_some((share + if same { 0.2 } else { 0.0 }, q))
        })
        .collect();
    similar.sort_by(|(a, qa), (b, qb)| b.total_cmp(a).then_with(|| qb.id.cmp(&qa.id)));
    let related: Vec<Related> = similar
        .iter()
        .take(MAX_RELATED)
        .filter_map(|(_, q)| {
            let a = q.answer.as_ref()?;
            let name = tenant.procedure(&q.procedure_code).map_or_else(
                || q.procedure_code.clone(),
                |p| p.info().name.get(lang).to_owned(),
            );
            Some(Related {
                id: q.id,
                procedure: q.procedure_code.clone(),
                procedure_name: name,
                href: format!(
                    "{}#hoi-dap-{}",
                    questions_path(lang, &q.procedure_code),
                    q.id
                ),
                question: q.text.clone(),
                answer: a.text.clone(),
            })
        })
        .collect();

    let mut sources: Vec<Source> = procedures
        .iter()
        .map(|c| Source {
            name: c.name.clone(),
            href: c.href.clone(),
        })
        .collect();
    for r in &related {
        let href = procedure_path(lang, &r.procedure);
        if !sources.iter().any(|s| s.href == href) {
            sources.push(Source {
                name: r.procedure_name.clone(),
                href,
            });
        }
    }
    let known = !procedures.is_empty() || !related.is_empty();
    let text = if known {
        let mut lines: Vec<String> = Vec::new();
        for c in &procedures {
            for s in &c.sections {
                lines.push(format!("{} — {}: {}", c.name, s.title, s.items.join(" ")));
            }
        }
        for r in &related {
            lines.push(format!(
                "{} ({}): {} — {}",
                l.related, r.procedure_name, r.question, r.answer
            ));
        }
        lines.push(format!(
            "{}: {}",
            l.sources,
            sources
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
        lines.join("\n")
    } else {
        l.unknown.to_owned()
    };
    Reply {
        question: question.to_owned(),
        known,
        topics: parsed.topics,
        answer: text,
        procedures,
        questions: related,
        sources,
        search_href: format!("{}?q={}", catalogue_path(lang), urlencode(question)),
    }
}

/// The question of a query string (`q`), trimmed: `None` when there is none.
fn question_of(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|q| !q.is_empty())
}

/// 422 for a question longer than [`MAX_QUERY`].
fn too_long() -> Failure {
    Failure::invalid(
        "text_too_long",
        Msg::new(
            format!("Câu hỏi dài quá {MAX_QUERY} ký tự."),
            format!("The question is longer than {MAX_QUERY} characters."),
        ),
    )
}

/// The answer as JSON.
fn reply_json(site: &Site, r: &Reply) -> Value {
    let mut v = json!(r);
    v["lang"] = json!(site.lang.tag());
    v
}

/// Answers are counted per client like the public lookup: each reads the published answers
/// and scores every procedure.
async fn limit(state: &AppState, client: &ClientIp) -> Result<(), Failure> {
    state
        .rate_limit("assistant", client, state.config.lookup_per_minute)
        .await
}

/// `GET /api/v1/assistant?q=`.
pub(crate) async fn api(
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let fail = |f: Failure| ApiError(site.lang, f);
    let question = question_of(query.as_deref()).ok_or_else(|| {
        fail(Failure::invalid(
            "question_required",
            Msg::new(
                "Cần nhập câu hỏi (tham số q).",
                "The question is required (parameter q).",
            ),
        ))
    })?;
    if question.chars().count() > MAX_QUERY {
        return Err(fail(too_long()));
    }
    limit(&state, &client).await.map_err(fail)?;
    let answered = published(&state, &site).await;
    Ok(Json(reply_json(
        &site,
        &answer(&site, &question, &answered),
    )))
}

#[derive(Template)]
#[template(path = "guidance/assistant.html")]
struct AssistantPage {
    page: PageCtx,
    l: &'static GuidanceLabels,
    action: &'static str,
    q: String,
    max: usize,
    error: Option<String>,
    reply: Option<Reply>,
}

/// `GET /tro-ly?q=`.
pub(crate) async fn page_vi(
    state: State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    page(Lang::Vi, state, site, client, headers, query).await
}

/// `GET /assistant?q=`.
pub(crate) async fn page_en(
    state: State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    page(Lang::En, state, site, client, headers, query).await
}

async fn page(
    lang: Lang,
    State(state): State<AppState>,
    site: Site,
    client: ClientIp,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let suffix = match query.as_deref() {
        Some(q) if !q.is_empty() => format!("?{q}"),
        _ => String::new(),
    };
    if lang != site.lang {
        return axum::response::Redirect::permanent(&format!(
            "{}{suffix}",
            assistant_path(site.lang)
        ))
        .into_response();
    }
    let question = question_of(query.as_deref());
    let path = format!("{}{suffix}", assistant_path(lang));
    let other = format!("{}{suffix}", assistant_path(lang.pick(Lang::En, Lang::Vi)));
    let mut page = PageCtx::new(&state, &site, &headers, &path);
    page.other_url = PageCtx::new(&state, &site, &headers, &other).other_url;
    let mut view = AssistantPage {
        page,
        l: guidance_labels(lang),
        action: assistant_path(lang),
        q: question.clone().unwrap_or_default(),
        max: MAX_QUERY,
        error: None,
        reply: None,
    };
    let status = match question {
        Some(q) if q.chars().count() > MAX_QUERY => {
            view.error = Some(too_long().message.get(lang).to_owned());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(q) => match limit(&state, &client).await {
            Ok(()) => {
                let answered = published(&state, &site).await;
                view.reply = Some(answer(&site, &q, &answered));
                StatusCode::OK
            }
            Err(f) => {
                view.error = Some(f.message.get(lang).to_owned());
                f.status
            }
        },
        None => StatusCode::OK,
    };
    (status, render(&view)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_read_from_phrases_without_diacritics_or_case() {
        let p = parse("Đăng ký khai sinh HẾT BAO NHIÊU TIỀN?");
        assert_eq!(p.topics, [Topic::Fees]);
        assert_eq!(p.content, ["dang", "ky", "khai", "sinh"]);
        let p = parse("dang ky khai sinh can giay to gi, bao lau thi co ket qua");
        assert_eq!(p.topics, [Topic::Time, Topic::Documents, Topic::Results]);
        assert_eq!(p.content, ["dang", "ky", "khai", "sinh"]);
        // The longest phrase wins: "bao nhiêu ngày" is a time, not a price.
        assert_eq!(parse("mất bao nhiêu ngày").topics, [Topic::Time]);
        let p = parse("How much does birth registration cost?");
        assert_eq!(p.topics, [Topic::Fees]);
        assert_eq!(p.content, ["birth", "registration"]);
        let p = parse("thời tiết ngày mai");
        assert!(p.topics.is_empty());
        assert_eq!(p.content, ["thoi", "tiet", "ngay", "mai"]);
    }

    fn entry(name: &str, rest: &str) -> Entry {
        let f = index::Folded {
            name_key: motcua_core::text::fold(name),
            name: index::words(name),
            sector: index::words("Hộ tịch"),
            agency: index::words("Ủy ban nhân dân cấp xã"),
            rest: {
                let mut r = index::words(rest);
                r.sort_unstable();
                r.dedup();
                r
            },
        };
        Entry {
            position: 0,
            code: "1.001193".to_owned(),
            local_code: "1.001193.h29".to_owned(),
            sector: "G15-HT01".to_owned(),
            agency: index::agency_key("Ủy ban nhân dân cấp xã"),
            level: 4,
            vi: f.clone(),
            en: f,
        }
    }

    #[test]
    fn a_procedure_passes_the_threshold_only_when_the_question_names_it() {
        let birth = entry("Đăng ký khai sinh", "Giấy khai sinh Tờ khai");
        let content = |q: &str| parse(q).content;
        let (s, in_name) = score(
            &birth,
            Lang::Vi,
            &content("dang ky khai sinh het bao nhieu tien"),
            Some(0),
        );
        assert_eq!(in_name, 4);
        assert!(s >= THRESHOLD, "{s}");
        // Half of the name, nothing else: still named.
        let (s, _) = score(&birth, Lang::Vi, &content("khai sinh cho con"), None);
        assert!(s >= THRESHOLD, "{s}");
        // Nothing of the name: never cited, whatever else matches.
        let (s, in_name) = score(&birth, Lang::Vi, &content("thoi tiet ngay mai"), None);
        assert_eq!(in_name, 0);
        assert!(s < THRESHOLD, "{s}");
        // One common word among many unrelated ones stays under the threshold.
        let (s, in_name) = score(
            &birth,
            Lang::Vi,
            &content("dang ky xe may o to bien so"),
            None,
        );
        assert_eq!(in_name, 2);
        assert!(s < THRESHOLD, "{s}");
        assert_eq!(score(&birth, Lang::Vi, &[], Some(0)).0, 0.0);
    }
}
