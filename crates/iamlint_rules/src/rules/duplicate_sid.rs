use super::structure::exclusive_branches;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::Statement;
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

declare_rule! {
    /// ## What it does
    /// Reports two statements of one policy document with the same `Sid`. Statements in
    /// different branches of one CloudFormation `Fn::If` are not compared: only one of
    /// them is deployed.
    ///
    /// ## Why is this bad?
    /// IAM requires `Sid` values to be unique within a policy and rejects the policy
    /// otherwise; services that use the `Sid` to address statements (SQS, SNS) get an
    /// ambiguous policy.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [
    ///   {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
    ///   {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    /// ]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [
    ///   {"Sid": "ReadA", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
    ///   {"Sid": "ReadB", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    /// ]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Sid":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html>
    pub DuplicateSid {
        code: "IAM106",
        name: "duplicate-sid",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "two statements with the same `Sid` in one policy document",
    }
}

impl Rule for DuplicateSid {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let stmts = &cx.doc.statements;
        // the earlier statements of each `Sid`, in order: a statement is compared only
        // with those of its own `Sid` (was every earlier statement)
        let mut earlier: HashMap<&str, Vec<&Statement>> = HashMap::default();
        for st in stmts {
            let Some(sid) = st.sid_text().filter(|s| !s.is_empty()) else {
                continue;
            };
            let same = earlier.entry(sid).or_default();
            let first = same
                .iter()
                .copied()
                .find(|o| !exclusive_branches(&o.path, &st.path));
            same.push(st);
            let (Some(first), Some(sid_text)) = (first, &st.sid) else {
                continue;
            };
            let Some(first_sid) = &first.sid else {
                continue;
            };
            sink.report(
                Finding::new(
                    sid_text.span,
                    sid_text.path.clone(),
                    format!(
                        "`Sid` `{sid}` is used by statements {} and {}: IAM requires unique `Sid`s in a policy",
                        first.index + 1,
                        st.index + 1
                    ),
                )
                .label("duplicate `Sid`")
                .secondary(first_sid.span, "first used here")
                .help("give each statement its own `Sid`, or merge the two statements")
                .sid(st),
            );
        }
    }
}
