//! YAML loader: `saphyr-parser` events → [`Node`] tree with byte spans.
//!
//! The tree is built from the parser's event stream on an explicit stack (no recursion),
//! bounded by [`Limits::max_depth`]. Scalars are resolved here with the YAML 1.2 core
//! schema, not by the library. Aliases are expanded by cloning the anchored node, and every
//! node an alias expands to counts against [`Limits::max_nodes`].
//!
//! saphyr reports positions as *character* indices; they are converted to byte offsets.
//!
//! Error recovery: the documents completed before a syntax error are kept; the document
//! holding the error is dropped. When the alias budget runs out, one `AliasBudget` error is
//! reported and every later alias becomes a [`Value::Alias`] node, so the rest still loads.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as YamlStyle, ScanError, Tag as YamlTag};

use crate::dup::record_duplicates;
use crate::{
    DuplicateKey, Entry, Limits, Node, Parsed, ScalarStyle, Span, SyntaxError, SyntaxErrorKind,
    Tag, Value,
};

/// Parse `src` as a YAML stream (one or more documents).
pub fn parse_yaml(src: &str, limits: &Limits) -> Parsed {
    let parsed = load(src, src, Offsets::new(src), limits);
    let indentation_error = parsed
        .errors
        .first()
        .is_some_and(|e| e.message.starts_with("invalid indentation"));
    if indentation_error {
        // saphyr rejects flow collections whose continuation lines (typically the closing
        // `}` or `]`) are indented less than the enclosing block requires. libyaml, PyYAML
        // and so cfn-lint accept them, and real templates rely on it: retry with those lines
        // indented further, mapping positions back to `src`. Keep the retry only when it
        // loads cleanly.
        if let Some((text, table)) = reindent_flow_lines(src) {
            let offsets = Offsets {
                table,
                len: src.len(),
            };
            let retried = load(src, &text, offsets, limits);
            if retried.errors.is_empty() {
                return retried;
            }
        }
    }
    parsed
}

/// Parse `text` (which is `src` or `src` with extra indentation), reporting positions in
/// `src` through `offsets`.
fn load(src: &str, text: &str, offsets: Offsets, limits: &Limits) -> Parsed {
    let mut builder = Builder {
        src,
        bytes: src.as_bytes(),
        offsets,
        limits: *limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        alias_nodes: 0,
        budget_spent: false,
        root: None,
        documents: Vec::new(),
        duplicates: Vec::new(),
        errors: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let result = match next {
            Ok((event, span)) => {
                let start = builder.offsets.byte(span.start.index());
                let end = builder.offsets.byte(span.end.index());
                builder.event(event, start, end.max(start))
            }
            Err(error) => Err(builder.scan_error(&error)),
        };
        if let Err(error) = result {
            builder.errors.push(error);
            break;
        }
    }
    let mut duplicate_keys = builder.duplicates;
    duplicate_keys.sort_by_key(|d| (d.second.start, d.first.start));
    Parsed {
        documents: builder.documents,
        errors: builder.errors,
        duplicate_keys,
    }
}

