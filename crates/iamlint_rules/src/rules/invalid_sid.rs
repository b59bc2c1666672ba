use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Part, PolicyKind};

declare_rule! {
    /// ## What it does
    /// Reports a `Sid` with characters other than ASCII letters and digits in a policy
    /// that IAM or Organizations validates: identity policies, permissions boundaries,
    /// role trust policies and service control policies. Resource policies are not
    /// checked: some services (Amazon S3, AWS KMS) accept spaces and other characters
    /// there. (An empty `Sid` is `empty-value`.)
    ///
    /// ## Why is this bad?
    /// IAM accepts only `[A-Za-z0-9]` in a `Sid` and rejects the policy otherwise, so a
    /// deployment fails at the last step.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Sid": "read-reports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Sid":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html>
    pub InvalidSid {
        code: "IAM120",
        name: "invalid-sid",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a `Sid` with characters other than letters and digits in an IAM-validated policy",
    }
}

impl Rule for InvalidSid {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind == PolicyKind::Resource {
            return;
        }
        for st in &cx.doc.statements {
            let Some(sid) = &st.sid else { continue };
            // Only the literal parts can be judged; a `!Sub` reference may expand to
            // anything, but a `-` written around it is wrong whatever it expands to.
            let mut bad: Vec<char> = Vec::new();
            for p in &sid.parts {
                if let Part::Literal(s) = p {
                    for c in s.chars().filter(|c| !c.is_ascii_alphanumeric()) {
                        if !bad.contains(&c) {
                            bad.push(c);
                        }
                    }
                }
            }
            if bad.is_empty() {
                continue;
            }
            let shown: Vec<String> = bad.iter().map(|c| describe(*c)).collect();
            let mut f = Finding::new(
                sid.span,
                sid.path.clone(),
                format!(
                    "`Sid` `{}` contains {}: IAM accepts only ASCII letters and digits and rejects the policy",
                    sid.display(),
                    join_and(&shown)
                ),
            )
            .label("not only letters and digits")
            .sid(st);
            f = match sid.as_literal().map(suggest).filter(|s| !s.is_empty()) {
                Some(s) => f.help(format!("rename it, for example to `{s}`")),
                None => f.help("use only letters and digits"),
            };
            sink.report(f);
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        c if c.is_ascii_graphic() => format!("`{c}`"),
        c => format!("U+{:04X}", c as u32),
    }
}

/// `read-reports bucket` → `ReadReportsBucket`.
fn suggest(sid: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in sid.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestion_camel_cases() {
        assert_eq!(super::suggest("read-reports bucket"), "ReadReportsBucket");
        assert_eq!(super::suggest("Allow_S3"), "AllowS3");
        assert_eq!(super::suggest("--"), "");
    }
}
