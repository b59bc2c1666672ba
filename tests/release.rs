#![allow(clippy::unwrap_used)]
//! What a release relies on (docs/releasing.md): the changelog's shape and versions, the
//! README's pinned version, and the Dockerfile (a plain syntax check here; `hadolint`
//! as well where it is installed, and always in CI).

mod tools;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(p: &str) -> String {
    std::fs::read_to_string(repo().join(p)).unwrap()
}

fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let mut it = v.split('.').map(|x| x.parse::<u64>().ok());
    let out = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(out)
}

/// The released versions of the changelog, in its order, with their dates.
fn changelog_versions(text: &str) -> Vec<((u64, u64, u64), Option<String>)> {
    let mut out = Vec::new();
    let mut headings = text.lines().filter(|l| l.starts_with("## "));
    assert_eq!(
        headings.next(),
        Some("## Unreleased"),
        "the first section is Unreleased"
    );
    for h in headings {
        let rest = &h[3..];
        let (v, date) = match rest.split_once(" - ") {
            Some((v, d)) => (v, Some(d.to_owned())),
            None => (rest, None),
        };
        let parsed = parse_version(v).unwrap_or_else(|| panic!("not a version heading: {h}"));
        if let Some(d) = &date {
            let ok = d.len() == 10
                && d.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            assert!(ok, "date of {h} is not YYYY-MM-DD");
        }
        out.push((parsed, date));
    }
    out
}

#[test]
fn changelog_and_versions_agree() {
    let changelog = read("CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"));
    let sections: Vec<&str> = changelog.split("\n## ").collect();
    assert!(
        sections[1].starts_with("Unreleased\n") && sections[1].contains("### "),
        "an Unreleased section with entries"
    );
    let versions = changelog_versions(&changelog);
    assert!(!versions.is_empty());
    for w in versions.windows(2) {
        assert!(w[0].0 > w[1].0, "versions go down: {:?}", w);
    }
    // only the untagged first version has no date
    for (v, date) in &versions {
        assert!(date.is_some() || *v == (0, 1, 0), "{v:?} has no date");
    }
    let manifest = read("Cargo.toml");
    let ws = manifest
        .split("[workspace.package]")
        .nth(1)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    let ws = parse_version(ws).unwrap();
    assert!(
        ws >= versions[0].0,
        "the workspace version {ws:?} is behind the changelog"
    );
    // the binary says the same, with the data date of the catalog it embeds
    let out = assert_cmd::Command::cargo_bin("iamlint")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    let catalog = iamlint_catalog::Catalog::embedded();
    let date = &catalog.provenance().data_date;
    assert_eq!(date.len(), 10, "a YYYY-MM-DD data date: {date:?}");
    assert_eq!(
        printed.trim(),
        format!("iamlint {}.{}.{} (AWS catalog {date})", ws.0, ws.1, ws.2)
    );
    // the README's pre-commit example names a tag of a dated (tagged) release the changelog
    // lists, or `main` while there is none: `rev` must name something that exists
    let readme = read("README.md");
    let rev = readme
        .lines()
        .find_map(|l| l.trim().strip_prefix("rev: "))
        .unwrap();
    let tagged: Vec<_> = versions.iter().filter(|(_, d)| d.is_some()).collect();
    match rev.strip_prefix('v').and_then(parse_version) {
        Some(v) => assert!(
            tagged.iter().any(|(t, _)| *t == v),
            "README rev {rev:?} names no dated release of the changelog"
        ),
        None => assert!(
            rev == "main" && tagged.is_empty(),
            "README rev {rev:?}: a release tag once one is dated, `main` before"
        ),
    }
}

/// The Dockerfile's instructions: (keyword, arguments), continuations joined.
fn instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if current.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        if let Some(head) = t.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(t);
        let (k, a) = current
            .split_once(char::is_whitespace)
            .unwrap_or((&current, ""));
        out.push((k.to_owned(), a.trim().to_owned()));
        current.clear();
    }
    assert!(current.is_empty(), "a continuation at the end");
    out
}

#[test]
fn dockerfile_builds_in_one_stage_and_runs_check_src_in_another() {
    const KEYWORDS: [&str; 17] = [
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    ];
    let ins = instructions(&read("Dockerfile"));
    for (k, a) in &ins {
        assert!(KEYWORDS.contains(&k.as_str()), "unknown instruction {k}");
        assert!(!a.is_empty(), "{k} without arguments");
    }
    let froms: Vec<usize> = ins
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k == "FROM")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(froms.len(), 2, "a build stage and a run stage");
    assert_eq!(froms[0], 0);
    let stage = ins[0].1.rsplit_once(" AS ").unwrap().1.to_owned();
    let last = &ins[froms[1]..];
    assert!(last
        .iter()
        .any(|(k, a)| k == "COPY" && a.starts_with(&format!("--from={stage} "))));
    let get = |key: &str| {
        last.iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| panic!("no {key} in the last stage"))
    };
    let exec = |a: String| -> Vec<String> { serde_json::from_str(&a).unwrap() };
    assert_eq!(exec(get("ENTRYPOINT")), ["iamlint"]);
    assert_eq!(exec(get("CMD")), ["check", "/src"]);
    let user = get("USER");
    assert!(user != "root" && user != "0", "runs as {user}");
    // the build installs the binary the way docs/releasing.md says
    assert!(ins[..froms[1]]
        .iter()
        .any(|(k, a)| k == "RUN" && a.contains("cargo install --locked --path")));
}

#[test]
fn dockerfile_passes_hadolint() {
    let Some(hadolint) = tools::require("hadolint", "the Dockerfile lint") else {
        return;
    };
    let out = std::process::Command::new(hadolint)
        .arg(repo().join("Dockerfile"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
