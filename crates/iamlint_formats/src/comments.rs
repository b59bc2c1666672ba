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
    // the line starting at `s` and its line break: a finding starting anywhere on it
    let line_span = |s: usize| -> Span {
        if s > text.len() {
            return span(text.len(), text.len());
        }
        let end = text
            .get(s..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| s + i);
        span(s, (end + 1).min(text.len()))
    };
    let mut offset = 0usize;
    // (lines are not collected: a 10 MB file has hundreds of thousands)
    for line in text.split('\n') {
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
            covers: line_span(if own_line { offset } else { line_start }),
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
