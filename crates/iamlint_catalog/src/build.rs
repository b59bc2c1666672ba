//! Building a catalog blob from the normalized data: used by `cargo xtask codegen`, by
//! [`crate::Catalog::from_dir`], and by the freshness test.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::blob;
use crate::normalized::{GlobalKeysFile, NormalizedCatalog, ProvenanceFile, ServiceFile};
use crate::{AccessLevel, CatalogError, ConditionType};

/// Reads a normalized data directory (`provenance.json`, `global-condition-keys.json`,
/// `services/*.json`). Services come back sorted by prefix.
pub fn load_normalized_dir(dir: &Path) -> Result<NormalizedCatalog, CatalogError> {
    let provenance: ProvenanceFile = read_json(&dir.join("provenance.json"))?;
    let global_keys: GlobalKeysFile = read_json(&dir.join("global-condition-keys.json"))?;
    let services_dir = dir.join("services");
    let entries = std::fs::read_dir(&services_dir).map_err(|source| CatalogError::Io {
        path: services_dir.clone(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| CatalogError::Io {
            path: services_dir.clone(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut services = Vec::with_capacity(paths.len());
    for path in paths {
        let svc: ServiceFile = read_json(&path)?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != svc.prefix {
            return Err(invalid(
                &path,
                format!("file name does not match prefix `{}`", svc.prefix),
            ));
        }
        services.push(svc);
    }
    services.sort_by_key(|s| s.prefix.to_ascii_lowercase());
    Ok(NormalizedCatalog {
        provenance,
        global_keys,
        services,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CatalogError> {
    let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| CatalogError::Json {
        path: path.to_path_buf(),
        source,
    })
}

fn invalid(path: &Path, message: String) -> CatalogError {
    CatalogError::Invalid {
        path: path.to_path_buf(),
        message,
    }
}

fn service_path(prefix: &str) -> PathBuf {
    PathBuf::from(format!("services/{prefix}.json"))
}

#[derive(Default)]
struct Strings {
    ids: HashMap<String, u32>,
    offs: Vec<u32>,
    bytes: Vec<u8>,
}

impl Strings {
    fn id(&mut self, s: &str) -> Result<u32, CatalogError> {
        if let Some(&id) = self.ids.get(s) {
            return Ok(id);
        }
        let id = to_u32(self.offs.len())?;
        self.offs.push(to_u32(self.bytes.len())?);
        self.bytes.extend_from_slice(s.as_bytes());
        self.ids.insert(s.to_owned(), id);
        Ok(id)
    }
}

fn to_u32(n: usize) -> Result<u32, CatalogError> {
    u32::try_from(n).map_err(|_| CatalogError::Blob(format!("table too large ({n} entries)")))
}

/// The list pool; identical lists are stored once.
struct Pool {
    words: Vec<u32>,
    seen: HashMap<(usize, Vec<u32>), u32>,
}

impl Pool {
    /// Appends a list of single-word items, returns its index (0: the empty list).
    fn list(&mut self, items: &[u32]) -> Result<u32, CatalogError> {
        self.rows(items, 1)
    }

    /// Appends a list of `stride`-word items, returns its index (0: the empty list).
    fn rows(&mut self, items: &[u32], stride: usize) -> Result<u32, CatalogError> {
        if items.is_empty() {
            return Ok(0);
        }
        let key = (stride, items.to_vec());
        if let Some(&at) = self.seen.get(&key) {
            return Ok(at);
        }
        let at = to_u32(self.words.len())?;
        self.words.push(to_u32(items.len() / stride)?);
        self.words.extend_from_slice(items);
        self.seen.insert(key, at);
        Ok(at)
    }

    fn str_list(&mut self, strings: &mut Strings, items: &[String]) -> Result<u32, CatalogError> {
        let ids = items
            .iter()
            .map(|s| strings.id(s))
            .collect::<Result<Vec<_>, _>>()?;
        self.list(&ids)
    }
}

fn parse_type(path: &Path, key: &str, ty: &str) -> Result<ConditionType, CatalogError> {
    ConditionType::parse(ty).ok_or_else(|| {
        invalid(
            path,
            format!("condition key `{key}` has unknown type `{ty}`"),
        )
    })
}

/// Encodes a normalized catalog into the blob format read by [`crate::Catalog`].
/// Deterministic: the same input gives the same bytes.
pub fn encode(cat: &NormalizedCatalog) -> Result<Vec<u8>, CatalogError> {
    let mut services: Vec<&ServiceFile> = cat.services.iter().collect();
    services.sort_by_key(|s| s.prefix.to_ascii_lowercase());
    for pair in services.windows(2) {
        if let [a, b] = pair {
            if a.prefix.eq_ignore_ascii_case(&b.prefix) {
                return Err(invalid(
                    &service_path(&b.prefix),
                    format!("duplicate service `{}`", b.prefix),
                ));
            }
        }
    }
    if services.len() > usize::from(u16::MAX) {
        return Err(CatalogError::Blob("more than 65535 services".to_owned()));
    }

    let mut strings = Strings::default();
    let mut pool = Pool {
        words: vec![0],
        seen: HashMap::new(),
    };

    // resource types: by service, then lower-case name
    let mut rtypes: Vec<u32> = Vec::new();
    let mut rt_ranges = Vec::with_capacity(services.len());
    // per service: lower-case name -> global resource type id
    let mut rt_lookup: Vec<HashMap<String, u32>> = Vec::with_capacity(services.len());
    for (sid, svc) in services.iter().enumerate() {
        let path = service_path(&svc.prefix);
        let mut rts: Vec<_> = svc.resource_types.iter().collect();
        rts.sort_by(|a, b| {
            (a.name.to_ascii_lowercase(), &a.name).cmp(&(b.name.to_ascii_lowercase(), &b.name))
        });
        let start = to_u32(rtypes.len() / 4)?;
        let mut lookup = HashMap::new();
        for rt in rts {
            let id = to_u32(rtypes.len() / 4)?;
            if lookup.insert(rt.name.to_ascii_lowercase(), id).is_some() {
                return Err(invalid(
                    &path,
                    format!("duplicate resource type `{}`", rt.name),
                ));
            }
            let name = strings.id(&rt.name)?;
            let arns = pool.str_list(&mut strings, &rt.arn_formats)?;
            let keys = pool.str_list(&mut strings, &rt.condition_keys)?;
            rtypes.extend_from_slice(&[name, to_u32(sid)?, arns, keys]);
        }
        rt_ranges.push((start, to_u32(rtypes.len() / 4)?));
        rt_lookup.push(lookup);
    }

    // actions: sorted by lower-case "service:action"
    let mut all_actions = Vec::new();
    for (sid, svc) in services.iter().enumerate() {
        for a in &svc.actions {
            let key = format!("{}:{}", svc.prefix, a.name).to_ascii_lowercase();
            all_actions.push((key, sid, a));
        }
    }
    all_actions.sort_by(|a, b| a.0.cmp(&b.0));
    for pair in all_actions.windows(2) {
        if let [a, b] = pair {
            if a.0 == b.0 {
                return Err(invalid(
                    &service_path(services.get(b.1).map_or("", |s| s.prefix.as_str())),
                    format!("duplicate action `{}`", b.0),
                ));
            }
        }
    }
    let mut act_ranges: Vec<Option<(u32, u32)>> = vec![None; services.len()];
    let mut actions: Vec<u32> = Vec::with_capacity(all_actions.len() * 6);
    for (i, (key, sid, a)) in all_actions.iter().enumerate() {
        let svc = services.get(*sid).copied();
        let prefix = svc.map_or("", |s| s.prefix.as_str());
        let path = service_path(prefix);
        let id = to_u32(i)?;
        let range = act_ranges
            .get_mut(*sid)
            .ok_or_else(|| invalid(&path, "bad service".into()))?;
        *range = Some(match *range {
            None => (id, id + 1),
            Some((s, e)) if e == id => (s, id + 1),
            Some(_) => {
                return Err(invalid(
                    &path,
                    format!("actions of `{prefix}` are not contiguous at `{key}`"),
                ))
            }
        });
        let level = AccessLevel::parse(&a.access_level).ok_or_else(|| {
            invalid(
                &path,
                format!(
                    "action `{}` has unknown access level `{}`",
                    a.name, a.access_level
                ),
            )
        })?;
        let lookup = rt_lookup
            .get(*sid)
            .ok_or_else(|| invalid(&path, "bad service".into()))?;
        let mut res = Vec::with_capacity(a.resource_types.len() * 3);
        for r in &a.resource_types {
            let rt = lookup.get(&r.name.to_ascii_lowercase()).ok_or_else(|| {
                invalid(
                    &path,
                    format!(
                        "action `{}` names unknown resource type `{}`",
                        a.name, r.name
                    ),
                )
            })?;
            let keys = pool.str_list(&mut strings, &r.condition_keys)?;
            res.extend_from_slice(&[*rt, u32::from(r.required), keys]);
        }
        let key_id = strings.id(key)?;
        let name_id = strings.id(&a.name)?;
        let res_list = pool.rows(&res, 3)?;
        let ck = pool.str_list(&mut strings, &a.condition_keys)?;
        let dep = pool.str_list(&mut strings, &a.dependent_actions)?;
        let meta = to_u32(*sid)? | (u32::from(level.to_code()) << 16);
        actions.extend_from_slice(&[key_id, name_id, meta, res_list, ck, dep]);
    }

    // condition keys
    let global_path = PathBuf::from("global-condition-keys.json");
    // lower-case name -> (canonical name, type code); global definitions win
    let mut index: BTreeMap<String, (String, u32)> = BTreeMap::new();
    let mut global_rows = Vec::with_capacity(cat.global_keys.keys.len() * 2);
    for k in &cat.global_keys.keys {
        let deprecated = if k.deprecated {
            blob::DEPRECATED_BIT
        } else {
            0
        };
        let ty =
            parse_type(&global_path, &k.name, &k.ty)?.to_code() | blob::GLOBAL_BIT | deprecated;
        if index
            .insert(k.name.to_ascii_lowercase(), (k.name.clone(), ty))
            .is_some()
        {
            return Err(invalid(&global_path, format!("duplicate key `{}`", k.name)));
        }
        global_rows.extend_from_slice(&[strings.id(&k.name)?, ty]);
    }
    let mut svc_key_rows = Vec::new();
    let mut key_ranges = Vec::with_capacity(services.len());
    for svc in &services {
        let path = service_path(&svc.prefix);
        let start = to_u32(svc_key_rows.len() / 2)?;
        let own_prefix = format!("{}:", svc.prefix.to_ascii_lowercase());
        for k in &svc.condition_keys {
            let lower = k.name.to_ascii_lowercase();
            let global = if lower.starts_with("aws:") {
                blob::GLOBAL_BIT
            } else {
                0
            };
            let ty = parse_type(&path, &k.name, &k.ty)?.to_code() | global;
            svc_key_rows.extend_from_slice(&[strings.id(&k.name)?, ty]);
            // first definition wins, except that the service owning the prefix wins
            // over cross-service listings; global definitions always win
            match index.get(&lower) {
                Some((_, existing)) if existing & blob::GLOBAL_BIT != 0 => {}
                Some(_) if !lower.starts_with(&own_prefix) => {}
                _ => {
                    index.insert(lower, (k.name.clone(), ty));
                }
            }
        }
        key_ranges.push((start, to_u32(svc_key_rows.len() / 2)?));
    }
    let mut index_rows = Vec::with_capacity(index.len() * 2);
    let mut templates = Vec::new();
    for (i, (name, ty)) in index.values().enumerate() {
        index_rows.extend_from_slice(&[strings.id(name)?, *ty]);
        if blob::is_template(name) {
            templates.push(to_u32(i)?);
        }
    }

    // services
    let mut service_rows = Vec::with_capacity(services.len() * 8);
    for (sid, svc) in services.iter().enumerate() {
        let (a0, a1) = act_ranges.get(sid).copied().flatten().unwrap_or((0, 0));
        let (r0, r1) = rt_ranges.get(sid).copied().unwrap_or((0, 0));
        let (k0, k1) = key_ranges.get(sid).copied().unwrap_or((0, 0));
        service_rows.extend_from_slice(&[
            strings.id(&svc.prefix)?,
            strings.id(&svc.name)?,
            a0,
            a1,
            r0,
            r1,
            k0,
            k1,
        ]);
    }

    let p = &cat.provenance;
    let meta = [
        strings.id(&p.source)?,
        strings.id(&p.version)?,
        strings.id(&p.data_date)?,
        strings.id(&p.imported_at)?,
        strings.id(&p.licence)?,
        strings.id(&p.sha256)?,
    ];

    let mut str_offs = strings.offs;
    str_offs.push(to_u32(strings.bytes.len())?);

    let sections: [Vec<u8>; blob::SECTION_COUNT] = [
        le(&str_offs),
        strings.bytes,
        le(&service_rows),
        le(&actions),
        le(&rtypes),
        le(&svc_key_rows),
        le(&global_rows),
        le(&index_rows),
        le(&templates),
        le(&pool.words),
        le(&meta),
    ];
    let mut out = Vec::new();
    out.extend_from_slice(blob::MAGIC);
    out.extend_from_slice(&blob::VERSION.to_le_bytes());
    out.extend_from_slice(&to_u32(blob::SECTION_COUNT)?.to_le_bytes());
    let mut offset = blob::HEADER_LEN;
    for s in &sections {
        out.extend_from_slice(&to_u32(offset)?.to_le_bytes());
        out.extend_from_slice(&to_u32(s.len())?.to_le_bytes());
        offset += s.len().next_multiple_of(4);
    }
    for s in &sections {
        out.extend_from_slice(s);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    Ok(out)
}

fn le(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `data/rcp-supported-services.json`: the list and where it comes from.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RcpFile {
    services: Vec<String>,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    version: String,
    #[allow(dead_code)]
    sha256: String,
    #[allow(dead_code)]
    imported_at: String,
}

/// The services whose actions resource control policies apply to, as normalized in
/// `data/rcp-supported-services.json` (sorted prefixes).
pub fn load_rcp_services(dir: &Path) -> Result<Vec<String>, CatalogError> {
    let file: RcpFile = read_json(&dir.join("rcp-supported-services.json"))?;
    Ok(file.services)
}

/// The Rust source of `src/generated/rcp_services.rs`: the list as a sorted constant.
pub fn rcp_services_source(prefixes: &[String]) -> String {
    let mut out = String::from(
        "// Generated by `cargo xtask codegen` from `data/rcp-supported-services.json`; do not edit.\n\n/// Service prefixes whose actions resource control policies apply to, sorted.\npub const RCP_SUPPORTED_SERVICES: &[&str] = &[\n",
    );
    for p in prefixes {
        out.push_str(&format!("    {p:?},\n"));
    }
    out.push_str("];\n");
    out
}

/// `data/regions.json`: AWS partitions and their Regions, with where they come from.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegionsFile {
    partitions: Vec<PartitionEntry>,
    #[allow(dead_code)]
    licence: String,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    version: String,
    #[allow(dead_code)]
    sha256: String,
    #[allow(dead_code)]
    imported_at: String,
}

/// One partition of `data/regions.json`.
#[derive(serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PartitionEntry {
    pub partition: String,
    pub regions: Vec<String>,
}

/// The partitions of `data/regions.json`, sorted, each with its sorted Regions.
pub fn load_regions(dir: &Path) -> Result<Vec<PartitionEntry>, CatalogError> {
    let file: RegionsFile = read_json(&dir.join("regions.json"))?;
    Ok(file.partitions)
}

/// The Rust source of `src/generated/regions.rs`.
pub fn regions_source(partitions: &[PartitionEntry]) -> String {
    let mut out = String::from(
        "// Generated by `cargo xtask codegen` from `data/regions.json`; do not edit.\n\n/// AWS partitions and their Regions, both sorted.\npub const PARTITIONS: &[(&str, &[&str])] = &[\n",
    );
    for p in partitions {
        out.push_str(&format!("    ({:?}, &[\n", p.partition));
        for r in &p.regions {
            out.push_str(&format!("        {r:?},\n"));
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    out
}
