use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{ConditionClause, ConditionEntry, SetQualifier};

declare_rule! {
    /// ## What it does
    /// Reports a condition entry whose values include a lone `*` under a `...Like` or
    /// `Arn...` operator, which matches any value, so the entry tests only whether the
    /// key is present:
    /// - `StringLike` (or `ForAnyValue:StringLike`) with `*` is true exactly when the
    ///   key is present: `Null` with `false` says so plainly;
    /// - `StringNotLike`, `StringNotLikeIfExists` or `ForAllValues:StringNotLike` with
    ///   `*` is true exactly when the key is absent: `Null` with `true`;
    /// - `StringLikeIfExists` or `ForAllValues:StringLike` with `*` is always true: the
    ///   entry does nothing;
    /// - `ForAnyValue:StringNotLike` with `*` is never true: the statement never applies.
    ///
    /// ## Why is this bad?
    /// A reader takes the entry for a restriction on the key's value, and it is not
    /// one. When the entry is always true, whatever restriction was meant is missing;
    /// when it is never true, the statement does nothing.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*", "Condition": {"StringLike": {"aws:ResourceTag/team": "*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*", "Condition": {"Null": {"aws:ResourceTag/team": "false"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators" (`Null`, `...IfExists`, set operators): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    /// - IAM User Guide, "IAM policy validation check reference" (Equivalent to null false/true, Redundant key and Redundant statement due to wildcard in condition): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub WildcardConditionValue {
        code: "IAM505",
        name: "wildcard-condition-value",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "a condition value `*` under a `Like` operator, which tests only whether the key is present",
    }
}

/// What an entry whose values match everything amounts to.
enum Amounts {
    Present,
    Absent,
    Always,
    Never,
}

fn amounts(clause: &ConditionClause) -> Amounts {
    let op = &clause.operator;
    match (op.qualifier, op.negated, op.if_exists) {
        (Some(SetQualifier::ForAnyValue), true, _) => Amounts::Never,
        (Some(SetQualifier::ForAllValues), false, _) | (None, false, true) => Amounts::Always,
        (Some(SetQualifier::ForAllValues), true, _) | (None, true, _) => Amounts::Absent,
        (Some(SetQualifier::ForAnyValue), false, _) | (None, false, false) => Amounts::Present,
    }
}

fn star(entry: &ConditionEntry) -> Option<&iamlint_policy::Text> {
    entry.values.iter().find(|v| v.as_literal() == Some("*"))
}

impl Rule for WildcardConditionValue {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                if clause.operator.family.is_none() || !clause.operator.wildcard {
                    continue;
                }
                let (Some(v), Some(key)) = (star(entry), entry.key.as_literal()) else {
                    continue;
                };
                let op = clause.operator_text.display();
                let (message, help) = match amounts(clause) {
                    Amounts::Present => (
                        format!("`{op}` with `*` matches any value of `{key}`: it tests only that the key is present"),
                        format!("write `\"Null\": {{\"{key}\": \"false\"}}`"),
                    ),
                    Amounts::Absent => (
                        format!("`{op}` with `*` is true only when the request has no `{key}`: it tests only that the key is absent"),
                        format!("write `\"Null\": {{\"{key}\": \"true\"}}`"),
                    ),
                    Amounts::Always => (
                        format!("`{op}` with `*` is true whatever the request: the entry for `{key}` restricts nothing"),
                        "remove the entry, or write the values it was meant to allow".to_owned(),
                    ),
                    Amounts::Never => (
                        format!("`{op}` with `*` is never true: the statement never applies"),
                        "write the values meant, or remove the statement".to_owned(),
                    ),
                };
                sink.report(
                    Finding::new(v.span, v.path.clone(), message)
                        .label("matches any value")
                        .secondary(clause.operator_text.span, "operator")
                        .help(help)
                        .sid(st),
                );
            }
        }
    }
}
