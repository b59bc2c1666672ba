//! A policy as the analyzer sees it: statements with expanded actions, compiled resource
//! patterns and condition entries; and the concrete evaluator used to check witnesses.

use crate::cond::{self, CondEntry, Context};
use crate::glob::{Pattern, VarTable};
use iamlint_catalog::{ActionId, ActionSet};
use iamlint_formats::LoadOptions;
use iamlint_matcher::ActionPattern;
use iamlint_policy::{Document, Effect, FileKind, PolicyFile, PolicyKind};
use iamlint_semantic::principal::{HeldSource, Principal};
use iamlint_semantic::{ActionItem, DocumentFacts, Semantic};
use iamlint_syntax::SourceFile;
use iamlint_syntax::SourceKind;
use iamlint_syntax::Span;
use std::sync::Arc;

/// Why a policy could not be analyzed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("`{name}` could not be parsed: {message}")]
    Unparsed { name: String, message: String },
    #[error("`{name}` holds no policy document")]
    NotAPolicy { name: String },
}

/// One statement.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// Which document of the file, and the statement's index in it.
    pub doc: usize,
    pub index: usize,
    pub effect: Effect,
    pub sid: Option<String>,
    /// Where to point: the `Action`/`NotAction` element, else the statement.
    pub span: Span,
    pub path: String,
    pub actions: ActionSet,
    /// `NotAction`.
    pub not_action: bool,
    /// Parsed action items (for wildcard notes and tightening).
    pub action_patterns: Vec<ActionPattern>,
    /// Items with unknowns (`<X>`, `!Ref`), as written.
    pub unresolved_actions: Vec<String>,
    /// Items naming no catalog action (unknown action, malformed), lower case.
    pub unknown_actions: Vec<String>,
    /// The same items as written.
    pub unknown_as_written: Vec<String>,
    /// `NotResource`.
    pub not_resource: bool,
    /// `Resource` missing: treated as `*` where that over-approximates.
    pub resource_missing: bool,
    /// No `Resource` element (trust and resource policies): the resource the policy is
    /// attached to, one unknown the same on both sides of a comparison.
    pub attached_resource: bool,
    pub resources: Vec<Pattern>,
    pub conditions: Vec<CondEntry>,
    /// `Principal`/`NotPrincipal`: (negated, sorted (type, value) pairs).
    pub principals: Option<(bool, Vec<(String, String)>)>,
    /// The kind of the document that holds it.
    pub kind: PolicyKind,
    /// The policy that holds it, when it is not written in this file (`the AWS managed
    /// policy `AmazonS3FullAccess``): `span` and `path` are then the attachment's.
    pub via: Option<String>,
}

impl Stmt {
    /// Whether every principal this statement applies to is one `u` applies to (decided
    /// on the written values; anything else is "no").
    pub fn principals_within(&self, u: &Stmt) -> bool {
        match (&self.principals, &u.principals) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some((sn, sv)), Some((un, uv))) => {
                if *sn || *un {
                    return sn == un && sv == uv;
                }
                sv.iter().all(|(t, v)| {
                    uv.iter()
                        .any(|(ut, uv)| ut == t && (uv == v || (uv == "*" && t != "Service")))
                })
            }
        }
    }
}

impl Stmt {
    /// The statement may apply to action `a` (known or unresolved items).
    pub fn may_have(&self, a: ActionId) -> bool {
        self.actions.contains(a) || !self.unresolved_actions.is_empty()
    }

    fn resource_match(&self, arn: &str, over: bool) -> bool {
        if self.resource_missing {
            return true;
        }
        if self.not_resource {
            !self.resources.iter().any(|p| p.matches(arn, !over))
        } else {
            self.resources.iter().any(|p| p.matches(arn, over))
        }
    }

    /// Whether the statement matches the request. `over`: unknowns (unresolved actions,
    /// placeholders, undecidable conditions) count as matching; otherwise as not matching.
    pub fn matches(&self, a: ActionId, arn: &str, ctx: &Context, over: bool) -> bool {
        let action = if over {
            self.may_have(a)
        } else {
            self.actions.contains(a)
        };
        if !action || !self.resource_match(arn, over) {
            return false;
        }
        match cond::eval_block(&self.conditions, ctx) {
            Some(b) => b,
            None => over,
        }
    }
}

/// A loaded policy (all documents of a file, or one of them).
#[derive(Clone, Debug)]
pub struct Policy {
    pub source: Arc<SourceFile>,
    pub syntax: SourceKind,
    pub statements: Vec<Stmt>,
    /// How many documents the file holds.
    pub documents: usize,
    /// A permissions boundary (of a principal): a request is allowed only when the
    /// boundary allows it too.
    pub boundary: Option<Vec<Stmt>>,
}

