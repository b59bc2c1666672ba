//! Development time: CloudFormation resource provider schemas (as the `cfn-lint` PyPI
//! package ships them, `cfnlint/data/schemas/`) → the compact table committed as
//! `data/cfn-resources.tsv`, with its provenance and the handler actions the catalog lacks.
//!
//! Run by `cargo xtask cfn-schema-import --from DIR`; the tests run it on a committed subset
//! of the schemas and compare with the committed table (docs/deployment-role.md).

use crate::schema::{Handler, HANDLERS};
use iamlint_catalog::Catalog;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The region whose schemas are the base; types found only elsewhere are added with the
/// regions that have them.
pub const BASE_REGION: &str = "us-east-1";

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read `{path}`: {message}")]
    Read { path: String, message: String },
    #[error("`{path}` is not valid JSON: {message}")]
    Json { path: String, message: String },
    #[error("`{path}`: {message}")]
    Layout { path: String, message: String },
}

/// What an import produced.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The table, `data/cfn-resources.tsv`.
    pub table: String,
    /// Package version (`cfn-lint` METADATA), when the wheel's root was given.
    pub version: Option<String>,
    pub licence: Option<String>,
    /// `schema_date` of `cfnlint/data/schemas/version.json`.
    pub schema_date: Option<String>,
    /// SHA-256 over every file read, in the order read (providers sorted, then schemas
    /// sorted).
    pub source_sha256: String,
    pub types: usize,
    pub types_with_permissions: usize,
    pub regions: Vec<String>,
    /// Types present in the base region and elsewhere whose record differs by region:
    /// (type, regions whose record differs).
    pub region_differences: Vec<(String, Vec<String>)>,
    /// Types missing from the base region, with the regions that have them.
    pub region_only: Vec<(String, Vec<String>)>,
    /// Handler actions the catalog does not know, with the types naming them.
    pub not_in_catalog: Vec<(String, Vec<String>)>,
}

/// The schemas directory (`.../cfnlint/data/schemas`) under `from` (the unzipped wheel, or
/// the directory itself), and the wheel's root when given.
///
/// # Errors
/// When no schemas directory is found.
pub fn locate(from: &Path) -> Result<(PathBuf, Option<PathBuf>), ImportError> {
    let nested = from.join("cfnlint/data/schemas");
    if nested.join("providers").is_dir() {
        return Ok((nested, Some(from.to_path_buf())));
    }
    if from.join("providers").is_dir() && from.join("resources").is_dir() {
        return Ok((from.to_path_buf(), None));
    }
    Err(ImportError::Layout {
        path: from.display().to_string(),
        message: "holds neither `cfnlint/data/schemas/providers` nor `providers` and `resources` (unzip the cfn-lint wheel and pass its directory)".into(),
    })
}

fn read(path: &Path, hasher: &mut Sha256) -> Result<String, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    hasher.update(text.as_bytes());
    Ok(text)
}

