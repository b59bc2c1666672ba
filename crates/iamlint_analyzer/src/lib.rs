//! iamlint_analyzer
