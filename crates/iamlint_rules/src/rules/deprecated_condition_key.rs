use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a global condition key that AWS has replaced:
    /// - `aws:ARN`, which AWS no longer supports (IAM Access Analyzer reports it as an
    ///   error, "Unsupported global condition key", and as "Deprecated global condition
    ///   key"): `aws:PrincipalArn` compares the caller's ARN, `aws:SourceArn` the ARN of
    ///   the resource a service acts for;
    /// - `aws:SourceOwner`, which AWS never documented and for which it introduced
    ///   `aws:SourceAccount` as the preferred replacement (info: AWS still sets it, and
    ///   SNS writes it into default topic policies).
    ///
    /// ## Why is this bad?
    /// A key that requests do not carry makes its condition false: an `Allow` with
    /// `aws:ARN` grants nothing, and a `Deny` with a negated operator on it denies
    /// everything. An undocumented key may stop being set, and the documented
    /// replacement is available for the same requests.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceOwner": "111122223333"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (`aws:SourceAccount`): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    /// - awsdocs/iam-user-guide issue 111 (AWS: `aws:SourceOwner` will not be documented; `aws:SourceAccount` is the preferred replacement): <https://github.com/awsdocs/iam-user-guide/issues/111>
    pub DeprecatedConditionKey {
        code: "IAM138",
        name: "deprecated-condition-key",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a global condition key AWS has replaced (`aws:ARN`, `aws:SourceOwner`)",
    }
}

/// Documented replacements of deprecated keys.
/// (key, replacement, whether requests still carry the key).
const REPLACEMENTS: &[(&str, &str, bool)] = &[
    (
        "aws:ARN",
        "aws:PrincipalArn` (the caller) or `aws:SourceArn",
        false,
    ),
    ("aws:SourceOwner", "aws:SourceAccount", true),
];

/// Whether this rule reports `key` (so that `unknown-condition-key` does not).
pub(crate) fn is_replaced(key: &str) -> bool {
    REPLACEMENTS
        .iter()
        .any(|(k, ..)| k.eq_ignore_ascii_case(key))
}

impl Rule for DeprecatedConditionKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (_, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let listed = REPLACEMENTS
                    .iter()
                    .find(|(k, ..)| k.eq_ignore_ascii_case(key));
                if listed.is_none() && !cx.semantic().is_deprecated_condition_key(key) {
                    continue;
                }
                let mut f = Finding::new(
                    entry.key.span,
                    entry.key.path.clone(),
                    match listed {
                        Some((_, r, true)) => {
                            format!("`{key}` is deprecated; AWS documents `{r}` in its place")
                        }
                        Some((_, r, false)) => format!(
                            "`{key}` is no longer supported: requests may not carry it, so the condition can be false; AWS documents `{r}` in its place"
                        ),
                        None => format!("`{key}` is deprecated"),
                    },
                )
                .label("deprecated key")
                .sid(st);
                if let Some((_, r, still_set)) = listed {
                    f = f.help(format!("use `{r}`"));
                    if *still_set {
                        f.at_most = Some(crate::Severity::Info);
                    }
                } else {
                    f.at_most = Some(crate::Severity::Info);
                }
                sink.report(f);
            }
        }
    }
}
