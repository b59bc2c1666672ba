//! Least-privilege analysis: a policy against a reference policy.
//!
//! - [`diff`]: every request the policy allows that the reference does not, per
//!   statement, with a concrete [`Witness`] request checked against both policies.
//! - [`summarize`]: what a policy grants, per service and access level, with risk
//!   categories.
//! - [`tighten`]: a policy granting the intersection of a policy and a reference.
//!
//! Semantics and examples: `docs/analyzer.md`.

pub mod cond;
mod diff;
pub mod glob;
mod policy;
mod subjects;
mod summarize;
mod tighten;

pub use cond::Context;
pub use diff::{diff, Described, Diff, Excess, Note, Witness};
pub use glob::VarTable;
pub use policy::{AnalyzeError, ManagedStatements, Policy, Stmt};
pub use subjects::{principal_label, Analyzed, Subject, SubjectOf};
pub use summarize::{
    granted_actions, summarize, summarize_with, Risk, RiskData, RiskSets, ServiceSummary, Summary,
    TrusteeSummary,
};
pub use tighten::{tighten, Tightened};

use iamlint_catalog::Catalog;
use iamlint_formats::LoadOptions;
use iamlint_semantic::Semantic;

/// Load a policy and a reference with shared unknowns and compare them: one [`Diff`] for
/// the whole policy file (every document's statements together).
///
/// # Errors
/// [`AnalyzeError`] when either text is not a policy.
pub fn diff_texts(
    semantic: &Semantic<'_>,
    policy: (&str, &str),
    reference: (&str, &str),
    opts: &LoadOptions,
) -> Result<Diff, AnalyzeError> {
    let mut vars = VarTable::default();
    let r = Policy::load(semantic, reference.0, reference.1, opts, &mut vars)?;
    let p = Policy::load(semantic, policy.0, policy.1, opts, &mut vars)?;
    Ok(diff_policies(semantic.catalog(), &p, &r, &vars))
}

/// [`diff`] per document of `policy` (a CloudFormation template holds one per role or
/// policy resource), merged into one result.
pub fn diff_policies(
    catalog: &Catalog,
    policy: &Policy,
    reference: &Policy,
    vars: &VarTable,
) -> Diff {
    if policy.documents <= 1 {
        return diff(catalog, policy, reference, vars);
    }
    let mut out = Diff {
        version: 1,
        within_reference: true,
        excess: Vec::new(),
        notes: Vec::new(),
    };
    for d in 0..policy.documents {
        let part = diff(catalog, &policy.document(d), reference, vars);
        out.excess.extend(part.excess);
        out.notes.extend(part.notes);
    }
    out.within_reference = out.excess.is_empty();
    out
}
