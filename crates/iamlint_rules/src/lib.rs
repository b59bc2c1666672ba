//! The rules: one file each under `rules/`, declared with [`declare_rule!`], listed in
//! [`registry`].
//!
//! A rule reads the policy model and the action/resource graph through a [`DocContext`]
//! (or a [`FileContext`] for file-level checks) and reports [`Finding`]s. The engine
//! ([`check_file`]) turns findings into [`Diagnostic`]s with the rule's code, name and
//! effective severity, applies suppressions, and never fails: findings are data.

mod context;
pub mod data;
pub mod docs;
mod engine;
mod macros;
pub mod registry;
pub mod rules;
pub mod suppress;

pub use context::{DocContext, FileContext, Finding, Sink};
pub use engine::{check_file, CheckOptions, RuleSelection};
pub use iamlint_report::{Diagnostic, RuleInfo, Severity};

/// A lint rule.
pub trait Rule: Sync + Send {
    fn info(&self) -> &'static RuleInfo;

    /// Called once per policy document.
    fn check_document(&self, _cx: &DocContext<'_>, _sink: &mut Sink) {}

    /// Called once per file, before the documents (syntax errors, unreadable files,
    /// managed-policy references).
    fn check_file(&self, _cx: &FileContext<'_>, _sink: &mut Sink) {}
}
