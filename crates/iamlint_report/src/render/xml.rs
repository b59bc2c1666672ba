//! Escaping for XML and HTML text and attribute values.

/// Append `text` to `out`, escaped for XML/HTML text or a double-quoted attribute value.
///
/// Characters XML 1.0 does not allow (C0 controls other than tab, line feed and carriage
/// return; U+FFFE and U+FFFF) cannot be written even as character references: they become
/// `\u{XX}` so that what the policy held stays visible. Line feeds and tabs in attribute
/// values are written as character references, so that a parser keeps them.
pub(crate) fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&#39;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// `text` escaped for XML/HTML text content.
pub(crate) fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false);
    out
}

/// `text` escaped for a double-quoted attribute value.
pub(crate) fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(text("a<b>&\"c'"), "a&lt;b&gt;&amp;\"c'");
        assert_eq!(attr("a\"b'\nc\td"), "a&quot;b&#39;&#10;c&#9;d");
        assert_eq!(
            text("x\u{1}y\u{7f}\u{ffff}\r"),
            "x\\u{1}y\\u{7f}\\u{ffff}&#13;"
        );
        assert_eq!(text("é\n\t"), "é\n\t");
    }
}
