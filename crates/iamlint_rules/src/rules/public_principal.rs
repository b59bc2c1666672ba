use crate::data::{NarrowingConditionKey, PublicPrincipal as PublicData};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{
    ConditionClause, ConditionEntry, PolicyKind, PrincipalBlock, SetQualifier, Statement,
};
use iamlint_syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement of a resource or trust policy whose principal is
    /// everyone (`"Principal": "*"`, `{"AWS": "*"}`, or `NotPrincipal`) and whose
    /// `Condition` does not narrow who can use it.
    ///
    /// A condition narrows when it pins the caller's organization, account, ARN, source
    /// resource, VPC, VPC endpoint or IP range: `aws:PrincipalOrgID`,
    /// `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
    /// `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceVpc`,
    /// `aws:SourceVpce`, `aws:SourceIp` (not `0.0.0.0/0` or `::/0`), `aws:userid`,
    /// `kms:CallerAccount`, `kms:ViaService` together with `kms:CallerAccount`, and
    /// `saml:aud` (the list is `rules/sensitive-actions.toml`). It does not narrow when a
    /// value is a wildcard (`*`, `o-*`, `arn:aws:iam::*:*`, an ARN whose account is `*`),
    /// when the operator is negated (`StringNotEquals`), `Null`, `...IfExists` or
    /// `ForAllValues:` (all of which also match when the key is absent). Other keys, such
    /// as `aws:SecureTransport`, restrict how a request is made, not who makes it. Values
    /// with CloudFormation intrinsics or placeholders (`${AWS::AccountId}`) are taken to
    /// narrow. `Deny` statements are never reported.
    ///
    /// ## Why is this bad?
    /// Anyone, in any AWS account, and for most services also unauthenticated callers,
    /// can make the allowed requests: read or write the bucket, queue or topic, use the
    /// key, or assume the role.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## References
    /// - AWS JSON policy elements: Principal (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - AWS global condition context keys (IAM User Guide), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    pub PublicPrincipal {
        code: "IAM401",
        name: "public-principal",
        group: "exposure",
        severity: Error,
        enabled: true,
        summary: "an `Allow` to every principal without a condition that narrows who",
    }
}

/// Where and how the principal block of an `Allow` reaches everyone: `NotPrincipal`, or a
/// `*` principal of a type other than `Service`. `None` otherwise.
fn public_grant(block: &PrincipalBlock, kind: PolicyKind) -> Option<(Span, String)> {
    if block.negated {
        return Some((
            block.key_span,
            "`Allow` with `NotPrincipal` applies to everyone except the listed principals"
                .to_string(),
        ));
    }
    if !block.is_public() {
        return None;
    }
    let v = block
        .values
        .iter()
        .find(|v| v.value.as_literal() == Some("*") && v.principal_type != "Service")?;
    let written = if block.bare_star {
        "`Principal` `*`".to_string()
    } else {
        format!("`Principal` `{{\"{}\": \"*\"}}`", v.principal_type)
    };
    let who = if kind == PolicyKind::Trust {
        "every AWS principal"
    } else {
        "everyone, including anonymous callers"
    };
    Some((v.value.span, format!("{written} is {who}")))
}

