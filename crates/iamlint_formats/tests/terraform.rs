#![allow(clippy::unwrap_used)]
//! Terraform fixtures (`fixtures/terraform/{hcl,json}/`): the model `iamlint inspect`
//! shows, snapshotted, with the facts that matter asserted one by one; and, when
//! `../shared/corpus` is beside the repository, every policy document of the Terraform
//! corpus found with no parse error.

use iamlint_formats::{describe, load_text, LoadOptions};
use iamlint_policy::*;
use std::path::{Path, PathBuf};

/// Fixture paths relative to the crate (the tests' working directory), so the module of a
/// `.tf` (its sibling files) is found and the snapshots do not hold absolute paths.
fn fixture(rel: &str) -> (String, String) {
    let name = format!("../../fixtures/terraform/{rel}");
    let text = std::fs::read_to_string(&name).unwrap();
    (name, text)
}

fn load(rel: &str) -> (String, String, PolicyFile) {
    let (name, text) = fixture(rel);
    let file = load_text(&name, &text, &LoadOptions::default());
    (name, text, file)
}

fn doc<'f>(f: &'f PolicyFile, path: &str) -> &'f Document {
    f.documents
        .iter()
        .find(|d| d.origin.path == path)
        .unwrap_or_else(|| panic!("no document {path}"))
}

fn slice(text: &str, span: iamlint_syntax::Span) -> &str {
    span.slice(text)
}

#[test]
fn fixtures_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/terraform");
    let cases = [
        "hcl/jsonencode.tf",
        "hcl/heredoc.tf",
        "hcl/policy-document.tf",
        "hcl/attachments.tf",
        "hcl/resource-policies.tf",
        "hcl/malformed.tf",
        "hcl/suppressed.tf",
        "hcl/module/main.tf",
        "hcl/module/policies.tf",
        "json/plan.json",
        "json/terraform.tfstate",
    ];
    for case in cases {
        let (name, text, file) = load(case);
        let view = describe::to_text(&name, &text, &file);
        let dir: PathBuf = root.join(Path::new(case).parent().unwrap());
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let snap = Path::new(case)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        settings.bind(|| insta::assert_snapshot!(snap, view));
    }
}

#[test]
fn jsonencode_spans_holes_and_bound_defaults() {
    let (_, text, f) = load("hcl/jsonencode.tf");
    assert_eq!(f.format, "terraform");
    let d = doc(&f, "aws_iam_policy.reports.policy");
    assert_eq!(d.kind, PolicyKind::Identity);
    assert_eq!(d.statements.len(), 3);
    // the bound default is a literal, `$${aws:username}` IAM's variable, and a note says so
    let r = &d.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(
        r.as_literal(),
        Some("arn:aws:s3:::example-reports/home/${aws:username}/*")
    );
    assert_eq!(
        slice(&text, r.span),
        "\"arn:aws:s3:::${var.bucket_name}/home/$${aws:username}/*\""
    );
    assert!(d.issues.iter().any(|i| i.kind == IssueKind::Note
        && i.message
            .contains("`var.bucket_name` is bound to `example-reports`")));
    // a reference is a Terraform hole, never a literal
    let r = &d.statements[1].resource.as_ref().unwrap().items[0];
    assert_eq!(
        r.holes().collect::<Vec<_>>(),
        vec![(&HoleKind::Terraform, "aws_s3_bucket.reports.arn")]
    );
    assert_eq!(slice(&text, r.span), "aws_s3_bucket.reports.arn");
    // a for_each resource is checked once, its iteration named
    let d = doc(&f, "aws_iam_role_policy.per_env[each.key].policy");
    let c = d.statements[0].condition.as_ref().unwrap();
    let (_, e) = c.entries().next().unwrap();
    assert_eq!(e.key.display(), "${var.environment}:tag");
    assert!(!e.key.is_resolved());
    assert_eq!(e.values[0].display(), "${each.value}");
    // `--var` binds an expression by its text
    let (name, text) = fixture("hcl/jsonencode.tf");
    let mut opts = LoadOptions::default();
    opts.vars
        .insert("aws_s3_bucket.reports.arn".into(), "arn:aws:s3:::r".into());
    let f = load_text(&name, &text, &opts);
    let d = doc(&f, "aws_iam_policy.reports.policy");
    let r = &d.statements[1].resource.as_ref().unwrap().items[0];
    assert_eq!(r.as_literal(), Some("arn:aws:s3:::r"));
}

