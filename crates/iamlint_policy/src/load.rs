//! Reading files safely and turning their text into a [`PolicyFile`].

use crate::cfn;
use crate::model::*;
use crate::normalize::{infer_kind, normalize_document};
use crate::text::Vars;
use iamlint_syntax::{parse_json, parse_yaml, Limits, Node, SourceKind};
use std::io::Read;
use std::path::Path;

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
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_file_size: 10 * 1024 * 1024,
            vars: Vars::new(),
            forced_kind: None,
        }
    }
}

/// Why a file could not be read. Each has its own message.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file not found")]
    NotFound,
    #[error("permission denied")]
    PermissionDenied,
    #[error("is a directory")]
    IsDirectory,
    #[error("broken symbolic link (its target does not exist)")]
    BrokenSymlink,
    #[error("file is {size} bytes, over the {limit}-byte limit (raise it with `--max-file-size`)")]
    TooLarge { size: u64, limit: u64 },
    #[error("file is not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("file looks binary (it contains a NUL byte at offset {offset})")]
    Binary { offset: usize },
    #[error("{0}")]
    Io(String),
}

/// Read a file as UTF-8 text within the size limit, with a specific error for each way
/// it can fail.
pub fn read_text(path: &Path, max: u64) -> Result<String, ReadError> {
    // Opened first, then asked about through the handle: one path lookup per file.
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            if std::fs::metadata(path).is_err() && std::fs::symlink_metadata(path).is_ok() {
                return Err(ReadError::BrokenSymlink);
            }
            return Err(io_error(&e));
        }
    };
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max,
        });
    }
    let bytes = if meta.is_file() && meta.len() > 0 {
        read_sized(file, meta.len(), max)
    } else {
        // pipes, devices, `/proc` files: no size to trust
        let mut bytes = Vec::new();
        file.take(max + 1).read_to_end(&mut bytes).map(|_| bytes)
    }
    .map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: max,
        });
    }
    bytes_to_text(bytes)
}

/// The bytes of `file`, whose size was `size` when asked. A regular file hands over all
/// of its bytes to one `read` big enough for them, so once `size` bytes have come the
/// file is taken as read, without the extra `read` that `read_to_end` makes to see the
/// end (one system call per file fewer). A file that has grown meanwhile is read on to
/// its end (at most `max + 1` bytes, for the caller's limit check); one that has shrunk
/// ends where its bytes end.
fn read_sized(mut file: std::fs::File, size: u64, max: u64) -> std::io::Result<Vec<u8>> {
    let len = usize::try_from(size).unwrap_or(0);
    // one byte of room past the size: a file that grew shows it in the same `read`
    let mut bytes = vec![0u8; len + 1];
    let mut filled = 0;
    while filled < len {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if filled > len {
        // grew since `metadata`: read on, within the limit
        file.take((max + 1).saturating_sub(filled as u64))
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Validate bytes read from anywhere (a file, standard input).
pub fn bytes_to_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary { offset });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

fn io_error(e: &std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
        _ => ReadError::Io(e.to_string().to_lowercase()),
    }
}

/// Pick the syntax from the file name, then from the content.
pub fn detect_syntax(name: &str, text: &str) -> SourceKind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return SourceKind::Json;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return SourceKind::Yaml;
    }
    match text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next()
    {
        Some('{') | Some('[') => SourceKind::Json,
        _ => SourceKind::Yaml,
    }
}

