#![allow(clippy::unwrap_used)]
//! The GitHub Action (`action.yml` at the repository root):
//! - validated against the action metadata schema (`fixtures/schemas/github-action.json`,
//!   SchemaStore's) with the `jsonschema` crate;
//! - its expressions name only inputs and steps it declares, and none is spliced into a
//!   script (they go through `env`);
//! - its scripts pass `shellcheck` (required in CI, `.ci/run` installs it);
//! - its shell steps run as a runner runs a composite action (`bash -e`, `GITHUB_OUTPUT`,
//!   `GITHUB_PATH`, inputs with their defaults) with the binary built here: the verdict
//!   follows `fail-on`, annotations or a SARIF file come out. The steps that use other
//!   actions (toolchain, cache, SARIF upload) are not run here.

mod tools;

use iamlint_syntax::{Node, Value as Yaml};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .to_path_buf()
        .canonicalize()
        .unwrap()
}

/// YAML node → JSON value (as a runner reads the metadata: YAML 1.2 core schema).
fn to_json(n: &Node) -> Value {
    match &n.value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Number(s) => s
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| s.parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| Value::String(s.clone())),
        Yaml::String(s, _) => Value::String(s.clone()),
        Yaml::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), to_json(&e.value)))
                .collect(),
        ),
        Yaml::Alias(a) => panic!("unexpanded alias {a}"),
    }
}

fn action() -> Value {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let parsed = iamlint_syntax::parse_yaml(&text, &iamlint_syntax::Limits::default());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.documents.len(), 1);
    to_json(&parsed.documents[0])
}

fn steps(a: &Value) -> &Vec<Value> {
    a["runs"]["steps"].as_array().unwrap()
}

/// The `${{ … }}` expressions of `s`.
fn expressions(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${{") {
        let after = &rest[i + 3..];
        let end = after.find("}}").expect("unclosed expression");
        out.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    out
}

fn all_strings<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| all_strings(x, out)),
        _ => {}
    }
}

#[test]
fn action_yml_is_valid_against_the_action_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("fixtures/schemas/github-action.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let a = action();
    let errors: Vec<String> = v
        .iter_errors(&a)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // the schema refuses what a runner refuses (it would prove nothing otherwise)
    let mut broken = a.clone();
    broken["runs"].as_object_mut().unwrap().remove("using");
    assert!(!v.is_valid(&broken));
    let mut broken = a.clone();
    broken["runs"]["steps"][0]
        .as_object_mut()
        .unwrap()
        .remove("shell");
    assert!(!v.is_valid(&broken), "a run step without shell");
    assert_eq!(a["runs"]["using"], "composite");
}

#[test]
fn expressions_name_declared_inputs_and_earlier_steps_and_stay_out_of_scripts() {
    let a = action();
    let inputs: Vec<&String> = a["inputs"].as_object().unwrap().keys().collect();
    let mut seen_steps: Vec<String> = Vec::new();
    for s in steps(&a) {
        if let Some(script) = s["run"].as_str() {
            assert!(
                !script.contains("${{"),
                "an expression spliced into a script (pass it through env): {script}"
            );
            assert_eq!(s["shell"], "bash");
        }
        let mut strings = Vec::new();
        all_strings(s, &mut strings);
        if let Some(cond) = s["if"].as_str() {
            strings.push(cond);
        }
        for text in strings {
            let exprs = if text == s["if"].as_str().unwrap_or("\u{0}") {
                // `if:` is an expression without `${{ }}`
                vec![text.to_owned()]
            } else {
                expressions(text)
            };
            for e in exprs {
                for word in e.split(|c: char| c.is_whitespace() || "()=!&|".contains(c)) {
                    if let Some(name) = word.strip_prefix("inputs.") {
                        assert!(
                            inputs.iter().any(|i| *i == name),
                            "undeclared input `{name}`"
                        );
                    }
                    if let Some(rest) = word.strip_prefix("steps.") {
                        let id = rest.split('.').next().unwrap();
                        assert!(
                            seen_steps.iter().any(|s| s == id),
                            "step `{id}` used before it runs"
                        );
                    }
                }
            }
        }
        if let Some(id) = s["id"].as_str() {
            seen_steps.push(id.to_owned());
        }
    }
    for (name, o) in a["outputs"].as_object().unwrap() {
        for e in expressions(o["value"].as_str().unwrap()) {
            let id = e.strip_prefix("steps.").unwrap().split('.').next().unwrap();
            assert!(
                seen_steps.iter().any(|s| s == id),
                "output {name}: step `{id}`"
            );
        }
    }
}

