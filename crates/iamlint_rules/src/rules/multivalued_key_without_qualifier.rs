use crate::rules::catalog_support::KeyLookup;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Reports a multivalued condition key (the catalog's `ArrayOf...` types, such as
    /// `aws:TagKeys`, `aws:CalledVia`, `aws:PrincipalOrgPaths`) used with an operator
    /// that has no `ForAllValues:` / `ForAnyValue:` qualifier (`Null` excepted).
    ///
    /// ## Why is this bad?
    /// AWS documents set operators for multivalued keys: without one, how the request's
    /// set of values is compared with the policy's list is not what most readers
    /// assume. Say which comparison is meant: `ForAnyValue:` (at least one value
    /// matches) or `ForAllValues:` (every value matches; also true when the key is
    /// absent).
    ///
    /// IAM Access Analyzer reports this as an error ("Missing qualifier"); iamlint
    /// reports a warning: IAM evaluates such a condition without failing, and with one
    /// value in the request (the usual case for keys such as `events:detail-type`) it
    /// does what it says. On by default: on the corpus of AWS managed policies and
    /// CloudFormation templates it reports 3 conditions, all on a multivalued key.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": ["team", "env"]}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}, "Null": {"aws:TagKeys": "false"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Set operators for multivalued context keys": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
    pub MultivaluedKeyWithoutQualifier {
        code: "IAM134",
        name: "multivalued-key-without-qualifier",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "a multivalued condition key with an operator that has no set qualifier",
    }
}

impl Rule for MultivaluedKeyWithoutQualifier {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let op = &clause.operator;
                if op.qualifier.is_some() || matches!(op.family, None | Some(OperatorFamily::Null))
                {
                    continue;
                }
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let KeyLookup::Known(info) = cx.lookup_key(key) else {
                    continue;
                };
                if !info.ty.multivalued {
                    continue;
                }
                let written = clause.operator_text.display();
                sink.report(
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!("`{key}` is multivalued (`{}`), but `{written}` has no set qualifier; say whether any or all of the request's values must match", info.ty),
                    )
                    .label("multivalued key")
                    .secondary(clause.operator_text.span, "no `ForAnyValue:`/`ForAllValues:`")
                    .help(format!("use `ForAnyValue:{written}` (some value matches) or `ForAllValues:{written}` (every value matches)"))
                    .sid(st),
                );
            }
        }
    }
}
