//! The policy model: every input format normalized into one model with spans.
//!
//! Pipeline steps `load` (via [`iamlint_syntax`]) and `normalize` live here:
//! [`load_text`] parses a file, decides what it is ([`FileKind`]), extracts every policy
//! document (whole-file policies, CloudFormation resources) and normalizes each into a
//! [`Document`]. [`graph`] then expands actions against the catalog for rules and the
//! analyzer.

pub mod cfn;
pub mod describe;
pub mod graph;
mod load;
pub mod model;
pub mod normalize;
pub mod path;
pub mod text;

pub use load::{
    bytes_to_text, classify, detect_syntax, load_text, read_text, LoadOptions, ReadError,
};
pub use model::*;
pub use text::Vars;
