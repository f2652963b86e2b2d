//! Moving dossiers: the glue between the workflow engine, which decides (pure), and storage,
//! which keeps the result (state, hash-chained history, outbox) atomically.
//!
//! Used by the API for submissions and by the one-stop system for officials' actions. A command
//! is decided on the dossier as stored, with the procedure version the dossier is pinned to; a
//! move stored meanwhile by someone else makes the command fail with a conflict (409), never
//! overwrite.

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::{Applicant, Channel};
use motcua_store::dossiers::{
    self, Change, Dossier, MoveError, NewDossier, OutboxMessage, Received, Task,
};
use motcua_store::history::NewEvent;
use motcua_store::procedures;
use motcua_workflow::definition::Definition;
use motcua_workflow::engine::{self, Actor, Command, Context, Decision, Event, Refusal};
use motcua_workflow::procedure::Procedure;
use serde_json::json;

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;
use crate::sites::Live;

/// Compiled procedure versions by tenant, code and version: old versions are needed for the
/// dossiers still pinned to them, and compiling one costs a parse and a validation.
pub type ProcedureCache = moka::sync::Cache<(i64, String, i32), Arc<Procedure>>;

/// A new cache.
pub fn procedure_cache() -> ProcedureCache {
    moka::sync::Cache::new(10_000)
}

/// The procedure version a dossier is pinned to.
pub async fn procedure_at(
    state: &AppState,
    site: &Site,
    code: &str,
    version: i32,
) -> Result<Arc<Procedure>, Failure> {
    if let Some(p) = procedure_known(state, site, code, version) {
        return Ok(p);
    }
    let key = (site.tenant.id.0, code.to_owned(), version);
    let published = procedures::version(&state.store, site.tenant.id, code, version)
        .await?
        .ok_or_else(|| {
            Failure::internal(&format!("procedure {code} version {version} is missing"))
        })?;
    let procedure =
        motcua_workflow::procedure::load(code, &published.source, &site.tenant.manifest).map_err(
            |d| {
                Failure::internal(&format!(
                    "procedure {code} version {version} no longer loads: {d}"
                ))
            },
        )?;
    let procedure = Arc::new(procedure);
    state.procedures.insert(key, Arc::clone(&procedure));
    Ok(procedure)
}

/// The procedure version a dossier is pinned to, when it is published now or compiled
/// already: no I/O.
fn procedure_known(
    state: &AppState,
    site: &Site,
    code: &str,
    version: i32,
) -> Option<Arc<Procedure>> {
    if let Some(live) = site.tenant.procedure(code)
        && live.version == version
    {
        return Some(Arc::clone(&live.procedure));
    }
    state
        .procedures
        .get(&(site.tenant.id.0, code.to_owned(), version))
}

/// What storage writes for an engine decision taken on `def` (the definition the new state runs
/// on, which names the roles and divisions of the dossier's open tasks).
pub fn change_from(
    decision: &Decision,
    def: &Definition,
    actor: &str,
    now: DateTime<Utc>,
    code: Option<&DossierCode>,
    procedure: &str,
) -> Change {
    let mut events = Vec::with_capacity(decision.events.len());
    let mut outbox = Vec::new();
    for event in &decision.events {
        let mut payload = serde_json::to_value(event).unwrap_or_default();
        let kind = payload
            .as_object_mut()
            .and_then(|m| m.remove("type"))
            .and_then(|t| t.as_str().map(str::to_owned))
            .unwrap_or_default();
        if let Event::PluginRequested {
            step,
            plugin,
            config,
        } = event
        {
            outbox.push(OutboxMessage {
                topic: crate::plugins::TOPIC.to_owned(),
                payload: json!({ "dossier": code.map(ToString::to_string), "procedure": procedure, "step": step, "plugin": plugin, "config": config }),
            });
        }
        events.push(NewEvent {
            at: now,
            actor: actor.to_owned(),
            kind,
            payload,
        });
    }
    // What the decision announces, after the plugin requests: one message per audience.
    outbox.extend(crate::notifications::announce(
        decision, def, code, procedure,
    ));
    let state = &decision.state;
    Change {
        state: serde_json::to_value(state).unwrap_or_default(),
        status: state.status,
        due_at: state.clock.due,
        closed_at: state.closed.as_ref().map(|c| c.at),
        events,
        outbox,
        procedure_version: None,
        next_timer_at: state
            .tokens
            .iter()
            .flat_map(|t| t.timers.iter())
            .filter(|p| !p.fired)
            .map(|p| p.at)
            .min(),
        tasks: state.tasks(def).into_iter().map(task).collect(),
        attach: Vec::new(),
        job: None,
    }
}

