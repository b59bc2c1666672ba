//! What the analyzer answers about, in a file: each principal's identity permissions
//! (every policy it holds, AWS managed ones included, with its boundary), each role's
//! trust policy, and each document no principal holds, one by one. Documents of
//! different principals or kinds are never pooled: a `Deny` of one role does not hide
//! another role's grants, and a trust policy's `sts:AssumeRole` is not a grant of the
//! role.

use crate::glob::VarTable;
use crate::policy::{ManagedStatements, Policy};
use iamlint_policy::{PolicyFile, PolicyKind, PrincipalDef};
use iamlint_semantic::principal::Principal;
use iamlint_semantic::{DocumentFacts, PrincipalFacts, Semantic};
use iamlint_syntax::SourceFile;
use std::sync::Arc;

/// What one answer is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectOf {
    /// The identity permissions of a principal (index into `PolicyFile::principals`).
    Principal(usize),
    /// The trust policy of a role (index into `PolicyFile::principals`).
    Trust(usize),
    /// A document no principal holds (index into `PolicyFile::documents`).
    Document(usize),
}

/// One thing the analyzer answers about, with its policy.
#[derive(Clone, Debug)]
pub struct Subject {
    pub of: SubjectOf,
    /// `` role `SLIM-Extras_for_Lambda` ``, `` the trust policy of role `X` ``, `` the
    /// policy `Resources.P.Properties.PolicyDocument` ``, `` the policy `` (a whole-file
    /// policy).
    pub label: String,
    /// The kind of its documents (identity for a principal's permissions).
    pub kind: PolicyKind,
    pub policy: Policy,
    /// The policies it holds, described (principals only).
    pub policies: Vec<String>,
    /// What could not be resolved (principals only): the answer may be incomplete.
    pub incomplete: Vec<String>,
    /// The instance profiles that hold the role (trust subjects).
    pub instance_profiles: Vec<String>,
}

impl Subject {
    /// The principal it is about, if any.
    pub fn principal(&self) -> Option<usize> {
        match self.of {
            SubjectOf::Principal(i) | SubjectOf::Trust(i) => Some(i),
            SubjectOf::Document(_) => None,
        }
    }
}

/// A loaded file with the semantic facts of its documents and principals.
pub struct Analyzed<'s> {
    pub name: String,
    pub source: Arc<SourceFile>,
    pub file: PolicyFile,
    pub documents: Vec<DocumentFacts>,
    pub principals: Vec<PrincipalFacts>,
    semantic: &'s Semantic<'s>,
    /// The AWS managed policies its principals hold, each converted once.
    managed: ManagedStatements,
}

impl<'s> Analyzed<'s> {
    /// Facts of an already loaded file.
    pub fn new(semantic: &'s Semantic<'s>, name: &str, text: &str, file: PolicyFile) -> Self {
        let documents: Vec<DocumentFacts> = file
            .documents
            .iter()
            .map(|d| semantic.document(d))
            .collect();
        let principals = semantic.principals(&file, &documents);
        Analyzed {
            name: name.to_string(),
            source: SourceFile::new(name, text),
            file,
            documents,
            principals,
            semantic,
            managed: ManagedStatements::default(),
        }
    }

    pub fn semantic(&self) -> &'s Semantic<'s> {
        self.semantic
    }