fn json(path: &Path, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError::Json {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Import the schemas under `from` (see [`locate`]).
///
/// # Errors
/// Unreadable files, invalid JSON, a missing base region.
pub fn import(from: &Path, catalog: &Catalog) -> Result<Imported, ImportError> {
    let (dir, root) = locate(from)?;
    let mut hasher = Sha256::new();
    let providers = dir.join("providers");
    let mut region_files: Vec<PathBuf> = std::fs::read_dir(&providers)
        .map_err(|e| ImportError::Read {
            path: providers.display().to_string(),
            message: e.to_string(),
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        // `sam.json` maps the SAM types to SAM's specification, not to provider schemas
        .filter(|p| p.file_stem().is_some_and(|s| s != "sam"))
        .collect();
    region_files.sort();
    // region → type → schema file stem
    let mut regions: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for p in &region_files {
        let text = read(p, &mut hasher)?;
        let v = json(p, &text)?;
        let map = v
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let region = p
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        regions.insert(region, map);
    }
    let Some(base) = regions.get(BASE_REGION).cloned() else {
        return Err(ImportError::Layout {
            path: providers.display().to_string(),
            message: format!("no `{BASE_REGION}.json`"),
        });
    };
    // every schema file named anywhere, read once
    let stems: BTreeSet<&String> = regions.values().flat_map(|m| m.values()).collect();
    let mut records: BTreeMap<String, Record> = BTreeMap::new();
    for stem in stems {
        let p = dir.join("resources").join(format!("{stem}.json"));
        let text = read(&p, &mut hasher)?;
        let v = json(&p, &text)?;
        records.insert(stem.clone(), Record::from_schema(&v, catalog));
    }
    let mut table_records: BTreeMap<String, Record> = BTreeMap::new();
    let mut region_differences = Vec::new();
    let mut region_only: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (ty, stem) in &base {
        let Some(r) = records.get(stem) else { continue };
        let mut differ = Vec::new();
        for (region, map) in &regions {
            if let Some(other) = map.get(ty).and_then(|s| records.get(s)) {
                if other.line(ty) != r.line(ty) {
                    differ.push(region.clone());
                }
            }
        }
        if !differ.is_empty() {
            region_differences.push((ty.clone(), differ));
        }
        table_records.insert(ty.clone(), r.clone());
    }
    for (region, map) in &regions {
        for (ty, stem) in map {
            if base.contains_key(ty) {
                continue;
            }
            region_only
                .entry(ty.clone())
                .or_default()
                .push(region.clone());
            if !table_records.contains_key(ty) {
                if let Some(r) = records.get(stem) {
                    table_records.insert(ty.clone(), r.clone());
                }
            }
        }
    }
    let mut table = String::from(TABLE_HEADER);
    let mut not_in_catalog: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut with_permissions = 0;
    for (ty, r) in &mut table_records {
        if let Some(rs) = region_only.get(ty) {
            r.regions.clone_from(rs);
        }
        if r.handlers
            .iter()
            .any(|h| h.as_ref().is_some_and(|a| !a.is_empty()))
        {
            with_permissions += 1;
        }
        for a in r.handlers.iter().flatten().flatten() {
            if !crate::known_action(catalog, a) {
                not_in_catalog
                    .entry(a.clone())
                    .or_default()
                    .insert(ty.clone());
            }
        }
        table.push_str(&r.line(ty));
        table.push('\n');
    }
    let (version, licence) = root
        .as_deref()
        .and_then(wheel_metadata)
        .map_or((None, None), |(v, l)| (Some(v), l));
    let schema_date = std::fs::read_to_string(dir.join("version.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v.get("schema_date")?.as_str().map(str::to_string));
    Ok(Imported {
        types: table_records.len(),
        types_with_permissions: with_permissions,
        table,
        version,
        licence,
        schema_date,
        source_sha256: format!("{:x}", hasher.finalize()),
        regions: regions.keys().cloned().collect(),
        region_differences,
        region_only: region_only.into_iter().collect(),
        not_in_catalog: not_in_catalog
            .into_iter()
            .map(|(a, t)| (a, t.into_iter().collect()))
            .collect(),
    })
}

/// `Version:` and `License-Expression:` of the wheel's METADATA.
fn wheel_metadata(root: &Path) -> Option<(String, Option<String>)> {
    let info = std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with("cfn_lint-") && n.ends_with(".dist-info")
        })?;
    let text = std::fs::read_to_string(info.path().join("METADATA")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    Some((field("Version:")?, field("License-Expression:")))
}

/// The table's first lines.
pub const TABLE_HEADER: &str = "# CloudFormation resource types: handler permissions and what scoping needs.\n\
# Generated by `cargo xtask cfn-schema-import --from DIR` from the cfn-lint package's\n\
# resource provider schemas (provenance: cfn-provenance.json). Do not edit.\n\
# type\tcreate\tread\tupdate\tdelete\tlist\tprimary identifier\tname property\trole properties\tIAM resource type\tregions (when not in us-east-1)\n\
# `-`: no such handler / none / derived nothing\n";

/// One type's row.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Record {
    handlers: [Option<Vec<String>>; 5],
    identifier: Vec<String>,
    name_property: Option<String>,
    role_properties: Vec<String>,
    iam_type: Option<String>,
    regions: Vec<String>,
}

fn list_field(v: &[String]) -> String {
    if v.is_empty() {
        "-".to_string()
    } else {
        v.join(",")
    }
}

impl Record {
    fn line(&self, ty: &str) -> String {
        let mut f = vec![ty.to_string()];
        for h in &self.handlers {
            f.push(match h {
                None => "-".to_string(),
                Some(a) => a.join(","),
            });
        }
        f.push(list_field(&self.identifier));
        f.push(self.name_property.clone().unwrap_or_else(|| "-".into()));
        f.push(list_field(&self.role_properties));
        f.push(self.iam_type.clone().unwrap_or_else(|| "-".into()));
        f.push(list_field(&self.regions));
        f.join("\t")
    }

    fn from_schema(v: &Value, catalog: &Catalog) -> Record {
        let type_name = v.get("typeName").and_then(Value::as_str).unwrap_or("");
        let handlers = HANDLERS.map(|h: Handler| {
            let entry = v.get("handlers")?.get(h.as_str())?;
            let mut actions: Vec<String> = entry
                .get("permissions")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            actions.sort_by_key(|a| a.to_ascii_lowercase());
            actions.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            Some(actions)
        });
        let props = |key: &str| -> Vec<String> {
            v.get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.strip_prefix("/properties/").unwrap_or(s).to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let identifier = props("primaryIdentifier");
        let read_only: BTreeSet<String> = props("readOnlyProperties").into_iter().collect();
        let properties = v.get("properties").and_then(Value::as_object);
        let has = |p: &str| properties.is_some_and(|m| m.contains_key(p)) && !read_only.contains(p);
        let short = type_name.rsplit("::").next().unwrap_or("");
        let name_property = identifier
            .iter()
            .find(|p| !p.contains('/') && has(p) && p.ends_with("Name"))
            .cloned()
            .or_else(|| {
                [format!("{short}Name"), "Name".to_string()]
                    .into_iter()
                    .find(|p| has(p))
            });
        let mut role_properties = Vec::new();
        if let Some(m) = properties {
            let defs = v.get("definitions").and_then(Value::as_object);
            for (k, pv) in m {
                // a read-only property (the role's own `Arn`) is an output, never passed
                if !read_only.contains(k) {
                    walk_roles(pv, k, defs, &mut Vec::new(), &mut role_properties, 0);
                }
            }
        }
        role_properties.sort();
        role_properties.dedup();
        Record {
            iam_type: iam_type(type_name, handlers[0].as_deref().unwrap_or(&[]), catalog),
            handlers,
            identifier,
            name_property,
            role_properties,
            regions: Vec::new(),
        }
    }
}

/// Whether a property schema holds a role ARN: cfn-lint's `format: AWS::IAM::Role.Arn`, a
/// string pattern that only an IAM role ARN matches, or a string property named
/// `...RoleArn`.
fn is_role_arn(v: &Value, name: &str) -> bool {
    if v.get("format").and_then(Value::as_str) == Some("AWS::IAM::Role.Arn") {
        return true;
    }
    if name.to_ascii_lowercase().ends_with("rolearn")
        && v.get("type").and_then(Value::as_str) == Some("string")
    {
        return true;
    }
    v.get("pattern")
        .and_then(Value::as_str)
        .is_some_and(|p| p.contains(":iam::") && p.contains(":role/"))
}

fn walk_roles(
    v: &Value,
    path: &str,
    defs: Option<&serde_json::Map<String, Value>>,
    seen: &mut Vec<String>,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 12 {
        return;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if is_role_arn(v, name) {
        out.push(path.to_string());
        return;
    }
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        if let Some(name) = r.strip_prefix("#/definitions/") {
            if !seen.iter().any(|s| s == name) {
                if let Some(d) = defs.and_then(|d| d.get(name)) {
                    seen.push(name.to_string());
                    walk_roles(d, path, defs, seen, out, depth + 1);
                    seen.pop();
                }
            }
        }
    }
    if let Some(m) = v.get("properties").and_then(Value::as_object) {
        for (k, pv) in m {
            walk_roles(pv, &format!("{path}/{k}"), defs, seen, out, depth + 1);
        }
    }
    if let Some(items) = v.get("items") {
        walk_roles(items, &format!("{path}/*"), defs, seen, out, depth + 1);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = v.get(key).and_then(Value::as_array) {
            for x in list {
                walk_roles(x, path, defs, seen, out, depth + 1);
            }
        }
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The catalog resource type (`service:type`) of a CloudFormation type: the service is the
/// prefix most of the create handler's actions use, the type the one whose name equals the
/// type's last part, ignoring case and punctuation (`AWS::EFS::FileSystem` →
/// `elasticfilesystem:file-system`).
fn iam_type(type_name: &str, create: &[String], catalog: &Catalog) -> Option<String> {
    let short = squash(type_name.rsplit("::").next()?);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in create {
        if let Some((svc, _)) = a.split_once(':') {
            *counts.entry(svc).or_default() += 1;
        }
    }
    let mut services: Vec<(&str, usize)> = counts.into_iter().collect();
    services.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (svc, _) in services {
        let Some(s) = catalog.service_by_prefix(svc) else {
            continue;
        };
        if let Some(r) = catalog
            .service_resource_types(s)
            .find(|&r| squash(catalog.resource_type_name(r)) == short)
        {
            return Some(format!(
                "{}:{}",
                catalog.service_prefix(s),
                catalog.resource_type_name(r)
            ));
        }
    }
    None
}
