//! Every rule, as the one list in `rules/mod.rs` declares them.

use crate::rules::RULES;
use crate::Rule;

/// Every rule iamlint has.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    RULES
}

/// A rule by code (case-insensitive) or name.
pub fn find_rule(key: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.info().code.eq_ignore_ascii_case(key) || r.info().name == key)
}
