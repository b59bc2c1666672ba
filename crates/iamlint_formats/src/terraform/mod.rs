//! Terraform configuration (`.tf`, HCL): every IAM policy a module writes, with spans into
//! the `.tf` file, and the roles, users and groups it defines with their policies.
//!
//! Policies are read from `jsonencode({...})`, heredocs and strings holding JSON,
//! `file()` / `templatefile()` of a file beside the module, and
//! `data "aws_iam_policy_document"` blocks (merged with their source and override
//! documents), wherever a resource takes a policy ([`POLICY_ATTRIBUTES`]); an
//! `aws_lambda_permission` is read as the resource-policy statement AWS makes of it. A
//! policy document data source's kind is that of the resource that uses it. References
//! to blocks of the module's other `.tf` files are followed; a file is parsed with
//! [`hcl_edit`], which keeps the byte range of every expression.

mod comments;
mod convert;
mod document;
mod module;
mod principals;

pub use module::ModuleTable;
pub(crate) mod text;

use crate::{Format, Source};
use convert::{data_document, Conv, PolicyValue};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use iamlint_policy::normalize::{infer_kind, normalize_document};
use iamlint_policy::*;
use iamlint_syntax::{Node, SourceKind, Span, SyntaxError, SyntaxErrorKind};
use module::{span_of, Module};

pub(crate) struct Terraform;

impl Format for Terraform {
    fn name(&self) -> &'static str {
        "terraform"
    }

    fn title(&self) -> &'static str {
        "Terraform configuration"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".tf"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        src.lower_name().ends_with(".tf")
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        load(src)
    }

    fn comments(&self, text: &str) -> Vec<Comment> {
        comments::comments(text)
    }
}

/// Where resources take policies: (resource type, attribute, kind).
/// `aws_organizations_policy` is a service control policy or a resource control policy
/// by its `type`; `aws_iam_role`'s `inline_policy` blocks are read as well.
pub(crate) const POLICY_ATTRIBUTES: &[(&str, &str, PolicyKind)] = &[
    ("aws_iam_policy", "policy", PolicyKind::Identity),
    ("aws_iam_role", "assume_role_policy", PolicyKind::Trust),
    ("aws_iam_role_policy", "policy", PolicyKind::Identity),
    ("aws_iam_user_policy", "policy", PolicyKind::Identity),
    ("aws_iam_group_policy", "policy", PolicyKind::Identity),
    (
        "aws_ssoadmin_permission_set_inline_policy",
        "inline_policy",
        PolicyKind::Identity,
    ),
    ("aws_organizations_policy", "content", PolicyKind::Scp),
    ("aws_s3_bucket_policy", "policy", PolicyKind::Resource),
    ("aws_s3_bucket", "policy", PolicyKind::Resource),
    (
        "aws_s3control_bucket_policy",
        "policy",
        PolicyKind::Resource,
    ),
    ("aws_s3_access_point", "policy", PolicyKind::Resource),
    ("aws_sqs_queue_policy", "policy", PolicyKind::Resource),
    ("aws_sqs_queue", "policy", PolicyKind::Resource),
    ("aws_sns_topic_policy", "policy", PolicyKind::Resource),
    ("aws_sns_topic", "policy", PolicyKind::Resource),
    ("aws_kms_key", "policy", PolicyKind::Resource),
    ("aws_kms_replica_key", "policy", PolicyKind::Resource),
    ("aws_ecr_repository_policy", "policy", PolicyKind::Resource),
    ("aws_ecr_registry_policy", "policy", PolicyKind::Resource),
    (
        "aws_ecrpublic_repository_policy",
        "policy",
        PolicyKind::Resource,
    ),
    (
        "aws_secretsmanager_secret_policy",
        "policy",
        PolicyKind::Resource,
    ),
    ("aws_secretsmanager_secret", "policy", PolicyKind::Resource),
    (
        "aws_cloudwatch_log_resource_policy",
        "policy_document",
        PolicyKind::Resource,
    ),
    (
        "aws_cloudwatch_log_destination_policy",
        "access_policy",
        PolicyKind::Resource,
    ),
    (
        "aws_cloudwatch_event_bus_policy",
        "policy",
        PolicyKind::Resource,
    ),
    (
        "aws_opensearch_domain_policy",
        "access_policies",
        PolicyKind::Resource,
    ),
    (
        "aws_opensearch_domain",
        "access_policies",
        PolicyKind::Resource,
    ),
    (
        "aws_elasticsearch_domain_policy",
        "access_policies",
        PolicyKind::Resource,
    ),
    (
        "aws_elasticsearch_domain",
        "access_policies",
        PolicyKind::Resource,
    ),
    ("aws_efs_file_system_policy", "policy", PolicyKind::Resource),
    ("aws_backup_vault_policy", "policy", PolicyKind::Resource),
    ("aws_glacier_vault", "access_policy", PolicyKind::Resource),
    (
        "aws_api_gateway_rest_api_policy",
        "policy",
        PolicyKind::Resource,
    ),
    ("aws_api_gateway_rest_api", "policy", PolicyKind::Resource),
    (
        "aws_codeartifact_domain_permissions_policy",
        "policy_document",
        PolicyKind::Resource,
    ),
    (
        "aws_codeartifact_repository_permissions_policy",
        "policy_document",
        PolicyKind::Resource,
    ),
    (
        "aws_dynamodb_resource_policy",
        "policy",
        PolicyKind::Resource,
    ),
    (
        "aws_kinesis_resource_policy",
        "policy",
        PolicyKind::Resource,
    ),
    ("aws_vpc_endpoint", "policy", PolicyKind::Resource),
    ("aws_vpc_endpoint_policy", "policy", PolicyKind::Resource),
];

