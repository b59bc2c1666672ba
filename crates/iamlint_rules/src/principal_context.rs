//! What a rule sees of a principal (a user, group or role the file defines), and the
//! engine's pass over the principals of a file.

use crate::context::{DocContext, FileContext, Finding, Sink};
use crate::data::RuleData;
use crate::Rule;
use iamlint_catalog::Catalog;
use iamlint_policy::{Document, PolicyFile, PrincipalDef};
use iamlint_report::RuleInfo;
use iamlint_semantic::principal::{HeldPolicy, Principal};
use iamlint_semantic::{DocumentFacts, PrincipalFacts, Semantic};

/// One principal of the file, with what the semantic layer resolved of it.
pub struct PrincipalContext<'a> {
    pub file: &'a FileContext<'a>,
    pub principal: Principal<'a>,
}

impl<'a> PrincipalContext<'a> {
    pub fn def(&self) -> &'a PrincipalDef {
        self.principal.def
    }

    pub fn facts(&self) -> &'a PrincipalFacts {
        self.principal.facts
    }

    pub fn catalog(&self) -> &'a Catalog {
        self.file.catalog
    }

    pub fn semantic(&self) -> &'a Semantic<'a> {
        self.file.semantic
    }

    pub fn data(&self) -> &'a RuleData<'a> {
        self.file.data
    }

    /// How messages name the principal: `` role `SLIM-Extras_for_Lambda` ``.
    pub fn subject(&self) -> String {
        let def = self.def();
        format!("{} `{}`", def.kind.as_str(), def.display_name())
    }

    /// A document context for a policy the principal holds (an attached AWS managed
    /// policy included), so that the per-document helpers read it. Its spans are not
    /// the file's when the policy is an AWS managed one: point at the attachment.
    pub fn doc_context<'b>(
        &'b self,
        doc: &'b Document,
        facts: &'b DocumentFacts,
    ) -> DocContext<'b> {
        DocContext {
            file: self.file,
            doc,
            facts,
            grants: std::cell::OnceCell::new(),
            budget: None,
        }
    }

    /// The policies the principal holds, each with its document and facts.
    pub fn policies(
        &self,
    ) -> impl Iterator<Item = (&'a HeldPolicy, &'a Document, &'a DocumentFacts)> + 'a {
        self.principal.policies().map(|(_, h, d, f)| (h, d, f))
    }

    /// A note for a finding whose verdict may miss policies of the principal that could
    /// not be resolved.
    pub fn incomplete_note(&self) -> Option<String> {
        let u = &self.facts().unresolved;
        if u.is_empty() {
            return None;
        }
        let list: Vec<String> = u.iter().take(3).map(|u| format!("`{}`", u.what)).collect();
        let more = if u.len() > 3 {
            format!(" and {} more", u.len() - 3)
        } else {
            String::new()
        };
        Some(format!(
            "incomplete: {} of {} could not be resolved ({}{more}), so it may be granted more than this",
            if u.len() == 1 { "1 attachment".to_string() } else { format!("{} attachments", u.len()) },
            self.subject(),
            list.join(", ")
        ))
    }
}

/// Run every rule's principal check over the principals of `file`.
pub(crate) fn check_principals(
    rules: &[&'static dyn Rule],
    fcx: &FileContext<'_>,
    file: &PolicyFile,
    documents: &[DocumentFacts],
    raw: &mut Vec<(&'static RuleInfo, Finding)>,
    budget: &crate::context::Budget,
) {
    if file.principals.is_empty() || budget.exceeded() {
        return;
    }
    let facts = fcx.semantic.principals(file, documents);
    for (def, pf) in file.principals.iter().zip(&facts) {
        if budget.exceeded() {
            return;
        }
        let cx = PrincipalContext {
            file: fcx,
            principal: Principal {
                def,
                facts: pf,
                file,
                documents,
            },
        };
        for r in rules {
            let mut sink = Sink::with_budget(budget);
            r.check_principal(&cx, &mut sink);
            raw.extend(sink.findings.into_iter().map(|f| (r.info(), f)));
        }
    }
}
