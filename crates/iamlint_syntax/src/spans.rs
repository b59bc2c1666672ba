//! Spans of text that is not the file's text as written: a code block cut out of a
//! guide, a JSON string inside a template, a shell word with quotes and escapes, a
//! URL-encoded policy. The text is decoded with a [`SpanMap`] from each decoded byte to
//! the range of the file it came from; the decoded text is parsed as usual, and
//! [`Node::map_spans`] / [`Parsed::map_spans`] then move every span of the tree to the
//! file the user wrote.
//!
//! A decoder that meets a form it does not know gives up (`None`): its caller then points
//! every span at the whole value instead, never at the wrong place.

use crate::{Node, Parsed, ScalarStyle, Span, Value};

/// Where each byte of a decoded text came from in the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanMap {
    /// For decoded byte `i`: the source range of the character or escape it came from.
    starts: Vec<u32>,
    ends: Vec<u32>,
    /// The source offset where the decoded text ends (after its closing quote's
    /// predecessor: what an empty span at the end maps to).
    end: u32,
}

impl SpanMap {
    /// An empty map whose text starts at source offset `at`.
    pub fn new(at: usize) -> SpanMap {
        SpanMap {
            starts: Vec::new(),
            ends: Vec::new(),
            end: to_u32(at),
        }
    }

    /// `len` decoded bytes that are the source's bytes from `source_start` on.
    pub fn push_verbatim(&mut self, source_start: usize, len: usize) {
        self.starts.reserve(len);
        self.ends.reserve(len);
        for i in 0..len {
            self.starts.push(to_u32(source_start + i));
            self.ends.push(to_u32(source_start + i + 1));
        }
        self.end = to_u32(source_start + len);
    }

    /// `len` decoded bytes (one character) written as the source range
    /// `source_start..source_end` (an escape such as `\"` or `%7B`).
    pub fn push_escape(&mut self, len: usize, source_start: usize, source_end: usize) {
        for _ in 0..len {
            self.starts.push(to_u32(source_start));
            self.ends.push(to_u32(source_end));
        }
        self.end = to_u32(source_end);
    }

    /// Decoded bytes so far.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The source span of a span of the decoded text. Offsets past the end map to the end.
    pub fn map(&self, span: Span) -> Span {
        let n = self.starts.len();
        let (s, e) = (span.start as usize, span.end as usize);
        let start = if s < n { self.starts[s] } else { self.end };
        let end = if e == 0 || e <= s {
            start
        } else if e <= n {
            self.ends[e - 1]
        } else {
            self.end
        };
        Span::new(start, end.max(start))
    }

