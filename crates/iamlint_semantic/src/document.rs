//! What one policy document means: its statements' expansions and the actions it allows
//! after its own `Deny`s.

use crate::expand::{statement_facts, StatementFacts};
use crate::Semantic;
use iamlint_catalog::ActionSet;
use iamlint_policy::{Document, Statement};

/// The facts of one document, computed once and shared by every rule and the analyzer.
#[derive(Clone, Debug)]
pub struct DocumentFacts {
    /// Per statement, in order.
    pub statements: Vec<StatementFacts>,
    /// Actions allowed somewhere in the document, minus those denied unconditionally on
    /// every resource.
    pub net_allowed: ActionSet,
}

impl DocumentFacts {
    pub fn new(semantic: &Semantic<'_>, doc: &Document) -> DocumentFacts {
        let statements: Vec<StatementFacts> = doc
            .statements
            .iter()
            .map(|s| statement_facts(semantic, s))
            .collect();
        let mut net_allowed = ActionSet::empty(semantic.catalog().action_count());
        for (s, g) in doc.statements.iter().zip(&statements) {
            if s.is_allow() {
                net_allowed.union_with(&g.actions);
            }
        }
        for (s, g) in doc.statements.iter().zip(&statements) {
            if s.is_deny() && s.condition.is_none() && g.resource_is_star && !g.actions_unresolved {
                net_allowed.subtract(&g.actions);
            }
        }
        // (one copy of each large set for the run: documents that allow the same share it)
        let net_allowed = semantic.shared_set(net_allowed);
        DocumentFacts {
            statements,
            net_allowed,
        }
    }

    /// Each statement of `doc` (the document these facts were made from) with its facts.
    pub fn with<'a>(
        &'a self,
        doc: &'a Document,
    ) -> impl Iterator<Item = (&'a Statement, &'a StatementFacts)> + 'a {
        doc.statements.iter().zip(self.statements.iter())
    }

    /// Actions denied unconditionally on every resource by some `Deny` of `doc`.
    pub fn denied_everywhere(&self, doc: &Document) -> ActionSet {
        let mut set = ActionSet::empty(self.net_allowed.universe());
        for (s, g) in self.with(doc) {
            if s.is_deny() && s.condition.is_none() && g.resource_is_star {
                set.union_with(&g.actions);
            }
        }
        set
    }
}
