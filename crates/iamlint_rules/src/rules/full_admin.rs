use crate::rules::words::thousands;
use super::grant_support::{self as gs, Scope};
use super::principal_support::grant_words;
use crate::{declare_rule, DocContext, Finding, PrincipalContext, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` of every action on every resource in an identity policy:
    /// `Action: "*"` with `Resource: "*"`, and the same grant written another way, as
    /// `NotAction` with a tiny exclusion or `NotResource` with a narrow one.
    ///
    /// A `NotAction` (or a `Deny` elsewhere in the document) counts as tiny when it leaves
    /// out at most 1% of the catalog's actions and none of the Permissions management
    /// actions of `iam`: whoever keeps those can grant themselves the rest. The message
    /// says how many actions are left out. `NotResource` counts as narrow unless an item
    /// excludes a whole service or account (`arn:aws:s3:::*`, `arn:aws:iam::*:*`).
    ///
    /// A statement with a `Condition` is still reported; a note names the condition keys.
    /// Actions denied by an unconditional `Deny` on `*` in the same document are not
    /// granted. Permissions boundaries, SCPs, trust and resource policies are not
    /// checked (an SCP or boundary of `*` limits nothing, but grants nothing either).
    ///
    /// An AWS managed policy that grants the same (`AdministratorAccess`) is reported
    /// where a user, group or role attaches it, at the same severity, with what it grants;
    /// a note says when the principal's permissions boundary or `Deny`s limit it.
    ///
    /// ## Why is this bad?
    /// The principal can do anything in the account, including creating new principals
    /// and changing its own permissions. A leaked credential or a compromised workload
    /// with this policy is a compromised account.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "Security best practices in IAM": apply least-privilege permissions
    /// - IAM User Guide, "IAM JSON policy elements: NotAction"
    /// - AWS managed policy `AdministratorAccess` (job function policies)
    pub FullAdmin {
        code: "IAM201",
        name: "full-admin",
        group: "least-privilege",
        severity: Error,
        enabled: true,
        summary: "an `Allow` of every action on every resource",
    }
}

impl Rule for FullAdmin {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_principal(&self, cx: &PrincipalContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for (held, doc, facts) in cx.policies() {
            let (Some(m), Some(at), None) = (held.managed(), &held.attachment, &held.via_group)
            else {
                continue;
            };
            let dcx = cx.doc_context(doc, facts);
            let Some((gr, fa)) = gs::grants(&dcx)
                .iter()
                .find_map(|gr| gs::full_admin(cat, gr).map(|fa| (gr, fa)))
            else {
                continue;
            };
            let what = if fa.excluded == 0 {
                "every action on every resource".to_string()
            } else {
                format!(
                    "all but {} of the catalog's {} actions on every resource",
                    thousands(fa.excluded),
                    thousands(cat.action_count())
                )
            };
            let mut f = Finding::new(
                at.span,
                at.path.clone(),
                format!(
                    "{} attaches the AWS managed policy `{}`, which allows {what}: full administrator access",
                    cx.subject(),
                    m.name
                ),
            )
            .label(format!("attaches `{}`", m.name))
            .help("attach policies with only the actions the workload calls, on the resources it uses")
            .note(format!("`{}` grants {}", m.name, grant_words(doc, facts, None)));
            if let Some(note) = gs::condition_note(gr.st.condition.as_ref()) {
                f = f.note(note);
            }
            let effective = cx.facts().net_allowed.len();
            if effective < gr.effective.len() {
                f = f.note(format!(
                    "the permissions boundary or `Deny`s of {} leave {} of these actions",
                    cx.subject(),
                    thousands(effective)
                ));
            }
            sink.report(f);
        }
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for gr in gs::grants_in_budget(cx) {
            let Some(fa) = gs::full_admin(cat, gr) else {
                continue;
            };
            let n = cat.action_count();
            let (span, path, message, label) = if gr.not_action() {
                (
                    gr.actions.key_span,
                    gr.actions.path.clone(),
                    format!(
                        "`Allow` with `NotAction` leaves out only {} of the catalog's {} actions and applies {}: administrator access in all but name",
                        thousands(fa.excluded),
                        thousands(n),
                        gr.scope.describe()
                    ),
                    format!("allows {} actions", thousands(gr.effective.len())),
                )
            } else {
                // the item that grants (nearly) everything, else the `Action` key
                let item = gr
                    .actions
                    .items
                    .iter()
                    .find(|t| t.as_literal() == Some("*"))
                    .map(|t| (t.span, t.path.clone()));
                let (span, path) = item.unwrap_or((gr.actions.key_span, gr.actions.path.clone()));
                let what = if fa.excluded == 0 {
                    "every action".to_string()
                } else {
                    format!(
                        "all but {} of the catalog's {} actions",
                        thousands(fa.excluded),
                        thousands(n)
                    )
                };
                (
                    span,
                    path,
                    format!(
                        "`Allow` of {what} {}: full administrator access",
                        gr.scope.describe()
                    ),
                    if fa.excluded == 0 {
                        "every action".to_string()
                    } else {
                        format!("allows {} actions", thousands(gr.effective.len()))
                    },
                )
            };
            let mut f = Finding::new(span, path, message)
                .label(label)
                .help("grant only the actions the workload calls, on the resources it uses")
                .sid(gr.st);
            if let Some((rspan, _)) = gr.scope.span_path() {
                let msg = match gr.scope {
                    Scope::NotResource { .. } => "every resource but these",
                    _ => "every resource",
                };
                f = f.secondary(rspan, msg);
            }
            if let Some(note) = gr.denied_note() {
                f = f.note(note);
            }
            if let Some(note) = gs::condition_note(gr.st.condition.as_ref()) {
                f = f.note(note);
            }
            if let Some(note) = gr.unresolved_note() {
                f = f.note(note);
            }
            sink.report(f);
        }
    }
}
