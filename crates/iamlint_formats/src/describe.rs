//! A readable view of what the parser understood (`iamlint inspect`), as JSON or text.
//! Snapshot tests of the model use it too.

use iamlint_policy::*;
use iamlint_syntax::{LineIndex, Span};
use serde_json::{json, Map, Value};

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

fn text_json(p: &Pos<'_>, t: &Text) -> Value {
    let mut m = Map::new();
    m.insert("value".into(), json!(t.display()));
    m.insert("at".into(), json!(p.at(t.span)));
    if !t.is_resolved() {
        let holes: Vec<Value> = t
            .holes()
            .map(|(k, n)| {
                let kind = match k {
                    HoleKind::Placeholder => "placeholder".to_string(),
                    HoleKind::TemplateVar => "template-variable".to_string(),
                    HoleKind::CfnRef => "cfn-ref".to_string(),
                    HoleKind::CfnFunction(f) => format!("cfn-{}", f.to_ascii_lowercase()),
                    HoleKind::ShellVar => "shell-variable".to_string(),
                    HoleKind::Terraform => "terraform".to_string(),
                };
                json!({"kind": kind, "name": n})
            })
            .collect();
        m.insert("unresolved".into(), Value::Array(holes));
    }
    Value::Object(m)
}

fn list_json(p: &Pos<'_>, l: &ElementList) -> Value {
    json!({
        "negated": l.negated,
        "at": p.at(l.span),
        "path": l.path,
        "items": l.items.iter().map(|t| text_json(p, t)).collect::<Vec<_>>(),
    })
}