    /// The semantic view of principal `i`.
    pub fn principal(&self, i: usize) -> Option<Principal<'_>> {
        Some(Principal {
            def: self.file.principals.get(i)?,
            facts: self.principals.get(i)?,
            file: &self.file,
            documents: &self.documents,
        })
    }

    /// The principal `name` names: its logical id (or the id a script or dump gives it),
    /// its name, an ARN ending in its name (`arn:aws:iam::123456789012:role/path/Name`),
    /// or an instance profile that holds it.
    ///
    /// # Errors
    /// A message listing the principals, when none or several match.
    pub fn find_principal(&self, name: &str) -> Result<usize, String> {
        let wanted = match name.strip_prefix("arn:") {
            Some(_) => name.rsplit('/').next().unwrap_or(name),
            None => name,
        };
        let hits: Vec<usize> = self
            .file
            .principals
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.id == name
                    || p.id == wanted
                    || p.display_name() == wanted
                    || p.instance_profiles.iter().any(|ip| ip == name)
            })
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!(
                "`{}` defines no principal named `{name}`{}",
                self.name,
                self.listing()
            )),
            _ => Err(format!(
                "`{name}` names several principals of `{}`{}; use a logical id",
                self.name,
                self.listing()
            )),
        }
    }

    fn listing(&self) -> String {
        if self.file.principals.is_empty() {
            return " (it defines none)".to_string();
        }
        let names: Vec<String> = self
            .file
            .principals
            .iter()
            .map(describe_principal)
            .collect();
        format!(" (it defines {})", names.join(", "))
    }

    /// The identity permissions of principal `i`, as one policy.
    pub fn principal_policy(&self, i: usize, vars: &mut VarTable) -> Option<Policy> {
        let p = self.principal(i)?;
        Some(Policy::from_principal(
            Arc::clone(&self.source),
            self.file.syntax,
            &p,
            vars,
            &self.managed,
        ))
    }

    /// Document `d` alone, as a policy.
    pub fn document_policy(&self, d: usize, vars: &mut VarTable) -> Option<Policy> {
        Some(Policy::from_document(
            Arc::clone(&self.source),
            self.file.syntax,
            self.file.documents.get(d)?,
            self.documents.get(d)?,
            vars,
        ))
    }

    /// Whether some principal holds document `d`.
    pub fn is_held(&self, d: usize) -> bool {
        self.file
            .principals
            .iter()
            .any(|p| p.documents().any(|x| x == d))
    }

    /// The subjects of principal `i`: its identity permissions, then its trust policy.
    pub fn principal_subjects(&self, i: usize, vars: &mut VarTable) -> Vec<Subject> {
        let (Some(def), Some(facts)) = (self.file.principals.get(i), self.principals.get(i)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let who = principal_label(def);
        let policies: Vec<String> = facts
            .policies
            .iter()
            .map(|h| {
                let d = h.describe(&self.file);
                match &h.via_group {
                    Some(g) => format!("{d} (group `{g}`)"),
                    None => d,
                }
            })
            .chain(
                facts
                    .boundary
                    .as_ref()
                    .map(|b| format!("{} (permissions boundary)", b.describe(&self.file))),
            )
            .collect();
        let incomplete: Vec<String> = facts
            .unresolved
            .iter()
            .map(|u| format!("`{}`: {}", u.what, u.reason()))
            .collect();
        if let Some(policy) = self.principal_policy(i, vars) {
            out.push(Subject {
                of: SubjectOf::Principal(i),
                label: who.clone(),
                kind: PolicyKind::Identity,
                policy,
                policies,
                incomplete,
                instance_profiles: Vec::new(),
            });
        }
        if let Some(t) = def.trust {
            if let Some(policy) = self.document_policy(t, vars) {
                out.push(Subject {
                    of: SubjectOf::Trust(i),
                    label: format!("the trust policy of {who}"),
                    kind: PolicyKind::Trust,
                    policy,
                    policies: Vec::new(),
                    incomplete: Vec::new(),
                    instance_profiles: def.instance_profiles.clone(),
                });
            }
        }
        out
    }

    /// Every subject of the file: each principal (identity, then trust), then each
    /// document no principal holds.
    pub fn subjects(&self, vars: &mut VarTable) -> Vec<Subject> {
        let mut out = Vec::new();
        self.for_each_subject(vars, |s| out.push(s));
        out
    }

    /// [`Analyzed::subjects`] one at a time, each dropped after `f` has it: an account dump
    /// of thousands of roles is never held as policies all at once.
    pub fn for_each_subject(&self, vars: &mut VarTable, mut f: impl FnMut(Subject)) {
        for i in 0..self.file.principals.len() {
            for s in self.principal_subjects(i, vars) {
                f(s);
            }
        }
        // which documents some principal holds, once (asking `is_held` per document scans
        // every principal: quadratic on an account dump)
        let mut held = vec![false; self.file.documents.len()];
        for p in &self.file.principals {
            for d in p.documents() {
                if let Some(h) = held.get_mut(d) {
                    *h = true;
                }
            }
        }
        for (d, doc) in self.file.documents.iter().enumerate() {
            if held[d] {
                continue;
            }
            let Some(policy) = self.document_policy(d, vars) else {
                continue;
            };
            let label = if doc.origin.path.is_empty() {
                "the policy".to_string()
            } else {
                format!("the policy `{}`", doc.origin.path)
            };
            f(Subject {
                of: SubjectOf::Document(d),
                label,
                kind: doc.kind,
                policy,
                policies: Vec::new(),
                incomplete: Vec::new(),
                instance_profiles: Vec::new(),
            });
        }
    }
}

/// `` role `Name` `` (with the logical id when it differs).
pub fn principal_label(def: &PrincipalDef) -> String {
    format!("{} `{}`", def.kind.as_str(), def.display_name())
}

fn describe_principal(def: &PrincipalDef) -> String {
    if def.display_name() == def.id {
        format!("{} `{}`", def.kind.as_str(), def.id)
    } else {
        format!(
            "{} `{}` (`{}`)",
            def.kind.as_str(),
            def.display_name(),
            def.id
        )
    }
}
