use crate::rules::catalog_support::catalog_date;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ExpandError;
use iamlint_semantic::ActionItem;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` or `NotAction` item whose service prefix (the part before
    /// the `:`) is not a service of the catalog, compared ignoring case, with the
    /// closest known prefix as a suggestion.
    ///
    /// ## Why is this bad?
    /// An item with an unknown service prefix matches no action: an `Allow` grants
    /// nothing through it, a `Deny` blocks nothing, and a `NotAction` excludes nothing.
    /// It is almost always a typo (`s3-object-lamda`, `ec`) or a name that was never a
    /// prefix (`elasticloadbalancingv2`, whose actions are under
    /// `elasticloadbalancing`).
    ///
    /// Items with placeholders or CloudFormation intrinsics are not judged.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s4:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference, "Actions, resources, and condition keys for AWS
    ///   services": <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - IAM User Guide, "IAM JSON policy elements: Action": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub UnknownService {
        code: "IAM107",
        name: "unknown-service",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "an action whose service prefix is not an AWS service",
    }
}

impl Rule for UnknownService {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for (st, g) in cx.statements() {
            let Some(list) = &st.action else { continue };
            for (text, item) in list.items.iter().zip(&g.action_items) {
                let ActionItem::Error(ExpandError::UnknownService {
                    service,
                    suggestion,
                }) = item
                else {
                    continue;
                };
                let written = text.as_literal().unwrap_or_default();
                let effect = if list.negated {
                    "this `NotAction` item excludes nothing"
                } else if st.is_deny() {
                    "this item denies nothing"
                } else {
                    "this item grants nothing"
                };
                let mut f = Finding::new(
                    text.span,
                    text.path.clone(),
                    format!(
                        "`{written}` names an unknown service: `{service}` is not a service prefix in the catalog of {}; unless AWS added it since, {effect}",
                        catalog_date(cat)
                    ),
                )
                .label("unknown service prefix")
                .note("a prefix missing from the Service Authorization Reference was never a service prefix, or belongs to a retired service")
                .sid(st);
                match suggest(cat, written, suggestion.as_deref()) {
                    Some(s) => {
                        let fix = crate::fixes::replace_within(
                            cx.file.text(),
                            text.span,
                            written,
                            &s,
                            format!("replace with `{s}`"),
                        );
                        f = f.help(format!("did you mean `{s}`?")).fix(fix);
                    }
                    None => {
                        f = f.help("use a service prefix from the Service Authorization Reference")
                    }
                }
                sink.report(f);
            }
        }
    }
}

/// A replacement for `service:Action` with an unknown service: the close prefix when it
/// has the action; else a service that has an action of exactly this name
/// (`efs:DescribeMountTargets` gives `elasticfilesystem:DescribeMountTargets`); else the
/// close prefix with the action as written.
fn suggest(cat: &iamlint_catalog::Catalog, written: &str, close: Option<&str>) -> Option<String> {
    search_suggestion(cat, written, close)
}

fn search_suggestion(
    cat: &iamlint_catalog::Catalog,
    written: &str,
    close: Option<&str>,
) -> Option<String> {
    let action = written.split_once(':').map_or("", |(_, a)| a);
    let wild = iamlint_matcher::has_wildcard(action);
    if let Some(c) = close {
        if let Some(a) = cat.find_action(&format!("{c}:{action}")) {
            return Some(cat.action_full_name(a));
        }
    }
    if !wild && !action.is_empty() {
        if let [a] = cat.name_index().named(action).as_slice() {
            return Some(cat.action_full_name(*a));
        }
    }
    close.map(|c| format!("{c}:{action}"))
}
