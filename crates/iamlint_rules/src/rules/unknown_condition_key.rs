use crate::rules::catalog_support::{
    catalog_date, closest, is_empty_template_key, service_lists_key, services_of, KeyLookup,
    CROSS_SERVICE_KEYS,
};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_catalog::Catalog;

declare_rule! {
    /// ## What it does
    /// Reports a condition key that is neither an `aws:` global key nor a key of a
    /// service whose actions the statement names, as the catalog documents them (keys
    /// compared ignoring case; templated keys such as `aws:RequestTag/Env` and
    /// `s3:ExistingObjectTag/k` match their templates). Claims of web identity
    /// providers (`token.actions.githubusercontent.com:sub`, `accounts.google.com:aud`,
    /// `<provider>:amr`) and the documented cross-service keys (`ec2:SourceInstanceARN`,
    /// `lambda:SourceFunctionArn`, ...) are accepted.
    ///
    /// ## Why is this bad?
    /// A key that is not in the request context is absent, and a condition on an absent
    /// key is false (except with `...IfExists`, `Null` and negated or `ForAllValues`
    /// operators). So a typo such as `aws:SourceIP` is fine but `aws:SourceIPAddress`
    /// makes an `Allow` grant nothing and a `Deny` block nothing; and a key of another
    /// service (`s3:prefix` in a statement of `ec2` actions) never has a value.
    ///
    /// Statements with `NotAction`, unknown or unresolved actions only get the
    /// unknown-key check.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgId1": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    /// - Service Authorization Reference (condition keys of each service): <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    /// - IAM User Guide, "Available keys for AWS web identity federation": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html>
    pub UnknownConditionKey {
        code: "IAM112",
        name: "unknown-condition-key",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a condition key that no service of the statement (nor AWS globally) defines",
    }
}

impl Rule for UnknownConditionKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for (st, g) in cx.statements() {
            let Some(cond) = &st.condition else { continue };
            let judge_services = st.action.as_ref().is_some_and(|a| !a.negated)
                && !g.actions_unresolved
                && !g.actions.is_empty()
                && g.action_items
                    .iter()
                    .all(|i| matches!(i, iamlint_semantic::ActionItem::Expanded(_)));
            let mut mask: Option<Vec<bool>> = None;
            for (_, entry) in cond.entries() {
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                if key.contains("${")
                    || is_empty_template_key(cat, key)
                    || crate::rules::deprecated_condition_key::is_replaced(key)
                {
                    continue;
                }
                match cx.lookup_key(key) {
                    KeyLookup::ProviderClaim => {}
                    KeyLookup::Unknown => {
                        let mut f = Finding::new(
                            entry.key.span,
                            entry.key.path.clone(),
                            format!(
                                "`{key}` is not a documented condition key (catalog of {}); unless it is an undocumented key that AWS sets, IAM treats it as absent, so the condition is false (unless its operator is `...IfExists`, `Null` or negated)",
                                catalog_date(cat)
                            ),
                        )
                        .label("unknown condition key")
                        .sid(st);
                        f = match suggest_key(cat, key) {
                            Some(s) => f.help(format!("did you mean `{s}`?")),
                            None => f.help("use a global `aws:` key or a key of the statement's services from the Service Authorization Reference"),
                        };
                        sink.report(f);
                    }
                    KeyLookup::Known(info) => {
                        if info.global || !judge_services {
                            continue;
                        }
                        if CROSS_SERVICE_KEYS
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(info.name))
                        {
                            continue;
                        }
                        let mask = mask.get_or_insert_with(|| services_of(cat, &g.actions));
                        let prefix = key.split_once(':').map_or(key, |(p, _)| p);
                        let own = cat
                            .service_by_prefix(prefix)
                            .is_some_and(|s| mask.get(usize::from(s)).copied().unwrap_or(false));
                        if own {
                            continue;
                        }
                        let listed = cat.services().any(|s| {
                            mask.get(usize::from(s)).copied().unwrap_or(false)
                                && service_lists_key(cat, s, info.name)
                        });
                        if listed {
                            continue;
                        }
                        let verb = if st.is_deny() { "denies" } else { "grants" };
                        sink.report(
                            Finding::new(
                                entry.key.span,
                                entry.key.path.clone(),
                                format!(
                                    "`{key}` is a condition key of `{prefix}`, and no action of this statement supports it: the key is absent from these requests, so the condition is false and the statement {verb} nothing (unless its operator is `...IfExists`, `Null` or negated)"
                                ),
                            )
                            .label("key of another service")
                            .secondary(
                                st.action.as_ref().map_or(st.span, |a| a.span),
                                "no action here supports the key",
                            )
                            .help("use a key of the statement's services, or move the condition to a statement of the service that defines the key")
                            .sid(st),
                        );
                    }
                }
            }
        }
    }
}

fn suggest_key(cat: &Catalog, key: &str) -> Option<String> {
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") {
        let names: Vec<&str> = cat.global_condition_keys().map(|k| k.name).collect();
        return closest(key, names.into_iter()).map(str::to_string);
    }
    let s = cat.service_by_prefix(prefix)?;
    let names: Vec<&str> = cat.service_condition_keys(s).map(|k| k.name).collect();
    closest(key, names.into_iter()).map(str::to_string)
}