/// The kind of the policy at `attr` of a resource block, if it takes one there.
pub(crate) fn slot_kind(block: &Block, attr: &str) -> Option<PolicyKind> {
    let ty = block.labels.first()?.as_str();
    let org_type = block
        .body
        .get_attribute("type")
        .and_then(|a| module::literal(&a.value));
    slot_kind_of(ty, attr, org_type.as_deref())
}

/// The kind of the policy at `attr` of a resource of type `ty` (`org_type`: an
/// `aws_organizations_policy`'s `type`).
pub(crate) fn slot_kind_of(ty: &str, attr: &str, org_type: Option<&str>) -> Option<PolicyKind> {
    let (_, _, kind) = POLICY_ATTRIBUTES
        .iter()
        .find(|(t, a, _)| *t == ty && *a == attr)?;
    if ty == "aws_organizations_policy" {
        return match org_type {
            None | Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::Scp),
            Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::Rcp),
            // tag, backup and AI opt-out policies are not IAM policies
            Some(_) => None,
        };
    }
    Some(*kind)
}

/// `type.name`, with the iteration named when the block has `count` or `for_each`
/// (`aws_iam_role.this[count.index]`); `data.` before a data source's.
pub(crate) fn address(block: &Block) -> String {
    let mut a = String::new();
    if block.ident.as_str() == "data" {
        a.push_str("data.");
    }
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    a.push_str(&labels.join("."));
    if block.body.has_attribute("count") {
        a.push_str("[count.index]");
    } else if block.body.has_attribute("for_each") {
        a.push_str("[each.key]");
    }
    a
}

/// The span of a block's head (`resource "aws_iam_role" "this"`).
pub(crate) fn head_span(block: &Block) -> Span {
    let start = span_of(&block.ident);
    block
        .labels
        .iter()
        .map(|l| match l {
            hcl_edit::structure::BlockLabel::Ident(i) => span_of(i),
            hcl_edit::structure::BlockLabel::String(s) => span_of(s),
        })
        .fold(start, Span::cover)
}