/// `src` with every line inside a flow collection (opened in block context) indented at
/// least as far as the collection's opening bracket, plus the byte offset in `src` of each
/// character of the new text (and of its end). `None` when no line needed it.
///
/// A small lexer finds the flow collections: it skips comments, quoted scalars and block
/// scalars, and only counts a `[` or `{` that starts a token. Adding indentation inside a
/// flow collection never changes its meaning.
fn reindent_flow_lines(src: &str) -> Option<(String, Vec<u32>)> {
    let mut out = String::with_capacity(src.len() + 64);
    let mut table: Vec<u32> = Vec::with_capacity(src.len() + 64);
    let mut changed = false;
    let mut depth = 0usize;
    let mut opener_col = 0usize;
    let mut quote: Option<char> = None;
    let mut block_scalar: Option<usize> = None;
    let mut line_start = 0usize;
    for line in src.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        let blank = content.trim().is_empty();
        if let Some(header_indent) = block_scalar {
            if blank || indent > header_indent {
                push_mapped(&mut out, &mut table, line, line_start);
                line_start += line.len();
                continue;
            }
            block_scalar = None;
        }
        if depth > 0 && quote.is_none() && !blank && indent < opener_col {
            for _ in indent..opener_col {
                out.push(' ');
                table.push(to_u32(line_start));
            }
            changed = true;
        }
        push_mapped(&mut out, &mut table, line, line_start);
        // Scan the line for flow indicators.
        let mut prev = ' ';
        let mut chars = content.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if let Some(q) = quote {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                prev = c;
                continue;
            }
            let token_start = prev.is_whitespace() || matches!(prev, '[' | '{' | ',');
            match c {
                '#' if prev.is_whitespace() => break,
                '\'' | '"' if token_start || prev == ':' => quote = Some(c),
                '[' | '{' if depth > 0 || token_start => {
                    if depth == 0 {
                        opener_col = indent + i;
                    }
                    depth += 1;
                }
                ']' | '}' if depth > 0 => depth -= 1,
                '|' | '>' if depth == 0 && prev.is_whitespace() => {
                    let rest = content
                        .get(i + 1..)
                        .unwrap_or("")
                        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
                    let rest = rest.trim();
                    if rest.is_empty() || rest.starts_with('#') {
                        block_scalar = Some(indent);
                        break;
                    }
                }
                _ => {}
            }
            prev = c;
        }
        line_start += line.len();
    }
    table.push(to_u32(src.len()));
    changed.then_some((out, table))
}

fn push_mapped(out: &mut String, table: &mut Vec<u32>, line: &str, line_start: usize) {
    out.push_str(line);
    table.extend(line.char_indices().map(|(i, _)| to_u32(line_start + i)));
}

/// Character index → byte offset.
struct Offsets {
    /// Byte offset of every character, plus the length; empty for ASCII text.
    table: Vec<u32>,
    len: usize,
}

