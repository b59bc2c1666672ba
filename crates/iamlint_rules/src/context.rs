//! What a rule sees, and where it reports.

use iamlint_catalog::{ActionId, ActionSet, Catalog};
use iamlint_policy::graph::{DocGraph, StatementGraph};
use iamlint_policy::{Document, PolicyFile, Statement};
use iamlint_report::{Label, SourceFile};
use iamlint_syntax::Span;
use std::collections::BTreeMap;
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

/// Per-rule options from the configuration (`[rules.<name>]` tables), as TOML-ish values.
pub type RuleOptions = BTreeMap<String, String>;

/// The file being checked.
pub struct FileContext<'a> {
    pub catalog: &'a Catalog,
    pub source: &'a Arc<SourceFile>,
    /// `Err` when the file could not be read.
    pub file: Result<&'a PolicyFile, &'a iamlint_policy::ReadError>,
    /// Whether the user named this file (a non-policy file named explicitly is reported).
    pub explicit: bool,
    pub options: &'a BTreeMap<String, RuleOptions>,
}

impl FileContext<'_> {
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// The option `key` of rule `rule`, if configured.
    pub fn option(&self, rule: &str, key: &str) -> Option<&str> {
        self.options.get(rule)?.get(key).map(String::as_str)
    }
}

/// One document of the file, with its graph.
pub struct DocContext<'a> {
    pub file: &'a FileContext<'a>,
    pub doc: &'a Document,
    pub graph: &'a DocGraph,
    /// The document's grants, computed once for the rules that share them.
    pub(crate) grants: std::cell::OnceCell<Vec<crate::rules::grant_support::Grant<'a>>>,
    /// Condition keys resolved so far (four rules look up every key).
    pub(crate) keys: std::cell::RefCell<
        std::collections::HashMap<
            String,
            crate::rules::catalog_support::KeyLookup<'a>,
            foldhash::fast::RandomState,
        >,
    >,
}

impl<'a> DocContext<'a> {
    pub fn catalog(&self) -> &'a Catalog {
        self.file.catalog
    }

    pub fn text(&self) -> &str {
        self.file.text()
    }

    /// Statements with their graphs.
    pub fn statements(&self) -> impl Iterator<Item = (&'a Statement, &'a StatementGraph)> {
        self.doc.statements.iter().zip(self.graph.statements.iter())
    }

    /// Actions denied unconditionally on every resource by some `Deny` of this document.
    pub fn denied_everywhere(&self) -> ActionSet {
        let mut set = ActionSet::empty(self.catalog().action_count());
        for (s, g) in self.statements() {
            if s.is_deny() && s.condition.is_none() && g.resource_is_star {
                set.union_with(&g.actions);
            }
        }
        set
    }

    /// How the condition key `key` resolves, looked up once per document.
    pub(crate) fn lookup_key(&self, key: &str) -> crate::rules::catalog_support::KeyLookup<'a> {
        if let Some(k) = self.keys.borrow().get(key) {
            return *k;
        }
        let k = crate::rules::catalog_support::lookup_key(self.catalog(), key);
        self.keys.borrow_mut().insert(key.to_owned(), k);
        k
    }

    /// `s3:GetObject` for an id.
    pub fn action_name(&self, a: ActionId) -> String {
        self.catalog().action_full_name(a)
    }
}
