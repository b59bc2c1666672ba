//! HCL expressions → the JSON-shaped node tree the policy model reads, with every span in
//! the `.tf` file: `jsonencode({...})` objects, heredocs and quoted strings holding JSON,
//! `file()` / `templatefile()` of a file beside the module. Expressions Terraform computes
//! (`var.x`, `aws_s3_bucket.b.arn`, `each.value`, function calls) become markers
//! ([`Holes`]), later Terraform holes; a variable's literal default in the same module,
//! or a literal local, binds it, and a note says so.

use super::module::{literal, source, span_of, Module, TfFile};
use super::text::{Decoded, Holes};
use crate::LoadOptions;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Element, Template};
use iamlint_policy::{IssueKind, ModelIssue};
use iamlint_syntax::{Entry, Node, ScalarStyle, Span, Value};

/// Deepest nesting of locals and function calls followed.
const MAX_DEPTH: usize = 24;

/// What a policy attribute holds.
pub(crate) enum PolicyValue {
    /// A document written in this file (`jsonencode({...})`, a heredoc, a string).
    Node(Node),
    /// The document of a `data "aws_iam_policy_document"` (its `.json`), or the policy of
    /// an `aws_iam_policy` (its `.policy`): a document of its own.
    Reference,
    /// Not known statically (`var.policy`).
    Unknown,
    /// Written here but not a policy (a string that does not parse as JSON).
    Invalid(ModelIssue),
}

/// Converts expressions of the checked file.
pub(crate) struct Conv<'a, 'm> {
    pub module: &'m Module<'a>,
    pub opts: &'a LoadOptions,
    /// The checked file's name, for `file()` paths.
    pub name: &'a str,
    pub holes: Holes,
    /// Notes on how values were bound; drained into the document being built.
    pub notes: Vec<ModelIssue>,
    depth: usize,
}

impl<'a, 'm> Conv<'a, 'm> {
    pub(crate) fn new(module: &'m Module<'a>, opts: &'a LoadOptions, name: &'a str) -> Self {
        Conv {
            module,
            opts,
            name,
            holes: Holes::default(),
            notes: Vec::new(),
            depth: 0,
        }
    }

