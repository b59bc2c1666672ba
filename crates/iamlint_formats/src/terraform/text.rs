//! Strings that hold policies (heredocs, quoted JSON, JSON strings of a plan) decoded with
//! a map back to the bytes the user wrote, and the markers that stand for Terraform
//! expressions until the policy model has them as holes.
//!
//! A Terraform expression inside a policy (`${aws_s3_bucket.b.arn}`, `var.x`) becomes a
//! marker, `U+E000 <index> U+E001`, in the text handed to the JSON parser and to
//! [`normalize_document`](iamlint_policy::normalize::normalize_document); afterwards
//! [`resolve_markers`] turns every marker into a [`Part::Hole`] of kind
//! [`HoleKind::Terraform`] named by the expression. The private-use characters keep the
//! markers apart from anything a policy may hold (`${aws:username}` stays a literal).

use iamlint_policy::{Document, HoleKind, ModelIssue, Part, Parts, Text};
use iamlint_syntax::{Node, Span, Value};

pub(crate) const OPEN: char = '\u{E000}';
pub(crate) const CLOSE: char = '\u{E001}';

/// The expressions that markers stand for, by index.
#[derive(Default, Debug)]
pub(crate) struct Holes {
    names: Vec<String>,
}

impl Holes {
    /// A marker for the expression `name`.
    pub(crate) fn marker(&mut self, name: &str) -> String {
        let i = self.names.len();
        self.names.push(name.to_string());
        format!("{OPEN}{i}{CLOSE}")
    }

    fn name(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(String::as_str)
    }

    /// `s` with every marker split out as a hole.
    pub(crate) fn parts(&self, s: &str, out: &mut Vec<Part>) {
        let mut rest = s;
        while let Some(at) = rest.find(OPEN) {
            let after = &rest[at + OPEN.len_utf8()..];
            let Some(close) = after.find(CLOSE) else {
                break;
            };
            let Some(name) = after[..close].parse().ok().and_then(|i| self.name(i)) else {
                break;
            };
            if at > 0 {
                out.push(Part::Literal(rest[..at].to_string()));
            }
            out.push(Part::Hole {
                kind: HoleKind::Terraform,
                name: name.to_string(),
            });
            rest = &after[close + CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            out.push(Part::Literal(rest.to_string()));
        }
    }

    /// `s` with every marker written as `${expression}`, for messages.
    pub(crate) fn display(&self, s: &str) -> String {
        if !s.contains(OPEN) {
            return s.to_string();
        }
        let mut parts = Vec::new();
        self.parts(s, &mut parts);
        let t = Text {
            parts: Parts::from(parts),
            span: Span::default(),
            path: String::new(),
        };
        t.display()
    }

    fn fix(&self, t: &mut Text) {
        if !t
            .parts
            .iter()
            .any(|p| matches!(p, Part::Literal(s) if s.contains(OPEN)))
        {
            return;
        }
        let mut out = Vec::with_capacity(t.parts.len() + 2);
        for p in t.parts.iter() {
            match p {
                Part::Literal(s) => self.parts(s, &mut out),
                hole => out.push(hole.clone()),
            }
        }
        iamlint_policy::text::normalize_parts(&mut out);
        t.parts = Parts::from(out);
    }

    /// Every marker of a normalized document becomes a Terraform hole; messages name the
    /// expressions.
    pub(crate) fn resolve_markers(&self, doc: &mut Document) {
        if self.names.is_empty() {
            return;
        }
        let fix = |t: &mut Text| self.fix(t);
        for t in [&mut doc.version, &mut doc.id].into_iter().flatten() {
            fix(t);
        }
        for st in &mut doc.statements {
            for t in [&mut st.sid, &mut st.effect_text].into_iter().flatten() {
                fix(t);
            }
            for l in [&mut st.action, &mut st.resource].into_iter().flatten() {
                l.items.iter_mut().for_each(fix);
            }
            if let Some(p) = &mut st.principal {
                p.values.iter_mut().for_each(|v| fix(&mut v.value));
            }
            if let Some(c) = &mut st.condition {
                for cl in &mut c.clauses {
                    fix(&mut cl.operator_text);
                    for e in &mut cl.entries {
                        fix(&mut e.key);
                        e.values.iter_mut().for_each(fix);
                    }
                }
            }
        }
        for i in &mut doc.issues {
            self.fix_issue(i);
        }
    }

    pub(crate) fn fix_issue(&self, i: &mut ModelIssue) {
        i.message = self.display(&i.message);
        i.path = self.display(&i.path);
    }
}

/// Text decoded from what the user wrote, with, for each byte, the range of source bytes
/// it came from.
#[derive(Default, Debug)]
pub(crate) struct Decoded {
    pub text: String,
    from: Vec<(u32, u32)>,
}

impl Decoded {
    fn push_str(&mut self, s: &str, start: usize, end: usize) {
        let r = (to_u32(start), to_u32(end));
        self.text.push_str(s);
        self.from.resize(self.text.len(), r);
    }

