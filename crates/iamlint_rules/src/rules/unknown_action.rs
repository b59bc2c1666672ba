use crate::rules::catalog_support::catalog_date;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ExpandError;
use iamlint_semantic::ActionItem;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` or `NotAction` item of a known service that names no action
    /// of the catalog (compared ignoring case), with the closest action of that service
    /// as a suggestion; a wildcard pattern that matches no action at all; and an item
    /// that is not an action (`GetObject` without its service prefix).
    ///
    /// ## Why is this bad?
    /// The item matches nothing: an `Allow` grants nothing through it, a `Deny` blocks
    /// nothing, a `NotAction` excludes nothing. Usually it is a typo
    /// (`s3:GetObjects`), a name from an SDK or CLI rather than the IAM action
    /// (`s3:HeadObject`, `s3:ListObjectsV2`), or an action AWS retired.
    ///
    /// The catalog is AWS's Service Authorization Reference at the date it was
    /// imported (`iamlint catalog info`); an action announced later is reported until
    /// the catalog is refreshed. Items with placeholders or CloudFormation intrinsics
    /// are not judged. This is why an unknown name is a warning where IAM Access Analyzer
    /// (whose catalog is always current) reports an error: iamlint's verdict is only as
    /// recent as its catalog, and the message names the catalog's date. An item without
    /// a `:` between service and name is an error: IAM rejects the policy whatever the
    /// catalog says.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObjects", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}]}
    /// ```
    ///
    /// ## References
    /// - Service Authorization Reference, "Actions, resources, and condition keys for AWS
    ///   services": <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - IAM User Guide, "IAM JSON policy elements: Action": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub UnknownAction {
        code: "IAM108",
        name: "unknown-action",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "an action, or a wildcard pattern, that matches no action of the catalog",
    }
}

impl Rule for UnknownAction {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        let date = catalog_date(cat);
        for (st, g) in cx.statements() {
            let Some(list) = &st.action else { continue };
            let effect = if list.negated {
                "this `NotAction` item excludes nothing"
            } else if st.is_deny() {
                "this item denies nothing"
            } else {
                "this item grants nothing"
            };
            for (text, item) in list.items.iter().zip(&g.action_items) {
                let f = match item {
                    ActionItem::Error(ExpandError::UnknownAction { action, suggestion }) => {
                        let service = action.split_once(':').map_or("", |(s, _)| s);
                        let service = cat
                            .service_by_prefix(service)
                            .map_or(service, |s| cat.service_prefix(s));
                        let f = Finding::new(
                            text.span,
                            text.path.clone(),
                            format!("`{action}` is not an action of `{service}` in the catalog of {date}; unless AWS added it since, {effect}"),
                        )
                        .label("unknown action");
                        match help_for(cat, action, suggestion.as_deref()) {
                            Some((h, instead)) => {
                                let fix = instead.and_then(|new| {
                                    crate::fixes::replace_within(
                                        cx.file.text(),
                                        text.span,
                                        text.as_literal()?,
                                        &new,
                                        format!("replace with `{new}`"),
                                    )
                                });
                                f.help(h).fix(fix)
                            }
                            None => f.help(format!(
                                "check the action's name in the Service Authorization Reference page of `{service}`"
                            )),
                        }
                    }
                    ActionItem::Error(ExpandError::NoMatch { pattern }) => Finding::new(
                        text.span,
                        text.path.clone(),
                        format!("`{pattern}` matches no action in the catalog of {date}; {effect}"),
                    )
                    .label("matches no action")
                    .help("check the pattern's spelling: `*` and `?` never match across the `:`"),
                    // not an action at all (`GetObject`, `s3:Get:Object`); empty items and
                    // policy variables are other rules' findings
                    ActionItem::Invalid(why)
                        if text
                            .as_literal()
                            .is_some_and(|t| !t.is_empty() && !t.contains("${")) =>
                    {
                        let outcome = if text.as_literal().is_some_and(|t| !t.contains(':')) {
                            "IAM rejects a policy with an action that names no service"
                        } else {
                            effect
                        };
                        Finding::new(text.span, text.path.clone(), format!("{why}; {outcome}"))
                            .label("not an action")
                            .help("write actions as `service:Action`, for example `s3:GetObject`")
                    }
                    _ => continue,
                };
                let mut f = f.sid(st);
                let rejected = matches!(item, ActionItem::Invalid(_))
                    && text.as_literal().is_some_and(|t| !t.contains(':'));
                if !rejected {
                    // a verdict of the catalog, as recent as its date
                    f.at_most = Some(crate::Severity::Warning);
                }
                sink.report(f);
            }
        }
    }
}