/// Load text: parse, classify, extract and normalize every policy document.
pub fn load_text(name: &str, text: &str, opts: &LoadOptions) -> PolicyFile {
    let syntax = detect_syntax(name, text);
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        // An empty file holds no policy: skipped in a walk, reported when named.
        return PolicyFile {
            syntax,
            kind: FileKind::NotAPolicy,
            documents: Vec::new(),
            managed_policies: Vec::new(),
            syntax_errors: Vec::new(),
            duplicate_keys: Vec::new(),
            issues: Vec::new(),
            metadata_ignores: Vec::new(),
        };
    }
    let parsed = match syntax {
        SourceKind::Json => parse_json(text, &opts.limits),
        SourceKind::Yaml => parse_yaml(text, &opts.limits),
    };
    let mut file = PolicyFile {
        syntax,
        kind: FileKind::NotAPolicy,
        documents: Vec::new(),
        managed_policies: Vec::new(),
        syntax_errors: parsed.errors,
        duplicate_keys: parsed.duplicate_keys,
        issues: Vec::new(),
        metadata_ignores: Vec::new(),
    };
    if !file.syntax_errors.is_empty() && parsed.documents.is_empty() {
        file.kind = FileKind::Unparsed;
        return file;
    }
    for root in &parsed.documents {
        match classify(root) {
            FileKind::PolicyDocument => {
                file.kind = FileKind::PolicyDocument;
                let (kind, inferred) = match opts.forced_kind {
                    Some(k) => (k, false),
                    None => (infer_kind(root), true),
                };
                let origin = Origin {
                    path: String::new(),
                    resource: None,
                    embedded: false,
                };
                file.documents
                    .push(normalize_document(root, kind, inferred, origin, &opts.vars));
            }
            FileKind::CloudFormation => {
                file.kind = FileKind::CloudFormation;
                let (docs, refs, issues) = cfn::extract(root, text, &opts.vars, &opts.limits);
                file.documents.extend(docs);
                file.managed_policies.extend(refs);
                file.issues.extend(issues);
                file.metadata_ignores.extend(cfn::metadata_ignores(root));
            }
            _ => {}
        }
    }
    if !file.syntax_errors.is_empty() && file.kind == FileKind::NotAPolicy {
        file.kind = FileKind::Unparsed;
    }
    attach_duplicate_keys(&mut file);
    file
}

/// What a parsed tree is.
pub fn classify(root: &Node) -> FileKind {
    let Some(map) = root.as_map() else {
        return FileKind::NotAPolicy;
    };
    if map.iter().any(|e| e.key == "Statement") {
        return FileKind::PolicyDocument;
    }
    if cfn::is_template(root) {
        return FileKind::CloudFormation;
    }
    FileKind::NotAPolicy
}

/// Duplicate keys inside a document become issues of that document.
fn attach_duplicate_keys(file: &mut PolicyFile) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way reading can fail has its own error, read through the opened file.
    #[test]
    fn read_text_errors() {
        let dir = std::env::temp_dir().join(format!("iamlint-read-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("p.json");
        std::fs::write(&file, "{\"Version\": \"2012-10-17\"}").expect("write");
        assert!(matches!(
            read_text(&file, 1 << 20).as_deref(),
            Ok("{\"Version\": \"2012-10-17\"}")
        ));
        assert!(matches!(
            read_text(&file, 4),
            Err(ReadError::TooLarge { size: 25, limit: 4 })
        ));
        assert!(matches!(
            read_text(&dir, 1 << 20),
            Err(ReadError::IsDirectory)
        ));
        assert!(matches!(
            read_text(&dir.join("missing.json"), 1 << 20),
            Err(ReadError::NotFound)
        ));
        let nul = dir.join("nul.json");
        std::fs::write(&nul, b"{\0}").expect("write");
        assert!(matches!(
            read_text(&nul, 1 << 20),
            Err(ReadError::Binary { offset: 1 })
        ));
        let empty = dir.join("empty.json");
        std::fs::write(&empty, b"").expect("write");
        assert!(matches!(read_text(&empty, 1 << 20).as_deref(), Ok("")));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// A size from `metadata` that is stale either way still gives the file's bytes: a
    /// file that grew is read to its end (within the limit), one that shrank ends early.
    #[test]
    fn read_sized_with_a_stale_size() {
        let dir = std::env::temp_dir().join(format!("iamlint-read-sized-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("p.json");
        let text: Vec<u8> = (0..10_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&file, &text).expect("write");
        let open = || std::fs::File::open(&file).expect("open");
        for size in [10_000, 1, 9_999, 20_000] {
            assert_eq!(
                read_sized(open(), size, 1 << 20).expect("read"),
                text,
                "{size}"
            );
        }
        // grown past the limit: at most `max + 1` bytes, for the caller to reject
        assert_eq!(read_sized(open(), 10, 100).expect("read").len(), 101);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
