//! Deployment guides: Markdown (`.md`, `.markdown`), reStructuredText (`.rst`) and text
//! (`.txt`, or no extension, recognised by content) documents whose IAM policies sit in
//! code blocks (```` ``` ```` and `~~~` fences, `.. code-block::` directives).
//!
//! Each block is read by what it holds, whatever its language tag says: a policy
//! document (JSON or YAML), a CloudFormation template or fragment, AWS CLI output, or a
//! shell script with `aws` commands; other blocks are passed over. A block is a slice of
//! the guide, so every span is the guide's own (the block is parsed where it is, and its
//! spans moved by its offset). A block that looks like a policy but does not parse is a
//! syntax error at its line in the guide, and the other blocks are still read. Outside
//! the blocks, lines that start with an `aws` command (a guide exported to text loses
//! its fences) are read as commands.
//!
//! Suppressions: `<!-- iamlint:ignore[CODE] reason -->` (or an RST comment
//! `.. iamlint:ignore[CODE] reason`) before a block covers the block, before a line the
//! line; `#` comments inside YAML and shell blocks work as in those files.

use crate::shell::{holds_something, ShellState};
use crate::structured::is_policy_document;
use crate::{cfn_fragment, cli_output, cloudformation, line_comments, Format, Source};
use iamlint_policy::normalize::{infer_kind, normalize_document};
use iamlint_policy::{Comment, FileKind, Origin, PolicyFile, Section};
use iamlint_syntax::{parse_json, parse_yaml, Node, Parsed, SourceKind, Span};

pub(crate) struct Guide;

impl Format for Guide {
    fn name(&self) -> &'static str {
        "guide"
    }

    fn title(&self) -> &'static str {
        "guide"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".md", ".markdown", ".rst", ".txt"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        let lower = src.lower_name();
        if [".md", ".markdown", ".rst"]
            .iter()
            .any(|s| lower.ends_with(s))
        {
            return true;
        }
        if !content_only_name(&lower) {
            return false;
        }
        // a text file: a guide when it has code blocks; otherwise whatever else reads
        // it (a JSON policy, a shell script, a YAML template), and prose when nothing does
        if !blocks(src.text, is_rst(&lower)).is_empty() {
            return true;
        }
        let first = src.text.trim_start_matches('\u{feff}').trim_start();
        if first.starts_with('{')
            || first.starts_with('[')
            || crate::shell::has_shell_shebang(src.text)
        {
            return false;
        }
        let s = src.structured();
        !(s.parsed.errors.is_empty()
            && s.any_root(|r| is_policy_document(r) || cloudformation::is_template(r)))
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        load(src)
    }

    fn comments(&self, text: &str) -> Vec<Comment> {
        comments(text)
    }
}

/// A file name that says nothing of its content: `.txt`, or no extension at all.
pub(crate) fn content_only_name(lower: &str) -> bool {
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(lower);
    lower.ends_with(".txt") || !base.trim_start_matches('.').contains('.')
}

fn is_rst(lower: &str) -> bool {
    lower.ends_with(".rst")
}

/// A code block of a guide.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// The block's content: from the start of its first line to the end of its last
    /// (line break included), the fences excluded.
    pub start: usize,
    pub end: usize,
    /// Where the block starts as written (its opening fence or directive).
    pub open: usize,
    /// The info string's first word, lower case (`json`, `yaml`, `bash`).
    pub language: Option<String>,
    /// Not fenced: `aws` command lines of the prose.
    pub bare_command: bool,
}