fn is_resource(b: &Block, ty: &str) -> bool {
    b.ident.as_str() == "resource" && b.labels.first().map(|l| l.as_str()) == Some(ty)
}

/// How a policy document data source is used in the module.
#[derive(Default)]
struct Uses {
    /// As the policy of a resource, of this kind.
    slot: Option<PolicyKind>,
    /// Somewhere else (an output, a module argument, a local).
    other: bool,
    /// Merged into another policy document.
    merged: bool,
}

/// Counts references to one data source in an expression.
struct RefCounter<'n> {
    name: &'n str,
    count: usize,
}

impl hcl_edit::visit::Visit for RefCounter<'_> {
    fn visit_traversal(&mut self, t: &hcl_edit::expr::Traversal) {
        let w = convert::traversal_words(t).unwrap_or_default();
        if w.len() >= 3 && w[0] == "data" && w[1] == "aws_iam_policy_document" && w[2] == self.name
        {
            self.count += 1;
        }
        hcl_edit::visit::visit_traversal(self, t);
    }
}

fn count_refs(name: &str, f: impl FnOnce(&mut RefCounter<'_>)) -> usize {
    let mut c = RefCounter { name, count: 0 };
    f(&mut c);
    c.count
}

fn unparen(e: &Expression) -> &Expression {
    match e {
        Expression::Parenthesis(p) => unparen(p.inner()),
        e => e,
    }
}

fn is_data_ref(e: &Expression, name: &str) -> bool {
    matches!(unparen(e), Expression::Traversal(t) if data_document(t).as_deref() == Some(name))
}

fn uses_of(m: &Module<'_>, name: &str) -> Uses {
    use hcl_edit::visit::Visit;
    let needle = format!("aws_iam_policy_document.{name}");
    let mut u = Uses::default();
    // (the blocks that name it: counting every block's references per data source made
    // a file of thousands of them quadratic)
    for f in m.blocks_naming_data(name, &needle) {
        let b = f.block;
        let total = count_refs(name, |c| c.visit_body(&b.body));
        if total == 0 {
            continue;
        }
        let mut classified = 0;
        if b.ident.as_str() == "resource" {
            for a in b.body.attributes() {
                if is_data_ref(&a.value, name) {
                    if let Some(k) = slot_kind(b, a.key.as_str()) {
                        u.slot.get_or_insert(k);
                        classified += 1;
                    }
                }
            }
            if is_resource(b, "aws_iam_role") {
                for ip in b.body.get_blocks("inline_policy") {
                    if let Some(p) = ip.body.get_attribute("policy") {
                        if is_data_ref(&p.value, name) {
                            u.slot.get_or_insert(PolicyKind::Identity);
                            classified += 1;
                        }
                    }
                }
            }
        } else if b.ident.as_str() == "data"
            && b.labels.first().map(|l| l.as_str()) == Some("aws_iam_policy_document")
        {
            for attr in ["source_policy_documents", "override_policy_documents"] {
                if let Some(a) = b.body.get_attribute(attr) {
                    let n = count_refs(name, |c| c.visit_expr(&a.value));
                    if n > 0 {
                        u.merged = true;
                        classified += n;
                    }
                }
            }
        }
        if total > classified {
            u.other = true;
        }
    }
    u
}

/// What the load found, indexed for the principals.
pub(crate) struct Loaded {
    /// (resource address without iteration, attribute) → document index, for documents
    /// written at a resource of this file.
    /// (The first document of each key: lookups by key, not scans.)
    pub at_resource: std::collections::HashMap<(String, String), usize>,
    /// Data source name → document index (the first of each name).
    pub data_docs: std::collections::HashMap<String, usize>,
}

fn syntax_error(text: &str, e: &hcl_edit::parser::Error) -> SyntaxError {
    let mut at = e.location().offset().min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // the character at the error (none at the end of the text)
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let message = e.message().trim().trim_end_matches('.').to_string();
    let message = if message.is_empty() {
        "invalid HCL".to_string()
    } else {
        format!("invalid HCL: {message}")
    };
    let u = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    SyntaxError {
        kind: SyntaxErrorKind::Syntax,
        span: Span::new(u(at), u(end)),
        message,
    }
}

/// Nesting deeper than this many brackets is refused before parsing (the parser recurses).
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.bytes().enumerate() {
        match c {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// HCL larger than this is not parsed: `hcl_edit`'s syntax tree takes about 35 bytes per
/// byte of text (a 10 MB file, 380 MB), and no hand-written module comes near it (the
/// largest file of the Terraform corpus is 45 KB). JSON and YAML have node budgets instead
/// ([`iamlint_syntax::Limits`]); Terraform plan and state files are JSON.
pub(crate) const MAX_HCL_BYTES: usize = 4 << 20;

fn load(src: &Source<'_>) -> PolicyFile {
    let mut file = PolicyFile::empty("terraform", SourceKind::Json, FileKind::Other);
    let text = src.text;
    if text.len() > MAX_HCL_BYTES {
        file.kind = FileKind::Unparsed;
        file.syntax_errors.push(SyntaxError {
            kind: SyntaxErrorKind::TooManyNodes,
            span: Span::new(0, 0),
            message: format!(
                "this Terraform file is {:.1} MB: HCL files larger than {} MB are not parsed (their syntax tree would take about 35 times the text)",
                text.len() as f64 / 1e6,
                MAX_HCL_BYTES >> 20
            ),
        });
        return file;
    }
    if let Some(at) = too_deep(text, src.opts.limits.max_depth.min(200)) {
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        file.kind = FileKind::Unparsed;
        file.syntax_errors.push(SyntaxError {
            kind: SyntaxErrorKind::TooDeep,
            span: Span::new(at, at.saturating_add(1)),
            message: format!(
                "nesting is deeper than {} levels",
                src.opts.limits.max_depth.min(200)
            ),
        });
        return file;
    }
    let body = match module::parse(text) {
        Ok(b) => b,
        Err(e) => {
            file.kind = FileKind::Unparsed;
            file.syntax_errors.push(syntax_error(text, &e));
            return file;
        }
    };
    let m = Module::new(
        src.name,
        text,
        &body,
        src.opts.max_file_size,
        &src.opts.modules,
    );
    let mut cv = Conv::new(&m, src.opts, src.name);
    let loaded = extract(&mut cv, &body, &mut file);
    strays(&mut cv, &body, "", &mut file, 0, &mut Taken::default());
    principals::principals(&mut cv, &body, &loaded, &mut file);
    for i in &mut file.issues {
        cv.holes.fix_issue(i);
    }
    file
}

/// Normalize a rendered document and add it.
#[allow(clippy::too_many_arguments)]
fn push_document(
    cv: &mut Conv<'_, '_>,
    file: &mut PolicyFile,
    node: &Node,
    kind: PolicyKind,
    inferred: bool,
    path: String,
    resource: (String, String),
    partial: bool,
) -> usize {
    let origin = Origin {
        path,
        resource: Some(resource),
        embedded: false,
    };
    let mut doc = normalize_document(node, kind, inferred, origin, &cv.opts.vars);
    if partial {
        doc.issues.retain(|i| i.kind != IssueKind::NoStatement);
    }
    let prefix = doc.path_prefix();
    for mut n in cv.notes.drain(..) {
        if n.path.is_empty() {
            n.path = prefix.trim_end_matches('.').to_string();
        }
        doc.issues.push(n);
    }
    cv.holes.resolve_markers(&mut doc);
    file.documents.push(doc);
    file.documents.len() - 1
}

fn extract(cv: &mut Conv<'_, '_>, body: &Body, file: &mut PolicyFile) -> Loaded {
    let mut loaded = Loaded {
        at_resource: std::collections::HashMap::new(),
        data_docs: std::collections::HashMap::new(),
    };
    for b in module::top_blocks(body) {
        match b.ident.as_str() {
            "resource" => resource(cv, b, file, &mut loaded),
            "data" if b.labels.first().map(|l| l.as_str()) == Some("aws_iam_policy_document") => {
                data_source(cv, b, file, &mut loaded);
            }
            _ => {}
        }
    }
    loaded
}

fn resource(cv: &mut Conv<'_, '_>, b: &Block, file: &mut PolicyFile, loaded: &mut Loaded) {
    let Some(ty) = b.labels.first().map(|l| l.as_str().to_string()) else {
        return;
    };
    let Some(name) = b.labels.get(1).map(|l| l.as_str().to_string()) else {
        return;
    };
    let addr = address(b);
    let plain = format!("{ty}.{name}");
    if ty == "aws_lambda_permission" {
        if let Some(node) = principals::lambda_permission(cv, b) {
            let i = push_document(
                cv,
                file,
                &node,
                PolicyKind::Resource,
                false,
                addr.clone(),
                (addr.clone(), ty.clone()),
                false,
            );
            loaded
                .at_resource
                .entry((plain.clone(), String::new()))
                .or_insert(i);
        }
        return;
    }
    let mut slots: Vec<(String, &Expression, PolicyKind)> = Vec::new();
    for a in b.body.attributes() {
        if let Some(kind) = slot_kind(b, a.key.as_str()) {
            slots.push((a.key.as_str().to_string(), &a.value, kind));
        }
    }
    if ty == "aws_iam_role" {
        for (i, ip) in b.body.get_blocks("inline_policy").enumerate() {
            if let Some(p) = ip.body.get_attribute("policy") {
                slots.push((
                    format!("inline_policy[{i}].policy"),
                    &p.value,
                    PolicyKind::Identity,
                ));
            }
        }
    }
    for (attr, e, kind) in slots {
        let path = format!("{addr}.{attr}");
        match cv.policy_value(e) {
            PolicyValue::Node(n) => {
                let i = push_document(
                    cv,
                    file,
                    &n,
                    kind,
                    false,
                    path,
                    (addr.clone(), ty.clone()),
                    false,
                );
                loaded.at_resource.entry((plain.clone(), attr)).or_insert(i);
            }
            PolicyValue::Invalid(mut issue) => {
                issue.path = path;
                cv.notes.clear();
                file.issues.push(issue);
            }
            PolicyValue::Reference | PolicyValue::Unknown => cv.notes.clear(),
        }
    }
}

fn data_source(cv: &mut Conv<'_, '_>, b: &Block, file: &mut PolicyFile, loaded: &mut Loaded) {
    let Some(name) = b.labels.get(1).map(|l| l.as_str().to_string()) else {
        return;
    };
    let uses = uses_of(cv.module, &name);
    if uses.merged && uses.slot.is_none() && !uses.other {
        // its statements are checked in the documents that merge it
        return;
    }
    let mut seen = vec![name.clone()];
    let r = document::render(cv, b, &mut seen, uses.slot);
    let (kind, inferred) = match uses.slot {
        Some(k) => (k, false),
        None => (infer_kind(&r.node), true),
    };
    let addr = address(b);
    let i = push_document(
        cv,
        file,
        &r.node,
        kind,
        inferred,
        addr.clone(),
        (addr, "aws_iam_policy_document".to_string()),
        r.partial,
    );
    loaded.data_docs.entry(name).or_insert(i);
}

/// Whether an expression is written as a policy document: `jsonencode({...})` of an
/// object with a `Statement`, or a heredoc or string holding JSON with a `"Statement"`.
fn looks_like_policy(cv: &Conv<'_, '_>, e: &Expression) -> bool {
    match e {
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" => {
            matches!(f.args.iter().next(), Some(Expression::Object(o)) if o.iter().any(|(k, _)| {
                let key = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl_edit::expr::ObjectKey::Expression(x) => module::literal(x).unwrap_or_default(),
                };
                key == "Statement"
            }))
        }
        Expression::HeredocTemplate(_) | Expression::String(_) | Expression::StringTemplate(_) => {
            let raw = module::source(cv.module.text, e);
            let body = raw.trim_start_matches('"');
            let body = if raw.starts_with("<<") {
                raw.split_once('\n').map_or("", |x| x.1)
            } else {
                body
            };
            body.trim_start().starts_with('{') && raw.contains("Statement")
        }
        _ => false,
    }
}

/// Expressions inside `e` that are written as policy documents.
fn find_policies<'e>(
    cv: &Conv<'_, '_>,
    e: &'e Expression,
    out: &mut Vec<&'e Expression>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    if looks_like_policy(cv, e) {
        out.push(e);
        return;
    }
    match e {
        Expression::Array(a) => a.iter().for_each(|x| find_policies(cv, x, out, depth + 1)),
        Expression::Object(o) => o
            .iter()
            .for_each(|(_, v)| find_policies(cv, v.expr(), out, depth + 1)),
        Expression::FuncCall(f) => f
            .args
            .iter()
            .for_each(|x| find_policies(cv, x, out, depth + 1)),
        Expression::Parenthesis(p) => find_policies(cv, p.inner(), out, depth + 1),
        Expression::Conditional(c) => {
            find_policies(cv, &c.true_expr, out, depth + 1);
            find_policies(cv, &c.false_expr, out, depth + 1);
        }
        Expression::ForExpr(f) => find_policies(cv, &f.value_expr, out, depth + 1),
        _ => {}
    }
}

