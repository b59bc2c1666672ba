use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports two keys in one condition operator block that differ only in case
    /// (`aws:SourceVpc` and `aws:sourcevpc`). Exact duplicates are reported by the
    /// duplicate-key check.
    ///
    /// ## Why is this bad?
    /// Condition key names are case-insensitive, so both entries name the same key.
    /// Many JSON tools keep both, IAM's handling is undocumented, and a reader sees two
    /// conditions where there is one key with an ambiguous list of values.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-111", "aws:sourcevpc": "vpc-222"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": ["vpc-111", "vpc-222"]}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition" (key names are not case-sensitive): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>
    pub ConditionKeyCaseDuplicate {
        code: "IAM135",
        name: "condition-key-case-duplicate",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "two condition keys in one operator block that differ only in case",
    }
}

impl Rule for ConditionKeyCaseDuplicate {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for clause in &cond.clauses {
                for (i, e) in clause.entries.iter().enumerate() {
                    let Some(k) = e.key.as_literal() else {
                        continue;
                    };
                    let first = clause.entries[..i].iter().find(|p| {
                        p.key
                            .as_literal()
                            .is_some_and(|pk| pk != k && pk.eq_ignore_ascii_case(k))
                    });
                    let Some(first) = first else { continue };
                    let pk = first.key.display();
                    let op = clause.operator_text.display();
                    sink.report(
                        Finding::new(
                            e.key.span,
                            e.key.path.clone(),
                            format!("`{k}` and `{pk}` in one `{op}` block are the same key (condition keys ignore case); which values apply is ambiguous"),
                        )
                        .label("same key as an earlier one")
                        .secondary(first.key.span, "first written here")
                        .help(format!("merge the values into one `{pk}` entry"))
                        .sid(st),
                    );
                }
            }
        }
    }
}
