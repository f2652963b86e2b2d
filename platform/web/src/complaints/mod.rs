//! Complaints and suggestions (phản ánh, kiến nghị — PAKN, Art. 16.2.e): anyone sends one on the
//! portal, signed in or not; it is routed to the division responsible; officials of that
//! division forward a misdirected one within 5 working days and answer it; answers may be
//! published; every complaint received and every answer is shared with the national PAKN system.
//!
//! - the portal ([`portal`]): `/phan-anh-kien-nghi` (`/feedback` in English) with the form,
//!   `POST /phan-anh-kien-nghi/theo-doi` (`/feedback/track`) and `POST /phan-anh-kien-nghi/{code}`
//!   to follow one with the contact given in the body (never in an address), `GET
//!   /phan-anh-kien-nghi/{code}` for the signed-in citizen who sent it, and
//!   `/phan-anh-kien-nghi/tra-loi` (`/feedback/answers`) for the published answers; a signed-in
//!   citizen's own complaints are also listed on "my dossiers" ([`mine`]);
//! - the public JSON API ([`api`]): `POST /api/v1/complaints`, `POST /api/v1/complaints/track`
//!   `{"code", "contact"}`, `GET /api/v1/complaints/{code}` (the signed-in sender only),
//!   `GET /api/v1/complaints?published=true`;
//! - the officials' side on the one-stop host ([`officials`]): the pages `/phan-anh` and
//!   `/phan-anh/{code}`, and `GET /api/v1/onestop/complaints[/{code}]`,
//!   `POST .../{code}/forward`, `POST .../{code}/answer`, `POST .../{code}/close`, guarded by
//!   `feedback:view` and `feedback:answer` in the complaint's division;
//! - the national exchange ([`exchange`]): a worker of the durable job table.
//!
//! Deadlines, on the tenant's working calendar (the 15:00 intake rule included, as for
//! dossiers): forwarding is allowed until [`FORWARD`] after receipt (DOMAIN.md, "Complaints and
//! accountability": misdirected ones are forwarded to the competent agency within 5 working
//! days), and a division a complaint was forwarded to has its own [`FORWARD`] from the
//! forwarding ([`forward_window`]); the answer is due [`ANSWER`] after receipt. The brief names no answer term; 10 working
//! days is this platform's choice (the term of Decree 20/2008/NĐ-CP for handling
//! recommendations on regulations — *check*), shown to officials, with overdue ones marked.

mod api;
pub mod exchange;
mod intake;
mod labels;
pub(crate) mod mine;
mod officials;
mod portal;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::lang::Lang;
use motcua_core::procedure::{ProcessingTime, TimeUnit};
use motcua_store::complaints::{Attachment, Complaint, Forward};
use motcua_workflow::attachments::{FileType, Rules};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::i18n::Msg;

pub(crate) use labels::{ComplaintLabels, complaint_labels};

/// How long after receipt a misdirected complaint may be forwarded: 5 working days.
pub const FORWARD: ProcessingTime = ProcessingTime {
    value: 5,
    unit: TimeUnit::WorkingDays,
};

/// Until when a complaint received (or forwarded to a division) at `at` may be forwarded on:
/// [`FORWARD`] from then, on the tenant's calendar, the 15:00 intake rule included.
pub fn forward_window(calendar: &WorkingCalendar, at: DateTime<Utc>) -> DateTime<Utc> {
    FORWARD.due(calendar, at)
}

/// How long after receipt the answer is due: 10 working days (see the module's notes).
pub const ANSWER: ProcessingTime = ProcessingTime {
    value: 10,
    unit: TimeUnit::WorkingDays,
};

/// The longest text (a complaint, an answer, a reason), in characters.
pub const MAX_TEXT: usize = 4000;

/// The most files sent with one complaint.
pub const MAX_FILES: usize = 3;

/// The largest file sent with a complaint, in bytes.
pub const MAX_FILE_BYTES: u64 = 5 << 20;

/// The largest body of a complaint with its files.
pub(crate) const MAX_BODY: usize =
    MAX_FILES * MAX_FILE_BYTES as usize + crate::api::MULTIPART_OVERHEAD;

/// What a complaint's files are held to.
pub(crate) fn file_rules() -> Rules {
    Rules {
        max_file_size: MAX_FILE_BYTES,
        types: vec![FileType::Pdf, FileType::Jpeg, FileType::Png],
    }
}

/// The portal's pages (both languages' paths; the other language's redirect to this host's),
/// and those of them that name a complaint (shown to its sender signed in, or for its contact).
pub(crate) fn portal_routes() -> (Router<AppState>, &'static [crate::guard::OwnedRoute]) {
    let form = || {
        get(portal::form)
            .post(portal::send)
            .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
    };
    let (owned, table) = crate::guard::owned_routes! { "";
        "/phan-anh-kien-nghi/{code}" [get, post] => get(portal::track).post(portal::track_post),
        "/feedback/{code}" [get, post] => get(portal::track).post(portal::track_post),
    };
    let router = Router::new()
        .route("/phan-anh-kien-nghi", form())
        .route("/feedback", form())
        .route("/phan-anh-kien-nghi/tra-loi", get(portal::published))
        .route("/feedback/answers", get(portal::published))
        .route(
            "/phan-anh-kien-nghi/theo-doi",
            get(portal::find).post(portal::find_post),
        )
        .route("/feedback/track", get(portal::find).post(portal::find_post))
        .merge(owned);
    (router, table)
}