impl Policy {
    /// Load `text` (a policy document or a CloudFormation template) named `name`. Unknowns
    /// are interned in `vars`, shared with the policy this one is compared to.
    ///
    /// # Errors
    /// [`AnalyzeError`] when the text does not parse or holds no policy document.
    pub fn load(
        semantic: &Semantic<'_>,
        name: &str,
        text: &str,
        opts: &LoadOptions,
        vars: &mut VarTable,
    ) -> Result<Policy, AnalyzeError> {
        let file = iamlint_formats::load_text(name, text, opts);
        Policy::from_file(semantic, name, text, &file, vars)
    }

    /// Build from an already loaded file.
    ///
    /// # Errors
    /// [`AnalyzeError`] when the file did not parse or holds no policy document.
    pub fn from_file(
        semantic: &Semantic<'_>,
        name: &str,
        text: &str,
        file: &PolicyFile,
        vars: &mut VarTable,
    ) -> Result<Policy, AnalyzeError> {
        if file.kind == FileKind::Unparsed {
            return Err(AnalyzeError::Unparsed {
                name: name.to_string(),
                message: file
                    .syntax_errors
                    .first()
                    .map(|e| e.message.clone())
                    .unwrap_or_else(|| "syntax error".into()),
            });
        }
        if file.documents.is_empty() {
            return Err(AnalyzeError::NotAPolicy {
                name: name.to_string(),
            });
        }
        let mut statements = Vec::new();
        for (di, doc) in file.documents.iter().enumerate() {
            let facts = semantic.document(doc);
            statements.extend(doc_statements(di, doc, &facts, vars));
        }
        Ok(Policy {
            source: SourceFile::new(name, text),
            syntax: file.syntax,
            statements,
            documents: file.documents.len(),
            boundary: None,
        })
    }

    /// One document of an already loaded file, as its own policy, from the facts the
    /// semantic layer gave for it (its statements are not expanded again).
    pub fn from_document(
        source: Arc<SourceFile>,
        syntax: SourceKind,
        doc: &Document,
        facts: &DocumentFacts,
        vars: &mut VarTable,
    ) -> Policy {
        Policy {
            source,
            syntax,
            statements: doc_statements(0, doc, facts, vars),
            documents: 1,
            boundary: None,
        }
    }

    /// What a principal ends up with: the statements of every identity policy it holds
    /// (its own, its groups', attached AWS managed ones: those point at their attachment),
    /// and its permissions boundary. `source` is the file that defines the principal.
    /// `managed`: the AWS managed policies already converted in this run (an account
    /// dump's thousands of roles attach the same few).
    pub fn from_principal(
        source: Arc<SourceFile>,
        syntax: SourceKind,
        p: &Principal<'_>,
        vars: &mut VarTable,
        managed: &ManagedStatements,
    ) -> Policy {
        let mut statements = Vec::new();
        for (i, held) in p.facts.policies.iter().enumerate() {
            if let Some((doc, facts)) = held.document(p.file, p.documents) {
                statements.extend(held_statements(i, held, doc, facts, vars, managed));
            }
        }
        let boundary = p.facts.boundary.as_ref().and_then(|held| {
            let (doc, facts) = held.document(p.file, p.documents)?;
            Some(held_statements(usize::MAX, held, doc, facts, vars, managed))
        });
        Policy {
            source,
            syntax,
            statements,
            documents: p.facts.policies.len(),
            boundary,
        }
    }

    /// Only the statements of document `doc`.
    pub fn document(&self, doc: usize) -> Policy {
        Policy {
            source: self.source.clone(),
            syntax: self.syntax,
            statements: self
                .statements
                .iter()
                .filter(|s| s.doc == doc)
                .cloned()
                .collect(),
            documents: 1,
            boundary: self.boundary.clone(),
        }
    }

    /// Standard evaluation within one policy: some `Allow` matches and no `Deny` does.
    /// `over`: unknowns resolved towards allowing (an over-approximation of what the
    /// policy allows for any value of its unknowns); otherwise towards denying.
    /// With a boundary, the boundary must allow the request too.
    pub fn allows(&self, a: ActionId, arn: &str, ctx: &Context, over: bool) -> bool {
        let evaluate = |statements: &[Stmt]| {
            statements
                .iter()
                .any(|s| s.effect == Effect::Allow && s.matches(a, arn, ctx, over))
                && !statements
                    .iter()
                    .any(|s| s.effect == Effect::Deny && s.matches(a, arn, ctx, !over))
        };
        evaluate(&self.statements) && self.boundary.as_deref().is_none_or(evaluate)
    }

