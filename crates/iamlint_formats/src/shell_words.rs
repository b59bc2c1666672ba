//! Shell words as `sh`/`bash` split them: quotes, escapes, `\` line continuations,
//! comments, command separators, redirections and here-documents. Expansions (`$NAME`,
//! `${NAME}`, `$(...)`, `` `...` ``) are not performed: they stay in the word as written,
//! and their places are recorded, so that a caller can treat them as unknown values.
//!
//! Every word keeps a [`SpanMap`] from its decoded bytes to the file, so a JSON document
//! written inside quotes (with or without `\"` escapes) reports at the file's line and
//! column. The lexer never fails: what it does not understand ends a word or a command.

use iamlint_syntax::{Span, SpanMap};
use std::ops::Range;

/// One word of a command, after quote removal.
#[derive(Clone, Debug)]
pub(crate) struct Word {
    /// The word as written, quotes included.
    pub span: Span,
    /// The word after quote removal and escapes. Expansions are kept as written (`$X`).
    pub text: String,
    /// Where each byte of `text` is written.
    pub map: SpanMap,
    /// The expansions in `text`: their byte range and the name (`X` for `$X` and `${X}`,
    /// the text itself for `$(...)` and `` `...` ``).
    pub vars: Vec<(Range<usize>, String)>,
}

impl Word {
    /// The word's text when it holds no expansion.
    pub fn literal(&self) -> Option<&str> {
        self.vars.is_empty().then_some(self.text.as_str())
    }

    /// `NAME=value`: an assignment (the name, and where the value starts in `text`).
    pub fn assignment(&self) -> Option<(&str, usize)> {
        let eq = self.text.find('=')?;
        let name = &self.text[..eq];
        let first = name.chars().next()?;
        let ok = (first.is_ascii_alphabetic() || first == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        // the name must be written unquoted: `"A=b"` is a word, not an assignment
        let written_plain = self.map.map(Span::new(0, eq as u32)).len() == eq as u32;
        (ok && written_plain && !self.vars.iter().any(|(r, _)| r.start < eq))
            .then_some((name, eq + 1))
    }

    /// The part of the word from byte `from` on, as a word of its own.
    pub fn tail(&self, from: usize) -> Word {
        let from = from.min(self.text.len());
        let mut map =
            SpanMap::new(self.map.map(Span::new(from as u32, from as u32)).start as usize);
        for i in from..self.text.len() {
            let s = self.map.map(Span::new(i as u32, i as u32 + 1));
            map.push_escape(1, s.start as usize, s.end as usize);
        }
        let end = self
            .map
            .map(Span::new(self.text.len() as u32, self.text.len() as u32));
        map.push_escape(0, end.start as usize, end.end.max(end.start) as usize);
        let start = self.map.map(Span::new(from as u32, from as u32)).start;
        Word {
            span: Span::new(start.min(self.span.end), self.span.end),
            text: self.text[from..].to_string(),
            map,
            vars: self
                .vars
                .iter()
                .filter(|(r, _)| r.start >= from)
                .map(|(r, n)| (r.start - from..r.end - from, n.clone()))
                .collect(),
        }
    }
}

/// One simple command: its words (redirections and their targets taken out).
#[derive(Clone, Debug, Default)]
pub(crate) struct Command {
    pub words: Vec<Word>,
    /// From the first word to the end of the last, continuation lines included.
    pub span: Span,
    /// Where output is redirected (`> FILE`, `>> FILE`, `tee FILE` is a word).
    pub writes_to: Option<Word>,
    /// The here-document fed to the command, if any.
    pub heredoc: Option<Heredoc>,
}

/// A here-document's body.
#[derive(Clone, Debug)]
pub(crate) struct Heredoc {
    /// The body's lines (without the delimiter line).
    pub span: Span,
    /// Whether the delimiter was quoted (`<<'EOF'`): the body is then taken literally.
    pub literal: bool,
}

/// A `#` comment: where it is, its text after the `#`.
#[derive(Clone, Debug)]
pub(crate) struct ShellComment {
    pub span: Span,
    pub text: String,
}

/// A script split into commands.
#[derive(Clone, Debug, Default)]
pub(crate) struct Script {
    pub commands: Vec<Command>,
    pub comments: Vec<ShellComment>,
}

/// Split `src[start..end]` into commands. Spans are offsets of `src`.
pub(crate) fn lex(src: &str, start: usize, end: usize) -> Script {
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: start,
        end: end.min(src.len()),
        script: Script::default(),
        cur: Command::default(),
        pending: Vec::new(),
    };
    lx.run();
    lx.script
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    script: Script,
    cur: Command,
    /// Here-documents announced on the current line: (command index, delimiter, strip
    /// tabs, literal).
    pending: Vec<(PendingTarget, String, bool, bool)>,
}

