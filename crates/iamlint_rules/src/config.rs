//! `iamlint.toml`: found by walking up from the checked path (or given with `--config`),
//! read and compiled into what a check takes (the rule selection, suppressions, globs).
//! `iamlint check` and `iamlint server` read it through these functions alike.
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
//! [rules.options.exceeds-reference]  # per-rule options, typed: an unknown rule or key
//! reference = "builtin:parallelcluster/user-awsbatch"   # is an error with its location
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

use crate::suppress::ConfigSuppression;
use crate::RuleSelection;
use iamlint_report::Severity;
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
    pub options: RuleOptionsConfig,
}

/// `[rules.options.<rule>]`: the options rules take, each typed. A rule without options,
/// or a key a rule does not take, is a configuration error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOptionsConfig {
    #[serde(rename = "exceeds-reference")]
    pub exceeds_reference: Option<ExceedsReferenceOptions>,
    #[serde(rename = "too-many-findings")]
    pub too_many_findings: Option<TooManyFindingsOptions>,
}

/// `[rules.options.too-many-findings]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TooManyFindingsOptions {
    /// How many findings one file may report before its check stops.
    pub limit: usize,
}

/// `[rules.options.exceeds-reference]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceedsReferenceOptions {
    /// The reference for every file (`builtin:NAME` or a path relative to the
    /// configuration file), as `--reference` gives it.
    pub reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressEntry {
    pub file: String,
    pub rule: String,
    pub sid: Option<String>,
    /// Required to be honoured; an entry without one is reported (`unused-suppression`),
    /// as a suppression comment without one is, and does not stop the run.
    #[serde(default)]
    pub reason: Option<String>,
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

/// A severity named in the configuration or on the command line (`what` names the
/// setting in the error).
pub fn severity_arg(s: &str, what: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("{what} `{s}` is not one of error, warning, info"))
}

/// A reference named in the configuration: `builtin:NAME` as is, a path relative to the
/// configuration file's directory.
pub fn reference_path(r: &str, root: &Path) -> String {
    if r.starts_with("builtin:") || Path::new(r).is_absolute() {
        r.to_string()
    } else {
        root.join(r).to_string_lossy().to_string()
    }
}

/// Whether a configuration glob (`is_match`) matches `p` as displayed (without a leading
/// `./`) or relative to the configuration's directory `root`.
pub fn matches_shown_or_relative(is_match: impl Fn(&Path) -> bool, p: &Path, root: &Path) -> bool {
    let shown = p.to_string_lossy();
    let shown = shown.strip_prefix("./").unwrap_or(&shown);
    is_match(Path::new(shown)) || p.strip_prefix(root).is_ok_and(&is_match)
}

impl Config {
    /// The rules that run: `select` (from the command line, when not empty) replaces the
    /// configuration's `select`, `ignore` adds to its `ignore`. A selector or severity key
    /// that names no rule, or a severity that is not one, is an error. No input is given
    /// yet ([`RuleSelection::inputs`]).
    pub fn rule_selection(
        &self,
        select: &[String],
        extend_select: &[String],
        ignore: &[String],
    ) -> Result<RuleSelection, String> {
        let mut severity = BTreeMap::new();
        for (k, v) in &self.rules.severity {
            severity.insert(k.clone(), severity_arg(v, &format!("severity of `{k}`"))?);
        }
        let selection = RuleSelection {
            select: if select.is_empty() {
                self.rules.select.clone()
            } else {
                select.to_vec()
            },
            ignore: self.rules.ignore.iter().chain(ignore).cloned().collect(),
            enable: self
                .rules
                .enable
                .iter()
                .chain(extend_select)
                .cloned()
                .collect(),
            severity,
            inputs: Vec::new(),
            max_findings_per_file: self
                .rules
                .options
                .too_many_findings
                .as_ref()
                .map(|o| o.limit),
        };
        let unknown = selection.unknown_selectors();
        if !unknown.is_empty() {
            return Err(format!(
                "no rule is named `{}` (see `iamlint rules`)",
                unknown.join("`, `")
            ));
        }
        Ok(selection)
    }

    /// The `[[suppress]]` entries, their `file` globs compiled.
    pub fn suppressions(&self) -> Result<Vec<ConfigSuppression>, String> {
        let mut out = Vec::with_capacity(self.suppress.len());
        for s in &self.suppress {
            let glob = globset::Glob::new(&s.file).map_err(|e| {
                format!(
                    "invalid `file` glob `{}` in a [[suppress]] entry: {e}",
                    s.file
                )
            })?;
            out.push(ConfigSuppression {
                file: glob.compile_matcher(),
                file_text: s.file.clone(),
                rule: s.rule.clone(),
                sid: s.sid.clone(),
                reason: s.reason.clone(),
            });
        }
        Ok(out)
    }

    /// The `exclude` globs, compiled.
    pub fn exclude_set(&self) -> Result<globset::GlobSet, String> {
        let mut exclude = globset::GlobSetBuilder::new();
        for g in &self.exclude {
            exclude.add(
                globset::Glob::new(g).map_err(|e| format!("invalid `exclude` glob `{g}`: {e}"))?,
            );
        }
        exclude.build().map_err(|e| e.to_string())
    }

    /// `[references]`: each glob compiled, with its reference resolved against the
    /// configuration's directory ([`reference_path`]), in the file's order.
    pub fn reference_globs(&self) -> Result<Vec<(globset::GlobMatcher, String)>, String> {
        let mut out = Vec::with_capacity(self.references.len());
        for (glob, reference) in &self.references {
            let g = globset::Glob::new(glob)
                .map_err(|e| format!("invalid glob `{glob}` in [references]: {e}"))?;
            out.push((g.compile_matcher(), reference_path(reference, &self.root)));
        }
        Ok(out)
    }

    /// The reference of `[rules.options.exceeds-reference]`, resolved against the
    /// configuration's directory.
    pub fn option_reference(&self) -> Option<String> {
        self.rules
            .options
            .exceeds_reference
            .as_ref()
            .map(|o| reference_path(&o.reference, &self.root))
    }
}