/// The whole file as JSON: documents with kind, logical path, statements with the
/// line:col of each element, and every issue.
pub fn to_json(name: &str, text: &str, file: &PolicyFile) -> Value {
    let p = Pos {
        text,
        index: LineIndex::new(text),
    };
    let issue = |i: &ModelIssue| {
        json!({
            "kind": format!("{:?}", i.kind),
            "at": p.at(i.span),
            "path": i.path,
            "message": i.message,
        })
    };
    let docs: Vec<Value> = file
        .documents
        .iter()
        .map(|d| {
            let statements: Vec<Value> = d
                .statements
                .iter()
                .map(|s| {
                    let mut m = Map::new();
                    m.insert("path".into(), json!(s.path));
                    m.insert("at".into(), json!(p.at(s.span)));
                    if let Some(sid) = &s.sid {
                        m.insert("sid".into(), text_json(&p, sid));
                    }
                    m.insert(
                        "effect".into(),
                        match (&s.effect, &s.effect_text) {
                            (Some(e), _) => json!(format!("{e:?}")),
                            (None, Some(t)) => json!(format!("invalid: {}", t.display())),
                            (None, None) => Value::Null,
                        },
                    );
                    if let Some(a) = &s.action {
                        m.insert(a.key_name("Action"), list_json(&p, a));
                    }
                    if let Some(r) = &s.resource {
                        m.insert(r.key_name("Resource"), list_json(&p, r));
                    }
                    if let Some(pr) = &s.principal {
                        let key = if pr.negated { "NotPrincipal" } else { "Principal" };
                        m.insert(
                            key.into(),
                            json!({
                                "at": p.at(pr.span),
                                "public": pr.is_public(),
                                "values": pr.values.iter().map(|v| json!({
                                    "type": v.principal_type,
                                    "value": text_json(&p, &v.value),
                                })).collect::<Vec<_>>(),
                            }),
                        );
                    }
                    if let Some(c) = &s.condition {
                        let clauses: Vec<Value> = c
                            .entries()
                            .map(|(cl, e)| {
                                json!({
                                    "operator": cl.operator_text.display(),
                                    "qualifier": cl.operator.qualifier.map(|q| format!("{q:?}")),
                                    "base": cl.operator.base,
                                    "if_exists": cl.operator.if_exists,
                                    "known": cl.operator.family.is_some(),
                                    "key": text_json(&p, &e.key),
                                    "values": e.values.iter().map(|v| text_json(&p, v)).collect::<Vec<_>>(),
                                })
                            })
                            .collect();
                        m.insert("Condition".into(), Value::Array(clauses));
                    }
                    Value::Object(m)
                })
                .collect();
            json!({
                "kind": d.kind.as_str(),
                "kind_inferred": d.kind_inferred,
                "path": d.origin.path,
                "resource": d.origin.resource.as_ref().map(|(n, t)| json!({"name": n, "type": t})),
                "embedded": d.origin.embedded,
                "at": p.at(d.span),
                "version": d.version.as_ref().map(|v| text_json(&p, v)),
                "statements": statements,
                "issues": d.issues.iter().map(issue).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "file": name,
        "format": file.format,
        "syntax": format!("{:?}", file.syntax).to_lowercase(),
        "kind": format!("{:?}", file.kind),
        "documents": docs,
        "managed_policies": file.managed_policies.iter().map(|m| json!({
            "resource": m.resource,
            "property": m.property,
            "arn": text_json(&p, &m.arn),
        })).collect::<Vec<_>>(),
        "syntax_errors": file.syntax_errors.iter().map(|e| json!({
            "at": p.at(e.span),
            "message": e.message,
        })).collect::<Vec<_>>(),
        "issues": file.issues.iter().map(issue).collect::<Vec<_>>(),
        "sections": crate::describe_sections::json(text, file),
        "principals": crate::describe_principals::json(text, file),
    })
}

/// A compact text view, one line per element.
pub fn to_text(name: &str, text: &str, file: &PolicyFile) -> String {
    use std::fmt::Write;
    let p = Pos {
        text,
        index: LineIndex::new(text),
    };
    let mut out = String::new();
    let title = match file.kind {
        FileKind::NotAPolicy => "not a policy",
        FileKind::Unparsed => "could not be parsed",
        _ => crate::format_named(file.format).map_or("policies", |f| f.title()),
    };
    if file.format == "guide" {
        // a guide: what each of its code blocks was read as
        let n = file.sections.len();
        let blocks = if n == 1 { "code block" } else { "code blocks" };
        let _ = writeln!(out, "{name}: {title} (guide, {n} {blocks})");
        out.push_str(&crate::describe_sections::text(text, file));
    } else if !file.sections.is_empty() {
        let _ = writeln!(out, "{name}: {title}");
        out.push_str(&crate::describe_sections::text(text, file));
    } else {
        let syntax = format!("{:?}", file.syntax).to_lowercase();
        let _ = writeln!(out, "{name}: {title} ({syntax})");
    }
    for e in &file.syntax_errors {
        let _ = writeln!(out, "  syntax error at {}: {}", p.at(e.span), e.message);
    }
    for d in &file.documents {
        let _ = writeln!(
            out,
            "  document {} [{}{}] at {}",
            if d.origin.path.is_empty() {
                "<file>"
            } else {
                &d.origin.path
            },
            d.kind.as_str(),
            if d.kind_inferred { ", inferred" } else { "" },
            p.at(d.span)
        );
        if let Some(v) = &d.version {
            let _ = writeln!(out, "    Version {} at {}", v.display(), p.at(v.span));
        }
        for s in &d.statements {
            let _ = writeln!(
                out,
                "    {} at {}{}",
                s.path,
                p.at(s.span),
                s.sid_text()
                    .map(|x| format!(" Sid={x}"))
                    .unwrap_or_default()
            );
            let eff = match (&s.effect, &s.effect_text) {
                (Some(e), _) => format!("{e:?}"),
                (None, Some(t)) => format!("invalid `{}`", t.display()),
                (None, None) => "missing".into(),
            };
            let _ = writeln!(out, "      Effect {eff}");
            for (base, l) in [("Action", &s.action), ("Resource", &s.resource)] {
                if let Some(l) = l {
                    for t in &l.items {
                        let _ = writeln!(
                            out,
                            "      {} {} at {}{}",
                            l.key_name(base),
                            t.display(),
                            p.at(t.span),
                            if t.is_resolved() { "" } else { " (unresolved)" }
                        );
                    }
                }
            }
            if let Some(pr) = &s.principal {
                for v in &pr.values {
                    let _ = writeln!(
                        out,
                        "      {} {} {} at {}",
                        if pr.negated {
                            "NotPrincipal"
                        } else {
                            "Principal"
                        },
                        v.principal_type,
                        v.value.display(),
                        p.at(v.value.span)
                    );
                }
            }
            if let Some(c) = &s.condition {
                for (cl, e) in c.entries() {
                    let vals: Vec<String> = e.values.iter().map(Text::display).collect();
                    let _ = writeln!(
                        out,
                        "      Condition {} {} = [{}] at {}",
                        cl.operator_text.display(),
                        e.key.display(),
                        vals.join(", "),
                        p.at(e.key.span)
                    );
                }
            }
        }
        for i in &d.issues {
            let what = if i.kind == IssueKind::Note {
                "note"
            } else {
                "issue"
            };
            let _ = writeln!(out, "    {what} at {}: {}", p.at(i.span), i.message);
        }
    }
    for m in &file.managed_policies {
        let _ = writeln!(
            out,
            "  managed policy {} ({}.{}) at {}",
            m.arn.display(),
            m.resource,
            m.property,
            p.at(m.arn.span)
        );
    }
    for i in &file.issues {
        let _ = writeln!(out, "  issue at {}: {}", p.at(i.span), i.message);
    }
    out.push_str(&crate::describe_principals::text(text, file));
    out
}
