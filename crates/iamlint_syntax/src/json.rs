//! JSON loader: RFC 8259 text → [`Node`] tree with byte spans.
//!
//! The parser is iterative: nesting lives on an explicit stack bounded by
//! [`Limits::max_depth`], so a million `[` produce a `TooDeep` error instead of a stack
//! overflow. Strings are unescaped, numbers are kept as written (after checking them
//! against the grammar), duplicate keys are kept in the tree and reported.
//!
//! Error recovery: none. After the first error, `Parsed::documents` is empty and
//! `Parsed::errors` holds exactly that error.

use crate::dup::record_duplicates;
use crate::{
    DuplicateKey, Entry, Limits, Node, Parsed, ScalarStyle, Span, SyntaxError, SyntaxErrorKind,
    Value,
};

/// Parse `src` as one JSON document.
pub fn parse_json(src: &str, limits: &Limits) -> Parsed {
    let mut parser = JsonParser {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        limits: *limits,
        nodes: 0,
        duplicates: Vec::new(),
    };
    match parser.parse_document() {
        Ok(root) => {
            let mut duplicate_keys = parser.duplicates;
            duplicate_keys.sort_by_key(|d| (d.second.start, d.first.start));
            Parsed {
                documents: vec![root],
                errors: Vec::new(),
                duplicate_keys,
            }
        }
        Err(error) => Parsed {
            documents: Vec::new(),
            errors: vec![error],
            duplicate_keys: Vec::new(),
        },
    }
}

/// An open array or object. Its members so far sit on the parser's shared member stacks
/// from `base` on, and move into one exactly sized list when it closes (no list grows
/// element by element).
enum Frame {
    Array {
        start: usize,
        base: usize,
    },
    Object {
        start: usize,
        base: usize,
        /// The key whose value is being parsed.
        key: String,
        key_span: Span,
    },
}

struct JsonParser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    limits: Limits,
    nodes: usize,
    duplicates: Vec<DuplicateKey>,
}

type PResult<T> = Result<T, SyntaxError>;

