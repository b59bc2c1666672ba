//! The normalized, reviewable form of the catalog: the JSON files under
//! `crates/iamlint_catalog/data/` that `cargo xtask catalog-import` writes.
//!
//! Facts only, no description prose. Field names are declared in alphabetical order so
//! the pretty-printed files have sorted keys; empty lists are omitted.

use serde::{Deserialize, Serialize};

/// One service: `data/services/<prefix>.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceFile {
    /// Sorted by lower-case name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionEntry>,
    /// Condition keys the service defines (service keys and the `aws:` tag keys it lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<ConditionKeyEntry>,
    /// Display name, e.g. `Amazon S3`.
    pub name: String,
    /// Service prefix as used in actions, e.g. `s3`.
    pub prefix: String,
    /// Sorted by lower-case name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ResourceTypeEntry>,
}

/// One action of a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionEntry {
    /// `List`, `Read`, `Write`, `Permissions management` or `Tagging`.
    pub access_level: String,
    /// Action-level condition keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<String>,
    /// Other actions needed to call this one, as `service:Action`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependent_actions: Vec<String>,
    /// Canonical casing, e.g. `GetObject`.
    pub name: String,
    /// Resource types the action applies to; empty means `Resource: "*"` only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ActionResourceEntry>,
}

/// A resource type an action applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionResourceEntry {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<String>,
    /// Name of a resource type of the same service.
    pub name: String,
    pub required: bool,
}

/// A resource type of a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceTypeEntry {
    /// ARN formats, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn_formats: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<String>,
    pub name: String,
}

/// A condition key and its AWS type (`String`, `ArrayOfString`, `ARN`, `Bool`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionKeyEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// `data/global-condition-keys.json` (copied from `xtask/data/global-condition-keys.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlobalKeysFile {
    /// The date the list was compiled from `source`.
    pub compiled: String,
    pub keys: Vec<GlobalKeyEntry>,
    /// The AWS documentation page the facts come from.
    pub source: String,
}

/// A global (`aws:`) condition key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalKeyEntry {
    /// Documented as deprecated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// `data/provenance.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProvenanceFile {
    /// The date of the source data (`updatedAt` of the package).
    pub data_date: String,
    /// The date `cargo xtask catalog-import` ran.
    pub imported_at: String,
    /// The licence of the source data.
    pub licence: String,
    /// SHA-256 over the input files, in sorted path order (see `docs/catalog.md`).
    pub sha256: String,
    pub source: String,
    pub version: String,
}

/// The whole normalized catalog, as loaded from a data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalizedCatalog {
    pub provenance: ProvenanceFile,
    pub global_keys: GlobalKeysFile,
    /// Sorted by prefix.
    pub services: Vec<ServiceFile>,
}
