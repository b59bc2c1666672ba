use crate::rules::catalog_support::is_empty_template_key;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a templated condition key written without its variable part:
    /// `aws:ResourceTag/`, `aws:RequestTag/`, `aws:PrincipalTag/`,
    /// `s3:ExistingObjectTag/`, `ec2:ResourceTag/`, ... (any key of the catalog whose
    /// documented form ends in `/${TagKey}` or similar).
    ///
    /// ## Why is this bad?
    /// The key names no tag, so it is never in the request context and the condition is
    /// false: an `Allow` grants nothing and a negated condition in a `Deny` blocks every
    /// request.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/": "dev"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Controlling access to AWS resources using tags": <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html>
    pub MissingTagKey {
        code: "IAM139",
        name: "missing-tag-key",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a tag condition key without the tag's name",
    }
}

impl Rule for MissingTagKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (_, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                if !is_empty_template_key(cat, key) {
                    continue;
                }
                let template = cat
                    .condition_key(&format!("{key}x"))
                    .map_or_else(String::new, |i| i.name.to_string());
                sink.report(
                    Finding::new(
                        entry.key.span,
                        entry.key.path.clone(),
                        format!("`{key}` has nothing after the `/`: the key is `{template}` and names no tag, so it is never present and the condition is false"),
                    )
                    .label("no tag name")
                    .help(format!("name the tag: `{key}<tag-key>`"))
                    .sid(st),
                );
            }
        }
    }
}
