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
    let mut wild_at: Vec<Option<usize>> = vec![None; texts.len()];
    for (k, (j, _)) in wild.iter().enumerate() {
        if let Some(slot) = wild_at.get_mut(*j) {
            *slot = Some(k);
        }
    }
    let index = WildIndex::new(
        wild.iter()
            .map(|(j, _)| (set(*j).is_some(), bounds.get(*j).copied().flatten())),
    );
    // Many wildcard items: also indexed by what their literal text requires of a name.
    let grams = (wild.len() > GramIndex::MIN_ITEMS).then(|| GramIndex::new(&texts, &wild));

    // What each single name is compared by. Single names are compared by key (a name
    // covers only itself): the catalog id, or the lower-cased text of a name the catalog
    // lacks; so a list of thousands of names costs a hash map, not a quadratic scan. A
    // name of the catalog (its item expanded to that one action) is covered by a
    // wildcard pattern exactly when the pattern's expansion holds the action: the
    // pattern matches the catalog's spelling of the name, which is the item's text up to
    // case.
    let mut first_of: HashMap<NameKey, usize> =
        HashMap::with_capacity_and_hasher(texts.len(), Default::default());
    let mut names: Vec<Option<Name>> = Vec::with_capacity(texts.len());
    for (i, t) in texts.iter().enumerate() {
        let name = t.filter(|t| !has_wildcard(t)).and_then(|t| {
            let known = set(i)
                .filter(|s| s.len() == 1)
                .and_then(|s| s.iter().next());
            // names of the catalog are equal (up to case) exactly when their ids are
            let key = match known {
                Some(a) => NameKey::Id(a),
                None => NameKey::Text(name_key(t)?),
            };
            let earlier = match first_of.get(&key) {
                Some(&j) => Some(j),
                None => {
                    first_of.insert(key, i);
                    None
                }
            };
            let parsed = match known {
                Some(_) => None,
                None => ActionPattern::parse(t).ok(),
            };
            Some(Name {
                known,
                parsed,
                earlier,
            })
        });
        names.push(name);
    }

    // Whether item `j` covers item `i` (for equivalent wildcard items, only an earlier
    // `j`).
    let covers = |i: usize, j: usize| -> bool {
        let Some((_, q)) = wild_at.get(j).copied().flatten().and_then(|k| wild.get(k)) else {
            // only wildcard patterns cover, and a name its duplicates
            return names
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|n| n.earlier == Some(j));
        };
        if let Some((_, p)) = wild_at.get(i).copied().flatten().and_then(|k| wild.get(k)) {
            return i != j && may_cover(j, i) && q.covers(p) && (!p.covers(q) || j < i);
        }
        match names.get(i).and_then(Option::as_ref) {
            Some(Name {
                known: Some(a), ..
            }) => {
                bounds
                    .get(j)
                    .copied()
                    .flatten()
                    .is_some_and(|(lo, hi)| lo <= *a && *a <= hi)
                    && set(j).is_some_and(|s| s.contains(*a))
            }
            Some(Name {
                parsed: Some(p), ..
            }) => may_cover(j, i) && q.covers(p),
            _ => false,
        }
    };

    // The items that may cover item `i` (a superset of those that do), ascending.
    let mut near = Vec::new();
    let mut candidates = |i: usize, out: &mut Vec<usize>| {
        out.clear();
        let Some(t) = texts.get(i).copied().flatten() else {
            return;
        };
        let (span, earlier) = match (wild_at.get(i).copied().flatten(), names.get(i)) {
            (Some(_), _) => (bounds.get(i).copied().flatten(), None),
            (None, Some(Some(n))) => (
                n.known
                    .map(|a| (a, a))
                    .or_else(|| bounds.get(i).copied().flatten()),
                n.earlier,
            ),
            // a wildcard that does not parse, or not a name
            _ => return,
        };
        let expanded = set(i).is_some();
        let from_grams = grams.as_ref().map(|g| g.candidates(t));
        match from_grams {
            Some(ks)
                if ks.len() <= GramIndex::ENOUGH
                    || index.is_everything(span, expanded)
                    || ks.len() < wild.len() / 2 =>
            {
                out.extend(ks.iter().filter_map(|&k| wild.get(k)).map(|(j, _)| *j));
            }
            _ => {
                index.candidates(wild.len(), span, expanded, &mut near);
                out.extend(near.iter().filter_map(|&k| wild.get(k)).map(|(j, _)| *j));
            }
        }
        out.extend(earlier);
        out.sort_unstable();
        out.dedup();
    };

    // The first item covering each item, then (for an item whose first covering item is
    // itself covered) the first covering item that nothing covers, as `pick_covering`
    // chooses over the full lists of the pairwise definition; no list of every covering
    // item is kept (16,000 copies of one pattern made 128 million entries).
    let mut cands = Vec::new();
    let first: Vec<Option<usize>> = (0..texts.len())
        .map(|i| {
            candidates(i, &mut cands);
            cands.iter().copied().find(|&j| covers(i, j))
        })
        .collect();
    let mut out = Vec::new();
    for (i, f) in first.iter().enumerate() {
        let Some(f) = *f else { continue };
        let best = if first.get(f).copied().flatten().is_none() {
            f
        } else {
            candidates(i, &mut cands);
            cands
                .iter()
                .copied()
                .find(|&j| covers(i, j) && first.get(j).copied().flatten().is_none())
                .unwrap_or(f)
        };
        out.push((i, best));
    }
    out
}

