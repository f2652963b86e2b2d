//! What a step decided: the transition, the data stored on the dossier, and messages.

use serde_json::Value;

use crate::bindings::motcua::plugin::types as wit;

/// What a step decided.
///
/// ```
/// use motcua_plugin_sdk::Outcome;
/// use serde_json::json;
///
/// let outcome = Outcome::to("ok")
///     .with_data(json!({ "amount": 12000 }))
///     .tell_applicant("Phí: 12.000 đồng.", "Fee: 12,000 VND.");
/// assert_eq!(outcome.transition, "ok");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Which way the workflow goes on: one of the `outcomes` in the manifest, mapped by the
    /// procedure's step.
    pub transition: String,
    /// Stored on the dossier for later steps and templates; a JSON object checked against the
    /// manifest's `output_schema`.
    pub data: Value,
    /// Messages shown with the dossier.
    pub messages: Vec<Message>,
}

/// A message shown with the dossier, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who it is for.
    pub to: Audience,
    /// The text in Vietnamese.
    pub vi: String,
    /// The text in English.
    pub en: String,
}

/// Who a [`Message`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The officials handling the dossier.
    Official,
    /// The citizen or business that applied.
    Applicant,
}

impl Outcome {
    /// Goes on by `transition`, with no data (an empty object) and no messages.
    pub fn to(transition: impl Into<String>) -> Self {
        Self {
            transition: transition.into(),
            data: Value::Object(serde_json::Map::new()),
            messages: Vec::new(),
        }
    }

    /// Stores `data`, which should be a JSON object, on the dossier.
    #[must_use]
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }

    /// Adds a message for the officials.
    #[must_use]
    pub fn tell_official(self, vi: impl Into<String>, en: impl Into<String>) -> Self {
        self.tell(Audience::Official, vi.into(), en.into())
    }

    /// Adds a message for the applicant.
    #[must_use]
    pub fn tell_applicant(self, vi: impl Into<String>, en: impl Into<String>) -> Self {
        self.tell(Audience::Applicant, vi.into(), en.into())
    }

    fn tell(mut self, to: Audience, vi: String, en: String) -> Self {
        self.messages.push(Message { to, vi, en });
        self
    }

    pub(crate) fn into_raw(self) -> wit::Outcome {
        wit::Outcome {
            transition: self.transition,
            // Through a byte buffer, not `Display` (which goes through `fmt::Write` and costs
            // several times the fuel on large outputs). A `Value` always serializes.
            data: serde_json::to_string(&self.data).unwrap_or_default(),
            messages: self
                .messages
                .into_iter()
                .map(|m| wit::Message {
                    to: match m.to {
                        Audience::Official => wit::Audience::Official,
                        Audience::Applicant => wit::Audience::Applicant,
                    },
                    vi: m.vi,
                    en: m.en,
                })
                .collect(),
        }
    }
}
