//! Baselines: the fingerprints of accepted findings, so a run reports only new ones.
//!
//! A baseline file is JSON: `{"version": 1, "fingerprints": ["…", …]}` with the
//! fingerprints sorted and unique, so it diffs cleanly under version control.

use crate::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The only baseline format version this crate reads and writes.
pub const BASELINE_VERSION: u32 = 1;

/// A set of accepted findings, by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    pub fingerprints: BTreeSet<String>,
}

/// Why a baseline file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("baseline version `{found}` is not supported (expected `{BASELINE_VERSION}`)")]
    UnsupportedVersion { found: u32 },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    fingerprints: BTreeSet<String>,
}

impl Baseline {
    /// Every finding of `report` (fingerprints computed where missing).
    pub fn from_report(report: &Report) -> Baseline {
        Baseline {
            fingerprints: report
                .diagnostics
                .iter()
                .map(|d| d.effective_fingerprint().into_owned())
                .collect(),
        }
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            version: BASELINE_VERSION,
            fingerprints: self.fingerprints.clone(),
        };
        let mut out = serde_json::to_string_pretty(&file).unwrap_or_default();
        out.push('\n');
        out
    }

    pub fn from_json(text: &str) -> Result<Baseline, BaselineError> {
        let file: BaselineFile = serde_json::from_str(text)?;
        if file.version != BASELINE_VERSION {
            return Err(BaselineError::UnsupportedVersion {
                found: file.version,
            });
        }
        Ok(Baseline {
            fingerprints: file.fingerprints,
        })
    }
}
