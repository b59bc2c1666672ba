#![allow(clippy::unwrap_used)]
//! Every rule is tested three ways:
//! 1. `fixtures/rules/<name>/invalid/*` must give at least one diagnostic of that rule
//!    (run with only that rule enabled), and the full rendered diagnostic is snapshotted
//!    beside the input (`<case>.snap`, colourless, fixed width);
//! 2. `fixtures/rules/<name>/valid/*` must give none;
//! 3. the examples in the rule's doc comment run: an `expect_diagnostic` block gives
//!    exactly one diagnostic of the rule, a plain block under "Use instead" gives none.
//!
//! A rule without a fixture directory, or without valid and invalid cases, fails.

use iamlint_catalog::Catalog;
use iamlint_formats::{load_text, LoadOptions};
use iamlint_policy::PolicyKind;
use iamlint_report::{render, Format, RenderOptions, Report, SourceFile};
use iamlint_rules::registry::all_rules;
use iamlint_rules::{
    check_file, CheckOptions, DeployRole, Diagnostic, Reference, RuleData, RuleSelection,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules")
}

/// Options for a fixture: a first-line comment `iamlint-test: policy-type=trust`
/// (YAML `#`) or a sibling `<case>.options` file with `policy-type=...`.
fn options_for(path: &Path, text: &str) -> (LoadOptions, Vec<String>) {
    let mut opts = LoadOptions::default();
    let mut extra = Vec::new();
    let mut spec = String::new();
    if let Ok(s) = std::fs::read_to_string(path.with_extension("options")) {
        spec.push_str(&s);
    }
    if let Some(first) = text.lines().next() {
        if let Some(rest) = first
            .trim_start_matches('#')
            .trim()
            .strip_prefix("iamlint-test:")
        {
            spec.push_str(rest);
        }
    }
    for kv in spec.split_whitespace() {
        if let Some(k) = kv.strip_prefix("policy-type=") {
            opts.forced_kind = PolicyKind::parse(k);
        }
        if let Some(o) = kv.strip_prefix("option:") {
            // `option:RULE.KEY=VALUE`: a rule option, as `[rules.options.RULE]` gives it
            extra.push(format!("option:{o}"));
        }
        if let Some(k) = kv.strip_prefix("select=") {
            extra.extend(k.split(',').map(str::to_string));
        }
        if let Some(v) = kv.strip_prefix("var:") {
            if let Some((n, val)) = v.split_once('=') {
                opts.vars.insert(n.replace('_', " "), val.to_string());
            }
        }
    }
    (opts, extra)
}

pub fn run_rule(
    rule: &str,
    name: &str,
    text: &str,
    (opts, extra): &(LoadOptions, Vec<String>),
) -> Vec<Diagnostic> {
    let mut select = vec![rule.to_string()];
    let mut rule_options: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for e in extra {
        if let Some(o) = e.strip_prefix("option:") {
            let (k, v) = o.split_once('=').expect("option:RULE.KEY=VALUE");
            let (r, key) = k.split_once('.').expect("option:RULE.KEY=VALUE");
            // `var:AWS_ACCOUNT_ID` names the placeholder `<AWS ACCOUNT ID>` as `var:` does
            let key = match key.strip_prefix("var:") {
                Some(n) => format!("var:{}", n.replace('_', " ")),
                None => key.to_string(),
            };
            rule_options
                .entry(r.to_string())
                .or_default()
                .insert(key, v.to_string());
        } else {
            select.push(e.clone());
        }
    }
    let catalog = &Catalog::embedded();
    let data = &RuleData::new(catalog);
    let semantic = &iamlint_semantic::Semantic::with_managed(
        catalog,
        iamlint_managed::ManagedPolicies::embedded(),
    );
    // a reference is an input of the check: loaded here, as the program does
    let reference = rule_options.remove("exceeds-reference").map(|o| {
        let vars: iamlint_policy::Vars = o
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("var:")?.to_string(), v.clone())))
            .collect();
        let spec = o
            .get("reference")
            .expect("option:exceeds-reference.reference");
        Reference::load(semantic, data, spec, &vars, 1 << 20).expect("the reference loads")
    });
    let deploy_role = deploy_role_input(semantic, data, &mut rule_options, name, text);
    // `option:too-many-findings.limit=N`, as `[rules.options.too-many-findings]` gives it
    let max_findings_per_file = rule_options
        .remove("too-many-findings")
        .and_then(|o| o.get("limit").map(|l| l.parse().expect("a number")));
    let selection = RuleSelection {
        select,
        max_findings_per_file,
        ..RuleSelection::default()
    };
    let copts = CheckOptions {
        semantic,
        data,
        reference: reference.as_ref(),
        deploy_role: deploy_role.as_ref(),
        selection: &selection,
        config_suppressions: &[],
    };
    let source = SourceFile::new(name, text);
    let file = load_text(name, text, opts);
    let mut diags = check_file(&copts, &source, Ok(&file), true);
    diags.retain(|d| d.name == rule);
    diags
}

