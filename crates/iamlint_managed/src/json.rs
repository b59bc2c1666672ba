//! A document's token stream (see [`crate::blob`]) back to JSON text.

use crate::blob::{self, get_varint};

/// Nesting deeper than this is not in any AWS policy; a blob that claims it is corrupt.
const MAX_DEPTH: u32 = 64;

/// The corrupt part of a blob (never for the committed one: a test decodes every document).
#[derive(Debug)]
pub(crate) struct Corrupt;

pub(crate) struct Writer<'s, F: Fn(u32) -> Option<&'s str>> {
    pub(crate) tokens: &'s [u8],
    pub(crate) pos: usize,
    pub(crate) string: F,
}

impl<'s, F: Fn(u32) -> Option<&'s str>> Writer<'s, F> {
    /// Writes one value, pretty-printed with four-space indentation (as the IAM console
    /// shows policies), key order as in the source.
    pub(crate) fn value(
        &mut self,
        out: &mut String,
        indent: usize,
        depth: u32,
    ) -> Result<(), Corrupt> {
        if depth > MAX_DEPTH {
            return Err(Corrupt);
        }
        let v = get_varint(self.tokens, &mut self.pos).ok_or(Corrupt)?;
        let (tag, n) = (v & ((1 << blob::TAG_BITS) - 1), v >> blob::TAG_BITS);
        match tag {
            blob::TAG_STR => string(out, (self.string)(n).ok_or(Corrupt)?),
            blob::TAG_NUM => out.push_str((self.string)(n).ok_or(Corrupt)?),
            blob::TAG_TRUE => out.push_str("true"),
            blob::TAG_FALSE => out.push_str("false"),
            blob::TAG_NULL => out.push_str("null"),
            blob::TAG_OBJ | blob::TAG_ARR => {
                let object = tag == blob::TAG_OBJ;
                let (open, close) = if object { ('{', '}') } else { ('[', ']') };
                out.push(open);
                if n > 0 {
                    out.push('\n');
                    for i in 0..n {
                        pad(out, indent + 4);
                        if object {
                            let k = get_varint(self.tokens, &mut self.pos).ok_or(Corrupt)?;
                            string(out, (self.string)(k).ok_or(Corrupt)?);
                            out.push_str(": ");
                        }
                        self.value(out, indent + 4, depth + 1)?;
                        if i + 1 < n {
                            out.push(',');
                        }
                        out.push('\n');
                    }
                    pad(out, indent);
                }
                out.push(close);
            }
            _ => return Err(Corrupt),
        }
        Ok(())
    }
}

fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// `s` as a JSON string literal.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let b = c as usize;
                    out.push_str("\\u00");
                    out.push(char::from(HEX[b >> 4]));
                    out.push(char::from(HEX[b & 15]));
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_escaped_as_json() {
        let mut out = String::new();
        super::string(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
        let back: String = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(back, "a\"b\\c\nd\u{1}é");
    }
}
