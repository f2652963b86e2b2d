//! What notifications say, in Vietnamese and English: the dossier's code, its procedure and the
//! step, and for the applicant what to do next.

use motcua_core::dossier::DossierStatus;
use motcua_core::lang::Lang;

use crate::i18n::Msg;

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The dossier reached a step whose people are told.
    Notified,
    /// A timer reminds people of a step.
    Reminded,
    /// A timer handed a step to a higher role.
    Escalated,
    /// Handling ended with this status (the result returned, or not).
    Closed(DossierStatus),
}

impl Kind {
    /// The stable name stored with messages and notifications.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Notified => "notified",
            Self::Reminded => "reminded",
            Self::Escalated => "escalated",
            Self::Closed(_) => "closed",
        }
    }
}

/// The names a notification uses.
#[derive(Clone, Debug)]
pub struct About<'a> {
    /// The dossier's code.
    pub dossier: &'a str,
    /// The procedure's name in each language (its code when unknown).
    pub procedure: (&'a str, &'a str),
    /// The step's name in each language (its key when unknown).
    pub step: (&'a str, &'a str),
}

/// The text sent to the applicant (an SMS or an e-mail): Vietnamese, then English.
pub fn applicant(kind: Kind, about: &About<'_>) -> String {
    let About {
        dossier,
        procedure: (pvi, pen),
        step: (svi, sen),
    } = about;
    let msg = match kind {
        Kind::Closed(status) => Msg::new(
            format!(
                "Hồ sơ {dossier} ({pvi}): {}. {}",
                status.label(Lang::Vi),
                if status == DossierStatus::Returned {
                    "Mời ông/bà nhận kết quả theo giấy tiếp nhận và hẹn trả kết quả."
                } else {
                    "Xem chi tiết tại cổng dịch vụ công."
                }
            ),
            format!(
                "Dossier {dossier} ({pen}): {}. {}",
                status.label(Lang::En),
                if status == DossierStatus::Returned {
                    "Please collect the result as your receipt says."
                } else {
                    "See the details on the public service portal."
                }
            ),
        ),
        Kind::Reminded => Msg::new(
            format!("Nhắc: hồ sơ {dossier} ({pvi}) đang chờ ông/bà ở bước \"{svi}\"."),
            format!("Reminder: dossier {dossier} ({pen}) is waiting for you at \"{sen}\"."),
        ),
        Kind::Notified | Kind::Escalated => Msg::new(
            format!("Hồ sơ {dossier} ({pvi}) đã chuyển đến bước \"{svi}\"."),
            format!("Dossier {dossier} ({pen}) has moved to \"{sen}\"."),
        ),
    };
    format!("{}\n{}", msg.vi, msg.en)
}

/// The title and text of an official's in-app notification.
pub fn official(kind: Kind, about: &About<'_>, role: Option<&str>) -> (Msg, Msg) {
    let About {
        dossier,
        procedure: (pvi, pen),
        step: (svi, sen),
    } = about;
    match kind {
        Kind::Reminded => (
            Msg::new(
                format!("Nhắc việc: hồ sơ {dossier}"),
                format!("Reminder: dossier {dossier}"),
            ),
            Msg::new(
                format!("Hồ sơ {dossier} ({pvi}) vẫn chờ xử lý ở bước \"{svi}\"."),
                format!("Dossier {dossier} ({pen}) is still waiting at \"{sen}\"."),
            ),
        ),
        Kind::Escalated => {
            let role = role.unwrap_or_default();
            (
                Msg::new(
                    format!("Hồ sơ {dossier} được chuyển lên"),
                    format!("Dossier {dossier} escalated"),
                ),
                Msg::new(
                    format!(
                        "Bước \"{svi}\" của hồ sơ {dossier} ({pvi}) sắp hoặc đã quá hạn và được chuyển cho vai trò {role}."
                    ),
                    format!(
                        "The step \"{sen}\" of dossier {dossier} ({pen}) is due or overdue and was escalated to the role {role}."
                    ),
                ),
            )
        }
        Kind::Notified | Kind::Closed(_) => (
            Msg::new(
                format!("Hồ sơ {dossier} cần xử lý"),
                format!("Dossier {dossier} needs handling"),
            ),
            Msg::new(
                format!("Hồ sơ {dossier} ({pvi}) đã đến bước \"{svi}\"."),
                format!("Dossier {dossier} ({pen}) has reached \"{sen}\"."),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about() -> About<'static> {
        About {
            dossier: "000.00.06.H56-261127-0001",
            procedure: ("Cấp giấy phép xây dựng", "Construction permit"),
            step: ("Thẩm định", "Appraisal"),
        }
    }

    #[test]
    fn the_applicant_reads_the_code_procedure_and_step_in_both_languages() {
        let text = applicant(Kind::Notified, &about());
        assert_eq!(
            text,
            "Hồ sơ 000.00.06.H56-261127-0001 (Cấp giấy phép xây dựng) đã chuyển đến bước \"Thẩm định\".\n\
             Dossier 000.00.06.H56-261127-0001 (Construction permit) has moved to \"Appraisal\"."
        );
        let returned = applicant(Kind::Closed(DossierStatus::Returned), &about());
        assert!(returned.contains("Đã trả kết quả"), "{returned}");
        assert!(returned.contains("Result returned"), "{returned}");
    }

    #[test]
    fn an_escalation_names_the_role_it_went_to() {
        let (title, body) = official(Kind::Escalated, &about(), Some("division_head"));
        assert_eq!(title.en, "Dossier 000.00.06.H56-261127-0001 escalated");
        assert!(body.vi.contains("division_head") && body.vi.contains("Thẩm định"));
        assert!(body.en.contains("Construction permit"));
    }
}
