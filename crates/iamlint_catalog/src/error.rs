//! The catalog's error type.

use std::path::PathBuf;

/// Why a catalog could not be loaded or built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// A file of the catalog directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file of the catalog directory is not valid JSON of the expected shape.
    #[error("cannot parse `{}`: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The catalog data is well-formed JSON but inconsistent.
    #[error("invalid catalog data in `{}`: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    /// A compiled catalog blob is corrupt or of another format version.
    #[error("invalid catalog blob: {0}")]
    Blob(String),
}