#[test]
fn heredocs_and_strings_keep_exact_spans() {
    let (_, text, f) = load("hcl/heredoc.tf");
    let d = doc(&f, "aws_iam_policy.heredoc.policy");
    let r = &d.statements[1].resource.as_ref().unwrap().items[0];
    assert_eq!(slice(&text, r.span), "\"${aws_s3_bucket.logs.arn}/*\"");
    assert_eq!(r.display(), "${aws_s3_bucket.logs.arn}/*");
    // an interpolation outside a JSON string is a whole value
    let d = doc(&f, "aws_s3_bucket_policy.logs.policy");
    assert_eq!(d.kind, PolicyKind::Resource);
    let r = &d.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(
        slice(&text, r.span),
        "${jsonencode(aws_s3_bucket.logs.arn)}"
    );
    assert!(d.statements[0].principal.as_ref().unwrap().is_public());
    // a JSON string: escapes decoded, spans on the escaped text
    let d = doc(&f, "aws_iam_user_policy.string.policy");
    let a = &d.statements[0].action.as_ref().unwrap().items[0];
    assert_eq!(a.as_literal(), Some("iam:PassRole"));
    assert_eq!(slice(&text, a.span), "\\\"iam:PassRole\\\"");
    // a heredoc that is not JSON is reported where it breaks
    let i = f
        .issues
        .iter()
        .find(|i| i.kind == IssueKind::NotADocument)
        .unwrap();
    assert!(i.message.starts_with("this policy does not parse as JSON"));
    assert_eq!(i.path, "aws_iam_group_policy.broken.policy");
    assert_eq!(slice(&text, i.span), "\"");
}

#[test]
fn policy_documents_merge_as_terraform_does() {
    let (_, text, f) = load("hcl/policy-document.tf");
    // `base` and `override` are only merged into `combined`: not documents of their own
    let paths: Vec<&str> = f.documents.iter().map(|d| d.origin.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data.aws_iam_policy_document.combined",
            "data.aws_iam_policy_document.trust",
            "data.aws_iam_policy_document.queue",
        ]
    );
    let d = doc(&f, "data.aws_iam_policy_document.combined");
    assert_eq!(d.kind, PolicyKind::Identity);
    assert!(!d.kind_inferred);
    let sids: Vec<Option<&str>> = d.statements.iter().map(Statement::sid_text).collect();
    // source Read and Write; this block's Read replaces the source's in place; the
    // override's Write (a Deny) replaces it; the others are added
    assert_eq!(sids, [Some("Read"), Some("Write"), None, None]);
    assert_eq!(d.statements[0].action.as_ref().unwrap().items.len(), 2);
    assert!(d.statements[1].is_deny());
    // `&{aws:username}` is the policy variable `${aws:username}`
    let r = &d.statements[0].resource.as_ref().unwrap().items[1];
    assert_eq!(
        r.as_literal(),
        Some("arn:aws:s3:::base/home/${aws:username}/*")
    );
    // no `effect`: the provider's `Allow`
    assert!(d.statements[2].is_allow());
    assert!(d.statements[2].action.as_ref().unwrap().negated);
    assert!(d.statements[2].resource.as_ref().unwrap().negated);
    // the kinds come from the resources that use the documents
    assert_eq!(
        doc(&f, "data.aws_iam_policy_document.trust").kind,
        PolicyKind::Trust
    );
    let q = doc(&f, "data.aws_iam_policy_document.queue");
    assert_eq!(q.kind, PolicyKind::Resource);
    let p = q.statements[0].principal.as_ref().unwrap();
    assert!(p.bare_star);
    assert_eq!(slice(&text, p.key_span), "principals");
    let t = doc(&f, "data.aws_iam_policy_document.trust");
    let c = t.statements[0].condition.as_ref().unwrap();
    assert_eq!(c.clauses.len(), 2);
    assert_eq!(
        slice(&text, c.clauses[0].operator_text.span),
        "\"StringLike\""
    );
}

