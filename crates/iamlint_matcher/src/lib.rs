//! Action and ARN wildcard engines for iamlint, and pattern containment.
//!
//! - [`ActionPattern`]: `service:action` globs, case-insensitive; [`expand`],
//!   [`expand_checked`] and [`expand_not`] turn them into catalog [`ActionSet`]s.
//! - [`ArnPattern`]: `Resource` patterns with AWS's segment rules and policy
//!   variables; [`ArnFormat`] and [`resource_types_named`] relate them to the
//!   catalog's resource types.
//! - Containment: [`ActionPattern::covers`], [`ArnPattern::covers`] (exact, by
//!   automata), `overlaps` and `intersection_example`.
//! - [`Glob`]: `*`/`?` patterns over plain strings (condition values, service names,
//!   queries), with [`GlobOptions`] for case and `:`.
//! - [`region`]: is some ARN in a boolean combination of pattern languages, with unknowns
//!   as opaque symbols (the least-privilege analyzer's witness search).
//!
//! One engine runs them all (the position automata of `glob.rs`); no other crate matches
//! wildcards by hand.
//!
//! See `docs/matcher.md` for the rules and examples.
//!
//! [`ActionSet`]: iamlint_catalog::ActionSet

mod action;
mod arn;
mod error;
mod expand;
mod format;
mod glob;
pub mod region;
mod string;

pub use action::ActionPattern;
pub use arn::{ArnPattern, PolicyVar};
pub use error::{ExpandError, PatternError};
pub use expand::{expand, expand_checked, expand_checked_with, expand_not};
pub use format::{is_path_like, resource_types_named, ArnFormat, FormatPart};
pub use string::{Glob, GlobOptions};

/// Whether `text` holds a `*` or `?` (found with memchr: most action and resource
/// strings have none).
pub fn has_wildcard(text: &str) -> bool {
    memchr::memchr2(b'*', b'?', text.as_bytes()).is_some()
}
