use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Reports `Principal` or `NotPrincipal` in an identity policy, a permissions
    /// boundary or a service control policy, when the policy type is known from where
    /// the document sits (a CloudFormation `Policies` property, `--policy-type`). A
    /// plain file with a `Principal` is read as a resource policy instead.
    ///
    /// ## Why is this bad?
    /// These policies apply to the identity (or accounts) they are attached to, so they
    /// cannot name a principal; AWS rejects them. It is usually a resource or trust
    /// policy pasted in the wrong place.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// Resources:
    ///   Reader:
    ///     Type: AWS::IAM::ManagedPolicy
    ///     Properties:
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Principal: {AWS: arn:aws:iam::111122223333:root}
    ///             Action: s3:GetObject
    ///             Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   Reader:
    ///     Type: AWS::IAM::ManagedPolicy
    ///     Properties:
    ///       PolicyDocument:
    ///         Version: "2012-10-17"
    ///         Statement:
    ///           - Effect: Allow
    ///             Action: s3:GetObject
    ///             Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Principal":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub PrincipalInIdentityPolicy {
        code: "IAM122",
        name: "principal-in-identity-policy",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a `Principal` or `NotPrincipal` in an identity, boundary or service control policy",
    }
}

impl Rule for PrincipalInIdentityPolicy {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if !cx.doc.kind.is_identity_like() || cx.doc.kind_inferred {
            return;
        }
        let what = match cx.doc.kind {
            PolicyKind::Scp => "a service control policy",
            PolicyKind::Boundary => "a permissions boundary",
            _ => "an identity policy",
        };
        for st in &cx.doc.statements {
            let Some(p) = &st.principal else { continue };
            let key = if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            sink.report(
                Finding::new(
                    p.key_span,
                    p.path.clone(),
                    format!("`{key}` in {what}: it applies to what it is attached to and cannot name principals, so AWS rejects it"),
                )
                .label(format!("`{key}` not allowed here"))
                .help(format!("remove `{key}`; to grant access to other principals, put the statement in a resource or trust policy"))
                .sid(st),
            );
        }
    }
}