/// Every code block of the text, in order.
pub(crate) fn blocks(text: &str, rst: bool) -> Vec<Block> {
    let mut out = Vec::new();
    let lines = line_starts(text);
    let mut i = 0;
    while i < lines.len() {
        let (ls, le) = lines[i];
        let line = &text[ls..le];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        // a fence: three or more backticks or tildes
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(fc) = fence_char {
            let n = trimmed.chars().take_while(|c| *c == fc).count();
            let info = trimmed[n..].trim();
            if n >= 3 && !(fc == '`' && info.contains('`')) {
                let language = info
                    .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
                    .next()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.trim_start_matches('.').to_ascii_lowercase());
                let start = lines.get(i + 1).map_or(text.len(), |l| l.0);
                let mut j = i + 1;
                let mut end = text.len();
                let mut next = lines.len();
                while j < lines.len() {
                    let (s, e) = lines[j];
                    let t = text[s..e].trim();
                    let m = t.chars().take_while(|c| *c == fc).count();
                    if m >= n && t[m..].trim().is_empty() {
                        end = s;
                        next = j + 1;
                        break;
                    }
                    j += 1;
                }
                out.push(Block {
                    start,
                    end: end.max(start),
                    open: ls + indent,
                    language,
                    bare_command: false,
                });
                i = next;
                continue;
            }
        }
        // `.. code-block:: json`, `.. code:: yaml`, `.. sourcecode::`
        let directive = [".. code-block::", ".. code::", ".. sourcecode::"]
            .iter()
            .find_map(|d| trimmed.strip_prefix(d));
        if let Some(rest) = directive {
            let language = rest.split_whitespace().next().map(str::to_ascii_lowercase);
            let (block, next) = indented_body(text, &lines, i, indent);
            if let Some((start, end)) = block {
                out.push(Block {
                    start,
                    end,
                    open: ls + indent,
                    language,
                    bare_command: false,
                });
            }
            i = next;
            continue;
        }
        // reStructuredText literal blocks: a paragraph ending in `::`
        if rst && trimmed.trim_end().ends_with("::") && !trimmed.starts_with("..") {
            let (block, next) = indented_body(text, &lines, i, indent);
            if let Some((start, end)) = block {
                out.push(Block {
                    start,
                    end,
                    open: ls + indent,
                    language: None,
                    bare_command: false,
                });
                i = next;
                continue;
            }
        }
        // an `aws` command in the prose (with its `\` continuation lines)
        if is_aws_command_line(trimmed) {
            let mut j = i;
            while j + 1 < lines.len() && text[lines[j].0..lines[j].1].trim_end().ends_with('\\') {
                j += 1;
            }
            let end = lines.get(j + 1).map_or(text.len(), |l| l.0);
            out.push(Block {
                start: ls,
                end,
                open: ls + indent,
                language: None,
                bare_command: true,
            });
            i = j + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// The body of an RST directive or literal block at line `at` (indented deeper than
/// `indent`, after its options and a blank line): its range, and the line after it.
fn indented_body(
    text: &str,
    lines: &[(usize, usize)],
    at: usize,
    indent: usize,
) -> (Option<(usize, usize)>, usize) {
    let mut j = at + 1;
    // directive options (`:linenos:`) and blank lines
    while j < lines.len() {
        let t = text[lines[j].0..lines[j].1].trim();
        if t.is_empty() || (t.starts_with(':') && t[1..].contains(':')) {
            j += 1;
        } else {
            break;
        }
    }
    let first = j;
    let mut last_content = None;
    while j < lines.len() {
        let l = &text[lines[j].0..lines[j].1];
        if l.trim().is_empty() {
            j += 1;
            continue;
        }
        let ind = l.len() - l.trim_start().len();
        if ind <= indent {
            break;
        }
        last_content = Some(j);
        j += 1;
    }
    match last_content {
        Some(last) => {
            let start = lines[first].0;
            let end = lines.get(last + 1).map_or(text.len(), |l| l.0);
            (Some((start, end)), last + 1)
        }
        None => (None, at + 1),
    }
}

/// `(start, end)` of every line, without its line break.
fn line_starts(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split('\n') {
        let end = at + l.len();
        out.push((at, end - usize::from(l.ends_with('\r'))));
        at = end + 1;
        if at > text.len() {
            break;
        }
    }
    out
}

/// `aws iam ...`, `$ aws s3api ...`: a line of prose that is a command.
fn is_aws_command_line(trimmed: &str) -> bool {
    let t = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
    let mut words = t.split_whitespace();
    words.next() == Some("aws")
        && words
            .find(|w| !w.starts_with("--"))
            .is_some_and(|svc| crate::aws_commands::SERVICES.contains(&svc))
}

/// What a block holds, by its content (the language tag only breaks ties).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holds {
    Json,
    Yaml,
    Shell,
    Other,
}

const SHELL_LANGUAGES: &[&str] = &[
    "sh",
    "bash",
    "shell",
    "console",
    "shell-session",
    "shellsession",
    "zsh",
    "terminal",
];

fn classify(text: &str, b: &Block) -> Holds {
    let body = &text[b.start..b.end];
    let lang = b.language.as_deref().unwrap_or("");
    if b.bare_command || body.lines().any(|l| is_aws_command_line(l.trim_start())) {
        return Holds::Shell;
    }
    if SHELL_LANGUAGES.contains(&lang) {
        return Holds::Shell;
    }
    let first = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"));
    match first {
        Some(f) if f.starts_with('{') || f.starts_with('[') => Holds::Json,
        _ if lang == "json" || lang == "javascript" => Holds::Json,
        _ if lang == "yaml" || lang == "yml" => Holds::Yaml,
        Some(f) if f.starts_with("---") || f.starts_with("- ") || looks_like_key(f) => Holds::Yaml,
        _ => Holds::Other,
    }
}

/// `Key:` or `Key: value` with a plain key: the start of a YAML mapping.
fn looks_like_key(line: &str) -> bool {
    match line.split_once(':') {
        Some((k, rest)) => {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '"' | '\''))
                && (rest.is_empty() || rest.starts_with(' '))
        }
        None => false,
    }
}

