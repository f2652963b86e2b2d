//! A dossier as an official sees it in the one-stop system: its facts, the steps it is at and,
//! for each, exactly the actions *this* official may take there, with the inputs each needs;
//! and its history.
//!
//! What an official may do is never worked out twice: each candidate command is put to the
//! workflow engine as a dry run on the stored state (the engine is pure, so this costs
//! microseconds and changes nothing), and to the guard for the matching permission. An action
//! shown is therefore an action that will be accepted, unless someone else moves the dossier
//! first.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_authz::Action;
use motcua_core::codes::DossierCode;
use motcua_core::lang::Lang;
use motcua_store::dossiers::{self, Dossier};
use motcua_store::history::StoredEvent;
use motcua_workflow::engine::{self, Command, Context, DossierState, Inputs, Waiting};
use motcua_workflow::procedure::Procedure;
use motcua_workflow::schema::{Input, StepKind};
use serde::Serialize;

use super::official::{Official, divisions_of};
use crate::AppState;
use crate::error::{ApiError, Failure};
use crate::handling;
use crate::i18n::Msg;

/// The permissions that let an official act at a step of their division; the workflow's role
/// for the step is checked by the engine as well.
pub(crate) const ACT: [Action; 3] = [Action::Receive, Action::Handle, Action::Approve];

/// A dossier loaded for an official, with what they may see checked.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// As stored.
    pub dossier: Dossier,
    /// The procedure version it is pinned to.
    pub procedure: Arc<Procedure>,
    /// Its workflow state.
    pub state: DossierState,
}

/// Loads dossier `code` for `official`: 404 when this tenant has no such dossier (another
/// tenant's code included), 403 when the official may view no division it passes through nor
/// any division consulted about it.
pub(crate) async fn load(
    state: &AppState,
    official: &Official,
    code: &str,
) -> Result<Loaded, ApiError> {
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    let not_found = || {
        fail(Failure::not_found(Msg::new(
            format!("Không tìm thấy hồ sơ mã {code}."),
            format!("No dossier has the code {code}."),
        )))
    };
    let parsed: DossierCode = code.parse().map_err(|_| not_found())?;
    let dossier = dossiers::find(&state.store, site.tenant.id, &parsed)
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(not_found)?;
    let procedure = handling::procedure_at(
        state,
        site,
        &dossier.procedure_code,
        dossier.procedure_version,
    )
    .await
    .map_err(fail)?;
    let divisions = divisions_of(&procedure, &site.tenant.manifest);
    if !official.may_any(&[Action::View], divisions.iter().map(String::as_str)) {
        // Officials of a division consulted about the dossier may open it too.
        let consulted = super::notes::consulted_divisions(state, site.tenant.id, &dossier)
            .await
            .map_err(fail)?;
        let all = divisions.iter().chain(consulted.iter()).map(String::as_str);
        official.require_any(&[Action::View], all)?;
    }
    let wf_state: DossierState = serde_json::from_value(dossier.state.clone())
        .map_err(|e| fail(Failure::internal(&format!("dossier {code}: {e}"))))?;
    Ok(Loaded {
        dossier,
        procedure,
        state: wf_state,
    })
}

/// The dossier `dossier` as [`load`] gives it, for an official who has just loaded it (and so
/// may see it) pinned to procedure `version` (compiled: `procedure`), and moved it: the
/// dossier a move returned, without reading it again.
pub(crate) async fn loaded(
    official: &Official,
    dossier: Dossier,
    (version, procedure): (i32, Arc<Procedure>),
    state: &AppState,
) -> Result<Loaded, ApiError> {
    let site = &official.guard.site;
    let fail = |f: Failure| ApiError(site.lang, f);
    // A move keeps the procedure version, except a migration's, which reaches here only as
    // a conflict.
    let procedure = if version == dossier.procedure_version {
        procedure
    } else {
        handling::procedure_at(
            state,
            site,
            &dossier.procedure_code,
            dossier.procedure_version,
        )
        .await
        .map_err(fail)?
    };
    let wf_state: DossierState = serde_json::from_value(dossier.state.clone())
        .map_err(|e| fail(Failure::internal(&format!("dossier {}: {e}", dossier.code))))?;
    Ok(Loaded {
        dossier,
        procedure,
        state: wf_state,
    })
}

/// An action an official may take at a step.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ActionView {
    /// The action's key.
    pub key: String,
    /// Its label in the host's language.
    pub label: String,
    /// What must be given with it: `reason`, `documents`, `result`.
    pub requires: Vec<&'static str>,
}

