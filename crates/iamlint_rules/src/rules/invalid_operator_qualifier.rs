use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Reports `IfExists` or a `ForAllValues:` / `ForAnyValue:` qualifier on the `Null`
    /// operator (`NullIfExists`, `ForAnyValue:Null`).
    ///
    /// ## Why is this bad?
    /// `Null` already tests whether the key is present, which is exactly what `IfExists`
    /// changes, and AWS documents `IfExists` for every operator except `Null`. A set
    /// qualifier on `Null` has no defined meaning either. The author's intent is unclear
    /// and the result depends on undocumented behaviour.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*", "Condition": {"NullIfExists": {"aws:RequestTag/owner": "true"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*", "Condition": {"Null": {"aws:RequestTag/owner": "true"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators" (sections
    ///   "...IfExists condition operators" and "Condition operator to check existence of
    ///   condition keys"): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    pub InvalidOperatorQualifier {
        code: "IAM131",
        name: "invalid-operator-qualifier",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "`IfExists` or a set qualifier on the `Null` operator",
    }
}

impl Rule for InvalidOperatorQualifier {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for clause in &cond.clauses {
                let op = &clause.operator;
                if op.family != Some(OperatorFamily::Null)
                    || !(op.if_exists || op.qualifier.is_some())
                {
                    continue;
                }
                let Some(written) = clause.operator_text.as_literal() else {
                    continue;
                };
                let what = if op.if_exists && op.qualifier.is_some() {
                    "a set qualifier and `IfExists`"
                } else if op.if_exists {
                    "`IfExists`"
                } else {
                    "a set qualifier"
                };
                sink.report(
                    Finding::new(
                        clause.operator_text.span,
                        clause.operator_text.path.clone(),
                        format!("`{written}` puts {what} on `Null`, which already tests whether the key is present; the meaning is undefined"),
                    )
                    .label("qualified `Null`")
                    .help("use plain `Null` (`true`: the key is absent; `false`: it is present)")
                    .sid(st),
                );
            }
        }
    }
}
