//! `cargo xtask regions-import --from DIR`: AWS partitions and their Regions, from
//! botocore's `botocore/data/partitions.json` (PyPI), into
//! `crates/iamlint_catalog/data/regions.json`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::Error;

#[derive(Deserialize)]
struct PartitionsFile {
    partitions: Vec<RawPartition>,
}

#[derive(Deserialize)]
struct RawPartition {
    id: String,
    #[serde(default)]
    regions: serde_json::Map<String, serde_json::Value>,
}

/// `data/regions.json`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionsFile {
    pub imported_at: String,
    pub licence: String,
    pub partitions: Vec<Partition>,
    pub sha256: String,
    pub source: String,
    pub version: String,
}

#[derive(serde::Serialize)]
pub struct Partition {
    pub partition: String,
    pub regions: Vec<String>,
}

/// Finds `partitions.json` under an unzipped botocore wheel (or takes the file), and the
/// botocore version from its `botocore-X.Y.Z.dist-info` directory.
fn locate(from: &Path) -> Result<(PathBuf, String), Error> {
    let file = if from.is_file() {
        from.to_path_buf()
    } else {
        from.join("botocore/data/partitions.json")
    };
    if !file.is_file() {
        return Err(Error::msg(format!(
            "`{}` holds no botocore/data/partitions.json (unzip the botocore wheel and pass its directory)",
            from.display()
        )));
    }
    let root = file
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let version = std::fs::read_dir(&root)
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .find_map(|n| {
            n.strip_prefix("botocore-")
                .and_then(|v| v.strip_suffix(".dist-info"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned());
    Ok((file, version))
}

pub fn import(from: &Path, date: String) -> Result<RegionsFile, Error> {
    let (file, version) = locate(from)?;
    let bytes = std::fs::read(&file)
        .map_err(|e| Error::msg(format!("cannot read `{}`: {e}", file.display())))?;
    let raw: PartitionsFile = serde_json::from_slice(&bytes)
        .map_err(|e| Error::msg(format!("cannot parse `{}`: {e}", file.display())))?;
    let mut partitions: Vec<Partition> = raw
        .partitions
        .into_iter()
        .map(|p| {
            // `aws-global` and the like name endpoints, not Regions
            let mut regions: Vec<String> = p
                .regions
                .keys()
                .filter(|r| !r.ends_with("-global"))
                .cloned()
                .collect();
            regions.sort();
            Partition {
                partition: p.id,
                regions,
            }
        })
        .collect();
    partitions.sort_by(|a, b| a.partition.cmp(&b.partition));
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(RegionsFile {
        imported_at: date,
        licence: "Apache-2.0".to_owned(),
        partitions,
        sha256,
        source: "botocore (PyPI), botocore/data/partitions.json".to_owned(),
        version,
    })
}
