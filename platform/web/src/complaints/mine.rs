//! A signed-in citizen's own complaints, as "my dossiers" lists them under their dossiers: each
//! with its code (leading to its tracking page, which shows it to them without the contact),
//! what it is about, where it stands and its answer or progress. Only complaints sent while
//! signed in name their sender (`citizen:<subject>`), so only those are listed; another
//! citizen's never are.

use motcua_store::complaints::{self, Complaint};

use super::{ComplaintLabels, complaint_labels, division_name, kind_label, local_time};
use crate::AppState;
use crate::error::Failure;
use crate::host::Site;
use crate::session::CitizenIdentity;

/// The most complaints listed.
const LIMIT: u64 = 50;

/// A complaint on the list.
pub(crate) struct Row {
    pub(crate) code: String,
    pub(crate) href: String,
    pub(crate) kind: &'static str,
    pub(crate) subject: String,
    pub(crate) status: &'static str,
    pub(crate) received: String,
    /// The answer's time and text, once given.
    pub(crate) answer: Option<(String, String)>,
    /// Where it stands, in words, while it is not answered (or when closed without an answer).
    pub(crate) progress: String,
}

/// The list, with its words.
pub(crate) struct Mine {
    pub(crate) l: &'static ComplaintLabels,
    pub(crate) rows: Vec<Row>,
}

fn row(site: &Site, c: &Complaint) -> Row {
    let lang = site.lang;
    let l = complaint_labels(lang);
    let progress = match (&c.closed, &c.answer) {
        (Some(k), _) => format!("{}: {}", l.closed_at, local_time(site, k.at)),
        (None, Some(_)) => String::new(),
        (None, None) => format!(
            "{}: {} · {}: {}",
            l.handled_by,
            division_name(site, &c.division),
            l.answer_due,
            local_time(site, c.answer_by)
        ),
    };
    Row {
        href: super::portal::track_path(lang, &c.code),
        code: c.code.clone(),
        kind: kind_label(&c.kind, lang),
        subject: super::subject_label(site, c),
        status: super::status_label(&c.status, lang),
        received: local_time(site, c.received_at),
        answer: c
            .answer
            .as_ref()
            .map(|a| (local_time(site, a.at), a.text.clone())),
        progress,
    }
}

/// The complaints `citizen` sent to the host's tenant while signed in, newest first.
pub(crate) async fn mine(
    state: &AppState,
    site: &Site,
    citizen: &CitizenIdentity,
) -> Result<Mine, Failure> {
    let subject = super::intake::sender_subject(citizen);
    let found = complaints::of_citizen(&state.store, site.tenant.id, &subject, LIMIT).await?;
    Ok(Mine {
        l: complaint_labels(site.lang),
        rows: found.iter().map(|c| row(site, c)).collect(),
    })
}
