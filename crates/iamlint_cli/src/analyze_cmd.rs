//! `diff`, `summarize`, `tighten` and `references`: the least-privilege analyzer's commands.

use iamlint_analyzer::{Diff, Policy, RiskData, VarTable};
use iamlint_catalog::Catalog;
use iamlint_policy::LoadOptions;
use iamlint_report::{Diagnostic, Label, Report, Severity, SourceFile};
use std::path::Path;
use std::process::ExitCode;

/// The rule excess grants are reported as.
const CODE: &str = "IAM601";
const NAME: &str = "exceeds-reference";

fn read(path: &Path, opts: &LoadOptions) -> Result<(String, String), String> {
    let name = path.display().to_string();
    if name == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        let text = iamlint_policy::bytes_to_text(bytes).map_err(|e| format!("`-`: {e}"))?;
        return Ok((name, text));
    }
    let text = iamlint_policy::read_text(path, opts.max_file_size)
        .map_err(|e| format!("`{name}`: {e}"))?;
    Ok((name, text))
}

/// A reference: `builtin:NAME` (see `iamlint references`) or a file path. Returns (display
/// name, text).
pub fn load_reference(spec: &str, opts: &LoadOptions) -> Result<(String, String), String> {
    if spec == "-" {
        return read(Path::new(spec), opts);
    }
    iamlint_rules::rules::exceeds_reference::resolve_reference(spec, opts.max_file_size)
        .map(|(name, text, _)| (name, text))
}

fn load_pair(
    catalog: &Catalog,
    reference: &str,
    policy: &Path,
    opts: &LoadOptions,
) -> Result<(Policy, Policy, VarTable), String> {
    let mut vars = VarTable::default();
    let (rn, rt) = load_reference(reference, opts)?;
    let r = Policy::load(catalog, &rn, &rt, opts, &mut vars).map_err(|e| e.to_string())?;
    let (pn, pt) = read(policy, opts)?;
    let p = Policy::load(catalog, &pn, &pt, opts, &mut vars).map_err(|e| e.to_string())?;
    Ok((p, r, vars))
}

