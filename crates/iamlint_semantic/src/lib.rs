//! The semantic layer: what policy documents mean against the AWS catalog.
//!
//! The policy model (`iamlint_policy`) says what was written; this crate says what it
//! means: each statement's actions expanded against the catalog ([`StatementFacts`]),
//! what a document allows after its `Deny`s ([`DocumentFacts`]), which resource types a
//! `Resource` pattern can name ([`Semantic::names_type`]). Rules and the analyzer ask
//! these questions here and never re-derive them from the text.
//!
//! A [`Semantic`] is made once per run, over the run's catalog, and shared by the files
//! (and threads) of the run: answers that recur across files (a pattern's expansion, a
//! pattern's verdict for a resource type) are kept by it, bounded, and go with it.

mod document;
mod expand;
mod keys;
mod managed;
mod memo;
pub mod principal;
mod resources;
pub use resources::lenient_format;

pub use document::DocumentFacts;
pub use expand::{expand_action, statement_facts, ActionItem, ResourceItem, StatementFacts};
pub use keys::{is_provider_prefix, KeyLookup};
pub use managed::{ManagedDocument, ManagedLookup};
pub use principal::{PrincipalFacts, TrustFacts, FEDERATION_ONLY_ACTIONS};

use iamlint_catalog::{ActionSet, Catalog, ResourceTypeId};
use iamlint_matcher::ArnFormat;
use memo::Memo;
use std::sync::OnceLock;

/// The semantic questions of one run, over one catalog, with the answers it keeps.
pub struct Semantic<'c> {
    catalog: &'c Catalog,
    /// Action strings as written → what they denote.
    expansions: Memo<String, ActionItem>,
    /// Large action sets of statements (unions of several items, complements), one copy
    /// of each: statements that grant the same set share its words.
    statement_sets: Memo<ActionSet, ActionSet>,
    /// Per resource type: its formats, parsed on first use.
    formats: Vec<OnceLock<Vec<ArnFormat>>>,
    /// Per resource pattern: the decided verdicts "can name a resource of this type".
    named: Memo<String, Vec<(ResourceTypeId, bool)>>,
    /// Condition keys as written → how they resolve.
    keys: Memo<String, keys::Resolved>,
    /// Condition keys as written → deprecated or not.
    deprecated_keys: Memo<String, bool>,
    /// Unknown service prefixes → the closest known one.
    service_suggestions: Memo<String, Option<String>>,
    /// The AWS managed policies attachments are resolved against (an input of the run).
    managed: Option<iamlint_managed::ManagedPolicies<'c>>,
    /// AWS managed policies by name → their documents, parsed and expanded on first use.
    managed_documents: Memo<String, std::sync::Arc<ManagedDocument>>,
}

impl<'c> Semantic<'c> {
    pub fn new(catalog: &'c Catalog) -> Semantic<'c> {
        Semantic {
            catalog,
            expansions: Memo::new(),
            // (8,192 bitsets, 23 MB at most: the sets policies repeat are few, and what the
            // memo keeps it keeps for the run; 65,536 distinct ones would be 180 MB)
            statement_sets: Memo::with_capacity(1 << 13),
            formats: (0..catalog.resource_type_count())
                .map(|_| OnceLock::new())
                .collect(),
            named: Memo::new(),
            keys: Memo::new(),
            deprecated_keys: Memo::new(),
            service_suggestions: Memo::new(),
            managed: None,
            managed_documents: Memo::new(),
        }
    }

    /// A semantic layer that resolves attached AWS managed policies against `managed`.
    pub fn with_managed(
        catalog: &'c Catalog,
        managed: iamlint_managed::ManagedPolicies<'c>,
    ) -> Semantic<'c> {
        Semantic {
            managed: Some(managed),
            ..Semantic::new(catalog)
        }
    }

    pub fn catalog(&self) -> &'c Catalog {
        self.catalog
    }

    /// `set`, or an equal set kept for the run (sharing its words) when `set` is large.
    pub(crate) fn shared_set(&self, set: ActionSet) -> ActionSet {
        if set.len() <= 64 {
            return set;
        }
        if let Some(kept) = self.statement_sets.get(&set) {
            return kept;
        }
        self.statement_sets.insert(set.clone(), set.clone());
        set
    }

    /// The facts of one document.
    pub fn document(&self, doc: &iamlint_policy::Document) -> DocumentFacts {
        DocumentFacts::new(self, doc)
    }
}

impl std::fmt::Debug for Semantic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semantic").finish_non_exhaustive()
    }
}
