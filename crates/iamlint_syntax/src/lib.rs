//! Span-preserving loaders: JSON and YAML text → a small node tree with byte spans.
//!
//! This is the first step of the pipeline (`load`). It knows nothing about IAM: it turns
//! text into [`Node`]s whose every key and value carries the byte range it came from, and
//! reports syntax errors as data ([`SyntaxError`]) instead of failing. The policy crate
//! turns the tree into the policy model.
//!
//! Both loaders are iterative or depth-limited (see [`Limits`]), so hostile input (deep
//! nesting, YAML alias bombs, huge files) produces an error, never a stack overflow or an
//! unbounded allocation.
//!
//! # Spans
//!
//! Every span is a byte range into the source as given (a leading
//! byte-order mark stays counted; columns do not count it, see [`LineIndex::line_col`]).
//! What a span covers:
//!
//! - a JSON value: the value as written, strings with their quotes, objects from `{` to `}`;
//! - a YAML plain scalar: the text as written (a multi-line plain scalar spans its lines);
//!   an empty scalar (`Key:` with no value) is an empty span right after the `:` or tag;
//! - a YAML quoted scalar: including its quotes (`'...'`, `"..."`);
//! - a YAML block scalar (`|`, `>`): its content lines, from the first content character to
//!   the last, without the `|`/`>` header and without trailing blank lines;
//! - a YAML flow collection: from `[`/`{` to `]`/`}`; a block collection: from its first
//!   key or `-` to the end of its last value, trailing blanks and comments excluded;
//! - a tagged or anchored YAML node: the value only; the tag has its own span
//!   ([`Tag::span`]);
//! - a YAML alias (`*name`) expanded to a copy of the anchored node: the copy's root has the
//!   alias's span, the nodes inside it keep the spans of the anchored text;
//! - an entry key ([`Entry::key_span`]): the key as written, as for a value.
//!
//! YAML merge keys (`<<`) are not merged: `<<` is an ordinary key.

mod debug;
mod dup;
mod json;
mod line_index;
mod source;
mod spans;
mod yaml;

pub use debug::debug_tree;
pub use json::{parse_json, plain_run_end};
pub use line_index::{LineCol, LineIndex};
pub use source::SourceFile;
pub use spans::{decode_json_string, decode_percent, decode_yaml_scalar, SpanMap};
pub use yaml::parse_yaml;

/// A byte range into the source text. Line and column are computed only when rendering
/// (see [`LineIndex`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// The smallest span containing both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The text under this span, or `""` when it does not fall on character boundaries.
    pub fn slice(self, src: &str) -> &str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// Which syntax the source was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Json,
    Yaml,
}

/// One value in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The span of the value itself (for a mapping or sequence: from its first to its last
    /// character; for a tagged YAML node: the value, without the tag).
    pub span: Span,
    /// A YAML tag written on the node, without the leading `!` (`Sub` for `!Sub`, `!str`
    /// for `!!str`). Always `None` for JSON.
    pub tag: Option<Box<Tag>>,
    pub value: Value,
}

/// A YAML tag and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The tag as written minus the first `!`: `Sub`, `GetAtt`, `!str`.
    pub name: String,
    pub span: Span,
}

/// How a scalar was written. Matters for YAML: a plain `2012-10-17` is a string to us
/// (YAML 1.2 core schema, no timestamps), while a quoted `"true"` is a string and a plain
/// `true` is a boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    /// `|` or `>` block scalars.
    Block,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, kept as written (`123456789012` must not lose digits or become `1.2e11`).
    Number(String),
    String(String, ScalarStyle),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// A YAML alias that was not expanded (only when the expansion budget ran out; an
    /// error is reported as well).
    Alias(String),
}

/// One key/value pair of a mapping. Duplicate keys are all kept, in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key as text. Non-string YAML keys are rendered to text (`1`, `true`).
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s, _) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text: strings as they are, numbers as written, booleans and null
    /// spelt out. `None` for collections and aliases.
    pub fn scalar_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match &self.value {
            Value::String(s, _) => Some(Cow::Borrowed(s)),
            Value::Number(n) => Some(Cow::Borrowed(n)),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Null => Some(Cow::Borrowed("null")),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The first entry with this key (exact, case-sensitive).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &e.value)
    }

    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// A short name of the node's type for messages: `string`, `number`, `boolean`,
    /// `null`, `array`, `object`.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(..) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
            Value::Alias(_) => "alias",
        }
    }
}

/// What went wrong while reading the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text is not valid JSON/YAML.
    Syntax,
    /// Nesting deeper than [`Limits::max_depth`].
    TooDeep,
    /// YAML aliases would expand to more than [`Limits::max_nodes`] nodes.
    AliasBudget,
    /// More than [`Limits::max_nodes`] nodes.
    TooManyNodes,
    /// An alias names an anchor that was never defined.
    UnknownAnchor,
}

/// A syntax error: where and what. The message starts lower-case and has no final period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    pub message: String,
}

/// A key that appears twice in one mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// The result of loading: whatever parsed, plus the errors. A document with a syntax
/// error has `root: None` unless the loader could recover a prefix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// The documents of the source. JSON has at most one; YAML may have several (`---`).
    pub documents: Vec<Node>,
    pub errors: Vec<SyntaxError>,
    pub duplicate_keys: Vec<DuplicateKey>,
}

/// Bounds that hostile input cannot get past.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences/mappings accepted.
    pub max_depth: usize,
    /// Most nodes in one source, counting each node an alias expands to.
    pub max_nodes: usize,
    /// Most nodes that YAML aliases may add by expansion, in one source (they count
    /// against `max_nodes` too). Kept well below `max_nodes` so that a tiny alias bomb
    /// stops in milliseconds instead of building `max_nodes` nodes.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 256,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
        }
    }
}
