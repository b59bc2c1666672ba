use crate::rules::catalog_support::closest;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OPERATORS;

declare_rule! {
    /// ## What it does
    /// Reports a condition operator IAM does not know, with the closest known one as a
    /// suggestion. Operator names are case-sensitive, and so are the `ForAllValues:` /
    /// `ForAnyValue:` qualifiers and the `IfExists` suffix.
    ///
    /// ## Why is this bad?
    /// IAM rejects a policy with an unknown condition operator, so the template or
    /// pipeline that deploys it fails (`StringEqual`, `ArnEqual`, `stringequals`,
    /// `ForAnyValues:StringLike`).
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqual": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    /// - IAM User Guide, "Single-valued vs. multivalued context keys": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
    pub UnknownConditionOperator {
        code: "IAM111",
        name: "unknown-condition-operator",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition operator IAM does not know",
    }
}

impl Rule for UnknownConditionOperator {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for clause in &cond.clauses {
                if clause.operator.family.is_some() {
                    continue;
                }
                let Some(written) = clause.operator_text.as_literal() else {
                    continue;
                };
                let mut f = Finding::new(
                    clause.operator_text.span,
                    clause.operator_text.path.clone(),
                    format!("`{written}` is not a condition operator; IAM rejects the policy"),
                )
                .label("unknown operator")
                .sid(st);
                match suggest(written) {
                    Some(s) => f = f.help(format!("did you mean `{s}`?")),
                    None => {
                        f = f.help("use one of the String, Numeric, Date, Bool, BinaryEquals, IpAddress, Arn or Null operators")
                    }
                }
                sink.report(f);
            }
        }
    }
}

/// A corrected spelling: qualifier, base operator and `IfExists` fixed separately.
fn suggest(written: &str) -> Option<String> {
    let (qual, rest) = match written.split_once(':') {
        Some((q, r)) => {
            let q = closest(q, ["ForAllValues", "ForAnyValue"].into_iter())?;
            (Some(q), r)
        }
        None => (None, written),
    };
    let lower = rest.to_ascii_lowercase();
    let (base, if_exists) = match lower.strip_suffix("ifexists") {
        Some(b) if !b.is_empty() => (&rest[..b.len()], true),
        _ => (rest, false),
    };
    let base = OPERATORS
        .iter()
        .map(|o| o.0)
        .find(|o| o.eq_ignore_ascii_case(base))
        .or_else(|| closest(base, OPERATORS.iter().map(|o| o.0)))?;
    let mut out = String::new();
    if let Some(q) = qual {
        out.push_str(q);
        out.push(':');
    }
    out.push_str(base);
    if if_exists {
        out.push_str("IfExists");
    }
    (out != written).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("StringEqual").as_deref(), Some("StringEquals"));
        assert_eq!(suggest("stringequals").as_deref(), Some("StringEquals"));
        assert_eq!(
            suggest("ForAnyValues:StringLike").as_deref(),
            Some("ForAnyValue:StringLike")
        );
        assert_eq!(
            suggest("ArnLikeIfexists").as_deref(),
            Some("ArnLikeIfExists")
        );
        assert_eq!(suggest("Whatever"), None);
    }
}
