//! Typed errors of the matcher.

use thiserror::Error;

/// Why a pattern string could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PatternError {
    /// An action pattern other than `*` without a `:` between service and action.
    #[error("action `{pattern}` has no `:` between the service prefix and the action name")]
    MissingColon {
        /// The pattern as written.
        pattern: String,
    },
    /// An action pattern with more than one `:`.
    #[error("action `{pattern}` has more than one `:`")]
    ExtraColon {
        /// The pattern as written.
        pattern: String,
    },
    /// An action pattern whose service or action part is empty (`s3:`, `:Get*`).
    #[error("action `{pattern}` has an empty {part} part")]
    EmptyPart {
        /// The pattern as written.
        pattern: String,
        /// `"service"` or `"action"`.
        part: &'static str,
    },
    /// The empty string.
    #[error("the pattern is empty")]
    Empty,
    /// `${` without a closing `}`.
    #[error("policy variable starting at byte {offset} of `{pattern}` is not closed with `}}`")]
    UnclosedVariable {
        /// The pattern as written.
        pattern: String,
        /// Byte offset of the `$`.
        offset: usize,
    },
    /// `${}` or `${ , 'x'}`.
    #[error("policy variable at byte {offset} of `{pattern}` has no name")]
    EmptyVariable {
        /// The pattern as written.
        pattern: String,
        /// Byte offset of the `$`.
        offset: usize,
    },
    /// A variable name with spaces or quotes, or a default value not in `'...'`.
    #[error("policy variable `{variable}` in `{pattern}` is malformed: {reason}")]
    BadVariable {
        /// The pattern as written.
        pattern: String,
        /// The text between `${` and `}`.
        variable: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Why an action pattern does not name catalog actions.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ExpandError {
    /// The literal service part names no service of the catalog.
    #[error("unknown service `{service}`{}", did_you_mean(suggestion))]
    UnknownService {
        /// The service part as written.
        service: String,
        /// A close service prefix, if any.
        suggestion: Option<String>,
    },
    /// A pattern without wildcards that names no action of the catalog.
    #[error("unknown action `{action}`{}", did_you_mean(suggestion))]
    UnknownAction {
        /// The action as written.
        action: String,
        /// A close action of the same service (`service:Action`), if any.
        suggestion: Option<String>,
    },
    /// A pattern with wildcards that matches no action of the catalog.
    #[error("`{pattern}` matches no action")]
    NoMatch {
        /// The pattern as written.
        pattern: String,
    },
}

fn did_you_mean(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}
