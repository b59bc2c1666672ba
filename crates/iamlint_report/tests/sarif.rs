//! SARIF structure checks (always) and validation with Microsoft's SARIF Multitool (when
//! it is installed: `SARIF_MULTITOOL=/path/to/Sarif.Multitool`, `Sarif.Multitool` or
//! `sarif-multitool` on `PATH`, or `node_modules/@microsoft/sarif-multitool-linux` at the
//! workspace root).

mod common;

use iamlint_report::{render, Format, RenderOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn opts() -> RenderOptions {
    RenderOptions {
        base_dir: Some(PathBuf::from("/work/repo")),
        tool_version: "1.2.3".to_owned(),
        ..RenderOptions::default()
    }
}

fn sarif() -> Value {
    let out = render(&common::fixture_report(), Format::Sarif, &opts());
    serde_json::from_str(&out).expect("SARIF is JSON")
}

#[test]
fn top_level_and_driver() {
    let v = sarif();
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"].as_array().map(Vec::len), Some(1));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "iamlint");
    assert_eq!(driver["version"], "1.2.3");
    assert_eq!(driver["semanticVersion"], "1.2.3");
    assert!(driver["informationUri"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///work/repo/"
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn every_rule_is_described() {
    let v = sarif();
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let infos = common::rules();
    assert_eq!(rules.len(), infos.len());
    for (r, info) in rules.iter().zip(&infos) {
        assert_eq!(r["id"], info.code);
        assert_eq!(r["properties"]["iamlint/name"], info.name);
        assert!(r["name"]
            .as_str()
            .is_some_and(|n| n.chars().all(char::is_alphanumeric)));
        assert_eq!(r["shortDescription"]["text"], info.summary);
        assert!(r["fullDescription"]["text"].is_string());
        assert!(r["help"]["text"].is_string() && r["help"]["markdown"].is_string());
        assert_eq!(r["helpUri"], info.help_uri());
        let tags = r["properties"]["tags"].as_array().expect("tags");
        assert_eq!(tags[0], info.group);
        assert!(tags.contains(&Value::from("security")));
        let level = match info.default_severity {
            iamlint_report::Severity::Error => "error",
            iamlint_report::Severity::Warning => "warning",
            iamlint_report::Severity::Info => "note",
        };
        assert_eq!(r["defaultConfiguration"]["level"], level);
    }
    assert_eq!(rules[1]["name"], "ServiceWildcard");
}

#[test]
fn results_point_at_rules_and_regions() {
    let report = common::fixture_report();
    let v = sarif();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.diagnostics.len());
    for (r, d) in results.iter().zip(&report.diagnostics) {
        assert_eq!(r["ruleId"], d.code);
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], d.code);
        assert!(r["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with(&d.message)));
        assert_eq!(r["partialFingerprints"]["iamlint/v1"], d.fingerprint);
        let loc = &r["locations"][0];
        let art = &loc["physicalLocation"]["artifactLocation"];
        assert_eq!(art["uriBaseId"], "%SRCROOT%");
        let uri = art["uri"].as_str().expect("uri");
        assert!(!uri.contains(' ') && !uri.contains('\\'), "{uri}");
        let region = &loc["physicalLocation"]["region"];
        if d.primary.is_some() {
            let (s, e) = d.range();
            assert_eq!(region["startLine"], s.line);
            assert_eq!(region["startColumn"], s.column);
            assert_eq!(region["endLine"], e.line);
            assert_eq!(region["endColumn"], e.column);
            assert_eq!(loc["logicalLocations"][0]["fullyQualifiedName"], d.path);
            assert_eq!(loc["logicalLocations"][0]["kind"], "element");
        } else {
            // a file-level finding covers the whole file
            assert_eq!(region["startLine"], 1);
            assert_eq!(region["endLine"], 2);
            assert!(loc.get("logicalLocations").is_none());
        }
        let related = r["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(related, d.secondary.len());
    }
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(levels, ["error", "warning", "error", "note", "error"]);
    // non-ASCII file names are percent-encoded
    assert_eq!(
        results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "templates/r%C3%B4le%20build.yaml"
    );
    let rel = &results[2]["relatedLocations"][0];
    assert_eq!(rel["message"]["text"], "passes any role");
    assert_eq!(rel["physicalLocation"]["region"]["startLine"], 13);
    assert_eq!(
        rel["physicalLocation"]["region"]["snippet"]["text"],
        "\"iam:PassRole\""
    );
}

#[test]
fn missing_fingerprint_and_unknown_rule_are_filled_in() {
    let mut report = common::fixture_report();
    report.rules.clear();
    for d in &mut report.diagnostics {
        d.fingerprint.clear();
    }
    let v: Value = serde_json::from_str(&render(&report, Format::Sarif, &opts())).expect("JSON");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    // one descriptor per distinct code, made up from the diagnostics
    assert_eq!(rules.len(), 5);
    for (r, d) in run["results"]
        .as_array()
        .expect("results")
        .iter()
        .zip(&report.diagnostics)
    {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], d.code);
        assert_eq!(
            r["partialFingerprints"]["iamlint/v1"],
            d.compute_fingerprint()
        );
    }
}

#[test]
fn absolute_paths_outside_base_dir_get_file_uris() {
    let mut report = common::fixture_report();
    let f = iamlint_report::SourceFile::new("/elsewhere/p q.json", "{}");
    let mut d = report.diagnostics[0].clone();
    d.file = f;
    report.diagnostics = vec![d];
    let v: Value = serde_json::from_str(&render(&report, Format::Sarif, &opts())).expect("JSON");
    let art = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(art["uri"], "file:///elsewhere/p%20q.json");
    assert!(art.get("uriBaseId").is_none());
}

/// The Multitool binary, if this machine has one.
fn multitool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let local = workspace.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if local.is_file() {
        return Some(local);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["Sarif.Multitool", "sarif-multitool"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

#[test]
fn validates_with_sarif_multitool() {
    let Some(tool) = multitool() else {
        eprintln!("note: SARIF Multitool not found (set SARIF_MULTITOOL); skipping validation");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("iamlint.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(
        &input,
        render(&common::fixture_report(), Format::Sarif, &opts()),
    )
    .expect("write SARIF");
    let run = Command::new(&tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args(["--log", "ForceOverwrite"])
        .output()
        .expect("run the Multitool");
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!("{stdout}");
    assert!(run.status.success(), "validate failed: {stdout}");
    // the validation log is SARIF itself: one result per problem found
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&output).expect("log"))
        .expect("validation log is JSON");
    let problems: Vec<String> = log["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["results"].as_array().cloned().unwrap_or_default())
        .filter(|r| matches!(r["level"].as_str(), None | Some("error" | "warning")))
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(problems.is_empty(), "Multitool problems: {problems:#?}");
}