/// Policies written outside the places resources take them (a module argument, a local,
/// an output, a resource this module does not know): documents of inferred kind.
fn strays(
    cv: &mut Conv<'_, '_>,
    body: &Body,
    prefix: &str,
    file: &mut PolicyFile,
    depth: usize,
    taken: &mut Taken,
) {
    if depth > 8 {
        return;
    }
    for a in body.attributes() {
        let mut found = Vec::new();
        find_policies(cv, &a.value, &mut found, 0);
        for e in found {
            let span = span_of(e);
            if taken.overlaps_document_or_holds_issue(file, span) {
                continue;
            }
            let path = if prefix.is_empty() {
                a.key.as_str().to_string()
            } else {
                format!("{prefix}.{}", a.key.as_str())
            };
            match cv.policy_value(e) {
                PolicyValue::Node(n) => {
                    let kind = infer_kind(&n);
                    let owner = prefix.split('.').take(2).collect::<Vec<_>>().join(".");
                    push_document(
                        cv,
                        file,
                        &n,
                        kind,
                        true,
                        path,
                        (owner, String::new()),
                        false,
                    );
                }
                PolicyValue::Invalid(mut issue) => {
                    cv.notes.clear();
                    issue.path = path;
                    file.issues.push(issue);
                }
                _ => cv.notes.clear(),
            }
        }
    }
    for b in body.blocks() {
        let p = match b.ident.as_str() {
            "resource" | "data" | "module" | "output" => {
                let a = address(b);
                if b.ident.as_str() == "module" || b.ident.as_str() == "output" {
                    format!("{}.{a}", b.ident.as_str())
                } else {
                    a
                }
            }
            "locals" => "local".to_string(),
            other if prefix.is_empty() => other.to_string(),
            other => format!("{prefix}.{other}"),
        };
        strays(cv, &b.body, &p, file, depth + 1, taken);
    }
}