    /// Whether every statement is of documents of `kind`.
    pub fn all_of_kind(&self, kind: PolicyKind) -> bool {
        self.statements.iter().all(|s| s.kind == kind)
    }
}

pub(crate) fn doc_statements(
    di: usize,
    doc: &Document,
    facts: &DocumentFacts,
    vars: &mut VarTable,
) -> Vec<Stmt> {
    let mut out = Vec::new();
    for (st, g) in facts.with(doc) {
        let Some(effect) = st.effect else { continue };
        let mut unresolved_actions = Vec::new();
        let mut unknown_actions = Vec::new();
        let mut unknown_as_written = Vec::new();
        let mut action_patterns = Vec::new();
        if let Some(list) = &st.action {
            for (t, item) in list.items.iter().zip(&g.action_items) {
                match item {
                    ActionItem::Unresolved => unresolved_actions.push(t.display()),
                    ActionItem::Error(_) | ActionItem::Invalid(_) => {
                        unknown_actions.push(t.display().to_ascii_lowercase());
                        unknown_as_written.push(t.display());
                    }
                    ActionItem::Expanded(_) => {}
                }
                if let Some(p) = t.as_literal().and_then(|s| ActionPattern::parse(s).ok()) {
                    action_patterns.push(p);
                }
            }
        }
        let attached_resource = st.resource.is_none();
        let (not_resource, resource_missing, resources) = match &st.resource {
            Some(list) => (
                list.negated,
                false,
                list.items
                    .iter()
                    .map(|t| crate::glob::compile(t, vars))
                    .collect(),
            ),
            // no `Resource`: the resource the policy is attached to (trust and resource
            // policies), the same on both sides
            None => (false, false, vec![crate::glob::attached_resource(vars)]),
        };
        let principals = st.principal.as_ref().map(|p| {
            let mut v: Vec<(String, String)> = p
                .values
                .iter()
                .map(|x| (x.principal_type.clone(), x.value.display()))
                .collect();
            v.sort();
            (p.negated, v)
        });
        out.push(Stmt {
            doc: di,
            index: st.index,
            effect,
            sid: st.sid_text().map(str::to_string),
            span: st.action.as_ref().map(|a| a.span).unwrap_or(st.span),
            path: st.path.clone(),
            actions: g.actions.clone(),
            not_action: st.action.as_ref().is_some_and(|a| a.negated),
            action_patterns,
            unresolved_actions,
            unknown_actions,
            unknown_as_written,
            not_resource,
            resource_missing,
            attached_resource,
            resources,
            conditions: cond::entries(st.condition.as_ref()),
            principals,
            kind: doc.kind,
            via: None,
        });
    }
    out
}

/// The AWS managed policies' statements converted so far, by policy name: a table of one
/// run (or one file), never of the process. A policy whose conversion interned unknowns
/// (policy variables) is converted anew each time, since its patterns name them by their
/// ids in the caller's [`VarTable`].
#[derive(Debug, Default)]
pub struct ManagedStatements {
    converted: std::sync::Mutex<std::collections::HashMap<String, Vec<Stmt>>>,
}

impl ManagedStatements {
    fn statements(
        &self,
        name: &str,
        doc: &Document,
        facts: &DocumentFacts,
        vars: &mut VarTable,
    ) -> Vec<Stmt> {
        let mut converted = self.converted.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = converted.get(name) {
            return known.clone();
        }
        let before = vars.len();
        let out = doc_statements(0, doc, facts, vars);
        if vars.len() == before {
            converted.insert(name.to_string(), out.clone());
        }
        out
    }
}

/// The statements of a policy a principal holds; an AWS managed policy's point at the
/// attachment and say which policy they come from.
fn held_statements(
    di: usize,
    held: &iamlint_semantic::principal::HeldPolicy,
    doc: &Document,
    facts: &DocumentFacts,
    vars: &mut VarTable,
    managed: &ManagedStatements,
) -> Vec<Stmt> {
    let HeldSource::Managed(m) = &held.source else {
        return doc_statements(di, doc, facts, vars);
    };
    let mut out = managed.statements(&m.name, doc, facts, vars);
    let via = format!("the AWS managed policy `{}`", m.name);
    for s in &mut out {
        s.doc = di;
        if let Some(at) = &held.attachment {
            s.span = at.span;
            s.path.clone_from(&at.path);
            s.via = Some(via.clone());
        }
    }
    out
}