/// The public API, nested under `/api` (anyone may send; reading one needs its contact, in the
/// body, or the sender's sign-in), and the route of it that names a complaint.
pub(crate) fn public_api_routes() -> (Router<AppState>, &'static [crate::guard::OwnedRoute]) {
    let (owned, table) = crate::guard::owned_routes! { "/api";
        "/v1/complaints/{code}" [get] => get(api::track),
    };
    let router = Router::new()
        .route(
            "/v1/complaints",
            post(api::send)
                .get(api::published)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/v1/complaints/track", post(api::track_post))
        .merge(owned);
    (router, table)
}

/// The officials' API, nested under `/api`, guarded.
pub(crate) fn onestop_api_routes() -> (Router<AppState>, &'static [crate::guard::GuardedRoute]) {
    crate::guard::guarded_routes! {
        "/v1/onestop/complaints" [get] => get(officials::list),
        "/v1/onestop/complaints/{code}" [get] => get(officials::show),
        "/v1/onestop/complaints/{code}/forward" [post] => post(officials::forward),
        "/v1/onestop/complaints/{code}/answer" [post] => post(officials::answer),
        "/v1/onestop/complaints/{code}/close" [post] => post(officials::close),
        "/v1/onestop/complaints/{code}/files/{sha256}" [get] => get(officials::file),
    }
}

/// The officials' pages on the one-stop host, guarded like the API (fail closed).
pub(crate) fn page_routes() -> Router<AppState> {
    let (router, _) = crate::guard::guarded_routes! {
        "/phan-anh" [get] => get(officials::pages::list),
        "/phan-anh/{code}" [get] => get(officials::pages::show),
        "/phan-anh/{code}/thao-tac" [post] => post(officials::pages::act),
    };
    router
}

/// The kinds of message.
pub(crate) const KINDS: [&str; 2] = ["complaint", "suggestion"];

/// The label of kind `kind` in `lang`.
pub(crate) fn kind_label(kind: &str, lang: Lang) -> &'static str {
    let l = complaint_labels(lang);
    match kind {
        "suggestion" => l.kind_suggestion,
        _ => l.kind_complaint,
    }
}

/// The label of status `status` in `lang`.
pub(crate) fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "forwarded" => lang.pick(
            "Đã chuyển đơn vị có thẩm quyền",
            "Forwarded to the competent division",
        ),
        "answered" => lang.pick("Đã trả lời", "Answered"),
        "closed" => lang.pick("Đã kết thúc", "Closed"),
        _ => lang.pick("Đã tiếp nhận, đang xử lý", "Received, being handled"),
    }
}

/// Whether the answer to `c` is overdue at `now`.
pub(crate) fn overdue(c: &Complaint, now: DateTime<Utc>) -> bool {
    c.answer.is_none() && c.status != "closed" && c.answer_by < now
}

/// The name of division `key` of the host's tenant, or the key when it is gone.
pub(crate) fn division_name(site: &Site, key: &str) -> String {
    crate::accountability::division_name(site, key)
}

/// What `c` is about, in words, in the host's language, for officials and the sender.
pub(crate) fn subject_label(site: &Site, c: &Complaint) -> String {
    let l = complaint_labels(site.lang);
    match c.subject_kind.as_str() {
        "procedure" => {
            let name = site.tenant.procedure(&c.subject).map_or_else(
                || c.subject.clone(),
                |p| p.info().name.get(site.lang).to_owned(),
            );
            format!("{}: {name} ({})", l.about_procedure, c.subject)
        }
        "division" => format!("{}: {}", l.about_division, division_name(site, &c.subject)),
        _ => format!("{}: {}", l.about_dossier, c.subject),
    }
}

/// What `c` is about, for everyone: a dossier's code is left out, since the public lookup would
/// tell its stage to anyone holding it.
pub(crate) fn public_subject_label(site: &Site, c: &Complaint) -> String {
    match c.subject_kind.as_str() {
        "procedure" | "division" => subject_label(site, c),
        _ => site.lang.pick("Một hồ sơ", "A dossier").to_owned(),
    }
}

pub(crate) use crate::pages::local_time;

/// Whether `contact` is the telephone number or e-mail address the sender gave: a number
/// compared by its digits, an address without regard to case.
pub(crate) fn contact_matches(c: &Complaint, contact: &str) -> bool {
    let contact = contact.trim();
    if contact.is_empty() {
        return false;
    }
    if contact.contains('@') {
        return c
            .sender
            .email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(contact));
    }
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let given = digits(contact);
    !given.is_empty()
        && c.sender
            .phone
            .as_deref()
            .is_some_and(|p| digits(p) == given)
}