#[derive(Clone, Copy)]
enum PendingTarget {
    /// The command being read (not finished yet).
    Current,
    /// A finished command, by index.
    Done(usize),
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

fn is_operator(b: u8) -> bool {
    matches!(b, b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>')
}

impl Lexer<'_> {
    fn peek(&self, off: usize) -> Option<u8> {
        let i = self.pos + off;
        (i < self.end).then(|| self.bytes[i])
    }

    fn run(&mut self) {
        while self.pos < self.end {
            let b = self.bytes[self.pos];
            if is_blank(b) {
                self.pos += 1;
            } else if b == b'\\' && self.peek(1) == Some(b'\n') {
                self.pos += 2;
            } else if b == b'\\' && self.peek(1) == Some(b'\r') && self.peek(2) == Some(b'\n') {
                self.pos += 3;
            } else if b == b'\n' {
                self.pos += 1;
                self.finish();
                self.read_heredocs();
            } else if b == b'#' {
                let line_end = self.line_end(self.pos);
                self.script.comments.push(ShellComment {
                    span: span(self.pos, line_end),
                    text: self.src[self.pos + 1..line_end].trim().to_string(),
                });
                self.pos = line_end;
            } else if b == b'<' && self.placeholder_len(self.pos).is_some() {
                let w = self.word();
                self.push_word(w);
            } else if b == b'<' || b == b'>' {
                self.redirection();
            } else if is_operator(b) {
                self.pos += 1;
                self.finish();
            } else {
                let w = self.word();
                // `2>&1`, `2> file`: a number right before a redirection is its descriptor
                let fd = w.text.bytes().all(|c| c.is_ascii_digit())
                    && matches!(self.peek(0), Some(b'<' | b'>'));
                if !fd && !w.span.is_empty() {
                    self.push_word(w);
                }
            }
        }
        self.finish();
    }

    fn push_word(&mut self, w: Word) {
        if self.cur.words.is_empty() {
            self.cur.span = w.span;
        } else {
            self.cur.span = self.cur.span.cover(w.span);
        }
        self.cur.words.push(w);
    }

    fn finish(&mut self) {
        let cmd = std::mem::take(&mut self.cur);
        let index = self.script.commands.len();
        for p in &mut self.pending {
            if matches!(p.0, PendingTarget::Current) {
                p.0 = PendingTarget::Done(index);
            }
        }
        self.script.commands.push(cmd);
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.bytes[from..self.end]).map_or(self.end, |n| from + n)
    }

    /// `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `&>`: the operator and its target word.
    fn redirection(&mut self) {
        let b = self.bytes[self.pos];
        let mut op = String::new();
        while let Some(c) = self.peek(0) {
            if (c == b'<' || c == b'>' || c == b'&' || c == b'-' || c == b'|') && op.len() < 3 {
                op.push(c as char);
                self.pos += 1;
            } else {
                break;
            }
        }
        while self.peek(0).is_some_and(is_blank) {
            self.pos += 1;
        }
        if self.pos >= self.end || matches!(self.peek(0), Some(b'\n')) {
            return;
        }
        let target = self.word();
        if op.starts_with("<<") && !op.starts_with("<<<") {
            let literal = target.text.len() != target.span.len() as usize;
            let delim = target.text.clone();
            let strip = op.ends_with('-');
            self.pending
                .push((PendingTarget::Current, delim, strip, literal));
        } else if b == b'>' && !op.contains('&') {
            self.cur.writes_to = Some(target);
        }
    }

