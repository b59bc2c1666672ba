use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{Part, Statement, Text};
use iamlint_syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports a trust policy statement that allows `sts:AssumeRoleWithWebIdentity` to an
    /// OIDC identity provider (`"Federated": "arn:aws:iam::<account>:oidc-provider/<host>"`
    /// or the bare host, such as `token.actions.githubusercontent.com`) without a condition
    /// that pins the token's subject, `<host>:sub`. For Amazon Cognito identity pools
    /// (`cognito-identity.amazonaws.com`) the key to pin is
    /// `cognito-identity.amazonaws.com:aud`, the identity pool id.
    ///
    /// A subject condition does not count when its value matches everything (`*`,
    /// `repo:*`, `repo:*/*:*`), when the operator is negated (`StringNotEquals`,
    /// `StringNotLike`) or `Null`. Values with CloudFormation intrinsics or placeholders
    /// are taken to pin the subject.
    ///
    /// A GitHub subject that is pinned but keeps a wildcard over the repository
    /// (`repo:my-org/*`) or over the branch (`repo:my-org/app:*`, with no
    /// `token.actions.githubusercontent.com:ref` condition) is reported at warning, as IAM
    /// Access Analyzer's "Specific github repo and branch recommended" is.
    ///
    /// ## Why is this bad?
    /// The provider issues tokens to everyone who uses it. For GitHub Actions, any
    /// workflow in any GitHub repository, of any owner, can request a token for
    /// `sts.amazonaws.com` and assume the role. For Cognito, an identity from any
    /// identity pool in any AWS account can.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    ///     Action: sts:AssumeRoleWithWebIdentity
    ///     Condition:
    ///       StringEquals:
    ///         token.actions.githubusercontent.com:aud: sts.amazonaws.com
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    ///     Action: sts:AssumeRoleWithWebIdentity
    ///     Condition:
    ///       StringEquals:
    ///         token.actions.githubusercontent.com:aud: sts.amazonaws.com
    ///         token.actions.githubusercontent.com:sub: repo:example-org/example-repo:ref:refs/heads/main
    /// ```
    ///
    /// ## References
    /// - Configuring a role for GitHub OIDC identity provider (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub>
    /// - Available keys for AWS web identity federation (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>
    /// - Role trust and permissions for Amazon Cognito identity pools (Amazon Cognito Developer Guide), <https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html>
    pub OidcTrustUnconditioned {
        code: "IAM402",
        name: "oidc-trust-unconditioned",
        group: "exposure",
        severity: Error,
        enabled: true,
        summary: "a role trusting an OIDC provider without a condition on the token's subject",
    }
}

const GITHUB: &str = "token.actions.githubusercontent.com";
const COGNITO: &str = "cognito-identity.amazonaws.com";

/// The provider host of a `Federated` value, if it is an OIDC provider.
fn oidc_host(t: &Text) -> Option<String> {
    let last = match t.parts.last()? {
        Part::Literal(s) => s.as_str(),
        Part::Hole { .. } => return None,
    };
    if let Some((_, host)) = last.split_once(":oidc-provider/") {
        return Some(host.to_string());
    }
    let whole = t.as_literal()?;
    if whole.starts_with("arn:") || whole.contains('/') || !whole.contains('.') {
        // SAML providers and other ARNs.
        return None;
    }
    Some(whole.to_string())
}

impl Rule for OidcTrustUnconditioned {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        // an RCP names every principal (`*`) and only restricts
        if cx.doc.kind.is_identity_like() || cx.doc.kind == iamlint_policy::PolicyKind::Rcp {
            return;
        }
        let Some(web_identity) = cx.catalog().find_action("sts:AssumeRoleWithWebIdentity") else {
            return;
        };
        for (st, g) in cx.statements() {
            if !st.is_allow() || !g.actions.contains(web_identity) {
                continue;
            }
            let Some(block) = &st.principal else { continue };
            if block.negated {
                continue;
            }
            for value in block.of_type("Federated") {
                let Some(host) = oidc_host(value) else {
                    continue;
                };
                check(cx, st, value.span, &host, sink);
            }
        }
    }
}