impl Offsets {
    fn new(src: &str) -> Self {
        let table = if src.is_ascii() {
            Vec::new()
        } else {
            src.char_indices()
                .map(|(i, _)| to_u32(i))
                .chain(std::iter::once(to_u32(src.len())))
                .collect()
        };
        Self {
            table,
            len: src.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).map_or(self.len, |b| *b as usize)
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn span(start: usize, end: usize) -> Span {
    Span::new(to_u32(start), to_u32(end))
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
}

/// An open sequence or mapping.
struct Frame {
    kind: FrameKind,
    /// Byte offset where the collection's value starts (after its tag and anchor).
    start: usize,
    /// End of the start token (`[`, `{`, `-` or the first key).
    open_end: usize,
    /// Written in flow style (`[...]`, `{...}`).
    flow: bool,
    tag: Option<Tag>,
    anchor: usize,
    /// `Builder::nodes` when the frame opened, to size the subtree for aliases.
    nodes_at_open: usize,
    /// End of the last child's text in the source.
    last_end: usize,
}

struct Builder<'s> {
    src: &'s str,
    bytes: &'s [u8],
    offsets: Offsets,
    limits: Limits,
    stack: Vec<Frame>,
    /// Anchor id → (node, number of nodes in it).
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    /// Nodes added by alias expansion so far.
    alias_nodes: usize,
    /// The alias budget ran out (reported once); later aliases stay unexpanded.
    budget_spent: bool,
    root: Option<Node>,
    documents: Vec<Node>,
    duplicates: Vec<DuplicateKey>,
    errors: Vec<SyntaxError>,
}

type BResult = Result<(), SyntaxError>;

/// Where a node's properties (tag, anchor) and value are in the source.
struct Props {
    tag: Option<Span>,
    /// Where the value starts (after the properties and following blanks).
    value_start: usize,
    /// Where the properties end.
    props_end: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> BResult {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.root = None;
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.documents.push(root);
                }
                self.anchors.clear();
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.count_node(start)?;
                let node = self.scalar(&value, style, anchor, tag.as_deref(), start, end);
                let source_end = node.span.end as usize;
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.attach(node, source_end);
                Ok(())
            }
            Event::Alias(id) => self.alias(id, start, end),
            Event::SequenceStart(anchor, tag) => self.open(
                FrameKind::Seq(Vec::new()),
                anchor,
                tag.as_deref(),
                start,
                end,
            ),
            Event::MappingStart(anchor, tag) => self.open(
                FrameKind::Map {
                    entries: Vec::new(),
                    key: None,
                },
                anchor,
                tag.as_deref(),
                start,
                end,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                self.close(start, end);
                Ok(())
            }
        }
    }

    fn count_node(&mut self, at: usize) -> BResult {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooManyNodes,
                span: span(at, self.char_end(at)),
                message: format!(
                    "document has more than {} values, the most accepted",
                    self.limits.max_nodes
                ),
            });
        }
        Ok(())
    }

    fn char_end(&self, at: usize) -> usize {
        self.src
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(at, |c| at + c.len_utf8())
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: usize,
        tag: Option<&YamlTag>,
        start: usize,
        end: usize,
    ) -> BResult {
        let props = self.props(start, tag.is_some() || anchor > 0);
        let value_start = props.value_start.min(end.max(start));
        if self.stack.len() >= self.limits.max_depth {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooDeep,
                span: span(value_start, self.char_end(value_start)),
                message: format!(
                    "nesting is deeper than {} levels, the most accepted",
                    self.limits.max_depth
                ),
            });
        }
        self.count_node(value_start)?;
        let flow = matches!(self.bytes.get(value_start), Some(b'[' | b'{'));
        let tag = self.tag(tag, props.tag);
        self.stack.push(Frame {
            kind,
            start: value_start,
            open_end: end.max(value_start),
            flow,
            tag,
            anchor,
            nodes_at_open: self.nodes,
            last_end: end.max(value_start),
        });
        Ok(())
    }

    fn close(&mut self, start: usize, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = if frame.flow {
            // The end event's span may run on over blanks and a comment.
            if matches!(self.bytes.get(start), Some(b']' | b'}')) {
                start + 1
            } else {
                self.trim_end(frame.start, end.max(frame.start))
            }
        } else {
            frame.last_end.max(frame.open_end)
        };
        let value = match frame.kind {
            FrameKind::Seq(items) => Value::Seq(items),
            FrameKind::Map { entries, key } => {
                let mut entries = entries;
                if let Some((key, key_span)) = key {
                    // A key without a value event cannot happen with a well-formed stream,
                    // but keep the key rather than lose it.
                    entries.push(Entry {
                        key,
                        key_span,
                        value: Node {
                            span: Span::new(key_span.end, key_span.end),
                            tag: None,
                            value: Value::Null,
                        },
                    });
                }
                record_duplicates(&entries, &mut self.duplicates);
                Value::Map(entries)
            }
        };
        let node = Node {
            span: span(frame.start, end),
            tag: frame.tag.map(Box::new),
            value,
        };
        if frame.anchor > 0 {
            let size = self.nodes - frame.nodes_at_open + 1;
            self.anchors.insert(frame.anchor, (node.clone(), size));
        }
        self.attach(node, end);
    }

    fn attach(&mut self, node: Node, source_end: usize) {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        frame.last_end = frame.last_end.max(source_end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key } => match key.take() {
                None => {
                    let text = match node.scalar_text() {
                        Some(t) => t.into_owned(),
                        None => node.span.slice(self.src).to_owned(),
                    };
                    *key = Some((text, node.span));
                }
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                }),
            },
        }
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) -> BResult {
        let alias_span = span(start, end);
        let name = alias_span
            .slice(self.src)
            .trim_start_matches('*')
            .to_owned();
        let Some((anchored, size)) = self.anchors.get(&id) else {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::UnknownAnchor,
                span: alias_span,
                message: format!(
                    "alias `*{name}` refers to an anchor that is not defined before it"
                ),
            });
        };
        let size = *size;
        let over_alias = self.alias_nodes.saturating_add(size) > self.limits.max_alias_nodes;
        let over_nodes = self.nodes.saturating_add(size) > self.limits.max_nodes;
        let node = if self.budget_spent || over_alias || over_nodes {
            self.nodes += 1;
            if !self.budget_spent {
                self.budget_spent = true;
                let (what, limit) = if over_alias {
                    ("aliases expand to", self.limits.max_alias_nodes)
                } else {
                    ("document reaches", self.limits.max_nodes)
                };
                self.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::AliasBudget,
                    span: alias_span,
                    message: format!(
                        "{what} more than {limit} values, the most accepted; `*{name}` and later aliases are not expanded"
                    ),
                });
            }
            Node {
                span: alias_span,
                tag: None,
                value: Value::Alias(name),
            }
        } else {
            self.nodes += size;
            self.alias_nodes += size;
            let mut node = anchored.clone();
            node.span = alias_span;
            node
        };
        self.attach(node, end);
        Ok(())
    }

    /// Find the tag and anchor written at `start` and where the value begins.
    fn props(&self, start: usize, has_props: bool) -> Props {
        let mut p = start;
        let mut tag = None;
        let mut props_end = start;
        if has_props {
            loop {
                p = self.skip_blanks(p);
                match self.bytes.get(p) {
                    Some(b'!') => {
                        let end = self.token_end(p);
                        tag = Some(span(p, end));
                        p = end;
                        props_end = end;
                    }
                    Some(b'&') => {
                        p = self.token_end(p);
                        props_end = p;
                    }
                    _ => break,
                }
            }
        }
        Props {
            tag,
            value_start: p,
            props_end,
        }
    }

    /// Skip spaces, tabs, line breaks and comments.
    fn skip_blanks(&self, mut p: usize) -> usize {
        loop {
            match self.bytes.get(p) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => p += 1,
                Some(b'#') => {
                    while let Some(b) = self.bytes.get(p) {
                        if *b == b'\n' || *b == b'\r' {
                            break;
                        }
                        p += 1;
                    }
                }
                _ => return p,
            }
        }
    }

    /// End of a tag or anchor token starting at `p`.
    fn token_end(&self, mut p: usize) -> usize {
        if self.bytes.get(p + 1) == Some(&b'<') {
            // Verbatim tag `!<...>`.
            while let Some(b) = self.bytes.get(p) {
                p += 1;
                if *b == b'>' {
                    return p;
                }
            }
            return p;
        }
        while let Some(b) = self.bytes.get(p) {
            if matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
            ) {
                break;
            }
            p += 1;
        }
        p
    }

    fn tag(&self, tag: Option<&YamlTag>, written: Option<Span>) -> Option<Tag> {
        let tag = tag?;
        let (name, span) = match written {
            Some(s) => {
                let text = s.slice(self.src);
                (text.strip_prefix('!').unwrap_or(text).to_owned(), s)
            }
            None => (String::new(), Span::default()),
        };
        let name = if name.is_empty() {
            // Fall back on the resolved tag.
            if tag.handle == "!" {
                tag.suffix.clone()
            } else if tag.is_yaml_core_schema() {
                format!("!{}", tag.suffix)
            } else {
                format!("{}{}", tag.handle, tag.suffix)
            }
        } else {
            name
        };
        Some(Tag { name, span })
    }

    fn scalar(
        &self,
        value: &str,
        style: YamlStyle,
        anchor: usize,
        tag: Option<&YamlTag>,
        start: usize,
        end: usize,
    ) -> Node {
        let props = self.props(start, tag.is_some() || anchor > 0);
        let tag = self.tag(tag, props.tag);
        let value_start = props.value_start.min(end);
        let (style, value_span) = match style {
            YamlStyle::Plain => {
                let s = if value.is_empty() {
                    span(props.props_end, props.props_end)
                } else {
                    span(value_start, self.trim_end(value_start, end))
                };
                (ScalarStyle::Plain, s)
            }
            YamlStyle::SingleQuoted | YamlStyle::DoubleQuoted => {
                let close = self.quoted_end(value_start, style == YamlStyle::DoubleQuoted);
                let close = close.unwrap_or_else(|| self.trim_end(value_start, end));
                (ScalarStyle::Quoted, span(value_start, close))
            }
            YamlStyle::Literal | YamlStyle::Folded => {
                let content = if start == value_start && tag.is_none() && anchor == 0 {
                    start
                } else {
                    self.block_content_start(value_start, end)
                };
                let content_end = self.trim_end(content, end);
                (
                    ScalarStyle::Block,
                    span(content.min(content_end), content_end),
                )
            }
        };
        let value = if tag.is_some() || style != ScalarStyle::Plain {
            Value::String(value.to_owned(), style)
        } else {
            resolve_plain(value)
        };
        Node {
            span: value_span,
            tag: tag.map(Box::new),
            value,
        }
    }

    /// End (exclusive) of `[start, end)` without trailing blanks.
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let mut e = end.min(self.bytes.len());
        while e > start && matches!(self.bytes.get(e - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            e -= 1;
        }
        e
    }

    /// The byte after the closing quote of the quoted scalar at `start`.
    fn quoted_end(&self, start: usize, double: bool) -> Option<usize> {
        let quote = if double { b'"' } else { b'\'' };
        if self.bytes.get(start) != Some(&quote) {
            return None;
        }
        let mut p = start + 1;
        while let Some(&b) = self.bytes.get(p) {
            if double && b == b'\\' {
                p += 2;
                continue;
            }
            if b == quote {
                if !double && self.bytes.get(p + 1) == Some(&b'\'') {
                    p += 2;
                    continue;
                }
                return Some(p + 1);
            }
            p += 1;
        }
        None
    }

    /// The first content character of the block scalar whose header is at `header`.
    fn block_content_start(&self, header: usize, end: usize) -> usize {
        let mut p = header;
        // The header line: indicator, modifiers, comment.
        while let Some(b) = self.bytes.get(p) {
            if *b == b'\n' || *b == b'\r' {
                break;
            }
            p += 1;
        }
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(p) {
            p += 1;
        }
        p.min(end)
    }

    fn scan_error(&self, error: &ScanError) -> SyntaxError {
        let at = self.offsets.byte(error.marker().index());
        let info = error.info();
        let kind = if info.contains("unknown anchor") {
            SyntaxErrorKind::UnknownAnchor
        } else if info.contains("recursion limit") {
            SyntaxErrorKind::TooDeep
        } else {
            SyntaxErrorKind::Syntax
        };
        let message = match info {
            // saphyr counts flow nesting in a `u8`.
            "recursion limit exceeded" => {
                "flow collections (`[`, `{`) nest deeper than 255 levels, the most accepted"
                    .to_owned()
            }
            "while parsing node, found unknown anchor" => {
                let end = self.token_end(at);
                let name = self.src.get(at..end).unwrap_or("");
                format!("alias `{name}` refers to an anchor that is not defined before it")
            }
            _ => lower_first(info),
        };
        let end = if kind == SyntaxErrorKind::UnknownAnchor {
            self.token_end(at)
        } else {
            self.char_end(at)
        };
        SyntaxError {
            kind,
            span: span(at, end),
            message,
        }
    }
}

