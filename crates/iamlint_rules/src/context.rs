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
    /// The file's finding budget (see [`Budget`]); none: no limit.
    pub(crate) budget: Option<Budget>,
}

impl Sink {
    pub fn report(&mut self, f: Finding) {
        if let Some(b) = &self.budget {
            if !b.take() {
                return;
            }
        }
        self.findings.push(f);
    }

    /// A sink that keeps findings while `budget` lasts.
    pub(crate) fn with_budget(budget: &Budget) -> Sink {
        Sink {
            findings: Vec::new(),
            budget: Some(budget.clone()),
        }
    }
}

/// How many more findings one file may report, shared by the sinks and document contexts
/// of its check. A file over its budget (a generated 10 MB policy can give a million
/// findings, whose messages alone exhaust memory) is checked no further: rules stop at the
/// next statement or grant, the remaining rules and documents are skipped, and the engine
/// reports `too-many-findings`.
#[derive(Clone, Debug)]
pub(crate) struct Budget(std::rc::Rc<BudgetState>);

#[derive(Debug)]
struct BudgetState {
    remaining: std::cell::Cell<usize>,
    exceeded: std::cell::Cell<bool>,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Budget {
        Budget(std::rc::Rc::new(BudgetState {
            remaining: std::cell::Cell::new(limit),
            exceeded: std::cell::Cell::new(false),
        }))
    }

    /// Spend one finding; `false` (and the budget is exceeded) when none is left.
    fn take(&self) -> bool {
        let left = self.0.remaining.get();
        if left == 0 {
            self.0.exceeded.set(true);
            return false;
        }
        self.0.remaining.set(left - 1);
        true
    }

    /// Whether a finding was refused.
    pub(crate) fn exceeded(&self) -> bool {
        self.0.exceeded.get()
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
    /// The file's finding budget, when the engine runs the check.
    pub(crate) budget: Option<Budget>,
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

    /// Statements with their graphs (none more once the file's finding budget is
    /// exceeded).
    pub fn statements(&self) -> impl Iterator<Item = (&'a Statement, &'a StatementFacts)> {
        let budget = self.budget.clone();
        self.facts
            .with(self.doc)
            .take_while(move |_| budget.as_ref().is_none_or(|b| !b.exceeded()))
    }

    /// Whether the file's finding budget is exceeded: a rule stops looking.
    pub fn out_of_budget(&self) -> bool {
        self.budget.as_ref().is_some_and(Budget::exceeded)
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