/// An open task as storage keeps it.
fn task(t: engine::Task) -> Task {
    Task {
        token: t.token,
        step: t.step,
        role: t.role,
        division: t.division,
        assignee: t.assignee,
        escalated_to: t.escalated_to,
        due: t.due,
        entered_at: t.entered_at,
    }
}

/// A submission, ready to receive.
#[derive(Debug)]
pub struct Submission {
    /// The procedure.
    pub live: Live,
    /// The case.
    pub case: String,
    /// Who applies.
    pub applicant: Applicant,
    /// The validated form data.
    pub form: serde_json::Value,
    /// How it arrives.
    pub channel: Channel,
    /// The client's retry key.
    pub idempotency_key: Option<String>,
    /// A command decided right after receipt, in the same transaction (the desk's decision on
    /// a dossier it has just checked).
    pub first_move: Option<FirstMove>,
}

/// The first command of a dossier received at the desk.
#[derive(Debug)]
pub struct FirstMove {
    /// The command.
    pub command: Command,
    /// Who gives it.
    pub actor: Actor,
    /// Events (kind, payload) recorded before the command's own, by the same actor.
    pub before: Vec<(String, serde_json::Value)>,
    /// Uploads attached to the new dossier in the same transaction (the desk's scans).
    pub attach: Vec<motcua_store::attachments::Attach>,
}

/// What a dossier forwarded by the national public service portal brings besides a submission.
#[derive(Debug)]
pub struct Forwarded {
    /// Its code at the national portal: a second forward with it gives the same dossier.
    pub national_code: String,
    /// Events (kind, payload) recorded after the receipt's, by `national-portal`.
    pub events: Vec<(String, serde_json::Value)>,
    /// Uploads attached to the new dossier in the same transaction (the files it was sent with).
    pub attach: Vec<motcua_store::attachments::Attach>,
}

/// Receives a dossier: starts its workflow and stores it.
pub async fn submit(state: &AppState, site: &Site, s: Submission) -> Result<Received, Failure> {
    receive(state, site, s, None, Vec::new()).await
}

/// Receives a dossier with documents: as [`submit`], with `attach` (the applicant's uploads, for
/// the case's documents) attached in the transaction that stores it. A replay (same idempotency
/// key) attaches nothing and answers with the dossier stored the first time.
pub async fn submit_with_documents(
    state: &AppState,
    site: &Site,
    s: Submission,
    attach: Vec<motcua_store::attachments::Attach>,
) -> Result<Received, Failure> {
    receive(state, site, s, None, attach).await
}

/// Receives a dossier forwarded by the national portal: as [`submit`], idempotent on its
/// national code, with its files attached in the transaction that stores it.
pub async fn submit_forwarded(
    state: &AppState,
    site: &Site,
    s: Submission,
    forwarded: Forwarded,
) -> Result<Received, Failure> {
    receive(state, site, s, Some(forwarded), Vec::new()).await
}

