use crate::rules::redundant_action::pairwise_redundant;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ArnPattern;
use iamlint_policy::ElementList;

declare_rule! {
    /// ## What it does
    /// Reports a `Resource` (or `NotResource`) item that another item of the same
    /// statement already covers: `arn:aws:s3:::b/logs/*` next to `arn:aws:s3:::b/*`,
    /// anything next to `*`, and exact duplicates (ARNs are compared case-sensitively, as
    /// IAM does).
    ///
    /// Coverage is exact for patterns without policy variables; a `${aws:username}` is
    /// covered only by the same variable or by a `*` that ends the segment. Items with
    /// placeholders or CloudFormation intrinsics are never compared.
    ///
    /// ## Why is this bad?
    /// The item changes nothing. Next to `*` it is worse than noise: it suggests the
    /// statement is scoped when it is not.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*"]}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"]}]}
    /// ```
    ///
    /// ## References
    /// - IAM JSON policy elements: Resource (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub RedundantResource {
        code: "IAM504",
        name: "redundant-resource",
        group: "hygiene",
        severity: Info,
        enabled: false,
        summary: "a resource item already covered by another item of the same statement",
    }
}

impl Rule for RedundantResource {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(list) = &st.resource else { continue };
            for (redundant, covering) in redundant_items(list) {
                let (Some(r), Some(c)) = (list.items.get(redundant), list.items.get(covering))
                else {
                    continue;
                };
                let (rs, cs) = (r.display(), c.display());
                let key = list.key_name("Resource");
                let (message, other) = if rs == cs {
                    (
                        format!("`{rs}` is listed twice in `{key}`"),
                        "first listed here".to_string(),
                    )
                } else {
                    (
                        format!("`{rs}` is already covered by `{cs}` in the same `{key}`"),
                        format!("`{cs}` covers it"),
                    )
                };
                let mut f = Finding::new(r.span, r.path.clone(), message)
                    .label("redundant")
                    .secondary(c.span, other)
                    .help(format!("remove `{rs}`"))
                    .sid(st);
                let crosses_slash = cs
                    .strip_suffix('*')
                    .and_then(|prefix| rs.strip_prefix(prefix))
                    .is_some_and(|rest| rest.contains('/'));
                if cs != "*" && rs != cs && crosses_slash {
                    f = f.note("a `*` in a resource pattern matches any characters, `/` included");
                }
                if cs == "*" && !list.negated {
                    f = f.note("the statement applies to every resource: if it was meant to be scoped, remove `*` instead");
                }
                sink.report(f);
            }
        }
    }
}

fn redundant_items(list: &ElementList) -> Vec<(usize, usize)> {
    let pats: Vec<Option<ArnPattern>> = list
        .items
        .iter()
        .map(|t| t.as_literal().and_then(|s| ArnPattern::parse(s).ok()))
        .collect();
    pairwise_redundant(&pats, ArnPattern::covers)
}