/// What a single name (an item without a wildcard) is compared by.
struct Name {
    /// The catalog action it names.
    known: Option<ActionId>,
    /// Parsed, for a name the catalog lacks.
    parsed: Option<ActionPattern>,
    /// The first earlier item naming the same action.
    earlier: Option<usize>,
}

/// Wildcard items by a short piece of their literal text (one to three bytes). A pattern
/// covers an item only if it matches a name the item matches (its text with `*` read as
/// nothing, `?` as `x`, a part of stars alone as `x`: the item's probe), so every piece
/// of the pattern's literal text is in the item's probe. Each pattern is listed under
/// the piece of its literal text that the fewest probes hold; an item's candidates are
/// the patterns listed under the pieces of its probe, and those without literal text
/// (`*`, `*:*`). This separates infix patterns (`s3:*a17b*`), whose expansions are mostly
/// empty and so tell nothing apart by their id range.
struct GramIndex {
    by_gram: HashMap<u32, Vec<usize>>,
    always: Vec<usize>,
}

impl GramIndex {
    /// Below this many wildcard items, the id-range index alone is used.
    const MIN_ITEMS: usize = 128;
    /// A list of candidates this short is used without asking the id-range index.
    const ENOUGH: usize = 64;

    /// Every piece of one to three bytes of `s`, as a number (length in the top byte).
    fn grams(s: &[u8]) -> impl Iterator<Item = u32> + '_ {
        (1..=3usize).flat_map(move |n| {
            s.windows(n).map(move |w| {
                w.iter()
                    .fold(u32::try_from(n).unwrap_or(0) << 24, |g, &b| g << 8 | u32::from(b))
            })
        })
    }

    /// The lower-cased probe of an item's text: a name the item matches.
    fn probe(text: &str) -> Vec<u8> {
        let lower = text.to_ascii_lowercase();
        let part = |p: &str| {
            let mut v: Vec<u8> = p
                .bytes()
                .filter(|&b| b != b'*')
                .map(|b| if b == b'?' { b'x' } else { b })
                .collect();
            if v.is_empty() {
                v.push(b'x');
            }
            v
        };
        match lower.split_once(':') {
            Some((s, a)) => {
                let mut v = part(s);
                v.push(b':');
                v.extend(part(a));
                v
            }
            None => part(&lower),
        }
    }

    fn new(texts: &[Option<&str>], wild: &[(usize, ActionPattern)]) -> GramIndex {
        // in how many items' probes each piece occurs
        let mut count: HashMap<u32, u32> = HashMap::default();
        let mut seen: Vec<u32> = Vec::new();
        for t in texts.iter().flatten() {
            seen.clear();
            seen.extend(Self::grams(&Self::probe(t)));
            seen.sort_unstable();
            seen.dedup();
            for &g in &seen {
                *count.entry(g).or_insert(0) += 1;
            }
        }
        let mut index = GramIndex {
            by_gram: HashMap::default(),
            always: Vec::new(),
        };
        for (k, (_, q)) in wild.iter().enumerate() {
            let lower = q.as_str().to_ascii_lowercase();
            let best = lower
                .split(['*', '?'])
                .flat_map(|run| Self::grams(run.as_bytes()))
                .min_by_key(|g| (count.get(g).copied().unwrap_or(0), std::cmp::Reverse(g >> 24)));
            match best {
                Some(g) => index.by_gram.entry(g).or_default().push(k),
                None => index.always.push(k),
            }
        }
        index
    }

    /// The wildcard items (positions in `wild`) that may cover an item of text `text`,
    /// ascending and without repeats.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let probe = Self::probe(text);
        let mut out = self.always.clone();
        for g in Self::grams(&probe) {
            if let Some(l) = self.by_gram.get(&g) {
                out.extend_from_slice(l);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

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
    /// Whether [`WildIndex::candidates`] would give every item.
    fn is_everything(&self, span: Option<(ActionId, ActionId)>, expanded: bool) -> bool {
        span.filter(|_| expanded).is_none()
    }

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

    fn check_against_pairwise(items: &[String]) -> Result<(), TestCaseError> {
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
        Ok(())
    }

    /// Infix and other wildcard patterns, most matching no catalog action.
    fn wild_item() -> impl Strategy<Value = String> {
        prop_oneof![
            "(s3|S3|ec2|\\*|s\\*|s3\\?):\\*[ab]{1,2}[ab*?]{0,2}\\*",
            "(s3|ec2):(Get|get|Put|\\*)[ab*?]{0,3}",
            "(s3|\\*):\\*(Object|object|Obj)\\*?",
            item(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// Lists long enough for the piece index (more than `GramIndex::MIN_ITEMS`
        /// wildcard items), with many duplicates and infix patterns.
        #[test]
        fn long_lists_match_the_pairwise_definition(
            items in prop::collection::vec(wild_item(), 135..170)
        ) {
            prop_assume!(items.iter().filter(|i| has_wildcard(i)).count() > GramIndex::MIN_ITEMS);
            check_against_pairwise(&items)?;
        }
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