/// The deployment role of a case, as the program loads it: `option:RULE.role=PATH` (or
/// `this`: the case is the role), `templates=PATHS` (one per line; the case is the
/// template when not given), `operations=OPS`.
fn deploy_role_input(
    semantic: &iamlint_semantic::Semantic<'_>,
    data: &RuleData<'_>,
    rule_options: &mut BTreeMap<String, BTreeMap<String, String>>,
    name: &str,
    text: &str,
) -> Option<DeployRole> {
    let o = rule_options
        .remove("deploy-role-missing-permission")
        .or_else(|| rule_options.remove("deploy-role-unneeded-grant"))?;
    let spec = o.get("role").expect("option:RULE.role");
    let (role_name, role_text) = if spec == "this" {
        (name.to_string(), text.to_string())
    } else {
        let (n, t, _) = iamlint_rules::reference::resolve(data, spec, 1 << 20).expect("the role");
        (n, t)
    };
    let templates = match o.get("templates") {
        Some(list) => list
            .lines()
            .map(|p| iamlint_deploy::template::load(Path::new(p), 1 << 20).expect("a template"))
            .collect(),
        None => iamlint_deploy::template::parse(name, text.to_string(), None)
            .into_iter()
            .collect(),
    };
    let operations: Vec<iamlint_deploy::Handler> = o
        .get("operations")
        .map_or("create,update,delete", String::as_str)
        .split(',')
        .map(|s| iamlint_deploy::Handler::parse(s).expect("an operation"))
        .collect();
    Some(
        DeployRole::new(
            semantic,
            &role_name,
            role_text,
            templates,
            &operations,
            &iamlint_policy::Vars::new(),
        )
        .expect("the deployment role loads"),
    )
}

