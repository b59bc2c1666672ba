//! `iamlint expand`, `iamlint catalog info|show`, `iamlint rules`, `iamlint explain`.

use iamlint_catalog::{ActionId, ActionSet, Catalog};
use iamlint_matcher::{ActionPattern, ExpandError, Glob, GlobOptions};
use serde_json::json;
use std::process::ExitCode;

/// `iamlint --version`: the version and the catalog's data date.
pub fn version_line(catalog: &Catalog) -> String {
    format!(
        "{} (AWS catalog {})",
        env!("CARGO_PKG_VERSION"),
        catalog.provenance().data_date
    )
}

/// `check`: print [`catalog_age_note`] on standard error, for the embedded catalog
/// (`embedded`; a catalog given with `--catalog` is the user's choice).
pub fn note_catalog_age(catalog: &Catalog, embedded: bool) {
    if let Some(note) = embedded.then(|| catalog_age_note(catalog)).flatten() {
        eprintln!("{note}");
    }
}

/// How old the catalog may be before `check` says so, in days.
pub const CATALOG_AGE_NOTE_DAYS: i64 = 180;

/// A one-line note for `check` when `catalog` (the embedded one) is older than
/// [`CATALOG_AGE_NOTE_DAYS`]: the actions, resource types and keys AWS added since are
/// unknown to it. Today is the system's date, or `IAMLINT_TODAY` (`YYYY-MM-DD`, for tests).
pub fn catalog_age_note(catalog: &Catalog) -> Option<String> {
    let date = &catalog.provenance().data_date;
    let data = days_from_date(date)?;
    let today = match std::env::var("IAMLINT_TODAY") {
        Ok(t) => days_from_date(&t)?,
        Err(_) => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            i64::try_from(secs / 86_400).ok()?
        }
    };
    let age = today - data;
    (age > CATALOG_AGE_NOTE_DAYS).then(|| {
        format!(
            "note: the embedded AWS catalog is {age} days old (data of {date}): actions, \
             resource types and condition keys AWS added since are unknown to it; update \
             iamlint, or give a newer catalog with `--catalog`"
        )
    })
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar).
fn days_from_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // counted from 1 March, so that the leap day ends the year
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn pattern_error(raw: &str, e: &ExpandError) -> String {
    format!("`{raw}`: {e}")
}

/// Expand every pattern; `--not` gives the complement of their union.
pub fn expand(
    catalog: &Catalog,
    patterns: &[String],
    not: bool,
    json_out: bool,
) -> Result<ExitCode, String> {
    let mut set = ActionSet::empty(catalog.action_count());
    let mut errors = Vec::new();
    for raw in patterns {
        if !raw.contains(':') && raw != "*" && iamlint_matcher::has_wildcard(raw) {
            // `*Object*`: not a policy action (IAM wants `service:action`), but a useful
            // query: every action whose `service:action` name matches, case-insensitively.
            let query = Glob::new(
                raw,
                GlobOptions {
                    ignore_ascii_case: true,
                    ..GlobOptions::default()
                },
            );
            let mut matched = false;
            for a in 0..u32::try_from(catalog.action_count()).unwrap_or(u32::MAX) {
                if query.is_match(catalog.action_key(a)) {
                    set.insert(a);
                    matched = true;
                }
            }
            if !matched {
                errors.push(format!("`{raw}` matches no action in the catalog"));
            }
            continue;
        }
        let p = match ActionPattern::parse(raw) {
            Ok(p) => p,
            Err(e) => {
                errors.push(format!("`{raw}`: {e}"));
                continue;
            }
        };
        match iamlint_matcher::expand_checked(catalog, &p) {
            Ok(s) => set.union_with(&s),
            Err(e) => errors.push(pattern_error(raw, &e)),
        }
    }
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: {e}");
        }
        return Ok(ExitCode::from(2));
    }
    if not {
        set = set.complement();
    }
    if json_out {
        let actions: Vec<serde_json::Value> = set.iter().map(|a| action_json(catalog, a)).collect();
        let v = json!({"count": actions.len(), "actions": actions});
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        let mut out = String::with_capacity(set.len() * 24);
        for a in set.iter() {
            out.push_str(catalog.service_prefix(catalog.action_service(a)));
            out.push(':');
            out.push_str(catalog.action_name(a));
            out.push('\n');
        }
        out!("{out}");
    }
    Ok(ExitCode::SUCCESS)
}