#[test]
fn scripts_pass_shellcheck() {
    let Some(shellcheck) = tools::require("shellcheck", "the action's script check") else {
        return;
    };
    let a = action();
    for s in steps(&a) {
        let Some(script) = s["run"].as_str() else {
            continue;
        };
        let mut child = std::process::Command::new(&shellcheck)
            .args(["--shell=bash", "--severity=style", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "shellcheck on step `{}`:\n{}",
            s["name"],
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// What a simulated run of the action left.
struct Run {
    /// The exit code of the first step that failed, or 0.
    code: i32,
    /// Which step stopped it.
    failed_step: Option<String>,
    log: String,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

/// Run the action's shell steps in `workdir` with `with` as its inputs.
fn simulate(workdir: &Path, with: &[(&str, &str)]) -> Run {
    let a = action();
    let mut inputs: BTreeMap<String, String> = a["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_owned()))
        .collect();
    for (k, v) in with {
        assert!(inputs.contains_key(*k), "no input {k}");
        inputs.insert((*k).to_owned(), (*v).to_owned());
    }
    let scratch = tempfile::tempdir().unwrap();
    // the binary built for these tests, where the action's build step looks for it
    let root = scratch.path().join("tool");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("iamlint"),
        root.join("bin/iamlint"),
    )
    .unwrap();
    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut log = String::new();
    for (i, s) in steps(&a).iter().enumerate() {
        let Some(script) = s["run"].as_str() else {
            continue;
        };
        let eval = |text: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>| {
            let mut out = text.to_owned();
            for e in expressions(text) {
                let value = if let Some(name) = e.strip_prefix("inputs.") {
                    inputs[name].clone()
                } else if e == "github.action_path" {
                    repo().display().to_string()
                } else if let Some(rest) = e.strip_prefix("steps.") {
                    let mut parts = rest.split('.');
                    let id = parts.next().unwrap();
                    assert_eq!(parts.next(), Some("outputs"));
                    let key = parts.next().unwrap();
                    outputs
                        .get(id)
                        .and_then(|o| o.get(key))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    panic!("the simulation does not know `{e}`")
                };
                out = out.replace(&format!("${{{{ {e} }}}}"), &value);
            }
            out
        };
        let output_file = scratch.path().join(format!("output-{i}"));
        let path_file = scratch.path().join(format!("path-{i}"));
        std::fs::write(&output_file, "").unwrap();
        let dir = match s["working-directory"].as_str() {
            Some(d) => workdir.join(eval(d, &outputs)),
            None => workdir.to_owned(),
        };
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(dir)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &path_file)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_TOOL_CACHE", scratch.path().join("cache"));
        if let Some(env) = s["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, eval(v.as_str().unwrap(), &outputs));
            }
        }
        let out = cmd.output().unwrap();
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let mut step_out = BTreeMap::new();
        for line in std::fs::read_to_string(&output_file).unwrap().lines() {
            let (k, v) = line.split_once('=').unwrap();
            step_out.insert(k.to_owned(), v.to_owned());
        }
        if s["id"] == "probe" {
            // the cache step would restore the binary here
            step_out.insert("root".into(), root.display().to_string());
        }
        if let Some(id) = s["id"].as_str() {
            outputs.insert(id.to_owned(), step_out);
        }
        let code = out.status.code().unwrap_or(-1);
        if code != 0 {
            return Run {
                code,
                failed_step: s["name"].as_str().map(str::to_owned),
                log,
                outputs,
            };
        }
    }
    Run {
        code: 0,
        failed_step: None,
        log,
        outputs,
    }
}

#[test]
fn findings_fail_the_step_with_annotations() {
    let r = simulate(&repo(), &[("paths", "fixtures/examples")]);
    assert_eq!(r.code, 1, "{}", r.log);
    assert_eq!(r.failed_step.as_deref(), Some("Verdict"));
    assert_eq!(r.outputs["check"]["exit-code"], "1");
    assert!(
        r.log
            .contains("::warning file=fixtures/examples/build-role.yaml,line="),
        "{}",
        r.log
    );
    assert!(r
        .log
        .contains("::error title=iamlint::findings at or above warning"));
}

#[test]
fn fail_on_decides_the_verdict() {
    // the examples hold one error: `error` still fails, `never` passes
    let r = simulate(
        &repo(),
        &[("paths", "fixtures/examples"), ("fail-on", "error")],
    );
    assert_eq!(r.code, 1, "{}", r.log);
    let r = simulate(
        &repo(),
        &[("paths", "fixtures/examples"), ("fail-on", "never")],
    );
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(r.outputs["check"]["exit-code"], "1");
    assert!(r.log.contains("findings reported (fail-on: never)"));
    // an unknown value stops the action before anything is built
    let r = simulate(&repo(), &[("fail-on", "sometimes")]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.failed_step.as_deref(),
        Some("Look for cargo and a built iamlint")
    );
}

#[test]
fn sarif_is_written_for_code_scanning_and_paths_may_be_listed_by_line() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("iam dir")).unwrap();
    std::fs::write(
        d.path().join("iam dir/ok.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("wild.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    let r = simulate(
        d.path(),
        &[
            ("paths", "iam dir/ok.json\n\nwild.json\n"),
            ("format", "sarif"),
            ("sarif-file", "out.sarif"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.log);
    assert_eq!(r.outputs["check"]["sarif-file"], "out.sarif");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        assert_eq!(
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "wild.json"
        );
    }
    // the compact summary in the log
    assert!(r.log.contains("wild.json:1:"), "{}", r.log);

    // only the clean file: the action passes
    let r = simulate(
        d.path(),
        &[("paths", "iam dir/ok.json\n"), ("format", "sarif")],
    );
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(r.outputs["check"]["exit-code"], "0");
}

#[test]
fn docs_show_the_example_workflows_as_they_are() {
    let ci = std::fs::read_to_string(repo().join("docs/ci.md")).unwrap();
    for example in [
        "docs/examples/github-workflow.yml",
        "docs/examples/gitlab-ci.yml",
    ] {
        let text = std::fs::read_to_string(repo().join(example)).unwrap();
        assert!(ci.contains(&text), "docs/ci.md differs from {example}");
    }
    // the README's workflow uses the action with inputs it declares
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let a = action();
    let start = readme.find("- uses: iamlint/iamlint@").unwrap();
    let with = &readme[start..];
    let with = &with[..with.find("```").unwrap()];
    for line in with.lines().skip(2) {
        let key = line.trim().split(':').next().unwrap();
        assert!(a["inputs"].get(key).is_some(), "README uses input `{key}`");
    }
}
