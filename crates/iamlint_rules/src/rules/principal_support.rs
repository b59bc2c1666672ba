//! Helpers shared by the rules that judge a principal as a whole: what an attached
//! policy grants, in words. Not a rule.

use iamlint_catalog::ActionSet;
use iamlint_policy::{Document, Statement};
use iamlint_semantic::{ActionItem, DocumentFacts, StatementFacts};

/// The action items of `st` (as written) whose expansion meets `only` (all of them when
/// `None`), at most `max`, then `and N more`.
fn action_items(
    st: &Statement,
    g: &StatementFacts,
    only: Option<&ActionSet>,
    max: usize,
) -> String {
    let Some(list) = &st.action else {
        return String::new();
    };
    if list.negated {
        let items: Vec<String> = list
            .items
            .iter()
            .map(|t| format!("`{}`", t.display()))
            .collect();
        return format!("every action but {}", items.join(", "));
    }
    let shown: Vec<String> = list
        .items
        .iter()
        .zip(&g.action_items)
        .filter(|(_, item)| match (item, only) {
            (_, None) => true,
            (ActionItem::Expanded(set), Some(only)) => set.iter().any(|a| only.contains(a)),
            _ => false,
        })
        .map(|(t, _)| format!("`{}`", t.display()))
        .collect();
    let n = shown.len();
    let mut out = shown.into_iter().take(max).collect::<Vec<_>>().join(", ");
    if n > max {
        out.push_str(&format!(" and {} more", n - max));
    }
    out
}

/// Where a statement applies: `` on `*` ``, `` on `arn:…` and 2 more ``, `` on every
/// resource but `arn:…` ``.
fn resources(st: &Statement) -> String {
    let Some(list) = &st.resource else {
        return String::new();
    };
    let items: Vec<String> = list
        .items
        .iter()
        .map(|t| format!("`{}`", t.display()))
        .collect();
    let first = items.first().cloned().unwrap_or_default();
    let more = if items.len() > 1 {
        format!(" and {} more", items.len() - 1)
    } else {
        String::new()
    };
    if list.negated {
        format!(" on every resource but {first}{more}")
    } else {
        format!(" on {first}{more}")
    }
}

/// What a policy's `Allow` statements grant (those that grant some action of `only`,
/// when given), as written: `` `s3:*`, `s3-object-lambda:*` on `*` ``; statements
/// separated by `;`.
pub(crate) fn grant_words(
    doc: &Document,
    facts: &DocumentFacts,
    only: Option<&ActionSet>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (st, g) in doc.statements.iter().zip(&facts.statements) {
        if !st.is_allow() {
            continue;
        }
        if let Some(only) = only {
            let mut inter = g.actions.clone();
            inter.intersect_with(only);
            if inter.is_empty() {
                continue;
            }
        }
        let mut s = action_items(st, g, only, 4);
        s.push_str(&resources(st));
        if st.condition.is_some() {
            s.push_str(" under a condition");
        }
        parts.push(s);
    }
    let n = parts.len();
    let mut out = parts.into_iter().take(3).collect::<Vec<_>>().join("; ");
    if n > 3 {
        out.push_str(&format!(
            "; and {} more {}",
            n - 3,
            if n - 3 == 1 {
                "statement"
            } else {
                "statements"
            }
        ));
    }
    out
}