/// Diagnostics for every excess of a diff (`exceeds-reference`, on the statement's actions).
pub fn diagnostics(
    catalog: &Catalog,
    diff: &Diff,
    source: &std::sync::Arc<SourceFile>,
) -> Vec<Diagnostic> {
    diff.excess
        .iter()
        .map(|e| {
            let d = e.describe(catalog);
            Diagnostic {
                code: CODE,
                name: NAME,
                severity: if e.possible {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                message: d.message,
                file: source.clone(),
                primary: Some(Label::new(e.span, d.label)),
                secondary: Vec::new(),
                path: e.path.clone(),
                help: Some("remove the extra grants, or run `iamlint tighten` for a policy within the reference".into()),
                notes: d.notes,
                fingerprint: String::new(),
            }
        })
        .collect()
}

/// `iamlint diff --reference REF POLICY`: exit 1 when the policy grants beyond the
/// reference, 0 when within it.
pub fn diff(
    catalog: &Catalog,
    reference: &str,
    policy: &Path,
    json: bool,
    opts: &LoadOptions,
) -> Result<ExitCode, String> {
    let (p, r, vars) = load_pair(catalog, reference, policy, opts)?;
    let d = iamlint_analyzer::diff_policies(catalog, &p, &r, &vars);
    if json {
        println!("{}", d.to_json());
    } else {
        let mut report = Report {
            diagnostics: diagnostics(catalog, &d, &p.source),
            files_checked: 1,
            ..Report::default()
        };
        report.sort();
        let out = iamlint_report::render(
            &report,
            iamlint_report::Format::Human,
            &iamlint_report::RenderOptions {
                summary: false,
                ..Default::default()
            },
        );
        print!("{out}");
        for n in &d.notes {
            println!("note: {}:{}:{}: {}", n.file, n.line, n.column, n.message);
        }
        if d.within_reference {
            println!(
                "`{}` is within the reference `{}`",
                p.source.name, r.source.name
            );
        } else {
            let possible = d.excess.iter().filter(|e| e.possible).count();
            println!(
                "`{}` grants beyond the reference `{}`: {} excess grant{}{}",
                p.source.name,
                r.source.name,
                d.excess.len(),
                if d.excess.len() == 1 { "" } else { "s" },
                if possible > 0 {
                    format!(" ({possible} possible)")
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(if d.within_reference {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The curated risk lists of `rules/`.
pub fn risk_data() -> RiskData {
    let s = iamlint_rules::data::sensitive();
    RiskData {
        escalation_paths: iamlint_rules::data::escalation_paths()
            .iter()
            .map(|p| (p.id.clone(), p.name.clone(), p.actions.clone()))
            .collect(),
        credentials: s
            .credentials_exposure
            .actions
            .iter()
            .map(|a| a.action.clone())
            .collect(),
        exfiltration: s
            .data_exfiltration
            .actions
            .iter()
            .map(|a| a.action.clone())
            .collect(),
    }
}

/// `iamlint summarize POLICY...`.
pub fn summarize(
    catalog: &Catalog,
    paths: &[std::path::PathBuf],
    json: bool,
    opts: &LoadOptions,
) -> Result<ExitCode, String> {
    let risks = risk_data();
    let mut out = Vec::new();
    for path in paths {
        let (name, text) = read(path, opts)?;
        let mut vars = VarTable::default();
        let p = Policy::load(catalog, &name, &text, opts, &mut vars).map_err(|e| e.to_string())?;
        out.push(iamlint_analyzer::summarize(catalog, &p, &risks));
    }
    if json {
        let v: Vec<serde_json::Value> = out
            .iter()
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .collect();
        let doc = if v.len() == 1 {
            v.into_iter().next().unwrap_or_default()
        } else {
            serde_json::Value::Array(v)
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for s in &out {
        println!("{}: {} actions granted", s.file, s.actions_granted);
        println!(
            "  {:<22} {:>9}  {:<40} risks",
            "service", "actions", "access levels"
        );
        for svc in &s.services {
            let levels = svc
                .access_levels
                .iter()
                .map(|(l, n)| format!("{n} {l}"))
                .collect::<Vec<_>>()
                .join(", ");
            let risks = svc
                .risks
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            println!(
                "  {:<22} {:>4}/{:<4}  {:<40} {}",
                svc.service, svc.actions_granted, svc.actions_total, levels, risks
            );
            println!("      on: {}", svc.resources.join(", "));
            if !svc.conditions.is_empty() {
                let mut c = svc.conditions.join("; or ");
                if svc.unconditional {
                    c.push_str("; and without conditions");
                }
                println!("      when: {c}");
            }
        }
        for p in &s.escalation_paths {
            println!("  privilege escalation path fully granted: {p}");
        }
        if !s.unresolved_actions.is_empty() {
            println!(
                "  not counted (unknown values): {}",
                s.unresolved_actions.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `iamlint tighten --reference REF POLICY`: the intersection as a policy, in the
/// policy's syntax.
pub fn tighten(
    catalog: &Catalog,
    reference: &str,
    policy: &Path,
    opts: &LoadOptions,
) -> Result<ExitCode, String> {
    let (p, r, vars) = load_pair(catalog, reference, policy, opts)?;
    let t = iamlint_analyzer::tighten(catalog, &p, &r, &vars);
    print!("{}", t.render(p.syntax));
    for n in &t.notes {
        eprintln!("note: {n}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `iamlint references`: the built-in reference policies.
pub fn references(json: bool) -> Result<ExitCode, String> {
    let refs = iamlint_rules::data::references();
    if json {
        let v: Vec<serde_json::Value> = refs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "reference": format!("builtin:{}", r.name),
                    "kind": kind_str(r.kind),
                    "title": r.title,
                    "source": r.source,
                    "placeholders": r.placeholders,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for r in refs {
        println!("builtin:{:<45} {:<9} {}", r.name, kind_str(r.kind), r.title);
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_str(k: iamlint_rules::data::ReferenceKind) -> &'static str {
    match k {
        iamlint_rules::data::ReferenceKind::Identity => "identity",
        iamlint_rules::data::ReferenceKind::Trust => "trust",
    }
}
