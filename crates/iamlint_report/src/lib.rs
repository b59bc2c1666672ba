//! Diagnostics and their renderers.
//!
//! A [`Diagnostic`] is data: a rule code and name, a severity, a message, a primary label
//! on an exact byte span of a [`SourceFile`], optional secondary labels, the logical path
//! of the flagged element and a help line. Renderers turn a [`Report`] into human text
//! (codespan-reporting), JSON, SARIF 2.1.0, GitHub workflow commands, one line each,
//! JUnit XML, GitLab Code Quality JSON or one self-contained HTML page.

pub mod baseline;
pub mod overview;
mod render;

pub use baseline::{Baseline, BaselineError};
pub use overview::Overview;
pub use render::{render, render_to, Format, RenderOptions};

pub use iamlint_syntax::SourceFile;
use iamlint_syntax::{LineCol, Span};
use std::sync::Arc;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A span with a message, on the diagnostic's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
        }
    }
}

/// A change of the file that resolves a finding: `iamlint server` offers it as a quick
/// fix. Its edits do not overlap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for a menu: ``replace with `s3:GetObject` ``.
    pub title: String,
    pub edits: Vec<Edit>,
}

/// Replace the bytes of `span` (empty: insert) with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Fix {
    /// A fix of one edit.
    pub fn new(title: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                span,
                text: text.into(),
            }],
        }
    }

    /// `text` with the edits applied (`None` when an edit is out of the text's bounds or
    /// not on character boundaries, or edits overlap).
    pub fn apply(&self, text: &str) -> Option<String> {
        let mut edits: Vec<&Edit> = self.edits.iter().collect();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let mut out = String::with_capacity(text.len());
        let mut at = 0usize;
        for e in edits {
            let (start, end) = (e.span.start as usize, e.span.end as usize);
            if start < at || end < start {
                return None;
            }
            out.push_str(text.get(at..start)?);
            out.push_str(&e.text);
            at = end;
        }
        out.push_str(text.get(at..)?);
        Some(out)
    }
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code, e.g. `IAM201`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `service-wildcard`.
    pub name: &'static str,
    pub severity: Severity,
    /// What is wrong: lower-case first letter, no final period, user text in backticks.
    pub message: String,
    pub file: Arc<SourceFile>,
    /// The exact element. `None` for file-level findings (unreadable file).
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    /// Logical path of the flagged element (`Statement[1].Action[0]`,
    /// `Resources.Role.Properties.Policies[0].PolicyDocument.Statement[0]`).
    pub path: String,
    /// What to do instead.
    pub help: Option<String>,
    /// Extra notes shown after the snippet (the element's value could not be decided, ...).
    pub notes: Vec<String>,
    /// Changes that resolve it, when the rule knows them (editors offer them).
    pub fixes: Vec<Fix>,
    /// Stable across unrelated edits: derived from code, file, logical path and the
    /// flagged text, never from line numbers. Computed by
    /// [`Diagnostic::compute_fingerprint`]; may be left empty, renderers and baselines then
    /// compute it (see [`Diagnostic::effective_fingerprint`]).
    pub fingerprint: String,
}

impl Diagnostic {
    /// Start and end (1-based line/column) of the primary label, or `(1,1)-(1,1)`.
    pub fn range(&self) -> (LineCol, LineCol) {
        match &self.primary {
            Some(l) => (
                self.file.line_col(l.span.start),
                self.file.line_col(l.span.end),
            ),
            None => (
                LineCol { line: 1, column: 1 },
                LineCol { line: 1, column: 1 },
            ),
        }
    }

