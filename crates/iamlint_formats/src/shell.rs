//! Shell scripts (`.sh`, `.bash`, an extension-less file starting with a shell `#!`) and
//! the shell blocks of guides: the `aws` commands that set IAM policies. Policies written
//! inline (quoted JSON, with or without `\"` escapes), in a here-document written to a
//! file, or in a `file://` path beside the script are read with spans into the script;
//! `$VAR` and `${VAR}` are unknown values (bindable with `--var`). What cannot be read
//! (a `file://` path that is not there) is an `unchecked-policy` note, never a guess.
//!
//! The commands are grouped by the principal they build (`--role-name`, `--user-name`,
//! `--group-name`): its trust policy, inline policies, attached managed policies and
//! permissions boundary, for the principal analysis. Which commands are read, and what
//! each becomes, is in `aws_commands.rs`.

use crate::aws_commands;
use crate::shell_words::{lex, Command, Script, Word};
use crate::{Format, LoadOptions, Source};
use iamlint_policy::text::{normalize_parts, split_placeholders};
use iamlint_policy::{
    Comment, FileKind, HoleKind, IssueKind, ModelIssue, Part, Parts, PolicyFile, Section, Text,
};
use iamlint_syntax::{SourceKind, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) struct Shell;

impl Format for Shell {
    fn name(&self) -> &'static str {
        "shell"
    }

    fn title(&self) -> &'static str {
        "shell script"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".sh", ".bash"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        let lower = src.lower_name();
        if self.name_suffixes().iter().any(|s| lower.ends_with(s)) {
            return true;
        }
        crate::guide::content_only_name(&lower) && has_shell_shebang(src.text)
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        let mut file = PolicyFile::empty("shell", SourceKind::Json, FileKind::NotAPolicy);
        let mut state = ShellState::new(src, "");
        let mut section = Section {
            span: Span::new(0, to_u32(src.text.len())),
            language: None,
            read_as: Some("shell script"),
            items: Vec::new(),
        };
        state.extract(0, src.text.len(), &mut file, &mut section);
        if holds_something(&file) {
            file.kind = FileKind::Other;
        }
        file.sections.push(section);
        file
    }

    fn comments(&self, text: &str) -> Vec<Comment> {
        comments(text, 0, text.len())
    }
}

/// Whether the text starts with a `#!` line naming a POSIX shell.
pub(crate) fn has_shell_shebang(text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    first.starts_with("#!")
        && [
            "/sh", "/bash", "/zsh", "/dash", "/ksh", "env sh", "env bash", "env zsh",
        ]
        .iter()
        .any(|s| first.contains(s))
}

/// Whether a file's model holds anything a rule can look at.
pub(crate) fn holds_something(file: &PolicyFile) -> bool {
    !file.documents.is_empty()
        || !file.principals.is_empty()
        || !file.managed_policies.is_empty()
        || !file.syntax_errors.is_empty()
        || !file.issues.is_empty()
}

/// The `#` comments of the script in `text[start..end]`. A comment alone on its line
/// covers the next command (all of its continuation lines); one after a command covers
/// that command.
pub(crate) fn comments(text: &str, start: usize, end: usize) -> Vec<Comment> {
    let script = lex(text, start, end);
    let mut out = Vec::new();
    for c in &script.comments {
        let line_start = text[..c.span.start as usize]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let alone = text[line_start..c.span.start as usize].trim().is_empty();
        let covers = if alone {
            // the first command that starts after the comment
            script
                .commands
                .iter()
                .filter(|cmd| !cmd.words.is_empty() && cmd.span.start > c.span.end)
                .map(|cmd| cmd.span)
                .next()
        } else {
            script
                .commands
                .iter()
                .filter(|cmd| !cmd.words.is_empty() && cmd.span.start < c.span.start)
                .map(|cmd| cmd.span)
                .next_back()
        };
        let covers = match covers {
            // a command's findings start anywhere in it, its continuation lines included
            Some(s) => Span::new(s.start, s.end.max(c.span.end)),
            None => Span::new(c.span.end, c.span.end),
        };
        out.push(Comment {
            span: c.span,
            text: c.text.clone(),
            covers,
        });
    }
    out
}