/// The spans of the documents and issues found so far, for [`strays`]: whether a policy
/// expression overlaps a document or holds an issue, asked once per expression (a scan of
/// every document per expression made a file of thousands of policies quadratic).
#[derive(Default)]
struct Taken {
    documents: SpanIndex,
    issues: SpanIndex,
    /// How many of the file's documents and issues are in the indexes.
    seen: (usize, usize),
}

impl Taken {
    fn overlaps_document_or_holds_issue(&mut self, file: &PolicyFile, span: Span) -> bool {
        for d in file.documents.get(self.seen.0..).unwrap_or(&[]) {
            self.documents.insert(d.span);
        }
        for i in file.issues.get(self.seen.1..).unwrap_or(&[]) {
            self.issues.insert(i.span);
        }
        self.seen = (file.documents.len(), file.issues.len());
        self.documents.overlaps(span) || self.issues.any_within(span)
    }
}

/// Spans added one at a time, for two exact questions in logarithmic time: does one of
/// them overlap a span, does one of them lie within it. Kept as sorted runs of sizes
/// powers of two (merged as a binary counter carries), each with the running maximum and
/// the trailing minimum of its ends.
#[derive(Default)]
pub(crate) struct SpanIndex {
    runs: Vec<Option<Run>>,
}

struct Run {
    /// (start, end), sorted.
    spans: Vec<(u32, u32)>,
    /// Largest end among `spans[..=i]`.
    max_end: Vec<u32>,
    /// Smallest end among `spans[i..]`.
    min_end: Vec<u32>,
}

