//! The accountability section of the public lookup page (`/lookup?code=`): shown only to the
//! dossier's own applicant, signed in, with each request they opened about the dossier, its due
//! times and the answers given. Anyone else sees the lookup as before (Art. 16.2.d: without
//! sign-in, only the code and how far handling has got).

use chrono::Utc;
use motcua_store::accountability;
use motcua_store::dossiers::Dossier;

use super::applicant::{citizen, is_applicant};
use super::{division_name, local_time};
use crate::AppState;
use crate::host::Site;
use crate::session::Session;

/// A request as the lookup page shows it.
pub(crate) struct Row {
    /// Its number.
    pub number: i64,
    /// When it was opened.
    pub opened: String,
    /// The division questioned.
    pub division: String,
    /// What the applicant wrote.
    pub text: String,
    /// Its status in words.
    pub status: &'static str,
    /// Whether what is due next is late, and so the word for it.
    pub overdue: Option<&'static str>,
    /// When the acknowledgment is (or was) due.
    pub acknowledge_by: String,
    /// When it was acknowledged.
    pub acknowledged: Option<String>,
    /// When the explanation is due.
    pub explain_by: String,
    /// The extension, in words (reason).
    pub extension: Option<String>,
    /// The explanation: when, and what it says.
    pub explanation: Option<(String, String)>,
}

/// The words of the section, in the host's language.
pub(crate) struct Words {
    pub title: &'static str,
    pub intro: &'static str,
    pub empty: &'static str,
    pub opened: &'static str,
    pub division: &'static str,
    pub text: &'static str,
    pub acknowledge_by: &'static str,
    pub acknowledged: &'static str,
    pub explain_by: &'static str,
    pub extension: &'static str,
    pub explanation: &'static str,
}

/// The section: its words and rows.
pub(crate) struct Section {
    pub words: Words,
    pub rows: Vec<Row>,
}

fn words(site: &Site) -> Words {
    let l = site.lang;
    Words {
        title: l.pick("Yêu cầu giải trình", "Accountability requests"),
        intro: l.pick(
            "Các yêu cầu giải trình bạn đã gửi về việc giải quyết hồ sơ này. Cơ quan phải tiếp nhận trong 5 ngày làm việc và giải trình trong 15 ngày (được gia hạn một lần, không quá 15 ngày).",
            "The accountability requests you sent about the handling of this dossier. The agency must acknowledge each within 5 working days and explain within 15 days (extendable once, by up to 15 days).",
        ),
        empty: l.pick(
            "Bạn chưa gửi yêu cầu giải trình nào về hồ sơ này.",
            "You have not sent any accountability request about this dossier.",
        ),
        opened: l.pick("Ngày gửi", "Sent"),
        division: l.pick("Đơn vị được yêu cầu giải trình", "Division asked to explain"),
        text: l.pick("Nội dung yêu cầu", "Your request"),
        acknowledge_by: l.pick("Hạn tiếp nhận", "To be acknowledged by"),
        acknowledged: l.pick("Đã tiếp nhận lúc", "Acknowledged"),
        explain_by: l.pick("Hạn giải trình", "To be explained by"),
        extension: l.pick("Gia hạn giải trình", "Extension"),
        explanation: l.pick("Nội dung giải trình", "Explanation"),
    }
}

/// The section for `dossier`, when the visitor is its applicant, signed in; `None` otherwise
/// (and when the requests cannot be read: the lookup itself still answers, the failure is
/// logged).
pub(crate) async fn section(
    state: &AppState,
    site: &Site,
    session: Option<&Session>,
    dossier: &Dossier,
) -> Option<Section> {
    let (_, citizen_id) = citizen(session?).ok()?;
    if !is_applicant(dossier, citizen_id) {
        return None;
    }
    let requests = match accountability::of_dossier(&state.store, site.tenant.id, dossier.id).await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, dossier = %dossier.code, "accountability requests not shown");
            return None;
        }
    };
    let now = Utc::now();
    let lang = site.lang;
    let rows = requests
        .iter()
        .map(|r| Row {
            number: r.id,
            opened: local_time(site, r.opened_at),
            division: division_name(site, &r.division),
            text: r.text.clone(),
            status: r.status.label(lang),
            overdue: r
                .standing()
                .is_overdue(now)
                .then(|| lang.pick("quá hạn", "overdue")),
            acknowledge_by: local_time(site, r.acknowledge_by),
            acknowledged: r.acknowledged.as_ref().map(|(at, _)| local_time(site, *at)),
            explain_by: local_time(site, r.explain_by),
            extension: r.extension.as_ref().map(|e| {
                lang.pick(
                    format!(
                        "Gia hạn từ {} đến {}. Lý do: {}",
                        local_time(site, e.from),
                        local_time(site, r.explain_by),
                        e.reason
                    ),
                    format!(
                        "Extended from {} to {}. Reason: {}",
                        local_time(site, e.from),
                        local_time(site, r.explain_by),
                        e.reason
                    ),
                )
            }),
            explanation: r
                .explanation
                .as_ref()
                .map(|e| (local_time(site, e.at), e.text.clone())),
        })
        .collect();
    Some(Section {
        words: words(site),
        rows,
    })
}
