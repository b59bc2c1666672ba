use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` with `NotPrincipal` in a resource or trust policy.
    ///
    /// A statement with a `Condition` is still reported (a note names the condition keys):
    /// the condition may narrow the callers, but `NotPrincipal` still names who is left
    /// out instead of who is let in. Identity policies cannot have a principal; that is
    /// `principal-in-identity-policy`'s finding.
    ///
    /// ## Why is this bad?
    /// `NotPrincipal` with `Allow` grants access to every principal except the listed
    /// ones: every other account and, in a resource policy, anonymous users. AWS
    /// recommends never combining them.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=resource
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     NotPrincipal:
    ///       AWS: arn:aws:iam::123456789012:user/mallory
    ///     Action: s3:GetObject
    ///     Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=resource
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS: arn:aws:iam::123456789012:role/reports-reader
    ///     Action: s3:GetObject
    ///     Resource: arn:aws:s3:::reports/*
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS JSON policy elements: NotPrincipal" (using NotPrincipal with Allow)
    pub NotprincipalAllow {
        code: "IAM206",
        name: "notprincipal-allow",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "an `Allow` with `NotPrincipal`",
    }
}

impl Rule for NotprincipalAllow {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        // role trust policies do not accept `NotPrincipal` at all: that is
        // `unsupported-by-policy-type`'s finding
        if cx.doc.kind != PolicyKind::Resource {
            return;
        }
        for st in &cx.doc.statements {
            if !st.is_allow() {
                continue;
            }
            let Some(p) = &st.principal else { continue };
            if !p.negated {
                continue;
            }
            let n = p.values.len();
            let listed = if n == 1 {
                "the listed one".to_string()
            } else {
                format!("the {n} listed")
            };
            let anonymous = if cx.doc.kind == PolicyKind::Resource {
                ", including anonymous users"
            } else {
                ""
            };
            let mut f = Finding::new(
                p.key_span,
                p.path.clone(),
                format!(
                    "`Allow` with `NotPrincipal` grants access to every principal except {listed}{anonymous}"
                ),
            )
            .label("everyone except these")
            .help("name the principals to allow in `Principal`; to make exceptions, use a `Deny` with `NotPrincipal` or an `aws:PrincipalArn` condition")
            .sid(st);
            if let Some(c) = &st.condition {
                f = f.note(format!(
                    "the statement has a `Condition` on {}: check that it limits the callers",
                    super::grant_support::condition_keys(c)
                ));
            }
            sink.report(f);
        }
    }
}
