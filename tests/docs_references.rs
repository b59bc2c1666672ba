#![allow(clippy::unwrap_used)]
//! The documentation names only rules that exist, pairs each code with its own name, and
//! links only to files that exist.
//!
//! Read: README.md, CONTRIBUTING.md and every Markdown file under docs/ (the generated
//! rule pages too). The rules are those `iamlint rules --format json` lists.
//!
//! - Every rule code (`IAM` and three digits) is a rule's code.
//! - A code written next to a name (`IAM201 full-admin`, ``| IAM201 | `full-admin` |``,
//!   `` `full-admin` (IAM201)``, a JSON finding's `"code"` and `"name"`) is that rule's.
//! - A name written where a rule is meant is a rule's name: a rule page (`rules/NAME.md`,
//!   as a link or a URL), a suppression (`iamlint:ignore[...]`, `rule: NAME`,
//!   `rule = "NAME"`), a selector (`--select`, `--ignore`, `--extend-select`, the
//!   configuration's `select`, `ignore` and `enable`, `iamlint explain NAME`), and prose
//!   that says so (`` the `NAME` rule``, ``rule `NAME` ``).
//! - Every relative Markdown link outside code blocks resolves to an existing file.

use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// code → name, from the binary.
fn rules() -> BTreeMap<String, String> {
    let out = assert_cmd::Command::cargo_bin("iamlint")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut out = vec![repo().join("README.md"), repo().join("CONTRIBUTING.md")];
    walk(&repo().join("docs"), &mut out);
    out.sort();
    out
}

