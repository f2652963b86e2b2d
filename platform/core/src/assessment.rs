//! The per-dossier inputs of the assessment of Chapter III of the Circular that only the applicant
//! can give, and their scores.
//!
//! Indicator 3 counts the contacts with the desk the applicant needed to complete the dossier,
//! indicator 4 the agencies they had to contact; each scores 2 / 1 / 0. The applicant answers
//! both with the satisfaction rating; the period reports take the mean of the scores over the
//! dossiers (one decimal), which is not done here: this module only maps one answer to its
//! score, so that every report scores the same answer the same way.

use serde::{Deserialize, Serialize};

/// Indicator 3: how many times the applicant had to contact the desk to complete the dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskContacts {
    /// None: the dossier was complete the first time (2 points).
    None,
    /// Once (1 point).
    One,
    /// More than once (0 points).
    More,
}

impl DeskContacts {
    /// Every answer, best first.
    pub const ALL: [DeskContacts; 3] = [Self::None, Self::One, Self::More];

    /// The stable machine name, as stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::One => "one",
            Self::More => "more",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The indicator's score: 2, 1 or 0.
    pub fn score(self) -> u8 {
        match self {
            Self::None => 2,
            Self::One => 1,
            Self::More => 0,
        }
    }
}

/// Indicator 4: which agencies the applicant had to contact about the dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgenciesContacted {
    /// None: everything went through the online portal or the post (2 points).
    None,
    /// Only the one-stop desk (1 point).
    DeskOnly,
    /// The desk and other agencies or divisions (0 points).
    More,
}

impl AgenciesContacted {
    /// Every answer, best first.
    pub const ALL: [AgenciesContacted; 3] = [Self::None, Self::DeskOnly, Self::More];

    /// The stable machine name, as stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::DeskOnly => "desk_only",
            Self::More => "more",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The indicator's score: 2, 1 or 0.
    pub fn score(self) -> u8 {
        match self {
            Self::None => 2,
            Self::DeskOnly => 1,
            Self::More => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_contacts_score_two_one_zero() {
        let scores: Vec<(&str, u8)> = DeskContacts::ALL
            .into_iter()
            .map(|a| (a.as_str(), a.score()))
            .collect();
        assert_eq!(scores, [("none", 2), ("one", 1), ("more", 0)]);
    }

    #[test]
    fn agencies_contacted_score_two_one_zero() {
        let scores: Vec<(&str, u8)> = AgenciesContacted::ALL
            .into_iter()
            .map(|a| (a.as_str(), a.score()))
            .collect();
        assert_eq!(scores, [("none", 2), ("desk_only", 1), ("more", 0)]);
    }

    #[test]
    fn answers_parse_their_own_names_only() {
        for a in DeskContacts::ALL {
            assert_eq!(DeskContacts::parse(a.as_str()), Some(a));
        }
        for a in AgenciesContacted::ALL {
            assert_eq!(AgenciesContacted::parse(a.as_str()), Some(a));
        }
        assert_eq!(DeskContacts::parse("desk_only"), None);
        assert_eq!(AgenciesContacted::parse("one"), None);
        assert_eq!(DeskContacts::parse("None"), None);
        assert_eq!(
            serde_json::to_string(&AgenciesContacted::DeskOnly).unwrap(),
            "\"desk_only\""
        );
    }
}
