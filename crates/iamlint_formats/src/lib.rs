//! Input formats: one module per place policies live, behind one trait ([`Format`]).
//!
//! This is the first half of the pipeline's `load` step: a file's text goes to the first
//! format of [`FORMATS`] that recognises it ([`Format::detect`]), which extracts every
//! policy document (with byte spans into the file the user wrote and logical paths),
//! the principals the file defines, and its comments (where suppressions are read
//! from). Discovery ([`is_candidate`]), classification ([`load_text`]), `iamlint inspect`,
//! suppression comments and `iamlint tighten` all ask this list.
//!
//! Adding a format is one module here plus fixtures: see CONTRIBUTING.md.

mod aws_commands;
mod cfn_embedded;
mod cfn_fragment;
mod cfn_if;
mod cfn_jinja;
mod cfn_principals;
mod cli_output;
mod cloudformation;
mod comments;
pub mod describe;
mod describe_principals;
mod describe_sections;
mod guide;
mod json_policy;
mod read;
mod shell;
mod shell_words;
mod structured;
mod terraform;
mod terraform_json;
mod yaml_policy;

pub use comments::line_comments;
pub use read::{bytes_to_text, read_text, ReadError};
pub use structured::{detect_syntax, Structured};
pub use terraform::ModuleTable;

use iamlint_policy::{
    Attachment, AttachmentTarget, FileKind, IssueKind, ModelIssue, PolicyFile, PolicyKind, Vars,
};
use iamlint_syntax::Limits;

/// Options for loading.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub limits: Limits,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// `--var NAME=VALUE` bindings for placeholders and CloudFormation references.
    pub vars: Vars,
    /// `--policy-type`: the kind of whole-file policies whose kind cannot be inferred.
    pub forced_kind: Option<PolicyKind>,
    /// Whether a policy a file names by path (`file://trust.json` in an `aws` command)
    /// is read from disk (off where no file may be read, as in the fuzz targets).
    pub read_files: bool,
    /// The Terraform modules the run has read (each directory's `.tf` files once).
    pub modules: ModuleTable,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_file_size: 10 * 1024 * 1024,
            vars: Vars::new(),
            forced_kind: None,
            read_files: true,
            modules: ModuleTable::default(),
        }
    }
}

/// A file's text as the formats see it: its name, its text, the options of the run, and
/// (parsed once, on first use) its JSON or YAML tree.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub opts: &'a LoadOptions,
    structured: std::cell::OnceCell<Structured>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str, opts: &'a LoadOptions) -> Source<'a> {
        Source {
            name,
            text,
            opts,
            structured: std::cell::OnceCell::new(),
        }
    }

    /// The file read as JSON or YAML (by name, then by content), parsed on first use.
    pub fn structured(&self) -> &Structured {
        self.structured
            .get_or_init(|| Structured::parse(self.name, self.text, &self.opts.limits))
    }

    /// The file's name in lower case, for suffix tests.
    pub fn lower_name(&self) -> String {
        self.name.to_ascii_lowercase()
    }
}

/// A place policies live: a file format and what it holds.
pub trait Format: Sync {
    /// A stable name (`json-policy`, `cloudformation`), shown by `iamlint inspect`.
    fn name(&self) -> &'static str;

    /// What `iamlint inspect` calls a file of this format (`CloudFormation template`).
    fn title(&self) -> &'static str;

