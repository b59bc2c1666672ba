use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Effect` other than exactly `Allow` or `Deny`.
    ///
    /// ## Why is this bad?
    /// `Effect` is case-sensitive and has only two values. `allow`, `DENY` or `Allowed`
    /// make AWS reject the policy.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Effect":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html>
    pub InvalidEffect {
        code: "IAM104",
        name: "invalid-effect",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "an `Effect` other than exactly `Allow` or `Deny`",
    }
}

impl Rule for InvalidEffect {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(text) = &st.effect_text else {
                continue;
            };
            // `!Ref Effect` and the like: unknown, not invalid.
            let Some(value) = text.as_literal() else {
                continue;
            };
            if value == "Allow" || value == "Deny" {
                continue;
            }
            let suggestion = iamlint_policy::normalize::closest(value.trim(), &["Allow", "Deny"]);
            let mut f = Finding::new(
                text.span,
                text.path.clone(),
                format!("`Effect` must be exactly `Allow` or `Deny`, found `{value}`: AWS rejects the policy"),
            )
            .sid(st);
            match suggestion {
                Some(s) => {
                    f = f.label(format!("did you mean `{s}`?")).help(format!(
                        "write `\"Effect\": \"{s}\"` (the value is case-sensitive)"
                    ));
                }
                None => {
                    f = f
                        .label("not `Allow` or `Deny`")
                        .help("write `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`");
                }
            }
            sink.report(f);
        }
    }
}
