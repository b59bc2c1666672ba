//! `iamlint.toml`: read by `iamlint_rules::config`, shared with the language server.

pub use iamlint_rules::config::*;