fn span(start: usize, end: usize) -> Span {
    Span::new(to_u32(start), to_u32(end))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn syntax(start: usize, end: usize, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Syntax,
        span: span(start, end),
        message: message.into(),
    }
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            // Runs of spaces (indentation: two fifths of a pretty-printed policy's bytes)
            // eight bytes at a time: the first byte that is not a space ends the run.
            while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
                let Ok(word) = <[u8; 8]>::try_from(chunk) else {
                    break;
                };
                let others = u64::from_le_bytes(word) ^ 0x2020_2020_2020_2020;
                if others != 0 {
                    self.pos += (others.trailing_zeros() / 8) as usize;
                    break;
                }
                self.pos += 8;
            }
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                _ => return,
            }
        }
    }

    /// The end of the character starting at `at` (for one-character error spans).
    fn char_end(&self, at: usize) -> usize {
        self.src
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(at, |c| at + c.len_utf8())
    }

    fn count_node(&mut self, at: usize) -> PResult<()> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooManyNodes,
                span: span(at, self.char_end(at)),
                message: format!(
                    "document has more than {} values, the most accepted",
                    self.limits.max_nodes
                ),
            });
        }
        Ok(())
    }

    fn parse_document(&mut self) -> PResult<Node> {
        if self.src.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        self.skip_ws();
        if self.pos >= self.bytes.len() {
            return Err(syntax(0, self.bytes.len(), "empty document"));
        }
        let root = self.parse_value()?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            let mut error = self.unexpected("unexpected content after the JSON value");
            if error.message.starts_with("unexpected content") {
                error.message = "unexpected content after the JSON value".to_owned();
            }
            return Err(error);
        }
        Ok(root)
    }

    /// Parse one value (with everything nested in it) iteratively.
    fn parse_value(&mut self) -> PResult<Node> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut items: Vec<Node> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        'value: loop {
            self.skip_ws();
            let start = self.pos;
            let mut node = match self.peek() {
                Some(b'{') => {
                    self.open(&stack, start)?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node {
                            span: span(start, self.pos),
                            tag: None,
                            value: Value::Map(Vec::new()),
                        }
                    } else {
                        let (key, key_span) = self.parse_key()?;
                        stack.push(Frame::Object {
                            start,
                            base: entries.len(),
                            key,
                            key_span,
                        });
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.open(&stack, start)?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Node {
                            span: span(start, self.pos),
                            tag: None,
                            value: Value::Seq(Vec::new()),
                        }
                    } else {
                        stack.push(Frame::Array {
                            start,
                            base: items.len(),
                        });
                        continue 'value;
                    }
                }
                Some(_) => self.parse_scalar()?,
                None => return Err(self.eof_error(&stack)),
            };
            // A value is complete: attach it to its parent, closing parents as they end.
            loop {
                let Some(frame) = stack.last_mut() else {
                    return Ok(node);
                };
                self.skip_ws();
                match frame {
                    Frame::Array { start, base } => {
                        items.push(node);
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.pos;
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() == Some(b']') {
                                    return Err(syntax(
                                        comma,
                                        comma + 1,
                                        "trailing comma is not allowed in JSON",
                                    ));
                                }
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                let start = *start;
                                let members: Vec<Node> = items.drain(*base..).collect();
                                stack.pop();
                                node = Node {
                                    span: span(start, self.pos),
                                    tag: None,
                                    value: Value::Seq(members),
                                };
                            }
                            Some(_) => {
                                return Err(
                                    self.unexpected("expected `,` or `]` after an array element")
                                )
                            }
                            None => return Err(self.eof_error(&stack)),
                        }
                    }
                    Frame::Object {
                        start,
                        base,
                        key,
                        key_span,
                    } => {
                        entries.push(Entry {
                            key: std::mem::take(key),
                            key_span: *key_span,
                            value: node,
                        });
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.pos;
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() == Some(b'}') {
                                    return Err(syntax(
                                        comma,
                                        comma + 1,
                                        "trailing comma is not allowed in JSON",
                                    ));
                                }
                                let (k, ks) = self.parse_key()?;
                                *key = k;
                                *key_span = ks;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let start = *start;
                                let members: Vec<Entry> = entries.drain(*base..).collect();
                                stack.pop();
                                record_duplicates(&members, &mut self.duplicates);
                                node = Node {
                                    span: span(start, self.pos),
                                    tag: None,
                                    value: Value::Map(members),
                                };
                            }
                            Some(_) => {
                                return Err(
                                    self.unexpected("expected `,` or `}` after an object member")
                                )
                            }
                            None => return Err(self.eof_error(&stack)),
                        }
                    }
                }
            }
        }
    }

    /// Checks before opening a collection at `start`.
    fn open(&mut self, stack: &[Frame], start: usize) -> PResult<()> {
        if stack.len() >= self.limits.max_depth {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooDeep,
                span: span(start, start + 1),
                message: format!(
                    "nesting is deeper than {} levels, the most accepted",
                    self.limits.max_depth
                ),
            });
        }
        self.count_node(start)
    }

    /// An error at the current character, with a hint for common mistakes.
    fn unexpected(&self, expected: &str) -> SyntaxError {
        let at = self.pos;
        let end = self.char_end(at);
        let found = self.src.get(at..end).unwrap_or("");
        let message = if self.src.get(at..).is_some_and(|s| s.starts_with("//"))
            || self.src.get(at..).is_some_and(|s| s.starts_with("/*"))
        {
            "comments are not allowed in JSON".to_owned()
        } else {
            format!("{expected}, found `{found}`")
        };
        syntax(at, end, message)
    }

    fn eof_error(&self, stack: &[Frame]) -> SyntaxError {
        let end = self.bytes.len();
        let objects = stack
            .iter()
            .filter(|f| matches!(f, Frame::Object { .. }))
            .count();
        let arrays = stack.len() - objects;
        let mut parts = Vec::new();
        if objects > 0 {
            parts.push(format!("{objects} unclosed `{{`"));
        }
        if arrays > 0 {
            parts.push(format!("{arrays} unclosed `[`"));
        }
        let message = if parts.is_empty() {
            "unexpected end of input, expected a value".to_owned()
        } else {
            format!("unexpected end of input: {}", parts.join(" and "))
        };
        syntax(end, end, message)
    }

    /// A key and the `:` after it.
    fn parse_key(&mut self) -> PResult<(String, Span)> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {}
            None => {
                return Err(syntax(
                    start,
                    start,
                    "unexpected end of input, expected an object key",
                ))
            }
            Some(b'\'') => {
                return Err(self.unexpected("strings must be in double quotes in JSON"));
            }
            Some(_) => {
                return Err(self.unexpected("expected a string key in double quotes"));
            }
        }
        let key = self.parse_string()?;
        let key_span = span(start, self.pos);
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok((key, key_span))
            }
            None => Err(syntax(
                self.pos,
                self.pos,
                "unexpected end of input, expected `:` after an object key",
            )),
            Some(_) => Err(self.unexpected("expected `:` after an object key")),
        }
    }

    fn parse_scalar(&mut self) -> PResult<Node> {
        let start = self.pos;
        self.count_node(start)?;
        let value = match self.peek() {
            Some(b'"') => Value::String(self.parse_string()?, ScalarStyle::Quoted),
            Some(b'-' | b'0'..=b'9') => Value::Number(self.parse_number()?),
            Some(b't' | b'f' | b'n' | b'a'..=b'z' | b'A'..=b'Z' | b'_') => self.parse_literal()?,
            Some(b'\'') => return Err(self.unexpected("strings must be in double quotes in JSON")),
            Some(b']' | b'}') => {
                let message = if self.prev_significant() == Some(b',') {
                    "trailing comma is not allowed in JSON"
                } else {
                    "expected a value"
                };
                return Err(self.unexpected(message));
            }
            _ => return Err(self.unexpected("expected a value")),
        };
        Ok(Node {
            span: span(start, self.pos),
            tag: None,
            value,
        })
    }

    /// The last non-whitespace byte before the current position.
    fn prev_significant(&self) -> Option<u8> {
        self.bytes
            .get(..self.pos)?
            .iter()
            .rev()
            .copied()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    }

    fn parse_literal(&mut self) -> PResult<Value> {
        let start = self.pos;
        let mut end = start;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = self.bytes.get(end) {
            end += 1;
        }
        let word = self.src.get(start..end).unwrap_or("");
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                let hint = match word {
                    "True" | "TRUE" | "False" | "FALSE" | "Null" | "NULL" | "None" | "nil" => {
                        " (JSON literals are `true`, `false` and `null`, in lower case)"
                    }
                    _ => " (strings must be in double quotes)",
                };
                return Err(syntax(
                    start,
                    end,
                    format!("invalid literal `{word}`{hint}"),
                ));
            }
        };
        self.pos = end;
        Ok(value)
    }

    /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`, kept as written.
    fn parse_number(&mut self) -> PResult<String> {
        let start = self.pos;
        let mut p = start;
        let digits = |p: &mut usize| {
            let from = *p;
            while let Some(b'0'..=b'9') = self.bytes.get(*p) {
                *p += 1;
            }
            *p - from
        };
        if self.bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        match self.bytes.get(p) {
            Some(b'0') => {
                p += 1;
                if let Some(b'0'..=b'9') = self.bytes.get(p) {
                    digits(&mut p);
                    return Err(syntax(
                        start,
                        p,
                        "leading zeros are not allowed in JSON numbers",
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                digits(&mut p);
            }
            _ => {
                let end = self.char_end(p).max(p);
                return Err(syntax(start, end, "expected a digit after `-`"));
            }
        }
        if self.bytes.get(p) == Some(&b'.') {
            p += 1;
            if digits(&mut p) == 0 {
                let end = self.char_end(p);
                return Err(syntax(start, end, "expected a digit after `.` in a number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(p) {
            p += 1;
            if let Some(b'+' | b'-') = self.bytes.get(p) {
                p += 1;
            }
            if digits(&mut p) == 0 {
                let end = self.char_end(p);
                return Err(syntax(
                    start,
                    end,
                    "expected a digit in the exponent of a number",
                ));
            }
        }
        self.pos = p;
        Ok(self.src.get(start..p).unwrap_or("").to_owned())
    }

    /// A string starting at the current `"`; leaves `pos` after the closing quote.
    fn parse_string(&mut self) -> PResult<String> {
        let open = self.pos;
        self.pos += 1;
        // Built only once an escape is met: a plain string is copied once, at its end.
        let mut out: Option<String> = None;
        let mut run = self.pos;
        loop {
            // Fast path: skip runs of ordinary characters at once.
            self.pos = plain_run_end(self.bytes, self.pos);
            let plain = self.src.get(run..self.pos).unwrap_or("");
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match out {
                        None => plain.to_owned(),
                        Some(mut s) => {
                            s.push_str(plain);
                            s
                        }
                    });
                }
                Some(b'\\') => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(plain);
                    self.parse_escape(s)?;
                    run = self.pos;
                }
                Some(b) => {
                    let escape = match b {
                        b'\n' => "\\n".to_owned(),
                        b'\t' => "\\t".to_owned(),
                        b'\r' => "\\r".to_owned(),
                        _ => format!("\\u{b:04x}"),
                    };
                    return Err(syntax(
                        self.pos,
                        self.pos + 1,
                        format!("control character U+{b:04X} in string: write it as `{escape}`"),
                    ));
                }
                None => {
                    return Err(syntax(open, self.bytes.len(), "unterminated string"));
                }
            }
        }
    }

    fn parse_escape(&mut self, out: &mut String) -> PResult<()> {
        let at = self.pos;
        let c = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = self.hex4(at)?;
                self.pos = at + 6;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    let lo = if self.bytes.get(at + 6) == Some(&b'\\')
                        && self.bytes.get(at + 7) == Some(&b'u')
                    {
                        Some(self.hex4(at + 6)?)
                    } else {
                        None
                    };
                    match lo {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            self.pos = at + 12;
                            let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            char::from_u32(code)
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(hi)
                };
                let Some(c) = c else {
                    let text = self.src.get(at..at + 6).unwrap_or("");
                    return Err(syntax(
                        at,
                        at + 6,
                        format!("lone surrogate `{text}` in string"),
                    ));
                };
                out.push(c);
                return Ok(());
            }
            None => return Err(syntax(at, self.bytes.len(), "unterminated string")),
            Some(_) => {
                let end = self.char_end(at + 1);
                let text = self.src.get(at..end).unwrap_or("");
                let message =
                    if text.len() == 2 && text.as_bytes().get(1).is_some_and(|b| *b < 0x20) {
                        "invalid escape: a backslash before a control character".to_owned()
                    } else {
                        format!("invalid escape `{text}`")
                    };
                return Err(syntax(at, end, message));
            }
        };
        out.push(c);
        self.pos = at + 2;
        Ok(())
    }

    /// The four hex digits of the `\u` escape at `at`.
    fn hex4(&self, at: usize) -> PResult<u32> {
        let mut value = 0u32;
        for i in 0..4 {
            let digit = self
                .bytes
                .get(at + 2 + i)
                .and_then(|b| char::from(*b).to_digit(16));
            let Some(d) = digit else {
                let mut end = at + 2 + i;
                end = self.char_end(end).max(end);
                let text = self.src.get(at..end).unwrap_or("\\u");
                return Err(syntax(
                    at,
                    end,
                    format!("invalid escape `{text}`: expected 4 hex digits after `\\u`"),
                ));
            };
            value = value * 16 + d;
        }
        Ok(value)
    }
}