/// 404 for a code this tenant does not have, or a contact that is not the sender's: the two are
/// not told apart, so that a code's existence is not confirmed to someone without its contact.
pub(crate) fn not_found() -> Failure {
    Failure::not_found(Msg::new(
        "Không tìm thấy phản ánh, kiến nghị với mã số và thông tin liên hệ này. Vui lòng kiểm tra lại.",
        "No complaint or suggestion has this code and contact. Please check them.",
    ))
}

/// A complaint as the public sees it (its sender, with the contact): no contact details, the
/// forwardings' divisions only, the answer without who wrote it.
pub(crate) fn public_json(
    site: &Site,
    c: &Complaint,
    forwards: &[Forward],
    files: &[Attachment],
) -> Value {
    let lang = site.lang;
    json!({
        "code": c.code,
        "kind": { "code": c.kind, "label": kind_label(&c.kind, lang) },
        "subject": { "kind": c.subject_kind, "code": c.subject, "label": subject_label(site, c) },
        "status": { "code": c.status, "label": status_label(&c.status, lang) },
        "division": { "key": c.division, "name": division_name(site, &c.division) },
        "text": c.text,
        "received_at": c.received_at,
        "answer_by": c.answer_by,
        "forwards": forwards.iter().map(|f| json!({
            "from": division_name(site, &f.from),
            "to": division_name(site, &f.to),
            "at": f.at,
        })).collect::<Vec<_>>(),
        "attachments": files.iter().map(|a| json!({
            "file_name": a.file_name, "size": a.size, "content_type": a.content_type,
        })).collect::<Vec<_>>(),
        "answer": c.answer.as_ref().map(|a| json!({ "text": a.text, "at": a.at })),
        "published": c.published,
        "closed_at": c.closed.as_ref().map(|k| k.at),
    })
}

/// A published answer as the public list shows it: neither the sender nor their contact.
pub(crate) fn published_json(site: &Site, c: &Complaint) -> Value {
    let lang = site.lang;
    json!({
        "code": c.code,
        "kind": { "code": c.kind, "label": kind_label(&c.kind, lang) },
        "subject": { "kind": c.subject_kind, "label": public_subject_label(site, c) },
        "division": { "key": c.division, "name": division_name(site, &c.division) },
        "text": c.text,
        "received_at": c.received_at,
        "answer": c.answer.as_ref().map(|a| json!({ "text": a.text, "at": a.at })),
    })
}

#[cfg(test)]
mod tests {
    use motcua_store::complaints::Sender;

    use super::*;

    fn complaint(phone: Option<&str>, email: Option<&str>) -> Complaint {
        let now = Utc::now();
        Complaint {
            id: 1,
            code: "PAKN-261127-0001".to_owned(),
            kind: "complaint".to_owned(),
            subject_kind: "division".to_owned(),
            subject: "so-tu-phap".to_owned(),
            dossier_id: None,
            sender: Sender {
                name: "Lê Văn An".to_owned(),
                phone: phone.map(str::to_owned),
                email: email.map(str::to_owned),
                address: None,
                citizen: None,
            },
            text: "…".to_owned(),
            division: "so-tu-phap".to_owned(),
            status: "received".to_owned(),
            version: 1,
            received_at: now,
            forward_by: now,
            answer_by: now,
            answer: None,
            published: false,
            closed: None,
        }
    }

    /// A Vietnam-time instant.
    fn vn(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        chrono::FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_forward_window_is_five_working_days_from_its_start() {
        let calendar = WorkingCalendar::new(&Default::default()).unwrap();
        // Friday 6 March 2026, 10:00: Monday 9 to Friday 13 are five working days.
        assert_eq!(
            forward_window(&calendar, vn(2026, 3, 6, 10, 0)),
            vn(2026, 3, 13, 10, 0)
        );
        // Friday 24 April 2026, 10:00: Monday 27 April (in lieu of Hùng Kings' day), Thursday 30
        // April and Friday 1 May are off, so the fifth working day is Wednesday 6 May.
        assert_eq!(
            forward_window(&calendar, vn(2026, 4, 24, 10, 0)),
            vn(2026, 5, 6, 10, 0)
        );
        // After 15:00 it counts from the next working day's opening, and ends at its close.
        assert_eq!(
            forward_window(&calendar, vn(2026, 3, 6, 16, 0)),
            vn(2026, 3, 13, 17, 0)
        );
    }

    #[test]
    fn contacts_match_by_digits_or_address() {
        let c = complaint(Some("0912 345 678"), Some("An@Example.vn"));
        assert!(contact_matches(&c, "0912345678"));
        assert!(contact_matches(&c, " 0912.345.678 "));
        assert!(contact_matches(&c, "an@example.vn"));
        assert!(!contact_matches(&c, "0912345679"));
        assert!(!contact_matches(&c, "other@example.vn"));
        assert!(!contact_matches(&c, ""));
        assert!(!contact_matches(&complaint(None, None), "0912345678"));
    }
}
