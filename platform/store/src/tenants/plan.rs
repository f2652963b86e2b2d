//! What applying a tenant directory would change: the stored state compared with the files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use motcua_core::tenant::{MANIFEST_FILE, TenantBundle, parse_manifest};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use sha2::{Digest, Sha256};

use super::{LOGO, TEMPLATE_PREFIX};
use crate::StoreError;
use crate::entity::{division, procedure, tenant, tenant_asset};

/// One change an apply makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new tenant.
    CreateTenant,
    /// Sections of the manifest that change (`name`, `domains`, `calendar`, ...).
    UpdateManifest(Vec<String>),
    /// A new division.
    AddDivision(String),
    /// A division whose code, name or desk flag changes.
    UpdateDivision(String),
    /// A division no longer in the manifest (kept, inactive).
    DeactivateDivision(String),
    /// A new procedure.
    AddProcedure(String),
    /// A procedure whose file changes.
    UpdateProcedure(String),
    /// A procedure no longer in the files (kept, inactive).
    WithdrawProcedure(String),
    /// A procedure's text becomes its current published version (new, or an earlier one again).
    Publish {
        /// The procedure.
        code: String,
        /// The version.
        version: i32,
        /// Whether the version is new.
        new: bool,
    },
    /// The logo is new or changes.
    SetLogo(String),
    /// The logo is removed.
    RemoveLogo,
    /// A template form is new or changes (its path, `templates/<name>`).
    SetTemplate(String),
    /// A template form no procedure names any more is removed.
    RemoveTemplate(String),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateTenant => write!(f, "+ tenant (new)"),
            Self::UpdateManifest(sections) => write!(f, "~ manifest: {}", sections.join(", ")),
            Self::AddDivision(k) => write!(f, "+ division {k}"),
            Self::UpdateDivision(k) => write!(f, "~ division {k}"),
            Self::DeactivateDivision(k) => write!(f, "- division {k} (kept, deactivated)"),
            Self::AddProcedure(c) => write!(f, "+ procedure {c}"),
            Self::UpdateProcedure(c) => write!(f, "~ procedure {c}"),
            Self::WithdrawProcedure(c) => write!(f, "- procedure {c} (kept, withdrawn)"),
            Self::Publish {
                code,
                version,
                new: true,
            } => write!(f, "+ procedure {code}: publish version {version}"),
            Self::Publish {
                code,
                version,
                new: false,
            } => write!(f, "~ procedure {code}: back to version {version}"),
            Self::SetLogo(name) => write!(f, "~ logo {name}"),
            Self::RemoveLogo => write!(f, "- logo"),
            Self::SetTemplate(path) => write!(f, "~ template form {path}"),
            Self::RemoveTemplate(path) => write!(f, "- template form {path}"),
        }
    }
}

/// What applying a tenant directory changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The tenant.
    pub slug: String,
    /// The changes, in the order they are made; empty when the stored tenant already matches.
    pub changes: Vec<Change>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return write!(f, "tenant {}: no changes", self.slug);
        }
        writeln!(f, "tenant {}: {} change(s)", self.slug, self.changes.len())?;
        for (i, c) in self.changes.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {c}")?;
        }
        Ok(())
    }
}

/// The stored state a plan compares with.
pub(super) struct Current {
    pub(super) tenant: Option<tenant::Model>,
    pub(super) divisions: BTreeMap<String, division::Model>,
    pub(super) procedures: BTreeMap<String, procedure::Model>,
    pub(super) versions: BTreeMap<String, Vec<(i32, String)>>,
    pub(super) logo: Option<tenant_asset::Model>,
    /// The stored template forms: path → sha256.
    pub(super) templates: BTreeMap<String, String>,
}

