//! The action/resource graph: each statement's actions expanded against the catalog.
//!
//! Rules and the analyzer ask this, never the raw strings: which catalog actions a
//! statement names (a bitset; `NotAction` is the complement), which action strings are
//! unknown or unresolved, which resource patterns it names, and per document the net set
//! of actions allowed after unconditional `Deny`s on every resource.

use crate::model::{Document, ElementList, Statement, Text};
use iamlint_catalog::{ActionSet, Catalog, EmbeddedMemo};
use iamlint_matcher::{ActionPattern, ArnPattern, ExpandError};

/// What one `Action`/`NotAction` item denotes.
#[derive(Clone, Debug)]
pub enum ActionItem {
    /// Expanded against the catalog (possibly empty for a wildcard matching nothing).
    Expanded(ActionSet),
    /// The pattern is malformed, names an unknown service or action, or matches nothing.
    Error(ExpandError),
    /// Syntactically not an action pattern (no `:`).
    Invalid(String),
    /// Contains a placeholder or intrinsic: unknown.
    Unresolved,
}

/// What one `Resource`/`NotResource` item denotes.
#[derive(Clone, Debug)]
pub enum ResourceItem {
    Pattern(Box<ArnPattern>),
    /// Not parseable as a resource pattern (message).
    Invalid(String),
    /// Contains a placeholder or intrinsic.
    Unresolved,
}

#[derive(Clone, Debug)]
pub struct StatementGraph {
    /// Actions the statement applies to over the catalog (`NotAction`: the complement of
    /// the named ones). Unresolved and invalid items contribute nothing.
    pub actions: ActionSet,
    /// Per `Action`/`NotAction` item, in order.
    pub action_items: Vec<ActionItem>,
    /// Per `Resource`/`NotResource` item, in order.
    pub resource_items: Vec<ResourceItem>,
    /// Some action item could not be decided (placeholder, intrinsic).
    pub actions_unresolved: bool,
    /// `Resource` is `*` (or a pattern that covers every ARN) and not negated.
    pub resource_is_star: bool,
}

#[derive(Clone, Debug)]
pub struct DocGraph {
    pub statements: Vec<StatementGraph>,
    /// Actions allowed somewhere in the document, minus those denied unconditionally on
    /// every resource.
    pub net_allowed: ActionSet,
}

/// Expand one action string.
pub fn expand_action(catalog: &Catalog, text: &Text) -> ActionItem {
    let Some(s) = text.as_literal() else {
        return ActionItem::Unresolved;
    };
    // Most items name one action of the catalog: look it up without compiling a pattern.
    if !iamlint_matcher::has_wildcard(s) {
        if let Some(a) = catalog.find_action(s) {
            return ActionItem::Expanded(ActionSet::single(catalog.action_count(), a));
        }
    }
    // Patterns recur across the files of a run (`s3:Get*`, `ec2:Describe*`): each is
    // expanded once per process.
    static PATTERNS: EmbeddedMemo<String, ActionItem> = EmbeddedMemo::new();
    PATTERNS.get_or_borrowed(catalog, s, || match ActionPattern::parse(s) {
        Ok(p) => match iamlint_matcher::expand_checked(catalog, &p) {
            Ok(set) => ActionItem::Expanded(set),
            Err(e) => ActionItem::Error(e),
        },
        Err(e) => ActionItem::Invalid(e.to_string()),
    })
}

fn resource_item(text: &Text) -> ResourceItem {
    let Some(s) = text.as_literal() else {
        return ResourceItem::Unresolved;
    };
    match ArnPattern::parse(s) {
        Ok(p) => ResourceItem::Pattern(Box::new(p)),
        Err(e) => ResourceItem::Invalid(e.to_string()),
    }
}

pub fn statement_graph(catalog: &Catalog, st: &Statement) -> StatementGraph {
    let n = catalog.action_count();
    let mut named = ActionSet::empty(n);
    let mut action_items = Vec::with_capacity(st.action.as_ref().map_or(0, |l| l.items.len()));
    let mut unresolved = false;
    if let Some(list) = &st.action {
        for t in &list.items {
            let item = expand_action(catalog, t);
            match &item {
                ActionItem::Expanded(set) => named.union_with(set),
                ActionItem::Unresolved => unresolved = true,
                _ => {}
            }
            action_items.push(item);
        }
    }
    let actions = match &st.action {
        Some(ElementList { negated: true, .. }) => named.complement(),
        _ => named,
    };
    let resource_items: Vec<ResourceItem> = st
        .resource
        .as_ref()
        .map(|l| l.items.iter().map(resource_item).collect())
        .unwrap_or_default();
    let resource_is_star = st
        .resource
        .as_ref()
        .is_some_and(|l| !l.negated && l.items.iter().any(|t| t.as_literal() == Some("*")));
    StatementGraph {
        actions,
        action_items,
        resource_items,
        actions_unresolved: unresolved,
        resource_is_star,
    }
}

pub fn document_graph(catalog: &Catalog, doc: &Document) -> DocGraph {
    let statements: Vec<StatementGraph> = doc
        .statements
        .iter()
        .map(|s| statement_graph(catalog, s))
        .collect();
    let mut net_allowed = ActionSet::empty(catalog.action_count());
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
    DocGraph {
        statements,
        net_allowed,
    }
}
