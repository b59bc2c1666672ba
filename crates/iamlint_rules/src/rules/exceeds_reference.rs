use crate::reference::kind_family;
use crate::{declare_rule, DocContext, Finding, PrincipalContext, Rule, RuleInfo, Sink};
use iamlint_analyzer::{Diff, Policy};
use iamlint_catalog::Catalog;
use iamlint_policy::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Compares each policy document with a reference policy (a documented policy that the
    /// deployment is meant to stay within) and reports every statement that grants
    /// something the reference does not: actions beyond it, resources beyond its
    /// resources, or the reference's actions without the conditions it puts on them. Each
    /// finding names the excess actions (grouped by service and access level) and a
    /// witness, a concrete request that the policy allows and the reference denies.
    ///
    /// The rule is off until a reference is given: `iamlint check --reference REF`, where
    /// `REF` is a policy file or `builtin:NAME` (`iamlint references` lists the built-in
    /// ones), or a `[references]` table in `iamlint.toml` mapping path globs to references.
    /// Only documents of the reference's kind are compared (an identity reference is not
    /// compared with a trust policy of the same template). A user, group or role is
    /// compared as a whole: every policy it holds (its own, its groups', the AWS managed
    /// policies it attaches, an excess of those reported at the attachment), with its
    /// permissions boundary and its `Deny`s. A reference can be a principal too
    /// (`builtin:cloud-imaging/SLIM-Extras_for_Lambda`, or `roles.yaml#RoleName`): its
    /// permissions are compared with permissions policies, its trust policy with trust
    /// policies. Placeholders in the reference
    /// (`<REGION>`, `<AWS ACCOUNT ID>`) match any value of one ARN segment unless bound
    /// with `--var`; the semantics are those of `iamlint diff` (docs/analyzer.md). An
    /// excess the analyzer confirmed with a witness is an error; one it could not confirm
    /// (it depends on unbound placeholders, CloudFormation values or conditions it cannot
    /// decide) is a warning that says "possibly".
    ///
    /// ## Why is this bad?
    /// Reference policies are copied and then edited. A grant beyond the documented one is
    /// either a deliberate, reviewed change or drift toward more privilege than the
    /// workload was designed with.
    ///
    /// ## Example
    /// With `--reference builtin:parallelcluster/user-awsbatch` (the first line below says
    /// so to the documentation tests), the `ecr:*` statement is within the reference, which
    /// grants `ecr:*` too; the statement that lets the user create access keys is not:
    ///
    /// ```yaml expect_diagnostic
    /// # iamlint-test: option:exceeds-reference.reference=builtin:parallelcluster/user-awsbatch
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Effect: Allow
    ///     Action: ecr:*
    ///     Resource: "*"
    ///   - Effect: Allow
    ///     Action: iam:CreateAccessKey
    ///     Resource: "*"
    /// ```
    ///
    /// Use instead: only what the reference grants (`iamlint tighten` writes it), or a
    /// reference that documents the extra grant.
    ///
    /// The reference is an input of the check, loaded once by the program (`--reference`,
    /// `[references]`, or `reference` under `[rules.options.exceeds-reference]`); giving
    /// one turns the rule on.
    pub ExceedsReference {
        code: "IAM601",
        name: "exceeds-reference",
        group: "least-privilege",
        severity: Error,
        enabled: false,
        summary: "a grant beyond the reference policy given with `--reference`",
    }
}

/// One finding per excess of `diff`, on the statement that grants it; `help` says how to
/// get back within the reference.
pub fn excess_findings(catalog: &Catalog, diff: &Diff, help: &str) -> Vec<Finding> {
    diff.excess
        .iter()
        .map(|e| {
            let d = e.describe(catalog);
            let mut f = Finding::new(e.span, e.path.clone(), d.message)
                .label(d.label)
                .help(help);
            f.sid = e.sid.clone();
            if e.possible {
                f.at_most = Some(iamlint_report::Severity::Warning);
            }
            f.notes = d.notes;
            f
        })
        .collect()
}

impl Rule for ExceedsReference {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn input(&self) -> Option<crate::RuleInput> {
        Some(crate::RuleInput::Reference)
    }

    fn check_principal(&self, cx: &PrincipalContext<'_>, sink: &mut Sink) {
        let Some(reference) = cx.file.reference else {
            return;
        };
        let Some(against) = reference.for_kind(PolicyKind::Identity) else {
            return;
        };
        let Ok(file) = cx.file.file else {
            return;
        };
        let help = format!(
            "remove the extra grants, or run `iamlint tighten --reference {} --principal {} {}` for a policy within `{}`",
            reference.spec(),
            cx.def().id,
            cx.file.source.name,
            reference.name()
        );
        let mut vars = reference.vars().clone();
        let policy = Policy::from_principal(
            cx.file.source.clone(),
            file.syntax,
            &cx.principal,
            &mut vars,
            &iamlint_analyzer::ManagedStatements::default(),
        );
        let diff = iamlint_analyzer::diff(cx.catalog(), &policy, against, &vars);
        for mut f in excess_findings(cx.catalog(), &diff, &help) {
            f.notes.push(format!(
                "compared as part of {}, with every policy it holds",
                cx.subject()
            ));
            if let Some(n) = cx.incomplete_note() {
                f.notes.push(n);
            }
            if !reference.incomplete().is_empty() {
                f.notes.push(format!(
                    "the reference is incomplete: {}",
                    reference.incomplete().join("; ")
                ));
            }
            sink.report(f);
        }
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let Some(reference) = cx.file.reference else {
            return;
        };
        let Ok(file) = cx.file.file else {
            return;
        };
        let Some(against) = reference.for_kind(cx.doc.kind) else {
            return;
        };
        // a principal's permissions are compared as a whole (above)
        let index = file
            .documents
            .iter()
            .position(|d| std::ptr::eq(d, cx.doc));
        let held = index.is_some_and(|i| {
            file.principals
                .iter()
                .any(|p| p.documents().any(|d| d == i) && p.trust != Some(i))
        });
        if held && kind_family(cx.doc.kind) == 0 {
            return;
        }
        let help = format!(
            "remove the extra grants, or run `iamlint tighten --reference {} {}` for a policy within `{}`",
            reference.spec(),
            cx.file.source.name,
            reference.name()
        );
        let mut doc_vars = reference.vars().clone();
        let policy = Policy::from_document(
            cx.file.source.clone(),
            file.syntax,
            cx.doc,
            cx.facts,
            &mut doc_vars,
        );
        let diff = iamlint_analyzer::diff(cx.catalog(), &policy, against, &doc_vars);
        for f in excess_findings(cx.catalog(), &diff, &help) {
            sink.report(f);
        }
    }
}