pub(super) async fn current(db: &impl ConnectionTrait, slug: &str) -> Result<Current, StoreError> {
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?;
    let Some(t) = &tenant else {
        return Ok(Current {
            tenant,
            divisions: BTreeMap::new(),
            procedures: BTreeMap::new(),
            versions: BTreeMap::new(),
            logo: None,
            templates: BTreeMap::new(),
        });
    };
    let divisions = division::Entity::find()
        .filter(division::Column::TenantId.eq(t.id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.key.clone(), d))
        .collect();
    let procedures = procedure::Entity::find()
        .filter(procedure::Column::TenantId.eq(t.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let logo = tenant_asset::Entity::find()
        .filter(tenant_asset::Column::TenantId.eq(t.id))
        .filter(tenant_asset::Column::Name.eq(LOGO))
        .one(db)
        .await?;
    let templates = tenant_asset::Entity::find()
        .select_only()
        .columns([tenant_asset::Column::Name, tenant_asset::Column::Sha256])
        .filter(tenant_asset::Column::TenantId.eq(t.id))
        .filter(tenant_asset::Column::Name.starts_with(TEMPLATE_PREFIX))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let versions = crate::procedures::hashes(db, t.id).await?;
    Ok(Current {
        tenant,
        divisions,
        procedures,
        versions,
        logo,
        templates,
    })
}

pub(super) fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(super) fn compute_plan(bundle: &TenantBundle, cur: &Current) -> Result<Plan, StoreError> {
    let m = &bundle.manifest;
    let mut changes = Vec::new();
    match &cur.tenant {
        None => changes.push(Change::CreateTenant),
        Some(t) if t.manifest_sha256 != bundle.manifest_file.sha256() => {
            let old = parse_manifest(MANIFEST_FILE, &t.manifest, None)
                .ok()
                .and_then(|m| serde_json::to_value(&m).ok());
            let new = serde_json::to_value(m).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let sections = match (old, &new) {
                (Some(serde_json::Value::Object(old)), serde_json::Value::Object(new)) => new
                    .iter()
                    .filter(|(k, v)| old.get(*k) != Some(v))
                    .map(|(k, _)| k.clone())
                    .collect(),
                _ => Vec::new(),
            };
            // Comments and layout also count: the stored text is what export gives back.
            changes.push(Change::UpdateManifest(if sections.is_empty() {
                vec!["comments or layout".to_owned()]
            } else {
                sections
            }));
        }
        Some(_) => {}
    }

    let wanted: BTreeSet<&str> = m.divisions.iter().map(|d| d.key.as_str()).collect();
    for d in &m.divisions {
        match cur.divisions.get(d.key.as_str()) {
            None => changes.push(Change::AddDivision(d.key.to_string())),
            Some(row)
                if row.entity_code != d.code.to_string()
                    || row.name_vi != d.name.vi
                    || row.name_en != d.name.get(motcua_core::lang::Lang::En)
                    || row.one_stop != d.one_stop
                    || !row.active =>
            {
                changes.push(Change::UpdateDivision(d.key.to_string()));
            }
            Some(_) => {}
        }
    }
    for (key, row) in &cur.divisions {
        if row.active && !wanted.contains(key.as_str()) {
            changes.push(Change::DeactivateDivision(key.clone()));
        }
    }

    let wanted: BTreeSet<String> = bundle
        .procedures
        .iter()
        .map(|p| p.info.code.to_string())
        .collect();
    for p in &bundle.procedures {
        let code = p.info.code.to_string();
        match cur.procedures.get(&code) {
            None => changes.push(Change::AddProcedure(code)),
            Some(row)
                if row.source_sha256 != p.file.sha256()
                    || row.path != p.file.path
                    || !row.active =>
            {
                changes.push(Change::UpdateProcedure(code));
            }
            Some(_) => {}
        }
    }
    for (code, row) in &cur.procedures {
        if row.active && !wanted.contains(code) {
            changes.push(Change::WithdrawProcedure(code.clone()));
        }
    }
    // Applying files publishes them: each procedure whose text is not its current version.
    for p in &bundle.procedures {
        let code = p.info.code.to_string();
        let hash = p.file.sha256();
        let known = cur
            .versions
            .get(&code)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let current = cur.procedures.get(&code).map(|row| row.current_version);
        match known.iter().find(|(_, h)| *h == hash) {
            Some((v, _)) if Some(*v) == current => {}
            Some((v, _)) => changes.push(Change::Publish {
                code,
                version: *v,
                new: false,
            }),
            None => changes.push(Change::Publish {
                code,
                version: known.iter().map(|(v, _)| *v).max().unwrap_or(0) + 1,
                new: true,
            }),
        }
    }

    match (&bundle.logo, &cur.logo) {
        (Some(logo), Some(row))
            if row.sha256 == sha256(&logo.bytes) && row.content_type == logo.content_type() => {}
        (Some(logo), _) => changes.push(Change::SetLogo(logo.file.clone())),
        (None, Some(_)) => changes.push(Change::RemoveLogo),
        (None, None) => {}
    }

    // A bundle loaded to serve does not carry its templates: it leaves the stored ones alone.
    if let Some(templates) = &bundle.templates {
        for t in templates {
            if cur.templates.get(t.file.path()) != Some(&sha256(&t.bytes)) {
                changes.push(Change::SetTemplate(t.file.path().to_owned()));
            }
        }
        for path in cur.templates.keys() {
            if !templates.iter().any(|t| t.file.path() == path) {
                changes.push(Change::RemoveTemplate(path.clone()));
            }
        }
    }

    Ok(Plan {
        slug: m.slug.to_string(),
        changes,
    })
}
