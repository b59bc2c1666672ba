//! Code actions: the fixes the rules attach to their findings, and a suppression comment
//! (`iamlint:ignore[rule] reason`) where the file's format reads comments.
//!
//! A suppression is offered only once it is known to work: the comment is written in the
//! comment syntax the file's format reads, where the format reads it as covering the
//! finding, and the file with it is loaded and checked again: it must hold what it held
//! (documents, statements, principals, attachments) and give the same findings less that
//! one.

use crate::convert;
use crate::position::Lines;
use crate::{Checker, Target};
use iamlint_policy::PolicyFile;
use iamlint_report::{Diagnostic, Fix};
use iamlint_syntax::Span;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The reason a new suppression comment carries until the user writes theirs.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is acceptable";

/// Comment syntaxes the formats read (`#` in YAML, shell and Terraform, `//` in
/// Terraform, HTML comments in Markdown guides, `..` in reStructuredText ones): (opening,
/// closing).
const COMMENT_SYNTAXES: &[(&str, &str)] =
    &[("# ", ""), ("// ", ""), ("<!-- ", " -->"), (".. ", "")];

fn text_edit(lines: &Lines, text: &str, span: Span, new_text: String) -> TextEdit {
    TextEdit {
        range: lines.range(text, span),
        new_text,
    }
}

fn action(
    title: String,
    d: lsp_types::Diagnostic,
    uri: &Uri,
    edits: Vec<TextEdit>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

/// Everything a code action request needs about the document as last checked.
pub struct Checked<'a> {
    pub target: &'a Target,
    pub text: &'a str,
    pub lines: &'a Lines,
    pub file: &'a PolicyFile,
    pub diagnostics: &'a [Diagnostic],
}

/// The code actions for the findings that touch bytes `from..=to`.
pub fn code_actions(
    checker: &Checker<'_, '_>,
    doc: &Checked<'_>,
    uri: &Uri,
    (from, to): (usize, usize),
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in doc.diagnostics {
        let span = d.primary.as_ref().map_or(Span::new(0, 0), |l| l.span);
        if (span.start as usize) > to || (span.end as usize) < from {
            continue;
        }
        let lsp = convert::diagnostic(d, doc.lines, doc.text, uri);
        for fix in &d.fixes {
            let edits = fix
                .edits
                .iter()
                .map(|e| text_edit(doc.lines, doc.text, e.span, e.text.clone()))
                .collect();
            out.push(action(
                fix.title.clone(),
                lsp.clone(),
                uri,
                edits,
                d.fixes.len() == 1,
            ));
        }
        if let Some(fix) = suppression(checker, doc, d) {
            let edits = fix
                .edits
                .iter()
                .map(|e| text_edit(doc.lines, doc.text, e.span, e.text.clone()))
                .collect();
            out.push(action(fix.title, lsp, uri, edits, false));
        }
    }
    out
}

/// What a finding is, apart from where it is: its rule, logical path and message.
type Key<'d> = (&'d str, &'d str, &'d str);

fn key(d: &Diagnostic) -> Key<'_> {
    (d.code, d.path.as_str(), d.message.as_str())
}

/// Whether `after` is `before` less one finding like `d`, and nothing else changed.
fn resolves(d: &Diagnostic, before: &[Diagnostic], after: &[Diagnostic]) -> bool {
    let mut left: Vec<Key<'_>> = before.iter().map(key).collect();
    let Some(i) = left.iter().position(|k| *k == key(d)) else {
        return false;
    };
    left.swap_remove(i);
    let mut now: Vec<Key<'_>> = after.iter().map(key).collect();
    left.sort_unstable();
    now.sort_unstable();
    left == now
}

/// What a file holds, apart from where: a comment must not change it.
fn shape(f: &PolicyFile) -> impl PartialEq + '_ {
    let documents: Vec<(usize, usize, &str)> = f
        .documents
        .iter()
        .map(|d| (d.statements.len(), d.issues.len(), d.origin.path.as_str()))
        .collect();
    let principals: Vec<(&str, usize, usize, usize)> = f
        .principals
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.attached.len(),
                p.inline.len(),
                p.outside.len(),
            )
        })
        .collect();
    (
        (f.format, f.kind, documents, principals),
        (
            f.managed_policies.len(),
            f.syntax_errors.len(),
            f.issues.len(),
            f.metadata_ignores.len(),
            f.sections.len(),
        ),
    )
}

