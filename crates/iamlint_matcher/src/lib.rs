//! iamlint_matcher