    fn text(&self) -> &'a str {
        self.module.text
    }

    /// The expression as written, on one line and at most 120 characters.
    pub(crate) fn expr_text(&self, e: &Expression) -> String {
        let raw = source(self.text(), e);
        let mut s: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            s = "?".into();
        }
        if s.chars().count() > 120 {
            s = s.chars().take(117).collect::<String>() + "...";
        }
        s
    }

    fn string_node(s: String, span: Span) -> Node {
        Node {
            span,
            tag: None,
            value: Value::String(s, ScalarStyle::Quoted),
        }
    }

    /// A value Terraform computes: its binding (a `--var`, a variable's literal default, a
    /// literal local) or a marker.
    fn computed(&mut self, e: &Expression) -> String {
        let name = self.expr_text(e);
        if let Some(v) = self.bound(e, &name) {
            return v;
        }
        self.holes.marker(&name)
    }

    /// The literal a reference is bound to, with a note when it comes from the module.
    fn bound(&mut self, e: &Expression, name: &str) -> Option<String> {
        if let Some(v) = self.opts.vars.get(name) {
            return Some(v.clone());
        }
        let (root, attr) = root_attr(e)?;
        let (value, file, what) = match root {
            "var" => {
                let (v, f) = self.module.variable_default(attr)?;
                (v, f, "the default of variable")
            }
            "local" => {
                let (x, f) = self.module.local(attr)?;
                (literal(x)?, f, "the value of local")
            }
            _ => return None,
        };
        let place = match file {
            Some(f) => format!(" in `{}`", f.name),
            None => String::new(),
        };
        self.notes.push(ModelIssue {
            kind: IssueKind::Note,
            span: span_of(e),
            path: String::new(),
            message: format!("`{name}` is bound to `{value}`, {what} `{attr}`{place}"),
            related: None,
        });
        Some(value)
    }

    /// A local of the checked file whose expression is not a literal (an object, a list).
    fn local_expr(&self, e: &Expression) -> Option<&'m Expression> {
        let ("local", attr) = root_attr(e)? else {
            return None;
        };
        match self.module.local(attr)? {
            (x, None) if literal(x).is_none() => Some(x),
            _ => None,
        }
    }

    /// An HCL expression as a JSON-shaped node.
    pub(crate) fn node(&mut self, e: &Expression) -> Node {
        let span = span_of(e);
        if self.depth > MAX_DEPTH {
            let m = self.holes.marker(&self.expr_text(e));
            return Self::string_node(m, span);
        }
        let value = match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().to_string()),
            Expression::String(s) => Value::String(s.value().clone(), ScalarStyle::Quoted),
            Expression::StringTemplate(t) => {
                let s = self.template_string(t.iter());
                Value::String(s, ScalarStyle::Quoted)
            }
            Expression::HeredocTemplate(h) => {
                let s = self.template_string(h.template.iter());
                Value::String(s, ScalarStyle::Block)
            }
            Expression::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for x in a.iter() {
                    self.push_items(x, &mut items);
                }
                Value::Seq(items)
            }
            Expression::Object(o) => {
                let mut entries = Vec::with_capacity(o.len());
                for (k, v) in o.iter() {
                    let (key, key_span) = self.key(k);
                    self.depth += 1;
                    let value = self.node(v.expr());
                    self.depth -= 1;
                    entries.push(Entry {
                        key,
                        key_span,
                        value,
                    });
                }
                Value::Map(entries)
            }
            Expression::Parenthesis(p) => return self.node(p.inner()),
            // a list built by a `for`: its item once, the iteration variables unknown
            Expression::ForExpr(f) if f.key_expr.is_none() => {
                self.depth += 1;
                let item = self.node(&f.value_expr);
                self.depth -= 1;
                Value::Seq(vec![item])
            }
            Expression::FuncCall(f) => match f.name.name.as_str() {
                "concat" | "flatten" | "tolist" | "toset" | "distinct" | "compact" => {
                    let mut items = Vec::new();
                    for a in f.args.iter() {
                        self.push_items(a, &mut items);
                    }
                    Value::Seq(items)
                }
                "merge" if f.args.iter().all(|a| matches!(a, Expression::Object(_))) => {
                    let mut entries = Vec::new();
                    for a in f.args.iter() {
                        self.depth += 1;
                        if let Value::Map(es) = self.node(a).value {
                            entries.extend(es);
                        }
                        self.depth -= 1;
                    }
                    Value::Map(entries)
                }
                _ => Value::String(self.computed(e), ScalarStyle::Quoted),
            },
            _ => {
                if let Some(x) = self.local_expr(e) {
                    // a local of this file: its spans are in this file too
                    self.depth += 1;
                    let n = self.node(x);
                    self.depth -= 1;
                    return n;
                }
                Value::String(self.computed(e), ScalarStyle::Quoted)
            }
        };
        Node {
            span,
            tag: None,
            value,
        }
    }

    /// The items an expression contributes to a list: an array's items, a `for`
    /// expression's body (once, its iteration variables unknown), or itself.
    fn push_items(&mut self, e: &Expression, out: &mut Vec<Node>) {
        self.depth += 1;
        match e {
            Expression::Array(a) => {
                for x in a.iter() {
                    self.push_items(x, out);
                }
            }
            Expression::ForExpr(f) if f.key_expr.is_none() => {
                out.push(self.node(&f.value_expr));
            }
            Expression::FuncCall(f)
                if matches!(
                    f.name.name.as_str(),
                    "concat" | "flatten" | "tolist" | "toset" | "distinct" | "compact"
                ) =>
            {
                for a in f.args.iter() {
                    self.push_items(a, out);
                }
            }
            _ => out.push(self.node(e)),
        }
        self.depth -= 1;
    }

    /// An object key: its text (a marker when computed) and span.
    fn key(&mut self, k: &ObjectKey) -> (String, Span) {
        match k {
            ObjectKey::Ident(i) => (i.as_str().to_string(), span_of(i)),
            ObjectKey::Expression(e) => {
                let span = span_of(e);
                match e {
                    Expression::String(s) => (s.value().clone(), span),
                    Expression::StringTemplate(t) => (self.template_string(t.iter()), span),
                    Expression::Parenthesis(p) => match p.inner() {
                        Expression::String(s) => (s.value().clone(), span),
                        inner => (self.computed(inner), span),
                    },
                    // a bare word is the key's name, as in `{ AWS = ... }`
                    Expression::Variable(v) => (v.as_str().to_string(), span),
                    other => (self.computed(other), span),
                }
            }
        }
    }

    /// A template's value: literals as they are, interpolations and directives as markers.
    fn template_string<'e>(&mut self, elements: impl Iterator<Item = &'e Element>) -> String {
        let mut s = String::new();
        for el in elements {
            match el {
                Element::Literal(l) => s.push_str(l.value()),
                Element::Interpolation(i) => {
                    let v = self.computed(&i.expr);
                    s.push_str(&v);
                }
                Element::Directive(d) => {
                    let raw = d
                        .span()
                        .and_then(|r| self.text().get(r))
                        .unwrap_or("%{...}");
                    let name: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                    s.push_str(&self.holes.marker(&name));
                }
            }
        }
        s
    }

    /// What a policy attribute (`policy`, `assume_role_policy`, ...) holds.
    pub(crate) fn policy_value(&mut self, e: &Expression) -> PolicyValue {
        if self.depth > MAX_DEPTH {
            return PolicyValue::Unknown;
        }
        match e {
            Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" => {
                match f.args.iter().next() {
                    Some(arg) => {
                        if let Some(x) = self.local_expr(arg) {
                            self.depth += 1;
                            let n = self.node(x);
                            self.depth -= 1;
                            return PolicyValue::Node(n);
                        }
                        match arg {
                            Expression::Object(_) => PolicyValue::Node(self.node(arg)),
                            _ => PolicyValue::Unknown,
                        }
                    }
                    None => PolicyValue::Unknown,
                }
            }
            Expression::FuncCall(f) if matches!(f.name.name.as_str(), "file" | "templatefile") => {
                self.file_call(e, f)
            }
            Expression::HeredocTemplate(h) => {
                let mut d = Decoded::default();
                self.decode_template(&h.template, false, &mut d);
                self.embedded_json(d, span_of(e))
            }
            Expression::String(_) | Expression::StringTemplate(_) => {
                let mut d = Decoded::default();
                match e {
                    Expression::StringTemplate(t) => {
                        for el in t.iter() {
                            self.decode_element(el, true, &mut d);
                        }
                    }
                    _ => {
                        if let Some(r) = e.span() {
                            let inner = r.start + 1..r.end.saturating_sub(1);
                            let raw = self.text().get(inner).unwrap_or("");
                            d.template_literal(raw, r.start + 1, true);
                        }
                    }
                }
                if !d.text.trim_start().starts_with('{') {
                    return PolicyValue::Unknown;
                }
                self.embedded_json(d, span_of(e))
            }
            Expression::Parenthesis(p) => self.policy_value(p.inner()),
            Expression::Traversal(t) => {
                if let Some(name) = data_document(t) {
                    let _ = name;
                    return PolicyValue::Reference;
                }
                if let Some(name) = resource_attr(t, "aws_iam_policy", &["policy"]) {
                    let _ = name;
                    return PolicyValue::Reference;
                }
                if let Some(x) = self.local_expr(e) {
                    self.depth += 1;
                    let v = self.policy_value(x);
                    self.depth -= 1;
                    return v;
                }
                PolicyValue::Unknown
            }
            _ => PolicyValue::Unknown,
        }
    }

    fn decode_template(&mut self, t: &Template, escapes: bool, d: &mut Decoded) {
        for el in t.iter() {
            self.decode_element(el, escapes, d);
        }
    }

    fn decode_element(&mut self, el: &Element, escapes: bool, d: &mut Decoded) {
        let text = self.text();
        match el {
            Element::Literal(l) => {
                if let Some(r) = l.span() {
                    d.template_literal(text.get(r.clone()).unwrap_or(""), r.start, escapes);
                }
            }
            Element::Interpolation(i) => {
                let r = i.span().unwrap_or(0..0);
                let name = self.expr_text(&i.expr);
                let value = match self.bound(&i.expr, &name) {
                    Some(v) => {
                        let quoted = json_string(&v);
                        if d.in_json_string() {
                            unquote(&quoted).to_string()
                        } else {
                            quoted
                        }
                    }
                    None => {
                        let m = self.holes.marker(&name);
                        if d.in_json_string() {
                            m
                        } else {
                            format!("\"{m}\"")
                        }
                    }
                };
                d.marker(&value, r.start, r.end);
            }
            Element::Directive(dir) => {
                let r = dir.span().unwrap_or(0..0);
                let raw = text.get(r.clone()).unwrap_or("%{...}");
                let name: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                let m = self.holes.marker(&name);
                let m = if d.in_json_string() {
                    m
                } else {
                    format!("\"{m}\"")
                };
                d.marker(&m, r.start, r.end);
            }
        }
    }

    /// Parse decoded JSON text and point its spans back at the `.tf` file.
    fn embedded_json(&mut self, d: Decoded, whole: Span) -> PolicyValue {
        let parsed = iamlint_syntax::parse_json(&d.text, &self.opts.limits);
        if let Some(err) = parsed.errors.first() {
            let message = self.holes.display(&err.message);
            return PolicyValue::Invalid(ModelIssue {
                kind: IssueKind::NotADocument,
                span: d.span(err.span),
                path: String::new(),
                message: format!("this policy does not parse as JSON: {message}"),
                related: Some(whole),
            });
        }
        match parsed.documents.into_iter().next() {
            Some(mut n) => {
                d.remap(&mut n);
                PolicyValue::Node(n)
            }
            None => PolicyValue::Unknown,
        }
    }

    /// `file("…")` / `templatefile("…", {…})` of a file beside the module: its JSON, every
    /// span pointing at the call.
    fn file_call(&mut self, e: &Expression, f: &hcl_edit::expr::FuncCall) -> PolicyValue {
        let whole = span_of(e);
        let Some(rel) = f.args.iter().next().and_then(|a| self.path_arg(a)) else {
            return PolicyValue::Unknown;
        };
        let dir = std::path::Path::new(self.name)
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let path = dir.join(&rel);
        let Ok(text) = crate::read_text(&path, self.opts.max_file_size) else {
            return PolicyValue::Unknown;
        };
        let templated = f.name.name.as_str() == "templatefile";
        let mut d = Decoded::default();
        if templated {
            // `${name}` are the template's variables: the call's map binds the literal ones
            // a template variable bound to an expression is that expression
            let bindings: Vec<(String, Result<String, String>)> = match f.args.iter().nth(1) {
                Some(Expression::Object(o)) => o
                    .iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(x) => literal(x).unwrap_or_default(),
                        };
                        let value = match literal(v.expr()) {
                            Some(l) => Ok(l),
                            None => Err(self.expr_text(v.expr())),
                        };
                        (key, value)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            match hcl_edit::parser::parse_template(&text) {
                Ok(t) => {
                    for el in t.iter() {
                        match el {
                            Element::Literal(l) => {
                                let r = l.span().unwrap_or(0..0);
                                let mut sub = Decoded::default();
                                sub.template_literal(text.get(r).unwrap_or(""), 0, false);
                                d.marker(&sub.text, whole.start as usize, whole.end as usize);
                            }
                            Element::Interpolation(i) => {
                                let r = i.expr.span().unwrap_or(0..0);
                                let name = text.get(r).unwrap_or("?").trim().to_string();
                                let bound = bindings.iter().find(|(k, _)| *k == name);
                                let (bound, name) = match bound {
                                    Some((_, Ok(v))) => (Some(v.clone()), name),
                                    Some((_, Err(x))) => (None, x.clone()),
                                    None => (None, name),
                                };
                                let inside = d.in_json_string();
                                let v = match bound {
                                    Some(v) => {
                                        let q = json_string(&v);
                                        if inside {
                                            unquote(&q).to_string()
                                        } else {
                                            q
                                        }
                                    }
                                    None => {
                                        let m = self.holes.marker(&name);
                                        if inside {
                                            m
                                        } else {
                                            format!("\"{m}\"")
                                        }
                                    }
                                };
                                d.marker(&v, whole.start as usize, whole.end as usize);
                            }
                            Element::Directive(_) => {
                                let m = self.holes.marker("%{...}");
                                d.marker(&m, whole.start as usize, whole.end as usize);
                            }
                        }
                    }
                }
                Err(_) => d.marker(&text, whole.start as usize, whole.end as usize),
            }
        } else {
            d.marker(&text, whole.start as usize, whole.end as usize);
        }
        match self.embedded_json(d, whole) {
            PolicyValue::Invalid(mut i) => {
                i.message = format!("`{}`: {}", rel, i.message);
                PolicyValue::Invalid(i)
            }
            v => v,
        }
    }

    /// A file path argument: a literal, or `"${path.module}/…"`.
    fn path_arg(&self, a: &Expression) -> Option<String> {
        match a {
            Expression::String(s) => Some(s.value().clone()),
            Expression::StringTemplate(t) => {
                let mut out = String::new();
                for el in t.iter() {
                    match el {
                        Element::Literal(l) => out.push_str(l.value()),
                        Element::Interpolation(i)
                            if source(self.text(), &i.expr).trim() == "path.module" =>
                        {
                            out.push('.');
                        }
                        _ => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }
}

use hcl_edit::Span as _;

/// `s` as a JSON string, quotes included.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// A JSON string's text without its quotes.
fn unquote(q: &str) -> &str {
    q.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(q)
}

/// `root.attr` of a traversal (`var.x`, `local.y`), ignoring what follows.
pub(crate) fn root_attr(e: &Expression) -> Option<(&str, &str)> {
    let Expression::Traversal(t) = e else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    match t.operators.first().map(|o| o.value()) {
        Some(TraversalOperator::GetAttr(a)) => Some((root.as_str(), a.as_str())),
        _ => None,
    }
}

/// The parts of a traversal: `aws_iam_role.this[0].name` → `["aws_iam_role", "this",
/// "[]", "name"]` (an index or splat is `[]`).
pub(crate) fn traversal_words(t: &hcl_edit::expr::Traversal) -> Option<Vec<&str>> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut out = vec![root.as_str()];
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(a) => out.push(a.as_str()),
            _ => out.push("[]"),
        }
    }
    Some(out)
}

/// `data.aws_iam_policy_document.NAME.json` (also indexed, and `.minified_json`) → NAME.
pub(crate) fn data_document(t: &hcl_edit::expr::Traversal) -> Option<String> {
    let w = traversal_words(t)?;
    let w: Vec<&str> = w.into_iter().filter(|x| *x != "[]").collect();
    match w.as_slice() {
        ["data", "aws_iam_policy_document", name, "json" | "minified_json"] => {
            Some((*name).to_string())
        }
        _ => None,
    }
}

/// `TYPE.NAME.ATTR` (also indexed) with ATTR one of `attrs` → NAME.
pub(crate) fn resource_attr(
    t: &hcl_edit::expr::Traversal,
    ty: &str,
    attrs: &[&str],
) -> Option<String> {
    let w = traversal_words(t)?;
    let w: Vec<&str> = w.into_iter().filter(|x| *x != "[]").collect();
    match w.as_slice() {
        [t0, name, attr] if *t0 == ty && attrs.contains(attr) => Some((*name).to_string()),
        _ => None,
    }
}

/// A sibling's name, for notes.
#[allow(dead_code)]
pub(crate) fn file_name(f: Option<&TfFile>) -> Option<&str> {
    f.map(|f| f.name.as_str())
}
