use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an assumed-role session principal
    /// (`arn:aws:sts::111122223333:assumed-role/deployer/ci`) listed in the same
    /// `Principal` as its role (`arn:aws:iam::111122223333:role/deployer`).
    ///
    /// ## Why is this bad?
    /// Naming the role already covers every session of it: the session entry adds
    /// nothing, and a reader may think access is narrower than it is.
    ///
    /// ## Example
    /// ```yaml expect_diagnostic
    /// # iamlint-test: policy-type=trust
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Principal:
    ///       AWS:
    ///         - arn:aws:iam::111122223333:role/deployer
    ///         - arn:aws:sts::111122223333:assumed-role/deployer/ci
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
    /// - IAM User Guide, "AWS JSON policy elements: Principal" (role session principals): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session>
    pub RedundantPrincipal {
        code: "IAM507",
        name: "redundant-principal",
        group: "hygiene",
        severity: Info,
        enabled: true,
        summary: "an assumed-role session principal listed beside its role",
    }
}

/// (account, role name) of a role ARN; IAM paths are dropped (sessions carry the name).
fn role(arn: &str) -> Option<(&str, &str)> {
    let f: Vec<&str> = arn.splitn(6, ':').collect();
    match f.as_slice() {
        ["arn", _, "iam", "", account, res] => {
            let name = res.strip_prefix("role/")?.rsplit('/').next()?;
            Some((account, name))
        }
        _ => None,
    }
}

/// (account, role name) of an assumed-role session ARN.
fn session(arn: &str) -> Option<(&str, &str)> {
    let f: Vec<&str> = arn.splitn(6, ':').collect();
    match f.as_slice() {
        ["arn", _, "sts", "", account, res] => {
            let (name, _) = res.strip_prefix("assumed-role/")?.split_once('/')?;
            Some((account, name))
        }
        _ => None,
    }
}

impl Rule for RedundantPrincipal {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(block) = st.principal.as_ref().filter(|b| !b.negated) else {
                continue;
            };
            let aws: Vec<&iamlint_policy::Text> = block.of_type("AWS").collect();
            for s in &aws {
                let Some((account, name)) = s.as_literal().and_then(session) else {
                    continue;
                };
                if account.contains(['*', '?']) || name.contains(['*', '?']) {
                    continue;
                }
                let Some(r) = aws
                    .iter()
                    .find(|r| r.as_literal().and_then(role) == Some((account, name)))
                else {
                    continue;
                };
                sink.report(
                    Finding::new(
                        s.span,
                        s.path.clone(),
                        format!(
                            "the session `{}` is covered by its role `{}`, listed too: naming the role admits every session of it",
                            s.display(),
                            r.display()
                        ),
                    )
                    .label("redundant session principal")
                    .secondary(r.span, "the role")
                    .help("remove the session entry; to admit only some sessions, name the role and add a condition on `sts:RoleSessionName` or `aws:userid`")
                    .sid(st),
                );
            }
        }
    }
}
