use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::Text;

declare_rule! {
    /// ## What it does
    /// Reports a condition value that lets more in than its key is meant to, in the
    /// direction that widens access (an `Allow` with a positive operator, a `Deny` with a
    /// negated one):
    /// - a wildcard (`o-*`, `1111*`) or a policy variable (`${aws:PrincipalTag/account}`)
    ///   in a key AWS lists as sensitive: `aws:PrincipalAccount`, `aws:PrincipalOrgID`,
    ///   `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:SourceAccount`,
    ///   `aws:SourceOrgID`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpceAccount`,
    ///   `aws:VpceOrgID`. A variable that is itself one of these keys
    ///   (`aws:ResourceAccount` equal to `${aws:PrincipalAccount}`, AWS's own idiom for
    ///   "the caller's account") is not reported;
    /// - in `aws:userid`, a wildcard or variable left of the `:` other than a lone `*`
    ///   (`AROA*`, `*` without a `:`).
    ///
    /// ## Why is this bad?
    /// These keys name accounts, organizations and networks; a wildcard in them matches
    /// organizations, accounts or VPCs that are not yours (`o-*` is every organization),
    /// and a variable whose value the caller can influence (a session tag) makes the
    /// condition match whatever the caller chooses. In `aws:userid`, the part before `:`
    /// is the unique ID of a role or user: a wildcard there matches other roles.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*", "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys", "Sensitive condition keys": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sensitive>
    /// - IAM User Guide, "IAM policy validation check reference" (Wildcard usage too permissive, Variable usage too permissive): <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub ConditionValueTooBroad {
        code: "IAM405",
        name: "condition-value-too-broad",
        group: "exposure",
        severity: Error,
        enabled: true,
        summary: "a wildcard or policy variable in a sensitive condition key (accounts, organizations, VPCs, `aws:userid`)",
    }
}

/// The keys AWS lists as sensitive, lower case.
const SENSITIVE: &[&str] = &[
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpceaccount",
    "aws:vpceorgid",
];

/// The first policy variable of a literal that is not one of the sensitive keys.
fn foreign_variable(s: &str) -> Option<&str> {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let end = after.find('}')?;
        let name = after[..end].split(',').next().unwrap_or("").trim();
        if !SENSITIVE.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            return Some(&rest[i..i + 2 + end + 1]);
        }
        rest = &after[end + 1..];
    }
    None
}

/// What is too broad about a value of a sensitive key, if anything.
fn sensitive_problem(v: &Text, like: bool) -> Option<String> {
    let s = v.as_literal()?;
    if let Some(var) = foreign_variable(s) {
        return Some(format!(
            "the policy variable `{var}`, which can take any value the request context gives it"
        ));
    }
    // wildcards only act under `...Like` and `Arn...` operators
    let without_vars = strip_variables(s);
    (like && without_vars.contains(['*', '?'])).then(|| "a wildcard".to_owned())
}

fn strip_variables(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// `aws:userid` is `<unique id>:<session>` (or the account ID for the root user): a
/// wildcard or variable left of the `:` other than a lone `*` matches other principals.
fn userid_problem(v: &Text, like: bool) -> Option<String> {
    let s = v.as_literal()?;
    let left = s.split_once(':').map_or(s, |(l, _)| l);
    let has_colon = s.contains(':');
    let wild = like && left.contains(['*', '?']);
    let var = left.contains("${");
    if (wild || var) && !(has_colon && left == "*") {
        return Some(if var {
            "a policy variable in the unique ID, left of `:`".to_owned()
        } else {
            "a wildcard in the unique ID, left of `:`".to_owned()
        });
    }
    None
}

impl Rule for ConditionValueTooBroad {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                let op = &clause.operator;
                if op.family.is_none() || op.base == "Null" {
                    continue;
                }
                // the direction that widens access
                let widens = (st.is_allow() && !op.negated) || (st.is_deny() && op.negated);
                if !widens {
                    continue;
                }
                let Some(key) = entry.key.as_literal() else {
                    continue;
                };
                let lower = key.to_ascii_lowercase();
                let sensitive = SENSITIVE.contains(&lower.as_str());
                let userid = lower == "aws:userid";
                if !sensitive && !userid {
                    continue;
                }
                for v in &entry.values {
                    let problem = if sensitive {
                        sensitive_problem(v, op.wildcard)
                    } else {
                        userid_problem(v, op.wildcard)
                    };
                    let Some(problem) = problem else { continue };
                    let what = if sensitive {
                        "it names accounts, organizations or networks, and this value matches ones that are not yours"
                    } else {
                        "the part before `:` identifies one role or user, and this value matches others"
                    };
                    sink.report(
                        Finding::new(
                            v.span,
                            v.path.clone(),
                            format!("`{}` for `{key}` has {problem}: {what}", v.display()),
                        )
                        .label("too broad for this key")
                        .secondary(entry.key.span, "sensitive condition key")
                        .help(if sensitive {
                            "list the exact IDs (`o-a1b2c3d4e5`, `111122223333`, `vpc-1a2b3c4d`) with `StringEquals`"
                        } else {
                            "write the unique ID of the role or user, with `*` only after the `:` (`AROAEXAMPLEID:*`)"
                        })
                        .sid(st),
                    );
                }
            }
        }
    }
}
