use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a global condition key that the catalog marks as deprecated: today
    /// `aws:SourceOwner`, which AWS never documented and for which it introduced
    /// `aws:SourceAccount` as the preferred replacement.
    ///
    /// ## Why is this bad?
    /// An undocumented key may stop being set, and the documented replacement is
    /// available for the same requests.
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
        severity: Info,
        enabled: true,
        summary: "a global condition key AWS has replaced",
    }
}

/// Documented replacements of deprecated keys.
const REPLACEMENTS: &[(&str, &str)] = &[("aws:SourceOwner", "aws:SourceAccount")];

impl Rule for DeprecatedConditionKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (_, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                // the same keys recur in every policy of a run: answered once per process
                static DEPRECATED: iamlint_catalog::EmbeddedMemo<String, bool> =
                    iamlint_catalog::EmbeddedMemo::new();
                if !DEPRECATED.get_or_borrowed(cat, key, || cat.is_deprecated_condition_key(key)) {
                    continue;
                }
                let replacement = REPLACEMENTS
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, r)| *r);
                let mut f = Finding::new(
                    entry.key.span,
                    entry.key.path.clone(),
                    match replacement {
                        Some(r) => {
                            format!("`{key}` is deprecated; AWS documents `{r}` in its place")
                        }
                        None => format!("`{key}` is deprecated"),
                    },
                )
                .label("deprecated key")
                .sid(st);
                if let Some(r) = replacement {
                    f = f.help(format!("use `{r}`"));
                }
                sink.report(f);
            }
        }
    }
}