#[test]
fn principals_with_their_policies() {
    let (_, text, f) = load("hcl/attachments.tf");
    let role = f
        .principals
        .iter()
        .find(|p| p.id == "aws_iam_role.app")
        .unwrap();
    assert_eq!(role.kind, PrincipalKind::Role);
    assert_eq!(role.name.as_ref().unwrap().as_literal(), Some("app"));
    assert_eq!(
        f.documents[role.trust.unwrap()].origin.path,
        "aws_iam_role.app.assume_role_policy"
    );
    let inline: Vec<&str> = role
        .inline
        .iter()
        .map(|i| f.documents[*i].origin.path.as_str())
        .collect();
    assert_eq!(
        inline,
        [
            "aws_iam_role.app.inline_policy[0].policy",
            "aws_iam_role_policy.extra.policy"
        ]
    );
    let attached: Vec<String> = role
        .attached
        .iter()
        .map(|a| match &a.target {
            AttachmentTarget::Arn(t) => t.display(),
            AttachmentTarget::Document(i) => f.documents[*i].origin.path.clone(),
        })
        .collect();
    assert_eq!(
        attached,
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "aws_iam_policy.app.policy",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "aws_iam_policy.app.policy",
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        ]
    );
    // the attachment points at the attaching element
    assert_eq!(
        slice(&text, role.attached[2].span),
        "\"arn:aws:iam::aws:policy/AdministratorAccess\""
    );
    assert!(matches!(
        &role.boundary.as_ref().unwrap().target,
        AttachmentTarget::Arn(t) if t.as_literal() == Some("arn:aws:iam::aws:policy/PowerUserAccess")
    ));
    let user = f
        .principals
        .iter()
        .find(|p| p.id == "aws_iam_user.alice")
        .unwrap();
    assert_eq!(user.groups, ["aws_iam_group.ops"]);
    assert!(matches!(
        user.boundary.as_ref().unwrap().target,
        AttachmentTarget::Document(_)
    ));
    let group = f
        .principals
        .iter()
        .find(|p| p.id == "aws_iam_group.ops")
        .unwrap();
    assert!(matches!(
        &group.attached[0].target,
        AttachmentTarget::Arn(t) if t.display() == "${var.ops_policy_arn}"
    ));
    // managed policies by ARN, for the managed-policy rules
    let refs: Vec<(&str, &str)> = f
        .managed_policies
        .iter()
        .map(|m| (m.resource.as_str(), m.property.as_str()))
        .collect();
    assert!(refs.contains(&("aws_iam_role.app", "PermissionsBoundary")));
    assert!(refs.contains(&("aws_iam_role_policy_attachment.admin", "ManagedPolicyArns")));
}

