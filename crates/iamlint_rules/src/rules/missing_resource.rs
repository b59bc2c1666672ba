use super::structure::{element_has_issue, statement_head};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Reports a statement of an identity, resource, service control or permissions
    /// boundary policy that has neither `Resource` nor `NotResource`. Role trust
    /// policies are not checked: they must not have a `Resource`. Neither are the
    /// resource policies whose resource is the one they are attached to (ECR repository
    /// policies, EFS file system policies: the list, with its sources, is
    /// `rules/resource-policy-locations.toml`).
    ///
    /// ## Why is this bad?
    /// These policy types require one of the two elements in every statement; AWS
    /// rejects the policy without it.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Resource":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub MissingResource {
        code: "IAM105",
        name: "missing-resource",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a statement without `Resource` or `NotResource` where the policy type requires one",
    }
}

impl Rule for MissingResource {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind == PolicyKind::Trust {
            return;
        }
        // a repository or file system policy applies to the resource it is set on
        let implied = cx.doc.origin.resource.as_ref().and_then(|(_, ty)| {
            (cx.doc.kind == PolicyKind::Resource)
                .then(|| cx.data().implied_resource(ty))
                .flatten()
        });
        if implied.is_some() {
            return;
        }
        for st in &cx.doc.statements {
            if st.resource.is_some() || element_has_issue(cx.doc, st, &["Resource", "NotResource"])
            {
                continue;
            }
            sink.report(
                Finding::new(
                    statement_head(st, cx.text()),
                    st.path.clone(),
                    format!(
                        "statement has neither `Resource` nor `NotResource`: {} requires one, so AWS rejects it",
                        kind_name(cx.doc.kind)
                    ),
                )
                .label("this statement")
                .help("add `\"Resource\"` with the ARNs the actions apply to (`\"*\"` only for actions that do not support resource-level permissions)")
                .sid(st),
            );
        }
    }
}

fn kind_name(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Identity => "an identity policy",
        PolicyKind::Resource => "a resource policy",
        PolicyKind::Trust => "a trust policy",
        PolicyKind::Scp => "a service control policy",
        PolicyKind::Boundary => "a permissions boundary",
        PolicyKind::Rcp => "a resource control policy",
    }
}
