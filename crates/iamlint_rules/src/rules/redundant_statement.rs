use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Condition, PrincipalBlock, Statement};
use iamlint_semantic::{ActionItem, ResourceItem, StatementFacts};
use iamlint_syntax::Span;
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement whose whole grant another `Allow` statement of the
    /// same document already makes: every action it allows is allowed by the other
    /// statement (compared over the catalog, so `s3:GetObject` is covered by `s3:Get*`),
    /// every resource pattern it names is covered by one of the other's, the principals
    /// are the same, and the other statement has no `Condition` or exactly the same one.
    ///
    /// The check is conservative: a statement with a placeholder, a CloudFormation
    /// intrinsic, an unknown action or a `NotResource` is never reported or used as the
    /// covering statement. Of two identical statements, the later one is reported.
    ///
    /// ## Why is this bad?
    /// The statement adds nothing. Reviewers read it as a separate grant, and when the
    /// covering statement is narrowed later, the copy keeps granting part of what was
    /// meant to be removed.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}, {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## References
    /// - Policy evaluation logic (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
    pub RedundantStatement {
        code: "IAM502",
        name: "redundant-statement",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "an `Allow` statement whose whole grant another statement already makes",
    }
}

/// The parts of a statement this rule compares, when all of them are known.
struct Known<'a> {
    st: &'a Statement,
    g: &'a StatementFacts,
    /// The smallest action granted: a cheap test before the subset test.
    first: iamlint_catalog::ActionId,
    principal: Option<Vec<(String, String)>>,
    negated_principal: bool,
    condition: Option<Vec<ConditionEntry>>,
}

/// A condition clause as compared: operator, lower-cased key, sorted values.
type ConditionEntry = (String, String, Vec<String>);

fn principal_key(b: &PrincipalBlock) -> Option<Vec<(String, String)>> {
    let mut v = Vec::new();
    for p in &b.values {
        v.push((p.principal_type.clone(), p.value.as_literal()?.to_string()));
    }
    v.sort();
    v.dedup();
    Some(v)
}

fn condition_key(c: &Condition) -> Option<Vec<ConditionEntry>> {
    let mut v = Vec::new();
    for (clause, entry) in c.entries() {
        let op = clause.operator_text.as_literal()?.to_string();
        let key = entry.key.as_literal()?.to_ascii_lowercase();
        let mut values = Vec::new();
        for val in &entry.values {
            values.push(val.as_literal()?.to_string());
        }
        values.sort();
        v.push((op, key, values));
    }
    v.sort();
    Some(v)
}

fn known<'a>(st: &'a Statement, g: &'a StatementFacts) -> Option<Known<'a>> {
    if !st.is_allow() || st.action.is_none() {
        return None;
    }
    if !g
        .action_items
        .iter()
        .all(|i| matches!(i, ActionItem::Expanded(_)))
    {
        return None;
    }
    if let Some(r) = &st.resource {
        if r.negated
            || !g
                .resource_items
                .iter()
                .all(|i| matches!(i, ResourceItem::Pattern(_)))
        {
            return None;
        }
    }
    let (principal, negated_principal) = match &st.principal {
        Some(b) => (Some(principal_key(b)?), b.negated),
        None => (None, false),
    };
    let condition = match &st.condition {
        Some(c) => Some(condition_key(c)?),
        None => None,
    };
    Some(Known {
        st,
        g,
        first: g.actions.iter().next()?,
        principal,
        negated_principal,
        condition,
    })
}

/// Whether `b` makes every grant of `a`.
fn covers(b: &Known<'_>, a: &Known<'_>) -> bool {
    if !b.g.actions.contains(a.first) || !a.g.actions.is_subset(&b.g.actions) {
        return false;
    }
    if a.principal != b.principal || a.negated_principal != b.negated_principal {
        return false;
    }
    if b.condition.is_some() && b.condition != a.condition {
        return false;
    }
    match (a.st.resource.is_some(), b.st.resource.is_some()) {
        (false, false) => true,
        (true, true) => a.g.resource_items.iter().all(|ra| {
            let ResourceItem::Pattern(pa) = ra else {
                return false;
            };
            b.g.resource_items
                .iter()
                .any(|rb| matches!(rb, ResourceItem::Pattern(pb) if pb.covers(pa)))
        }),
        _ => false,
    }
}

