//! A file as it was read: its name, its text and the index of its lines.

use crate::{LineCol, LineIndex};
use std::sync::Arc;

/// A file as it was read, shared by every diagnostic on it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user named it (or as found in a walk), `-` for standard input.
    pub name: String,
    /// The file's identity across runs when it differs from `name`: the path relative to
    /// the project's root, whatever path named it ([`SourceFile::id`]).
    id: Option<String>,
    /// The text; empty in a copy made by [`SourceFile::without_text`].
    pub text: String,
    pub line_index: LineIndex,
    /// The text's length in bytes (kept when the text is not).
    len: u32,
    /// Made by [`SourceFile::without_text`]: positions come from the line index alone.
    text_dropped: bool,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Self::with_id(name, None, text)
    }

    /// A file whose identity across runs ([`SourceFile::id`]) is `id` when given, its
    /// name otherwise.
    pub fn with_id(
        name: impl Into<String>,
        id: Option<String>,
        text: impl Into<String>,
    ) -> Arc<SourceFile> {
        let text = text.into();
        let line_index = LineIndex::new(&text);
        let name = name.into();
        Arc::new(SourceFile {
            id: id.filter(|id| *id != name),
            name,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            text,
            line_index,
            text_dropped: false,
        })
    }

    /// A copy without the text, for findings kept until a report that shows no source
    /// (JSON, compact, GitHub annotations): positions stay exact, the memory of the text
    /// is given back at once. Only for an ASCII text, where a byte is a character and
    /// the line index alone gives columns; `None` otherwise. (The human report and
    /// SARIF's snippets need the text: given such a copy they show empty snippets.)
    pub fn without_text(&self) -> Option<Arc<SourceFile>> {
        self.text.is_ascii().then(|| {
            Arc::new(SourceFile {
                name: self.name.clone(),
                id: self.id.clone(),
                text: String::new(),
                line_index: self.line_index.clone(),
                len: self.len,
                text_dropped: true,
            })
        })
    }

    /// The file's identity across runs, which fingerprints (and so baselines) use: the
    /// same file named relatively, absolutely or from another directory has the same id.
    /// The name when no other was given.
    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.name)
    }

    /// Whether this is a copy made by [`SourceFile::without_text`].
    pub fn is_text_dropped(&self) -> bool {
        self.text_dropped
    }

    /// The length of the text in bytes, also of a copy without it.
    pub fn text_len(&self) -> u32 {
        self.len
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        if self.text_dropped {
            // an ASCII text: every byte is a character
            let offset = offset.min(self.len);
            let line = self.line_index.line_of(offset);
            let column = offset.saturating_sub(self.line_index.line_start(line));
            return LineCol {
                line: u32::try_from(line + 1).unwrap_or(u32::MAX),
                column: column.saturating_add(1),
            };
        }
        self.line_index.line_col(&self.text, offset)
    }
}