/// API operations whose permission is an IAM action of another name (AWS documents the
/// action each operation needs): `HeadObject` is authorized by `s3:GetObject`, batch
/// operations by the single-item action.
const API_TO_ACTION: &[(&str, &str)] = &[
    ("s3:HeadObject", "s3:GetObject"),
    ("s3:HeadBucket", "s3:ListBucket"),
    ("s3:ListObjects", "s3:ListBucket"),
    ("s3:ListObjectsV2", "s3:ListBucket"),
    ("s3:ListObjectVersions", "s3:ListBucketVersions"),
    ("s3:ListBuckets", "s3:ListAllMyBuckets"),
    ("s3:DeleteObjects", "s3:DeleteObject"),
    ("s3:PutBucketEncryption", "s3:PutEncryptionConfiguration"),
    ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ("s3:DeleteBucketEncryption", "s3:PutEncryptionConfiguration"),
    ("s3:SetBucketEncryption", "s3:PutEncryptionConfiguration"),
    ("sns:PublishBatch", "sns:Publish"),
    ("sqs:SendMessageBatch", "sqs:SendMessage"),
    ("sqs:DeleteMessageBatch", "sqs:DeleteMessage"),
    (
        "sqs:ChangeMessageVisibilityBatch",
        "sqs:ChangeMessageVisibility",
    ),
];

/// The help line: the IAM action of an API operation, the actions that start with the
/// name (`kms:ReEncrypt` gives `kms:ReEncrypt*`), or the closest action; with what to
/// write instead, when the help names one thing.
fn help_for(
    cat: &iamlint_catalog::Catalog,
    action: &str,
    close: Option<&str>,
) -> Option<(String, Option<String>)> {
    if let Some((_, to)) = API_TO_ACTION
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(action))
    {
        return Some((
            format!("`{action}` is an API operation, not an IAM action: it is authorized by `{to}`"),
            Some((*to).to_string()),
        ));
    }
    let trimmed = action.trim_end_matches([',', ';', '.', ' ']);
    if trimmed != action {
        if let Some(a) = cat.find_action(trimmed) {
            let name = cat.action_full_name(a);
            return Some((
                format!("remove the trailing punctuation: `{name}`"),
                Some(name),
            ));
        }
    }
    let range = cat.action_range_with_prefix(&action.to_ascii_lowercase());
    if !range.is_empty() {
        let names: Vec<String> = range
            .clone()
            .map(|a| format!("`{}`", cat.action_full_name(a)))
            .collect();
        return Some((
            format!(
                "did you mean `{action}*`? it matches {}",
                crate::rules::catalog_support::list_some(&names, 3)
            ),
            Some(format!("{action}*")),
        ));
    }
    close.map(|s| (format!("did you mean `{s}`?"), Some(s.to_string())))
}

#[cfg(test)]
mod tests {
    use super::API_TO_ACTION;
    use iamlint_catalog::Catalog;

    #[test]
    fn api_map_names_catalog_actions_only_on_the_right() {
        let cat = &Catalog::embedded();
        for (from, to) in API_TO_ACTION {
            assert!(cat.find_action(to).is_some(), "{to} is not in the catalog");
            assert!(cat.find_action(from).is_none(), "{from} is an IAM action");
        }
    }
}