#[test]
fn module_files_are_followed() {
    let (_, text, f) = load("hcl/module/main.tf");
    let role = &f.principals[0];
    assert_eq!(role.id, "aws_iam_role.worker");
    // templatefile(): variables bound by the call's map, spans on the call
    let trust = &f.documents[role.trust.unwrap()];
    assert!(trust.origin.path.ends_with("assume_role_policy"));
    let st = &trust.statements[0];
    let p = st.principal.as_ref().unwrap();
    assert_eq!(
        p.values[0].value.as_literal(),
        Some("ecs-tasks.amazonaws.com")
    );
    assert!(slice(&text, p.values[0].value.span).starts_with("templatefile("));
    let (_, e) = st.condition.as_ref().unwrap().entries().next().unwrap();
    assert_eq!(e.values[0].display(), "${var.account_id}");
    // the document of policies.tf is named where it is
    assert_eq!(
        role.outside,
        vec![OutsidePolicy {
            relation: PolicyRelation::Attached,
            document: Some((
                "../../fixtures/terraform/hcl/module/policies.tf".to_string(),
                "data.aws_iam_policy_document.queue".to_string()
            )),
            expression: "aws_iam_policy.queue.arn".to_string(),
            span: role.outside[0].span,
            path: "aws_iam_role_policy_attachment.queue.policy_arn".to_string(),
        }]
    );
    // attached through `role = var.role_name`, the role's own name expression
    assert_eq!(role.attached.len(), 1);
    // a variable's default in variables.tf binds it, and the note names the file
    let d = doc(&f, "aws_iam_role_policy.bucket.policy");
    assert_eq!(
        d.statements[0].resource.as_ref().unwrap().items[0].as_literal(),
        Some("arn:aws:s3:::*/*")
    );
    assert!(d
        .issues
        .iter()
        .any(|i| i.kind == IssueKind::Note && i.message.contains("variables.tf")));
    // policies.tf: its document's kind is that of the resource of main.tf that uses it
    let (_, _, p) = load("hcl/module/policies.tf");
    assert_eq!(p.documents[0].kind, PolicyKind::Identity);
    assert!(!p.documents[0].kind_inferred);
}

#[test]
fn resource_policies_scps_and_lambda_permissions() {
    let (_, _, f) = load("hcl/resource-policies.tf");
    let kinds: Vec<(&str, PolicyKind)> = f
        .documents
        .iter()
        .map(|d| (d.origin.path.as_str(), d.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("aws_kms_key.key.policy", PolicyKind::Resource),
            ("aws_sns_topic_policy.alerts.policy", PolicyKind::Resource),
            ("aws_organizations_policy.scp.content", PolicyKind::Scp),
            ("aws_organizations_policy.rcp.content", PolicyKind::Rcp),
            ("aws_lambda_permission.public_url", PolicyKind::Resource),
            ("aws_lambda_permission.from_bucket", PolicyKind::Resource),
            (
                "aws_cloudwatch_log_resource_policy.route53.policy_document",
                PolicyKind::Resource
            ),
        ]
    );
    let url = &doc(&f, "aws_lambda_permission.public_url").statements[0];
    assert!(url.principal.as_ref().unwrap().is_public());
    let (op, e) = url.condition.as_ref().unwrap().entries().next().unwrap();
    assert_eq!(op.operator.base, "StringEquals");
    assert_eq!(e.key.as_literal(), Some("lambda:FunctionUrlAuthType"));
    let s3 = &doc(&f, "aws_lambda_permission.from_bucket").statements[0];
    let p = s3.principal.as_ref().unwrap();
    assert_eq!(p.values[0].principal_type, "Service");
    let keys: Vec<String> = s3
        .condition
        .as_ref()
        .unwrap()
        .entries()
        .map(|(c, e)| format!("{} {}", c.operator.base, e.key.display()))
        .collect();
    assert_eq!(
        keys,
        ["ArnLike aws:SourceArn", "StringEquals aws:SourceAccount"]
    );
}

#[test]
fn malformed_hcl_is_a_syntax_error_with_a_location() {
    let (_, text, f) = load("hcl/malformed.tf");
    assert_eq!(f.kind, FileKind::Unparsed);
    let e = &f.syntax_errors[0];
    assert!(e.message.starts_with("invalid HCL"), "{}", e.message);
    assert_eq!(text[..e.span.start as usize].lines().count(), 4);
}