/// For each statement, the one reported as covering it: the first (in order) other
/// statement that makes its whole grant, an equivalent one only when it comes earlier.
///
/// Statements are indexed so that each is compared only with statements that may cover
/// it (a policy of 100,000 statements was 10^10 comparisons): those of its principal
/// block and resource presence, and of the shortest of three candidate lists, each an
/// exact necessary condition of [`covers`]: the statements without a condition and those
/// with the same one; those whose actions hold its smallest action (statements of up to
/// `NARROW` actions are listed per action, wider ones always), or in a large group its
/// rarest action (`Rare`), or, for a statement lacking few actions, the statements
/// lacking only actions it lacks; those with a resource
/// pattern whose literal head begins the literal head of one of its resource patterns
/// (`ArnPattern::covers` requires it). The candidates are visited in order, each once,
/// after a one-word test of the action sets' signatures, so the covering statement
/// found is the one the pairwise definition finds (tested against it).
fn covering(known: &[Known<'_>]) -> Vec<Option<usize>> {
    // (principal block, negated, has `Resource`) -> statements
    type Group<'k> = (&'k Option<Vec<(String, String)>>, bool, bool);
    let mut groups: HashMap<Group<'_>, Vec<usize>> = HashMap::default();
    for (i, k) in known.iter().enumerate() {
        groups
            .entry((&k.principal, k.negated_principal, k.st.resource.is_some()))
            .or_default()
            .push(i);
    }
    let signatures: Vec<u64> = known.iter().map(|k| k.g.actions.signature()).collect();
    let signature = |i: usize| signatures.get(i).copied().unwrap_or(u64::MAX);
    let mut out = vec![None; known.len()];
    for members in groups.values() {
        let index = Index::new(known, members);
        for &i in members {
            let Some(a) = known.get(i) else { continue };
            let sig = signature(i);
            let found = Merged::new(index.candidates(a)).find(|&j| {
                j != i
                    && sig & !signature(j) == 0
                    && known
                        .get(j)
                        .is_some_and(|b| covers(b, a) && (!covers(a, b) || j < i))
            });
            if let Some(slot) = out.get_mut(i) {
                *slot = found;
            }
        }
    }
    out
}

/// Statements of at most this many actions are listed under each of their actions (more
/// would make the lists of a 10 MB policy hold tens of millions of entries; wider
/// statements are found through the other lists, and in a large group by their rarest
/// action).
const NARROW: usize = 8;

/// The candidate lists of one group of statements (indices into `known`, ascending).
struct Index<'k> {
    /// No condition.
    unconditioned: Vec<usize>,
    /// By condition.
    by_condition: HashMap<&'k [ConditionEntry], Vec<usize>>,
    /// By action, statements of at most `NARROW` actions.
    by_action: HashMap<iamlint_catalog::ActionId, Vec<usize>>,
    /// Statements of more actions.
    wide: Vec<usize>,
    /// By the hash of the literal head of each of their resource patterns.
    by_head: HashMap<u64, Vec<usize>>,
    /// By action, for the actions few statements of a large group hold.
    rare: Option<Rare>,
    /// Statements granting every action (of the catalog).
    full: Vec<usize>,
    /// Statements granting all but a few actions (a `NotAction`), by the smallest action
    /// they lack. A statement covers another only if every action it lacks the other
    /// lacks too: so for a statement lacking few actions, its candidates are the full
    /// statements and those whose smallest missing action is one it lacks. (Statements
    /// all but alike hold every action the rare-action list could use: 86,000 of them
    /// were compared pairwise.)
    by_missing: HashMap<iamlint_catalog::ActionId, Vec<usize>>,
}

