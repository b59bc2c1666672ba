//! iamlint_policy
