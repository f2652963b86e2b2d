//! The printable forms of a dossier on the staff host: `/ho-so/{code}/mau-01` … `mau-05`, and
//! the desk's ledger (Form 06) at `/so-theo-doi?don-vi=&tu=&den=`.
//!
//! Each form is drawn from what is stored, never typed again: the receipt (01) from the desk's
//! check of the documents and the appointment the workflow set; the request to supplement (02)
//! and the refusal (03) from the action that made them, with its reasons; the apology (04) from
//! the rescheduling; the process control slip (05) from every hand-over in the history; the
//! ledger (06) from the dossiers the desk received, found by their codes (a desk's codes of a
//! day are a range of the code index). A form whose event never happened is 404.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_authz::Action;
use motcua_core::codes::DossierCode;
use motcua_core::dossier::DossierStatus;
use motcua_forms as forms;
use motcua_store::dossiers;
use motcua_workflow::schema::StepKind;
use serde::Deserialize;
use sha2::Digest as _;

use super::official::Official;
use super::view::{self, HistoryEntry, Loaded};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::guard::Guard;
use crate::handling;
use crate::i18n::Msg;

/// Serves a form page under a policy that allows exactly its embedded style sheet and nothing
/// else (the site-wide policy forbids inline styles).
fn page(html: String) -> Response {
    let style = html
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(css, _)| css)
        .unwrap_or_default();
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style));
    let policy = format!(
        "default-src 'none'; style-src 'sha256-{digest}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    let mut response = Html(html).into_response();
    if let Ok(v) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

fn missing(form: &str) -> Failure {
    Failure::not_found(Msg::new(
        format!("Hồ sơ này không có Mẫu {form}: việc làm ra mẫu đó chưa từng xảy ra."),
        format!("This dossier has no Form {form}: what that form records never happened."),
    ))
}

fn form_failure(e: &forms::FormError) -> Failure {
    Failure::invalid(
        "form_incomplete",
        Msg::new(
            format!("Không in được mẫu: {e}"),
            format!("The form cannot be printed: {e}"),
        ),
    )
}

/// The public lookup URL of a dossier, on the tenant's Vietnamese portal host (with the port
/// the staff host was reached on, for development).
fn lookup_url(
    state: &AppState,
    official: &Official,
    headers: &HeaderMap,
    code: &DossierCode,
) -> url::Url {
    let port = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map(|(_, p)| p)
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let scheme = if state.config.https { "https" } else { "http" };
    let host = official.guard.site.tenant.host(motcua_core::lang::Lang::Vi);
    let mut url = url::Url::parse(&format!("{scheme}://{host}{port}/lookup"))
        .expect("tenant hosts are valid host names");
    url.query_pairs_mut().append_pair("code", &code.to_string());
    url
}

/// Everything a dossier's forms are drawn from.
struct Sources {
    tenant: std::sync::Arc<crate::sites::TenantSite>,
    loaded: Loaded,
    history: Vec<HistoryEntry>,
    names: HashMap<String, String>,
    letterhead: forms::Letterhead,
    dossier: forms::DossierInfo,
}

async fn sources(
    state: &AppState,
    official: &Official,
    headers: &HeaderMap,
    code: &str,
) -> Result<Sources, ApiError> {
    let lang = official.guard.site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let loaded = view::load(state, official, code).await?;
    let tenant = &official.guard.site.tenant;
    let events = dossiers::history(&state.store, tenant.id, &loaded.dossier)
        .await
        .map_err(|e| fail(e.into()))?;
    let names = view::names_of(state, tenant.id, view::named_in(&events, &loaded))
        .await
        .map_err(fail)?;
    let history = view::history(events, &names);
    let info = &loaded.procedure.file.info;
    let manifest = &tenant.manifest;
    let letterhead = forms::Letterhead {
        parent_agency: None,
        agency: manifest.name.vi.clone(),
        desk: info.desk(manifest).name.vi.clone(),
        place: manifest.short_name.vi.clone(),
    };
    let d = &loaded.dossier;
    let dossier = forms::DossierInfo {
        code: d.code,
        lookup_url: lookup_url(state, official, headers, &d.code),
        applicant: d.applicant.clone(),
        procedure: info.name.vi.clone(),
        received_at: d.received_at,
    };
    Ok(Sources {
        tenant: std::sync::Arc::clone(tenant),
        loaded,
        history,
        names,
        letterhead,
        dossier,
    })
}

impl Sources {
    fn division_name(&self, key: Option<&str>) -> String {
        key.and_then(|k| self.tenant.manifest.division(k))
            .map(|d| d.name.vi.clone())
            .unwrap_or_default()
    }

    fn official(&self, actor: &str, division: Option<&str>) -> forms::Official {
        forms::Official {
            name: self.names.get(actor).cloned().unwrap_or_default(),
            division: self.division_name(division),
        }
    }

    /// The step an action led to, by the procedure's definition.
    fn target(&self, step: &str, action: &str) -> Option<&motcua_workflow::definition::StepDef> {
        let def = &self.loaded.procedure.definition;
        let (_, s) = def.step(step)?;
        let a = s.actions.iter().find(|a| a.key == action)?;
        Some(&def.steps[a.to])
    }

    /// The last action taken that led into a step for which `leads` holds.
    fn last_action_into(
        &self,
        leads: impl Fn(&motcua_workflow::definition::StepDef) -> bool,
    ) -> Option<&HistoryEntry> {
        self.history.iter().rev().find(|e| {
            e.kind == "action_taken"
                && self
                    .target(
                        e.data["step"].as_str().unwrap_or_default(),
                        e.data["action"].as_str().unwrap_or_default(),
                    )
                    .is_some_and(&leads)
        })
    }
}

/// A text's lines, trimmed, empty ones dropped.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn receipt(src: Sources) -> Result<String, Failure> {
    let info = &src.loaded.procedure.file.info;
    let d = &src.loaded.dossier;
    let case = info.cases.iter().find(|c| c.key.as_str() == d.case_key);
    // The documents the desk ticked, and those the applicant brought to supplement the dossier
    // before it was accepted; for a dossier received online, those its case requires.
    let checked = src.history.iter().find(|e| e.kind == "documents_checked");
    let codes = |e: &HistoryEntry, field: &str| -> Vec<String> {
        e.data[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect()
    };
    let received: Vec<String> = match checked {
        Some(e) => {
            let mut received = codes(e, "received");
            let before_acceptance = src.history.iter().take_while(|e| {
                !(e.kind == "status_changed" && e.data["to"] == DossierStatus::Accepted.as_str())
            });
            for brought in before_acceptance.filter(|e| e.kind == "supplemented") {
                for code in codes(brought, "documents") {
                    if !received.contains(&code) {
                        received.push(code);
                    }
                }
            }
            received
        }
        None => case
            .map(|c| {
                c.documents
                    .iter()
                    .filter(|doc| !doc.optional)
                    .map(|doc| doc.code.clone())
                    .collect()
            })
            .unwrap_or_default(),
    };
    let accepted = src
        .history
        .iter()
        .any(|e| e.kind == "status_changed" && e.data["to"] == DossierStatus::Accepted.as_str());
    if !accepted {
        return Err(missing("01"));
    }
    let documents = case
        .map(|c| {
            c.documents
                .iter()
                .filter(|doc| received.contains(&doc.code))
                .map(|doc| forms::ReceivedDocument {
                    name: doc.name.vi.clone(),
                    form: doc.form,
                    quantity: doc.quantity,
                })
                .collect()
        })
        .unwrap_or_default();
    let desk = info.desk(&src.tenant.manifest);
    let receiver = match checked {
        Some(e) => src.official(&e.actor, Some(desk.key.as_str())),
        None => forms::Official {
            name: String::new(),
            division: desk.name.vi.clone(),
        },
    };
    forms::receipt_html(&forms::Form01Receipt {
        letterhead: src.letterhead.clone(),
        dossier: src.dossier.clone(),
        documents,
        sets: 1,
        processing_time: src.loaded.state.clock.time,
        appointment: d.due_at,
        return_place: desk.name.vi.clone(),
        receiver,
    })
    .map_err(|e| form_failure(&e))
}

fn supplement_request(src: Sources) -> Result<String, Failure> {
    let asked = src
        .last_action_into(|s| s.kind == StepKind::Supplement)
        .ok_or_else(|| missing("02"))?;
    let step = asked.data["step"].as_str().unwrap_or_default();
    let division = src
        .loaded
        .procedure
        .definition
        .step(step)
        .and_then(|(_, s)| s.division.clone());
    let contact = &src.tenant.manifest.branding.contact;
    forms::supplement_request_html(&forms::Form02SupplementRequest {
        letterhead: src.letterhead.clone(),
        dossier: src.dossier.clone(),
        defects: lines(asked.data["reason"].as_str().unwrap_or_default()),
        reason: "Hồ sơ chưa đầy đủ, hợp lệ theo quy định của thủ tục hành chính.".to_owned(),
        official: src.official(&asked.actor, division.as_deref()),
        contact: format!("{} — {}", contact.phone, contact.email),
        issued_at: asked.at,
    })
    .map_err(|e| form_failure(&e))
}

fn refusal(src: Sources) -> Result<String, Failure> {
    let refused = src
        .last_action_into(|s| {
            s.kind == StepKind::End && s.outcome == Some(DossierStatus::NotAccepted)
        })
        .ok_or_else(|| missing("03"))?;
    let step = refused.data["step"].as_str().unwrap_or_default();
    let division = src
        .loaded
        .procedure
        .definition
        .step(step)
        .and_then(|(_, s)| s.division.clone());
    forms::refusal_html(&forms::Form03Refusal {
        letterhead: src.letterhead.clone(),
        dossier: src.dossier.clone(),
        reasons: lines(refused.data["reason"].as_str().unwrap_or_default()),
        official: src.official(&refused.actor, division.as_deref()),
        issued_at: refused.at,
    })
    .map_err(|e| form_failure(&e))
}

fn apology(src: Sources) -> Result<String, Failure> {
    let e = src
        .history
        .iter()
        .find(|e| e.kind == "rescheduled")
        .ok_or_else(|| missing("04"))?;
    let time = |k: &str| {
        e.data[k]
            .as_str()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
            .ok_or_else(|| Failure::internal(&format!("rescheduled event without `{k}`")))
    };
    forms::apology_html(&forms::Form04Apology {
        letterhead: src.letterhead.clone(),
        dossier: src.dossier.clone(),
        old_due: time("from")?,
        new_due: time("to")?,
        reason: e.data["reason"].as_str().unwrap_or_default().to_owned(),
        signer: forms::Signer {
            title: "Thủ trưởng cơ quan giải quyết hồ sơ".to_owned(),
            name: src.names.get(&e.actor).cloned().unwrap_or_default(),
        },
        issued_at: e.at,
    })
    .map_err(|e| form_failure(&e))
}

/// The hand-overs of a dossier: each action taken at a step, from the official who took it (in
/// the step's division) to the division of the step it led to, with the step's due time and
/// whether the hand-over met it.
fn control_slip(src: Sources) -> Result<String, Failure> {
    let def = &src.loaded.procedure.definition;
    let calendar = &src.tenant.calendar;
    let mut due_of: HashMap<String, DateTime<Utc>> = HashMap::new();
    let mut rows = Vec::new();
    for e in &src.history {
        match e.kind.as_str() {
            "step_entered" => {
                if let (Some(step), Some(due)) = (
                    e.data["step"].as_str(),
                    e.data["due"].as_str().and_then(|t| t.parse().ok()),
                ) {
                    due_of.insert(step.to_owned(), due);
                }
            }
            "action_taken" => {
                let step = e.data["step"].as_str().unwrap_or_default();
                let action = e.data["action"].as_str().unwrap_or_default();
                let from_division = def.step(step).and_then(|(_, s)| s.division.clone());
                let to = src.target(step, action);
                let step_due = due_of.get(step).copied();
                rows.push(forms::Handover {
                    from: src.official(&e.actor, from_division.as_deref()),
                    to: forms::Official {
                        name: String::new(),
                        division: to
                            .map(|t| {
                                if t.division.is_some() {
                                    src.division_name(t.division.as_deref())
                                } else {
                                    t.name.vi.clone()
                                }
                            })
                            .unwrap_or_default(),
                    },
                    at: e.at,
                    step_due,
                    result: step_due.map(|due| calendar.timeliness(due, e.at)),
                    note: def
                        .step(step)
                        .and_then(|(_, s)| s.actions.iter().find(|a| a.key == action))
                        .map(|a| a.label.vi.clone())
                        .unwrap_or_default(),
                });
            }
            _ => {}
        }
    }
    let info = &src.loaded.procedure.file.info;
    let mut partners: Vec<String> = def
        .steps
        .iter()
        .filter_map(|s| s.division.as_deref())
        .filter(|d| {
            *d != info.division.as_str() && *d != info.desk(&src.tenant.manifest).key.as_str()
        })
        .map(|d| src.division_name(Some(d)))
        .collect();
    partners.sort();
    partners.dedup();
    forms::control_slip_html(&forms::Form05ControlSlip {
        letterhead: src.letterhead.clone(),
        dossier: src.dossier.clone(),
        due_at: src.loaded.dossier.due_at,
        lead_agency: src.division_name(Some(info.division.as_str())),
        partner_agencies: partners,
        rows,
    })
    .map_err(|e| form_failure(&e))
}

/// Renders form `form` of dossier `code`.
async fn dossier_form(
    state: &AppState,
    guard: Guard,
    headers: &HeaderMap,
    code: &str,
    build: fn(Sources) -> Result<String, Failure>,
) -> Result<Response, ApiError> {
    let official = Official::from_guard(guard)?;
    let lang = official.guard.site.lang;
    let src = sources(state, &official, headers, code).await?;
    let html = build(src).map_err(|f| ApiError(lang, f))?;
    Ok(page(html))
}

macro_rules! form_handlers {
    ($($name:ident => $build:ident, $doc:literal;)*) => {
        $(
            #[doc = $doc]
            pub(crate) async fn $name(
                State(state): State<AppState>,
                guard: Guard,
                headers: HeaderMap,
                Path(code): Path<String>,
            ) -> Result<Response, ApiError> {
                dossier_form(&state, guard, &headers, &code, $build).await
            }
        )*
    };
}

form_handlers! {
    form_01 => receipt, "`GET /ho-so/{code}/mau-01`: the receipt.";
    form_02 => supplement_request, "`GET /ho-so/{code}/mau-02`: the request to supplement.";
    form_03 => refusal, "`GET /ho-so/{code}/mau-03`: the refusal.";
    form_04 => apology, "`GET /ho-so/{code}/mau-04`: the apology and new date.";
    form_05 => control_slip, "`GET /ho-so/{code}/mau-05`: the process control slip.";
}

/// The ledger's query: the desk (division key) and the days, `YYYY-MM-DD`, both included.
#[derive(Debug, Deserialize)]
pub(crate) struct LedgerParams {
    /// The desk; the tenant's default desk when absent.
    #[serde(rename = "don-vi")]
    desk: Option<String>,
    /// The first day; today when absent.
    tu: Option<NaiveDate>,
    /// The last day; the first day when absent.
    den: Option<NaiveDate>,
}

/// The most rows one ledger prints; a longer period is refused with a hint to narrow it.
const MAX_LEDGER_ROWS: u64 = 2_000;

/// `GET /so-theo-doi`: Form 06, the dossiers a desk received on some days.
pub(crate) async fn ledger(
    State(state): State<AppState>,
    guard: Guard,
    Query(params): Query<LedgerParams>,
) -> Result<Response, ApiError> {
    let official = Official::from_guard(guard)?;
    let site = official.guard.site.clone();
    let lang = site.lang;
    let fail = |f: Failure| ApiError(lang, f);
    let manifest = &site.tenant.manifest;
    let desk = match &params.desk {
        Some(k) => manifest.division(k).filter(|d| d.one_stop).ok_or_else(|| {
            fail(Failure::not_found(Msg::new(
                format!("Không có bộ phận một cửa \"{k}\"."),
                format!("There is no one-stop desk \"{k}\"."),
            )))
        })?,
        None => manifest.default_desk(),
    };
    official.require_any(&[Action::View, Action::Receive], [desk.key.as_str()])?;
    let today = site.tenant.calendar.local_date(Utc::now());
    let from = params.tu.unwrap_or(today);
    let to = params.den.unwrap_or(from);
    let received = dossiers::received_at_unit(
        &state.store,
        site.tenant.id,
        desk.code,
        from,
        to,
        MAX_LEDGER_ROWS + 1,
    )
    .await
    .map_err(|e| fail(e.into()))?;
    if received.len() as u64 > MAX_LEDGER_ROWS {
        return Err(fail(Failure::invalid(
            "ledger_too_long",
            Msg::new(
                format!(
                    "Khoảng thời gian có hơn {MAX_LEDGER_ROWS} hồ sơ; hãy chọn khoảng ngắn hơn."
                ),
                format!(
                    "The period holds more than {MAX_LEDGER_ROWS} dossiers; choose a shorter one."
                ),
            ),
        )));
    }
    let ids: Vec<i64> = received.iter().map(|d| d.id).collect();
    let entered = motcua_store::history::steps_entered(&state.store, site.tenant.id, &ids)
        .await
        .map_err(|e| fail(e.into()))?;
    let mut paths: HashMap<i64, Vec<(DateTime<Utc>, String)>> = HashMap::new();
    for (id, at, step) in entered {
        paths.entry(id).or_default().push((at, step));
    }
    let mut handovers = HashMap::new();
    for d in &received {
        let procedure =
            handling::procedure_at(&state, &site, &d.procedure_code, d.procedure_version)
                .await
                .map_err(fail)?;
        let path = paths.get(&d.id).map(Vec::as_slice).unwrap_or_default();
        handovers.insert(d.id, handover_times(&procedure, desk.key.as_str(), path));
    }
    let rows = received
        .into_iter()
        .map(|d| {
            let (handed_at, result_at) = handovers.get(&d.id).copied().unwrap_or_default();
            let live = site.tenant.procedure(&d.procedure_code);
            forms::LedgerRow {
                procedure: live
                    .map_or_else(|| d.procedure_code.clone(), |p| p.info().name.vi.clone()),
                lead_agency: live
                    .and_then(|p| manifest.division(p.info().division.as_str()))
                    .map(|x| x.name.vi.clone())
                    .unwrap_or_default(),
                sets: 1,
                received_at: d.received_at,
                due_at: d.due_at,
                handed_at,
                result_at,
                returned_at: d.closed_at.filter(|_| d.status == DossierStatus::Returned),
                // How it came when not in person (post, online, the national portal), and how
                // it ended when it was not returned.
                note: [
                    (d.channel != motcua_core::dossier::Channel::Desk)
                        .then(|| super::pages::channel_label(d.channel).to_owned()),
                    (d.closed_at.is_some() && d.status != DossierStatus::Returned)
                        .then(|| d.status.label(lang).to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
                applicant: d.applicant,
                code: d.code,
            }
        })
        .collect();
    let html = forms::ledger_html(&forms::Form06Ledger {
        letterhead: forms::Letterhead {
            parent_agency: None,
            agency: manifest.name.vi.clone(),
            desk: desk.name.vi.clone(),
            place: manifest.short_name.vi.clone(),
        },
        from,
        to,
        rows,
    })
    .map_err(|e| fail(form_failure(&e)))?;
    Ok(page(html))
}

/// The ledger's two hand-over times of a dossier, from the steps it entered in order: when the
/// desk handed it to a handling division (the first step of another division), and when the
/// result came back to the desk (the first desk step after that).
fn handover_times(
    procedure: &motcua_workflow::procedure::Procedure,
    desk: &str,
    entered: &[(DateTime<Utc>, String)],
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let def = &procedure.definition;
    let mut handed = None;
    for (at, step) in entered {
        let Some(division) = def.step(step).and_then(|(_, s)| s.division.as_deref()) else {
            continue;
        };
        match handed {
            None if division != desk => handed = Some(*at),
            Some(h) if division == desk => return (Some(h), Some(*at)),
            _ => {}
        }
    }
    (handed, None)
}