async fn receive(
    state: &AppState,
    site: &Site,
    s: Submission,
    forwarded: Option<Forwarded>,
    attach: Vec<motcua_store::attachments::Attach>,
) -> Result<Received, Failure> {
    let now = Utc::now();
    let info = s.live.info();
    let time = info
        .cases
        .iter()
        .find(|c| c.key.as_str() == s.case)
        .and_then(|c| c.time)
        .unwrap_or(info.time);
    let ctx = Context {
        now,
        calendar: &site.tenant.calendar,
        form: &s.form,
        channel: s.channel,
        applicant_kind: s.applicant.kind,
    };
    let def = &s.live.procedure.definition;
    let decision = engine::start(def, &s.case, time, &ctx).map_err(refusal)?;
    let code = info.code.to_string();
    // The dossier code is issued inside the storing transaction; the first events name the
    // dossier by the history's chain instead.
    let mut start = change_from(&decision, def, "system", now, None, &code);
    if let Some(first) = &s.first_move {
        let then = engine::decide(
            def,
            &decision.state,
            &first.command,
            &first.actor,
            &ctx,
            None,
        )
        .map_err(refusal)?;
        let moved = change_from(&then, def, &first.actor.id, now, None, &code);
        // Receipt, the desk's records, then the command's own events, in one history.
        let before = first.before.iter().map(|(kind, payload)| NewEvent {
            at: now,
            actor: first.actor.id.clone(),
            kind: kind.clone(),
            payload: payload.clone(),
        });
        let events = start
            .events
            .into_iter()
            .chain(before)
            .chain(moved.events)
            .collect();
        let outbox = start.outbox.into_iter().chain(moved.outbox).collect();
        start = Change {
            events,
            outbox,
            attach: first.attach.clone(),
            ..moved
        };
    }
    if let Some(f) = &forwarded {
        start
            .events
            .extend(f.events.iter().map(|(kind, payload)| NewEvent {
                at: now,
                actor: "national-portal".to_owned(),
                kind: kind.clone(),
                payload: payload.clone(),
            }));
        start.attach.extend(f.attach.iter().cloned());
    }
    start.attach.extend(attach);
    let new = NewDossier {
        procedure_code: code,
        procedure_version: s.live.version,
        case_key: s.case,
        receiving_unit: info.desk(&site.tenant.manifest).code,
        channel: s.channel,
        applicant: s.applicant,
        form: s.form,
        idempotency_key: s.idempotency_key,
        received_at: now,
        start,
    };
    let wants_plugin = new
        .start
        .outbox
        .iter()
        .any(|m| m.topic == crate::plugins::TOPIC);
    let channel = new.channel;
    let received = match &forwarded {
        Some(f) => {
            motcua_store::national::receive_forwarded(
                &state.store,
                site.tenant.id,
                new,
                &f.national_code,
            )
            .await?
        }
        None => dossiers::receive(&state.store, site.tenant.id, new).await?,
    };
    if matches!(received, Received::Created(_)) {
        metrics::counter!("motcua_dossiers_received_total", "tenant" => site.tenant.manifest.slug.to_string(), "channel" => channel.as_str()).increment(1);
    }
    if wants_plugin {
        state.plugin_wake.notify_one();
    }
    Ok(received)
}

/// Decides `command` on the dossier `code` at `now` and stores the result.
pub async fn act(
    state: &AppState,
    site: &Site,
    code: &DossierCode,
    command: &Command,
    actor: &Actor,
    expected_version: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Dossier, Failure> {
    act_recording(
        state,
        site,
        code,
        command,
        actor,
        expected_version,
        now,
        Vec::new(),
    )
    .await
}

/// [`act`], adding `extra` events (kind, payload) to the history after the engine's, in the
/// same transaction (e.g. the record of a plugin run).
#[expect(
    clippy::too_many_arguments,
    reason = "act's arguments and the extra events"
)]
pub async fn act_recording(
    state: &AppState,
    site: &Site,
    code: &DossierCode,
    command: &Command,
    actor: &Actor,
    expected_version: Option<u64>,
    now: DateTime<Utc>,
    extra: Vec<(String, serde_json::Value)>,
) -> Result<Dossier, Failure> {
    let extra = Extra {
        events: extra,
        ..Extra::default()
    };
    act_with(
        state,
        site,
        code,
        command,
        actor,
        expected_version,
        now,
        extra,
    )
    .await
}

/// What a move stores besides the engine's decision.
#[derive(Debug, Default)]
pub struct Extra {
    /// Events (kind, payload) recorded after the engine's, by the same actor.
    pub events: Vec<(String, serde_json::Value)>,
    /// Uploads attached to the dossier in the move's transaction (the result documents of a
    /// return, a supplement's papers): one that may not be attached fails the whole move.
    pub attach: Vec<motcua_store::attachments::Attach>,
    /// The job whose effect the move is (a plugin step), completed in the move's transaction;
    /// a worker that no longer holds it gets a conflict and the move is not stored.
    pub job: Option<motcua_store::jobs::Lease>,
}