/// Whether a block's text reads like IAM: worth reporting when it does not parse.
fn policy_like(body: &str) -> bool {
    [
        "Statement",
        "PolicyDocument",
        "AssumeRolePolicyDocument",
        "\"Effect\"",
        "Effect:",
        "AWS::IAM::",
    ]
    .iter()
    .any(|k| body.contains(k))
}

fn load(src: &Source<'_>) -> PolicyFile {
    let text = src.text;
    let mut file = PolicyFile::empty("guide", SourceKind::Json, FileKind::NotAPolicy);
    let mut shell = ShellState::new(src, "");
    shell.noun = "guide";
    let rst = is_rst(&src.lower_name());
    for (k, b) in blocks(text, rst).iter().enumerate() {
        let prefix = iamlint_policy::path::index("Block", k);
        let mut section = Section {
            span: span(b.start, b.end),
            language: b.language.clone(),
            read_as: None,
            items: Vec::new(),
        };
        let before = counts(&file);
        match classify(text, b) {
            Holds::Shell => {
                shell.prefix = format!("{prefix}.");
                shell.aws_index = 0;
                shell.extract(b.start, b.end, &mut file, &mut section);
                section.read_as = Some("shell commands");
            }
            Holds::Json => {
                let mut parsed = parse_json(&text[b.start..b.end], &src.opts.limits);
                parsed.shift_spans(to_u32(b.start));
                read_tree(src, &mut file, &mut section, parsed, &prefix, b);
            }
            Holds::Yaml => {
                let mut parsed = parse_yaml(&text[b.start..b.end], &src.opts.limits);
                parsed.shift_spans(to_u32(b.start));
                read_tree(src, &mut file, &mut section, parsed, &prefix, b);
            }
            Holds::Other => {}
        }
        if counts(&file) == before && section.items.is_empty() {
            section.read_as = None;
        }
        file.sections.push(section);
    }
    crate::attach_duplicate_keys(&mut file);
    if holds_something(&file) {
        file.kind = FileKind::Other;
    }
    file
}

/// How much the file holds, to tell whether a block added anything.
fn counts(f: &PolicyFile) -> [usize; 6] {
    [
        f.documents.len(),
        f.principals.len(),
        f.managed_policies.len(),
        f.syntax_errors.len(),
        f.issues.len(),
        f.duplicate_keys.len(),
    ]
}

/// A JSON or YAML block, parsed (spans already the guide's): policy documents,
/// CloudFormation templates and fragments, AWS CLI output.
fn read_tree(
    src: &Source<'_>,
    file: &mut PolicyFile,
    section: &mut Section,
    parsed: Parsed,
    prefix: &str,
    b: &Block,
) {
    let body = &src.text[b.start..b.end];
    if !parsed.errors.is_empty() {
        if policy_like(body) {
            file.syntax_errors.extend(parsed.errors);
            section.read_as = Some("policy (does not parse)");
        }
        return;
    }
    file.duplicate_keys.extend(parsed.duplicate_keys);
    let many = parsed.documents.len() > 1;
    for (i, root) in parsed.documents.iter().enumerate() {
        let path = if many {
            iamlint_policy::path::index(&format!("{prefix}.Document"), i)
        } else {
            prefix.to_string()
        };
        read_root(src, file, section, root, path);
    }
}

fn read_root(
    src: &Source<'_>,
    file: &mut PolicyFile,
    section: &mut Section,
    root: &Node,
    path: String,
) {
    if is_policy_document(root) {
        let (kind, inferred) = match src.opts.forced_kind {
            Some(k) => (k, false),
            None => (infer_kind(root), true),
        };
        let origin = Origin {
            path,
            resource: None,
            embedded: false,
        };
        file.documents.push(normalize_document(
            root,
            kind,
            inferred,
            origin,
            &src.opts.vars,
        ));
        section.read_as = Some("policy document");
    } else if cloudformation::is_template(root) {
        cloudformation::extract(root, src.text, src.opts, file);
        section.read_as = Some("CloudFormation template");
    } else if cli_output::extract(root, src.text, src.opts, &path, file) {
        section.read_as = Some("AWS CLI output");
    } else if cfn_fragment::extract(root, src.text, src.opts, &path, file) {
        section.read_as = Some("CloudFormation fragment");
    }
}

