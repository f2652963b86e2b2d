//! Administrative procedures (thủ tục hành chính): the public information that the national
//! procedure database holds and that the portal publishes (Art. 16.2.a).
//!
//! One YAML file per procedure under `tenants/<slug>/procedures/`. Its `info:` section is read
//! here; the e-form and the workflow sections are read by the workflow crate. The procedure's
//! national code (`1.001193`) is combined with the tenant's entity code into the local code used
//! in practice (`1.001193.000.00.00.H56`).

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{WorkingCalendar, WorkingDuration};
use crate::codes::{CodeError, SectorCode, string_serde};
use crate::diagnostic::{At, Diagnostics, Report, Spanned, did_you_mean, parse_yaml};
use crate::dossier::{ApplicantKind, Channel};
use crate::lang::Text;
use crate::tenant::{Key, TemplateFile, TenantManifest};

/// A national procedure code: a digit, a dot and six digits, e.g. `1.001193`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureCode {
    group: u8,
    number: u32,
}

impl FromStr for ProcedureCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        const EXPECTED: &str = "a digit, a dot and six digits, like 1.001193";
        let err = |reason| CodeError::new("procedure code", EXPECTED, s, reason);
        let (group, number) = s.split_once('.').ok_or_else(|| err("it has no dot"))?;
        let group =
            crate::codes::digits(group, 1).ok_or_else(|| err("it must start with one digit"))?;
        let number =
            crate::codes::digits(number, 6).ok_or_else(|| err("six digits must follow the dot"))?;
        Ok(Self {
            group: group as u8,
            number,
        })
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.group, self.number)
    }
}

impl fmt::Debug for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProcedureCode({self})")
    }
}

string_serde!(
    ProcedureCode,
    "a procedure code like 1.001193",
    pattern = "^[0-9]\\.[0-9]{6}$"
);

/// How far a procedure can be done online (Art. 21).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum OnlineLevel {
    /// 1 — information only.
    Information = 1,
    /// 2 — forms can be downloaded.
    Forms = 2,
    /// 3 — partly online: e-form and attachments online, fees and result in person.
    Partial = 3,
    /// 4 — fully online, with online payment and an electronic result.
    Full = 4,
}

impl OnlineLevel {
    /// 1 to 4.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// Whether dossiers may be submitted online (levels 3 and 4).
    pub fn accepts_online(self) -> bool {
        self >= Self::Partial
    }
}

impl schemars::JsonSchema for OnlineLevel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OnlineLevel".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "minimum": 1,
            "maximum": 4,
            "description": "online level: 1 information, 2 forms, 3 partly online, 4 fully online"
        })
    }
}

impl TryFrom<u8> for OnlineLevel {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, String> {
        match n {
            1 => Ok(Self::Information),
            2 => Ok(Self::Forms),
            3 => Ok(Self::Partial),
            4 => Ok(Self::Full),
            _ => Err(format!("the online level must be 1, 2, 3 or 4, not {n}")),
        }
    }
}

impl From<OnlineLevel> for u8 {
    fn from(level: OnlineLevel) -> u8 {
        level.number()
    }
}

/// The unit of a processing time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Working days on the tenant's calendar (the usual unit).
    WorkingDays,
    /// Working hours on the tenant's calendar.
    WorkingHours,
    /// Calendar days, counted from when the dossier counts as received.
    Days,
}

/// How long the agency has to handle a dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessingTime {
    /// How many units (at least 1; "same day" procedures use `working_hours`).
    pub value: u32,
    /// The unit.
    pub unit: TimeUnit,
}

impl ProcessingTime {
    /// The due time of a dossier received at `received` (after-15:00 rule included).
    pub fn due(self, calendar: &WorkingCalendar, received: DateTime<Utc>) -> DateTime<Utc> {
        self.after(calendar, calendar.intake_start(received))
    }

    /// The time this long after `start`: working time for working units; for calendar days, the
    /// end of the working day on the last day, or on the next working day when the last day is
    /// a day off (Civil Code 2015, Arts. 147-148: a period in days ends at the end of its last
    /// day, and one ending on a day off ends with the next working day).
    pub fn after(self, calendar: &WorkingCalendar, start: DateTime<Utc>) -> DateTime<Utc> {
        match self.unit {
            TimeUnit::WorkingDays => calendar.add(start, WorkingDuration::Days(self.value)),
            TimeUnit::WorkingHours => calendar.add(start, WorkingDuration::Hours(self.value)),
            TimeUnit::Days => calendar.end_of_day_after(start, self.value),
        }
    }

