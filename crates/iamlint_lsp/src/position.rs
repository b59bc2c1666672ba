//! Byte offsets (iamlint's spans) and LSP positions (line, UTF-16 code unit), both ways.
//!
//! LSP counts a line's characters in UTF-16 code units unless the client and server agree
//! on another encoding; this server offers only UTF-16, which every client supports. A line
//! ends at `\n`, `\r\n` or a lone `\r`, as the protocol says.

use iamlint_syntax::Span;
use lsp_types::{Position, Range};

/// The line starts of one text.
#[derive(Clone, Debug)]
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if b.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Lines {
            starts,
            len: text.len(),
        }
    }

    /// The position of byte `offset` (clamped to the text, and back to the start of the
    /// character it falls in).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range {
            start: self.position(text, span.start as usize),
            end: self.position(text, span.end as usize),
        }
    }

    /// The byte offset of a position: a character past the end of its line is the line's
    /// end (before its line break), a line past the last is the end of the text; a
    /// position inside a surrogate pair is the character's start.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.len;
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let line_text = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16();
            if next > pos.character as usize {
                return start + i;
            }
            units = next;
        }
        start + line_text.len()
    }

    /// The byte offset where line `line` starts (the end of the text past the last).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// The line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset.min(self.len)) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is 2 bytes and 1 unit, `😀` 4 bytes and 2 units
        let text = "{\"é😀\": \"s3:Get*\"}\nnext";
        let l = Lines::new(text);
        let at = text.find("s3:").unwrap();
        assert_eq!(at, 12); // 8 characters, 9 UTF-16 units
        assert_eq!(l.position(text, at), pos(0, 9));
        assert_eq!(l.offset(text, pos(0, 9)), at);
        let next = text.find("next").unwrap();
        assert_eq!(l.position(text, next + 2), pos(1, 2));
        assert_eq!(l.offset(text, pos(1, 2)), next + 2);
        // inside the surrogate pair: the emoji's start
        let emoji = text.find('😀').unwrap();
        assert_eq!(l.offset(text, pos(0, 4)), emoji);
        // inside a multi-byte character: back to its start
        assert_eq!(l.position(text, emoji + 1), pos(0, 3));
    }

    #[test]
    fn every_line_break_ends_a_line_and_past_the_end_clamps() {
        let text = "a\r\nb\rc\nd";
        let l = Lines::new(text);
        assert_eq!(l.position(text, text.find('b').unwrap()), pos(1, 0));
        assert_eq!(l.position(text, text.find('c').unwrap()), pos(2, 0));
        assert_eq!(l.position(text, text.find('d').unwrap()), pos(3, 0));
        // past the end of line 0: before its `\r\n`
        assert_eq!(l.offset(text, pos(0, 40)), 1);
        assert_eq!(l.offset(text, pos(9, 0)), text.len());
        assert_eq!(l.position(text, 1000), pos(3, 1));
    }

    #[test]
    fn offsets_and_positions_round_trip_on_every_character() {
        let text = "ab\n\u{10348}x\r\n\té\rz";
        let l = Lines::new(text);
        for (i, _) in text.char_indices() {
            if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
                continue; // inside a `\r\n`: no position of its own
            }
            assert_eq!(l.offset(text, l.position(text, i)), i, "at {i}");
        }
    }
}
