//! Byte offset → 1-based line and column, computed only when rendering.

/// A 1-based line and a 1-based column counted in characters (not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Characters are counted from a checkpoint every `BLOCK` bytes of a non-ASCII text.
const BLOCK: usize = 256;

/// The byte offset of every line start, for binary search; for a text that is not
/// ASCII, the number of characters before every `BLOCK`-th byte, so that a column is
/// counted over at most two blocks whatever the length of its line (a 10 MB line with
/// thousands of findings would otherwise be scanned from its start once per position).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// `chars[k]`: characters (UTF-8 lead bytes) in `text[..k * BLOCK]`. Empty for an
    /// ASCII text, where a byte is a character.
    chars: Vec<u32>,
}

/// Whether `b` starts a character (is not a UTF-8 continuation byte).
fn is_lead(b: u8) -> bool {
    b & 0xC0 != 0x80
}

fn count_leads(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| is_lead(b)).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        starts.push(0u32);
        starts.extend(
            memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        let chars = if text.is_ascii() {
            Vec::new()
        } else {
            let mut chars = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let mut n = 0usize;
            chars.push(0u32);
            for block in bytes.chunks(BLOCK) {
                n += count_leads(block);
                chars.push(u32::try_from(n).unwrap_or(u32::MAX));
            }
            chars
        };
        Self { starts, chars }
    }

    /// Characters in `text[..offset]` (`offset` on a character boundary).
    fn chars_before(&self, text: &[u8], offset: usize) -> usize {
        let k = offset / BLOCK;
        let base = self.chars.get(k).map_or(0, |&c| c as usize);
        base + text.get(k * BLOCK..offset).map_or(0, count_leads)
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.starts.get(line).copied().unwrap_or(0)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and character column of `offset` in `text` (the text the index was
    /// built from). Offsets past the end are clamped. A leading byte-order mark is not a
    /// column: editors do not show it, so line 1 counts from after it.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let mut start = self.line_start(line) as usize;
        if line == 0 && text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8().min(offset as usize);
        }
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = if end - start <= 2 * BLOCK {
            text.get(start..end).map_or(0, |s| s.chars().count())
        } else if self.chars.is_empty() {
            // an ASCII text: a byte is a character
            end - start
        } else {
            let bytes = text.as_bytes();
            self.chars_before(bytes, end) - self.chars_before(bytes, start)
        };
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_char_columns() {
        let text = "ab\nçd\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'd' is after a two-byte character: byte 5, column 2
        assert_eq!(idx.line_col(text, 5), LineCol { line: 2, column: 2 });
        assert_eq!(idx.line_col(text, 7), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_col(text, 8), LineCol { line: 4, column: 1 });
        assert_eq!(idx.line_col(text, 99), LineCol { line: 4, column: 2 });
    }

    /// A byte-order mark is not a column: the first character after it is at column 1.
    #[test]
    fn byte_order_mark_is_not_a_column() {
        let text = "\u{feff}{\"a\": 1}\n{}";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 4), LineCol { line: 1, column: 2 });
        assert_eq!(idx.line_col(text, 11), LineCol { line: 1, column: 9 });
        assert_eq!(idx.line_col(text, 12), LineCol { line: 2, column: 1 });
    }

    /// Columns of long lines come from the block checkpoints: they must agree with
    /// counting characters from the line start, at every offset, for lines of every
    /// length around the block size and characters of every width.
    #[test]
    fn long_line_columns_match_counting_from_the_line_start() {
        let mut text = String::new();
        for (i, w) in ["a", "é", "€", "😀"].iter().cycle().take(3_000).enumerate() {
            text.push_str(w);
            if i % 997 == 996 {
                text.push('\n');
            }
        }
        text.push_str("\nshort é line\n");
        let idx = LineIndex::new(&text);
        let naive = |offset: usize| {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..offset].chars().count() + 1
        };
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let lc = idx.line_col(&text, offset as u32);
            assert_eq!(lc.column as usize, naive(offset), "offset {offset}");
        }
        // an offset inside a character is counted from the character's start
        let inside = text.find('€').unwrap() + 1;
        assert_eq!(
            idx.line_col(&text, inside as u32).column as usize,
            naive(inside - 1)
        );
    }
}