    /// The map of a text decoded from the text this map decodes: `inner` maps offsets of
    /// the innermost text to offsets of ours.
    pub fn then(&self, inner: &SpanMap) -> SpanMap {
        let mut out = SpanMap {
            starts: Vec::with_capacity(inner.len()),
            ends: Vec::with_capacity(inner.len()),
            end: self.map(Span::new(inner.end, inner.end)).start,
        };
        for i in 0..inner.len() {
            let s = self.map(Span::new(inner.starts[i], inner.ends[i]));
            out.starts.push(s.start);
            out.ends.push(s.end);
        }
        out
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Node {
    /// Replace every span of the tree (values, keys, tags) by `f(span)`.
    pub fn map_spans(&mut self, f: &mut dyn FnMut(Span) -> Span) {
        // depth is bounded by the parser's limits; an explicit stack all the same
        let mut stack: Vec<&mut Node> = vec![self];
        while let Some(n) = stack.pop() {
            n.span = f(n.span);
            if let Some(t) = &mut n.tag {
                t.span = f(t.span);
            }
            match &mut n.value {
                Value::Seq(items) => stack.extend(items.iter_mut()),
                Value::Map(entries) => {
                    for e in entries.iter_mut() {
                        e.key_span = f(e.key_span);
                        stack.push(&mut e.value);
                    }
                }
                _ => {}
            }
        }
    }

    /// Move every span of the tree `delta` bytes on: a tree parsed from a slice of the
    /// file that starts at `delta`.
    pub fn shift_spans(&mut self, delta: u32) {
        self.map_spans(&mut |s| shift(s, delta));
    }
}

fn shift(s: Span, delta: u32) -> Span {
    Span::new(s.start.saturating_add(delta), s.end.saturating_add(delta))
}

impl Parsed {
    /// Replace every span (documents, errors, duplicate keys) by `f(span)`.
    pub fn map_spans(&mut self, f: &mut dyn FnMut(Span) -> Span) {
        for d in &mut self.documents {
            d.map_spans(f);
        }
        for e in &mut self.errors {
            e.span = f(e.span);
        }
        for d in &mut self.duplicate_keys {
            d.first = f(d.first);
            d.second = f(d.second);
        }
    }

    /// Move every span `delta` bytes on (see [`Node::shift_spans`]).
    pub fn shift_spans(&mut self, delta: u32) {
        self.map_spans(&mut |s| shift(s, delta));
    }
}

/// A JSON string as written at `src[start..]` (from its opening `"`): its value and the
/// map of the value's bytes to `src`. `None` when it is not a well-formed string.
pub fn decode_json_string(src: &str, start: usize) -> Option<(String, SpanMap)> {
    let bytes = src.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut out = String::new();
    let mut map = SpanMap::new(start + 1);
    let mut i = start + 1;
    loop {
        let run_end = crate::json::plain_run_end(bytes, i);
        if run_end > i {
            out.push_str(src.get(i..run_end)?);
            map.push_verbatim(i, run_end - i);
            i = run_end;
        }
        match bytes.get(i)? {
            b'"' => {
                map.end = to_u32(i);
                return Some((out, map));
            }
            b'\\' => {
                let (c, len) = json_escape(src, i)?;
                let before = out.len();
                out.push(c);
                map.push_escape(out.len() - before, i, i + len);
                i += len;
            }
            _ => return None,
        }
    }
}

/// The character of the JSON escape at `src[at..]` and the escape's length.
fn json_escape(src: &str, at: usize) -> Option<(char, usize)> {
    let bytes = src.as_bytes();
    let hex4 = |from: usize| -> Option<u32> {
        let h = src.get(from..from + 4)?;
        u32::from_str_radix(h, 16).ok()
    };
    Some(match bytes.get(at + 1)? {
        b'"' => ('"', 2),
        b'\\' => ('\\', 2),
        b'/' => ('/', 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => {
            let hi = hex4(at + 2)?;
            if (0xD800..0xDC00).contains(&hi) {
                if src.get(at + 6..at + 8)? != "\\u" {
                    return None;
                }
                let lo = hex4(at + 8)?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                (
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?,
                    12,
                )
            } else {
                (char::from_u32(hi)?, 6)
            }
        }
        _ => return None,
    })
}

/// A YAML string scalar as written at `node.span` in `src`: its value and the map of the
/// value's bytes to `src`, for the forms whose layout can be followed exactly (plain and
/// quoted scalars on one line, literal block scalars). The result is checked against the
/// parser's value: `None` when they differ or the form is not followed.
pub fn decode_yaml_scalar(src: &str, node: &Node) -> Option<(String, SpanMap)> {
    let Value::String(value, style) = &node.value else {
        return None;
    };
    let (s, e) = (node.span.start as usize, node.span.end as usize);
    let written = src.get(s..e)?;
    let (decoded, map) = match style {
        ScalarStyle::Plain if !written.contains('\n') => {
            let mut map = SpanMap::new(s);
            map.push_verbatim(s, written.len());
            (written.to_string(), map)
        }
        ScalarStyle::Quoted if !written.contains('\n') && written.len() >= 2 => {
            if written.starts_with('\'') {
                single_quoted(written, s)?
            } else {
                double_quoted(written, s)?
            }
        }
        ScalarStyle::Block => literal_block(src, s, e)?,
        _ => return None,
    };
    if decoded == *value {
        return Some((decoded, map));
    }
    // a block scalar's final line breaks (clip, keep, strip) are not in its span
    if matches!(style, ScalarStyle::Block)
        && value.trim_end_matches('\n') == decoded.trim_end_matches('\n')
        && value.len() >= decoded.trim_end_matches('\n').len()
    {
        let keep = decoded.trim_end_matches('\n').len();
        let mut m = SpanMap {
            starts: map.starts[..keep].to_vec(),
            ends: map.ends[..keep].to_vec(),
            end: map.end,
        };
        let end = m.end as usize;
        for _ in keep..value.len() {
            m.push_escape(1, end, end);
        }
        return Some((value.clone(), m));
    }
    None
}

fn single_quoted(written: &str, at: usize) -> Option<(String, SpanMap)> {
    let inner = written.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut map = SpanMap::new(at + 1);
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) != Some(&b'\'') {
                return None;
            }
            out.push('\'');
            map.push_escape(1, at + 1 + i, at + 1 + i + 2);
            i += 2;
        } else {
            let next = inner[i..].find('\'').map_or(inner.len(), |n| i + n);
            out.push_str(&inner[i..next]);
            map.push_verbatim(at + 1 + i, next - i);
            i = next;
        }
    }
    Some((out, map))
}

