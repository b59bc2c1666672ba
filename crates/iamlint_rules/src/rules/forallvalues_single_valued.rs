use crate::rules::catalog_support::{KeyLookup, MULTIVALUED_CLAIMS};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{OperatorFamily, SetQualifier};

declare_rule! {
    /// ## What it does
    /// Reports `ForAllValues:` on a key the catalog documents as single-valued, in an
    /// `Allow` statement.
    ///
    /// ## Why is this bad?
    /// `ForAllValues` is true when every value of the key in the request is in the
    /// list, and so also when the key is absent or has no values. On a single-valued key
    /// the qualifier adds nothing but that gap: `ForAllValues:StringEquals` on
    /// `aws:RequestedRegion` allows requests that carry no region at all. Use the plain
    /// operator, or add a `Null` check if absence must be allowed.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Set operators for multivalued context keys": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
    pub ForallvaluesSingleValued {
        code: "IAM133",
        name: "forallvalues-single-valued",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "`ForAllValues` on a single-valued condition key in an `Allow`",
    }
}

impl Rule for ForallvaluesSingleValued {
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
                let op = &clause.operator;
                if op.qualifier != Some(SetQualifier::ForAllValues)
                    || matches!(op.family, None | Some(OperatorFamily::Null))
                {
                    continue;
                }
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let KeyLookup::Known(info) = cx.lookup_key(key) else {
                    continue;
                };
                if info.ty.multivalued
                    || MULTIVALUED_CLAIMS
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(key))
                {
                    continue;
                }
                let written = clause.operator_text.display();
                sink.report(
                    Finding::new(
                        clause.operator_text.span,
                        clause.operator_text.path.clone(),
                        format!("`{written}` on single-valued `{key}` is also true when the request has no `{key}`, so this `Allow` applies to requests without it"),
                    )
                    .label("`ForAllValues` on a single-valued key")
                    .secondary(entry.key.span, format!("single-valued (`{}`)", info.ty))
                    .help(format!("use `{}{}` without `ForAllValues:`", op.base, if op.if_exists { "IfExists" } else { "" }))
                    .sid(st),
                );
            }
        }
    }
}
