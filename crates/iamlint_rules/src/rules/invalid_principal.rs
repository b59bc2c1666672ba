use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `Principal` / `NotPrincipal` values IAM cannot use, in trust and resource
    /// policies:
    /// - `AWS`: not `*`, a 12-digit account id, or an `iam`/`sts` ARN of an account root,
    ///   user, role, assumed-role session or federated user; an account id that is not
    ///   12 digits; a group ARN (groups are not principals); a wildcard inside an ARN;
    ///   an IAM unique id (`AIDA…`, `AROA…`) in place of an ARN (a warning in the
    ///   message: AWS writes these when the user or role was deleted);
    /// - `Service`: not of the form `name.amazonaws.com` (or the `.amazonaws.com.cn`,
    ///   `.amazon.com` and isolated-region domains), or with a wildcard;
    /// - `Federated`: neither a `saml-provider` / `oidc-provider` ARN nor a provider
    ///   domain (`cognito-identity.amazonaws.com`, `accounts.google.com`, ...);
    /// - `CanonicalUser`: not 64 hexadecimal characters;
    /// - a principal type other than `AWS`, `Service`, `Federated` and `CanonicalUser`.
    ///
    /// Values with placeholders or CloudFormation intrinsics are not judged.
    ///
    /// ## Why is this bad?
    /// IAM rejects a policy with a malformed principal ("Invalid principal in policy"),
    /// and a principal id left from a deleted role trusts nobody, not the role that
    /// replaced it.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS: arn:aws:iam::11112222333:role/deployer
    ///     Action: sts:AssumeRole
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS: arn:aws:iam::111122223333:role/deployer
    ///     Action: sts:AssumeRole
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS JSON policy elements: Principal": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - IAM User Guide, "IAM identifiers" (unique ids and their prefixes): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html>
    pub InvalidPrincipal {
        code: "IAM141",
        name: "invalid-principal",
        group: "correctness",
        severity: Error,
        enabled: true,
        summary: "a principal value IAM cannot use",
    }
}

const UNIQUE_ID_PREFIXES: &[&str] = &[
    "AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "ASIA", "AKIA", "APKA", "ASCA", "ACCA", "AEKA",
];

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_partition(p: &str) -> bool {
    let mut parts = p.split('-');
    parts.next() == Some("aws")
        && parts.all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_lowercase()))
}

/// What is wrong with an `AWS` principal value, if anything.
fn aws_problem(v: &str) -> Option<String> {
    if v == "*" || is_account(v) {
        return None;
    }
    if v.len() >= 16
        && UNIQUE_ID_PREFIXES.iter().any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("is an IAM unique id, not an ARN: AWS writes a unique id in place of the ARN when the user or role it named was deleted, so this principal no longer exists; a new user or role of the same name has a different id and is not trusted".to_string());
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "is not an account id: account ids have 12 digits, this has {}",
            v.len()
        ));
    }
    let Some(rest) = v.strip_prefix("arn:") else {
        return Some("is neither `*`, a 12-digit account id nor an ARN".to_string());
    };
    let f: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = f.as_slice() else {
        return Some("is not a complete ARN `arn:partition:service::account:resource`".to_string());
    };
    if !is_partition(partition) {
        return Some(format!(
            "has partition `{partition}`, which is not an AWS partition"
        ));
    }
    if iamlint_matcher::has_wildcard(v) {
        return Some("has a wildcard: a principal ARN cannot contain `*` or `?` (only `\"*\"` alone is allowed); match ARN patterns with the `aws:PrincipalArn` condition key".to_string());
    }
    if !matches!(*service, "iam" | "sts") {
        return Some(format!(
            "is an ARN of `{service}`; principals are `iam` or `sts` ARNs"
        ));
    }
    if !region.is_empty() {
        return Some(format!(
            "has region `{region}`; IAM and STS ARNs have an empty region"
        ));
    }
    if *account == "cloudfront" && resource.starts_with("user/CloudFront Origin Access Identity ") {
        return None;
    }
    if !is_account(account) {
        return Some(format!(
            "has account `{account}`; account ids have 12 digits"
        ));
    }
    let kind = resource.split('/').next().unwrap_or("");
    let ok = match *service {
        "iam" => {
            matches!(kind, "root" | "user" | "role") && (kind == "root") == (*resource == "root")
        }
        _ => matches!(kind, "assumed-role" | "federated-user"),
    };
    if ok {
        return None;
    }
    if *service == "iam" && kind == "group" {
        return Some(
            "is an IAM group; groups cannot be principals (name the users, or the account)"
                .to_string(),
        );
    }
    Some(format!(
        "has resource `{resource}`; `{service}` principals are {}",
        if *service == "iam" {
            "`root`, `user/...` or `role/...`"
        } else {
            "`assumed-role/...` or `federated-user/...`"
        }
    ))
}

