use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Part, Text};

declare_rule! {
    /// ## What it does
    /// Reports a `Resource` or `NotResource` item that is neither `*` nor an ARN: text
    /// that does not start with `arn:`, an ARN with fewer than the six fields
    /// `arn:partition:service:region:account:resource`, an unknown partition, an empty
    /// service or resource field, a service written in upper case, a Region that is not
    /// an AWS Region (`us-east-99`; the list comes from botocore, see `docs/catalog.md`),
    /// or an account that is neither 12 digits nor `aws` (AWS managed policies).
    ///
    /// ## Why is this bad?
    /// IAM matches `Resource` against the ARN of the resource a request acts on. A bare
    /// bucket name, a truncated ARN or `arn:aws:S3:::b` (ARN matching is case-sensitive)
    /// matches no resource at all, so the statement never applies; IAM refuses some of
    /// them outright when the policy is saved.
    ///
    /// Placeholders and CloudFormation intrinsics are unknown, not invalid: only the
    /// literal text around them is checked (`!Sub "arn:${AWS::Partition}:s3:::${B}"` is
    /// fine; `!Sub "${Bucket}/*"` is not judged).
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Resource": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    /// - AWS General Reference, "Amazon Resource Names (ARNs)": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
    pub InvalidArn {
        code: "IAM109",
        name: "invalid-arn",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a `Resource` that is neither `*` nor a well-formed ARN",
    }
}

impl Rule for InvalidArn {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(list) = &st.resource else { continue };
            let key = list.key_name("Resource");
            for t in &list.items {
                let Some((problem, label)) = arn_problem(cx, t) else {
                    continue;
                };
                sink.report(
                    Finding::new(
                        t.span,
                        t.path.clone(),
                        format!("`{}` in `{key}` {problem}; it matches no resource", t.display()),
                    )
                    .label(label)
                    .help("write `*` or a full ARN `arn:partition:service:region:account:resource`, e.g. `arn:aws:s3:::my-bucket/*`")
                    .sid(st),
                );
            }
        }
    }
}

/// The frame of a text: its literal prefix up to the first hole (`None` when it starts
/// with a hole, or is empty), and whether a hole follows. Policy variables `${...}` are
/// replaced by `V` so their `:` does not split fields.
fn frame(t: &Text) -> Option<(std::borrow::Cow<'_, str>, bool)> {
    // the common case, one literal without variables, is the text itself
    if let [Part::Literal(s)] = t.parts.as_slice() {
        if !s.contains("${") {
            return (!s.is_empty()).then_some((std::borrow::Cow::Borrowed(s.as_str()), false));
        }
    }
    let mut out = String::new();
    let mut holed = false;
    for p in &t.parts {
        match p {
            Part::Literal(s) => out.push_str(s),
            Part::Hole { .. } => {
                holed = true;
                break;
            }
        }
    }
    if out.is_empty() {
        return None;
    }
    // blank out policy variables
    let mut clean = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("${") {
        clean.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                clean.push('V');
                rest = &rest[i + j + 1..];
            }
            None => {
                // unclosed variable: another rule's finding; judge the text before it
                rest = "";
                holed = true;
            }
        }
    }
    clean.push_str(rest);
    Some((std::borrow::Cow::Owned(clean), holed))
}

fn is_partition(p: &str) -> bool {
    if p.contains(['*', '?', 'V']) {
        return true;
    }
    let mut parts = p.split('-');
    parts.next() == Some("aws")
        && parts.all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_lowercase()))
}

fn arn_problem(cx: &DocContext<'_>, t: &Text) -> Option<(String, &'static str)> {
    let (s, holed) = frame(t)?;
    // CloudFormation dynamic references are resolved at deploy time
    if s.contains("{{resolve:") {
        return None;
    }
    if !holed && !s.is_empty() && s.bytes().all(|b| b == b'*') {
        return None;
    }
    if !s.starts_with("arn:") {
        if holed && "arn:".starts_with(&*s) {
            return None;
        }
        if let Some(head) = s.get(..4).filter(|h| h.eq_ignore_ascii_case("arn:")) {
            return Some((
                format!("starts with `{head}` instead of `arn:` (ARNs are case-sensitive)"),
                "not an ARN",
            ));
        }
        return Some((
            "is not an ARN (it does not start with `arn:`)".to_string(),
            "not an ARN",
        ));
    }
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    // With a hole, only the fields that end before it are known.
    let complete = if holed {
        fields.len().saturating_sub(1)
    } else {
        fields.len()
    };
    if !holed && fields.len() < 6 {
        return Some((
            format!(
                "has {} of the 6 ARN fields `arn:partition:service:region:account:resource`",
                fields.len()
            ),
            "too few ARN fields",
        ));
    }
    if complete > 1 {
        let p = fields.get(1).copied().unwrap_or("");
        if !is_partition(p) {
            return Some((
                format!("has partition `{p}`, which is not an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...)"),
                "unknown partition",
            ));
        }
    }
    if complete > 2 {
        let svc = fields.get(2).copied().unwrap_or("");
        if svc.is_empty() {
            return Some(("has an empty service field".to_string(), "empty service"));
        }
        if svc.bytes().any(|b| b.is_ascii_uppercase())
            && cx.catalog().service_by_prefix(svc).is_some()
        {
            return Some((
                format!(
                    "has service `{svc}`; ARNs are case-sensitive and use `{}`",
                    svc.to_ascii_lowercase()
                ),
                "service in the wrong case",
            ));
        }
    }
    if complete > 3 {
        let region = fields.get(3).copied().unwrap_or("");
        if !region.is_empty()
            && !region.contains(['*', '?', 'V'])
            && !iamlint_catalog::regions::is_region(region)
        {
            return Some((
                format!(
                    "has Region `{region}`, which is not an AWS Region (by {})",
                    iamlint_catalog::regions::DATA_NOTE
                ),
                "unknown Region",
            ));
        }
    }
    if complete > 4 {
        let account = fields.get(4).copied().unwrap_or("");
        let digits12 = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        if !account.is_empty()
            && !account.contains(['*', '?', 'V'])
            && account != "aws"
            && !digits12
        {
            return Some((
                format!("has account `{account}`, which is not a 12-digit account ID"),
                "invalid account",
            ));
        }
    }
    if !holed && fields.get(5).is_some_and(|r| r.is_empty()) {
        return Some(("has an empty resource field".to_string(), "empty resource"));
    }
    None
}
