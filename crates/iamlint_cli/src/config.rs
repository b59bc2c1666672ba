//! `iamlint.toml`: found by walking up from the checked path (or given with `--config`).
//!
//! ```toml
//! exclude = ["vendor/**", "**/testdata/**"]   # globs on walked paths
//! fail-on = "warning"
//!
//! [rules]
//! select = ["IAM1", "IAM2"]        # replaces the default set (codes, prefixes, names, ALL)
//! ignore = ["broad-wildcard"]
//! enable = ["write-unrestricted"]  # opt-in rules on top of the defaults
//!
//! [rules.severity]
//! resource-star = "error"
//!
//! [rules.options.policy-too-large]
//! quota = "6144"
//!
//! [vars]                           # placeholder values, as --var
//! REGION = "us-east-1"
//!
//! [[suppress]]                     # for JSON files, which have no comments
//! file = "policies/admin.json"     # path or glob
//! rule = "full-admin"
//! sid = "BreakGlass"               # optional
//! reason = "break-glass role, reviewed 2026-11"
//!
//! [references]                     # least-privilege references by path glob
//! "policies/pcluster/*.json" = "builtin:parallelcluster/user-awsbatch"
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "iamlint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub exclude: Vec<String>,
    pub fail_on: Option<String>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    #[serde(default)]
    pub suppress: Vec<SuppressEntry>,
    #[serde(default)]
    pub references: BTreeMap<String, String>,
    /// The directory the file was found in: globs are relative to it.
    #[serde(skip)]
    pub root: PathBuf,
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub enable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub options: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressEntry {
    pub file: String,
    pub rule: String,
    pub sid: Option<String>,
    pub reason: String,
}

/// Find `iamlint.toml` in `start` or any parent directory.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        match start.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        start.to_path_buf()
    };
    let abs = std::fs::canonicalize(&start).unwrap_or(start);
    abs.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Read and validate a configuration file. Errors carry `file:line:col`.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut cfg: Config = toml::from_str(&text).map_err(|e| {
        let loc = e
            .span()
            .map(|s| {
                let idx = iamlint_syntax::LineIndex::new(&text);
                let lc = idx.line_col(&text, u32::try_from(s.start).unwrap_or(0));
                format!(":{}:{}", lc.line, lc.column)
            })
            .unwrap_or_default();
        format!(
            "{}{loc}: invalid configuration: {}",
            path.display(),
            e.message()
        )
    })?;
    cfg.root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    cfg.path = Some(path.to_path_buf());
    Ok(cfg)
}
