use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ActionPattern;
use iamlint_policy::graph::ActionItem;
use iamlint_policy::ElementList;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` (or `NotAction`) item that another item of the same statement
    /// already covers: `s3:GetObject` next to `s3:Get*`, anything of `s3` next to `s3:*`,
    /// and exact duplicates (action names are case-insensitive, so `s3:getobject` and
    /// `s3:GetObject` are duplicates).
    ///
    /// Coverage is decided on the patterns themselves, for every possible action name, so
    /// the verdict does not depend on the catalog. Items with placeholders or
    /// CloudFormation intrinsics are never compared.
    ///
    /// ## Why is this bad?
    /// The item changes nothing: it makes the policy longer (policies have size quotas)
    /// and suggests to a reviewer that the statement is narrower than it is.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM JSON policy elements: Action (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub RedundantAction {
        code: "IAM501",
        name: "redundant-action",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "an action item already covered by another item of the same statement",
    }
}

impl Rule for RedundantAction {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for (st, g) in cx.statements() {
            let Some(list) = &st.action else { continue };
            for (redundant, covering) in redundant_items(list, &g.action_items) {
                let (Some(r), Some(c)) = (list.items.get(redundant), list.items.get(covering))
                else {
                    continue;
                };
                let (rs, cs) = (r.display(), c.display());
                let key = list.key_name("Action");
                let (message, other) = if rs == cs {
                    (
                        format!("`{rs}` is listed twice in `{key}`"),
                        "first listed here".to_string(),
                    )
                } else if rs.eq_ignore_ascii_case(&cs) {
                    (
                        format!("`{rs}` duplicates `{cs}` in `{key}` (action names are case-insensitive)"),
                        "same action".to_string(),
                    )
                } else {
                    (
                        format!("`{rs}` is already covered by `{cs}` in the same `{key}`"),
                        format!("`{cs}` covers it"),
                    )
                };
                sink.report(
                    Finding::new(r.span, r.path.clone(), message)
                        .label("redundant")
                        .secondary(c.span, other)
                        .help(format!("remove `{rs}`"))
                        .sid(st),
                );
            }
        }
    }
}

/// Pairs (redundant item, covering item) of an action list. Of two equivalent items the
/// later one is redundant; the covering item is one that is not itself redundant.
fn redundant_items(list: &ElementList, expanded: &[ActionItem]) -> Vec<(usize, usize)> {
    // a cheap necessary condition before the automata: a covering pattern expands to a
    // superset of the covered one's catalog actions
    let set = |i: usize| match expanded.get(i) {
        Some(ActionItem::Expanded(s)) => Some(s),
        _ => None,
    };
    let may_cover = |j: usize, i: usize| match (set(j), set(i)) {
        (Some(q), Some(p)) => p.is_subset(q),
        _ => true,
    };
    let pats: Vec<Option<ActionPattern>> = list
        .items
        .iter()
        .map(|t| t.as_literal().and_then(|s| ActionPattern::parse(s).ok()))
        .collect();
    // Single names are compared by their lower-cased text (a name covers only itself), so
    // a list of thousands of names costs a hash map, not a quadratic scan; only patterns
    // with a wildcard are compared pairwise.
    let key = |p: &ActionPattern| -> Option<String> {
        if p.has_wildcard() {
            return None;
        }
        Some(format!("{}:{}", p.service_part()?, p.action_part()?))
    };
    let keys: Vec<Option<String>> = pats.iter().map(|p| p.as_ref().and_then(key)).collect();
    let wild: Vec<usize> = pats
        .iter()
        .enumerate()
        .filter(|(_, p)| p.as_ref().is_some_and(ActionPattern::has_wildcard))
        .map(|(j, _)| j)
        .collect();
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    // covered_by[i]: items j != i that cover item i (for equivalent items, only earlier j),
    // ascending.
    let mut covered_by: Vec<Vec<usize>> = vec![Vec::new(); pats.len()];
    for (i, p) in pats.iter().enumerate() {
        let Some(p) = p else { continue };
        let Some(by) = covered_by.get_mut(i) else {
            continue;
        };
        if let Some(Some(k)) = keys.get(i) {
            match first_of.get(k.as_str()) {
                Some(&j) => by.push(j),
                None => {
                    first_of.insert(k.as_str(), i);
                }
            }
            for &j in &wild {
                if pats
                    .get(j)
                    .and_then(Option::as_ref)
                    .is_some_and(|q| q.covers(p))
                {
                    by.push(j);
                }
            }
        } else {
            for &j in &wild {
                let Some(q) = pats.get(j).and_then(Option::as_ref) else {
                    continue;
                };
                if i == j || !may_cover(j, i) || !q.covers(p) {
                    continue;
                }
                if !p.covers(q) || j < i {
                    by.push(j);
                }
            }
        }
        by.sort_unstable();
    }
    pick_covering(&covered_by)
}

/// For each covered item, the covering item to name: preferably one that is not covered
/// itself.
pub(crate) fn pick_covering(covered_by: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, by) in covered_by.iter().enumerate() {
        let best = by
            .iter()
            .copied()
            .find(|&j| covered_by.get(j).is_some_and(Vec::is_empty))
            .or_else(|| by.first().copied());
        if let Some(j) = best {
            out.push((i, j));
        }
    }
    out
}
