use crate::rules::catalog_support::{KeyLookup, MULTIVALUED_CLAIMS};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Severity, Sink};
use iamlint_policy::SetQualifier;

declare_rule! {
    /// ## What it does
    /// Reports a set qualifier on an identity provider's audience claim
    /// (`<provider>:aud`, such as `accounts.google.com:aud` or
    /// `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud`):
    /// - `ForAnyValue:` at warning: on a single-valued claim it is no stricter than the
    ///   plain operator, and on an absent claim it is false, which hides the intent;
    ///   IAM Access Analyzer calls it overly permissive;
    /// - `ForAllValues:` at info, for claims the catalog does not type (other providers):
    ///   it is also true when the claim is absent; confirm that the provider's audience is
    ///   multivalued, or drop the qualifier. (On catalog keys documented as single-valued,
    ///   `forallvalues-single-valued` reports it.)
    ///
    /// ## Why is this bad?
    /// Most providers put one audience in the token (the client ID the role was set up
    /// for): a set qualifier then either adds nothing or, with `ForAllValues:`, lets a
    /// token without an audience through.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal: {Federated: accounts.google.com}
    ///     Action: sts:AssumeRoleWithWebIdentity
    ///     Condition:
    ///       ForAnyValue:StringEquals: {accounts.google.com:aud: 1234567890.apps.googleusercontent.com}
    ///       StringEquals: {accounts.google.com:sub: "110011001100"}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal: {Federated: accounts.google.com}
    ///     Action: sts:AssumeRoleWithWebIdentity
    ///     Condition:
    ///       StringEquals:
    ///         accounts.google.com:aud: 1234567890.apps.googleusercontent.com
    ///         accounts.google.com:sub: "110011001100"
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Available keys for AWS web identity federation": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>
    /// - IAM User Guide, "IAM policy validation check reference" (ForAnyValue with audience claim type, Confirm audience claim type): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub OidcAudienceQualifier {
        code: "IAM149",
        name: "oidc-audience-qualifier",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "`ForAnyValue:` or `ForAllValues:` on an identity provider's audience claim",
    }
}

impl Rule for OidcAudienceQualifier {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            if !st.is_allow() {
                continue;
            }
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let Some(q) = clause.operator.qualifier else {
                    continue;
                };
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let Some((provider, claim)) = key.rsplit_once(':') else {
                    continue;
                };
                if !claim.eq_ignore_ascii_case("aud")
                    || !iamlint_semantic::is_provider_prefix(provider)
                    || MULTIVALUED_CLAIMS
                        .iter()
                        .any(|m| m.eq_ignore_ascii_case(key))
                {
                    continue;
                }
                let known = matches!(cx.lookup_key(key), KeyLookup::Known(_));
                let op = clause.operator_text.display();
                let mut f = match q {
                    SetQualifier::ForAnyValue => Finding::new(
                        clause.operator_text.span,
                        clause.operator_text.path.clone(),
                        format!("`{op}` on the audience claim `{key}`: a token carries one audience, so the qualifier adds nothing, and it hides what the condition means"),
                    ),
                    // catalog keys documented single-valued: forallvalues-single-valued
                    SetQualifier::ForAllValues if known => continue,
                    SetQualifier::ForAllValues => {
                        let mut f = Finding::new(
                            clause.operator_text.span,
                            clause.operator_text.path.clone(),
                            format!("`{op}` on the audience claim `{key}` is also true for a token without an audience; unless this provider issues several audiences in one token, the qualifier only weakens the condition"),
                        );
                        f.at_most = Some(Severity::Info);
                        f
                    }
                };
                f = f
                    .label("set qualifier on an audience")
                    .secondary(entry.key.span, "audience claim")
                    .help(format!(
                        "compare the audience with `{}`",
                        clause.operator.base
                    ))
                    .sid(st);
                sink.report(f);
            }
        }
    }
}