    /// Read the bodies of the here-documents announced on the line just ended.
    fn read_heredocs(&mut self) {
        for (target, delim, strip, literal) in std::mem::take(&mut self.pending) {
            let body_start = self.pos;
            let mut at = self.pos;
            let mut body_end = self.end;
            let mut after = self.end;
            while at < self.end {
                let le = self.line_end(at);
                let line = self.src[at..le].trim_end_matches('\r');
                let line = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == delim {
                    body_end = at;
                    after = (le + 1).min(self.end);
                    break;
                }
                at = le + 1;
            }
            self.pos = after;
            let doc = Heredoc {
                span: span(body_start, body_end.max(body_start)),
                literal,
            };
            let index = match target {
                PendingTarget::Done(i) => i,
                PendingTarget::Current => self.script.commands.len(),
            };
            if let Some(c) = self.script.commands.get_mut(index) {
                c.heredoc = Some(doc);
            }
        }
    }

    /// One word from the current position.
    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut w = Word {
            span: span(start, start),
            text: String::new(),
            map: SpanMap::new(start),
            vars: Vec::new(),
        };
        while let Some(b) = self.peek(0) {
            match b {
                b' ' | b'\t' | b'\n' => break,
                b'\r' if self.peek(1) == Some(b'\n') => break,
                b'<' => match self.placeholder_len(self.pos) {
                    // `<ACCOUNT_ID>` in a guide's command is a placeholder, not a redirection
                    Some(len) => {
                        w.text.push_str(&self.src[self.pos..self.pos + len]);
                        w.map.push_verbatim(self.pos, len);
                        self.pos += len;
                    }
                    None => break,
                },
                b';' | b'&' | b'|' | b'(' | b')' | b'>' => break,
                b'\\' => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(_) => {
                        let c_end = self.char_end(self.pos + 1);
                        let c = &self.src[self.pos + 1..c_end];
                        w.text.push_str(c);
                        w.map.push_escape(c.len(), self.pos, c_end);
                        self.pos = c_end;
                    }
                    None => {
                        self.pos += 1;
                    }
                },
                b'\'' => self.single_quoted(&mut w),
                b'"' => self.double_quoted(&mut w),
                b'$' if self.peek(1) == Some(b'\'') => self.ansi_c(&mut w),
                b'$' => self.expansion(&mut w),
                b'`' => self.backtick(&mut w),
                _ => {
                    let c_end = self.char_end(self.pos);
                    w.text.push_str(&self.src[self.pos..c_end]);
                    w.map.push_verbatim(self.pos, c_end - self.pos);
                    self.pos = c_end;
                }
            }
        }
        w.span = span(start, self.pos);
        if w.span.is_empty() {
            // nothing a word can start with: step over it
            self.pos = self.char_end(self.pos).max(self.pos + 1).min(self.end);
        }
        w
    }

    /// The length of a `<NAME>` placeholder at `at` (a letter, then letters, digits,
    /// spaces, `_`, `-`, `.`, at most 80 of them, then `>`), as guides write them.
    fn placeholder_len(&self, at: usize) -> Option<usize> {
        let rest = &self.bytes[at..self.end];
        if rest.first() != Some(&b'<') || !rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        for (i, &c) in rest.iter().enumerate().skip(2).take(80) {
            if c == b'>' {
                return Some(i + 1);
            }
            if !(c.is_ascii_alphanumeric() || matches!(c, b' ' | b'_' | b'-' | b'.')) {
                return None;
            }
        }
        None
    }

    fn char_end(&self, at: usize) -> usize {
        let mut e = (at + 1).min(self.end);
        while e < self.end && !self.src.is_char_boundary(e) {
            e += 1;
        }
        e
    }

    fn single_quoted(&mut self, w: &mut Word) {
        let open = self.pos;
        let close = memchr::memchr(b'\'', &self.bytes[open + 1..self.end])
            .map_or(self.end, |n| open + 1 + n);
        w.text.push_str(&self.src[open + 1..close]);
        w.map.push_verbatim(open + 1, close - open - 1);
        self.pos = (close + 1).min(self.end);
    }

    fn double_quoted(&mut self, w: &mut Word) {
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            match b {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(c @ (b'"' | b'\\' | b'$' | b'`')) => {
                        w.text.push(c as char);
                        w.map.push_escape(1, self.pos, self.pos + 2);
                        self.pos += 2;
                    }
                    _ => {
                        w.text.push('\\');
                        w.map.push_verbatim(self.pos, 1);
                        self.pos += 1;
                    }
                },
                b'$' => self.expansion(w),
                b'`' => self.backtick(w),
                _ => {
                    // a run up to the next special character
                    let run = self.bytes[self.pos..self.end]
                        .iter()
                        .position(|c| matches!(c, b'"' | b'\\' | b'$' | b'`'))
                        .map_or(self.end, |n| self.pos + n);
                    w.text.push_str(&self.src[self.pos..run]);
                    w.map.push_verbatim(self.pos, run - self.pos);
                    self.pos = run;
                }
            }
        }
    }

    /// `$'...'`: backslash escapes as in C.
    fn ansi_c(&mut self, w: &mut Word) {
        self.pos += 2;
        while let Some(b) = self.peek(0) {
            match b {
                b'\'' => {
                    self.pos += 1;
                    return;
                }
                b'\\' if self.peek(1).is_some() => {
                    let c = match self.peek(1).unwrap_or(b'\\') {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'\\' => '\\',
                        b'\'' => '\'',
                        b'"' => '"',
                        other => other as char,
                    };
                    let before = w.text.len();
                    w.text.push(c);
                    w.map
                        .push_escape(w.text.len() - before, self.pos, self.pos + 2);
                    self.pos += 2;
                }
                _ => {
                    let c_end = self.char_end(self.pos);
                    w.text.push_str(&self.src[self.pos..c_end]);
                    w.map.push_verbatim(self.pos, c_end - self.pos);
                    self.pos = c_end;
                }
            }
        }
    }

    /// `$NAME`, `${...}`, `$(...)`, `$((...))`, `$1`, `$@`: kept as written, recorded.
    fn expansion(&mut self, w: &mut Word) {
        let start = self.pos;
        let name: String;
        match self.peek(1) {
            Some(b'{') => {
                let close = memchr::memchr(b'}', &self.bytes[start..self.end])
                    .map_or(self.end, |n| start + n + 1);
                let inner = self
                    .src
                    .get(start + 2..close.saturating_sub(1).max(start + 2))
                    .unwrap_or("")
                    .to_string();
                // `${NAME:-default}`, `${NAME#x}`: the variable is NAME
                let n: String = inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                name = if n.is_empty() { inner } else { n };
                self.pos = close;
            }
            Some(b'(') => {
                let close = self.balanced(start + 1);
                name = self.src[start..close].to_string();
                self.pos = close;
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let mut e = start + 1;
                while e < self.end
                    && (self.bytes[e].is_ascii_alphanumeric() || self.bytes[e] == b'_')
                {
                    e += 1;
                }
                name = self.src[start + 1..e].to_string();
                self.pos = e;
            }
            Some(c)
                if c.is_ascii_digit()
                    || matches!(c, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-') =>
            {
                name = (c as char).to_string();
                self.pos = start + 2;
            }
            _ => {
                // a lone `$` is a literal dollar
                w.text.push('$');
                w.map.push_verbatim(start, 1);
                self.pos = start + 1;
                return;
            }
        }
        let from = w.text.len();
        w.text.push_str(&self.src[start..self.pos]);
        w.map.push_verbatim(start, self.pos - start);
        w.vars.push((from..w.text.len(), name));
    }

    /// The end (after the closing `)`) of the parenthesized text opening at `open`.
    fn balanced(&self, open: usize) -> usize {
        let mut depth = 0usize;
        let mut i = open;
        let mut quote: Option<u8> = None;
        while i < self.end {
            let b = self.bytes[i];
            match (quote, b) {
                (Some(q), c) if c == q => quote = None,
                (Some(b'"'), b'\\') => i += 1,
                (Some(_), _) => {}
                (None, b'\'' | b'"') => quote = Some(b),
                (None, b'\\') => i += 1,
                (None, b'(') => depth += 1,
                (None, b')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.end
    }

    fn backtick(&mut self, w: &mut Word) {
        let start = self.pos;
        let mut i = start + 1;
        while i < self.end && self.bytes[i] != b'`' {
            if self.bytes[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        self.pos = (i + 1).min(self.end);
        let from = w.text.len();
        w.text.push_str(&self.src[start..self.pos]);
        w.map.push_verbatim(start, self.pos - start);
        w.vars
            .push((from..w.text.len(), self.src[start..self.pos].to_string()));
    }
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

    fn words(src: &str) -> Vec<Vec<String>> {
        lex(src, 0, src.len())
            .commands
            .iter()
            .filter(|c| !c.words.is_empty())
            .map(|c| c.words.iter().map(|w| w.text.clone()).collect())
            .collect()
    }

    #[test]
    fn quotes_escapes_and_continuations() {
        let src = "aws iam create-role --role-name R \\\n    --doc '{\"a\": 1}' # trailing\necho \"x\\\"y\" a\\ b; ls|wc\n";
        assert_eq!(
            words(src),
            vec![
                vec![
                    "aws",
                    "iam",
                    "create-role",
                    "--role-name",
                    "R",
                    "--doc",
                    "{\"a\": 1}"
                ],
                vec!["echo", "x\"y", "a b"],
                vec!["ls"],
                vec!["wc"],
            ]
        );
        let script = lex(src, 0, src.len());
        assert_eq!(script.comments.len(), 1);
        assert_eq!(script.comments[0].text, "trailing");
        // the quoted JSON maps to its place in the source
        let w = &script.commands[0].words[6];
        assert_eq!(w.map.map(Span::new(1, 4)).slice(src), "\"a\"");
        let esc = &script.commands[1].words[1];
        assert_eq!(esc.map.map(Span::new(1, 2)).slice(src), "\\\"");
    }

    #[test]
    fn expansions_are_recorded_not_expanded() {
        let src = "aws iam attach-role-policy --role-name \"$ROLE\" --policy-arn arn:aws:iam::${ACCOUNT_ID}:policy/$(echo p)\n";
        let script = lex(src, 0, src.len());
        let c = &script.commands[0];
        assert_eq!(c.words[4].text, "$ROLE");
        assert_eq!(c.words[4].vars, vec![(0..5, "ROLE".to_string())]);
        assert_eq!(
            c.words[6].text,
            "arn:aws:iam::${ACCOUNT_ID}:policy/$(echo p)"
        );
        let names: Vec<&str> = c.words[6].vars.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, vec!["ACCOUNT_ID", "$(echo p)"]);
    }

    #[test]
    fn heredocs_and_redirections() {
        let src = "cat > trust.json <<'EOF'\n{\"Statement\": []}\nEOF\naws iam create-role --x file://trust.json 2>&1\n";
        let script = lex(src, 0, src.len());
        let cat = &script.commands[0];
        assert_eq!(cat.words[0].text, "cat");
        assert_eq!(
            cat.writes_to.as_ref().map(|w| w.text.as_str()),
            Some("trust.json")
        );
        let body = cat.heredoc.as_ref().expect("heredoc");
        assert_eq!(body.span.slice(src), "{\"Statement\": []}\n");
        assert!(body.literal);
        let aws: Vec<&str> = script.commands[1]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(
            aws,
            vec!["aws", "iam", "create-role", "--x", "file://trust.json"]
        );
    }

    #[test]
    fn never_fails_on_unbalanced_input() {
        for src in [
            "'", "\"", "$(", "${", "`", "\\", "<<", "a <<E\nb", "$'\\", "x=\"", "é'ü",
        ] {
            let s = lex(src, 0, src.len());
            for c in &s.commands {
                for w in &c.words {
                    assert!(src
                        .get(w.span.start as usize..w.span.end as usize)
                        .is_some());
                }
            }
        }
    }
}