/// A step the dossier is at.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct StepView {
    /// The step's key.
    pub step: String,
    /// Its name.
    pub name: String,
    /// The division acting there (key).
    pub division: Option<String>,
    /// The division's name.
    pub division_name: Option<String>,
    /// The role acting there.
    pub role: Option<String>,
    /// Who has claimed it.
    pub assignee: Option<String>,
    /// When it arrived there.
    pub entered_at: DateTime<Utc>,
    /// When the step is due.
    pub due: Option<DateTime<Utc>>,
    /// What it waits for: `officials`, `plugin`, `applicant`.
    pub waiting: &'static str,
    /// A plugin's last error, when it waits on a failed plugin.
    pub plugin_error: Option<String>,
    /// What the official may do here.
    pub actions: Vec<ActionView>,
    /// Whether the official may claim the step.
    pub can_claim: bool,
    /// Whether the official may give it back.
    pub can_release: bool,
    /// Whether the official may hand it to another official.
    pub can_reassign: bool,
    /// Whether the official may run a failed plugin again.
    pub can_retry: bool,
}

/// What the official may do to the dossier as a whole.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct WholeView {
    /// Stop handling (Art. 17: with a reason).
    pub stop: bool,
    /// Apologise and set a new date (Form 04, once).
    pub reschedule: bool,
    /// Record at the desk the applicant's supplement.
    pub supplement: bool,
    /// Record at the desk the applicant's withdrawal.
    pub withdraw: bool,
}

fn dry_inputs(requires: &[Input]) -> Inputs {
    let mut inputs = Inputs::default();
    for r in requires {
        match r {
            Input::Reason => inputs.reason = Some("-".to_owned()),
            Input::Documents => inputs.documents = vec!["-".to_owned()],
            Input::Result => inputs.result = Some("-".to_owned()),
        }
    }
    inputs
}

/// The input's machine name.
pub(crate) fn input_name(i: Input) -> &'static str {
    match i {
        Input::Reason => "reason",
        Input::Documents => "documents",
        Input::Result => "result",
    }
}

/// The steps of a loaded dossier with what `official` may do at each, and what they may do to
/// the dossier as a whole, at `now`.
pub(crate) fn steps(
    loaded: &Loaded,
    official: &Official,
    now: DateTime<Utc>,
) -> (Vec<StepView>, WholeView) {
    let site = &official.guard.site;
    let lang = site.lang;
    let def = &loaded.procedure.definition;
    let d = &loaded.dossier;
    let ctx = Context {
        now,
        calendar: &site.tenant.calendar,
        form: &d.form,
        channel: d.channel,
        applicant_kind: d.applicant_kind(),
    };
    let accepts = |command: &Command| {
        engine::decide(def, &loaded.state, command, &official.actor, &ctx, None).is_ok()
    };
    let manifest = &site.tenant.manifest;
    let mut views = Vec::new();
    for token in &loaded.state.tokens {
        let Some((_, step)) = def.step(&token.step) else {
            continue;
        };
        let division = step.division.clone();
        let may_act = division
            .as_deref()
            .is_some_and(|div| official.may_any(&ACT, [div]));
        let human = step.kind == StepKind::Human && token.waiting == Waiting::Officials;
        let actions = if human && may_act {
            step.actions
                .iter()
                .filter(|a| {
                    accepts(&Command::Act {
                        step: step.key.clone(),
                        action: a.key.clone(),
                        inputs: dry_inputs(&a.requires),
                    })
                })
                .map(|a| ActionView {
                    key: a.key.clone(),
                    label: a.label.get(lang).to_owned(),
                    requires: a.requires.iter().copied().map(input_name).collect(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let mine = token.assignee.as_deref() == Some(official.actor.id.as_str());
        let (waiting, plugin_error) = match &token.waiting {
            Waiting::Officials => ("officials", None),
            Waiting::Plugin { error, .. } => ("plugin", error.clone()),
            Waiting::Applicant => ("applicant", None),
        };
        let in_division = |action| {
            division
                .as_deref()
                .is_some_and(|div| official.may(action, div))
        };
        let can_reassign = human
            && in_division(Action::Assign)
            && engine::may_reassign(division.as_deref().unwrap_or(""), &official.actor);
        let can_retry = plugin_error.is_some() && in_division(Action::Handle);
        views.push(StepView {
            step: step.key.clone(),
            name: step.name.get(lang).to_owned(),
            division_name: division
                .as_deref()
                .and_then(|k| manifest.division(k))
                .map(|d| d.name.get(lang).to_owned()),
            division,
            role: step.role.clone(),
            assignee: token.assignee.clone(),
            entered_at: token.entered_at,
            due: token.due,
            waiting,
            plugin_error: plugin_error.clone(),
            can_claim: human
                && may_act
                && token.assignee.is_none()
                && accepts(&Command::Claim {
                    step: step.key.clone(),
                }),
            can_release: human && mine,
            can_reassign,
            can_retry,
            actions,
        });
    }
    let divisions = divisions_of(&loaded.procedure, manifest);
    let desk = loaded.procedure.file.info.desk(manifest).key.to_string();
    let open = !loaded.state.is_closed();
    let whole = WholeView {
        stop: open
            && official.may_any(&[Action::Approve], divisions.iter().map(String::as_str))
            && accepts(&Command::Stop {
                reason: "-".to_owned(),
            }),
        reschedule: open
            && def.reschedule
            && loaded.state.clock.rescheduled.is_none()
            && official.may_any(
                &[Action::Handle, Action::Approve],
                views.iter().filter_map(|v| v.division.as_deref()),
            ),
        supplement: open
            && loaded
                .state
                .tokens
                .iter()
                .any(|t| t.waiting == Waiting::Applicant)
            && official.may(Action::Receive, &desk),
        withdraw: open && official.may(Action::Receive, &desk),
    };
    (views, whole)
}

/// A history entry as officials read it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct HistoryEntry {
    /// Position in the history.
    pub seq: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// Who, as recorded (`account:12`, `system`, the applicant).
    pub actor: String,
    /// The official's name, when the actor is an official of the tenant.
    pub actor_name: Option<String>,
    /// The event's type.
    pub kind: String,
    /// Its data.
    pub data: serde_json::Value,
    /// The hash that chains it to the previous entry.
    pub hash: String,
}

/// The names of the tenant's officials by audit subject (`account:12` → name).
pub(crate) async fn official_names(
    state: &AppState,
    tenant: motcua_store::TenantId,
) -> Result<HashMap<String, String>, Failure> {
    let accounts = motcua_store::accounts::list(
        &state.store,
        motcua_store::accounts::Holder::Official(tenant),
    )
    .await?;
    Ok(accounts
        .into_iter()
        .map(|a| (motcua_authz::subject(a.id), a.name))
        .collect())
}

/// The audit subjects a dossier's history and open steps name: its events' actors and the
/// steps' assignees.
pub(crate) fn named_in<'a>(
    events: &'a [StoredEvent],
    loaded: &'a Loaded,
) -> impl Iterator<Item = &'a str> {
    events.iter().map(|e| e.actor.as_str()).chain(
        loaded
            .state
            .tokens
            .iter()
            .filter_map(|t| t.assignee.as_deref()),
    )
}

/// The account ids among audit subjects (`account:12` → 12).
pub(crate) fn account_ids<'a>(subjects: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
    subjects
        .into_iter()
        .filter_map(|s| s.strip_prefix("account:")?.parse().ok())
        .collect()
}

