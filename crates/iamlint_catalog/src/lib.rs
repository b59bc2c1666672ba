//! iamlint_catalog