/// [`act`] with [`Extra`] records and attachments, all in the move's transaction.
#[expect(
    clippy::too_many_arguments,
    reason = "act's arguments and what the move stores besides"
)]
pub async fn act_with(
    state: &AppState,
    site: &Site,
    code: &DossierCode,
    command: &Command,
    actor: &Actor,
    expected_version: Option<u64>,
    now: DateTime<Utc>,
    extra: Extra,
) -> Result<Dossier, Failure> {
    let Extra {
        events: extra,
        attach,
        job,
    } = extra;
    let wants_plugin = std::sync::atomic::AtomicBool::new(false);
    let mut pending = Some((attach, job));
    let mut compiled = false;
    let result = loop {
        let moved = dossiers::move_dossier(&state.store, site.tenant.id, code, |stored| {
            // The procedure version is nearly always compiled already; when it is not, the
            // move is given up before writing anything, the version compiled, and tried again.
            let Some(procedure) = procedure_known(
                state,
                site,
                &stored.procedure_code,
                stored.procedure_version,
            ) else {
                return Err(Decline::Uncompiled(
                    stored.procedure_code.clone(),
                    stored.procedure_version,
                ));
            };
            let current: engine::DossierState = serde_json::from_value(stored.state.clone())
                .map_err(|e| Refusal::Stuck(format!("the stored state cannot be read: {e}")))?;
            let ctx = Context {
                now,
                calendar: &site.tenant.calendar,
                form: &stored.form,
                channel: stored.channel,
                applicant_kind: stored.applicant_kind(),
            };
            let decision = engine::decide(
                &procedure.definition,
                &current,
                command,
                actor,
                &ctx,
                expected_version,
            )?;
            let mut change = change_from(
                &decision,
                &procedure.definition,
                &actor.id,
                now,
                Some(code),
                &stored.procedure_code,
            );
            change
                .events
                .extend(extra.iter().map(|(kind, payload)| NewEvent {
                    at: now,
                    actor: actor.id.clone(),
                    kind: kind.clone(),
                    payload: payload.clone(),
                }));
            if change
                .outbox
                .iter()
                .any(|m| m.topic == crate::plugins::TOPIC)
            {
                wants_plugin.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            (change.attach, change.job) = pending.take().unwrap_or_default();
            Ok(change)
        })
        .await;
        match moved {
            Err(MoveError::Refused(Decline::Uncompiled(procedure, version))) if !compiled => {
                procedure_at(state, site, &procedure, version).await?;
                compiled = true;
            }
            other => break other,
        }
    };
    match result {
        Ok(d) => {
            if wants_plugin.load(std::sync::atomic::Ordering::Relaxed) {
                state.plugin_wake.notify_one();
            }
            Ok(d)
        }
        Err(MoveError::Refused(Decline::Refused(r))) => Err(refusal(r)),
        Err(MoveError::Refused(Decline::Uncompiled(procedure, version))) => Err(Failure::internal(
            &format!("procedure {procedure} version {version} could not be kept compiled"),
        )),
        Err(MoveError::Conflict) => Err(Failure::new(
            StatusCode::CONFLICT,
            "stale_version",
            Msg::new(
                "Hồ sơ vừa được người khác xử lý. Vui lòng tải lại để xem trạng thái mới nhất.",
                "Someone else has just handled this dossier. Reload it to see where it stands now.",
            ),
        )),
        Err(MoveError::NotFound) => Err(Failure::not_found(Msg::new(
            format!("Không tìm thấy hồ sơ mã {code}."),
            format!("No dossier has the code {code}."),
        ))),
        Err(MoveError::Store(e)) => Err(e.into()),
    }
}

/// Why a move was not decided.
enum Decline {
    /// The engine refused the command.
    Refused(Refusal),
    /// The dossier's procedure version (code, version) is not compiled yet.
    Uncompiled(String, i32),
}

impl From<Refusal> for Decline {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

/// Wakes the dossiers whose timers are due: one pass of the timer worker. Returns how many
/// dossiers moved. A dossier another node moved meanwhile is left for the next pass (its timers
/// are in its state, so none fires twice).
pub async fn wake_due_timers(state: &AppState, now: DateTime<Utc>) -> Result<usize, Failure> {
    let mut moved = 0;
    for (tenant, code) in dossiers::due_timers(&state.store, now, 500).await? {
        let Some(binding) = state.sites.by_id(tenant) else {
            continue;
        };
        let site = Site::internal(binding, motcua_core::lang::Lang::Vi);
        match act(
            state,
            &site,
            &code,
            &Command::Tick,
            &Actor::system(),
            None,
            now,
        )
        .await
        {
            Ok(_) => moved += 1,
            Err(f) if f.code == "stale_version" => {}
            Err(f) => {
                tracing::warn!(dossier = %code, code = f.code, message = %f.message.en, "a timer could not fire")
            }
        }
    }
    Ok(moved)
}

/// Recomputes and stores the open tasks of every open dossier of every tenant, from its state
/// and the procedure version it is pinned to: for dossiers received before the officials'
/// inbox existed (run once after upgrading; repeating it changes nothing). Returns how many
/// dossiers it wrote; one moved meanwhile is skipped, its move having written its tasks.
pub async fn rebuild_tasks(state: &AppState) -> Result<usize, Failure> {
    let mut written = 0;
    for tenant in state.sites.all() {
        let site = Site::internal(tenant, motcua_core::lang::Lang::Vi);
        let mut after = 0;
        loop {
            let open = dossiers::open_after(&state.store, site.tenant.id, after, 500).await?;
            let Some(last) = open.last() else {
                break;
            };
            after = last.id;
            for d in &open {
                let procedure =
                    procedure_at(state, &site, &d.procedure_code, d.procedure_version).await?;
                let current: engine::DossierState = serde_json::from_value(d.state.clone())
                    .map_err(|e| {
                        Failure::internal(&format!(
                            "dossier {} has an unreadable state: {e}",
                            d.code
                        ))
                    })?;
                let tasks: Vec<Task> = current
                    .tasks(&procedure.definition)
                    .into_iter()
                    .map(task)
                    .collect();
                if motcua_store::inbox::rebuild(&state.store, site.tenant.id, d, &tasks).await? {
                    written += 1;
                }
            }
        }
    }
    Ok(written)
}

/// Runs the timer worker until the process ends: a pass every `every`.
pub async fn run_timers(state: AppState, every: std::time::Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match wake_due_timers(&state, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(dossiers = n, "timers fired"),
            Err(f) => tracing::warn!(
                code = f.code,
                "the timer worker could not read the due timers"
            ),
        }
    }
}

/// A refusal as users see it.
pub fn refusal(r: Refusal) -> Failure {
    let status = match r {
        Refusal::StaleVersion { .. } => StatusCode::CONFLICT,
        Refusal::WrongRole { .. } | Refusal::AssignedToOther { .. } | Refusal::NotAllowed(_) => {
            StatusCode::FORBIDDEN
        }
        Refusal::GuardError(_) | Refusal::Stuck(_) => return Failure::internal(&r),
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let en = r.to_string();
    let vi = match &r {
        Refusal::Closed => "Hồ sơ đã kết thúc xử lý.".to_owned(),
        Refusal::StaleVersion { .. } => {
            "Hồ sơ vừa được người khác xử lý; vui lòng tải lại.".to_owned()
        }
        Refusal::StepNotActive { step } => format!("Hồ sơ không ở bước `{step}`."),
        Refusal::UnknownAction { action, .. } => {
            format!("Không có thao tác `{action}` ở bước này.")
        }
        Refusal::WrongRole { role, division, .. } => {
            format!("Cần vai trò `{role}` tại đơn vị `{division}` để xử lý bước này.")
        }
        Refusal::AssignedToOther { assignee, .. } => format!("Bước này đang do {assignee} xử lý."),
        Refusal::GuardFalse { guard, .. } => {
            format!("Chưa thể thực hiện: điều kiện `{guard}` không thỏa.")
        }
        Refusal::MissingInput { input, .. } => format!(
            "Cần nhập {}.",
            match *input {
                "reason" => "lý do",
                "documents" => "giấy tờ",
                _ => "kết quả",
            }
        ),
        Refusal::NotAllowed(_) => "Bạn không có quyền thực hiện thao tác này.".to_owned(),
        Refusal::NotWaitingForApplicant => "Hồ sơ không ở trạng thái chờ bổ sung.".to_owned(),
        Refusal::NotWaitingForPlugin { .. } => {
            "Bước này không chờ kết quả xử lý tự động.".to_owned()
        }
        Refusal::RescheduleDisabled => "Thủ tục này không cho phép gia hạn.".to_owned(),
        Refusal::AlreadyRescheduled => {
            "Hồ sơ đã được gia hạn một lần; chỉ được gia hạn một lần.".to_owned()
        }
        Refusal::RescheduleTooLate { .. } => {
            "Phải xin lỗi và hẹn lại chậm nhất một ngày làm việc trước hạn trả kết quả.".to_owned()
        }
        Refusal::RescheduleNotLater { .. } => "Ngày hẹn mới phải sau ngày hẹn hiện tại.".to_owned(),
        Refusal::GuardError(_) | Refusal::Stuck(_) => en.clone(),
    };
    Failure::new(status, r.code(), Msg::new(vi, en))
}