    /// The length in working hours, counting a day as `day_hours` (calendar days count as
    /// working days: an approximation used to compare deadlines, never to compute one).
    pub fn working_hours(self, day_hours: f64) -> f64 {
        match self.unit {
            TimeUnit::WorkingDays | TimeUnit::Days => f64::from(self.value) * day_hours,
            TimeUnit::WorkingHours => f64::from(self.value),
        }
    }
}

impl std::fmt::Display for ProcessingTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            TimeUnit::WorkingDays => "working day",
            TimeUnit::WorkingHours => "working hour",
            TimeUnit::Days => "day",
        };
        write!(
            f,
            "{} {unit}{}",
            self.value,
            if self.value == 1 { "" } else { "s" }
        )
    }
}

/// How a required document must be supplied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// The original (bản chính).
    Original,
    /// A certified copy (bản sao chứng thực).
    CertifiedCopy,
    /// A plain copy (bản sao / bản chụp).
    Copy,
    /// The original to be shown at the desk, a copy kept.
    OriginalForInspection,
}

/// A document the applicant must supply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    /// Its code within the case.
    pub code: String,
    /// Its name.
    pub name: Text,
    /// Original, certified copy or copy.
    pub form: DocumentForm,
    /// How many.
    #[serde(default = "one")]
    pub quantity: u32,
    /// Whether it may be omitted.
    #[serde(default)]
    pub optional: bool,
    /// The name of a template form (mẫu đơn, tờ khai), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The template form's file in the tenant directory (`templates/to-khai.pdf`), which
    /// applicants download from the procedure's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_file: Option<At<TemplateFile>>,
}

fn one() -> u32 {
    1
}

/// A case (trường hợp) of a procedure, with its own documents and possibly its own time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Key within the procedure.
    pub key: Key,
    /// Its name.
    pub name: Text,
    /// Its processing time, when it differs from the procedure's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<ProcessingTime>,
    /// The documents to supply.
    pub documents: Vec<RequiredDocument>,
}

/// A fee or charge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// Its code.
    pub code: String,
    /// What it is.
    pub name: Text,
    /// The amount in đồng (0 for free services that still list the line).
    pub amount: u64,
    /// Conditions, exemptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// The cases it is due in (keys of `cases`); every case when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Key>,
    /// Due only under a condition the dossier does not tell (a number of copies, an
    /// exemption...): officials assess it, and it is never charged online.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
}

impl Fee {
    /// Whether it is due in case `case` whatever the dossier says otherwise: it names that case
    /// (or none) and is not [`conditional`](Self::conditional).
    pub fn certain_in(&self, case: &str) -> bool {
        !self.conditional && self.applies_to(case)
    }

    /// Whether it may be due in case `case`: it names that case, or none.
    pub fn applies_to(&self, case: &str) -> bool {
        self.cases.is_empty() || self.cases.iter().any(|k| k.as_str() == case)
    }
}

/// A legal document the procedure rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// Its number, e.g. `60/2014/QH13`.
    pub number: String,
    /// Its title.
    pub title: Text,
}

/// The public information of a procedure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureInfo {
    /// The national procedure code.
    pub code: ProcedureCode,
    /// Its name.
    pub name: Text,
    /// Its sector (lĩnh vực).
    pub sector: SectorCode,
    /// The sector's name.
    pub sector_name: Text,
    /// The agency that implements it, as the national database words it.
    pub agency: Text,
    /// The division of this tenant that handles it.
    pub division: Key,
    /// The one-stop desk that receives it, when not the tenant's default desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<Key>,
    /// How far it can be done online.
    pub level: OnlineLevel,
    /// The processing time.
    pub time: ProcessingTime,
    /// How dossiers can be submitted.
    pub channels: Vec<Channel>,
    /// Who may apply.
    pub applicants: Vec<ApplicantKind>,
    /// The steps as the public reads them.
    pub steps: Vec<Text>,
    /// The cases, each with its documents; at least one.
    pub cases: Vec<Case>,
    /// Fees and charges.
    #[serde(default)]
    pub fees: Vec<Fee>,
    /// Conditions the applicant must meet.
    #[serde(default)]
    pub eligibility: Vec<Text>,
    /// What the applicant receives.
    pub results: Vec<Text>,
    /// The legal basis.
    pub legal_basis: Vec<LegalBasis>,
}

impl ProcedureInfo {
    /// The local code used in practice: `<national code>.<entity code>`.
    pub fn local_code(&self, tenant: &TenantManifest) -> String {
        format!("{}.{}", self.code, tenant.entity())
    }

    /// The one-stop desk that receives it.
    pub fn desk<'t>(&self, tenant: &'t TenantManifest) -> &'t crate::tenant::Division {
        self.desk
            .as_ref()
            .and_then(|k| tenant.division(k.as_str()))
            .unwrap_or_else(|| tenant.default_desk())
    }
}