impl Run {
    fn new(spans: Vec<(u32, u32)>) -> Run {
        let max_end = spans
            .iter()
            .scan(0u32, |m, &(_, e)| {
                *m = (*m).max(e);
                Some(*m)
            })
            .collect();
        let mut min_end: Vec<u32> = spans
            .iter()
            .rev()
            .scan(u32::MAX, |m, &(_, e)| {
                *m = (*m).min(e);
                Some(*m)
            })
            .collect();
        min_end.reverse();
        Run {
            spans,
            max_end,
            min_end,
        }
    }
}

impl SpanIndex {
    pub(crate) fn insert(&mut self, span: Span) {
        let mut carry = vec![(span.start, span.end)];
        for slot in &mut self.runs {
            match slot.take() {
                None => {
                    *slot = Some(Run::new(carry));
                    return;
                }
                Some(run) => {
                    let mut merged = run.spans;
                    merged.extend(carry);
                    merged.sort_unstable();
                    carry = merged;
                }
            }
        }
        self.runs.push(Some(Run::new(carry)));
    }

    /// Whether some span `d` has `d.start < span.end && span.start < d.end`.
    pub(crate) fn overlaps(&self, span: Span) -> bool {
        self.runs.iter().flatten().any(|r| {
            let k = r.spans.partition_point(|&(s, _)| s < span.end);
            k > 0 && r.max_end.get(k - 1).is_some_and(|&e| e > span.start)
        })
    }