pub(crate) fn service_problem(v: &str) -> Option<String> {
    if iamlint_matcher::has_wildcard(v) {
        return Some("has a wildcard; service principals must be named exactly".to_string());
    }
    let lower = v.to_ascii_lowercase();
    let ok_chars = lower
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let ok_domain = [
        ".amazonaws.com",
        ".amazonaws.com.cn",
        ".amazon.com",
        ".c2s.ic.gov",
        ".sc2s.sgov.gov",
    ]
    .iter()
    .any(|d| {
        lower
            .strip_suffix(d)
            .is_some_and(|h| !h.is_empty() && !h.starts_with('.'))
    });
    if ok_chars && ok_domain {
        None
    } else {
        Some("is not a service principal: those are written `name.amazonaws.com` (for example `lambda.amazonaws.com`)".to_string())
    }
}

fn federated_problem(v: &str) -> Option<String> {
    if let Some(rest) = v.strip_prefix("arn:") {
        let f: Vec<&str> = rest.splitn(5, ':').collect();
        let ok = match f.as_slice() {
            [p, "iam", "", acct, res] => {
                is_partition(p)
                    && is_account(acct)
                    && (res
                        .strip_prefix("saml-provider/")
                        .is_some_and(|n| !n.is_empty())
                        || res
                            .strip_prefix("oidc-provider/")
                            .is_some_and(|n| !n.is_empty()))
            }
            _ => false,
        };
        return (!ok).then(|| "is not an identity provider ARN `arn:aws:iam::<account>:saml-provider/<name>` or `...:oidc-provider/<host>`".to_string());
    }
    let domain_like = v.contains('.') && !v.contains([' ', '*', '/', ':']);
    (!domain_like).then(|| "is neither an identity provider ARN nor a provider domain such as `cognito-identity.amazonaws.com`".to_string())
}

impl Rule for InvalidPrincipal {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        if cx.doc.kind.is_identity_like() {
            return;
        }
        for st in &cx.doc.statements {
            let Some(pb) = &st.principal else { continue };
            if pb.bare_star {
                continue;
            }
            let key = if pb.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            for pv in &pb.values {
                let Some(v) = pv.value.as_literal() else {
                    continue;
                };
                let ty = pv.principal_type.as_str();
                let problem = match ty {
                    "AWS" => aws_problem(v),
                    "Service" => service_problem(v),
                    "Federated" => federated_problem(v),
                    "CanonicalUser" => (!(v.len() == 64
                        && v.bytes().all(|b| b.is_ascii_hexdigit())))
                    .then(|| "is not a canonical user id (64 hexadecimal characters)".to_string()),
                    "*" => None,
                    other => {
                        let fixed = ["AWS", "Service", "Federated", "CanonicalUser"]
                            .into_iter()
                            .find(|t| t.eq_ignore_ascii_case(other));
                        Some(match fixed {
                            Some(t) => format!("is under `{other}`, which is not a principal type; the type keys are case-sensitive: `{t}`"),
                            None => format!("is under `{other}`, which is not a principal type (`AWS`, `Service`, `Federated` or `CanonicalUser`)"),
                        })
                    }
                };
                let Some(problem) = problem else { continue };
                let unique_id = problem.starts_with("is an IAM unique id");
                sink.report(
                    Finding::new(
                        pv.value.span,
                        pv.value.path.clone(),
                        format!("`{v}` in `{key}` {problem}"),
                    )
                    .label(if unique_id { "unique id of a deleted principal" } else { "invalid principal" })
                    .help(if unique_id {
                        "replace it with the ARN of the user or role that should be trusted"
                    } else {
                        "write the principal as AWS documents it: `arn:aws:iam::111122223333:role/name`, `111122223333`, `service.amazonaws.com` or an identity provider ARN"
                    })
                    .sid(st),
                );
            }
        }
    }
}
