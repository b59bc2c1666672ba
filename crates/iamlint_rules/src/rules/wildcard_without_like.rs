use crate::rules::catalog_support::literal_chars;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Reports a condition value with `*` or `?` under a `String` operator that does not
    /// evaluate wildcards: `StringEquals`, `StringNotEquals` and their `IgnoreCase`
    /// forms. `StringLike`/`StringNotLike` and every `Arn` operator (AWS documents
    /// wildcards for `ArnEquals` as well as `ArnLike`) are fine. `${*}` and `${?}` are
    /// the escapes for a literal character and are not reported.
    ///
    /// ## Why is this bad?
    /// `StringEquals` compares text exactly: `"aws:PrincipalArn": "arn:aws:iam::*:role/ci"`
    /// only matches that literal text, which no principal has. The condition is false,
    /// so an `Allow` grants nothing, and a `StringNotEquals` in a `Deny` blocks
    /// everyone.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringEquals": {"s3:prefix": "home/*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators" (String and ARN
    ///   condition operators): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    pub WildcardWithoutLike {
        code: "IAM136",
        name: "wildcard-without-like",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "a wildcard in a value of a `String` operator that compares exactly",
    }
}

impl Rule for WildcardWithoutLike {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let op = &clause.operator;
                if op.family != Some(OperatorFamily::String) || op.wildcard {
                    continue;
                }
                for v in &entry.values {
                    let lit = literal_chars(v);
                    let Some(w) = lit.chars().find(|c| *c == '*' || *c == '?') else {
                        continue;
                    };
                    // `?` in URL-like values (`aws:Referer`) is part of the text
                    if w == '?' && !lit.contains('*') && lit.contains("://") {
                        continue;
                    }
                    let written = clause.operator_text.display();
                    let like = format!(
                        "{}{}{}",
                        match op.qualifier {
                            Some(iamlint_policy::SetQualifier::ForAllValues) => "ForAllValues:",
                            Some(iamlint_policy::SetQualifier::ForAnyValue) => "ForAnyValue:",
                            None => "",
                        },
                        if op.negated {
                            "StringNotLike"
                        } else {
                            "StringLike"
                        },
                        if op.if_exists { "IfExists" } else { "" }
                    );
                    sink.report(
                        Finding::new(
                            v.span,
                            v.path.clone(),
                            format!("`{written}` compares `{}` exactly, so `{w}` is not a wildcard here; the value only matches that literal text", v.display()),
                        )
                        .label(format!("literal `{w}`"))
                        .secondary(clause.operator_text.span, "exact comparison")
                        .help(format!("use `{like}` for wildcard matching"))
                        .sid(st),
                    );
                }
            }
        }
    }
}
