//! The demo citizens of the development provider.
//!
//! Their identity numbers have the 12 digits of a citizen identity card as issued in practice:
//! the province of birth registration (3 digits: 001 Hà Nội, 038 Thanh Hóa, 079 Hồ Chí Minh City),
//! the century and sex (0 a man born in the 1900s, 1 a woman born in the 1900s, 2 a man born in
//! the 2000s), the last two digits of the year of birth, and a 6-digit serial. One citizen has a
//! basic account (LoA1), to show how a portal that requires LoA2 turns them away.

/// A citizen who can sign in at the development provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoCitizen {
    /// The subject identifier.
    pub subject: &'static str,
    /// The full name.
    pub name: &'static str,
    /// The citizen identity number.
    pub citizen_id: &'static str,
    /// The level of assurance of their account.
    pub acr: &'static str,
}

/// The demo citizens.
pub const DEMO_CITIZENS: [DemoCitizen; 3] = [
    DemoCitizen {
        subject: "dev-citizen-1",
        name: "Nguyễn Văn An",
        citizen_id: "038095001234",
        acr: "LoA2",
    },
    DemoCitizen {
        subject: "dev-citizen-2",
        name: "Trần Thị Bình",
        citizen_id: "079190000123",
        acr: "LoA2",
    },
    DemoCitizen {
        subject: "dev-citizen-3",
        name: "Lê Hoàng Cường",
        citizen_id: "001203004567",
        acr: "LoA1",
    },
];

/// The demo citizen with `subject`.
pub(super) fn find(subject: &str) -> Option<&'static DemoCitizen> {
    DEMO_CITIZENS.iter().find(|c| c.subject == subject)
}

#[cfg(test)]
mod tests {
    use motcua_core::dossier::CitizenId;

    use super::*;

    #[test]
    fn demo_citizen_numbers_are_valid_and_distinct() {
        for (i, c) in DEMO_CITIZENS.iter().enumerate() {
            assert!(CitizenId::parse(c.citizen_id).is_some(), "{}", c.citizen_id);
            assert!(
                DEMO_CITIZENS[i + 1..]
                    .iter()
                    .all(|o| o.citizen_id != c.citizen_id && o.subject != c.subject)
            );
            assert_eq!(find(c.subject), Some(c));
        }
    }
}
