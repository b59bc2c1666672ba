use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::Document;
use iamlint_syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `Version` other than `2012-10-17`, and the old `2008-10-17`.
    ///
    /// A version IAM does not know is an error: IAM rejects the policy. `2008-10-17` is
    /// accepted; it is an error only when the document uses a policy variable
    /// (`${aws:username}` in a `Resource` or a condition value), which that version
    /// matches as literal text, so the statement does not do what it says. Without
    /// variables it is a warning, like a missing `Version` (which means `2008-10-17`).
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
            "2008-10-17" => {
                let f = match first_variable(cx.doc) {
                    Some((span, var)) => Finding::new(v.span, v.path.clone(), format!("`Version` `2008-10-17` does not evaluate policy variables: `{var}` is matched as literal text"))
                        .label("old version")
                        .secondary(span, "matched as text"),
                    None => {
                        let mut f = Finding::new(v.span, v.path.clone(), "`Version` `2008-10-17` is the old policy language: IAM accepts it, but policy variables and newer features do not work with it")
                            .label("old version");
                        f.at_most = Some(iamlint_report::Severity::Warning);
                        f
                    }
                };
                sink.report(f.help("use `\"Version\": \"2012-10-17\"`"));
            }
            other => sink.report(
                Finding::new(v.span, v.path.clone(), format!("`Version` `{other}` is not a policy language version; IAM rejects the policy"))
                    .label("not `2012-10-17`")
                    .help("use `\"Version\": \"2012-10-17\"`"),
            ),
        }
    }
}

/// The first IAM policy variable (`${aws:username}`, `${s3:prefix}`, `${*}`) in a
/// `Resource` item or a condition value, with its span.
fn first_variable(doc: &Document) -> Option<(Span, String)> {
    let texts = doc.statements.iter().flat_map(|st| {
        let resources = st.resource.iter().flat_map(|l| l.items.iter());
        let values = st
            .condition
            .iter()
            .flat_map(|c| c.clauses.iter())
            .flat_map(|cl| cl.entries.iter())
            .flat_map(|e| e.values.iter());
        resources.chain(values)
    });
    texts.into_iter().find_map(|t| {
        let s = t.display();
        let var = policy_variable(&s)?;
        Some((t.span, var.to_string()))
    })
}

/// A `${...}` of IAM's policy language in `s`: a `service:key` name or one of the special
/// characters `${*}`, `${?}`, `${$}` (not CloudFormation's `${AWS::Region}` or a
/// `${Param}` of `Fn::Sub`).
fn policy_variable(s: &str) -> Option<&str> {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let tail = &rest[i..];
        let end = tail.find('}')?;
        let name = &tail[2..end];
        let special = matches!(name, "*" | "?" | "$");
        let keyed = name.split_once(':').is_some_and(|(svc, key)| {
            !svc.is_empty() && !key.is_empty() && !key.starts_with(':') && !name.contains("::")
        });
        if special || keyed {
            return Some(&tail[..=end]);
        }
        rest = &tail[end + 1..];
    }
    None
}