fn double_quoted(written: &str, at: usize) -> Option<(String, SpanMap)> {
    let inner = written.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut map = SpanMap::new(at + 1);
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let (c, len) = match bytes.get(i + 1)? {
                b'"' => ('"', 2),
                b'\\' => ('\\', 2),
                b'/' => ('/', 2),
                b'n' => ('\n', 2),
                b't' => ('\t', 2),
                b'r' => ('\r', 2),
                b'0' => ('\0', 2),
                b' ' => (' ', 2),
                b'x' => (
                    char::from_u32(u32::from_str_radix(inner.get(i + 2..i + 4)?, 16).ok()?)?,
                    4,
                ),
                b'u' => (
                    char::from_u32(u32::from_str_radix(inner.get(i + 2..i + 6)?, 16).ok()?)?,
                    6,
                ),
                _ => return None,
            };
            let before = out.len();
            out.push(c);
            map.push_escape(out.len() - before, at + 1 + i, at + 1 + i + len);
            i += len;
        } else {
            let next = inner[i..].find('\\').map_or(inner.len(), |n| i + n);
            out.push_str(&inner[i..next]);
            map.push_verbatim(at + 1 + i, next - i);
            i = next;
        }
    }
    Some((out, map))
}

/// A literal block scalar (`|`) whose content lines are `src[start..end]`: the lines
/// without their indentation, joined by line breaks. (A folded one, `>`, differs from the
/// parser's value unless it is one line, and is then refused by the check.)
fn literal_block(src: &str, start: usize, end: usize) -> Option<(String, SpanMap)> {
    // the indentation is that of the first content line
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    if !src[line_start..start].bytes().all(|b| b == b' ') {
        return None;
    }
    let mut out = String::new();
    let mut map = SpanMap::new(start);
    let mut at = line_start;
    let mut first = true;
    while at < end {
        let line_end = src[at..end].find('\n').map_or(end, |n| at + n);
        if !first {
            // the line break before this line
            out.push('\n');
            map.push_escape(1, at - 1, at);
        }
        first = false;
        let line = &src[at..line_end];
        let content_from =
            if line.len() >= indent && line.as_bytes()[..indent].iter().all(|b| *b == b' ') {
                at + indent
            } else if line.trim().is_empty() {
                line_end
            } else {
                return None;
            };
        let content = src.get(content_from..line_end)?;
        let content = content.strip_suffix('\r').unwrap_or(content);
        out.push_str(content);
        map.push_verbatim(content_from, content.len());
        at = line_end + 1;
    }
    map.end = to_u32(end);
    Some((out, map))
}