/// How many lines above a finding a suppression comment may stand (a shell command's
/// first line, a guide's code fence).
const LINES_ABOVE: usize = 60;

/// The edit that suppresses `d` with a comment, when one works in this file: the rule
/// added to a suppression comment that already covers the finding, or a new comment alone
/// on its line, on the finding's line or the nearest line above it where the format reads
/// it as covering the finding (a shell command's first line, a guide's code fence).
fn suppression(checker: &Checker<'_, '_>, doc: &Checked<'_>, d: &Diagnostic) -> Option<Fix> {
    const MARK: &str = "iamlint:ignore[";
    let at = d.primary.as_ref()?.span.start as usize;
    let format = iamlint_formats::format_named(doc.file.format)?;
    let title = format!(
        "Suppress `{}` here with an `iamlint:ignore` comment",
        d.name
    );
    // a suppression comment that covers the finding already: one more rule in its list
    for c in &doc.file.comments {
        let (s, e) = (c.span.start as usize, c.span.end as usize);
        if !(c.covers.start as usize <= at && at < c.covers.end as usize) {
            continue;
        }
        let Some(open) = doc.text.get(s..e).and_then(|w| w.find(MARK)) else {
            continue;
        };
        let Some(close) = doc.text[s + open..e].find(']') else {
            continue;
        };
        let pos = u32::try_from(s + open + close).ok()?;
        let fix = Fix::new(title.clone(), Span::new(pos, pos), format!(", {}", d.name));
        if works(checker, doc, d, &fix) {
            return Some(fix);
        }
    }
    // the comment syntaxes this format reads: a comment at the top of the file is read
    let syntaxes: Vec<&(&str, &str)> = COMMENT_SYNTAXES
        .iter()
        .filter(|(open, close)| {
            let probe = format!("{open}{MARK}x] probe{close}\n{}", doc.text);
            format
                .comments(&probe)
                .iter()
                .any(|c| c.text.contains(MARK))
        })
        .collect();
    let newline = if doc.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let line = doc.lines.line_of(at);
    for l in (line.saturating_sub(LINES_ABOVE)..=line).rev() {
        let start = doc.lines.line_start(l);
        let line_text = doc.text.get(start..doc.lines.line_start(l + 1))?;
        let indent: String = line_text
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let start32 = u32::try_from(start).ok()?;
        for (open, close) in &syntaxes {
            let insert = format!(
                "{indent}{open}{MARK}{}] {REASON_PLACEHOLDER}{close}{newline}",
                d.name
            );
            let shifted = at + insert.len();
            let fix = Fix::new(title.clone(), Span::new(start32, start32), insert);
            let Some(after) = fix.apply(doc.text) else {
                continue;
            };
            // cheap first: does the format read it as covering the finding?
            let covers = format.comments(&after).iter().any(|c| {
                c.text.contains(MARK)
                    && c.covers.start as usize <= shifted
                    && shifted < c.covers.end as usize
            });
            if covers && works(checker, doc, d, &fix) {
                return Some(fix);
            }
        }
    }
    None
}