/// The first position at or after `i` holding `"`, `\\` or a control character (below
/// U+0020), or the end, eight bytes at a time: where a JSON string's plain run ends, for
/// reading and for writing one.
pub fn plain_run_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte that is zero (exact for the lowest such byte, which is all
    // that is read here).
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(word);
        let quote = zero_bytes(x ^ (ONES * u64::from(b'"')));
        let backslash = zero_bytes(x ^ (ONES * u64::from(b'\\')));
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        let hits = quote | backslash | control;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::plain_run_end;
    use proptest::prelude::*;

    fn scalar(bytes: &[u8], mut i: usize) -> usize {
        while let Some(&b) = bytes.get(i) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            i += 1;
        }
        i
    }

    proptest! {
        /// The word-at-a-time scan stops where the byte-by-byte one does, whatever the
        /// bytes (quotes, backslashes, controls, UTF-8 lead and continuation bytes).
        #[test]
        fn plain_run_end_agrees_with_a_byte_scan(
            bytes in prop::collection::vec(
                prop_oneof![
                    8 => 0x20u8..0x7f,
                    1 => Just(b'"'),
                    1 => Just(b'\\'),
                    1 => 0u8..0x20,
                    2 => 0x80u8..=0xff,
                ],
                0..40,
            ),
            start in 0usize..40,
        ) {
            let start = start.min(bytes.len());
            prop_assert_eq!(plain_run_end(&bytes, start), scalar(&bytes, start));
        }
    }

    #[test]
    fn every_byte_value_in_every_lane() {
        for b in 0u8..=255 {
            for lane in 0..8 {
                let mut bytes = vec![b'a'; 16];
                bytes[lane + 3] = b;
                assert_eq!(
                    plain_run_end(&bytes, 3),
                    scalar(&bytes, 3),
                    "{b:#x} at {lane}"
                );
            }
        }
    }
}