/// The guide's comments: HTML comments (`<!-- ... -->`) and RST comments (`.. ...`)
/// cover the next block or line; `#` comments in YAML and shell blocks cover their line
/// or command.
fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let bs = blocks(text, false);
    let lines = line_starts(text);
    // the guide's own comments, outside the blocks
    let in_block = |at: usize| {
        bs.iter()
            .any(|b| b.start <= at && at < b.end && !b.bare_command)
    };
    let mut search = 0;
    while let Some(open) = text[search..].find("<!--").map(|i| search + i) {
        let close = text[open..]
            .find("-->")
            .map_or(text.len(), |i| open + i + 3);
        search = close;
        if in_block(open) {
            continue;
        }
        let inner = text[open + 4..close.saturating_sub(3).max(open + 4)].trim();
        out.push(Comment {
            span: span(open, close),
            text: inner.to_string(),
            covers: covers_after(text, &bs, &lines, close),
        });
    }
    for &(ls, le) in &lines {
        let t = text[ls..le].trim_start();
        if let Some(rest) = t.strip_prefix("..") {
            if rest.contains("iamlint:") && !in_block(ls) {
                out.push(Comment {
                    span: span(le - t.len(), le),
                    text: rest.trim().to_string(),
                    covers: covers_after(text, &bs, &lines, le),
                });
            }
        }
    }
    for b in &bs {
        match classify(text, b) {
            Holds::Shell => out.extend(crate::shell::comments(text, b.start, b.end)),
            Holds::Yaml => {
                for mut c in line_comments(&text[b.start..b.end], "#") {
                    let d = to_u32(b.start);
                    c.span = Span::new(c.span.start + d, c.span.end + d);
                    c.covers = Span::new(c.covers.start + d, c.covers.end + d);
                    out.push(c);
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|c| c.span.start);
    out
}

/// What a comment ending at `at` covers: the next block when only blank lines (or the
/// block's fence) come between, else the next non-blank line.
fn covers_after(text: &str, bs: &[Block], lines: &[(usize, usize)], at: usize) -> Span {
    let next_line = lines
        .iter()
        .find(|(s, e)| *s >= at && !text[*s..*e].trim().is_empty())
        .copied()
        .or_else(|| {
            // the rest of the comment's own line
            let rest_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            (!text[at..rest_end].trim().is_empty()).then_some((at, rest_end))
        });
    let Some((s, e)) = next_line else {
        return span(at, at);
    };
    match bs.iter().find(|b| b.open >= s && b.open <= e) {
        Some(b) => span(b.open, b.end.max(b.open)),
        None => span(s, e + 1),
    }
}

fn span(start: usize, end: usize) -> Span {
    Span::new(to_u32(start), to_u32(end))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_directives_and_bare_commands() {
        let text = "# T\n\n```json\n{\"a\": 1}\n```\n\n~~~~\nx\n~~~~\n\n.. code-block:: yaml\n   :linenos:\n\n   A: 1\n   B: 2\n\nafter\naws iam attach-role-policy --role-name R \\\n  --policy-arn X\nprose aws iam\n";
        let bs = blocks(text, false);
        let got: Vec<(&str, Option<&str>, bool)> = bs
            .iter()
            .map(|b| (&text[b.start..b.end], b.language.as_deref(), b.bare_command))
            .collect();
        assert_eq!(
            got,
            vec![
                ("{\"a\": 1}\n", Some("json"), false),
                ("x\n", None, false),
                ("   A: 1\n   B: 2\n", Some("yaml"), false),
                (
                    "aws iam attach-role-policy --role-name R \\\n  --policy-arn X\n",
                    None,
                    true
                ),
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let text = "```yaml\nA: 1\n";
        let bs = blocks(text, false);
        assert_eq!(bs.len(), 1);
        assert_eq!(&text[bs[0].start..bs[0].end], "A: 1\n");
    }

    #[test]
    fn html_comment_before_a_block_covers_it() {
        let text = "<!-- iamlint:ignore[IAM201] reason -->\n\n```json\n{}\n```\n<!-- x -->\nline\n";
        let c = comments(text);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].text, "iamlint:ignore[IAM201] reason");
        assert_eq!(c[0].covers.slice(text), "```json\n{}\n");
        assert_eq!(c[1].covers.slice(text), "line\n");
    }
}
