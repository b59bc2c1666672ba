//! Each statement's actions expanded against the catalog and its resources parsed as
//! patterns: which catalog actions a statement names (a bitset; `NotAction` is the
//! complement), which action strings are unknown or unresolved, which resource patterns
//! it names. Rules and the analyzer read these, never the raw strings.

use crate::Semantic;
use iamlint_catalog::ActionSet;
use iamlint_matcher::{ActionPattern, ArnPattern, ExpandError};
use iamlint_policy::{ElementList, Statement, Text};

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
pub struct StatementFacts {
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

/// Expand one action string. A pattern's expansion is kept for the run: the same
/// patterns recur across files (`s3:Get*`, `ec2:Describe*`).
pub fn expand_action(semantic: &Semantic<'_>, text: &Text) -> ActionItem {
    let catalog = semantic.catalog();
    let Some(s) = text.as_literal() else {
        return ActionItem::Unresolved;
    };
    // Most items name one action of the catalog: look it up without compiling a pattern.
    if !iamlint_matcher::has_wildcard(s) {
        if let Some(a) = catalog.find_action(s) {
            return ActionItem::Expanded(ActionSet::single(catalog.action_count(), a));
        }
    }
    if let Some(item) = semantic.expansions.get(s) {
        return item;
    }
    let item = match ActionPattern::parse(s) {
        Ok(p) => match iamlint_matcher::expand_checked_with(catalog, &p, |prefix| {
            semantic.suggest_service(prefix)
        }) {
            Ok(set) => ActionItem::Expanded(set),
            Err(e) => ActionItem::Error(e),
        },
        Err(e) => ActionItem::Invalid(e.to_string()),
    };
    semantic.expansions.insert(s.to_owned(), item.clone());
    item
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

/// What one statement names.
pub fn statement_facts(semantic: &Semantic<'_>, st: &Statement) -> StatementFacts {
    let n = semantic.catalog().action_count();
    let mut named = ActionSet::empty(n);
    let mut action_items = Vec::with_capacity(st.action.as_ref().map_or(0, |l| l.items.len()));
    let mut unresolved = false;
    if let Some(list) = &st.action {
        for t in &list.items {
            let item = expand_action(semantic, t);
            if let ActionItem::Unresolved = &item {
                unresolved = true;
            }
            action_items.push(item);
        }
    }
    // The large expansions first, their union kept once for the run, then the few single
    // actions on top of it (an overlay on the shared words): statements that combine the
    // same wildcards with different single actions share one bitset instead of one each.
    let expanded = || {
        action_items.iter().filter_map(|i| match i {
            ActionItem::Expanded(set) => Some(set),
            _ => None,
        })
    };
    let large = |s: &&ActionSet| s.len() > ActionSet::SPARSE_MAX;
    for set in expanded().filter(large) {
        named.union_with(set);
    }
    named = semantic.shared_set(named);
    for set in expanded().filter(|s| !large(s)) {
        named.union_with(set);
    }
    let actions = match &st.action {
        // every action but the named ones: the full set (shared) with them taken away (an
        // overlay when they are few)
        Some(ElementList { negated: true, .. }) => {
            let mut all = semantic.shared_set(ActionSet::full(n));
            all.subtract(&named);
            all
        }
        _ => named,
    };
    // (the whole set kept once for the run as well: a union of several small items, a
    // `NotAction`'s complement)
    let actions = semantic.shared_set(actions);
    let resource_items: Vec<ResourceItem> = st
        .resource
        .as_ref()
        .map(|l| l.items.iter().map(resource_item).collect())
        .unwrap_or_default();
    let resource_is_star = st
        .resource
        .as_ref()
        .is_some_and(|l| !l.negated && l.items.iter().any(|t| t.as_literal() == Some("*")));
    StatementFacts {
        actions,
        action_items,
        resource_items,
        actions_unresolved: unresolved,
        resource_is_star,
    }
}