/// Found by the fuzz target: a parse error inside a multi-byte character.
#[test]
fn a_syntax_error_in_a_character_spans_the_character() {
    let text = "data \"aws_iam_policy_document\" \"queue\" {\n  state\u{E000}\"*\"]\n  }\n}\n";
    let f = load_text("x.tf", text, &LoadOptions::default());
    let e = &f.syntax_errors[0];
    assert!(text
        .get(e.span.start as usize..e.span.end as usize)
        .is_some());
    assert!(!e.span.is_empty());
}

#[test]
fn comments_are_reported_for_suppressions() {
    let (_, text, _) = load("hcl/suppressed.tf");
    let f = iamlint_formats::format_named("terraform").unwrap();
    let c = f.comments(&text);
    assert_eq!(c.len(), 2);
    assert_eq!(
        c[0].text,
        "iamlint:ignore[service-wildcard] the bucket tool needs every S3 action"
    );
    assert!(slice(&text, c[0].covers).contains("Action   = \"s3:*\""));
    assert!(slice(&text, c[1].covers).contains("Resource = \"*\""));
}

#[test]
fn plan_and_state_by_content_with_addresses() {
    let (_, text, f) = load("json/plan.json");
    assert_eq!(f.format, "terraform-json");
    let d = doc(&f, "module.site.aws_s3_bucket_policy.this[0].policy");
    assert_eq!(d.kind, PolicyKind::Resource);
    // spans inside the JSON string, on the escaped text
    let r = &d.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(slice(&text, r.span), "\\\"arn:aws:s3:::example-site/*\\\"");
    let role = &f.principals[0];
    assert_eq!(role.id, "aws_iam_role.app");
    assert_eq!(role.inline.len(), 1);
    assert_eq!(role.attached.len(), 2);
    // a state file: the module path and the instance key make the address
    let (_, _, s) = load("json/terraform.tfstate");
    assert_eq!(s.format, "terraform-json");
    assert_eq!(s.principals[0].id, "module.ci.aws_iam_user.ci[0]");
    assert!(matches!(
        s.principals[0].attached[0].target,
        AttachmentTarget::Document(0)
    ));
    // the same content under another name is still a plan
    let (_, text) = fixture("json/plan.json");
    let f = load_text("out.json", &text, &LoadOptions::default());
    assert_eq!(f.format, "terraform-json");
}

/// Every policy document of `../shared/corpus/terraform` is found: each
/// `data "aws_iam_policy_document"` block as a document (or merged into one), and at
/// least as many other documents as the index counts `jsonencode` `Statement =`
/// assignments; no file has a syntax error or an unparsed policy.
#[test]
fn corpus_every_policy_found() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(index) = std::fs::read_to_string(corpus.join("terraform_index.tsv")) else {
        eprintln!("../shared/corpus not present: skipped");
        return;
    };
    let (mut blocks, mut encoded) = (0, 0);
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (name, want_blocks, want_encoded): (&str, usize, usize) =
            (cols[0], cols[3].parse().unwrap(), cols[4].parse().unwrap());
        let path = corpus.join("terraform").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let f = load_text(&path.to_string_lossy(), &text, &LoadOptions::default());
        assert!(f.syntax_errors.is_empty(), "{name}: {:?}", f.syntax_errors);
        assert!(f.issues.is_empty(), "{name}: {:?}", f.issues);
        let data = f
            .documents
            .iter()
            .filter(|d| d.origin.path.starts_with("data.aws_iam_policy_document."))
            .count();
        let merged = f
            .documents
            .iter()
            .flat_map(|d| &d.issues)
            .filter(|i| i.message.contains("` are merged here"))
            .count();
        assert!(
            data + merged >= want_blocks,
            "{name}: {data} + {merged} < {want_blocks}"
        );
        let other = f.documents.len() - data;
        assert!(other >= want_encoded, "{name}: {other} < {want_encoded}");
        blocks += data;
        encoded += other;
    }
    assert_eq!(blocks, 116);
    assert!(encoded >= 31, "{encoded}");
}