impl Rule for PublicPrincipal {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        // an RCP names every principal (`*`) and only restricts
        if cx.doc.kind.is_identity_like() || cx.doc.kind == iamlint_policy::PolicyKind::Rcp {
            return;
        }
        let data = &cx.data().sensitive().public_principal;
        for st in &cx.doc.statements {
            if !st.is_allow() {
                continue;
            }
            let Some(block) = &st.principal else { continue };
            // a trust policy rejects `NotPrincipal` (`unsupported-by-policy-type`)
            if block.negated && cx.doc.kind == PolicyKind::Trust {
                continue;
            }
            let Some((span, what)) = public_grant(block, cx.doc.kind) else {
                continue;
            };
            let verdict = narrowing(st, data);
            if verdict.narrows {
                continue;
            }
            let actions = st
                .action
                .as_ref()
                .map(|l| {
                    let names: Vec<String> = l.items.iter().map(|t| t.display()).collect();
                    let shown = names
                        .iter()
                        .take(3)
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let more = if names.len() > 3 {
                        format!(" and {} more", names.len() - 3)
                    } else {
                        String::new()
                    };
                    let key = if l.negated { "every action but " } else { "" };
                    format!("{key}{shown}{more}")
                })
                .unwrap_or_else(|| "the statement's actions".to_string());
            let message = if cx.doc.kind == PolicyKind::Trust {
                format!("{what}: any principal in any AWS account can assume this role ({actions}); no condition narrows who")
            } else {
                format!("{what}: anyone can {actions} on this resource; no condition narrows who")
            };
            let mut f = Finding::new(span, st.path.clone(), message)
                .label("everyone")
                .sid(st)
                .help("name the principals (account, role or service), or add a condition on `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceArn`/`aws:SourceAccount` or `aws:SourceVpce`; if the resource is meant to be public, suppress with the reason");
            for (s, why) in &verdict.weak {
                f = f.secondary(*s, why.clone());
            }
            if verdict.other_keys {
                f = f.note("the statement's other conditions restrict how a request is made, not who makes it");
            }
            sink.report(f);
        }
    }
}

struct Verdict {
    narrows: bool,
    /// Narrowing keys that fail to narrow, with why.
    weak: Vec<(Span, String)>,
    /// Conditions on keys that never narrow the principal.
    other_keys: bool,
}

fn narrowing(st: &Statement, data: &PublicData) -> Verdict {
    let mut v = Verdict {
        narrows: false,
        weak: Vec::new(),
        other_keys: false,
    };
    let Some(cond) = &st.condition else {
        return v;
    };
    // Keys that narrow on their own merits, before `requires` is checked.
    let mut strong: Vec<(&NarrowingConditionKey, Span)> = Vec::new();
    for (clause, entry) in cond.entries() {
        let Some(key) = entry.key.as_literal() else {
            // An unresolved key could be anything: stay silent.
            v.narrows = true;
            return v;
        };
        let Some(nk) = data.narrowing_key(key) else {
            v.other_keys = true;
            continue;
        };
        match entry_narrows(clause, entry, nk, data) {
            Ok(()) => strong.push((nk, entry.key.span)),
            Err(why) => v.weak.push((entry.key.span, why)),
        }
    }
    for (nk, span) in &strong {
        let missing: Vec<&String> = nk
            .requires
            .iter()
            .filter(|r| !strong.iter().any(|(o, _)| o.key.eq_ignore_ascii_case(r)))
            .collect();
        if missing.is_empty() {
            v.narrows = true;
            return v;
        }
        let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        v.weak.push((
            *span,
            format!("narrows only together with {}", names.join(", ")),
        ));
    }
    v
}

fn entry_narrows(
    clause: &ConditionClause,
    entry: &ConditionEntry,
    nk: &NarrowingConditionKey,
    data: &PublicData,
) -> Result<(), String> {
    let op = &clause.operator;
    if op.family.is_none() {
        return Err(format!("`{}` is not a condition operator", op.base));
    }
    if op.negated {
        return Err(format!(
            "`{}` is negated: it allows every other value",
            op.base
        ));
    }
    if op.base == "Null" {
        return Err("`Null` only tests whether the key is present".to_string());
    }
    if op.if_exists {
        return Err("`...IfExists` also matches requests without this key".to_string());
    }
    if op.qualifier == Some(SetQualifier::ForAllValues) {
        return Err("`ForAllValues:` also matches requests without this key".to_string());
    }
    if entry.values.is_empty() {
        return Err("no values".to_string());
    }
    for val in &entry.values {
        let Some(s) = val.as_literal() else { continue };
        let wild = data.wildcard_values.iter().any(|w| w == s)
            || nk.non_narrowing_values.iter().any(|w| w == s)
            || (op.wildcard && s.chars().all(|c| c == '*' || c == '?'))
            || (op.wildcard && arn_account_is_wild(s));
        if wild {
            return Err(format!("`{s}` matches any caller"));
        }
    }
    Ok(())
}

/// An ARN pattern whose account field holds a wildcard (`arn:aws:iam::*:role/x`).
fn arn_account_is_wild(s: &str) -> bool {
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(_), Some(_), Some(_), Some(account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    account.contains('*') || account.contains('?')
}