/// Whether the file with `fix` applied holds what it held and, checked again, has the
/// same findings less `d`.
fn works(checker: &Checker<'_, '_>, doc: &Checked<'_>, d: &Diagnostic, fix: &Fix) -> bool {
    let Some(after) = fix.apply(doc.text) else {
        return false;
    };
    let file = checker.load(doc.target, &after);
    if shape(&file) != shape(doc.file) {
        return false;
    }
    checker
        .check_loaded(doc.target, &after, &file)
        .is_some_and(|diags| resolves(d, doc.diagnostics, &diags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use iamlint_catalog::Catalog;
    use iamlint_rules::RuleData;
    use iamlint_semantic::Semantic;
    use std::sync::Arc;

    /// The file with the suppression of the first finding of `rule` applied, if one is
    /// offered.
    fn suppressed(name: &str, text: &str, rule: &str) -> Option<String> {
        let catalog = Catalog::embedded();
        let semantic =
            Semantic::with_managed(&catalog, iamlint_managed::ManagedPolicies::embedded());
        let data = RuleData::new(&catalog);
        let checker = Checker {
            semantic: &semantic,
            data: &data,
        };
        let target = Target {
            name: name.to_string(),
            path: None,
            settings: Arc::new(Settings::defaults()),
        };
        let file = checker.load(&target, text);
        let diagnostics = checker.check_loaded(&target, text, &file).unwrap();
        let d = diagnostics.iter().find(|d| d.name == rule).unwrap();
        let lines = Lines::new(text);
        let doc = Checked {
            target: &target,
            text,
            lines: &lines,
            file: &file,
            diagnostics: &diagnostics,
        };
        suppression(&checker, &doc, d).map(|f| f.apply(text).unwrap())
    }

    #[test]
    fn a_rule_joins_the_comment_that_covers_its_line() {
        let text = "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    # iamlint:ignore[service-wildcard] admin tooling\n    Action: iam:*\n    Resource: \"*\"\n";
        assert_eq!(
            suppressed("p.yaml", text, "passrole-unrestricted").unwrap(),
            text.replace(
                "[service-wildcard]",
                "[service-wildcard, passrole-unrestricted]"
            )
        );
        // a finding of another line gets a comment of its own, indented as its line
        assert_eq!(
            suppressed("p.yaml", text, "resource-star").unwrap(),
            text.replace(
                "    Resource",
                &format!("    # iamlint:ignore[resource-star] {REASON_PLACEHOLDER}\n    Resource")
            )
        );
    }

    #[test]
    fn terraform_and_shell_take_a_hash_comment_and_json_none() {
        let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = \"s3:*\"\n      Resource = \"arn:aws:s3:::b/*\"\n    }]\n  })\n}\n";
        assert_eq!(
            suppressed("main.tf", tf, "service-wildcard").unwrap(),
            tf.replace(
                "      Action",
                &format!(
                    "      # iamlint:ignore[service-wildcard] {REASON_PLACEHOLDER}\n      Action"
                )
            )
        );
        let sh = "#!/bin/sh\nset -e\naws iam attach-role-policy --role-name app \\\n  --policy-arn arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess\n";
        let fixed = suppressed("attach.sh", sh, "deprecated-managed-policy");
        assert_eq!(
            fixed.as_deref(),
            Some(
                sh.replace(
                    "aws iam",
                    &format!(
                        "# iamlint:ignore[deprecated-managed-policy] {REASON_PLACEHOLDER}\naws iam"
                    )
                )
                .as_str()
            ),
            "{fixed:?}"
        );
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}"#;
        assert_eq!(suppressed("p.json", json, "service-wildcard"), None);
    }

    #[test]
    fn a_guide_takes_a_comment_before_the_block() {
        let md = "# Set-up\n\nAttach this policy:\n\n```json\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/*\"}\n  ]\n}\n```\n";
        assert_eq!(
            suppressed("guide.md", md, "service-wildcard").unwrap(),
            md.replace(
                "```json",
                &format!("<!-- iamlint:ignore[service-wildcard] {REASON_PLACEHOLDER} -->\n```json")
            )
        );
    }

    #[test]
    fn a_comment_that_would_break_the_file_is_not_offered() {
        // the line above the finding is inside a YAML block scalar holding JSON: a `#`
        // line there is text of the string, and breaks the document
        let text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: |\n        {\"Version\": \"2012-10-17\",\n         \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}\n";
        let catalog = Catalog::embedded();
        let semantic = Semantic::new(&catalog);
        let data = RuleData::new(&catalog);
        let checker = Checker {
            semantic: &semantic,
            data: &data,
        };
        let target = Target {
            name: "t.yaml".to_string(),
            path: None,
            settings: Arc::new(Settings::defaults()),
        };
        let file = checker.load(&target, text);
        let diags = checker.check_loaded(&target, text, &file).unwrap();
        assert!(!diags.is_empty());
        for d in &diags {
            assert_eq!(suppressed("t.yaml", text, d.name), None, "{}", d.name);
        }
    }
}