    /// A fingerprint that survives line shifts: hash of code, file (its id, the same
    /// whatever path named it: [`SourceFile::id`]), logical path and the flagged text.
    pub fn compute_fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.code.as_bytes());
        h.update([0]);
        h.update(self.file.id().as_bytes());
        h.update([0]);
        h.update(self.path.as_bytes());
        h.update([0]);
        if let Some(l) = &self.primary {
            h.update(l.span.slice(&self.file.text).as_bytes());
        }
        h.update([0]);
        h.update(self.message.as_bytes());
        let digest = h.finalize();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(32);
        for b in digest.iter().take(16) {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        out
    }

    /// The stored fingerprint, or a freshly computed one when the field is empty.
    pub fn effective_fingerprint(&self) -> std::borrow::Cow<'_, str> {
        if self.fingerprint.is_empty() {
            std::borrow::Cow::Owned(self.compute_fingerprint())
        } else {
            std::borrow::Cow::Borrowed(&self.fingerprint)
        }
    }

    /// The rule's documentation page, `DOCS_BASE/rules/<name>.md`.
    pub fn help_uri(&self) -> String {
        rule_help_uri(self.name)
    }
}

/// The report's order, a stable sort by file, position, code and message. A list made of
/// runs already in this order (one file's findings, sorted where they were found) is
/// sorted in one pass.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let sa = a.primary.as_ref().map_or(0, |l| l.span.start);
        let sb = b.primary.as_ref().map_or(0, |l| l.span.start);
        (a.file.name.as_str(), sa, a.code, a.message.as_str()).cmp(&(
            b.file.name.as_str(),
            sb,
            b.code,
            b.message.as_str(),
        ))
    });
}

/// The documentation page of the rule called `name`.
pub fn rule_help_uri(name: &str) -> String {
    format!("{DOCS_BASE}/rules/{name}.md")
}

/// Static facts about a rule, for `iamlint rules`, SARIF `tool.driver.rules` and docs.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub default_severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// The rule's documentation page (markdown).
    pub docs: &'static str,
    pub enabled_by_default: bool,
}

impl RuleInfo {
    pub fn help_uri(&self) -> String {
        rule_help_uri(self.name)
    }
}

/// Where rule pages live.
pub const DOCS_BASE: &str = "https://github.com/iamlint/iamlint/blob/main/docs";

/// Everything a renderer needs for one run.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by file, position, code before rendering.
    pub diagnostics: Vec<Diagnostic>,
    /// Every rule that could have fired in this run (SARIF lists them).
    pub rules: Vec<RuleInfo>,
    pub files_checked: usize,
    /// Files that could not be read or were skipped, with why (for the summary).
    pub files_skipped: usize,
    /// The names of the files checked, as diagnostics name them (may be left empty).
    /// Reports that list every file read it: JUnit (a passing test case per clean file)
    /// and HTML (the files table).
    pub files: Vec<String>,
    /// What the checked files grant, for the HTML report; `None` when not computed.
    pub overview: Option<Overview>,
}

impl Report {
    /// Sort deterministically: file, start offset, code, message.
    pub fn sort(&mut self) {
        sort_diagnostics(&mut self.diagnostics);
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

impl Report {
    /// The process exit code for this report: `1` when any diagnostic is at or above
    /// `fail_on`, else `0`. (Usage and I/O errors, exit code `2`, are the CLI's business.)
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        i32::from(self.diagnostics.iter().any(|d| d.severity >= fail_on))
    }

    /// Fill every empty [`Diagnostic::fingerprint`] with [`Diagnostic::compute_fingerprint`].
    pub fn fill_fingerprints(&mut self) {
        for d in &mut self.diagnostics {
            if d.fingerprint.is_empty() {
                d.fingerprint = d.compute_fingerprint();
            }
        }
    }

    /// Drop every diagnostic whose fingerprint is in `baseline`, keeping only new findings.
    /// Returns how many were dropped.
    pub fn retain_new(&mut self, baseline: &Baseline) -> usize {
        let before = self.diagnostics.len();
        self.diagnostics
            .retain(|d| !baseline.contains(&d.effective_fingerprint()));
        before - self.diagnostics.len()
    }

    /// The [`RuleInfo`] of `code`, when the report lists it.
    pub fn rule(&self, code: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.code == code)
    }
}
