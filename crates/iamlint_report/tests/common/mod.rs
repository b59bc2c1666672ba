//! A realistic report shared by the renderer tests: several files, a multi-line span,
//! secondary labels, notes, a file-level diagnostic and non-ASCII text.
#![allow(dead_code)]

use iamlint_report::{Diagnostic, Label, Report, RuleInfo, Severity, SourceFile};
use iamlint_syntax::Span;
use std::sync::Arc;

pub const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBuckets",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    },
    {
      "Sid": "Deploy",
      "Effect": "Allow",
      "Action": ["iam:PassRole", "lambda:CreateFunction"],
      "Resource": "*"
    }
  ]
}
"#;

pub const TEMPLATE: &str = "Description: r\u{f4}le de d\u{e9}ploiement \u{2014} \u{e9}quipe donn\u{e9}es\nResources:\n  BuildRole:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: build\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: \"*\"\n                Resource: \"*\"\n";

pub const BROKEN: &str = "{ \"Version\": \"2012-10-17\", \"Statement\": [ \n";

/// The span of the `n`-th (0-based) occurrence of `needle` in `text`.
pub fn span_of(text: &str, needle: &str, n: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", n + 1));
    Span::new(start as u32, (start + needle.len()) as u32)
}

pub fn rules() -> Vec<RuleInfo> {
    vec![
        RuleInfo {
            code: "IAM001",
            name: "invalid-syntax",
            group: "correctness",
            default_severity: Severity::Error,
            summary: "the file is not valid JSON or YAML",
            docs: "# invalid-syntax\n\n## What it does\nReports files that cannot be parsed.\n",
            enabled_by_default: true,
        },
        RuleInfo {
            code: "IAM201",
            name: "service-wildcard",
            group: "over-broad",
            default_severity: Severity::Warning,
            summary: "an action pattern grants every action of a service",
            docs: "# service-wildcard\n\n## What it does\nFlags `service:*` actions.\n\n## Why is this bad\nThey grant permissions-management actions too.\n",
            enabled_by_default: true,
        },
        RuleInfo {
            code: "IAM202",
            name: "full-admin",
            group: "over-broad",
            default_severity: Severity::Error,
            summary: "a statement allows `*` on `*`",
            docs: "",
            enabled_by_default: true,
        },
        RuleInfo {
            code: "IAM301",
            name: "passrole-to-any-role",
            group: "privilege-escalation",
            default_severity: Severity::Error,
            summary: "`iam:PassRole` on any role together with a service that runs code",
            docs: "# passrole-to-any-role\n\nPassing any role lets the caller run code as that role.\n",
            enabled_by_default: true,
        },
        RuleInfo {
            code: "IAM501",
            name: "missing-sid",
            group: "hygiene",
            default_severity: Severity::Info,
            summary: "a statement has no `Sid`",
            docs: "",
            enabled_by_default: false,
        },
    ]
}

pub fn diag(
    file: &Arc<SourceFile>,
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &str,
    primary: Option<Label>,
    path: &str,
) -> Diagnostic {
    let mut d = Diagnostic {
        code,
        name,
        severity,
        message: message.to_owned(),
        file: Arc::clone(file),
        primary,
        secondary: Vec::new(),
        path: path.to_owned(),
        help: None,
        notes: Vec::new(),
        fixes: Vec::new(),
        fingerprint: String::new(),
    };
    d.fingerprint = d.compute_fingerprint();
    d
}

pub fn fixture_report() -> Report {
    let policy = SourceFile::new("policies/deploy.json", POLICY);
    let template = SourceFile::new("templates/r\u{f4}le build.yaml", TEMPLATE);
    let broken = SourceFile::new("policies/broken.json", BROKEN);

    let mut wildcard = diag(
        &policy,
        "IAM201",
        "service-wildcard",
        Severity::Warning,
        "`s3:*` grants all 180 actions of s3, including 12 permissions-management actions",
        Some(Label::new(
            span_of(POLICY, "\"s3:*\"", 0),
            "every s3 action",
        )),
        "Statement[0].Action",
    );
    wildcard.help = Some("list the actions the role needs, e.g. `s3:GetObject`".to_owned());

    // multi-line primary span (the whole second statement) with secondary labels
    let stmt_start = span_of(POLICY, "{\n      \"Sid\": \"Deploy\"", 0).start;
    let stmt_end = span_of(POLICY, "\"*\"\n    }", 1).end;
    let mut passrole = diag(
        &policy,
        "IAM301",
        "passrole-to-any-role",
        Severity::Error,
        "`iam:PassRole` on `*` with `lambda:CreateFunction` lets the caller run code as any role",
        Some(Label::new(
            Span::new(stmt_start, stmt_end),
            "this statement",
        )),
        "Statement[1]",
    );
    passrole.secondary = vec![
        Label::new(span_of(POLICY, "\"iam:PassRole\"", 0), "passes any role"),
        Label::new(span_of(POLICY, "\"*\"", 1), "on every resource"),
    ];
    passrole.notes = vec!["`lambda:CreateFunction` runs code as the passed role".to_owned()];
    passrole.help = Some("restrict `Resource` to the role ARNs the function needs".to_owned());

    let missing_sid = diag(
        &template,
        "IAM501",
        "missing-sid",
        Severity::Info,
        "statement has no `Sid`",
        Some(Label::new(
            span_of(TEMPLATE, "- Effect: Allow", 0),
            "statement without `Sid`",
        )),
        "Resources.BuildRole.Properties.Policies[0].PolicyDocument.Statement[0]",
    );

    let mut admin = diag(
        &template,
        "IAM202",
        "full-admin",
        Severity::Error,
        "statement allows `*` on `*`: full administrator access (r\u{f4}le `BuildRole`)",
        Some(Label::new(span_of(TEMPLATE, "\"*\"", 0), "all actions")),
        "Resources.BuildRole.Properties.Policies[0].PolicyDocument.Statement[0].Action",
    );
    admin.secondary = vec![Label::new(span_of(TEMPLATE, "\"*\"", 1), "all resources")];

    let parse = diag(
        &broken,
        "IAM001",
        "invalid-syntax",
        Severity::Error,
        "file is not valid JSON: unexpected end of input",
        None,
        "",
    );

    let mut report = Report {
        diagnostics: vec![wildcard, passrole, missing_sid, admin, parse],
        rules: rules(),
        files_checked: 4,
        files_skipped: 1,
        files: vec![
            "policies/deploy.json".to_owned(),
            "templates/r\u{f4}le build.yaml".to_owned(),
            "policies/broken.json".to_owned(),
            "policies/clean.json".to_owned(),
        ],
        overview: None,
    };
    report.sort();
    report
}
