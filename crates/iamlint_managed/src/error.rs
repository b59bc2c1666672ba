use std::path::PathBuf;

/// A failure to read or compile the normalized data (development time: `cargo xtask
/// managed-codegen` and the freshness test).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}`: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Why a name or ARN does not resolve to an AWS managed policy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// No AWS managed policy has this name (names are case-sensitive).
    #[error("`{name}` is not an AWS managed policy{}", did_you_mean(.suggestion.as_deref()))]
    NotFound {
        name: String,
        /// The closest name, when one is close (a different case, a typo, a missing
        /// `Amazon`/`AWS` prefix).
        suggestion: Option<String>,
    },
    /// The policy exists under another path: IAM would not find this ARN.
    #[error(
        "`{given}` has the path `{given_path}`, but the AWS managed policy `{name}` is under \
         `{path}`: IAM finds no policy at this ARN; use `{corrected}`"
    )]
    WrongPath {
        given: String,
        name: String,
        given_path: String,
        /// The policy's real path (`/service-role/`).
        path: String,
        /// `given` with the policy's real path.
        corrected: String,
    },
    /// A policy ARN of another account: a customer managed policy, not an AWS one.
    #[error(
        "`{arn}` is a customer managed policy of account `{account}`, not an AWS managed policy"
    )]
    CustomerManaged { arn: String, account: String },
    /// The partition is a placeholder (`${AWS::Partition}`): the caller resolves it first.
    #[error("`{arn}` has an unresolved partition `{partition}`")]
    UnresolvedPartition { arn: String, partition: String },
    /// Not an IAM policy ARN.
    #[error("`{arn}` is not an IAM policy ARN: {reason}")]
    Malformed { arn: String, reason: &'static str },
}

fn did_you_mean(s: Option<&str>) -> String {
    s.map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}
