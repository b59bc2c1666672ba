//! CloudFormation templates that are Jinja templates (AWS ParallelCluster v2 ships
//! `*.cfn.yaml` files with `{% for %}`, `{% if %}` and `{{ value }}`). The template is
//! checked with its `{% ... %}` and `{# ... #}` parts blanked out (every byte keeps its
//! place, so lines and columns are the file's) and its `{{ ... }}` values unknown
//! (template variables, bindable with `--var`): both sides of each `{% if %}` and one pass
//! of each `{% for %}` are read. One `unchecked-policy` note says so. When the template
//! does not parse even then, one note says how many policies were not checked, instead
//! of a syntax error about a directive.
//!
//! CloudFormation's own `{{resolve:...}}` dynamic references are not Jinja.

use crate::{cloudformation, Format, Source};
use iamlint_policy::text::normalize_parts;
use iamlint_policy::{FileKind, HoleKind, IssueKind, ModelIssue, Part, Parts, PolicyFile, Text};
use iamlint_syntax::{parse_json, parse_yaml, SourceKind, Span};

pub(crate) struct CfnJinja;

impl Format for CfnJinja {
    fn name(&self) -> &'static str {
        "cloudformation-jinja"
    }

    fn title(&self) -> &'static str {
        "CloudFormation template (Jinja)"
    }

    fn name_suffixes(&self) -> &'static [&'static str] {
        &[".yaml", ".yml", ".json", ".template"]
    }

    fn detect(&self, src: &Source<'_>) -> bool {
        let lower = src.lower_name();
        if !self.name_suffixes().iter().any(|s| lower.ends_with(s))
            || !(src.text.contains("AWSTemplateFormatVersion") || src.text.contains("Resources"))
            || !src.text.contains("AWS::")
        {
            return false;
        }
        // `{% ... %}` control lines; or `{{ ... }}` values where they break the template
        // (real templates hold `{{ name }}` in strings: SSM documents, user data)
        has_control_lines(src.text)
            || (is_jinja(src.text) && !src.structured().parsed.errors.is_empty())
    }

    fn load(&self, src: &Source<'_>) -> PolicyFile {
        let syntax = crate::structured::detect_syntax(src.name, src.text);
        let (plain, directives) = blank_directives(src.text);
        let parsed = match syntax {
            SourceKind::Json => parse_json(&plain, &src.opts.limits),
            SourceKind::Yaml => parse_yaml(&plain, &src.opts.limits),
        };
        let mut file = PolicyFile::empty("cloudformation-jinja", syntax, FileKind::NotAPolicy);
        let first = directives.first().copied().unwrap_or_default();
        let templates: Vec<_> = parsed
            .documents
            .iter()
            .filter(|r| cloudformation::is_template(r))
            .collect();
        if !parsed.errors.is_empty() || templates.is_empty() {
            let n = policy_count(src.text);
            let why = match parsed.errors.first() {
                Some(e) => {
                    let at = iamlint_syntax::LineIndex::new(&plain).line_col(&plain, e.span.start);
                    format!(
                        "with its Jinja directives taken out it still does not parse (line {}: {})",
                        at.line, e.message
                    )
                }
                None => "with its Jinja directives taken out it is not a template".to_string(),
            };
            file.issues.push(ModelIssue {
                kind: IssueKind::Unchecked,
                span: first,
                path: String::new(),
                message: format!(
                    "this CloudFormation template is a Jinja template, and {why}: its {n} {} not checked",
                    if n == 1 { "policy is" } else { "policies are" }
                ),
                related: None,
            });
            file.kind = FileKind::Other;
            return file;
        }
        for root in templates {
            cloudformation::extract(root, &plain, src.opts, &mut file);
        }
        // `{{ value }}`, read as `(( value ))`: a template variable
        for d in &mut file.documents {
            d.for_each_text_mut(&mut |t| template_holes(t, &src.opts.vars));
        }
        for m in &mut file.managed_policies {
            template_holes(&mut m.arn, &src.opts.vars);
        }
        let controls = directives.len();
        file.issues.push(ModelIssue {
            kind: IssueKind::Unchecked,
            span: first,
            path: String::new(),
            message: format!(
                "this CloudFormation template is a Jinja template: it is checked with its {controls} `{{% %}}` {} taken out and its `{{{{ }}}}` values unknown, so both sides of each `{{% if %}}` and one pass of each `{{% for %}}` are read; check the rendered template too",
                if controls == 1 { "directive" } else { "directives" }
            ),
            related: None,
        });
        file.kind = FileKind::CloudFormation;
        crate::attach_duplicate_keys(&mut file);
        file
    }

    fn comments(&self, text: &str) -> Vec<iamlint_policy::Comment> {
        crate::line_comments(text, "#")
    }
}

