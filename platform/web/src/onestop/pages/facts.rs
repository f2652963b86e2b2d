//! The facts of a dossier's page: its header (code, procedure, case, channel, status, dates,
//! the paused clock, the one rescheduling), its applicant, and the printable forms that apply.

use chrono::{DateTime, Utc};
use motcua_core::dossier::ApplicantKind;

use super::super::inbox::urgency;
use super::super::official::Official;
use super::super::view::{HistoryEntry, Loaded};
use super::{channel_label, local_time};

/// A fact of the dossier's header.
pub(super) struct Fact {
    /// What it is.
    pub(super) label: &'static str,
    /// Its value in words.
    pub(super) value: String,
    /// An urgency marker in words, when there is one.
    pub(super) marker: Option<&'static str>,
    /// Its class (`overdue`, `due_soon`).
    pub(super) class: &'static str,
}

impl Fact {
    fn new(label: &'static str, value: impl Into<String>) -> Self {
        Self {
            label,
            value: value.into(),
            marker: None,
            class: "",
        }
    }
}

/// A printable form.
pub(super) struct FormLink {
    /// Where it is printed.
    pub(super) href: String,
    /// Its number and title.
    pub(super) label: &'static str,
}

const FORMS: [(&str, &str); 5] = [
    ("01", "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    ("02", "Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    ("03", "Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    ("04", "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    ("05", "Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ"),
];

/// The link to printable form `form` (`01`…`05`) of dossier `code`.
pub(super) fn form_link(code: &str, form: &str) -> Option<FormLink> {
    FORMS
        .iter()
        .find(|(n, _)| *n == form)
        .map(|(n, label)| FormLink {
            href: format!("/ho-so/{code}/mau-{n}"),
            label,
        })
}

/// The forms that apply to a dossier with this history: 01–03 by the desk's decision, 04 once
/// rescheduled, 05 always.
pub(super) fn forms(code: &str, events: &[HistoryEntry]) -> Vec<FormLink> {
    let reached = |status: &str| {
        events
            .iter()
            .any(|e| e.kind == "status_changed" && e.data["to"] == status)
    };
    let mut wanted = Vec::new();
    if reached("accepted") {
        wanted.push("01");
    }
    if reached("supplement_requested") {
        wanted.push("02");
    }
    if reached("not_accepted") {
        wanted.push("03");
    }
    if events.iter().any(|e| e.kind == "rescheduled") {
        wanted.push("04");
    }
    wanted.push("05");
    wanted
        .into_iter()
        .filter_map(|n| form_link(code, n))
        .collect()
}

fn applicant_kind(kind: ApplicantKind) -> &'static str {
    match kind {
        ApplicantKind::Citizen => "Công dân",
        ApplicantKind::Business => "Doanh nghiệp",
        ApplicantKind::StateAgency => "Cơ quan nhà nước",
        ApplicantKind::Other => "Tổ chức, cá nhân khác",
    }
}

/// The header facts of a dossier at `now`, the due time marked when it is near or past.
pub(super) fn facts(official: &Official, loaded: &Loaded, now: DateTime<Utc>) -> Vec<Fact> {
    let site = &official.guard.site;
    let lang = site.lang;
    let d = &loaded.dossier;
    let info = &loaded.procedure.file.info;
    let case = info.cases.iter().find(|c| c.key.as_str() == d.case_key);
    let mut facts = vec![
        Fact::new("Mã hồ sơ", d.code.to_string()),
        Fact::new(
            "Thủ tục",
            format!("{} ({})", info.name.get(lang), d.procedure_code),
        ),
        Fact::new(
            "Trường hợp",
            case.map_or_else(|| d.case_key.clone(), |c| c.name.get(lang).to_owned()),
        ),
        Fact::new("Kênh tiếp nhận", channel_label(d.channel)),
        Fact::new("Trạng thái", d.status.label(lang)),
        Fact::new("Ngày tiếp nhận", local_time(site, d.received_at)),
    ];
    let mut due = Fact::new("Hẹn trả kết quả", local_time(site, d.due_at));
    if d.closed_at.is_none() {
        due.class = urgency(&site.tenant, d.due_at, now);
        due.marker = match due.class {
            "overdue" => Some("Quá hạn"),
            "due_soon" => Some("Sắp đến hạn"),
            _ => None,
        };
    }
    facts.push(due);
    if let Some(since) = loaded.state.clock.paused_since {
        facts.push(Fact::new(
            "Tạm dừng tính thời gian",
            format!("từ {} (chờ người nộp bổ sung)", local_time(site, since)),
        ));
    }
    if let Some(r) = &loaded.state.clock.rescheduled {
        facts.push(Fact::new(
            "Đã hẹn lại (Mẫu 04)",
            format!(
                "hạn trước đó {}; lý do: {}",
                local_time(site, r.from),
                r.reason
            ),
        ));
    }
    if let Some(closed) = d.closed_at {
        facts.push(Fact::new("Kết thúc lúc", local_time(site, closed)));
    }
    facts
}

/// The applicant's facts, those given only.
pub(super) fn applicant(loaded: &Loaded) -> Vec<Fact> {
    let a = &loaded.dossier.applicant;
    let mut facts = vec![
        Fact::new("Họ và tên / Tên tổ chức", a.name.clone()),
        Fact::new("Đối tượng", applicant_kind(a.kind)),
    ];
    let optional = [
        (
            "Số định danh cá nhân",
            a.id_number.as_ref().map(|i| i.as_str().to_owned()),
        ),
        ("Số điện thoại", a.phone.clone()),
        ("Thư điện tử", a.email.clone()),
        ("Địa chỉ", a.address.clone()),
    ];
    facts.extend(
        optional
            .into_iter()
            .filter_map(|(label, v)| v.map(|v| Fact::new(label, v))),
    );
    facts
}