/// What the commands of one file have built so far: principals and documents are in the
/// [`PolicyFile`]; this keeps what later commands refer to.
pub(crate) struct ShellState<'a> {
    pub text: &'a str,
    pub opts: &'a LoadOptions,
    /// The directory `file://` paths are read from (the script's, the guide's).
    pub dir: Option<PathBuf>,
    /// `Block[2].` for a guide's block, empty for a script.
    pub prefix: String,
    /// What the file is, for messages (`script`, `guide`).
    pub noun: &'static str,
    /// `NAME=value` assignments seen, by name.
    pub bindings: HashMap<String, Word>,
    /// Files written by here-documents (`cat > NAME <<EOF`): the body's span and whether
    /// it is taken literally.
    pub written: HashMap<String, (Span, bool)>,
    /// Managed policies created (`create-policy`): name → document index.
    pub created_policies: HashMap<String, usize>,
    /// `aws` commands read so far in the current part.
    pub aws_index: usize,
    /// The file's principals by (kind, id): the first of each, over the first `.0`
    /// principals of the file (caught up on each lookup, so a guide of thousands of
    /// `aws iam` commands does not scan every principal for each).
    pub principal_index: std::cell::RefCell<PrincipalIndex>,
}

/// How many principals of the file are indexed, and the first of each (kind, id).
pub(crate) type PrincipalIndex = (
    usize,
    HashMap<(iamlint_policy::PrincipalKind, String), usize>,
);