/// Many roles in one file, each linked to its own policies by reference, by literal
/// name and by the same expression: every link is found, none crosses to another role
/// (the module's blocks are looked up by index, not scanned for every reference).
#[test]
fn many_principals_each_get_their_own_policies() {
    let n = 300;
    let mut tf = String::from("variable \"suffix\" {}\n");
    for i in 0..n {
        tf.push_str(&format!(
            r#"
resource "aws_iam_role" "r{i}" {{
  name               = "role-{i}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}] }})
}}

resource "aws_iam_role_policy" "inline{i}" {{
  role   = aws_iam_role.r{i}.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b{i}/*" }}] }})
}}

data "aws_iam_policy_document" "d{i}" {{
  statement {{
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:q{i}"]
  }}
}}

resource "aws_iam_policy" "m{i}" {{
  policy = data.aws_iam_policy_document.d{i}.json
}}

resource "aws_iam_role_policy_attachment" "a{i}" {{
  role       = "role-{i}"
  policy_arn = aws_iam_policy.m{i}.arn
}}

resource "aws_iam_role" "v{i}" {{
  name               = "v-${{var.suffix}}-{i}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}] }})
}}

resource "aws_iam_role_policy_attachment" "va{i}" {{
  role       = "v-${{var.suffix}}-{i}"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}
"#
        ));
    }
    let f = load_text("many.tf", &tf, &LoadOptions::default());
    assert!(f.syntax_errors.is_empty());
    for i in 0..n {
        let role = f
            .principals
            .iter()
            .find(|p| p.id == format!("aws_iam_role.r{i}"))
            .unwrap();
        let inline: Vec<&str> = role
            .inline
            .iter()
            .map(|d| f.documents[*d].origin.path.as_str())
            .collect();
        assert_eq!(inline, [format!("aws_iam_role_policy.inline{i}.policy")]);
        let attached: Vec<String> = role
            .attached
            .iter()
            .map(|a| match &a.target {
                AttachmentTarget::Arn(t) => t.display(),
                AttachmentTarget::Document(d) => f.documents[*d].origin.path.clone(),
            })
            .collect();
        assert_eq!(attached, [format!("data.aws_iam_policy_document.d{i}")]);
        // the document is an identity policy (the kind of the resource that uses it)
        let d = doc(&f, &format!("data.aws_iam_policy_document.d{i}"));
        assert_eq!(d.kind, PolicyKind::Identity);
        let v = f
            .principals
            .iter()
            .find(|p| p.id == format!("aws_iam_role.v{i}"))
            .unwrap();
        assert_eq!(v.attached.len(), 1, "aws_iam_role.v{i}");
    }
    // one document per policy written: trust policies, inline policies, data sources
    assert_eq!(f.documents.len(), 4 * n);
}

/// HCL past 4 MB is refused with a message that says why, before its syntax tree is built.
#[test]
fn huge_hcl_is_refused_with_a_message() {
    let block = "resource \"aws_iam_policy\" \"p\" {\n  policy = \"{}\"\n}\n";
    let tf = block.repeat((4 << 20) / block.len() + 1);
    let f = load_text("huge.tf", &tf, &LoadOptions::default());
    assert_eq!(f.kind, FileKind::Unparsed);
    assert_eq!(f.syntax_errors.len(), 1);
    assert_eq!(
        f.syntax_errors[0].kind,
        iamlint_syntax::SyntaxErrorKind::TooManyNodes
    );
    let m = &f.syntax_errors[0].message;
    assert!(
        m.contains("4.2 MB") && m.contains("larger than 4 MB"),
        "{m}"
    );
    // just under the limit: parsed
    let tf = block.repeat((4 << 20) / block.len() - 1);
    let f = load_text("big.tf", &tf, &LoadOptions::default());
    assert!(f.syntax_errors.is_empty());
    assert!(!f.documents.is_empty());
}