    /// File-name endings (lower case) a directory walk reads as possibly this format
    /// (`.json`). Whether the file is this format is still decided by [`Format::detect`].
    fn name_suffixes(&self) -> &'static [&'static str];

    /// Whether the file is this format, from its name and content. Formats are asked in
    /// the order of [`FORMATS`]; the first that answers yes reads the file.
    fn detect(&self, src: &Source<'_>) -> bool;

    /// Every policy document, principal and comment of the file.
    fn load(&self, src: &Source<'_>) -> PolicyFile;

    /// The file's comments, for suppressions (`iamlint:ignore[...]`).
    fn comments(&self, _text: &str) -> Vec<iamlint_policy::Comment> {
        Vec::new()
    }
}

/// Every input format, in the order they are asked. Formats decided by name or by a
/// cheap look at the text come before those that need the parsed tree.
pub static FORMATS: &[&dyn Format] = &[
    &terraform::Terraform,
    &guide::Guide,
    &shell::Shell,
    &cfn_jinja::CfnJinja,
    &cloudformation::CloudFormation,
    &cli_output::CliOutput,
    &json_policy::JsonPolicy,
    &terraform_json::TerraformJson,
    &yaml_policy::YamlPolicy,
    &cfn_fragment::CfnFragment,
];

/// The format named `name`.
pub fn format_named(name: &str) -> Option<&'static dyn Format> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// Whether a directory walk reads a file of this name (some format may hold it).
pub fn is_candidate(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    FORMATS
        .iter()
        .flat_map(|f| f.name_suffixes())
        .any(|ext| name.ends_with(ext))
        || guide::content_only_name(&name)
}

/// Whether a file of this name is read for its content alone (`.txt`, no extension): a
/// walk that meets one that is binary or not UTF-8 passes over it.
pub fn is_content_only(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    guide::content_only_name(&name)
}

/// Load text: find its format, extract and normalize every policy document.
pub fn load_text(name: &str, text: &str, opts: &LoadOptions) -> PolicyFile {
    let src = Source::new(name, text, opts);
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        // An empty file holds no policy: skipped in a walk, reported when named.
        let syntax = detect_syntax(name, text);
        return PolicyFile::empty("empty", syntax, FileKind::NotAPolicy);
    }
    for f in FORMATS {
        if f.detect(&src) {
            let mut file = f.load(&src);
            file.comments = f.comments(text);
            mark_boundaries(&mut file);
            return file;
        }
    }
    // No format holds it: a JSON or YAML file that is not a policy, or one that does not
    // parse.
    let s = src.structured();
    let mut file = PolicyFile::empty("unknown", s.syntax, FileKind::NotAPolicy);
    file.syntax_errors = s.parsed.errors.clone();
    file.duplicate_keys = s.parsed.duplicate_keys.clone();
    if !file.syntax_errors.is_empty() {
        file.kind = FileKind::Unparsed;
    }
    file
}

/// A document of the file that principals use only as their permissions boundary (a
/// template's `AWS::IAM::ManagedPolicy` named in `PermissionsBoundary`, the policy of a
/// `put-role-permissions-boundary`) is a boundary, whatever kind its place gave it: it
/// limits what its principals can do and grants nothing. One attached or inline use
/// keeps it an identity policy.
fn mark_boundaries(file: &mut PolicyFile) {
    let mut boundary = vec![false; file.documents.len()];
    let mut granting = vec![false; file.documents.len()];
    for p in &file.principals {
        if let Some(Attachment {
            target: AttachmentTarget::Document(i),
            ..
        }) = &p.boundary
        {
            if let Some(b) = boundary.get_mut(*i) {
                *b = true;
            }
        }
        let attached = p.attached.iter().filter_map(|a| match a.target {
            AttachmentTarget::Document(i) => Some(i),
            AttachmentTarget::Arn(_) => None,
        });
        for i in p.inline.iter().copied().chain(attached) {
            if let Some(g) = granting.get_mut(i) {
                *g = true;
            }
        }
    }
    for (i, doc) in file.documents.iter_mut().enumerate() {
        if boundary[i] && !granting[i] && doc.kind == PolicyKind::Identity {
            doc.kind = PolicyKind::Boundary;
            doc.kind_inferred = false;
        }
    }
}

/// Duplicate keys inside a document become issues of that document.
pub(crate) fn attach_duplicate_keys(file: &mut PolicyFile) {
    for d in &file.duplicate_keys {
        if let Some(doc) = file
            .documents
            .iter_mut()
            .filter(|doc| !doc.origin.embedded)
            .find(|doc| doc.span.start <= d.second.start && d.second.end <= doc.span.end)
        {
            doc.issues.push(ModelIssue {
                kind: IssueKind::DuplicateKey,
                span: d.second,
                path: doc.origin.path.clone(),
                message: format!(
                    "duplicate key `{}`: IAM keeps only one of them, so the other is silently ignored",
                    d.key
                ),
                related: Some(d.first),
            });
        }
    }
}