fn action_json(catalog: &Catalog, a: ActionId) -> serde_json::Value {
    let resources: Vec<serde_json::Value> = catalog
        .action_resources(a)
        .map(|r| {
            json!({
                "resource_type": catalog.resource_type_name(r.resource_type),
                "required": r.required,
                "arn_formats": catalog.resource_type_arn_formats(r.resource_type).collect::<Vec<_>>(),
                "condition_keys": r.condition_keys.iter().collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "action": catalog.action_full_name(a),
        "access_level": catalog.access_level(a).as_str(),
        "resource_types": resources,
        "condition_keys": catalog.action_condition_keys(a).collect::<Vec<_>>(),
        "dependent_actions": catalog.dependent_actions(a).collect::<Vec<_>>(),
    })
}

pub fn info(catalog: &Catalog, json_out: bool) -> Result<ExitCode, String> {
    let p = catalog.provenance();
    if json_out {
        let v = json!({
            "source": p.source,
            "version": p.version,
            "data_date": p.data_date,
            "imported_at": p.imported_at,
            "licence": p.licence,
            "sha256": p.sha256,
            "services": catalog.service_count(),
            "actions": catalog.action_count(),
            "resource_types": catalog.resource_type_count(),
            "condition_keys": catalog.condition_key_count(),
            "managed_policies": crate::managed_cmd::info_json(&iamlint_managed::ManagedPolicies::embedded()),
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        outln!("source:          {}", p.source);
        outln!("version:         {}", p.version);
        outln!("data date:       {}", p.data_date);
        outln!("imported:        {}", p.imported_at);
        outln!("licence:         {}", p.licence);
        outln!("sha256:          {}", p.sha256);
        outln!("services:        {}", catalog.service_count());
        outln!("actions:         {}", catalog.action_count());
        outln!("resource types:  {}", catalog.resource_type_count());
        outln!("condition keys:  {}", catalog.condition_key_count());
        out!(
            "{}",
            crate::managed_cmd::info_lines(&iamlint_managed::ManagedPolicies::embedded())
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(catalog: &Catalog, name: &str, json_out: bool) -> Result<ExitCode, String> {
    let Some(a) = catalog.find_action(name) else {
        let hint = match name.split_once(':') {
            Some((svc, act)) => match catalog.service_by_prefix(svc) {
                Some(s) => catalog
                    .suggest_action(s, act)
                    .map(|x| format!("; did you mean `{}`?", catalog.action_full_name(x))),
                None => catalog
                    .suggest_service(svc)
                    .map(|x| format!("; no service `{svc}`, did you mean `{x}`?")),
            },
            None => None,
        };
        return Err(format!(
            "`{name}` is not an action in the catalog{}",
            hint.unwrap_or_default()
        ));
    };
    if json_out {
        outln!(
            "{}",
            serde_json::to_string_pretty(&action_json(catalog, a)).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let s = catalog.action_service(a);
    outln!("{}", catalog.action_full_name(a));
    outln!(
        "  service:       {} ({})",
        catalog.service_prefix(s),
        catalog.service_name(s)
    );
    outln!("  access level:  {}", catalog.access_level(a).as_str());
    let res: Vec<_> = catalog.action_resources(a).collect();
    if res.is_empty() {
        outln!("  resource types: none (the action only works with `\"Resource\": \"*\"`)");
    } else {
        outln!("  resource types:");
        for r in res {
            outln!(
                "    {}{}",
                catalog.resource_type_name(r.resource_type),
                if r.required { " (required)" } else { "" }
            );
            for f in catalog.resource_type_arn_formats(r.resource_type) {
                outln!("      {f}");
            }
            let keys: Vec<&str> = r.condition_keys.iter().collect();
            if !keys.is_empty() {
                outln!("      condition keys: {}", keys.join(", "));
            }
        }
    }
    let keys: Vec<&str> = catalog.action_condition_keys(a).collect();
    if !keys.is_empty() {
        outln!("  condition keys:");
        for k in keys {
            let ty = catalog
                .condition_key(k)
                .map(|i| {
                    format!(
                        "{:?}{}",
                        i.ty.base,
                        if i.ty.multivalued {
                            " (multivalued)"
                        } else {
                            ""
                        }
                    )
                })
                .unwrap_or_default();
            outln!("    {k}  {ty}");
        }
    }
    let deps: Vec<&str> = catalog.dependent_actions(a).collect();
    if !deps.is_empty() {
        outln!("  dependent actions: {}", deps.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rules(json_out: bool) -> Result<ExitCode, String> {
    // by code, whatever the registry's order
    let mut rules: Vec<&iamlint_report::RuleInfo> = iamlint_rules::registry::all_rules()
        .iter()
        .map(|r| r.info())
        .collect();
    rules.sort_by_key(|i| i.code);
    if json_out {
        let v: Vec<serde_json::Value> = rules
            .iter()
            .map(|i| {
                json!({
                    "code": i.code, "name": i.name, "group": i.group,
                    "severity": i.default_severity.as_str(),
                    "enabled": i.enabled_by_default, "summary": i.summary,
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[&str; 6]> = rules
        .iter()
        .map(|i| {
            [
                i.code,
                i.name,
                i.group,
                i.default_severity.as_str(),
                if i.enabled_by_default { "yes" } else { "no" },
                i.summary,
            ]
        })
        .collect();
    let header = ["code", "name", "group", "severity", "on", "summary"];
    // each column as wide as its widest cell, two spaces between; the last is not padded
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (c, (cell, w)) in row.iter().zip(widths).enumerate() {
            text.push_str(cell);
            if c + 1 < row.len() {
                text.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
            }
        }
        text.push('\n');
    }
    out!("{text}");
    Ok(ExitCode::SUCCESS)
}

pub fn explain(key: &str) -> Result<ExitCode, String> {
    let Some(r) = iamlint_rules::registry::find_rule(key) else {
        return Err(format!("no rule is named `{key}` (see `iamlint rules`)"));
    };
    out!("{}", iamlint_rules::docs::rule_page(r.info()));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_dates() {
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("2000-03-01"), Some(11_017));
        assert_eq!(days_from_date("2024-02-29"), Some(19_782));
        assert_eq!(
            days_from_date("2027-04-25")
                .zip(days_from_date("2026-10-27"))
                .map(|(a, b)| a - b),
            Some(180)
        );
        assert_eq!(days_from_date("2026-13-01"), None);
        assert_eq!(days_from_date("soon"), None);
    }
}
