//! End to end, every demo procedure from every channel it is offered on: a dossier with a
//! valid form and its case's required documents goes to its returned result, moved by
//! officials who each hold exactly the role and division the workflow names for their step,
//! with the receipt, the status at each step, the control slip, the ledger, the final
//! timeliness and the audit of the histories checked on the way; a channel a procedure is not
//! offered on refuses the dossier with a clear error. For one procedure of each tenant the desk
//! channel also goes through a request to supplement (Form 02, clock paused) and, where the
//! workflow allows it, the apology with a new date (Form 04).
//!
//! The driver ([`driver`]) picks the action from the dossier view; the tables below say only
//! where a procedure's journey needs a choice (which route, which outcome, which detour).

mod driver;
mod forms;
mod staff;

use motcua_core::dossier::{ApplicantKind, Channel};
use motcua_tests::{Backend, TestApp, backend_tests, demo_bundle, repo_root};
use motcua_web::sites::{Live, TenantSite};
use motcua_workflow::simulate::Scenario;
use serde_json::{Value, json};

use driver::{Journey, Route};
use staff::Roster;

/// The channels journeys start on. Each needs its start in [`Journey::run`] and its refusal
/// in [`refused`].
const CHANNELS: &[Channel] = &[Channel::Desk, Channel::Post, Channel::Online];

const THANH_HOA: &[Route] = &[
    // Judicial record certificate: the police verify before signing, and apologise for the
    // delay first.
    Route {
        code: "2.000488",
        scenario: Some("cap-phieu-ly-lich-tu-phap.xac-minh-hen-lai"),
        choices: &[("tra-cuu", "can-xac-minh")],
        desk_supplement: None,
        reschedule_at: Some("xac-minh"),
    },
    // Household business: the applicant first forgets the request form.
    Route {
        code: "2.000720",
        scenario: None,
        choices: &[],
        desk_supplement: Some("GDN"),
        reschedule_at: None,
    },
    // Land certificate for a household: the fee plugin, the ward and the land office in
    // parallel, and the wait for the financial obligations.
    Route {
        code: "1.012795",
        scenario: Some("dang-ky-cap-giay-chung-nhan-lan-dau.ho-gia-dinh-bo-sung"),
        choices: &[],
        desk_supplement: None,
        reschedule_at: None,
    },
];

const HO_CHI_MINH_CITY: &[Route] = &[
    // Construction permit for seven storeys: fire police consulted; the head asks for more
    // after the appraisal (Form 02, the clock restarts), and apologises at the appraisal.
    Route {
        code: "1.009994",
        scenario: Some("cap-giay-phep-xay-dung-nha-o-rieng-le.lay-y-kien"),
        choices: &[("truong-phong-xem-xet", "yeu-cau-bo-sung")],
        desk_supplement: None,
        reschedule_at: Some("tham-dinh-ho-so"),
    },
    // Certified copies: the fee plugin computes the fee.
    Route {
        code: "2.000815",
        scenario: Some("chung-thuc-ban-sao-tu-ban-chinh.phi-tu-dong"),
        choices: &[],
        desk_supplement: None,
        reschedule_at: None,
    },
];

const MINISTRY_OF_JUSTICE: &[Route] = &[
    // Lawyer's certificate, exempt from training: the exemption is verified first; the
    // applicant forgets the judicial record certificate; the department apologises.
    Route {
        code: "1.002153",
        scenario: Some("cap-chung-chi-hanh-nghe-luat-su.mien-tap-su"),
        choices: &[],
        desk_supplement: Some("LLTP"),
        reschedule_at: Some("tham-dinh"),
    },
];

/// An applicant of `kind`, as the desk or the portal takes them.
fn applicant(kind: ApplicantKind) -> Value {
    let mut applicant = match kind {
        ApplicantKind::Citizen => json!({
            "name": "Lê Thị Hoa",
            "id_number": "038095001234",
            "phone": "0912345678",
            "address": "Số 12 phố Lê Lợi",
        }),
        _ => json!({
            "name": "Công ty TNHH Thương mại Sao Mai",
            "phone": "0283 822 1234",
            "email": "lienhe@saomai.vn",
            "address": "Số 5 đường Nguyễn Huệ",
        }),
    };
    applicant["kind"] = serde_json::to_value(kind).unwrap();
    applicant
}

