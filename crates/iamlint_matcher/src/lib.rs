//! Action and ARN wildcard engines for iamlint, and pattern containment.
//!
//! - [`ActionPattern`]: `service:action` globs, case-insensitive; [`expand`],
//!   [`expand_checked`] and [`expand_not`] turn them into catalog [`ActionSet`]s.
//! - [`ArnPattern`]: `Resource` patterns with AWS's segment rules and policy
//!   variables; [`ArnFormat`] and [`resource_types_named`] relate them to the
//!   catalog's resource types.
//! - Containment: [`ActionPattern::covers`], [`ArnPattern::covers`] (exact, by
//!   automata), `overlaps` and `intersection_example`.
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
mod index;

pub use action::ActionPattern;
pub use arn::{ArnPattern, PolicyVar};
pub use error::{ExpandError, PatternError};
pub use expand::{expand, expand_checked, expand_not};
pub use format::{is_path_like, resource_types_named, ArnFormat, FormatPart};

/// Whether `text` holds a `*` or `?` (found with memchr: most action and resource
/// strings have none).
pub fn has_wildcard(text: &str) -> bool {
    memchr::memchr2(b'*', b'?', text.as_bytes()).is_some()
}