fn render_human(diags: Vec<Diagnostic>) -> String {
    let mut report = Report {
        diagnostics: diags,
        files_checked: 1,
        ..Report::default()
    };
    report.sort();
    render(
        &report,
        Format::Human,
        &RenderOptions {
            color: false,
            ..RenderOptions::default()
        },
    )
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| {
                        ["json", "yaml", "yml", "sh", "md", "txt", "rst", "tf"]
                            .iter()
                            .any(|x| e == *x)
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn every_rule_has_fixtures_and_they_hold() {
    let root = fixtures_root();
    let mut failures = Vec::new();
    for rule in all_rules() {
        let info = rule.info();
        let dir = root.join(info.name);
        let invalid = cases(&dir.join("invalid"));
        let valid = cases(&dir.join("valid"));
        if invalid.is_empty() && info.name != "unreadable-file" {
            failures.push(format!(
                "{}: no fixtures in {}/invalid",
                info.name,
                dir.display()
            ));
        }
        if valid.is_empty() {
            failures.push(format!(
                "{}: no fixtures in {}/valid",
                info.name,
                dir.display()
            ));
        }
        for case in &valid {
            let text = std::fs::read_to_string(case).unwrap();
            let name = format!("{}/valid/{}", info.name, file_name(case));
            let diags = run_rule(info.name, &name, &text, &options_for(case, &text));
            if !diags.is_empty() {
                failures.push(format!(
                    "{name}: expected no diagnostics, got:\n{}",
                    render_human(diags)
                ));
            }
        }
        for case in &invalid {
            let text = std::fs::read_to_string(case).unwrap();
            let name = format!("{}/invalid/{}", info.name, file_name(case));
            let diags = run_rule(info.name, &name, &text, &options_for(case, &text));
            if diags.is_empty() {
                failures.push(format!(
                    "{name}: expected a `{}` diagnostic, got none",
                    info.name
                ));
                continue;
            }
            let rendered = render_human(diags);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(case.parent().unwrap());
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(case);
            settings.set_omit_expression(true);
            let snap = file_name(case);
            settings.bind(|| insta::assert_snapshot!(snap, rendered));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().to_string()
}

/// The fenced examples of a rule's docs: (language, expect_diagnostic, text).
fn doc_examples(docs: &str) -> Vec<(String, bool, String)> {
    let mut out = Vec::new();
    let mut lines = docs.lines();
    while let Some(line) = lines.next() {
        let l = line.trim();
        let Some(info) = l.strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_string();
        let expect = words.any(|w| w == "expect_diagnostic");
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push_str(l.strip_prefix(' ').unwrap_or(l));
            body.push('\n');
        }
        if lang == "json" || lang == "yaml" || lang == "sh" || lang == "md" {
            out.push((lang, expect, body));
        }
    }
    out
}

#[test]
fn doc_examples_execute() {
    let mut failures = Vec::new();
    for rule in all_rules() {
        let info = rule.info();
        for (i, (lang, expect, body)) in doc_examples(info.docs).into_iter().enumerate() {
            let name = format!("{}-example-{i}.{lang}", info.name);
            let spec = options_for(Path::new("/nonexistent/doc-example"), &body);
            let diags = run_rule(info.name, &name, &body, &spec);
            if expect && diags.len() != 1 {
                failures.push(format!(
                    "{name}: expected exactly one `{}` diagnostic, got {}:\n{}",
                    info.name,
                    diags.len(),
                    render_human(diags)
                ));
            } else if !expect && !diags.is_empty() {
                failures.push(format!(
                    "{name}: expected no diagnostics, got:\n{}",
                    render_human(diags)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for r in all_rules() {
        let i = r.info();
        assert!(codes.insert(i.code), "duplicate code {}", i.code);
        assert!(names.insert(i.name), "duplicate name {}", i.name);
        assert!(
            i.code.len() == 6
                && i.code.starts_with("IAM")
                && i.code[3..].chars().all(|c| c.is_ascii_digit()),
            "bad code {}",
            i.code
        );
        assert!(
            i.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "name not kebab-case: {}",
            i.name
        );
        assert!(i.docs.contains("## What it does"), "{} has no docs", i.name);
        assert!(
            !i.summary.ends_with('.'),
            "{} summary ends with a period",
            i.name
        );
    }
}

#[test]
fn no_stale_fixture_directories() {
    let root = fixtures_root();
    for e in std::fs::read_dir(&root).unwrap().filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().to_string();
        assert!(
            iamlint_rules::registry::find_rule(&name).is_some(),
            "fixtures/rules/{name} belongs to no rule"
        );
    }
}

/// Every fix a rule attaches (to a finding of an invalid fixture or of a doc example)
/// resolves its finding: with the fix applied, the file reads as the same format with as
/// many documents and no syntax error, and the rule finds one finding fewer. The rules
/// that know fixes must offer some.
#[test]
fn fixes_resolve_their_findings() {
    let root = fixtures_root();
    let mut failures = Vec::new();
    let mut fixed: BTreeMap<&str, usize> = BTreeMap::new();
    for rule in all_rules() {
        let info = rule.info();
        let mut inputs: Vec<(String, String, (LoadOptions, Vec<String>))> = Vec::new();
        for case in cases(&root.join(info.name).join("invalid")) {
            let text = std::fs::read_to_string(&case).unwrap();
            let spec = options_for(&case, &text);
            inputs.push((
                format!("{}/invalid/{}", info.name, file_name(&case)),
                text,
                spec,
            ));
        }
        for (i, (lang, expect, body)) in doc_examples(info.docs).into_iter().enumerate() {
            if expect {
                let spec = options_for(Path::new("/nonexistent/doc-example"), &body);
                inputs.push((format!("{}-example-{i}.{lang}", info.name), body, spec));
            }
        }
        for (name, text, spec) in &inputs {
            let diags = run_rule(info.name, name, text, spec);
            let before = load_text(name, text, &spec.0);
            for d in &diags {
                for fix in &d.fixes {
                    let Some(after) = fix.apply(text) else {
                        failures.push(format!("{name}: `{}` does not apply", fix.title));
                        continue;
                    };
                    let file = load_text(name, &after, &spec.0);
                    let left = run_rule(info.name, name, &after, spec);
                    if file.format != before.format
                        || file.documents.len() != before.documents.len()
                        || file.syntax_errors.len() > before.syntax_errors.len()
                        || left.len() >= diags.len()
                    {
                        failures.push(format!(
                            "{name}: `{}` does not resolve `{}`:\n{after}\n{}",
                            fix.title,
                            d.message,
                            render_human(left)
                        ));
                    }
                    *fixed.entry(info.name).or_default() += 1;
                }
            }
        }
    }
    for rule in [
        "missing-version",
        "deprecated-managed-policy",
        "unknown-action",
        "unknown-service",
    ] {
        if !fixed.contains_key(rule) {
            failures.push(format!("{rule}: no finding of it has a fix"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("fixes checked: {fixed:?}");
}
