//! A dossier's status, channel and applicant, with the national portal's codes
//! (`DOMAIN.md`, "A dossier's life").

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// Where a dossier stands, as the national portal counts it (codes 1–10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// 1 — newly registered, not yet checked by the desk.
    Registered,
    /// 2 — accepted by the desk.
    Accepted,
    /// 3 — not accepted (refused at the desk).
    NotAccepted,
    /// 4 — being handled.
    Processing,
    /// 5 — waiting for the applicant to supplement it.
    SupplementRequested,
    /// 6 — waiting for payment.
    PaymentRequired,
    /// 7 — withdrawn by the applicant.
    Withdrawn,
    /// 8 — handling stopped.
    Stopped,
    /// 9 — handled, result ready.
    Processed,
    /// 10 — result returned to the applicant.
    Returned,
}

impl DossierStatus {
    /// Every status, in the national order.
    pub const ALL: [DossierStatus; 10] = [
        Self::Registered,
        Self::Accepted,
        Self::NotAccepted,
        Self::Processing,
        Self::SupplementRequested,
        Self::PaymentRequired,
        Self::Withdrawn,
        Self::Stopped,
        Self::Processed,
        Self::Returned,
    ];

    /// The national portal's numeric code.
    pub fn national_code(self) -> u8 {
        Self::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// The status with a national code.
    pub fn from_national_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }

    /// The stable machine name (`snake_case`), as stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Accepted => "accepted",
            Self::NotAccepted => "not_accepted",
            Self::Processing => "processing",
            Self::SupplementRequested => "supplement_requested",
            Self::PaymentRequired => "payment_required",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::Processed => "processed",
            Self::Returned => "returned",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// What the public lookup says about it.
    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Self::Registered => ("Mới đăng ký", "Newly registered"),
            Self::Accepted => ("Đã tiếp nhận", "Accepted"),
            Self::NotAccepted => ("Không được tiếp nhận", "Not accepted"),
            Self::Processing => ("Đang xử lý", "Being processed"),
            Self::SupplementRequested => ("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
            Self::PaymentRequired => ("Chờ thanh toán", "Awaiting payment"),
            Self::Withdrawn => ("Công dân rút hồ sơ", "Withdrawn by the applicant"),
            Self::Stopped => ("Dừng xử lý", "Processing stopped"),
            Self::Processed => ("Đã xử lý xong", "Processed"),
            Self::Returned => ("Đã trả kết quả", "Result returned"),
        };
        lang.pick(vi, en)
    }

    /// Whether handling has ended for good.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::NotAccepted | Self::Withdrawn | Self::Stopped | Self::Returned
        )
    }
}

/// How a dossier reached the agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// In person at the one-stop desk.
    Desk,
    /// By post.
    Post,
    /// Online, on the tenant's own portal.
    Online,
    /// Online, forwarded by the national public service portal.
    NationalPortal,
}

impl Channel {
    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desk => "desk",
            Self::Post => "post",
            Self::Online => "online",
            Self::NationalPortal => "national_portal",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Desk, Self::Post, Self::Online, Self::NationalPortal]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// Whether the dossier counts as received online (Art. 21.1.c, reports).
    pub fn is_online(self) -> bool {
        matches!(self, Self::Online | Self::NationalPortal)
    }
}

/// Who applies, with the national portal's codes (1 citizen, 2 business, 3 state agency, 4 other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// 1 — a citizen.
    Citizen,
    /// 2 — a business.
    Business,
    /// 3 — a state agency.
    StateAgency,
    /// 4 — anyone else.
    Other,
}

impl ApplicantKind {
    /// The national portal's numeric code.
    pub fn national_code(self) -> u8 {
        match self {
            Self::Citizen => 1,
            Self::Business => 2,
            Self::StateAgency => 3,
            Self::Other => 4,
        }
    }
}

/// A citizen identity number (căn cước): exactly 12 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CitizenId(String);

impl schemars::JsonSchema for CitizenId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CitizenId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]{12}$", "description": "a citizen identity number: 12 digits" })
    }
}

impl<'de> Deserialize<'de> for CitizenId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom("a citizen identity number has exactly 12 digits")
        })
    }
}

/// The person or organisation a dossier is for, as the applicant gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Citizen, business, state agency or other.
    #[serde(default = "citizen")]
    pub kind: ApplicantKind,
    /// Full name, or the organisation's name.
    pub name: String,
    /// Citizen identity number, when the applicant is a citizen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<CitizenId>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

fn citizen() -> ApplicantKind {
    ApplicantKind::Citizen
}

impl CitizenId {
    /// Validates the 12-digit format.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then(|| Self(s.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes_are_one_to_ten_in_order() {
        for (i, status) in DossierStatus::ALL.into_iter().enumerate() {
            assert_eq!(status.national_code() as usize, i + 1);
            assert_eq!(DossierStatus::from_national_code(i as u8 + 1), Some(status));
            assert_eq!(DossierStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DossierStatus::from_national_code(0), None);
        assert_eq!(DossierStatus::from_national_code(11), None);
        assert_eq!(DossierStatus::Returned.national_code(), 10);
    }

    #[test]
    fn citizen_ids_are_twelve_digits() {
        assert!(CitizenId::parse("038095001234").is_some());
        assert!(CitizenId::parse("38095001234").is_none());
        assert!(CitizenId::parse("03809500123a").is_none());
        assert!(CitizenId::parse("0380950012345").is_none());
    }
}
