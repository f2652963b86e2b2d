//! The demo tenants on a fresh database, with dossiers received and moved by the real workflow
//! engine and stored through the web crate's own mapping (`handling::change_from`), at times the
//! tests choose.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::codes::DossierCode;
use motcua_core::dossier::{Applicant, ApplicantKind, Channel, CitizenId};
use motcua_core::tenant::TenantBundle;
use motcua_store::dossiers::{self, Dossier, NewDossier};
use motcua_store::inbox::{self, Grant, InboxQuery, InboxRow, Scope};
use motcua_store::{TenantId, tenants};
use motcua_tests::{Backend, TestDb, demo_bundle, demo_form};
use motcua_web::handling::change_from;
use motcua_workflow::engine::{self, Actor, Command, Context, DossierState, Inputs};
use motcua_workflow::procedure::Procedure;

/// A time in Vietnam (`2026-03-02T09:00`).
pub(super) fn vn(at: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{at}:00+07:00"))
        .unwrap()
        .with_timezone(&Utc)
}

/// A dossier to receive.
#[derive(Clone, Debug)]
pub(super) struct Intake<'a> {
    pub procedure: &'a str,
    pub case: &'a str,
    pub name: &'a str,
    pub id_number: Option<&'a str>,
    pub channel: Channel,
    pub at: DateTime<Utc>,
}

impl<'a> Intake<'a> {
    /// A criminal-record certificate (desk first, then the police), received online.
    pub(super) fn record(name: &'a str, at: DateTime<Utc>) -> Self {
        Self {
            procedure: "2.000488",
            case: "ca-nhan-tu-yeu-cau",
            name,
            id_number: None,
            channel: Channel::Online,
            at,
        }
    }

    /// A first land registration without a certificate (desk, then two parallel branches).
    pub(super) fn land(name: &'a str, at: DateTime<Utc>) -> Self {
        Self {
            procedure: "1.012795",
            case: "chi-dang-ky",
            ..Self::record(name, at)
        }
    }
}

struct Tenant {
    id: TenantId,
    bundle: TenantBundle,
    calendar: WorkingCalendar,
    procedures: HashMap<String, Procedure>,
}

/// The demo tenants Thanh Hóa and Ho Chi Minh City on a fresh database.
pub(super) struct World {
    pub db: TestDb,
    tenants: HashMap<&'static str, Tenant>,
}

impl World {
    pub(super) async fn new(backend: Backend) -> Self {
        let db = TestDb::new(backend).await;
        let mut map = HashMap::new();
        for slug in ["thanhhoa", "hochiminhcity"] {
            let bundle = demo_bundle(slug);
            tenants::apply(&db.store, &bundle).await.unwrap();
            let id = tenants::load(&db.store, slug).await.unwrap().unwrap().id;
            let calendar = WorkingCalendar::new(&bundle.manifest.calendar).unwrap();
            let procedures = bundle
                .procedures
                .iter()
                .map(|p| {
                    let loaded = motcua_workflow::procedure::load(
                        &p.file.path,
                        &p.file.text,
                        &bundle.manifest,
                    )
                    .unwrap_or_else(|d| panic!("{d}"));
                    (p.info.code.to_string(), loaded)
                })
                .collect();
            map.insert(
                slug,
                Tenant {
                    id,
                    bundle,
                    calendar,
                    procedures,
                },
            );
        }
        Self { db, tenants: map }
    }

    /// The id of tenant `slug`.
    pub(super) fn tenant(&self, slug: &str) -> TenantId {
        self.tenants[slug].id
    }

