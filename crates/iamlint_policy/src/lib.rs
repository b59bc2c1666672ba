//! The policy model: every input format normalized into one model with spans.
//!
//! The pipeline step `normalize` lives here: [`normalize::normalize_document`] turns a
//! node tree (from [`iamlint_syntax`]) into a [`Document`]; a [`PolicyFile`] holds a
//! file's documents, the principals it defines and its comments. Reading a file and
//! finding its documents is the work of the input formats (`iamlint_formats`). The model knows nothing of the AWS catalog: expanding actions and
//! deriving what a document grants is the semantic layer's work (`iamlint_semantic`).

pub mod model;
pub mod normalize;
pub mod path;
mod section;
pub mod text;

pub use model::*;
pub use section::{Branch, Section};
pub use text::Vars;
