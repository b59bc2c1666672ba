//! Suppressions that carry a reason.
//!
//! - A comment of the file, as its format writes comments (`# iamlint:ignore[IAM202]
//!   reason` in YAML; codes or names, comma-separated): it covers what its format says
//!   ([`iamlint_policy::Comment::covers`]: the flagged line when the comment ends it, the
//!   next line when the comment stands alone above it).
//! - CloudFormation: `Metadata: { iamlint: { ignore: [ {rule: IAM202, reason: ...} ] } }`
//!   on a resource covers every finding inside that resource.
//! - Any file (JSON has no comments): a `[[suppress]]` entry in the configuration with
//!   `file`, `rule`, an optional `sid`, and `reason`.
//!
//! A suppression without a reason is not honoured, and one that suppresses nothing is
//! reported by `unused-suppression`.

use crate::context::Finding;
use iamlint_policy::PolicyFile;
use iamlint_report::{RuleInfo, SourceFile};
use iamlint_syntax::Span;
use std::sync::Arc;

/// A `[[suppress]]` entry of the configuration.
#[derive(Clone, Debug)]
pub struct ConfigSuppression {
    /// A path or glob, compared with the file name as displayed.
    pub file: globset::GlobMatcher,
    pub file_text: String,
    pub rule: String,
    pub sid: Option<String>,
    /// `None` (or blank): the entry is not honoured, and reported as such.
    pub reason: Option<String>,
}

#[derive(Clone, Debug)]
enum Scope {
    /// Findings starting in this range.
    Range(Span),
    /// Findings whose logical path starts with this prefix.
    Path(String),
    /// Findings of a statement with this Sid (or any, when `None`).
    Sid(Option<String>),
}

/// One suppression found for a file.
#[derive(Clone, Debug)]
pub struct Suppression {
    rules: Vec<String>,
    reason: Option<String>,
    scope: Scope,
    /// Where it is written (for the unused report); `None` for config entries.
    span: Option<Span>,
    origin: String,
}

impl Suppression {
    fn matches_rule(&self, info: &RuleInfo) -> bool {
        self.rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case(info.code) || r == info.name)
    }

    /// Whether leaving it unused is worth a report: only when every rule it names ran
    /// (with `--select X`, a suppression of another rule is not stale). A suppression
    /// without a reason, or naming no known rule, is always reported.
    pub fn reports_unused(&self, selection: &crate::RuleSelection) -> bool {
        if self.reason.is_none() {
            return true;
        }
        self.rules
            .iter()
            .all(|r| match crate::registry::find_rule(r) {
                Some(rule) => selection.is_enabled(rule.info()),
                None => true,
            })
    }

    pub fn unused_finding(&self) -> Finding {
        let msg = if self.reason.is_none() {
            // a comment takes its reason after it; a `[[suppress]]` entry as `reason`
            let how = if self.span.is_some() {
                "write why after it"
            } else {
                "give it a `reason`"
            };
            format!(
                "{} has no reason, so it is not honoured; {how}",
                self.origin
            )
        } else {
            format!(
                "{} suppresses nothing: no `{}` finding here",
                self.origin,
                self.rules.join("`, `")
            )
        };
        let help = "remove it, or fix the rule code or name it lists";
        match self.span {
            Some(span) => Finding::new(span, "", msg).label("suppression").help(help),
            None => Finding::file_level(msg).help(help),
        }
    }
}

/// Every suppression that applies to this file.
pub fn collect(
    source: &Arc<SourceFile>,
    file: Option<&PolicyFile>,
    config: &[ConfigSuppression],
) -> Vec<Suppression> {
    let mut out = Vec::new();
    if let Some(f) = file {
        comment_suppressions(&f.comments, &mut out);
        for m in &f.metadata_ignores {
            out.push(Suppression {
                rules: vec![m.rule.clone()],
                reason: m.reason.clone(),
                scope: Scope::Path(format!("Resources.{}.", m.resource)),
                span: Some(m.span),
                origin: format!("`Metadata` ignore of `{}` on `{}`", m.rule, m.resource),
            });
        }
    }
    for c in config {
        // the name as displayed, or the file's id (relative to the configuration's
        // directory when there is one), so that an entry holds whatever path named it
        let id = source.id();
        if c.file.is_match(&source.name)
            || c.file_text == source.name
            || (id != source.name && (c.file.is_match(id) || c.file_text == id))
        {
            out.push(Suppression {
                rules: vec![c.rule.clone()],
                reason: c.reason.clone().filter(|r| !r.trim().is_empty()),
                scope: Scope::Sid(c.sid.clone()),
                span: None,
                origin: format!(
                    "configuration suppression of `{}`{}",
                    c.rule,
                    c.sid
                        .as_ref()
                        .map(|s| format!(" for Sid `{s}`"))
                        .unwrap_or_default()
                ),
            });
        }
    }
    out
}

fn comment_suppressions(comments: &[iamlint_policy::Comment], out: &mut Vec<Suppression>) {
    const MARK: &str = "iamlint:ignore[";
    for c in comments {
        let Some(at) = c.text.find(MARK) else {
            continue;
        };
        let after = &c.text[at + MARK.len()..];
        let Some(close) = after.find(']') else {
            continue;
        };
        let rules: Vec<String> = after[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let reason = after[close + 1..].trim();
        out.push(Suppression {
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            scope: Scope::Range(c.covers),
            span: Some(c.span),
            origin: "this `iamlint:ignore` comment".to_string(),
        });
    }
}

/// The index of the suppression that covers this finding, if any.
pub fn find(sups: &[Suppression], info: &RuleInfo, f: &Finding) -> Option<usize> {
    sups.iter().position(|s| {
        if s.reason.is_none() || !s.matches_rule(info) {
            return false;
        }
        match &s.scope {
            Scope::Range(r) => f
                .span
                .is_some_and(|sp| r.start <= sp.start && sp.start < r.end.max(r.start + 1)),
            Scope::Path(prefix) => f.path.starts_with(prefix.as_str()),
            Scope::Sid(None) => true,
            Scope::Sid(Some(sid)) => f.sid.as_deref() == Some(sid.as_str()),
        }
    })
}
