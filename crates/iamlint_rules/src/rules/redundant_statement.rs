use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Condition, PrincipalBlock, Statement};
use iamlint_semantic::{ActionItem, ResourceItem, StatementFacts};
use iamlint_syntax::Span;

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
    condition: Option<Vec<(String, String, Vec<String>)>>,
}

fn principal_key(b: &PrincipalBlock) -> Option<Vec<(String, String)>> {
    let mut v = Vec::new();
    for p in &b.values {
        v.push((p.principal_type.clone(), p.value.as_literal()?.to_string()));
    }
    v.sort();
    v.dedup();
    Some(v)
}

fn condition_key(c: &Condition) -> Option<Vec<(String, String, Vec<String>)>> {
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
        for (i, a) in known.iter().enumerate() {
            let cover = known
                .iter()
                .enumerate()
                .find(|(j, b)| *j != i && covers(b, a) && (!covers(a, b) || *j < i));
            let Some((_, b)) = cover else { continue };
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