/// The scenario `name` of tenant `slug`, or the first scenario of the procedure in
/// `procedure_file` (`procedures/<stem>.yaml`).
fn scenario(slug: &str, procedure_file: &str, name: Option<&str>) -> Scenario {
    let dir = repo_root().join("tenants").join(slug).join("scenarios");
    let path = match name {
        Some(n) => dir.join(format!("{n}.yaml")),
        None => {
            let stem = std::path::Path::new(procedure_file)
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a procedure file name");
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .expect("the scenarios")
                .map(|e| e.expect("an entry").path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&format!("{stem}.")))
                })
                .collect();
            files.sort();
            files.into_iter().next().expect("a scenario")
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    motcua_core::diagnostic::parse_yaml("scenario", &text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A channel `live` is not offered on refuses the dossier with a clear error, in the user's
/// language.
async fn refused(
    app: &TestApp,
    site: &TenantSite,
    live: &Live,
    roster: &Roster,
    channel: Channel,
    scenario: &Scenario,
) {
    let ctx = format!(
        "{} {} by {}",
        site.manifest.slug,
        live.info().code,
        channel.as_str()
    );
    let mut body = json!({
        "procedure": live.info().code.to_string(),
        "case": scenario.case,
        "applicant": applicant(scenario.applicant_kind),
        "form": scenario.form,
    });
    let (r, code) = match channel {
        Channel::Online => (
            app.post_json(&site.en_host, "/api/v1/dossiers", &body, &[])
                .await,
            "procedure_not_online",
        ),
        Channel::Desk | Channel::Post => {
            let desk = live.info().desk(&site.manifest).key.to_string();
            body["channel"] = json!(channel.as_str());
            body["documents"] = json!([]);
            body["decision"] = json!("accept");
            let r = roster
                .with("receiver", &desk)
                .post(app, "/api/v1/onestop/desk", body)
                .await;
            (r, "channel_not_offered")
        }
        other => panic!("{ctx}: no refusal for {}", other.as_str()),
    };
    assert_eq!(r.status, 422, "{ctx}: not refused: {}", r.body);
    assert_eq!(r.json()["error"]["code"], code, "{ctx}: {}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(!message.is_empty(), "{ctx}: no message");
}

/// Every procedure of demo tenant `slug`, from every channel.
async fn every_journey_of(backend: Backend, slug: &str, routes: &[Route]) {
    let app = crate::officials::app(backend).await;
    let site = app
        .state
        .sites
        .all()
        .into_iter()
        .find(|s| s.manifest.slug.as_str() == slug)
        .expect("the demo tenant");
    let bundle = demo_bundle(slug);
    for route in routes {
        assert!(
            bundle.procedure(route.code).is_some(),
            "{slug}: no {}",
            route.code
        );
    }
    let mut roster = Roster::default();
    for source in &bundle.procedures {
        let code = source.info.code.to_string();
        let live = site.procedure(&code).expect("published");
        let route = routes
            .iter()
            .find(|r| r.code == code)
            .copied()
            .unwrap_or_default();
        let scenario = scenario(slug, &source.file.path, route.scenario);
        roster
            .cover(&app, &site, &live.procedure.definition, slug)
            .await;
        for &channel in CHANNELS {
            if live.info().channels.contains(&channel) {
                Journey::new(&app, &site, live, route, channel, &roster, &scenario)
                    .run()
                    .await;
            } else {
                refused(&app, &site, live, &roster, channel, &scenario).await;
            }
        }
    }
}

async fn every_procedure_of_thanh_hoa_from_every_channel(backend: Backend) {
    every_journey_of(backend, "thanhhoa", THANH_HOA).await;
}

async fn every_procedure_of_ho_chi_minh_city_from_every_channel(backend: Backend) {
    every_journey_of(backend, "hochiminhcity", HO_CHI_MINH_CITY).await;
}

async fn every_procedure_of_the_ministry_of_justice_from_every_channel(backend: Backend) {
    every_journey_of(backend, "botuphap", MINISTRY_OF_JUSTICE).await;
}

backend_tests!(
    every_procedure_of_thanh_hoa_from_every_channel,
    every_procedure_of_ho_chi_minh_city_from_every_channel,
    every_procedure_of_the_ministry_of_justice_from_every_channel,
);
