//! GitLab Code Quality JSON: an array of issues (`description`, `check_name`,
//! `fingerprint`, `severity`, `location.path` and `location.lines.begin`), the
//! `artifacts:reports:codequality` of a merge request. Severities: an error is
//! `critical`, a warning `major`, an info `info`. Paths are relative to the base
//! directory (the repository root), as GitLab links them.

use super::{display_path, RenderOptions};
use crate::{Report, Severity};
use serde_json::{json, Value};
use std::collections::HashMap;

/// GitLab's severity for ours.
pub(crate) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub(super) fn render(report: &Report, opts: &RenderOptions) -> String {
    // GitLab tells issues apart by fingerprint: two findings with the same one (the same
    // rule on the same text at the same logical path) get an occurrence suffix.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let base = d.effective_fingerprint().into_owned();
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            let (begin, end) = match &d.primary {
                Some(_) => {
                    let (s, e) = d.range();
                    (s.line, e.line.max(s.line))
                }
                None => (1, 1),
            };
            json!({
                "description": format!("{} {}: {}", d.code, d.name, d.message),
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "location": {
                    "path": display_path(&d.file.name, opts),
                    "lines": {"begin": begin, "end": end},
                },
            })
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}
