//! The least-privileged deployment role.
//!
//! What CloudFormation templates need to be deployed (created, updated, deleted), from the
//! resource provider schemas' handler permissions ([`schema`], imported at development
//! time by [`import`]) and curated facts ([`curated`]); and whether a deployment role grants
//! exactly that ([`check`]). The steps: [`template`] reads a template and resolves its
//! values to ARN patterns, [`plan`] lists what each resource's handlers need, [`tidy`]
//! drops what other grants of the policy already make, [`render`] writes the policy (split
//! into documents within the managed-policy quota where it must be). docs/deployment-role.md explains the model, its sources and its
//! limits.

pub mod check;
pub mod curated;
pub mod import;
pub mod plan;
pub mod render;
pub mod schema;
pub mod since;
pub mod template;
pub mod tidy;

pub use curated::Curated;
pub use plan::{plan, plan_files, Need, Options, Plan, Remark, Why};
pub use schema::{Handler, Schemas, TypeInfo, HANDLERS};

use iamlint_catalog::Catalog;

/// Why a template or role could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("cannot read `{name}`: {message}")]
    Read { name: String, message: String },
    #[error("`{name}`:{line}:{column}: {message}")]
    Syntax {
        name: String,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("`{name}` is not a CloudFormation template (it has no `Resources` map)")]
    NotATemplate { name: String },
    #[error("the deployment role `{name}` cannot be used: {message}")]
    Role { name: String, message: String },
    #[error("{0}")]
    Curated(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Whether a handler permission names catalog actions: an action the catalog has, or a
/// wildcard pattern (`autoscaling:Describe*`) that matches at least one.
pub fn known_action(catalog: &Catalog, action: &str) -> bool {
    if !iamlint_matcher::has_wildcard(action) {
        return catalog.find_action(action).is_some();
    }
    iamlint_matcher::ActionPattern::parse(action)
        .is_ok_and(|p| !iamlint_matcher::expand(catalog, &p).is_empty())
}