/// The text outside fenced code blocks (code lines blanked, so line numbers stay).
fn prose(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// The problems of one file, `file:line: what`.
fn check_file(
    path: &Path,
    shown: &str,
    rules: &BTreeMap<String, String>,
    problems: &mut Vec<String>,
) {
    let text = std::fs::read_to_string(path).unwrap();
    let names: BTreeMap<&str, &str> = rules
        .iter()
        .map(|(c, n)| (n.as_str(), c.as_str()))
        .collect();
    let mut report = |at: usize, what: String| {
        problems.push(format!("{shown}:{}: {what}", line_of(&text, at)));
    };
    const NAME: &str = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+";

    // every code exists
    for m in Regex::new(r"\bIAM\d{3}\b").unwrap().find_iter(&text) {
        if !rules.contains_key(m.as_str()) {
            report(m.start(), format!("no rule has the code `{}`", m.as_str()));
        }
    }

    // a code and a name written together are one rule's
    let pairs = [
        // `IAM201 full-admin`, `[IAM201 full-admin]`, `IAM201` `full-admin`
        (format!(r"\b(IAM\d{{3}})`?[ \t]+`?({NAME})\b"), false),
        // | IAM201 | `full-admin` |
        (format!(r"\b(IAM\d{{3}})\s*\|\s*`({NAME})`"), false),
        // a JSON finding: "code": "IAM201", "name": "full-admin"
        (
            format!(r#""code":\s*"(IAM\d{{3}})",\s*"name":\s*"({NAME})""#),
            false,
        ),
        // `full-admin` (IAM201), [`full-admin`](rules/full-admin.md) (IAM201)
        (
            format!(r"`({NAME})`(?:\]\([^)]*\))?\s*\((IAM\d{{3}})\)"),
            true,
        ),
    ];
    for (re, name_first) in &pairs {
        for c in Regex::new(re).unwrap().captures_iter(&text) {
            let (code, name) = if *name_first {
                (c.get(2).unwrap(), c.get(1).unwrap())
            } else {
                (c.get(1).unwrap(), c.get(2).unwrap())
            };
            match (rules.get(code.as_str()), names.get(name.as_str())) {
                (Some(n), _) if n == name.as_str() => {}
                (Some(n), _) => report(
                    name.start(),
                    format!(
                        "`{}` is written with `{}`, but {} is `{n}`",
                        name.as_str(),
                        code.as_str(),
                        code.as_str()
                    ),
                ),
                (None, _) => {} // reported above
            }
        }
    }

    // names where a rule is meant
    let mut named: Vec<(usize, &str)> = Vec::new();
    let single = [
        // a rule's page, as a relative link or a URL
        format!(r"\brules/({NAME}|[a-z]+)\.md\b"),
        // suppressions
        format!(r#"\brule:\s*"?({NAME})\b"#),
        format!(r#"\brule\s*=\s*"({NAME})""#),
        // `iamlint explain NAME`
        format!(r"\biamlint explain ({NAME})\b"),
        // prose
        format!(r"`({NAME})`\s+rules?\b"),
        format!(r"\brules?\s+`({NAME})`"),
    ];
    for re in &single {
        for c in Regex::new(re).unwrap().captures_iter(&text) {
            let m = c.get(1).unwrap();
            named.push((m.start(), m.as_str()));
        }
    }
    // lists of selectors: `iamlint:ignore[a, b]`, `--select a,b`, `select = ["a", "b"]`
    let lists = [
        r"iamlint:ignore\[([^\]\n]*)\]",
        r"--(?:select|ignore|extend-select)[ =]([A-Za-z0-9_,-]+)",
        r"(?m)^\s*(?:select|ignore|enable)\s*=\s*\[([^\]]*)\]",
    ];
    let code_like = Regex::new(r"^(?i:IAM\d{0,3}|ALL)$").unwrap();
    let is_name = Regex::new(&format!("^{NAME}$")).unwrap();
    for re in lists {
        for c in Regex::new(re).unwrap().captures_iter(&text) {
            let list = c.get(1).unwrap();
            let mut at = list.start();
            for item in list.as_str().split(',') {
                let t = item.trim().trim_matches('"');
                // anything else is a placeholder (`iamlint:ignore[CODE]`, `[...]`)
                if !code_like.is_match(t) && is_name.is_match(t) {
                    named.push((at, t));
                }
                at += item.len() + 1;
            }
        }
    }
    for (at, name) in named {
        if !names.contains_key(name) {
            report(at, format!("no rule is named `{name}`"));
        }
    }

    // relative links resolve
    let prose = prose(&text);
    let link = Regex::new(r"\]\(([^)\s]+)(?:\s+[^)]*)?\)|(?m)^\[[^\]]+\]:\s*(\S+)").unwrap();
    for c in link.captures_iter(&prose) {
        let target = c.get(1).or_else(|| c.get(2)).unwrap();
        let t = target.as_str().trim_matches(|c| c == '<' || c == '>');
        if t.starts_with('#') || t.contains("://") || t.starts_with("mailto:") {
            continue;
        }
        let file = t.split('#').next().unwrap();
        let resolved = path.parent().unwrap().join(file);
        if !resolved.exists() {
            problems.push(format!(
                "{shown}:{}: the link `{t}` leads nowhere ({} does not exist)",
                line_of(&prose, target.start()),
                file
            ));
        }
    }
}

#[test]
fn docs_name_existing_rules_and_link_existing_files() {
    let rules = rules();
    assert!(rules.len() > 50, "the rule list: {}", rules.len());
    let mut problems = Vec::new();
    for f in markdown_files() {
        let shown = f.strip_prefix(repo()).unwrap().display().to_string();
        check_file(&f, &shown, &rules, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The checker finds what it is meant to find (a wrong code, a wrong pairing, a rule
/// name that does not exist, a dead link) and passes what is right.
#[test]
fn the_checker_finds_each_kind_of_problem() {
    let rules = rules();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.md");
    std::fs::write(dir.path().join("there.md"), "").unwrap();
    std::fs::write(
        &page,
        "warning[IAM202 service-wildcard]: right\n\
         error[IAM201 service-wildcard]: wrong pairing\n\
         IAM999 does not exist\n\
         see [the rule](rules/passrole-to-any-role.md) and the `invalid-syntax` rule\n\
         `# iamlint:ignore[IAM202, full-admin, no-such-rule] why`\n\
         [here](there.md#anchor), [not here](missing.md), [web](https://example.com/x.md)\n",
    )
    .unwrap();
    let mut problems = Vec::new();
    check_file(&page, "page.md", &rules, &mut problems);
    let joined = problems.join("\n");
    for expected in [
        ":2: `service-wildcard` is written with `IAM201`, but IAM201 is `full-admin`",
        ":3: no rule has the code `IAM999`",
        ":4: no rule is named `passrole-to-any-role`",
        ":4: no rule is named `invalid-syntax`",
        ":5: no rule is named `no-such-rule`",
        ":4: the link `rules/passrole-to-any-role.md` leads nowhere",
        ":6: the link `missing.md` leads nowhere",
    ] {
        assert!(joined.contains(expected), "{expected} in\n{joined}");
    }
    assert_eq!(problems.len(), 7, "{joined}");
}
