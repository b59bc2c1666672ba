//! The principals of a file as `iamlint inspect` shows them (text and JSON).

use iamlint_policy::{Attachment, AttachmentTarget, PolicyFile, PolicyRelation, PrincipalDef};
use iamlint_syntax::{LineIndex, Span};
use serde_json::{json, Value};

struct Pos<'a> {
    text: &'a str,
    index: LineIndex,
}

impl Pos<'_> {
    fn at(&self, span: Span) -> String {
        let s = self.index.line_col(self.text, span.start);
        format!("{}:{}", s.line, s.column)
    }
}

fn document_path(file: &PolicyFile, i: usize) -> String {
    match file.documents.get(i) {
        Some(d) if d.origin.path.is_empty() => "<file>".to_string(),
        Some(d) => d.origin.path.clone(),
        None => format!("<document {i}>"),
    }
}

fn target(file: &PolicyFile, a: &Attachment) -> (&'static str, String) {
    match &a.target {
        AttachmentTarget::Arn(t) => ("arn", t.display()),
        AttachmentTarget::Document(i) => ("document", document_path(file, *i)),
    }
}

/// One line per element of each principal.
pub(crate) fn text(src: &str, file: &PolicyFile) -> String {
    use std::fmt::Write;
    let p = Pos {
        text: src,
        index: LineIndex::new(src),
    };
    let mut out = String::new();
    for pr in &file.principals {
        let name = match &pr.name {
            Some(n) => format!(" named {}", n.display()),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {} {}{name} at {}",
            pr.kind.as_str(),
            pr.id,
            p.at(pr.span)
        );
        if let Some(t) = pr.trust {
            let _ = writeln!(out, "    trust {}", document_path(file, t));
        }
        for &i in &pr.inline {
            let _ = writeln!(out, "    inline {}", document_path(file, i));
        }
        for a in &pr.attached {
            let (kind, what) = target(file, a);
            let _ = writeln!(out, "    attached {kind} {what} at {}", p.at(a.span));
        }
        if let Some(a) = &pr.boundary {
            let (kind, what) = target(file, a);
            let _ = writeln!(out, "    boundary {kind} {what} at {}", p.at(a.span));
        }
        for g in &pr.groups {
            let _ = writeln!(out, "    member of group {g}");
        }
        for ip in &pr.instance_profiles {
            let _ = writeln!(out, "    in instance profile {ip}");
        }
        for o in &pr.outside {
            let place = match &o.document {
                Some((f, path)) => format!("{path} in {f}"),
                None => format!("not known (`{}`)", o.expression),
            };
            let _ = writeln!(out, "    {} elsewhere: {place}", relation(o.relation));
        }
    }
    out
}

fn attachment_json(p: &Pos<'_>, file: &PolicyFile, a: &Attachment) -> Value {
    let (kind, what) = target(file, a);
    json!({"kind": kind, "target": what, "at": p.at(a.span), "path": a.path})
}

/// The principals as JSON values.
pub(crate) fn json(src: &str, file: &PolicyFile) -> Value {
    let p = Pos {
        text: src,
        index: LineIndex::new(src),
    };
    let one = |pr: &PrincipalDef| {
        json!({
            "kind": pr.kind.as_str(),
            "id": pr.id,
            "name": pr.name.as_ref().map(|n| n.display()),
            "at": p.at(pr.span),
            "path": pr.path,
            "trust": pr.trust.map(|t| document_path(file, t)),
            "inline": pr.inline.iter().map(|&i| document_path(file, i)).collect::<Vec<_>>(),
            "attached": pr.attached.iter().map(|a| attachment_json(&p, file, a)).collect::<Vec<_>>(),
            "boundary": pr.boundary.as_ref().map(|a| attachment_json(&p, file, a)),
            "groups": pr.groups,
            "instance_profiles": pr.instance_profiles,
            "outside": pr.outside.iter().map(|o| json!({
                "relation": relation(o.relation),
                "file": o.document.as_ref().map(|d| &d.0),
                "path": o.document.as_ref().map(|d| &d.1),
                "expression": o.expression,
                "at": p.at(o.span),
            })).collect::<Vec<_>>(),
        })
    };
    Value::Array(file.principals.iter().map(one).collect())
}

fn relation(r: PolicyRelation) -> &'static str {
    match r {
        PolicyRelation::Trust => "trust",
        PolicyRelation::Inline => "inline",
        PolicyRelation::Attached => "attached",
        PolicyRelation::Boundary => "boundary",
    }
}