/// The actions a set lacks when they are at most [`iamlint_catalog::ActionSet::SPARSE_MAX`].
fn missing(set: &iamlint_catalog::ActionSet) -> Option<Vec<iamlint_catalog::ActionId>> {
    let universe = set.universe();
    let lacks = universe.checked_sub(set.len())?;
    if lacks > iamlint_catalog::ActionSet::SPARSE_MAX {
        return None;
    }
    let mut out = Vec::with_capacity(lacks);
    let mut next = 0usize;
    for (wi, w) in set.words() {
        for a in next..(wi * 64).min(universe) {
            out.push(a);
        }
        for_bits(wi, !w, |a| {
            if a < universe {
                out.push(a);
            }
        });
        next = (wi + 1) * 64;
    }
    out.extend(next..universe);
    out.into_iter()
        .map(iamlint_catalog::ActionId::try_from)
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// The actions held by at most [`Rare::MAX`] statements of a group, each with the
/// statements holding it. A statement is covered only by statements holding its rarest
/// action: with this list, statements that share a large set (`s3:Get*`) and differ by
/// one action are compared with a handful of others, not with every statement of the
/// group (the list by smallest action puts every wide statement in every list).
struct Rare {
    /// Statements holding each action (of the universe).
    count: Vec<u32>,
    /// One bit per rare action.
    mask: Vec<u64>,
    /// Rare action → statements holding it, ascending.
    holders: HashMap<iamlint_catalog::ActionId, Vec<usize>>,
}

impl Rare {
    const MAX: u32 = 256;
    /// Groups of fewer statements do without.
    const MIN_GROUP: usize = 256;

    fn new(known: &[Known<'_>], members: &[usize]) -> Option<Rare> {
        let universe = members
            .first()
            .and_then(|&j| known.get(j))?
            .g
            .actions
            .universe();
        let words = universe.div_ceil(64);
        // counted a word at a time: full words (the runs of wildcards) in `full`
        let mut full = vec![0u32; words];
        let mut count = vec![0u32; universe];
        for b in members.iter().filter_map(|&j| known.get(j)) {
            for (wi, w) in b.g.actions.words() {
                if w == u64::MAX {
                    if let Some(f) = full.get_mut(wi) {
                        *f += 1;
                    }
                } else {
                    for_bits(wi, w, |a| {
                        if let Some(c) = count.get_mut(a) {
                            *c += 1;
                        }
                    });
                }
            }
        }
        let mut mask = vec![0u64; words];
        for (a, c) in count.iter_mut().enumerate() {
            *c += full.get(a / 64).copied().unwrap_or(0);
            if *c > 0 && *c <= Self::MAX {
                if let Some(m) = mask.get_mut(a / 64) {
                    *m |= 1u64 << (a % 64);
                }
            }
        }
        let mut holders: HashMap<iamlint_catalog::ActionId, Vec<usize>> = HashMap::default();
        for &j in members {
            let Some(b) = known.get(j) else { continue };
            for (wi, w) in b.g.actions.words() {
                let m = w & mask.get(wi).copied().unwrap_or(0);
                for_bits(wi, m, |a| {
                    if let Ok(a) = iamlint_catalog::ActionId::try_from(a) {
                        holders.entry(a).or_default().push(j);
                    }
                });
            }
        }
        Some(Rare {
            count,
            mask,
            holders,
        })
    }

    /// The statements holding the rarest rare action of `a`, if it holds one.
    fn candidates(&self, a: &Known<'_>) -> Option<&[usize]> {
        let mut best: Option<(u32, usize)> = None;
        for (wi, w) in a.g.actions.words() {
            let m = w & self.mask.get(wi).copied().unwrap_or(0);
            for_bits(wi, m, |id| {
                let c = self.count.get(id).copied().unwrap_or(u32::MAX);
                if best.is_none_or(|(bc, _)| c < bc) {
                    best = Some((c, id));
                }
            });
        }
        let (_, id) = best?;
        let id = iamlint_catalog::ActionId::try_from(id).ok()?;
        Some(list(self.holders.get(&id)))
    }
}

/// `f(64 * wi + b)` for each set bit `b` of `w`.
fn for_bits(wi: usize, mut w: u64, mut f: impl FnMut(usize)) {
    while w != 0 {
        f(wi * 64 + w.trailing_zeros() as usize);
        w &= w - 1;
    }
}

/// The hash of each prefix of a literal head, in turn (the first is the empty prefix's).
fn head_hashes(head: impl Iterator<Item = char>) -> impl Iterator<Item = u64> {
    let step =
        |h: u64, c: char| (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    std::iter::once(0u64).chain(head.scan(0u64, move |h, c| {
        *h = step(*h, c);
        Some(*h)
    }))
}

fn patterns(g: &StatementFacts) -> impl Iterator<Item = &iamlint_matcher::ArnPattern> {
    g.resource_items.iter().filter_map(|r| match r {
        ResourceItem::Pattern(p) => Some(&**p),
        _ => None,
    })
}

const NONE: &[usize] = &[];

fn list(l: Option<&Vec<usize>>) -> &[usize] {
    l.map_or(NONE, Vec::as_slice)
}

fn size(lists: &[&[usize]]) -> usize {
    lists.iter().map(|l| l.len()).sum()
}

impl<'k> Index<'k> {
    fn new(known: &'k [Known<'_>], members: &[usize]) -> Index<'k> {
        let mut index = Index {
            unconditioned: Vec::new(),
            by_condition: HashMap::default(),
            by_action: HashMap::default(),
            wide: Vec::new(),
            by_head: HashMap::default(),
            rare: if members.len() >= Rare::MIN_GROUP {
                Rare::new(known, members)
            } else {
                None
            },
            full: Vec::new(),
            by_missing: HashMap::default(),
        };
        let mut heads: Vec<u64> = Vec::new();
        for &j in members {
            let Some(b) = known.get(j) else { continue };
            match &b.condition {
                None => index.unconditioned.push(j),
                Some(c) => index.by_condition.entry(c.as_slice()).or_default().push(j),
            }
            if b.g.actions.len() <= NARROW {
                for a in b.g.actions.iter() {
                    index.by_action.entry(a).or_default().push(j);
                }
            } else {
                index.wide.push(j);
                match missing(&b.g.actions).as_deref() {
                    Some([]) => index.full.push(j),
                    Some([first, ..]) => index.by_missing.entry(*first).or_default().push(j),
                    None => {}
                }
            }
            heads.clear();
            heads.extend(patterns(b.g).filter_map(|p| head_hashes(p.literal_head()).last()));
            heads.sort_unstable();
            heads.dedup();
            for &h in &heads {
                index.by_head.entry(h).or_default().push(j);
            }
        }
        index
    }

    /// Lists (each ascending) whose union holds every statement of the group that may
    /// cover `a`.
    fn candidates(&self, a: &Known<'_>) -> Vec<&[usize]> {
        let mut best: Vec<&[usize]> = vec![
            &self.unconditioned,
            a.condition
                .as_ref()
                .map_or(NONE, |c| list(self.by_condition.get(c.as_slice()))),
        ];
        let by_action = [list(self.by_action.get(&a.first)), self.wide.as_slice()];
        if size(&by_action) < size(&best) {
            best = by_action.to_vec();
        }
        if let Some(holders) = self.rare.as_ref().and_then(|r| r.candidates(a)) {
            if holders.len() < size(&best) {
                best = vec![holders];
            }
        }
        if a.g.actions.len() > NARROW {
            if let Some(lacks) = missing(&a.g.actions) {
                let mut lists: Vec<&[usize]> = vec![&self.full];
                lists.extend(lacks.iter().map(|m| list(self.by_missing.get(m))));
                if size(&lists) < size(&best) {
                    best = lists;
                }
            }
        }
        // A statement with resource patterns is covered only by one with, for each of
        // them, a pattern whose head begins its head: the pattern of `a` that leaves the
        // fewest candidates. (Without patterns, every statement of the group covers its
        // resources.)
        for p in patterns(a.g) {
            let these: Vec<&[usize]> = head_hashes(p.literal_head())
                .map(|h| list(self.by_head.get(&h)))
                .filter(|l| !l.is_empty())
                .collect();
            if size(&these) < size(&best) {
                best = these;
            }
        }
        best
    }
}

/// The union of ascending lists, ascending, each value once, without building it.
struct Merged<'l> {
    lists: Vec<&'l [usize]>,
}