    /// Receives a dossier in tenant `slug`, its workflow started at `intake.at`.
    pub(super) async fn receive(&self, slug: &str, intake: Intake<'_>) -> Dossier {
        let t = &self.tenants[slug];
        let p = &t.procedures[intake.procedure];
        let info = &p.file.info;
        let time = info
            .cases
            .iter()
            .find(|c| c.key.as_str() == intake.case)
            .and_then(|c| c.time)
            .unwrap_or(info.time);
        let form = demo_form(slug, intake.procedure);
        let ctx = Context {
            now: intake.at,
            calendar: &t.calendar,
            form: &form,
            channel: intake.channel,
            applicant_kind: ApplicantKind::Citizen,
        };
        let decision = engine::start(&p.definition, intake.case, time, &ctx).unwrap();
        let start = change_from(
            &decision,
            &p.definition,
            "system",
            intake.at,
            None,
            intake.procedure,
        );
        let new = NewDossier {
            procedure_code: intake.procedure.to_owned(),
            procedure_version: 1,
            case_key: intake.case.to_owned(),
            receiving_unit: info.desk(&t.bundle.manifest).code,
            channel: intake.channel,
            applicant: Applicant {
                kind: ApplicantKind::Citizen,
                name: intake.name.to_owned(),
                id_number: intake.id_number.and_then(CitizenId::parse),
                phone: None,
                email: None,
                address: None,
            },
            form,
            idempotency_key: None,
            received_at: intake.at,
            start,
        };
        dossiers::receive(&self.db.store, t.id, new)
            .await
            .unwrap()
            .dossier()
            .clone()
    }

    /// Decides `command` by `actor` on dossier `code` of tenant `slug` at `at` and stores it.
    pub(super) async fn act(
        &self,
        slug: &str,
        code: &DossierCode,
        actor: &Actor,
        command: Command,
        at: DateTime<Utc>,
    ) -> Dossier {
        let t = &self.tenants[slug];
        dossiers::move_dossier(&self.db.store, t.id, code, |stored| {
            let p = &t.procedures[&stored.procedure_code];
            let state: DossierState = serde_json::from_value(stored.state.clone()).unwrap();
            let ctx = Context {
                now: at,
                calendar: &t.calendar,
                form: &stored.form,
                channel: stored.channel,
                applicant_kind: stored.applicant_kind(),
            };
            let decision = engine::decide(&p.definition, &state, &command, actor, &ctx, None)?;
            Ok::<_, engine::Refusal>(change_from(
                &decision,
                &p.definition,
                &actor.id,
                at,
                Some(code),
                &stored.procedure_code,
            ))
        })
        .await
        .unwrap_or_else(|e| panic!("{command:?} on {code}: {e:?}"))
    }

    /// Takes action `action` at `step`, with a document and a reason in case it needs them.
    pub(super) async fn take(
        &self,
        slug: &str,
        code: &DossierCode,
        actor: &Actor,
        (step, action): (&str, &str),
        at: DateTime<Utc>,
    ) -> Dossier {
        let command = Command::Act {
            step: step.to_owned(),
            action: action.to_owned(),
            inputs: Inputs {
                reason: Some("lý do".to_owned()),
                documents: vec!["van-ban.pdf".to_owned()],
                result: Some("ket-qua.pdf".to_owned()),
            },
        };
        self.act(slug, code, actor, command, at).await
    }

    /// Every row of the inbox for `query` (one page of up to 200, which must be the last).
    pub(super) async fn all(&self, tenant: TenantId, query: &InboxQuery) -> Vec<InboxRow> {
        let mut q = query.clone();
        q.limit = inbox::MAX_LIMIT;
        let page = inbox::list(&self.db.store, tenant, &q).await.unwrap();
        assert!(page.next.is_none(), "more than one page");
        page.rows
    }
}

/// A query of `me` with `grants` in `scope` at `now`.
pub(super) fn query(me: &str, grants: &[Grant], scope: Scope, now: DateTime<Utc>) -> InboxQuery {
    let mut q = InboxQuery::new(me, grants.to_vec(), now);
    q.scope = scope;
    q
}

/// The (step, dossier code) of each row, sorted.
pub(super) fn steps(rows: &[InboxRow]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.task.step.clone(), r.dossier.code.to_string()))
        .collect();
    out.sort();
    out
}