impl<'a> ShellState<'a> {
    pub fn new(src: &Source<'a>, prefix: &str) -> ShellState<'a> {
        ShellState {
            text: src.text,
            opts: src.opts,
            dir: base_dir(src.name),
            prefix: prefix.to_string(),
            noun: "script",
            bindings: HashMap::new(),
            written: HashMap::new(),
            created_policies: HashMap::new(),
            aws_index: 0,
            principal_index: std::cell::RefCell::new((0, HashMap::new())),
        }
    }

    /// Read the commands of `text[start..end]` into `file`, listing what was read in
    /// `section`.
    pub fn extract(
        &mut self,
        start: usize,
        end: usize,
        file: &mut PolicyFile,
        section: &mut Section,
    ) {
        let script: Script = lex(self.text, start, end);
        let console = is_console(self.text, start, end);
        for cmd in &script.commands {
            if cmd.words.is_empty() {
                continue;
            }
            if console && !starts_with_prompt(self.text, cmd) {
                continue;
            }
            self.command(cmd, file, section);
        }
    }

    fn command(&mut self, cmd: &Command, file: &mut PolicyFile, section: &mut Section) {
        let mut words: &[Word] = &cmd.words;
        // a prompt (`$ aws ...`), `sudo`, `env`, `time`, `NAME=value` prefixes
        while let Some((first, rest)) = words.split_first() {
            match first.literal() {
                Some("$" | "%" | "sudo" | "env" | "time" | "exec" | "command" | "nohup") => {
                    words = rest;
                }
                _ if first.assignment().is_some() && !rest.is_empty() => words = rest,
                _ => break,
            }
        }
        let Some(first) = words.first() else {
            return;
        };
        if let Some((name, at)) = first.assignment() {
            if words.len() == 1 {
                self.bindings.insert(name.to_string(), first.tail(at));
            }
            return;
        }
        match first.literal() {
            Some(w) if w == "aws" || w.ends_with("/aws") || w == "aws.exe" => {
                let index = self.aws_index;
                self.aws_index += 1;
                aws_commands::read(self, index, cmd, &words[1..], file, section);
            }
            Some("cat" | "tee") => {
                // `cat > FILE <<EOF`, `tee FILE <<EOF`: a file written for later commands
                let target = cmd.writes_to.as_ref().or_else(|| {
                    words
                        .iter()
                        .skip(1)
                        .find(|w| !w.text.starts_with('-'))
                        .filter(|_| first.literal() == Some("tee"))
                });
                if let (Some(t), Some(h)) = (target.and_then(Word::literal), &cmd.heredoc) {
                    self.written.insert(normalize_path(t), (h.span, h.literal));
                }
            }
            _ => {}
        }
    }

    /// The logical path of the `index`th `aws` command.
    pub fn command_path(&self, index: usize) -> String {
        iamlint_policy::path::index(&format!("{}Command", self.prefix), index)
    }

    /// A word as a [`Text`]: its expansions are [`HoleKind::ShellVar`] holes (or their
    /// `--var` values), `<NAME>` placeholders are placeholder holes; the span is the word.
    pub fn word_text(&self, w: &Word, path: String) -> Text {
        let mut parts = Vec::new();
        let mut at = 0;
        for (r, name) in &w.vars {
            if r.start > at {
                split_placeholders(&w.text[at..r.start], &self.opts.vars, &mut parts);
            }
            parts.push(self.var_part(name));
            at = r.end;
        }
        if at < w.text.len() {
            split_placeholders(&w.text[at..], &self.opts.vars, &mut parts);
        }
        normalize_parts(&mut parts);
        Text {
            parts: Parts::from(parts),
            span: w.span,
            path,
        }
    }

    /// A variable's value: bound by `--var`, else assigned a literal earlier in the file
    /// (`ROLE=build`), else unknown.
    fn var_part(&self, name: &str) -> Part {
        if let Some(v) = self.opts.vars.get(name) {
            return Part::Literal(v.clone());
        }
        match self.bindings.get(name).and_then(Word::literal) {
            Some(v) => Part::Literal(v.to_string()),
            None => Part::Hole {
                kind: HoleKind::ShellVar,
                name: name.to_string(),
            },
        }
    }

    /// `$NAME` in a literal part of a document's values: a hole, where the word written
    /// at `w` had that expansion.
    pub fn holes_in_document(&self, doc: &mut iamlint_policy::Document, w: &Word) {
        if w.vars.is_empty() {
            return;
        }
        let vars: Vec<(Span, &str, &str)> = w
            .vars
            .iter()
            .map(|(r, name)| {
                (
                    w.map.map(Span::new(r.start as u32, r.end as u32)),
                    &w.text[r.clone()],
                    name.as_str(),
                )
            })
            .collect();
        doc.for_each_text_mut(&mut |t: &mut Text| {
            let inside: Vec<&(Span, &str, &str)> = vars
                .iter()
                .filter(|(s, ..)| s.start >= t.span.start && s.end <= t.span.end)
                .collect();
            if inside.is_empty() {
                return;
            }
            let mut parts = Vec::new();
            for p in t.parts.iter() {
                let Part::Literal(s) = p else {
                    parts.push(p.clone());
                    continue;
                };
                let mut rest = s.as_str();
                loop {
                    let next = inside
                        .iter()
                        .filter_map(|(_, written, name)| {
                            rest.find(written).map(|i| (i, written.len(), *name))
                        })
                        .min_by_key(|(i, len, _)| (*i, usize::MAX - len));
                    match next {
                        Some((i, len, name)) => {
                            parts.push(Part::Literal(rest[..i].to_string()));
                            parts.push(self.var_part(name));
                            rest = &rest[i + len..];
                        }
                        None => {
                            parts.push(Part::Literal(rest.to_string()));
                            break;
                        }
                    }
                }
            }
            normalize_parts(&mut parts);
            t.parts = Parts::from(parts);
        });
    }

    /// An issue outside any document.
    pub fn issue(
        &self,
        file: &mut PolicyFile,
        kind: IssueKind,
        span: Span,
        path: String,
        message: String,
    ) {
        file.issues.push(ModelIssue {
            kind,
            span,
            path,
            message,
            related: None,
        });
    }

    /// Where a `file://` path is read from: a here-document written earlier, or a file
    /// beside the script. `Err` says where it was looked for.
    pub fn resolve_file(&self, path: &str) -> Result<Resolved, String> {
        if let Some((span, literal)) = self.written.get(&normalize_path(path)) {
            return Ok(Resolved::Written(*span, *literal));
        }
        if !self.opts.read_files {
            return Err("files are not read in this run".to_string());
        }
        // (a guide's paths are relative to where its reader runs the commands: the
        // guide's own directory is the best guess there is)
        let p = Path::new(path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            match &self.dir {
                Some(d) => d.join(p),
                None => return Err("standard input has no directory to read it from".to_string()),
            }
        };
        let shown = full.to_string_lossy().to_string();
        match crate::read_text(&full, self.opts.max_file_size) {
            Ok(text) => Ok(Resolved::Read(shown, text)),
            Err(crate::ReadError::NotFound) => Err(format!("there is no `{shown}`")),
            Err(e) => Err(format!("`{shown}` cannot be read: {e}")),
        }
    }
}

/// Where a `file://` policy comes from.
pub(crate) enum Resolved {
    /// A here-document of the same file (its body, and whether it is literal).
    Written(Span, bool),
    /// A file read from disk: its path as shown and its text.
    Read(String, String),
}

fn normalize_path(p: &str) -> String {
    p.strip_prefix("./").unwrap_or(p).to_string()
}

/// The directory of the file named `name` (`None` for standard input).
pub(crate) fn base_dir(name: &str) -> Option<PathBuf> {
    if name == "-" || name.is_empty() {
        return None;
    }
    Some(Path::new(name).parent().map_or_else(
        || PathBuf::from("."),
        |p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        },
    ))
}

/// A console transcript: some line starts with a `$ ` prompt; only the prompted commands
/// are commands, the rest is their output.
fn is_console(text: &str, start: usize, end: usize) -> bool {
    text[start..end]
        .lines()
        .any(|l| l.trim_start().starts_with("$ "))
}

fn starts_with_prompt(text: &str, cmd: &Command) -> bool {
    let line_start = text[..cmd.span.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[line_start..cmd.span.start as usize].trim().is_empty()
        && cmd.words.first().and_then(Word::literal) == Some("$")
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
