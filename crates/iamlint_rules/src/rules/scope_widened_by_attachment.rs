use super::grant_support::{self as gs, Scope};
use super::principal_support::grant_words;
use crate::rules::words::{plural, thousands};
use crate::{declare_rule, Finding, PrincipalContext, Rule, RuleInfo, Sink};
use iamlint_catalog::ActionSet;
use iamlint_policy::{Document, PolicyKind, Statement};
use iamlint_semantic::principal::HeldPolicy;
use iamlint_semantic::{DocumentFacts, ManagedDocument};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement that limits actions to named resources (a single
    /// bucket, one queue) when the same user, group or role also attaches an AWS managed
    /// policy that grants some of those actions on every resource without a condition: for
    /// those actions the scope is pointless. The finding is at the scoped statement's
    /// `Resource`, with a secondary label at the attachment saying what the managed policy
    /// grants.
    ///
    /// Only what the principal ends up with counts: actions its permissions boundary or an
    /// unconditional `Deny` on `*` takes away are left out. Policies of a user's groups are
    /// counted for the user.
    ///
    /// ## Why is this bad?
    /// The scoped statement documents an intent (this role reads one bucket) that the
    /// attachment silently defeats (it reads every bucket of the account). Reviewers read
    /// the inline policy and believe the role is confined.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   BatchInstanceRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: ec2.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       Policies:
    ///         - PolicyName: results-bucket
    ///           PolicyDocument:
    ///             Version: "2012-10-17"
    ///             Statement:
    ///               - Effect: Allow
    ///                 Action: "s3:*"
    ///                 Resource:
    ///                   - arn:aws:s3:::results
    ///                   - arn:aws:s3:::results/*
    ///       ManagedPolicyArns:
    ///         - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   BatchInstanceRole:
    ///     Type: AWS::IAM::Role
    ///     Properties:
    ///       AssumeRolePolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {Service: ec2.amazonaws.com}
    ///             Action: sts:AssumeRole
    ///       Policies:
    ///         - PolicyName: results-bucket
    ///           PolicyDocument:
    ///             Version: "2012-10-17"
    ///             Statement:
    ///               - Effect: Allow
    ///                 Action: "s3:*"
    ///                 Resource:
    ///                   - arn:aws:s3:::results
    ///                   - arn:aws:s3:::results/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Policy evaluation logic" (identity-based policies are a union)
    /// - IAM User Guide, "Get started with AWS managed policies and move toward least-privilege permissions"
    pub ScopeWidenedByAttachment {
        code: "IAM216",
        name: "scope-widened-by-attachment",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "a resource-scoped grant that an attached AWS managed policy grants on every resource anyway",
    }
}

/// An attached AWS managed policy and the actions it grants on every resource without a
/// condition.
struct Wide<'a> {
    held: &'a HeldPolicy,
    managed: &'a ManagedDocument,
    doc: &'a Document,
    facts: &'a DocumentFacts,
    everywhere: ActionSet,
}

impl Rule for ScopeWidenedByAttachment {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_principal(&self, cx: &PrincipalContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let net = &cx.facts().net_allowed;
        let mut wide: Vec<Wide<'_>> = Vec::new();
        for (held, doc, facts) in cx.policies() {
            let (Some(managed), Some(_)) = (held.managed(), &held.attachment) else {
                continue;
            };
            let mut everywhere = ActionSet::empty(cat.action_count());
            for (st, g) in doc.statements.iter().zip(&facts.statements) {
                if st.is_allow()
                    && st.condition.is_none()
                    && matches!(gs::scope_of(st, g), Scope::Star(_))
                {
                    everywhere.union_with(&g.actions);
                }
            }
            everywhere.intersect_with(net);
            if !everywhere.is_empty() {
                wide.push(Wide {
                    held,
                    managed,
                    doc,
                    facts,
                    everywhere,
                });
            }
        }
        if wide.is_empty() {
            return;
        }
        for (held, doc, facts) in cx.policies() {
            if held.managed().is_some() || held.via_group.is_some() || doc.kind != PolicyKind::Identity {
                continue;
            }
            for (st, g) in doc.statements.iter().zip(&facts.statements) {
                if !st.is_allow() || !matches!(gs::scope_of(st, g), Scope::Named) {
                    continue;
                }
                let mut scoped = g.actions.clone();
                scoped.intersect_with(net);
                if scoped.is_empty() {
                    continue;
                }
                let hits: Vec<(&Wide<'_>, ActionSet)> = wide
                    .iter()
                    .filter_map(|w| {
                        let mut overlap = scoped.clone();
                        overlap.intersect_with(&w.everywhere);
                        (!overlap.is_empty()).then_some((w, overlap))
                    })
                    .collect();
                if let Some(f) = finding(cx, st, &scoped, &hits) {
                    sink.report(f);
                }
            }
        }
    }
}

fn statement_name(st: &Statement) -> String {
    match st.sid_text() {
        Some(s) if !s.is_empty() => format!("statement `{s}`"),
        _ => "this statement".to_string(),
    }
}

fn finding(
    cx: &PrincipalContext<'_>,
    st: &Statement,
    scoped: &ActionSet,
    hits: &[(&Wide<'_>, ActionSet)],
) -> Option<Finding> {
    let (first, _) = hits.first()?;
    let resource = st.resource.as_ref()?;
    let cat = cx.catalog();
    let mut all = ActionSet::empty(cat.action_count());
    for (_, o) in hits {
        all.union_with(o);
    }
    let shown: Vec<String> = resource
        .items
        .iter()
        .take(2)
        .map(|t| format!("`{}`", t.display()))
        .collect();
    let more = if resource.items.len() > 2 {
        format!(" and {} more", resource.items.len() - 2)
    } else {
        String::new()
    };
    let by = if hits.len() == 1 {
        format!("the AWS managed policy `{}`", first.managed.name)
    } else {
        format!("{} attached AWS managed policies", hits.len())
    };
    let of = if all.len() == scoped.len() {
        if scoped.len() == 1 {
            "it".to_string()
        } else {
            format!("all {}", plural(scoped.len(), "action", "actions"))
        }
    } else {
        format!("{} of its {}", thousands(all.len()), plural(scoped.len(), "action", "actions"))
    };
    let mut f = Finding::new(
        resource.span,
        resource.path.clone(),
        format!(
            "{} limits its actions to {}{more}, but {} also gets {of} on every resource from {by}: for {} the scope is pointless",
            statement_name(st),
            shown.join(", "),
            cx.subject(),
            if all.len() == 1 { "that action" } else { "those actions" }
        ),
    )
    .label("scoped to these resources")
    .sid(st)
    .help("remove the attachment and grant what the workload needs here, or drop this statement if the managed policy's access is intended")
    .note(format!(
        "granted on every resource: {}",
        gs::name_list(cat, &all, 5)
    ));
    for (w, overlap) in hits {
        if let Some((span, _)) = w.held.attached_at() {
            f = f.secondary(
                span,
                format!(
                    "attaches `{}`, which grants {}",
                    w.managed.name,
                    grant_words(w.doc, w.facts, Some(overlap))
                ),
            );
        }
    }
    if let Some(note) = cx.incomplete_note() {
        f = f.note(note);
    }
    Some(f)
}
