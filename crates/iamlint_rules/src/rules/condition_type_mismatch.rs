use crate::rules::catalog_support::KeyLookup;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::ConditionBaseType as T;
use iamlint_policy::OperatorFamily as F;

declare_rule! {
    /// ## What it does
    /// Reports a condition operator whose type does not fit the type the catalog gives
    /// the key: a `Numeric` operator on `aws:SourceIp` (an IP address), an `IpAddress`
    /// operator on `aws:SourceVpc` (a string), a `Date` operator on a `Bool` key, ...
    ///
    /// Only clear mismatches are reported. Following AWS's documentation of the
    /// condition operators, `String` operators are accepted on ARN keys, `Arn`
    /// operators on string keys (many string keys hold ARNs), `Numeric` and `Date`
    /// operators on each other's keys (dates compare as epoch seconds), `Bool` on string
    /// keys, and `Null` on any key.
    ///
    /// ## Why is this bad?
    /// IAM compares the request's value as the operator's type; a value of another type
    /// does not parse, and the condition is false: an `Allow` never applies, and a
    /// `Deny` with a negated operator applies to every request.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceIp": "203.0.113.0/24"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    /// - IAM User Guide, "AWS global condition context keys" (the type of each key): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    pub ConditionTypeMismatch {
        code: "IAM113",
        name: "condition-type-mismatch",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition operator whose type does not fit the condition key's type",
    }
}

/// Whether an operator of family `f` can sensibly compare a key of type `t`.
pub(crate) fn fits(f: F, t: T) -> bool {
    match f {
        F::Null => true,
        F::String => !matches!(t, T::IpAddress | T::Binary),
        F::Arn => matches!(t, T::Arn | T::String),
        F::Numeric | F::Date => matches!(t, T::Numeric | T::Date),
        F::Bool => matches!(t, T::Bool | T::String),
        F::IpAddress => t == T::IpAddress,
        F::Binary => matches!(t, T::Binary | T::String),
    }
}

fn family_name(f: F) -> &'static str {
    match f {
        F::String => "String",
        F::Numeric => "Numeric",
        F::Date => "Date",
        F::Bool => "Bool",
        F::Binary => "Binary",
        F::IpAddress => "IpAddress",
        F::Arn => "Arn",
        F::Null => "Null",
    }
}

fn operators_for(t: T) -> &'static str {
    match t {
        T::String => "a `String` operator (`StringEquals`, `StringLike`, ...)",
        T::Arn => "an `Arn` operator (`ArnEquals`, `ArnLike`, ...)",
        T::Numeric => "a `Numeric` operator (`NumericEquals`, `NumericLessThan`, ...)",
        T::Date => "a `Date` operator (`DateGreaterThan`, `DateLessThan`, ...)",
        T::Bool => "`Bool`",
        T::IpAddress => "`IpAddress` or `NotIpAddress`",
        T::Binary => "`BinaryEquals`",
    }
}

impl Rule for ConditionTypeMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let Some(family) = clause.operator.family else {
                    continue;
                };
                let (Some(key), Some(op)) =
                    (entry.key.as_literal(), clause.operator_text.as_literal())
                else {
                    continue;
                };
                let KeyLookup::Known(info) = cx.lookup_key(key) else {
                    continue;
                };
                if fits(family, info.ty.base) {
                    continue;
                }
                sink.report(
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!(
                            "`{key}` has type `{}`, but `{op}` compares values of type `{}`: the key's values do not compare as such, so the condition does not match as written",
                            info.ty,
                            family_name(family)
                        ),
                    )
                    .label(format!("`{}` key", info.ty))
                    .secondary(clause.operator_text.span, format!("`{}` operator", family_name(family)))
                    .help(format!("use {} with `{key}`", operators_for(info.ty.base)))
                    .sid(st),
                );
            }
        }
    }
}
