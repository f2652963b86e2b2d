//! Sample inputs: a dossier of the Thanh Hóa justice department, received at 17:45 UTC on
//! 1 January 2026, which is 00:45 on 2 January in Vietnam; every free text carries markup, to
//! show it is escaped.

use chrono::{DateTime, TimeZone, Utc};
use motcua_core::codes::DossierCode;
use motcua_core::dossier::{Applicant, ApplicantKind};
use motcua_forms::{DossierInfo, Letterhead, Official};

pub(crate) const CODE: &str = "000.00.01.H56-260102-0001";
pub(crate) const URL: &str =
    "https://dichvucong.thanhhoa.gov.vn/tra-cuu?ma=000.00.01.H56-260102-0001";
/// Markup a user might type; it must come out escaped.
pub(crate) const HOSTILE: &str = r#"<script>alert("x")</script>"#;
pub(crate) const HOSTILE_ESCAPED: &str = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;";

pub(crate) fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

pub(crate) fn letterhead() -> Letterhead {
    Letterhead {
        parent_agency: Some("Ủy ban nhân dân tỉnh Thanh Hóa".into()),
        agency: "Sở Tư pháp".into(),
        desk: "Bộ phận Một cửa".into(),
        place: "Thanh Hóa".into(),
    }
}

pub(crate) fn applicant() -> Applicant {
    Applicant {
        kind: ApplicantKind::Citizen,
        name: format!("Nguyễn Văn An {HOSTILE}"),
        id_number: None,
        phone: Some("0912 345 678".into()),
        email: Some("an@example.vn".into()),
        address: Some("12 Lê Lợi, phường Hạc Thành".into()),
    }
}

pub(crate) fn dossier() -> DossierInfo {
    DossierInfo {
        code: CODE.parse::<DossierCode>().unwrap(),
        lookup_url: URL.parse().unwrap(),
        applicant: applicant(),
        procedure: "Cấp phiếu lý lịch tư pháp".into(),
        received_at: at(2026, 1, 1, 17, 45),
    }
}

pub(crate) fn official(name: &str, division: &str) -> Official {
    Official {
        name: name.into(),
        division: division.into(),
    }
}