fn check(cx: &DocContext<'_>, st: &Statement, span: Span, host: &str, sink: &mut Sink) {
    let provider = cx.data().sensitive().oidc_provider(host);
    let keys: Vec<String> = match provider {
        Some(p) => {
            let subs: Vec<String> = p
                .required_keys
                .iter()
                .filter(|k| k.ends_with(":sub"))
                .cloned()
                .collect();
            if subs.is_empty() {
                p.required_keys.clone()
            } else {
                subs
            }
        }
        None => vec![format!("{host}:sub")],
    };
    let non_narrowing: Vec<String> = provider
        .map(|p| p.non_narrowing_values.clone())
        .unwrap_or_else(|| vec!["*".to_string()]);
    let mut weak: Vec<(Span, String)> = Vec::new();
    // GitHub subjects that pin the owner but not one repository, or not its branches
    let mut broad: Vec<(Span, String, Breadth)> = Vec::new();
    for key in &keys {
        let mut pinned = false;
        if let Some(cond) = &st.condition {
            for (clause, entry) in cond.entries() {
                let matches_key = match entry.key.as_literal() {
                    Some(k) => k.eq_ignore_ascii_case(key),
                    // `${Provider}:sub`: unknown provider, known key name.
                    None => {
                        let suffix = key.rsplit_once(':').map_or(key.as_str(), |(_, s)| s);
                        matches!(entry.key.parts.last(), Some(Part::Literal(s)) if s.ends_with(&format!(":{suffix}")))
                    }
                };
                if !matches_key {
                    continue;
                }
                let op = &clause.operator;
                if op.family.is_none() || op.negated || op.base == "Null" {
                    weak.push((
                        entry.key.span,
                        format!("`{}` does not pin `{key}`", op.base),
                    ));
                    continue;
                }
                let wild = entry.values.iter().find_map(|v| {
                    let s = v.as_literal()?;
                    let rest = s.strip_prefix("repo:").unwrap_or(s);
                    let trivial = non_narrowing.iter().any(|n| n == s)
                        || rest.chars().all(|c| matches!(c, '*' | '?' | ':' | '/'));
                    trivial.then(|| s.to_string())
                });
                match wild {
                    Some(s) => {
                        weak.push((entry.values_span, format!("`{s}` matches every subject")))
                    }
                    None if entry.values.is_empty() => {}
                    None => {
                        pinned = true;
                        if host.eq_ignore_ascii_case(GITHUB) {
                            broad.extend(entry.values.iter().filter_map(|v| {
                                github_breadth(v.as_literal()?).map(|b| (v.span, v.display(), b))
                            }));
                        }
                    }
                }
            }
        }
        if pinned {
            if let Some(f) = broad_github(st, &broad) {
                sink.report(f);
            }
            continue;
        }
        let (who, help) = if host.eq_ignore_ascii_case(GITHUB) {
            (
                "a workflow in any GitHub repository, of any owner, can assume this role".to_string(),
                format!("add `\"StringLike\": {{\"{key}\": \"repo:<owner>/<repo>:ref:refs/heads/<branch>\"}}` (or `:environment:<name>`), with `\"StringEquals\": {{\"{GITHUB}:aud\": \"sts.amazonaws.com\"}}`"),
            )
        } else if host.eq_ignore_ascii_case(COGNITO) {
            (
                "an identity from any Amazon Cognito identity pool, in any AWS account, can assume this role".to_string(),
                format!("add `\"StringEquals\": {{\"{key}\": \"<region>:<identity pool id>\"}}`, and `\"ForAnyValue:StringLike\": {{\"{COGNITO}:amr\": \"authenticated\"}}` for authenticated identities"),
            )
        } else {
            (
                format!("any identity `{host}` issues a token to can assume this role"),
                format!("add `\"StringEquals\": {{\"{key}\": \"<subject>\"}}` with the subject of the workload that should assume the role"),
            )
        };
        let mut f = Finding::new(
            span,
            st.path.clone(),
            format!("role trusts the OIDC provider `{host}` without a condition on `{key}`: {who}"),
        )
        .label(format!("trusted without a condition on `{key}`"))
        .sid(st)
        .help(help);
        for (s, why) in &weak {
            f = f.secondary(*s, why.clone());
        }
        if let Some(note) = provider.and_then(|p| p.note.as_deref()) {
            f = f.note(note.to_string());
        }
        sink.report(f);
        // One finding per provider value.
        return;
    }
}

/// How much of GitHub a pinned subject still lets in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Breadth {
    /// `repo:my-org/*`: every repository of an owner (or of a name pattern).
    Repositories,
    /// `repo:my-org/app:*`: every branch, tag, environment and pull request of one
    /// repository.
    Refs,
}

/// The breadth of a GitHub `sub` value written as `repo:<owner>/<repo>:<context>`, when
/// it has a wildcard. Values of other shapes are left alone.
fn github_breadth(v: &str) -> Option<Breadth> {
    let rest = v.strip_prefix("repo:")?;
    let (repo, context) = match rest.split_once(':') {
        Some((r, c)) => (r, Some(c)),
        None => (rest, None),
    };
    let (_, name) = repo.split_once('/')?;
    if name.contains(['*', '?']) {
        return Some(Breadth::Repositories);
    }
    match context {
        Some(c) if c.contains(['*', '?']) => Some(Breadth::Refs),
        _ => None,
    }
}

/// A warning for a GitHub subject that names an owner but not one repository, or one
/// repository but none of its branches, unless a `:ref` condition pins the branch.
fn broad_github(st: &Statement, broad: &[(Span, String, Breadth)]) -> Option<Finding> {
    let ref_pinned = st.condition.as_ref().is_some_and(|c| {
        c.entries().any(|(clause, e)| {
            let key = e.key.as_literal().unwrap_or("").to_ascii_lowercase();
            (key == format!("{GITHUB}:ref") || key == format!("{GITHUB}:job_workflow_ref"))
                && !clause.operator.negated
                && e.values.iter().all(|v| {
                    v.as_literal()
                        .is_some_and(|s| !s.trim_end_matches('*').is_empty())
                })
        })
    });
    let (span, value, breadth) = broad
        .iter()
        .find(|(_, _, b)| *b == Breadth::Repositories)
        .or_else(|| broad.iter().find(|_| !ref_pinned))?;
    let who = match breadth {
        Breadth::Repositories => "a workflow of any repository it matches, on any branch,",
        Breadth::Refs => {
            "a workflow of this repository on any branch, tag or environment, and on pull requests,"
        }
    };
    let mut f = Finding::new(
        *span,
        st.path.clone(),
        format!("the GitHub subject `{value}` has a wildcard: {who} can assume this role"),
    )
    .label("wildcard in the subject")
    .help(format!("name the repository and branch (`repo:<owner>/<repo>:ref:refs/heads/main`) or environment; if the subject cannot hold the branch, pin it with `{GITHUB}:ref`"))
    .sid(st);
    f.at_most = Some(crate::Severity::Warning);
    Some(f)
}