/// Whether a line of the text starts with a `{%` directive.
fn has_control_lines(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with("{%"))
}

/// Whether the text holds Jinja: a `{%` directive or a `{{ ... }}` that is not
/// CloudFormation's `{{resolve:...}}`.
pub(crate) fn is_jinja(text: &str) -> bool {
    if text.contains("{%") {
        return true;
    }
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = rest[i + 2..].trim_start();
        if !after.starts_with("resolve:") {
            return true;
        }
        rest = &rest[i + 2..];
    }
    false
}

/// The text with `{% ... %}` and `{# ... #}` blanked (spaces; line breaks kept) and each
/// `{{ ... }}` written `(( ... ))` (a plain YAML scalar), and where the directives were.
fn blank_directives(text: &str) -> (String, Vec<Span>) {
    let mut bytes = text.as_bytes().to_vec();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let (open, close): (&[u8], &[u8]) = match (bytes[i], bytes[i + 1]) {
            (b'{', b'%') => (b"{%", b"%}"),
            (b'{', b'#') => (b"{#", b"#}"),
            (b'{', b'{') => (b"{{", b"}}"),
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(end) = find(&bytes[i + 2..], close).map(|n| i + 2 + n + 2) else {
            break;
        };
        if open == b"{{" {
            let inner = String::from_utf8_lossy(&bytes[i + 2..end - 2])
                .trim()
                .to_string();
            if !inner.starts_with("resolve:") {
                bytes[i] = b'(';
                bytes[i + 1] = b'(';
                bytes[end - 2] = b')';
                bytes[end - 1] = b')';
            }
        } else {
            if open == b"{%" {
                spans.push(Span::new(to_u32(i), to_u32(end)));
            }
            for b in &mut bytes[i..end] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
        }
        i = end;
    }
    // only ASCII bytes were replaced, by ASCII bytes, and only inside `{...}` pairs of
    // ASCII: the text stays UTF-8
    (
        String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()),
        spans,
    )
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many policies the text seems to hold (their property names).
fn policy_count(text: &str) -> usize {
    [
        "AssumeRolePolicyDocument",
        "PolicyDocument",
        "KeyPolicy",
        "RepositoryPolicyText",
        "AccessPolicies",
    ]
    .iter()
    .map(|k| text.matches(k).count())
    .sum::<usize>()
        - text.matches("AssumeRolePolicyDocument").count()
}

/// `(( name ))` in a value's literals: a template variable (or its `--var` value).
fn template_holes(t: &mut Text, vars: &iamlint_policy::Vars) {
    if !t
        .parts
        .iter()
        .any(|p| matches!(p, Part::Literal(s) if s.contains("((")))
    {
        return;
    }
    let mut parts = Vec::new();
    for p in t.parts.iter() {
        let Part::Literal(s) = p else {
            parts.push(p.clone());
            continue;
        };
        let mut rest = s.as_str();
        while let Some(i) = rest.find("((") {
            let Some(close) = rest[i..].find("))") else {
                break;
            };
            let name = rest[i + 2..i + close].trim();
            parts.push(Part::Literal(rest[..i].to_string()));
            parts.push(match vars.get(name) {
                Some(v) => Part::Literal(v.clone()),
                None => Part::Hole {
                    kind: HoleKind::TemplateVar,
                    name: name.to_string(),
                },
            });
            rest = &rest[i + close + 2..];
        }
        parts.push(Part::Literal(rest.to_string()));
    }
    normalize_parts(&mut parts);
    t.parts = Parts::from(parts);
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_blanked_in_place() {
        let text = "{%- for q in queues %}\n  {{ q }}Role: {{resolve:ssm:x}}\n{% endfor %}\n";
        let (plain, spans) = blank_directives(text);
        assert_eq!(plain.len(), text.len());
        assert_eq!(
            plain,
            "                      \n  (( q ))Role: {{resolve:ssm:x}}\n            \n"
        );
        assert_eq!(spans.len(), 2);
        assert!(is_jinja(text));
        assert!(has_control_lines(text));
        assert!(!is_jinja("Value: '{{resolve:ssm:param}}'"));
        assert!(!has_control_lines("Value: '{{ ssm_param }}'"));
    }
}
