//! The one-stop system's pages for officials, on the staff host: the inbox, a dossier with the
//! actions the official may take, and the reception desk. Server-rendered HTML in Vietnamese (the
//! staff host's language) that works without JavaScript.
//!
//! Rules kept here:
//! - every page asks the guard through the same code as the JSON API ([`super::view`],
//!   [`super::inbox`], [`super::api::run`], [`super::desk::take`]), so a page never offers or
//!   accepts what the API would refuse;
//! - failures are pages in the staff layout with the failure's own message, never JSON;
//! - no free text travels in a URL: a redirect after a command names the outcome by a fixed
//!   code ([`Flash`]); a refusal is shown on the page answering the POST, with the dossier as it
//!   now stands;
//! - pages carry personal data, so browsers are told not to store them.

mod command;
mod desk;
mod dossier;
mod facts;
mod history;
mod inbox;
mod reception;
pub(crate) mod sent;
mod values;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::error::Failure;
use crate::host::Site;
use crate::session::Session;

pub(crate) use command::command;
pub(crate) use desk::{desk_form, desk_home, desk_submit};
pub(crate) use dossier::show;
pub(crate) use inbox::inbox;

/// The largest body of a page's form that carries files: one file as large as any procedure
/// accepts, with the form's fields (each file is held to its procedure's limit as it arrives).
pub(crate) const FORM_WITH_FILES: usize =
    motcua_workflow::attachments::MAX_FILE_SIZE as usize + crate::api::MULTIPART_OVERHEAD;

/// What the staff layout shows around every page.
#[derive(Clone, Debug)]
pub(crate) struct Staff {
    /// The tenant's name.
    pub tenant_name: String,
    /// Its short name, for the window title.
    pub short_name: String,
    /// Whether the tenant has a logo.
    pub has_logo: bool,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// The part of the system the page belongs to (`inbox`, `desk`), for the navigation.
    pub section: &'static str,
    /// Whether the navigation offers the tenant administration console.
    pub admin: bool,
    /// Whether the navigation offers the period report.
    pub reports: bool,
}

impl Staff {
    /// The layout of `site` for `session`, in `section`.
    pub(crate) fn new(site: &Site, session: &Session, section: &'static str) -> Self {
        let m = &site.tenant.manifest;
        Self {
            tenant_name: m.name.get(site.lang).to_owned(),
            short_name: m.short_name.get(site.lang).to_owned(),
            has_logo: site.tenant.logo.is_some(),
            user: Some(session.principal.name().to_owned()),
            csrf: session.csrf.clone().unwrap_or_default(),
            section,
            admin: crate::admin::console_visible(),
            reports: crate::admin::reports_visible(),
        }
    }
}

/// An option of a `<select>`.
#[derive(Clone, Debug)]
pub(crate) struct Opt {
    /// The value sent.
    pub value: String,
    /// What the official reads.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

impl Opt {
    /// An option, chosen when `value` is `current`.
    pub(crate) fn new(value: &str, label: &str, current: Option<&str>) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: current == Some(value),
        }
    }
}

/// The outcome a redirect after a successful form names (`?ok=`), each with a fixed message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flash {
    /// An action of a step was taken.
    Act,
    /// A step was claimed.
    Claim,
    /// A step was given back.
    Release,
    /// A step was handed to another official.
    Reassign,
    /// A failed plugin was run again.
    RetryPlugin,
    /// A new date was set (Form 04).
    Reschedule,
    /// Handling was stopped.
    Stop,
    /// The applicant's supplement was recorded at the desk.
    Supplement,
    /// The applicant's withdrawal was recorded at the desk.
    Withdraw,
    /// A comment was written.
    Comment,
    /// An opinion was asked for.
    Consult,
    /// A consultation was answered.
    Answer,
    /// The dossier was received at the desk, with the number of the form to print.
    Received(&'static str),
}

impl Flash {
    /// The value of `?ok=`.
    pub(crate) fn code(self) -> String {
        match self {
            Self::Act => "act".to_owned(),
            Self::Claim => "claim".to_owned(),
            Self::Release => "release".to_owned(),
            Self::Reassign => "reassign".to_owned(),
            Self::RetryPlugin => "retry_plugin".to_owned(),
            Self::Reschedule => "reschedule".to_owned(),
            Self::Stop => "stop".to_owned(),
            Self::Supplement => "supplement".to_owned(),
            Self::Withdraw => "withdraw".to_owned(),
            Self::Comment => "comment".to_owned(),
            Self::Consult => "consult".to_owned(),
            Self::Answer => "answer".to_owned(),
            Self::Received(form) => format!("mau-{form}"),
        }
    }

