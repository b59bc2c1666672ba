use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `Version` other than `2012-10-17`, and the old `2008-10-17`.
    ///
    /// ## Why is this bad?
    /// IAM accepts only `2012-10-17` and `2008-10-17` (anything else is rejected). The
    /// old version turns off policy variables, so `${aws:username}` is matched as text.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    /// ```
    pub InvalidVersion {
        code: "IAM102",
        name: "invalid-version",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a `Version` other than `2012-10-17`",
    }
}

impl Rule for InvalidVersion {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let Some(v) = &cx.doc.version else { return };
        let Some(text) = v.as_literal() else { return };
        match text {
            "2012-10-17" => {}
            "2008-10-17" => sink.report(
                Finding::new(v.span, v.path.clone(), "`Version` `2008-10-17` is the old policy language: policy variables are not evaluated")
                    .label("old version")
                    .help("use `\"Version\": \"2012-10-17\"`"),
            ),
            other => sink.report(
                Finding::new(v.span, v.path.clone(), format!("`Version` `{other}` is not a policy language version; IAM rejects the policy"))
                    .label("not `2012-10-17`")
                    .help("use `\"Version\": \"2012-10-17\"`"),
            ),
        }
    }
}