/// Percent-decoding (`%7B%22Version%22...`, as IAM's API returns policy documents): the
/// text and the map of its bytes to `text`'s. `None` when a `%` is not followed by two hex
/// digits or the result is not UTF-8.
pub fn decode_percent(text: &str) -> Option<(String, SpanMap)> {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut map = SpanMap::new(0);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let h = text.get(i + 1..i + 3)?;
            let b = u8::from_str_radix(h, 16).ok()?;
            out.push(b);
            map.push_escape(1, i, i + 3);
            i += 3;
        } else {
            out.push(bytes[i]);
            map.push_verbatim(i, 1);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    Some((s, map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_json, parse_yaml, Limits};

    #[test]
    fn json_string_escapes_map_to_their_source() {
        let src = r#"x: "{\"Action\": \"s3:*\", \"u\": \"\u00e9\"}""#;
        let at = src.find('"').unwrap_or(0);
        let (text, map) = decode_json_string(src, at).expect("a string");
        assert_eq!(text, "{\"Action\": \"s3:*\", \"u\": \"\u{e9}\"}");
        let i = text.find("s3:*").unwrap_or(0);
        let s = map.map(Span::new(i as u32 - 1, (i + 5) as u32));
        assert_eq!(s.slice(src), "\\\"s3:*\\\"");
        let e = text.find('\u{e9}').unwrap_or(0);
        assert_eq!(
            map.map(Span::new(e as u32, e as u32 + 2)).slice(src),
            "\\u00e9"
        );
        // a parsed tree's spans, mapped
        let mut parsed = parse_json(&text, &Limits::default());
        parsed.map_spans(&mut |s| map.map(s));
        let root = &parsed.documents[0];
        assert_eq!(
            root.get("Action").map(|n| n.span.slice(src)),
            Some("\\\"s3:*\\\"")
        );
    }

    #[test]
    fn literal_block_lines_lose_their_indentation() {
        let src = "P: |\n  {\"Statement\": [\n    {\"Action\": \"s3:*\"}\n  ]}\nQ: 1\n";
        let parsed = parse_yaml(src, &Limits::default());
        let node = parsed.documents[0].get("P").expect("P");
        let (text, map) = decode_yaml_scalar(src, node).expect("decoded");
        let Value::String(v, _) = &node.value else {
            panic!("a string")
        };
        assert_eq!(&text, v);
        let i = text.find("\"s3:*\"").unwrap_or(0);
        assert_eq!(
            map.map(Span::new(i as u32, i as u32 + 6)).slice(src),
            "\"s3:*\""
        );
    }

    #[test]
    fn quoted_scalars_and_refusals() {
        let src = "a: 'it''s {x}'\nb: \"q\\\"{y}\"\nc: >\n  folded\n  text\n";
        let parsed = parse_yaml(src, &Limits::default());
        let root = &parsed.documents[0];
        let a = root.get("a").expect("a");
        let (t, m) = decode_yaml_scalar(src, a).expect("a decodes");
        assert_eq!(t, "it's {x}");
        let i = t.find('{').unwrap_or(0) as u32;
        assert_eq!(m.map(Span::new(i, i + 3)).slice(src), "{x}");
        assert_eq!(m.map(Span::new(2, 3)).slice(src), "''");
        let b = root.get("b").expect("b");
        let (t, _) = decode_yaml_scalar(src, b).expect("b decodes");
        assert_eq!(t, "q\"{y}");
        // a folded scalar over two lines is refused, not mis-mapped
        assert!(decode_yaml_scalar(src, root.get("c").expect("c")).is_none());
    }

    #[test]
    fn percent_decoding_composes_with_a_json_string() {
        let src = r#"{"D": "%7B%22Action%22%3A%22s3%3A%2A%22%7D"}"#;
        let at = src.find("\"%").unwrap_or(0);
        let (outer, m1) = decode_json_string(src, at).expect("string");
        let (inner, m2) = decode_percent(&outer).expect("percent");
        assert_eq!(inner, "{\"Action\":\"s3:*\"}");
        let m = m1.then(&m2);
        let i = inner.find("s3").unwrap_or(0) as u32;
        assert_eq!(m.map(Span::new(i, i + 4)).slice(src), "s3%3A%2A");
        assert!(decode_percent("%zz").is_none());
    }

    #[test]
    fn shifting_a_tree() {
        let mut parsed = parse_json("{\"a\": [1]}", &Limits::default());
        parsed.shift_spans(10);
        let root = &parsed.documents[0];
        assert_eq!(root.span, Span::new(10, 20));
        assert_eq!(
            root.as_map().map(|m| m[0].key_span),
            Some(Span::new(11, 14))
        );
    }
}
