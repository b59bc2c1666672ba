//! HCL comments (`#`, `//`, `/* */`), outside strings and heredocs, with the range a
//! suppression in each covers: its own line when it follows code, the next line when it
//! stands alone.

use iamlint_policy::Comment;
use iamlint_syntax::Span;

fn span(start: usize, end: usize) -> Span {
    Span::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

/// The comments of an HCL file.
pub(crate) fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let line_end = |from: usize| memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |i| from + i);
    let line_start = |at: usize| memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1);
    // the line holding `at`, with its line break
    let line_of = |at: usize| {
        let s = line_start(at);
        span(s, (line_end(at) + 1).min(b.len()))
    };
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    let mut heredoc: Option<(String, usize)> = None;
    while i < b.len() {
        if let Some((delim, _)) = &heredoc {
            // a heredoc runs to a line holding only its delimiter
            let end = line_end(i);
            if text[i..end].trim() == delim {
                heredoc = None;
            }
            i = end + 1;
            continue;
        }
        let c = b[i];
        if in_string {
            match c {
                b'\\' => i += 2,
                b'"' | b'\n' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                i += 1;
            }
            b'<' if text[i..].starts_with("<<") => {
                let rest = &text[i + 2..line_end(i)];
                let rest = rest.strip_prefix('-').unwrap_or(rest).trim();
                if !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    heredoc = Some((rest.to_string(), i));
                    i = line_end(i) + 1;
                } else {
                    i += 2;
                }
            }
            b'#' | b'/' if c == b'#' || text[i..].starts_with("//") => {
                let marker = if c == b'#' { 1 } else { 2 };
                let end = line_end(i);
                let own_line = text[line_start(i)..i].trim().is_empty();
                let body = text[i + marker..end].trim();
                out.push(Comment {
                    span: span(i, i + text[i..end].trim_end().len()),
                    text: body.to_string(),
                    covers: if own_line {
                        line_of((end + 1).min(b.len()))
                    } else {
                        line_of(i)
                    },
                });
                i = end + 1;
            }
            b'/' if text[i..].starts_with("/*") => {
                let (body_end, close) = match text[i + 2..].find("*/") {
                    Some(j) => (i + 2 + j, i + 2 + j + 2),
                    // an unclosed comment runs to the end
                    None => (b.len(), b.len()),
                };
                let own_line = text[line_start(i)..i].trim().is_empty();
                let body = text[i + 2..body_end].trim();
                out.push(Comment {
                    span: span(i, close),
                    text: body.to_string(),
                    covers: if own_line {
                        line_of((line_end(close.min(b.len().saturating_sub(1))) + 1).min(b.len()))
                    } else {
                        line_of(i)
                    },
                });
                i = close;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_and_heredocs() {
        let text = "# alone\nx = \"a # not\" // after\npolicy = <<EOF\n# in heredoc\nEOF\n/* block */\ny = 1\n";
        let c = comments(text);
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["alone", "after", "block"]);
        assert_eq!(c[0].covers.slice(text), "x = \"a # not\" // after\n");
        assert_eq!(c[1].covers.slice(text), "x = \"a # not\" // after\n");
        assert_eq!(c[2].covers.slice(text), "y = 1\n");
    }
}
