use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ActionPattern;
use iamlint_policy::ElementList;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` (or `NotAction`) item that another item of the same statement
    /// already covers: `s3:GetObject` next to `s3:Get*`, anything of `s3` next to `s3:*`,
    /// and exact duplicates (action names are case-insensitive, so `s3:getobject` and
    /// `s3:GetObject` are duplicates).
    ///
    /// Coverage is decided on the patterns themselves, for every possible action name, so
    /// the verdict does not depend on the catalog. Items with placeholders or
    /// CloudFormation intrinsics are never compared.
    ///
    /// ## Why is this bad?
    /// The item changes nothing: it makes the policy longer (policies have size quotas)
    /// and suggests to a reviewer that the statement is narrower than it is.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM JSON policy elements: Action (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub RedundantAction {
        code: "IAM501",
        name: "redundant-action",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "an action item already covered by another item of the same statement",
    }
}

impl Rule for RedundantAction {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(list) = &st.action else { continue };
            for (redundant, covering) in redundant_items(list) {
                let (Some(r), Some(c)) = (list.items.get(redundant), list.items.get(covering))
                else {
                    continue;
                };
                let (rs, cs) = (r.display(), c.display());
                let key = list.key_name("Action");
                let (message, other) = if rs == cs {
                    (
                        format!("`{rs}` is listed twice in `{key}`"),
                        "first listed here".to_string(),
                    )
                } else if rs.eq_ignore_ascii_case(&cs) {
                    (
                        format!("`{rs}` duplicates `{cs}` in `{key}` (action names are case-insensitive)"),
                        "same action".to_string(),
                    )
                } else {
                    (
                        format!("`{rs}` is already covered by `{cs}` in the same `{key}`"),
                        format!("`{cs}` covers it"),
                    )
                };
                sink.report(
                    Finding::new(r.span, r.path.clone(), message)
                        .label("redundant")
                        .secondary(c.span, other)
                        .help(format!("remove `{rs}`"))
                        .sid(st),
                );
            }
        }
    }
}

/// Pairs (redundant item, covering item) of an action list. Of two equivalent items the
/// later one is redundant; the covering item is one that is not itself redundant.
fn redundant_items(list: &ElementList) -> Vec<(usize, usize)> {
    let pats: Vec<Option<ActionPattern>> = list
        .items
        .iter()
        .map(|t| t.as_literal().and_then(|s| ActionPattern::parse(s).ok()))
        .collect();
    // covered_by[i]: items j != i that cover item i (for equivalent items, only earlier j).
    let mut covered_by: Vec<Vec<usize>> = vec![Vec::new(); pats.len()];
    for (i, p) in pats.iter().enumerate() {
        let Some(p) = p else { continue };
        for (j, q) in pats.iter().enumerate() {
            let Some(q) = q else { continue };
            if i == j || !q.covers(p) {
                continue;
            }
            let equivalent = p.covers(q);
            if !equivalent || j < i {
                if let Some(v) = covered_by.get_mut(i) {
                    v.push(j);
                }
            }
        }
    }
    pick_covering(&covered_by)
}

/// For each covered item, the covering item to name: preferably one that is not covered
/// itself.
pub(crate) fn pick_covering(covered_by: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, by) in covered_by.iter().enumerate() {
        let best = by
            .iter()
            .copied()
            .find(|&j| covered_by.get(j).is_some_and(Vec::is_empty))
            .or_else(|| by.first().copied());
        if let Some(j) = best {
            out.push((i, j));
        }
    }
    out
}
