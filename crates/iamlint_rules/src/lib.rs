//! iamlint_rules
