//! JSON and YAML files: parsed once per file, shared by the formats that read trees
//! (policy documents, CloudFormation templates), and the loading of their documents.

use crate::{attach_duplicate_keys, cloudformation, LoadOptions};
use iamlint_policy::normalize::{infer_kind, normalize_document};
use iamlint_policy::{FileKind, Origin, PolicyFile};
use iamlint_syntax::{parse_json, parse_yaml, Limits, Node, Parsed, SourceKind};

/// A file read as JSON or YAML.
pub struct Structured {
    pub syntax: SourceKind,
    pub parsed: Parsed,
}

impl Structured {
    pub(crate) fn parse(name: &str, text: &str, limits: &Limits) -> Structured {
        let syntax = detect_syntax(name, text);
        let parsed = match syntax {
            SourceKind::Json => parse_json(text, limits),
            SourceKind::Yaml => parse_yaml(text, limits),
        };
        Structured { syntax, parsed }
    }

    /// Whether some document of the file is what `is` accepts.
    pub fn any_root(&self, is: impl Fn(&Node) -> bool) -> bool {
        self.parsed.documents.iter().any(is)
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

/// Whether a tree is a policy document (a mapping with a `Statement`).
pub(crate) fn is_policy_document(root: &Node) -> bool {
    root.as_map()
        .is_some_and(|m| m.iter().any(|e| e.key == "Statement"))
}

/// Every document of a JSON or YAML file: whole-file policies and the policies of
/// CloudFormation templates (a YAML file may hold several of each, `---` apart).
pub(crate) fn load(s: &Structured, text: &str, opts: &LoadOptions) -> PolicyFile {
    let mut file = PolicyFile::empty("unknown", s.syntax, FileKind::NotAPolicy);
    file.syntax_errors = s.parsed.errors.clone();
    file.duplicate_keys = s.parsed.duplicate_keys.clone();
    for root in &s.parsed.documents {
        if is_policy_document(root) {
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
        } else if cloudformation::is_template(root) {
            file.kind = FileKind::CloudFormation;
            cloudformation::extract(root, text, opts, &mut file);
        }
    }
    if !file.syntax_errors.is_empty() && file.kind == FileKind::NotAPolicy {
        file.kind = FileKind::Unparsed;
    }
    file.format = match (file.kind, s.syntax) {
        (FileKind::CloudFormation, _) => "cloudformation",
        (_, SourceKind::Json) => "json-policy",
        (_, SourceKind::Yaml) => "yaml-policy",
    };
    attach_duplicate_keys(&mut file);
    file
}