    /// Whether some span `d` has `span.start <= d.start && d.end <= span.end`.
    pub(crate) fn any_within(&self, span: Span) -> bool {
        self.runs.iter().flatten().any(|r| {
            let k = r.spans.partition_point(|&(s, _)| s < span.start);
            r.min_end.get(k).is_some_and(|&e| e <= span.end)
        })
    }
}

#[cfg(test)]
mod span_index_tests {
    use super::*;

    /// The index answers as scanning every span does.
    #[test]
    fn span_index_matches_a_scan() {
        let mut seed = 7u64;
        let mut next = |n: u32| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            u32::try_from(seed >> 33).unwrap_or(0) % n
        };
        let mut index = SpanIndex::default();
        let mut all: Vec<Span> = Vec::new();
        for _ in 0..300 {
            let s = next(200);
            let span = Span::new(s, s + next(20));
            index.insert(span);
            all.push(span);
            for _ in 0..20 {
                let qs = next(220);
                let q = Span::new(qs, qs + next(30));
                let overlaps = all.iter().any(|d| d.start < q.end && q.start < d.end);
                let within = all.iter().any(|d| q.start <= d.start && d.end <= q.end);
                assert_eq!(index.overlaps(q), overlaps, "{q:?}");
                assert_eq!(index.any_within(q), within, "{q:?}");
            }
        }
    }
}
