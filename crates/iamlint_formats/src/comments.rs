//! Line comments (`# ...`, `// ...`), as the formats that have them report them.

use iamlint_policy::Comment;
use iamlint_syntax::Span;

/// The comments of `text` that start with `marker` and run to the end of their line. A
/// comment alone on its line covers the next line; one after code covers its own line
/// (a line's range includes its line break).
/// (A marker inside a quoted string is taken for a comment too: only comments that hold a
/// suppression matter, and a string that reads like one is rare enough.)
pub fn line_comments(text: &str, marker: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0usize, |at, l| {
            let s = *at;
            *at += l.len() + 1;
            Some(s)
        })
        .collect();
    let line_span = |i: usize| -> Span {
        match (starts.get(i), lines.get(i)) {
            // the line and its line break: a finding starting anywhere on it
            (Some(&s), Some(l)) => span(s, (s + l.len() + 1).min(text.len())),
            _ => span(text.len(), text.len()),
        }
    };
    for (line_no, line) in lines.iter().enumerate() {
        let line_start = offset;
        offset += line.len() + 1;
        let Some(at) = line.find(marker) else {
            continue;
        };
        let own_line = line[..at].trim().is_empty();
        let start = line_start + at;
        let end = line_start + line.trim_end().len();
        out.push(Comment {
            span: span(start, end.max(start)),
            text: line[at + marker.len()..].trim().to_string(),
            covers: line_span(if own_line { line_no + 1 } else { line_no }),
        });
    }
    out
}

fn span(start: usize, end: usize) -> Span {
    Span::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_line_covers_the_next_line_and_trailing_covers_its_own() {
        let text = "a: 1\n# alone\nb: 2 # after\n";
        let c = line_comments(text, "#");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].text, "alone");
        assert_eq!(c[0].span.slice(text), "# alone");
        assert_eq!(c[0].covers.slice(text), "b: 2 # after\n");
        assert_eq!(c[1].text, "after");
        assert_eq!(c[1].covers.slice(text), "b: 2 # after\n");
    }
}
