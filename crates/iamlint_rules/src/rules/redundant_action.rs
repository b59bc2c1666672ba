use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::{ActionId, ActionSet};
use iamlint_matcher::ActionPattern;
use iamlint_policy::ElementList;
use iamlint_semantic::ActionItem;
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

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
    // (the smallest and largest action of each expansion first: most pairs of patterns
    // name different services, whose id ranges do not nest)
    let bounds: Vec<Option<(ActionId, ActionId)>> = (0..expanded.len())
        .map(|i| set(i).and_then(ActionSet::bounds))
        .collect();
    let may_cover = |j: usize, i: usize| match (set(j), set(i)) {
        (Some(q), Some(p)) => {
            let enclosed = match (
                bounds.get(j).copied().flatten(),
                bounds.get(i).copied().flatten(),
            ) {
                (Some((qlo, qhi)), Some((plo, phi))) => qlo <= plo && phi <= qhi,
                (_, None) => true,
                (None, Some(_)) => false,
            };
            enclosed && p.is_subset(q)
        }
        _ => true,
    };
    let texts: Vec<Option<&str>> = list.items.iter().map(|t| t.as_literal()).collect();
    // Only patterns with a wildcard are parsed up front: they are compared pairwise.
    let wild: Vec<(usize, ActionPattern)> = texts
        .iter()
        .enumerate()
        .filter_map(|(j, t)| {
            let t = (*t)?;
            if !has_wildcard(t) {
                return None;
            }
            ActionPattern::parse(t).ok().map(|p| (j, p))
        })
        .collect();
    let index = WildIndex::new(
        wild.iter()
            .map(|(j, _)| (set(*j).is_some(), bounds.get(*j).copied().flatten())),
    );
    let mut near = Vec::new();
    // Single names are compared by key (a name covers only itself): the catalog id, or the
    // lower-cased text of a name the catalog lacks; so a list of thousands of names costs
    // a hash map, not a quadratic scan. A name of the catalog (its item expanded to that
    // one action) is covered by a wildcard pattern exactly when the pattern's expansion
    // holds the action: the pattern matches the catalog's spelling of the name, which is
    // the item's text up to case.
    let mut first_of: HashMap<NameKey, usize> =
        HashMap::with_capacity_and_hasher(texts.len(), Default::default());
    // covered_by[i]: items j != i that cover item i (for equivalent items, only earlier j),
    // ascending.
    let mut covered_by: Vec<Vec<usize>> = vec![Vec::new(); texts.len()];
    for (i, t) in texts.iter().enumerate() {
        let Some(t) = *t else { continue };
        let Some(by) = covered_by.get_mut(i) else {
            continue;
        };
        if !has_wildcard(t) {
            let known = set(i)
                .filter(|s| s.len() == 1)
                .and_then(|s| s.iter().next());
            // names of the catalog are equal (up to case) exactly when their ids are
            let key = match known {
                Some(a) => NameKey::Id(a),
                None => match name_key(t) {
                    Some(k) => NameKey::Text(k),
                    None => continue,
                },
            };
            if let Some(&j) = first_of.get(&key) {
                by.push(j);
            } else {
                first_of.insert(key, i);
            }
            let parsed = match known {
                Some(_) => None,
                None => ActionPattern::parse(t).ok(),
            };
            let span = known
                .map(|a| (a, a))
                .or_else(|| bounds.get(i).copied().flatten());
            index.candidates(wild.len(), span, set(i).is_some(), &mut near);
            for (j, q) in near.iter().filter_map(|&k| wild.get(k)) {
                let covers = match (known, &parsed) {
                    (Some(a), _) => {
                        bounds
                            .get(*j)
                            .copied()
                            .flatten()
                            .is_some_and(|(lo, hi)| lo <= a && a <= hi)
                            && set(*j).is_some_and(|s| s.contains(a))
                    }
                    (None, Some(p)) => may_cover(*j, i) && q.covers(p),
                    (None, None) => false,
                };
                if covers {
                    by.push(*j);
                }
            }
        } else {
            let Some(p) = wild.iter().find(|(j, _)| *j == i).map(|(_, p)| p) else {
                continue;
            };
            let span = bounds.get(i).copied().flatten();
            index.candidates(wild.len(), span, set(i).is_some(), &mut near);
            for (j, q) in near.iter().filter_map(|&k| wild.get(k)) {
                let j = *j;
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

/// The wildcard items that may cover an item, without looking at every one: a covering
/// pattern's expansion encloses the covered one's (`may_cover`), and expansions of
/// one service's patterns span that service's short run of ids. So the patterns are
/// sorted by their smallest action id, and a scan down from the covered item's smallest id
/// stops where no pattern at or below reaches its largest id (`reach`, a running
/// maximum). The candidates are a superset of the items that pass `may_cover`.
struct WildIndex {
    /// (smallest id, largest id, position in `wild`), by smallest id.
    ranged: Vec<(ActionId, ActionId, usize)>,
    /// `reach[m]`: the largest id of `ranged[..=m]`.
    reach: Vec<ActionId>,
    /// Positions in `wild` of items that were not expanded (any item may be theirs).
    unexpanded: Vec<usize>,
}

impl WildIndex {
    /// From, per wildcard item: whether it was expanded, and its expansion's bounds.
    fn new(items: impl Iterator<Item = (bool, Option<(ActionId, ActionId)>)>) -> WildIndex {
        let mut ranged = Vec::new();
        let mut unexpanded = Vec::new();
        for (k, item) in items.enumerate() {
            match item {
                (false, _) => unexpanded.push(k),
                (true, Some((lo, hi))) => ranged.push((lo, hi, k)),
                // an empty expansion encloses no other
                (true, None) => {}
            }
        }
        ranged.sort_unstable();
        let reach = ranged
            .iter()
            .scan(0, |max, &(_, hi, _)| {
                *max = hi.max(*max);
                Some(*max)
            })
            .collect();
        WildIndex {
            ranged,
            reach,
            unexpanded,
        }
    }

    /// Into `out`, the positions in `wild` (of `len` items) of those that may cover an
    /// item whose expansion spans `span` (`expanded`: the item was expanded at all). An
    /// unexpanded item, or one whose expansion is empty, may be covered by any of them.
    fn candidates(
        &self,
        len: usize,
        span: Option<(ActionId, ActionId)>,
        expanded: bool,
        out: &mut Vec<usize>,
    ) {
        out.clear();
        let Some((lo, hi)) = span.filter(|_| expanded) else {
            out.extend(0..len);
            return;
        };
        out.extend_from_slice(&self.unexpanded);
        let end = self.ranged.partition_point(|&(qlo, _, _)| qlo <= lo);
        for m in (0..end).rev() {
            if self.reach.get(m).is_none_or(|&r| r < hi) {
                break;
            }
            if let Some(&(_, qhi, k)) = self.ranged.get(m) {
                if qhi >= hi {
                    out.push(k);
                }
            }
        }
    }
}

/// How single names are compared: by catalog id, or by lower-cased text when unknown.
#[derive(PartialEq, Eq, Hash)]
enum NameKey {
    Id(iamlint_catalog::ActionId),
    Text(String),
}

fn has_wildcard(text: &str) -> bool {
    iamlint_matcher::has_wildcard(text)
}

/// The lower-cased `service:action` of a single action name, when it has that shape
/// (what [`ActionPattern::parse`] accepts for a text without wildcards).
fn name_key(text: &str) -> Option<String> {
    let (service, action) = text.split_once(':')?;
    (!service.is_empty() && !action.is_empty() && !action.contains(':'))
        .then(|| text.to_ascii_lowercase())
}

/// Pairs (redundant item, covering item) found by comparing every parsed item with every
/// other (`covers(q, p)`: `q` covers `p`). Of two equivalent items the later one is
/// redundant. Quadratic: for short lists, and as the definition the faster
/// [`redundant_items`] is tested against.
pub(crate) fn pairwise_redundant<P>(
    pats: &[Option<P>],
    covers: impl Fn(&P, &P) -> bool,
) -> Vec<(usize, usize)> {
    let mut covered_by: Vec<Vec<usize>> = vec![Vec::new(); pats.len()];
    for (i, p) in pats.iter().enumerate() {
        let Some(p) = p else { continue };
        for (j, q) in pats.iter().enumerate() {
            let Some(q) = q else { continue };
            if i != j && covers(q, p) && (!covers(p, q) || j < i) {
                if let Some(by) = covered_by.get_mut(i) {
                    by.push(j);
                }
            }
        }
    }
    pick_covering(&covered_by)
}

/// For each covered item, the covering item to name: preferably one that is not covered
/// itself.
fn pick_covering(covered_by: &[Vec<usize>]) -> Vec<(usize, usize)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_catalog::Catalog;
    use proptest::prelude::*;

    /// The definition: every item compared with every other by pattern containment.
    fn pairwise(list: &ElementList) -> Vec<(usize, usize)> {
        let pats: Vec<Option<ActionPattern>> = list
            .items
            .iter()
            .map(|t| t.as_literal().and_then(|s| ActionPattern::parse(s).ok()))
            .collect();
        pairwise_redundant(&pats, ActionPattern::covers)
    }

    fn item() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "s3:GetObject",
            "S3:getobject",
            "s3:GetObjectAcl",
            "s3:Get*",
            "s3:*Object",
            "s3:*",
            "s3:Get?bject",
            "s3:NotAnAction",
            "s3:notanaction",
            "s3:NotAn*",
            "s3x:GetObject",
            "s3x:Get*",
            "*:GetObject",
            "*",
            "ec2:DescribeInstances",
            "ec2:Describe*",
            "ec2:*Zzz*",
            "iam:GetRole",
            "iam:Get*",
            "iam:*",
            "s3*:Get*",
            "e*:*",
            "nocolon",
            "s3:",
            "a:b:c",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        /// The hash map for names, the catalog lookups, the expansion prefilter and the
        /// index of wildcard items by their expansion's ids give exactly the pairs of the
        /// pairwise definition.
        #[test]
        fn redundant_items_match_the_pairwise_definition(
            items in prop::collection::vec(item(), 0..16)
        ) {
            let cat = &Catalog::embedded();
            let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}]}}"#,
                quoted.join(", ")
            );
            let file = iamlint_formats::load_text("p.json", &text, &iamlint_formats::LoadOptions::default());
            let doc = &file.documents[0];
            let st = &doc.statements[0];
            let g = iamlint_semantic::Semantic::new(cat).document(doc);
            let list = st.action.as_ref().expect("an Action list");
            prop_assert_eq!(redundant_items(list, &g.statements[0].action_items), pairwise(list));
        }
    }
}
