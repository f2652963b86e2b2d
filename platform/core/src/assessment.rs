//! The per-dossier inputs of the assessment of Chapter III of the Circular that only the applicant
//! can give, and their scores.
//!
//! Indicator 3 counts the contacts with the desk the applicant needed to complete the dossier,
//! indicator 4 the agencies they had to contact; each scores 2 / 1 / 0. The applicant answers
//! both with the satisfaction rating; the period reports take the mean of the scores over the
//! dossiers (one decimal), which is not done here: this module only maps one answer to its
//! score, so that every report scores the same answer the same way.

use serde::{Deserialize, Serialize};

/// Declares one three-level answer: its variants best first, each with the stable machine name
/// it is stored and serialized under, scoring 2, 1 and 0 in that order. Both indicators are
/// answers of this shape; declaring them through one macro keeps their names, parsing and
/// scores from drifting apart.
macro_rules! three_level_answer {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(#[$best_doc:meta])* $best:ident = $best_str:literal,
            $(#[$mid_doc:meta])* $mid:ident = $mid_str:literal,
            $(#[$worst_doc:meta])* $worst:ident = $worst_str:literal $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[$best_doc])*
            #[serde(rename = $best_str)]
            $best,
            $(#[$mid_doc])*
            #[serde(rename = $mid_str)]
            $mid,
            $(#[$worst_doc])*
            #[serde(rename = $worst_str)]
            $worst,
        }

        impl $name {
            /// Every answer, best first.
            pub const ALL: [$name; 3] = [Self::$best, Self::$mid, Self::$worst];

            /// The stable machine name, as stored and as the API writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    Self::$best => $best_str,
                    Self::$mid => $mid_str,
                    Self::$worst => $worst_str,
                }
            }

            /// Parses [`Self::as_str`].
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|a| a.as_str() == s)
            }

            /// The answer's place in [`Self::ALL`] (0 for the best): where its words are in a
            /// list of the three answers' words.
            pub fn rank(self) -> usize {
                match self {
                    Self::$best => 0,
                    Self::$mid => 1,
                    Self::$worst => 2,
                }
            }

            /// The indicator's score: 2, 1 or 0.
            pub fn score(self) -> u8 {
                match self {
                    Self::$best => 2,
                    Self::$mid => 1,
                    Self::$worst => 0,
                }
            }
        }
    };
}

three_level_answer! {
    /// Indicator 3: how many times the applicant had to contact the desk to complete the dossier.
    pub enum DeskContacts {
        /// None: the dossier was complete the first time (2 points).
        None = "none",
        /// Once (1 point).
        One = "one",
        /// More than once (0 points).
        More = "more",
    }
}

three_level_answer! {
    /// Indicator 4: which agencies the applicant had to contact about the dossier.
    pub enum AgenciesContacted {
        /// None: everything went through the online portal or the post (2 points).
        None = "none",
        /// Only the one-stop desk (1 point).
        DeskOnly = "desk_only",
        /// The desk and other agencies or divisions (0 points).
        More = "more",
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
    fn ranks_follow_the_order_of_all() {
        assert_eq!(DeskContacts::ALL.map(DeskContacts::rank), [0, 1, 2]);
        assert_eq!(
            AgenciesContacted::ALL.map(AgenciesContacted::rank),
            [0, 1, 2]
        );
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

    /// Every answer serializes to its stored name and reads back from it.
    fn assert_serde_uses_stored_names<A>(all: [A; 3], name: fn(A) -> &'static str)
    where
        A: Copy + std::fmt::Debug + PartialEq + Serialize + serde::de::DeserializeOwned,
    {
        for a in all {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", name(a)));
            assert_eq!(serde_json::from_str::<A>(&json).unwrap(), a);
        }
    }

    #[test]
    fn serde_writes_and_reads_the_stored_names() {
        assert_serde_uses_stored_names(DeskContacts::ALL, DeskContacts::as_str);
        assert_serde_uses_stored_names(AgenciesContacted::ALL, AgenciesContacted::as_str);
        assert!(serde_json::from_str::<DeskContacts>("\"desk_only\"").is_err());
    }
}