/// saphyr's message in house style: lower-case start, no final period, and the quoted
/// characters (`','`, `` `@' ``) in backticks.
fn lower_first(s: &str) -> String {
    let s = s.trim_end_matches('.');
    let chars: Vec<char> = s.chars().collect();
    let mut styled = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let close = chars.get(i + 2).copied();
        if (c == '\'' || c == '`') && next.is_some() && close == Some('\'') {
            styled.push('`');
            styled.extend(next);
            styled.push('`');
            i += 3;
        } else {
            styled.push(c);
            i += 1;
        }
    }
    let s = styled.replace(": `", " `");
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".to_owned(),
    }
}

/// YAML 1.2 core schema resolution of an untagged plain scalar.
pub(crate) fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_core_number(s) => Value::Number(s.to_owned()),
        _ => Value::String(s.to_owned(), ScalarStyle::Plain),
    }
}

/// The core schema's `int` and `float` forms.
fn is_core_number(s: &str) -> bool {
    let b = s.as_bytes();
    let all = |t: &[u8], f: fn(&u8) -> bool| !t.is_empty() && t.iter().all(f);
    if let Some(rest) = s.strip_prefix("0o") {
        return all(rest.as_bytes(), |c| (b'0'..=b'7').contains(c));
    }
    if let Some(rest) = s.strip_prefix("0x") {
        return all(rest.as_bytes(), u8::is_ascii_hexdigit);
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = match b.first() {
        Some(b'-' | b'+') => b.get(1..).unwrap_or(&[]),
        _ => b,
    };
    if matches!(unsigned, b".inf" | b".Inf" | b".INF") {
        return true;
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while unsigned.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    if unsigned.first() == Some(&b'.') {
        i = 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if unsigned.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if let Some(b'e' | b'E') = unsigned.get(i) {
        i += 1;
        if let Some(b'-' | b'+') = unsigned.get(i) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == unsigned.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindenting_flow_lines_maps_back_to_the_source() {
        let src = "a:\n  k: {\n    \"x\": [1,\n  2]\n  }\nb: 'it''s {'\n";
        let strict = load(src, src, Offsets::new(src), &Limits::default());
        assert!(strict.errors[0].message.starts_with("invalid indentation"));
        let (text, table) = reindent_flow_lines(src).unwrap();
        assert_eq!(
            text,
            "a:\n  k: {\n     \"x\": [1,\n     2]\n     }\nb: 'it''s {'\n"
        );
        assert_eq!(table.len(), text.chars().count() + 1);
        // each original character maps back to itself
        for (i, c) in text.char_indices() {
            let at = table[text[..i].chars().count()] as usize;
            if c != ' ' {
                assert_eq!(src[at..].chars().next(), Some(c));
            }
        }
        assert!(parse_yaml(src, &Limits::default()).errors.is_empty());
        assert!(reindent_flow_lines("a: [1, 2]\nb: {c: d}\n").is_none());
    }

    #[test]
    fn core_schema_numbers() {
        for yes in [
            "0",
            "-1",
            "+12",
            "1.5",
            "1.",
            ".5",
            "1e3",
            "1.2E-3",
            "0x1F",
            "0o17",
            ".inf",
            "-.Inf",
            ".NaN",
            "0123",
            "123456789012",
        ] {
            assert!(is_core_number(yes), "{yes}");
        }
        for no in [
            "",
            "-",
            ".",
            "1e",
            "e3",
            "2012-10-17",
            "1_000",
            "0x",
            "0o8",
            "1.2.3",
            "+.nan",
            "0b101",
            "1e+",
            " 1",
            "١",
        ] {
            assert!(!is_core_number(no), "{no}");
        }
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("NULL"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("FALSE"), Value::Bool(false));
        for s in ["yes", "no", "on", "off", "tRUE", "nULL", "2012-10-17"] {
            assert_eq!(
                resolve_plain(s),
                Value::String(s.to_owned(), ScalarStyle::Plain)
            );
        }
        assert_eq!(resolve_plain("-3.5"), Value::Number("-3.5".to_owned()));
    }
}
