use crate::rules::catalog_support::list_some;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Condition, PolicyKind, Statement};

declare_rule! {
    /// ## What it does
    /// In a resource control policy (RCP), reports a `Deny` whose condition selects
    /// principals with keys that only some callers carry, without saying which kind of
    /// caller it means:
    /// - keys of IAM principals (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
    ///   `aws:PrincipalOrgPaths`, `aws:PrincipalArn`, `aws:PrincipalTag/...`) without
    ///   `"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}`: AWS services acting on
    ///   your behalf lack them, so the `Deny` (written with `...IfExists` or a negated
    ///   operator) stops them too;
    /// - keys of service calls (`aws:SourceOrgID`, `aws:SourceOrgPaths`,
    ///   `aws:SourceAccount`, `aws:SourceArn`) without
    ///   `"Bool": {"aws:PrincipalIsAWSService": "true"}`: your own IAM principals lack
    ///   them, so the `Deny` stops them;
    /// - those service keys without `"Null": {"aws:SourceAccount": "false"}` (or
    ///   `aws:SourceArn`): some service integrations send no source, and the `Deny` stops
    ///   them.
    ///
    /// ## Why is this bad?
    /// An RCP applies to every principal that touches your resources, including AWS
    /// services: a data-perimeter `Deny` written for one kind of caller blocks the others
    /// (CloudTrail stops delivering logs, your roles lose access to your buckets).
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=rcp
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Deny
    ///     Principal: "*"
    ///     Action: s3:*
    ///     Resource: "*"
    ///     Condition:
    ///       StringNotEqualsIfExists: {aws:PrincipalOrgID: o-a1b2c3d4e5}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=rcp
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Deny
    ///     Principal: "*"
    ///     Action: s3:*
    ///     Resource: "*"
    ///     Condition:
    ///       StringNotEqualsIfExists: {aws:PrincipalOrgID: o-a1b2c3d4e5}
    ///       BoolIfExists: {aws:PrincipalIsAWSService: "false"}
    /// ```
    ///
    /// ## References
    /// - AWS Organizations User Guide, "RCP syntax" and "Examples of resource control policies": <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>
    /// - IAM User Guide, "IAM policy validation check reference" (RCP missing related principal condition key, RCP missing related service principal condition key, RCP missing service condition key null check): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub RcpServicePrincipalImpact {
        code: "IAM407",
        name: "rcp-service-principal-impact",
        group: "exposure",
        severity: Warning,
        enabled: true,
        summary: "an RCP `Deny` on principal or source keys that does not say which kind of caller it means",
    }
}

const PRINCIPAL_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalorgpaths",
    "aws:principalarn",
];
const SOURCE_KEYS: &[&str] = &[
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
];

/// The keys of `cond` (as written) that are in `set` (`aws:PrincipalTag/...` counts as a
/// principal key).
fn keys_in<'a>(cond: &'a Condition, set: &[&str], tags: bool) -> Vec<&'a str> {
    cond.entries()
        .filter_map(|(_, e)| e.key.as_literal())
        .filter(|k| {
            let l = k.to_ascii_lowercase();
            set.contains(&l.as_str()) || (tags && l.starts_with("aws:principaltag/"))
        })
        .collect()
}

/// Whether `cond` tests `key` with a `Bool`/`Null` operator and `value`.
fn tests(cond: &Condition, base: &[&str], key: &[&str], value: &str) -> bool {
    cond.entries().any(|(clause, e)| {
        base.contains(&clause.operator.base.as_str())
            && e.key
                .as_literal()
                .is_some_and(|k| key.iter().any(|w| w.eq_ignore_ascii_case(k)))
            && e.values.iter().any(|v| {
                v.as_literal()
                    .is_some_and(|s| s.eq_ignore_ascii_case(value))
            })
    })
}

fn report(sink: &mut Sink, st: &Statement, keys: &[&str], message: String, help: &str) {
    let cond = st.condition.as_ref();
    let span = cond.map_or(st.span, |c| c.key_span);
    let path = cond.map_or_else(|| st.path.clone(), |c| c.path.clone());
    let mut f = Finding::new(span, path, message)
        .label(format!(
            "selects callers by {}",
            list_some(
                &keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>(),
                3
            )
        ))
        .help(help)
        .sid(st);
    if let Some(c) = cond {
        f = f.secondary(c.span, "this condition");
    }
    sink.report(f);
}

impl Rule for RcpServicePrincipalImpact {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind != PolicyKind::Rcp {
            return;
        }
        for st in &cx.doc.statements {
            if !st.is_deny() {
                continue;
            }
            let Some(cond) = &st.condition else { continue };
            let is_service = ["aws:PrincipalIsAWSService"];
            let principal = keys_in(cond, PRINCIPAL_KEYS, true);
            if !principal.is_empty() && !tests(cond, &["Bool"], &is_service, "false") {
                report(
                    sink,
                    st,
                    &principal,
                    "this `Deny` selects callers by keys that AWS services acting on your behalf do not carry, and does not exclude service principals: it denies them too".to_owned(),
                    "add `\"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"false\"}` to the condition",
                );
            }
            let source = keys_in(cond, SOURCE_KEYS, false);
            if source.is_empty() {
                continue;
            }
            if !tests(cond, &["Bool"], &is_service, "true") {
                report(
                    sink,
                    st,
                    &source,
                    "this `Deny` selects callers by keys that only calls from AWS services carry, and does not limit itself to service principals: it denies your own IAM principals too".to_owned(),
                    "add `\"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"true\"}` to the condition",
                );
            } else if !tests(
                cond,
                &["Null"],
                &["aws:SourceAccount", "aws:SourceArn"],
                "false",
            ) {
                report(
                    sink,
                    st,
                    &source,
                    "this `Deny` selects service calls by their source, and some service integrations send none: without a `Null` check it denies those too".to_owned(),
                    "add `\"Null\": {\"aws:SourceAccount\": \"false\"}` (or `aws:SourceArn`) to the condition",
                );
            }
        }
    }
}
