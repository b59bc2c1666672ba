//! What a rule sees, and where it reports.

use crate::data::RuleData;
use crate::reference::Reference;
use iamlint_catalog::{ActionId, ActionSet, Catalog};
use iamlint_policy::{Document, PolicyFile, Statement};
use iamlint_report::{Label, SourceFile};
use iamlint_semantic::{DocumentFacts, Semantic, StatementFacts};
use iamlint_syntax::Span;
use std::sync::Arc;

/// A finding before the engine dresses it as a diagnostic.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The exact element; `None` for file-level findings.
    pub span: Option<Span>,
    pub message: String,
    pub label: String,
    pub secondary: Vec<Label>,
    /// Logical path of the element.
    pub path: String,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The statement's `Sid`, for config suppressions of JSON files.
    pub sid: Option<String>,
    /// A lower severity than the rule's for this finding (an excess the analyzer could not
    /// confirm is a warning where a confirmed one is an error). Never raises it.
    pub at_most: Option<iamlint_report::Severity>,
    /// Changes that resolve it (made with the helpers of `fixes.rs`).
    pub fixes: Vec<iamlint_report::Fix>,
}

impl Finding {
    pub fn new(span: Span, path: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            span: Some(span),
            message: message.into(),
            label: String::new(),
            secondary: Vec::new(),
            path: path.into(),
            help: None,
            notes: Vec::new(),
            sid: None,
            at_most: None,
            fixes: Vec::new(),
        }
    }

    pub fn file_level(message: impl Into<String>) -> Finding {
        Finding {
            span: None,
            message: message.into(),
            label: String::new(),
            secondary: Vec::new(),
            path: String::new(),
            help: None,
            notes: Vec::new(),
            sid: None,
            at_most: None,
            fixes: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// A change that resolves the finding; `None` (the fix could not be made for how the
    /// file is written) adds nothing.
    pub fn fix(mut self, fix: Option<iamlint_report::Fix>) -> Self {
        self.fixes.extend(fix);
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, message));
        self
    }

    pub fn sid(mut self, st: &Statement) -> Self {
        self.sid = st.sid_text().map(str::to_string);
        self
    }
}

/// Where a rule reports.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn report(&mut self, f: Finding) {
        self.findings.push(f);
    }
}

/// The file being checked.
pub struct FileContext<'a> {
    pub catalog: &'a Catalog,
    /// The run's semantic layer (over `catalog`).
    pub semantic: &'a Semantic<'a>,
    /// The curated knowledge of `rules/`.
    pub data: &'a RuleData<'a>,
    /// The reference policy this file is compared with, if any.
    pub reference: Option<&'a Reference>,
    /// The deployment role compared with the run's templates, if any.
    pub deploy_role: Option<&'a crate::DeployRole>,
    pub source: &'a Arc<SourceFile>,
    /// `Err` when the file could not be read.
    pub file: Result<&'a PolicyFile, &'a iamlint_formats::ReadError>,
    /// Whether the user named this file (a non-policy file named explicitly is reported).
    pub explicit: bool,
}

impl FileContext<'_> {
    pub fn text(&self) -> &str {
        &self.source.text
    }
}

/// One document of the file, with its graph.
pub struct DocContext<'a> {
    pub file: &'a FileContext<'a>,
    pub doc: &'a Document,
    pub facts: &'a DocumentFacts,
    /// The document's grants, computed once for the rules that share them.
    pub(crate) grants: std::cell::OnceCell<Vec<crate::rules::grant_support::Grant<'a>>>,
}

impl<'a> DocContext<'a> {
    pub fn catalog(&self) -> &'a Catalog {
        self.file.catalog
    }

    /// The run's semantic layer.
    pub fn semantic(&self) -> &'a Semantic<'a> {
        self.file.semantic
    }

    /// The curated knowledge of `rules/`.
    pub fn data(&self) -> &'a RuleData<'a> {
        self.file.data
    }

    pub fn text(&self) -> &str {
        self.file.text()
    }

    /// Statements with their graphs.
    pub fn statements(&self) -> impl Iterator<Item = (&'a Statement, &'a StatementFacts)> {
        self.facts.with(self.doc)
    }

    /// Actions denied unconditionally on every resource by some `Deny` of this document.
    pub fn denied_everywhere(&self) -> ActionSet {
        self.facts.denied_everywhere(self.doc)
    }

    /// How the condition key `key` resolves (answered by the semantic layer).
    pub(crate) fn lookup_key(&self, key: &str) -> iamlint_semantic::KeyLookup<'a> {
        self.semantic().condition_key(key)
    }

    /// `s3:GetObject` for an id.
    pub fn action_name(&self, a: ActionId) -> String {
        self.catalog().action_full_name(a)
    }
}
