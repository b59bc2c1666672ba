//! The rules: one file each under `rules/`, declared with [`declare_rule!`], listed in
//! [`registry`].
//!
//! A rule reads the policy model and its semantic facts (`iamlint_semantic`) through a
//! [`DocContext`] (or a [`FileContext`] for file-level checks) and reports [`Finding`]s. The engine
//! ([`check_file`]) turns findings into [`Diagnostic`]s with the rule's code, name and
//! effective severity, applies suppressions, and never fails: findings are data.

mod branches;
pub mod config;
mod context;
pub mod data;
pub mod deploy_role;
pub mod docs;
mod engine;
mod fixes;
mod group;
mod macros;
mod principal_context;
pub mod reference;
pub mod registry;
pub mod rules;
pub mod suppress;

pub use context::{DocContext, FileContext, Finding, Sink};
pub use data::RuleData;
pub use deploy_role::DeployRole;
pub use engine::{check_file, diagnostic, CheckOptions, RuleSelection};
pub use group::Group;
pub use iamlint_report::{Diagnostic, Edit, Fix, RuleInfo, Severity};
pub use principal_context::PrincipalContext;
pub use reference::Reference;

/// A lint rule.
pub trait Rule: Sync + Send {
    fn info(&self) -> &'static RuleInfo;

    /// Called once per policy document.
    fn check_document(&self, _cx: &DocContext<'_>, _sink: &mut Sink) {}

    /// Called once per file, before the documents (syntax errors, unreadable files,
    /// managed-policy references).
    fn check_file(&self, _cx: &FileContext<'_>, _sink: &mut Sink) {}

    /// Called once per user, group or role the file defines, after the documents, with
    /// what the principal ends up with (its policies, AWS managed ones included, and its
    /// effective permissions).
    fn check_principal(&self, _cx: &PrincipalContext<'_>, _sink: &mut Sink) {}

    /// The input of a check this rule compares with (a reference policy): giving the
    /// input turns the rule on, as if enabled in the configuration.
    fn input(&self) -> Option<RuleInput> {
        None
    }
}

/// An input of a check, beside the files, that some rule compares them with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleInput {
    /// A reference policy (`--reference`).
    Reference,
    /// A deployment role and the templates it deploys (`--deploy-role`).
    DeployRole,
}
