use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Reports several values for one key under a `NumericLessThan`,
    /// `NumericLessThanEquals`, `NumericGreaterThan` or `NumericGreaterThanEquals`
    /// operator (without a set qualifier): values are alternatives, so only the greatest
    /// (for `LessThan`) or the least (for `GreaterThan`) counts.
    ///
    /// ## Why is this bad?
    /// `"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}` allows sessions
    /// up to an hour old, not 45 minutes: the other value changes nothing, and a reader
    /// may take the stricter one for the rule.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Conditions with multiple context keys or values": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>
    pub RedundantConditionValue {
        code: "IAM506",
        name: "redundant-condition-value",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "numeric condition values that a larger or smaller one of the same list makes redundant",
    }
}

impl Rule for RedundantConditionValue {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let op = &clause.operator;
                if op.family != Some(OperatorFamily::Numeric) || op.qualifier.is_some() {
                    continue;
                }
                let greatest = match op.base.as_str() {
                    "NumericLessThan" | "NumericLessThanEquals" => true,
                    "NumericGreaterThan" | "NumericGreaterThanEquals" => false,
                    _ => continue,
                };
                let parsed: Option<Vec<(f64, &iamlint_policy::Text)>> = entry
                    .values
                    .iter()
                    .map(|v| v.as_literal()?.parse::<f64>().ok().map(|n| (n, v)))
                    .collect();
                let Some(parsed) = parsed.filter(|p| p.len() > 1) else {
                    continue;
                };
                let keep =
                    parsed
                        .iter()
                        .copied()
                        .fold(None::<(f64, &iamlint_policy::Text)>, |acc, x| match acc {
                            None => Some(x),
                            Some(a) if (greatest && x.0 > a.0) || (!greatest && x.0 < a.0) => {
                                Some(x)
                            }
                            a => a,
                        });
                let Some((_, kept)) = keep else { continue };
                let key = entry.key.display();
                let which = if greatest { "greatest" } else { "least" };
                let opname = clause.operator_text.display();
                for (_, v) in parsed.iter().filter(|(_, v)| !std::ptr::eq(*v, kept)) {
                    sink.report(
                        Finding::new(
                            v.span,
                            v.path.clone(),
                            format!(
                                "`{}` is redundant: values of `{opname}` are alternatives, so only the {which}, `{}`, limits `{key}`",
                                v.display(),
                                kept.display()
                            ),
                        )
                        .label("redundant value")
                        .secondary(kept.span, format!("the {which} value"))
                        .help(format!("keep one value, `{}`, or the stricter one if that was meant", kept.display()))
                        .sid(st),
                    );
                }
            }
        }
    }
}
