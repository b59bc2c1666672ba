//! Fixes rules attach to findings: edits of the file the user wrote, made only when the
//! text at the finding's span is written in a way the edit is known to suit (a value found
//! once inside its span, a key quoted as JSON, YAML or HCL writes it). Otherwise the finding
//! has no fix: a wrong edit is worse than none.

use iamlint_report::Fix;
use iamlint_syntax::Span;

fn span(start: usize, end: usize) -> Option<Span> {
    Some(Span::new(
        u32::try_from(start).ok()?,
        u32::try_from(end).ok()?,
    ))
}

/// Replace `old`, written exactly once inside `within` (a value's span, quotes included),
/// with `new`.
pub(crate) fn replace_within(
    text: &str,
    within: Span,
    old: &str,
    new: &str,
    title: impl Into<String>,
) -> Option<Fix> {
    if old.is_empty() || old == new {
        return None;
    }
    let base = within.start as usize;
    let slice = text.get(base..within.end as usize)?;
    let mut found = slice.match_indices(old);
    let (at, _) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    Some(Fix::new(
        title,
        span(base + at, base + at + old.len())?,
        new,
    ))
}

/// Insert `key` with the string `value` as a sibling before the key written at `sibling`
/// (`"Statement"`, `Statement`, `'Statement'`), in the same syntax: its quoting, `:` or
/// ` = `, a `,` when the object is a JSON or YAML flow object (or an HCL one), a line of
/// its own at the sibling's indentation when the sibling starts its line.
pub(crate) fn insert_key_before(
    text: &str,
    sibling: Span,
    key: &str,
    value: &str,
    title: impl Into<String>,
) -> Option<Fix> {
    let (start, end) = (sibling.start as usize, sibling.end as usize);
    let written = text.get(start..end)?;
    let quote = match written.as_bytes().first() {
        Some(b'"') => "\"",
        Some(b'\'') => "'",
        _ => "",
    };
    let bare = written
        .strip_prefix(quote)
        .and_then(|w| w.strip_suffix(quote))?;
    if bare.is_empty() || !bare.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None; // an escaped key inside a string, or not a key at all
    }
    let separator = match text.get(end..)?.trim_start_matches([' ', '\t']).as_bytes() {
        [b':', ..] => ": ",
        [b'=', ..] => " = ",
        _ => return None,
    };
    let before = text.get(..start)?;
    // a JSON object, a YAML flow mapping or an HCL object: items are separated by commas
    let flow = matches!(before.trim_end().as_bytes().last(), Some(b'{' | b','));
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let lead = &before[line_start..];
    let entry = format!("{quote}{key}{quote}{separator}\"{value}\"");
    let insert = if lead.trim().is_empty() {
        // the sibling starts its line: the new key gets a line of its own above it
        let comma = if flow { "," } else { "" };
        format!("{entry}{comma}\n{lead}")
    } else if flow {
        format!("{entry}, ")
    } else {
        // `- Statement:` in a YAML block sequence: the new key's line is indented to the
        // sibling's column
        let indent: String = lead
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!("{entry}\n{indent}")
    };
    Some(Fix::new(title, span(start, start)?, insert))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Span {
        let at = text.find("Statement").unwrap();
        let q = text[..at].ends_with(['"', '\'']);
        if q {
            Span::new(at as u32 - 1, at as u32 + 10)
        } else {
            Span::new(at as u32, at as u32 + 9)
        }
    }

    fn fixed(text: &str) -> Option<String> {
        insert_key_before(text, key(text), "Version", "2012-10-17", "add")?.apply(text)
    }

    #[test]
    fn inserts_in_the_syntax_of_the_sibling() {
        assert_eq!(
            fixed(r#"{"Statement": []}"#).unwrap(),
            r#"{"Version": "2012-10-17", "Statement": []}"#
        );
        assert_eq!(
            fixed("{\n  \"Statement\": []\n}").unwrap(),
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
        );
        assert_eq!(
            fixed("Doc:\n  Statement:\n    - Effect: Allow\n").unwrap(),
            "Doc:\n  Version: \"2012-10-17\"\n  Statement:\n    - Effect: Allow\n"
        );
        assert_eq!(
            fixed("- Statement: []\n").unwrap(),
            "- Version: \"2012-10-17\"\n  Statement: []\n"
        );
        assert_eq!(
            fixed("{Statement: []}").unwrap(),
            "{Version: \"2012-10-17\", Statement: []}"
        );
        assert_eq!(
            fixed("p = jsonencode({\n  Statement = []\n})").unwrap(),
            "p = jsonencode({\n  Version = \"2012-10-17\",\n  Statement = []\n})"
        );
        assert_eq!(
            fixed("{'Statement': []}").unwrap(),
            "{'Version': \"2012-10-17\", 'Statement': []}"
        );
    }

    #[test]
    fn no_fix_for_an_escaped_key_or_no_separator() {
        let text = r#"{"p": "{\"Statement\": []}"}"#;
        let at = text.find("\\\"Statement").unwrap() as u32;
        assert!(insert_key_before(text, Span::new(at, at + 12), "Version", "x", "t").is_none());
        assert!(fixed("Statement").is_none());
    }

    #[test]
    fn replaces_a_value_found_once() {
        let text = r#"["s3:GetObjects", "s3:PutObject"]"#;
        let f =
            replace_within(text, Span::new(1, 16), "s3:GetObjects", "s3:GetObject", "t").unwrap();
        assert_eq!(
            f.apply(text).unwrap(),
            r#"["s3:GetObject", "s3:PutObject"]"#
        );
        // twice inside the span (an embedded document's span is its whole string)
        let text = r#""s3:Get s3:Get""#;
        assert!(replace_within(text, Span::new(0, 15), "s3:Get", "s3:X", "t").is_none());
        assert!(replace_within(text, Span::new(0, 15), "s3:Put", "s3:X", "t").is_none());
    }

    #[test]
    fn overlapping_or_outside_edits_do_not_apply() {
        let two = |a: (u32, u32), b: (u32, u32)| Fix {
            title: "t".into(),
            edits: vec![
                iamlint_report::Edit {
                    span: Span::new(a.0, a.1),
                    text: "x".into(),
                },
                iamlint_report::Edit {
                    span: Span::new(b.0, b.1),
                    text: "y".into(),
                },
            ],
        };
        assert_eq!(two((4, 5), (0, 1)).apply("abcdef").unwrap(), "ybcdxf");
        assert!(two((0, 3), (2, 4)).apply("abcdef").is_none());
        assert!(two((0, 1), (5, 9)).apply("abcdef").is_none());
        // not on a character boundary
        assert!(Fix::new("t", Span::new(1, 2), "x").apply("é").is_none());
    }
}