/// The values of a procedure file that cross-checks point at; other keys are skipped here
/// (they are checked strictly by [`ProcedureInfo`]'s own parse).
#[derive(Deserialize)]
struct RawFile {
    info: RawInfo,
}

#[derive(Deserialize)]
struct RawInfo {
    division: Spanned<Key>,
    #[serde(default)]
    desk: Option<Spanned<Key>>,
    time: Spanned<ProcessingTime>,
    cases: Spanned<Vec<Case>>,
    channels: Spanned<Vec<Channel>>,
    #[serde(default)]
    fees: Option<Spanned<Vec<serde::de::IgnoredAny>>>,
}

/// Parses a procedure file's public information and checks it against its tenant.
pub fn parse_procedure(
    file: &str,
    source: &str,
    tenant: &TenantManifest,
) -> Result<ProcedureInfo, Diagnostics> {
    // Parsed twice on purpose: once strictly into the public type (exact errors for every field,
    // with positions), once for the positions of the values that the cross-checks point at.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        info: ProcedureInfo,
        #[serde(default)]
        #[expect(dead_code, reason = "read by the workflow crate, only tolerated here")]
        form: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        #[expect(dead_code, reason = "read by the workflow crate, only tolerated here")]
        workflow: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        #[expect(dead_code, reason = "read by the workflow crate, only tolerated here")]
        attachments: Option<serde::de::IgnoredAny>,
    }
    let strict: Strict = parse_yaml(file, source)?;
    let raw: RawFile = parse_yaml(file, source)?;
    let info = strict.info;
    let mut report = Report::new(file);

    let keys = || tenant.divisions.iter().map(|d| d.key.as_str());
    if tenant.division(raw.info.division.value.as_str()).is_none() {
        report.value(
            &raw.info.division,
            format!("unknown division `{}`", raw.info.division.value),
            Some(
                match did_you_mean(raw.info.division.value.as_str(), keys()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!(
                        "the divisions of {} are: {}",
                        tenant.slug,
                        keys().collect::<Vec<_>>().join(", ")
                    ),
                },
            ),
        );
    }
    if let Some(desk) = &raw.info.desk {
        match tenant.division(desk.value.as_str()) {
            None => report.value(desk, format!("unknown division `{}`", desk.value), None),
            Some(d) if !d.one_stop => report.value(
                desk,
                format!("the division `{}` is not a one-stop desk", desk.value),
                Some("a procedure is received at a division with `one_stop: true`".to_owned()),
            ),
            Some(_) => {}
        }
    }
    if raw.info.time.value.value == 0 {
        report.value(
            &raw.info.time,
            "the processing time must be at least 1",
            None,
        );
    }
    if raw.info.cases.value.is_empty() {
        report.value(&raw.info.cases, "a procedure needs at least one case", None);
    }
    if raw.info.channels.value.is_empty() {
        report.value(
            &raw.info.channels,
            "a procedure needs at least one channel",
            None,
        );
    }
    let mut case_keys = HashSet::new();
    for case in &info.cases {
        if !case_keys.insert(case.key.as_str()) {
            report.value(
                &raw.info.cases,
                format!("the case key `{}` is used twice", case.key),
                None,
            );
        }
        if case.time.is_some_and(|t| t.value == 0) {
            report.value(
                &raw.info.cases,
                format!("the case `{}` has a processing time of 0", case.key),
                None,
            );
        }
        let mut codes = HashSet::new();
        for doc in &case.documents {
            if !codes.insert(doc.code.as_str()) {
                report.value(
                    &raw.info.cases,
                    format!(
                        "the document code `{}` is used twice in case `{}`",
                        doc.code, case.key
                    ),
                    None,
                );
            }
        }
    }
    if let Some(at) = &raw.info.fees {
        for fee in &info.fees {
            for key in fee.cases.iter().filter(|k| !case_keys.contains(k.as_str())) {
                report.value(
                    at,
                    format!(
                        "the fee `{}` names the case `{key}`, which is not one of `cases`",
                        fee.code
                    ),
                    Some(format!(
                        "the cases are: {}",
                        info.cases
                            .iter()
                            .map(|c| c.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
    }
    if info.level.accepts_online() && !info.channels.iter().any(|c| c.is_online()) {
        report.value(
            &raw.info.channels,
            format!(
                "a level {} procedure must accept dossiers online",
                info.level.number()
            ),
            Some("add `online` to the channels".to_owned()),
        );
    }
    report.finish(info)
}

#[cfg(test)]
mod tests;