impl<'l> Merged<'l> {
    fn new(lists: Vec<&'l [usize]>) -> Merged<'l> {
        Merged { lists }
    }
}

impl Iterator for Merged<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let next = self.lists.iter().filter_map(|l| l.first()).min().copied()?;
        for l in &mut self.lists {
            if l.first() == Some(&next) {
                *l = l.get(1..).unwrap_or(NONE);
            }
        }
        Some(next)
    }
}

/// The pairwise definition [`covering`] must agree with (tests).
#[cfg(test)]
fn covering_pairwise(known: &[Known<'_>]) -> Vec<Option<usize>> {
    (0..known.len())
        .map(|i| {
            let a = known.get(i)?;
            known
                .iter()
                .enumerate()
                .find(|(j, b)| *j != i && covers(b, a) && (!covers(a, b) || *j < i))
                .map(|(j, _)| j)
        })
        .collect()
}

fn anchor(st: &Statement) -> Span {
    if let Some(s) = &st.sid {
        return s.span;
    }
    st.action.as_ref().map_or(st.span, |l| l.key_span)
}

fn name(st: &Statement) -> String {
    match st.sid_text() {
        Some(s) if !s.is_empty() => format!("statement `{s}`"),
        _ => format!("`Statement[{}]`", st.index),
    }
}

impl Rule for RedundantStatement {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let known: Vec<Known<'_>> = cx.statements().filter_map(|(s, g)| known(s, g)).collect();
        for (i, cover) in covering(&known).into_iter().enumerate() {
            let (Some(a), Some(b)) = (known.get(i), cover.and_then(|j| known.get(j))) else {
                continue;
            };
            let same = covers(a, b);
            let message = if same {
                format!("{} makes the same grant as {}", name(a.st), name(b.st))
            } else {
                format!(
                    "{} is redundant: {} already allows {} on all of its resources",
                    name(a.st),
                    name(b.st),
                    match a.g.actions.len() {
                        1 => "its only action".to_string(),
                        n => format!("all {n} of its actions"),
                    }
                )
            };
            let mut f = Finding::new(anchor(a.st), a.st.path.clone(), message)
                .label("redundant statement")
                .secondary(anchor(b.st), "covers it")
                .help("remove the redundant statement")
                .sid(a.st);
            if a.st.condition.is_some() && b.st.condition.is_none() {
                f = f.note(format!(
                    "the condition of {} does not matter: {} allows the same without one",
                    name(a.st),
                    name(b.st)
                ));
            }
            sink.report(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_catalog::Catalog;
    use proptest::prelude::*;

    fn one_of(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop::sample::select(pool).prop_map(str::to_string)
    }

    /// A statement as JSON: actions, resources (`None`: no `Resource`), condition,
    /// principal and effect drawn from small pools, so that covering pairs are common.
    fn statement() -> impl Strategy<Value = String> {
        let actions = prop::collection::vec(
            one_of(&[
                "s3:GetObject",
                "s3:GetObjectAcl",
                "s3:PutObject",
                "s3:Get*",
                "s3:*",
                "*",
                "ec2:DescribeInstances",
                "ec2:Describe*",
                "iam:PassRole",
                "s3:*Object",
            ]),
            1..4,
        );
        let resources = prop::option::weighted(
            0.9,
            prop::collection::vec(
                one_of(&[
                    "*",
                    "arn:aws:s3:::b",
                    "arn:aws:s3:::b/*",
                    "arn:aws:s3:::b/logs/*",
                    "arn:aws:s3:::b*",
                    "arn:aws:s3:::c/*",
                    "arn:aws:s3:::b/${aws:username}/*",
                    "arn:aws:s3:::*",
                    "arn:aws:iam::123456789012:role/r",
                ]),
                0..3,
            ),
        );
        let condition = one_of(&[
            "",
            "",
            r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
            r#", "Condition": {"StringEquals": {"aws:PrincipalAccount": ["1", "2"]}}"#,
        ]);
        let principal = one_of(&[
            "",
            "",
            r#", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}"#,
            r#", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}"#,
        ]);
        let effect = one_of(&["Allow", "Allow", "Allow", "Deny"]);
        (actions, resources, condition, principal, effect).prop_map(
            |(actions, resources, condition, principal, effect)| {
                let list = |v: &[String]| {
                    v.iter()
                        .map(|s| format!("\"{s}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let resource = resources
                    .map(|r| format!(r#", "Resource": [{}]"#, list(&r)))
                    .unwrap_or_default();
                format!(
                    r#"{{"Effect": "{effect}", "Action": [{}]{resource}{condition}{principal}}}"#,
                    list(&actions)
                )
            },
        )
    }

    /// Statements for groups large enough for the rare-action list: a wide pattern and
    /// one or two of many single actions, a few resources and conditions.
    fn wide_statement() -> impl Strategy<Value = String> {
        let wide = one_of(&["s3:Get*", "s3:*", "*", "ec2:Describe*", "s3:Get*"]);
        let singles = prop::collection::vec(
            prop::sample::select(vec![
                "ec2:RunInstances",
                "ec2:StopInstances",
                "lambda:InvokeFunction",
                "sqs:SendMessage",
                "sns:Publish",
                "dynamodb:PutItem",
                "kms:Decrypt",
                "logs:PutLogEvents",
                "iam:TagRole",
                "iam:TagUser",
                "s3:PutObject",
                "s3:GetObject",
                "ec2:DescribeInstances",
                "athena:StartQueryExecution",
                "glue:GetTable",
            ])
            .prop_map(str::to_string),
            0..3,
        );
        let resource = one_of(&["*", "*", "arn:aws:s3:::b/*", "arn:aws:s3:::b*"]);
        let condition = one_of(&[
            "",
            "",
            "",
            r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
        ]);
        let negated = prop::bool::weighted(0.3);
        (wide, singles, resource, condition, negated).prop_map(
            |(wide, singles, resource, condition, negated)| {
                // `NotAction` of the single actions: every action but a few
                let (key, mut actions) = if negated {
                    ("NotAction", Vec::new())
                } else {
                    ("Action", vec![format!("\"{wide}\"")])
                };
                actions.extend(singles.iter().map(|s| format!("\"{s}\"")));
                if actions.is_empty() {
                    actions.push("\"s3:GetObject\"".to_string());
                }
                format!(
                    r#"{{"Effect": "Allow", "{key}": [{}], "Resource": "{resource}"{condition}}}"#,
                    actions.join(", ")
                )
            },
        )
    }

    fn known_of<'d>(doc: &'d iamlint_policy::Document, facts: &'d iamlint_semantic::DocumentFacts) -> Vec<Known<'d>> {
        doc.statements
            .iter()
            .zip(&facts.statements)
            .filter_map(|(s, g)| known(s, g))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]

        /// Groups past `Rare::MIN_GROUP` statements use the rare-action list: same
        /// answers as the pairwise definition.
        #[test]
        fn large_groups_match_the_pairwise_definition(
            statements in prop::collection::vec(wide_statement(), 260..320)
        ) {
            let cat = &Catalog::embedded();
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                statements.join(", ")
            );
            let file = iamlint_formats::load_text("p.json", &text, &iamlint_formats::LoadOptions::default());
            let doc = &file.documents[0];
            let facts = iamlint_semantic::Semantic::new(cat).document(doc);
            let known = known_of(doc, &facts);
            prop_assert!(known.len() >= Rare::MIN_GROUP);
            prop_assert_eq!(covering(&known), covering_pairwise(&known));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The indexed search finds, for every statement, the statement the pairwise
        /// definition finds.
        #[test]
        fn covering_matches_the_pairwise_definition(
            statements in prop::collection::vec(statement(), 0..24)
        ) {
            let cat = &Catalog::embedded();
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                statements.join(", ")
            );
            let file = iamlint_formats::load_text("p.json", &text, &iamlint_formats::LoadOptions::default());
            let doc = &file.documents[0];
            let facts = iamlint_semantic::Semantic::new(cat).document(doc);
            let known: Vec<Known<'_>> = doc
                .statements
                .iter()
                .zip(&facts.statements)
                .filter_map(|(s, g)| known(s, g))
                .collect();
            prop_assert_eq!(covering(&known), covering_pairwise(&known));
        }
    }

    /// Many statements on distinct buckets, a few covered: the index finds exactly the
    /// covered ones (and does not compare every pair to do so).
    #[test]
    fn many_statements_on_distinct_resources() {
        let cat = &Catalog::embedded();
        let mut statements: Vec<String> = (0..3_000)
            .map(|i| {
                format!(
                    r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{i}/*"}}"#
                )
            })
            .collect();
        statements.push(
            r#"{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::bucket-12*"}"#
                .to_string(),
        );
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(",\n")
        );
        let file = iamlint_formats::load_text("p.json", &text, &iamlint_formats::LoadOptions::default());
        let doc = &file.documents[0];
        let facts = iamlint_semantic::Semantic::new(cat).document(doc);
        let known: Vec<Known<'_>> = doc
            .statements
            .iter()
            .zip(&facts.statements)
            .filter_map(|(s, g)| known(s, g))
            .collect();
        let found = covering(&known);
        let covered: Vec<usize> = (0..found.len()).filter(|&i| found[i].is_some()).collect();
        // bucket-12/*, bucket-120..129/*, bucket-1200..1299/*
        let expected: Vec<usize> = (0..3_000)
            .filter(|i| i.to_string().starts_with("12"))
            .collect();
        assert_eq!(covered, expected);
        assert!(covered.iter().all(|&i| found[i] == Some(3_000)));
    }
}