    fn push_char(&mut self, c: char, start: usize, end: usize) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf), start, end);
    }

    /// The source range of a range of the decoded text.
    pub(crate) fn span(&self, s: Span) -> Span {
        let (a, b) = (s.start as usize, s.end as usize);
        let start = match self.from.get(a) {
            Some(r) => r.0,
            None => self.from.last().map_or(0, |r| r.1),
        };
        let end = if b > a {
            self.from.get(b - 1).map_or(start, |r| r.1)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }

    /// Point every span of a tree parsed from the decoded text at the source.
    pub(crate) fn remap(&self, node: &mut Node) {
        node.span = self.span(node.span);
        if let Some(t) = &mut node.tag {
            t.span = self.span(t.span);
        }
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| self.remap(n)),
            Value::Map(entries) => {
                for e in entries {
                    e.key_span = self.span(e.key_span);
                    self.remap(&mut e.value);
                }
            }
            _ => {}
        }
    }

    /// Source text written in a Terraform template (`$${` is `${`, `%%{` is `%{`), with
    /// string escapes decoded when `escapes` (a quoted string; a heredoc has none).
    pub(crate) fn template_literal(&mut self, raw: &str, start: usize, escapes: bool) {
        let b = raw.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let at = start + i;
            if (b[i] == b'$' || b[i] == b'%')
                && raw[i + 1..].starts_with([b[i] as char])
                && raw[i + 2..].starts_with('{')
            {
                self.push_char(b[i] as char, at, at + 2);
                i += 2;
                continue;
            }
            if escapes && b[i] == b'\\' {
                if let Some((c, len)) = escape(&raw[i..]) {
                    self.push_char(c, at, at + len);
                    i += len;
                    continue;
                }
            }
            let c = raw[i..].chars().next().unwrap_or('\u{FFFD}');
            self.push_char(c, at, at + c.len_utf8());
            i += c.len_utf8();
        }
    }

    /// A JSON string's contents as written (without the quotes), escapes decoded.
    pub(crate) fn json_string(&mut self, raw: &str, start: usize) {
        let b = raw.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let at = start + i;
            if b[i] == b'\\' {
                if let Some((c, len)) = escape(&raw[i..]) {
                    self.push_char(c, at, at + len);
                    i += len;
                    continue;
                }
            }
            let c = raw[i..].chars().next().unwrap_or('\u{FFFD}');
            self.push_char(c, at, at + c.len_utf8());
            i += c.len_utf8();
        }
    }

    /// A marker standing for the source range `start..end`.
    pub(crate) fn marker(&mut self, marker: &str, start: usize, end: usize) {
        self.push_str(marker, start, end);
    }

    /// Whether the decoded text so far ends inside a JSON string.
    pub(crate) fn in_json_string(&self) -> bool {
        let mut inside = false;
        let mut escaped = false;
        for &c in self.text.as_bytes() {
            if escaped {
                escaped = false;
            } else if inside && c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                inside = !inside;
            }
        }
        inside
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A backslash escape at the start of `s`: (character, bytes taken).
fn escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let c = *b.get(1)?;
    Some(match c {
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'"' => ('"', 2),
        b'\\' => ('\\', 2),
        b'/' => ('/', 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'u' => {
            let hi = u32::from_str_radix(s.get(2..6)?, 16).ok()?;
            if (0xD800..0xDC00).contains(&hi) && s.get(6..8) == Some("\\u") {
                let lo = u32::from_str_radix(s.get(8..12)?, 16).ok()?;
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)? & 0x3FF);
                (char::from_u32(c)?, 12)
            } else {
                (char::from_u32(hi).unwrap_or('\u{FFFD}'), 6)
            }
        }
        b'U' => (
            char::from_u32(u32::from_str_radix(s.get(2..10)?, 16).ok()?)?,
            10,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_bytes_map_back_to_what_was_written() {
        let src = r#"x = "a\"b$${c}\u0041""#;
        let start = src.find('"').map_or(0, |i| i + 1);
        let raw = &src[start..src.len() - 1];
        let mut d = Decoded::default();
        d.template_literal(raw, start, true);
        assert_eq!(d.text, "a\"b${c}A");
        // the `"` came from `\"`, the `$` from `$$`, the `A` from `\u0041`
        assert_eq!(d.span(Span::new(1, 2)).slice(src), "\\\"");
        assert_eq!(d.span(Span::new(3, 4)).slice(src), "$$");
        assert_eq!(d.span(Span::new(7, 8)).slice(src), "\\u0041");
        assert_eq!(d.span(Span::new(0, 8)).slice(src), raw);
    }

    #[test]
    fn markers_become_holes() {
        let mut h = Holes::default();
        let m = h.marker("aws_s3_bucket.b.arn");
        let mut parts = Vec::new();
        h.parts(&format!("{m}/*"), &mut parts);
        assert_eq!(
            parts,
            vec![
                Part::Hole {
                    kind: HoleKind::Terraform,
                    name: "aws_s3_bucket.b.arn".into()
                },
                Part::Literal("/*".into())
            ]
        );
        assert_eq!(h.display(&format!("x{m}")), "x${aws_s3_bucket.b.arn}");
        // a stray marker character is kept as text
        let mut parts = Vec::new();
        h.parts("\u{E000}9\u{E001}", &mut parts);
        assert_eq!(parts, vec![Part::Literal("\u{E000}9\u{E001}".into())]);
    }
}