/// Officials' names by account id, keyed by audit subject instead.
pub(crate) fn by_subject(names: HashMap<i64, String>) -> HashMap<String, String> {
    names
        .into_iter()
        .map(|(id, name)| (motcua_authz::subject(id), name))
        .collect()
}

/// The names of the tenant's officials among `subjects` (`account:12` → name): only those
/// are read.
pub(crate) async fn names_of<'a>(
    state: &AppState,
    tenant: motcua_store::TenantId,
    subjects: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, String>, Failure> {
    let mut ids = account_ids(subjects);
    ids.sort_unstable();
    ids.dedup();
    let names = motcua_store::accounts::names(&state.store, tenant, &ids).await?;
    Ok(by_subject(names))
}

/// The history entries of `events`, names filled in.
pub(crate) fn history(
    events: Vec<StoredEvent>,
    names: &HashMap<String, String>,
) -> Vec<HistoryEntry> {
    events
        .into_iter()
        .map(|e| HistoryEntry {
            seq: e.seq,
            at: e.at,
            actor_name: names.get(&e.actor).cloned(),
            actor: e.actor,
            kind: e.kind,
            data: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
            hash: e.hash,
        })
        .collect()
}

/// The whole view of a dossier, as the JSON API gives it.
pub(crate) fn json(
    loaded: &Loaded,
    lang: Lang,
    steps: &[StepView],
    whole: &WholeView,
    history: &[HistoryEntry],
) -> serde_json::Value {
    let d = &loaded.dossier;
    let info = &loaded.procedure.file.info;
    let case = info.cases.iter().find(|c| c.key.as_str() == d.case_key);
    serde_json::json!({
        "code": d.code,
        "procedure": {
            "code": d.procedure_code,
            "version": d.procedure_version,
            "name": info.name.get(lang),
        },
        "case": { "key": d.case_key, "name": case.map(|c| c.name.get(lang)) },
        "channel": d.channel.as_str(),
        "applicant": d.applicant,
        "form": d.form,
        "status": {
            "code": d.status.as_str(),
            "national_code": d.status.national_code(),
            "label": d.status.label(lang),
        },
        "received_at": d.received_at,
        "due_at": d.due_at,
        "closed_at": d.closed_at,
        "clock_paused_since": loaded.state.clock.paused_since,
        "rescheduled": loaded.state.clock.rescheduled.is_some(),
        "version": loaded.state.version,
        "steps": steps,
        "can": whole,
        "history": history,
    })
}
