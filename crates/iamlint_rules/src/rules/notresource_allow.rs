use crate::rules::words::{plural, thousands};
use super::grant_support::{self as gs, Scope};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` with `NotResource` in an identity policy: the statement's
    /// actions apply to every resource except the listed ones.
    ///
    /// The message says how many actions the statement grants (after the document's
    /// unconditional `Deny`s on `*`). A statement with a `Condition` is still reported,
    /// with a note. `NotResource: "*"` grants nothing and is left to other rules; a
    /// statement that `full-admin` reports is not reported again.
    ///
    /// ## Why is this bad?
    /// `NotResource` in an `Allow` reaches every resource that is not listed, including
    /// resources in other accounts and every resource created later. It is usually meant
    /// as a `Deny` with `NotResource`.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secrets/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: NotResource" (using NotResource with Allow)
    pub NotresourceAllow {
        code: "IAM205",
        name: "notresource-allow",
        group: "least-privilege",
        severity: Warning,
        enabled: true,
        summary: "an `Allow` with `NotResource`",
    }
}

impl Rule for NotresourceAllow {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        for gr in gs::grants_in_budget(cx) {
            let Scope::NotResource { list, .. } = gr.scope else {
                continue;
            };
            if gr.effective.is_empty() || gs::full_admin(cat, gr).is_some() {
                continue;
            }
            let n = list.items.len();
            let listed = if n == 1 {
                "the listed one".to_string()
            } else {
                format!("the {} listed", thousands(n))
            };
            let what = if gr.effective.len() <= 3 {
                gs::name_list(cat, &gr.effective, 3)
            } else {
                plural(gr.effective.len(), "action", "actions")
            };
            let mut f = Finding::new(
                list.key_span,
                list.path.clone(),
                format!(
                    "`Allow` with `NotResource` grants {what} on every resource except {listed}, in this account and any other"
                ),
            )
            .label("every resource except these")
            .help("name the resources to allow in `Resource`; to make exceptions, use a `Deny` with `NotResource`")
            .sid(gr.st);
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
