use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// In role trust policies, reports an `Allow` whose principal and action do not go
    /// together:
    /// - a `Federated` SAML provider (`arn:aws:iam::…:saml-provider/…`) without
    ///   `sts:AssumeRoleWithSAML`;
    /// - a `Federated` OIDC provider (`arn:aws:iam::…:oidc-provider/…`, or
    ///   `cognito-identity.amazonaws.com`, `accounts.google.com`,
    ///   `graph.facebook.com`, `www.amazon.com`) without
    ///   `sts:AssumeRoleWithWebIdentity`;
    /// - `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML` for `AWS` or
    ///   `Service` principals only;
    /// - IAM Roles Anywhere (`rolesanywhere.amazonaws.com`) without all of
    ///   `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity`.
    ///
    /// ## Why is this bad?
    /// Each kind of principal assumes a role through its own API: SAML federation
    /// calls `AssumeRoleWithSAML`, web identity federation `AssumeRoleWithWebIdentity`,
    /// IAM principals and services `AssumeRole`. A trust statement with the wrong
    /// action never lets the principal in, and the federation sign-in fails.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
    ///     Action: sts:AssumeRole
    ///     Condition:
    ///       StringEquals:
    ///         token.actions.githubusercontent.com:sub: repo:octo/app:ref:refs/heads/main
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
    ///     Action: sts:AssumeRoleWithWebIdentity
    ///     Condition:
    ///       StringEquals:
    ///         token.actions.githubusercontent.com:sub: repo:octo/app:ref:refs/heads/main
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Principal" (federated principals): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - IAM User Guide, "Create a role for web identity or OpenID Connect federation" and "Create a role for SAML 2.0 federation": <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp.html>
    pub TrustActionMismatch {
        code: "IAM140",
        name: "trust-action-mismatch",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a trust policy whose principal cannot use the action it is given",
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Fed {
    Saml,
    Oidc,
}

fn federated_kind(v: &str) -> Option<Fed> {
    if v.contains(":saml-provider/") {
        Some(Fed::Saml)
    } else if v.contains(":oidc-provider/")
        || matches!(
            v,
            "cognito-identity.amazonaws.com"
                | "accounts.google.com"
                | "graph.facebook.com"
                | "www.amazon.com"
        )
    {
        Some(Fed::Oidc)
    } else {
        None
    }
}

impl Rule for TrustActionMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind != PolicyKind::Trust {
            return;
        }
        let cat = cx.catalog();
        let (Some(saml), Some(web)) = (
            cat.find_action("sts:AssumeRoleWithSAML"),
            cat.find_action("sts:AssumeRoleWithWebIdentity"),
        ) else {
            return;
        };
        for (st, g) in cx.statements() {
            if !st.is_allow() || g.actions_unresolved {
                continue;
            }
            let (Some(pb), Some(actions)) = (&st.principal, &st.action) else {
                continue;
            };
            if pb.negated || pb.is_public() {
                continue;
            }
            let mut has_other = false;
            let mut federated = Vec::new();
            for v in &pb.values {
                let Some(text) = v.value.as_literal() else {
                    // an unresolved principal could be anything
                    has_other |= v.principal_type != "Federated";
                    if v.principal_type == "Federated" {
                        federated.push((v, None));
                    }
                    continue;
                };
                if v.principal_type == "Federated" {
                    federated.push((v, federated_kind(text)));
                } else {
                    has_other = true;
                }
            }
            for (v, kind) in &federated {
                let Some(kind) = kind else { continue };
                let (needed, name) = match kind {
                    Fed::Saml => (saml, "sts:AssumeRoleWithSAML"),
                    Fed::Oidc => (web, "sts:AssumeRoleWithWebIdentity"),
                };
                if g.actions.contains(needed) {
                    continue;
                }
                let what = match kind {
                    Fed::Saml => "SAML provider",
                    Fed::Oidc => "web identity (OIDC) provider",
                };
                sink.report(
                    Finding::new(
                        v.value.span,
                        v.value.path.clone(),
                        format!("`{}` is a {what}, which assumes roles with `{name}`, but the statement does not allow `{name}`; federated sign-in with this role fails", v.value.display()),
                    )
                    .label(what)
                    .secondary(actions.span, format!("no `{name}` here"))
                    .help(format!("allow `{name}` for this principal"))
                    .sid(st),
                );
            }
            if federated.is_empty() && has_other {
                for item in &actions.items {
                    let Some(a) = item.as_literal() else { continue };
                    if !iamlint_semantic::FEDERATION_ONLY_ACTIONS
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(a))
                    {
                        continue;
                    }
                    if actions.negated {
                        continue;
                    }
                    sink.report(
                        Finding::new(
                            item.span,
                            item.path.clone(),
                            format!("`{a}` is only used by `Federated` principals, but this statement's principals are `AWS` or `Service` principals; the action does nothing for them"),
                        )
                        .label("needs a federated principal")
                        .secondary(pb.span, "no `Federated` principal")
                        .help("use `sts:AssumeRole` for IAM and service principals, or name the identity provider under `Federated`")
                        .sid(st),
                    );
                }
            }
        }
        roles_anywhere(cx, sink);
    }
}

/// IAM Roles Anywhere assumes a role with `sts:AssumeRole`, `sts:TagSession` and
/// `sts:SetSourceIdentity` together: a trust policy that allows its service principal
/// fewer of them (over all its `Allow` statements) makes every credential request fail.
fn roles_anywhere(cx: &DocContext<'_>, sink: &mut Sink) {
    const PRINCIPAL: &str = "rolesanywhere.amazonaws.com";
    const NEEDED: [&str; 3] = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];
    let cat = cx.catalog();
    let mut first: Option<(&iamlint_policy::Statement, &iamlint_policy::Text)> = None;
    let mut allowed = iamlint_catalog::ActionSet::empty(cat.action_count());
    for (st, g) in cx.statements() {
        if !st.is_allow() {
            continue;
        }
        let Some(pb) = st.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        let Some(value) = pb.of_type("Service").find(|v| {
            v.as_literal()
                .is_some_and(|s| s.eq_ignore_ascii_case(PRINCIPAL))
        }) else {
            continue;
        };
        if g.actions_unresolved {
            return;
        }
        first.get_or_insert((st, value));
        allowed.union_with(&g.actions);
    }
    let Some((st, value)) = first else { return };
    let missing: Vec<String> = NEEDED
        .iter()
        .filter(|n| cat.find_action(n).is_some_and(|a| !allowed.contains(a)))
        .map(|n| format!("`{n}`"))
        .collect();
    if missing.is_empty() {
        return;
    }
    let mut f = Finding::new(
        value.span,
        value.path.clone(),
        format!(
            "IAM Roles Anywhere assumes roles with `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity` together, and this policy does not allow it {}: every credential request for the role fails",
            crate::rules::catalog_support::list_some(&missing, 3)
        ),
    )
    .label("needs three actions")
    .help("allow `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity` to `rolesanywhere.amazonaws.com`, with conditions on `aws:SourceArn` (the trust anchor)")
    .sid(st);
    if let Some(a) = &st.action {
        f = f.secondary(a.span, "the actions allowed");
    }
    sink.report(f);
}
