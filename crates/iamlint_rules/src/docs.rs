//! Rule documentation pages, generated from each rule's doc comment. `docs/rules/` holds
//! one page per rule plus an index; a test checks they are fresh
//! (`IAMLINT_UPDATE_DOCS=1 cargo test -p iamlint_rules --test docs` rewrites them).

use crate::registry::all_rules;
use iamlint_report::RuleInfo;

/// The doc comment with the one leading space of `/// ` removed from each line.
fn body(info: &RuleInfo) -> String {
    let mut out = String::new();
    for line in info.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    // `expect_diagnostic` is for the test harness; readers see plain fences.
    out.replace(" expect_diagnostic", "")
}

/// The markdown page of one rule.
pub fn rule_page(info: &RuleInfo) -> String {
    format!(
        "# {name} ({code})\n\n{summary}.\n\n| code | name | group | default severity | enabled by default |\n|---|---|---|---|---|\n| `{code}` | `{name}` | {group} | {sev} | {on} |\n\n{body}",
        name = info.name,
        code = info.code,
        summary = capitalize(info.summary),
        group = info.group,
        sev = info.default_severity.as_str(),
        on = if info.enabled_by_default { "yes" } else { "no" },
        body = body(info),
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `docs/rules/README.md`: every rule in a table.
pub fn index_page() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rules' doc comments (`crates/iamlint_rules/src/rules/`); do not edit by hand.\n\n| code | name | group | severity | enabled | summary |\n|---|---|---|---|---|---|\n",
    );
    for r in all_rules() {
        let i = r.info();
        out.push_str(&format!(
            "| `{}` | [`{}`]({}.md) | {} | {} | {} | {} |\n",
            i.code,
            i.name,
            i.name,
            i.group,
            i.default_severity.as_str(),
            if i.enabled_by_default { "yes" } else { "no" },
            i.summary
        ));
    }
    out
}