    /// Reads `?ok=`; anything else is ignored.
    pub(crate) fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "act" => Self::Act,
            "claim" => Self::Claim,
            "release" => Self::Release,
            "reassign" => Self::Reassign,
            "retry_plugin" => Self::RetryPlugin,
            "reschedule" => Self::Reschedule,
            "stop" => Self::Stop,
            "supplement" => Self::Supplement,
            "withdraw" => Self::Withdraw,
            "comment" => Self::Comment,
            "consult" => Self::Consult,
            "answer" => Self::Answer,
            "mau-01" => Self::Received("01"),
            "mau-02" => Self::Received("02"),
            "mau-03" => Self::Received("03"),
            _ => return None,
        })
    }

    /// What the official is told.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::Act => "Đã ghi nhận thao tác xử lý hồ sơ.",
            Self::Claim => "Bạn đã nhận xử lý bước này.",
            Self::Release => "Đã trả lại bước để cán bộ khác nhận xử lý.",
            Self::Reassign => "Đã giao bước cho cán bộ khác.",
            Self::RetryPlugin => "Đã yêu cầu chạy lại phần mở rộng.",
            Self::Reschedule => {
                "Đã hẹn lại ngày trả kết quả; hãy in Phiếu xin lỗi và hẹn lại (Mẫu 04)."
            }
            Self::Stop => "Đã dừng xử lý hồ sơ.",
            Self::Supplement => "Đã ghi nhận hồ sơ bổ sung của người nộp.",
            Self::Withdraw => "Đã ghi nhận việc người nộp rút hồ sơ.",
            Self::Comment => "Đã ghi ý kiến trao đổi nội bộ.",
            Self::Consult => "Đã gửi yêu cầu lấy ý kiến.",
            Self::Answer => "Đã ghi nhận ý kiến trả lời.",
            Self::Received("01") => {
                "Đã tiếp nhận hồ sơ. Hãy in Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) cho người nộp."
            }
            Self::Received("02") => {
                "Đã lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02). Hãy in và giao cho người nộp."
            }
            Self::Received(_) => {
                "Đã lập Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03). Hãy in và giao cho người nộp."
            }
        }
    }

    /// The printable form the official should print now, if any.
    pub(crate) fn form(self) -> Option<&'static str> {
        match self {
            Self::Received(form) => Some(form),
            Self::Reschedule => Some("04"),
            _ => None,
        }
    }
}

pub(crate) use crate::pages::local_time;

/// The label of a channel.
pub(crate) fn channel_label(channel: motcua_core::dossier::Channel) -> &'static str {
    use motcua_core::dossier::Channel;
    match channel {
        Channel::Desk => "Trực tiếp tại Bộ phận Một cửa",
        Channel::Post => "Qua dịch vụ bưu chính",
        Channel::Online => "Trực tuyến (Cổng Dịch vụ công của đơn vị)",
        Channel::NationalPortal => "Trực tuyến (Cổng Dịch vụ công quốc gia)",
    }
}

/// The label of a role of the workflow.
pub(crate) fn role_label(role: &str) -> String {
    match role {
        "receiver" => "Cán bộ tiếp nhận".to_owned(),
        "specialist" => "Chuyên viên".to_owned(),
        "division_head" => "Lãnh đạo phòng".to_owned(),
        "agency_leader" => "Lãnh đạo cơ quan".to_owned(),
        other => other.to_owned(),
    }
}

/// A rendered page, not to be stored by the browser.
pub(crate) fn page(status: StatusCode, template: &impl Template) -> Response {
    let mut response = (status, crate::pages::render(template)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A redirect after a form (303: the browser follows with GET).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "onestop/error.html")]
struct ErrorPage {
    staff: Staff,
    title: &'static str,
    message: String,
}

/// A failure as a page in the staff layout, with its status.
pub(crate) fn failure_page(site: &Site, staff: Staff, failure: &Failure) -> Response {
    let title = match failure.status {
        StatusCode::FORBIDDEN => "Không có quyền truy cập",
        StatusCode::NOT_FOUND => "Không tìm thấy",
        StatusCode::CONFLICT => "Dữ liệu đã thay đổi",
        s if s.is_client_error() => "Yêu cầu chưa hợp lệ",
        _ => "Hệ thống gặp lỗi",
    };
    let response = page(
        failure.status,
        &ErrorPage {
            staff,
            title,
            message: failure.message.get(site.lang).to_owned(),
        },
    );
    failure.with_headers(response)
}

/// A handler's outcome as a response: a failure becomes its page.
pub(crate) fn respond(site: &Site, staff: Staff, outcome: Result<Response, Failure>) -> Response {
    outcome.unwrap_or_else(|f| failure_page(site, staff, &f))
}

/// `/static/onestop.css`: the staff pages' own styles, on top of the portal's.
pub(crate) async fn css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../static/onestop.css"),
    )
        .into_response()
}

/// The fields of a URL-encoded body, in order, repeated names kept.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Which part of a date and time entered on a form is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WhenPart {
    /// The date (`YYYY-MM-DD`).
    Date,
    /// The time (`HH:MM`).
    Time,
    /// The pair names no instant in the tenant's time zone.
    Instant,
}

/// A date (`YYYY-MM-DD`) and a time (`HH:MM`; 17:00, the end of the working day, when empty)
/// entered on a form, read in the tenant's time zone.
pub(crate) fn local_when(site: &Site, date: &str, time: &str) -> Result<DateTime<Utc>, WhenPart> {
    use chrono::{NaiveDate, NaiveTime, TimeZone as _};
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| WhenPart::Date)?;
    let time = match time {
        "" => NaiveTime::from_hms_opt(17, 0, 0).ok_or(WhenPart::Time)?,
        t => NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| WhenPart::Time)?,
    };
    site.tenant
        .calendar
        .time_zone()
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(WhenPart::Instant)
}

/// The first value of `name` in `pairs`, trimmed.
pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim())
}
