//! The AWS service authorization catalog for iamlint: every service, action, resource
//! type and condition key, compiled at development time into a compact blob that is
//! embedded in the binary and read in place, without parsing.
//!
//! ```
//! use iamlint_catalog::{AccessLevel, Catalog};
//! let cat = &Catalog::embedded();
//! let a = cat.find_action("S3:getobject").expect("s3:GetObject is in the catalog");
//! assert_eq!(cat.action_full_name(a), "s3:GetObject");
//! assert_eq!(cat.access_level(a), AccessLevel::Read);
//! ```
//!
//! Ids ([`ActionId`], [`ServiceId`], [`ResourceTypeId`]) are only meaningful for the
//! catalog that produced them. Passing an id from elsewhere never panics, but the answer
//! is unspecified (an empty string, an empty range or iterator).
//!
//! The data comes from `data/` (see `docs/catalog.md`); [`build`] turns it into the blob.

mod action_set;
mod blob;
pub mod build;
mod derived;
mod error;
mod names;
pub mod normalized;
pub mod rcp;
pub mod regions;
mod suggest;
mod types;

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;

pub use action_set::{ActionSet, Iter as ActionSetIter, Words as ActionSetWords};
pub use error::CatalogError;
pub use names::NameIndex;
pub use types::{AccessLevel, ConditionBaseType, ConditionType};

/// Index into actions sorted by lower-case `"service:action"`.
pub type ActionId = u32;
/// Index into services sorted by prefix.
pub type ServiceId = u16;
/// Index into all resource types (sorted by service, then lower-case name).
pub type ResourceTypeId = u32;

/// The blob compiled into the binary (regenerate with `cargo xtask codegen`).
pub const EMBEDDED_BLOB: &[u8] = include_bytes!("generated/catalog.bin");

/// A condition key as the catalog documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionKeyInfo<'a> {
    /// Canonical spelling as documented, e.g. `aws:RequestTag/${TagKey}`, `s3:prefix`.
    pub name: &'a str,
    pub ty: ConditionType,
    /// An `aws:` global condition key.
    pub global: bool,
}

/// A condition key (or key template) of the catalog, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionKeyId(u32);

/// Where the catalog data comes from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Provenance {
    pub source: String,
    pub version: String,
    pub data_date: String,
    pub imported_at: String,
    pub licence: String,
    pub sha256: String,
}

/// A resource type an action applies to.
#[derive(Clone, Debug)]
pub struct ActionResource<'a> {
    pub resource_type: ResourceTypeId,
    /// Marked required (`*`) in AWS's tables.
    pub required: bool,
    /// Condition keys that apply to the action on this resource type.
    pub condition_keys: StrList<'a>,
}

/// An iterator over strings of the catalog (condition keys, ARN formats, action names).
#[derive(Clone, Debug)]
pub struct StrList<'a> {
    cat: &'a Catalog,
    /// Pool indices of the remaining string ids.
    next: usize,
    end: usize,
}

impl<'a> Iterator for StrList<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.next >= self.end {
            return None;
        }
        let id = self.cat.u32_at(blob::POOL, self.next);
        self.next += 1;
        Some(self.cat.str(id))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end.saturating_sub(self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for StrList<'_> {}

impl<'a> StrList<'a> {
    /// The remaining strings, without consuming `self` (so `list.iter()` reads like a
    /// slice's).
    pub fn iter(&self) -> StrList<'a> {
        self.clone()
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Section {
    start: usize,
    len: usize,
}

/// The AWS catalog. Cheap to query; `Send + Sync`.
pub struct Catalog {
    data: Cow<'static, [u8]>,
    strings: Cow<'static, str>,
    sections: [Section; blob::SECTION_COUNT],
    provenance: Provenance,
    /// [`Catalog::find_action`]'s hash index, built once the process has looked up enough
    /// names for it to pay off (a single-file check never builds it).
    action_hash: ActionHashSlot,
    /// [`Catalog::condition_key`]'s templates grouped by service, built on first use.
    key_templates: std::sync::OnceLock<KeyTemplateIndex>,
    /// Sets and indexes computed from the tables, each on first use.
    derived: derived::Derived,
}

/// The templated condition keys (`aws:RequestTag/${TagKey}`) by the service part of their
/// name. A template can match a key only when its literal start is a prefix of the key;
/// when that start holds the template's first `:`, the key's text before its first `:`
/// is the template's: only that service's templates need testing.
#[derive(Default)]
struct KeyTemplateIndex {
    /// (lower-cased text before the first `:`, position in the templates section),
    /// sorted.
    by_service: Vec<(String, u32)>,
    /// Templates with a placeholder before their first `:`: always tested.
    always: Vec<u32>,
    /// Per template (by position): the length of its literal text before the first
    /// placeholder, which a matching key starts with (checked before the full match).
    head_len: Vec<u32>,
}

/// Lookups answered by binary search before [`ActionHash`] is built: the build reads every
/// action name once (about half a millisecond).
const ACTION_HASH_AFTER: usize = 4096;

#[derive(Default)]
struct ActionHashSlot {
    lookups: std::sync::atomic::AtomicUsize,
    index: std::sync::OnceLock<ActionHash>,
}

/// Open addressing over the lower-case action keys. A slot holds what a probe needs
/// without reading the catalog's tables: the key's hash (most mismatches stop there) and
/// where its bytes are in the string table (a match reads them once).
struct ActionHash {
    slots: Vec<HashSlot>,
}

/// `id == 0`: empty; otherwise the action id + 1.
#[derive(Clone, Copy, Default)]
struct HashSlot {
    hash: u32,
    id: u32,
    start: u32,
    len: u32,
}

impl ActionHash {
    fn build(cat: &Catalog) -> ActionHash {
        let n = cat.action_count();
        // at most three quarters full (22,321 actions: 32,768 slots, 512 KB)
        let mut size = n.next_power_of_two().max(16);
        if n * 4 > size * 3 {
            size *= 2;
        }
        let mut slots = vec![HashSlot::default(); size];
        let base = cat.strings.as_ptr() as usize;
        for a in 0..n {
            let key = cat.action_key(a as ActionId);
            let h = key_hash(key.as_bytes());
            let mut i = h as usize & (size - 1);
            while slots[i].id != 0 {
                i = (i + 1) & (size - 1);
            }
            // the key is a slice of the string table: its offset fits the table's u32s
            let start = (key.as_ptr() as usize).saturating_sub(base);
            slots[i] = HashSlot {
                hash: (h >> 32) as u32,
                id: a as u32 + 1,
                start: u32::try_from(start).unwrap_or(u32::MAX),
                len: u32::try_from(key.len()).unwrap_or(u32::MAX),
            };
        }
        ActionHash { slots }
    }

    fn find(&self, cat: &Catalog, lower: &[u8]) -> Option<ActionId> {
        let mask = self.slots.len() - 1;
        let h = key_hash(lower);
        let (mut i, tag) = (h as usize & mask, (h >> 32) as u32);
        loop {
            let slot = *self.slots.get(i)?;
            if slot.id == 0 {
                return None;
            }
            if slot.hash == tag && slot.len as usize == lower.len() {
                let (start, len) = (slot.start as usize, slot.len as usize);
                if cat.strings.as_bytes().get(start..start + len) == Some(lower) {
                    return Some(slot.id - 1);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

/// A fast multiplicative hash of a short byte string (not for untrusted-collision use:
/// the table holds catalog keys only, and a probe sequence ends at the first empty slot).
fn key_hash(bytes: &[u8]) -> u64 {
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(w));
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        // the last bytes, little-endian, zero-padded (byte by byte: no `memcpy` call)
        let w = tail
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = mix(h, w);
    }
    h ^ (h >> 29)
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("services", &self.service_count())
            .field("actions", &self.action_count())
            .field("provenance", &self.provenance)
            .finish_non_exhaustive()
    }
}

/// Compares `stored` with `query`, both lower-cased (ASCII).
fn cmp_ci(stored: &str, query: &str) -> Ordering {
    let a = stored.bytes().map(|c| c.to_ascii_lowercase());
    let b = query.bytes().map(|c| c.to_ascii_lowercase());
    a.cmp(b)
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.as_bytes()
            .iter()
            .zip(prefix.as_bytes())
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// First index in `0..n` where `pred` is false (`pred` must be true then false).
fn partition_point(n: usize, mut pred: impl FnMut(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Matches `query` against a templated key: literal parts case-insensitively, each
/// `${...}` or `<...>` part against one or more characters.
fn template_matches(template: &str, query: &str) -> bool {
    // fast reject on the literal part before the first placeholder
    let head = template
        .find(['$', '<'])
        .map_or(template, |i| &template[..i]);
    if !starts_with_ci(query, head) {
        return false;
    }
    // split into literal parts separated by placeholders
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = template;
    loop {
        let open = match (rest.find("${"), rest.find('<')) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(open) = open else {
            parts.push(rest);
            break;
        };
        let close_ch = if rest[open..].starts_with("${") {
            '}'
        } else {
            '>'
        };
        let Some(close) = rest[open..].find(close_ch) else {
            parts.push(rest);
            break;
        };
        parts.push(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    match_parts(&parts, query, true)
}

fn match_parts(parts: &[&str], query: &str, first: bool) -> bool {
    let Some((lit, more)) = parts.split_first() else {
        return query.is_empty();
    };
    if first {
        // the first literal is anchored at the start
        return starts_with_ci(query, lit) && match_parts(more, &query[lit.len()..], false);
    }
    // a placeholder (one or more characters) precedes `lit`
    if more.is_empty() && lit.is_empty() {
        return !query.is_empty();
    }
    let mut from = 1;
    while from <= query.len() {
        if query.is_char_boundary(from) {
            let tail = &query[from..];
            if starts_with_ci(tail, lit) && match_parts(more, &tail[lit.len()..], false) {
                return true;
            }
        }
        from += 1;
    }
    false
}

impl Catalog {
    /// The catalog compiled into the binary, read in place: the blob header and the
    /// string table's UTF-8 are validated, nothing is parsed or copied (tens of
    /// microseconds). A program makes one and passes it to what needs it; the sets and
    /// indexes derived from it are kept by the instance.
    pub fn embedded() -> Catalog {
        match Catalog::from_static(EMBEDDED_BLOB) {
            Ok(cat) => cat,
            Err(e) => {
                debug_assert!(false, "embedded catalog is invalid: {e}");
                Catalog::empty()
            }
        }
    }

    /// Builds a catalog from a normalized data directory written by
    /// `cargo xtask catalog-import` (the directory holding `provenance.json`).
    pub fn from_dir(dir: &std::path::Path) -> Result<Catalog, CatalogError> {
        let norm = build::load_normalized_dir(dir)?;
        let bytes = build::encode(&norm)?;
        Catalog::from_blob(bytes)
    }

    /// Reads a blob produced by [`build::encode`] (validates the header).
    pub fn from_blob(bytes: Vec<u8>) -> Result<Catalog, CatalogError> {
        let sections = Self::parse_header(&bytes)?;
        let s = sections[blob::STR_BYTES];
        let text = bytes
            .get(s.start..s.start + s.len)
            .ok_or_else(|| CatalogError::Blob("string table out of bounds".to_owned()))?;
        let strings = String::from_utf8(text.to_vec())
            .map_err(|_| CatalogError::Blob("string table is not UTF-8".to_owned()))?;
        Self::finish(Cow::Owned(bytes), Cow::Owned(strings), sections)
    }

    /// Reads a blob in place (what [`Catalog::embedded`] does on its first call):
    /// validates the header and the string table's UTF-8, copies nothing.
    pub fn from_static(bytes: &'static [u8]) -> Result<Catalog, CatalogError> {
        let sections = Self::parse_header(bytes)?;
        let s = sections[blob::STR_BYTES];
        let text = bytes
            .get(s.start..s.start + s.len)
            .ok_or_else(|| CatalogError::Blob("string table out of bounds".to_owned()))?;
        let strings = std::str::from_utf8(text)
            .map_err(|_| CatalogError::Blob("string table is not UTF-8".to_owned()))?;
        Self::finish(Cow::Borrowed(bytes), Cow::Borrowed(strings), sections)
    }

    fn empty() -> Catalog {
        Catalog {
            data: Cow::Borrowed(&[]),
            strings: Cow::Borrowed(""),
            sections: [Section::default(); blob::SECTION_COUNT],
            provenance: Provenance::default(),
            action_hash: ActionHashSlot::default(),
            key_templates: std::sync::OnceLock::new(),
            derived: derived::Derived::default(),
        }
    }

    fn parse_header(bytes: &[u8]) -> Result<[Section; blob::SECTION_COUNT], CatalogError> {
        let err = |m: &str| CatalogError::Blob(m.to_owned());
        let word = |i: usize| -> Option<usize> {
            let b = bytes.get(i..i + 4)?;
            Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        if bytes.get(..8) != Some(&blob::MAGIC[..]) {
            return Err(err("bad magic (not an iamlint catalog)"));
        }
        if word(8) != Some(blob::VERSION as usize) {
            return Err(CatalogError::Blob(format!(
                "format version {} is not the supported version {}",
                word(8).unwrap_or(0),
                blob::VERSION
            )));
        }
        if word(12) != Some(blob::SECTION_COUNT) {
            return Err(err("unexpected section count"));
        }
        let mut sections = [Section::default(); blob::SECTION_COUNT];
        for (i, s) in sections.iter_mut().enumerate() {
            let start = word(16 + 8 * i).ok_or_else(|| err("truncated header"))?;
            let len = word(20 + 8 * i).ok_or_else(|| err("truncated header"))?;
            if start % 4 != 0 || start.checked_add(len).is_none_or(|end| end > bytes.len()) {
                return Err(CatalogError::Blob(format!("section {i} out of bounds")));
            }
            let width = blob::WIDTHS[i];
            if width != 0 && len % (4 * width) != 0 {
                return Err(CatalogError::Blob(format!("section {i} has a partial row")));
            }
            *s = Section { start, len };
        }
        if sections[blob::STR_OFFS].len < 4 || sections[blob::META].len != 24 {
            return Err(err("missing string table or metadata"));
        }
        Ok(sections)
    }

    fn finish(
        data: Cow<'static, [u8]>,
        strings: Cow<'static, str>,
        sections: [Section; blob::SECTION_COUNT],
    ) -> Result<Catalog, CatalogError> {
        let mut cat = Catalog {
            data,
            strings,
            sections,
            provenance: Provenance::default(),
            action_hash: ActionHashSlot::default(),
            key_templates: std::sync::OnceLock::new(),
            derived: derived::Derived::default(),
        };
        let m = |i: usize| cat.str(cat.u32_at(blob::META, i)).to_owned();
        cat.provenance = Provenance {
            source: m(0),
            version: m(1),
            data_date: m(2),
            imported_at: m(3),
            licence: m(4),
            sha256: m(5),
        };
        Ok(cat)
    }

    // ---- raw access -------------------------------------------------------------------

    /// The `i`-th u32 of a section (0 when out of bounds).
    #[inline]
    fn u32_at(&self, section: usize, i: usize) -> u32 {
        let Some(s) = self.sections.get(section) else {
            return 0;
        };
        if i >= s.len / 4 {
            return 0;
        }
        let at = s.start + 4 * i;
        match self.data.get(at..at + 4) {
            Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
            _ => 0,
        }
    }

    /// Field `f` of row `row` of a section of fixed-width rows.
    #[inline]
    fn field(&self, section: usize, row: usize, f: usize) -> u32 {
        self.u32_at(section, row * blob::WIDTHS[section] + f)
    }

    fn rows(&self, section: usize) -> usize {
        self.sections[section].len / (4 * blob::WIDTHS[section])
    }

    #[inline]
    fn str(&self, id: u32) -> &str {
        let id = id as usize;
        let start = self.u32_at(blob::STR_OFFS, id) as usize;
        let end = self.u32_at(blob::STR_OFFS, id + 1) as usize;
        self.strings.get(start..end).unwrap_or("")
    }

    /// The items of the pool list at `at` with `stride` u32 per item: (first, count).
    fn list(&self, at: u32, stride: usize) -> (usize, usize) {
        if at == 0 {
            return (0, 0);
        }
        let at = at as usize;
        let count = self.u32_at(blob::POOL, at) as usize;
        let pool_len = self.sections[blob::POOL].len / 4;
        let count = count.min(pool_len.saturating_sub(at + 1) / stride);
        (at + 1, count)
    }

    fn str_list(&self, at: u32) -> StrList<'_> {
        let (first, count) = self.list(at, 1);
        StrList {
            cat: self,
            next: first,
            end: first + count,
        }
    }

    fn key_info(&self, section: usize, row: usize) -> ConditionKeyInfo<'_> {
        let code = self.field(section, row, 1);
        ConditionKeyInfo {
            name: self.str(self.field(section, row, 0)),
            ty: ConditionType::from_code(code),
            global: code & blob::GLOBAL_BIT != 0,
        }
    }

    /// A `start..end` pair of fields, clamped to `0..limit` rows.
    fn range_field(&self, section: usize, row: usize, f: usize, limit: usize) -> Range<u32> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        let end = self.field(section, row, f + 1).min(limit);
        let start = self.field(section, row, f).min(end);
        start..end
    }

    // ---- public API -------------------------------------------------------------------

    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    pub fn service_count(&self) -> usize {
        self.rows(blob::SERVICES)
    }

    pub fn action_count(&self) -> usize {
        self.rows(blob::ACTIONS)
    }

    pub fn resource_type_count(&self) -> usize {
        self.rows(blob::RTYPES)
    }

    /// Distinct condition key names: every service key plus every global key (a key
    /// listed by several services counts once).
    pub fn condition_key_count(&self) -> usize {
        self.rows(blob::KEY_INDEX)
    }

    /// The service with this prefix (case-insensitive).
    pub fn service_by_prefix(&self, prefix: &str) -> Option<ServiceId> {
        let n = self.service_count();
        let i = partition_point(n, |i| {
            cmp_ci(self.str(self.field(blob::SERVICES, i, 0)), prefix) == Ordering::Less
        });
        (i < n && cmp_ci(self.str(self.field(blob::SERVICES, i, 0)), prefix) == Ordering::Equal)
            .then_some(i as ServiceId)
    }

    /// Canonical prefix, e.g. `s3`.
    pub fn service_prefix(&self, s: ServiceId) -> &str {
        self.str(self.field(blob::SERVICES, s.into(), 0))
    }

    /// Display name, e.g. `Amazon S3`.
    pub fn service_name(&self, s: ServiceId) -> &str {
        self.str(self.field(blob::SERVICES, s.into(), 1))
    }

    /// The contiguous ids of the service's actions.
    pub fn service_actions(&self, s: ServiceId) -> Range<ActionId> {
        self.range_field(blob::SERVICES, s.into(), 2, self.action_count())
    }

    pub fn services(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.service_count()).map(|i| i as ServiceId)
    }

    /// Canonical casing, e.g. `GetObject`.
    pub fn action_name(&self, a: ActionId) -> &str {
        self.str(self.field(blob::ACTIONS, a as usize, 1))
    }

    pub fn action_service(&self, a: ActionId) -> ServiceId {
        (self.field(blob::ACTIONS, a as usize, 2) & 0xffff) as ServiceId
    }

    /// `s3:GetObject`.
    pub fn action_full_name(&self, a: ActionId) -> String {
        format!(
            "{}:{}",
            self.service_prefix(self.action_service(a)),
            self.action_name(a)
        )
    }

    /// `s3:getobject`, the sort key.
    pub fn action_key(&self, a: ActionId) -> &str {
        self.str(self.field(blob::ACTIONS, a as usize, 0))
    }

    /// Case-insensitive lookup of `service:Action`.
    pub fn find_action(&self, full_name: &str) -> Option<ActionId> {
        // The name lower-cased (on the stack when short, as every real one is), then a
        // binary search over the sort keys (lower case) with plain byte comparisons.
        let mut buf = [0u8; 128];
        let owned;
        let lower: &[u8] = match buf.get_mut(..full_name.len()) {
            Some(b) => {
                // copied and lower-cased in one pass (no call to `memcpy` for a short name)
                for (d, c) in b.iter_mut().zip(full_name.bytes()) {
                    *d = c.to_ascii_lowercase();
                }
                b
            }
            None => {
                owned = full_name.to_ascii_lowercase();
                owned.as_bytes()
            }
        };
        if let Some(index) = self.action_hash() {
            return index.find(self, lower);
        }
        let n = self.action_count();
        let i = partition_point(n, |i| self.action_key(i as ActionId).as_bytes() < lower);
        (i < n && self.action_key(i as ActionId).as_bytes() == lower).then_some(i as ActionId)
    }

    /// The hash index, once enough lookups have been made for building it to pay off.
    fn action_hash(&self) -> Option<&ActionHash> {
        use std::sync::atomic::Ordering::Relaxed;
        let slot = &self.action_hash;
        if let Some(index) = slot.index.get() {
            return Some(index);
        }
        if slot.lookups.fetch_add(1, Relaxed) < ACTION_HASH_AFTER {
            return None;
        }
        Some(slot.index.get_or_init(|| ActionHash::build(self)))
    }

    /// Every action whose key starts with `lower_prefix` (compared case-insensitively):
    /// `s3:get` gives every `s3:Get*`; `s3` gives `s3:*`, `s3-object-lambda:*`,
    /// `s3express:*`, ...
    pub fn action_range_with_prefix(&self, lower_prefix: &str) -> Range<ActionId> {
        // With the whole service part given (`s3:get`), only that service's actions (a
        // short, contiguous run) are searched.
        let within = match lower_prefix.split_once(':') {
            Some((service, _)) => match self.service_by_prefix(service) {
                Some(s) => self.service_actions(s),
                None => return 0..0,
            },
            None => 0..self.action_count() as ActionId,
        };
        let (base, n) = (within.start as usize, within.len());
        let start = partition_point(n, |i| {
            cmp_ci(self.action_key((base + i) as ActionId), lower_prefix).is_lt()
        });
        let len = partition_point(n - start, |j| {
            starts_with_ci(
                self.action_key((base + start + j) as ActionId),
                lower_prefix,
            )
        });
        (base + start) as ActionId..(base + start + len) as ActionId
    }

    pub fn access_level(&self, a: ActionId) -> AccessLevel {
        let code = (self.field(blob::ACTIONS, a as usize, 2) >> 16) as u8;
        AccessLevel::from_code(code).unwrap_or(AccessLevel::Write)
    }

    /// The resource types the action applies to; empty means the action only works with
    /// `Resource: "*"`.
    pub fn action_resources(&self, a: ActionId) -> impl Iterator<Item = ActionResource<'_>> + '_ {
        let (first, count) = self.list(self.field(blob::ACTIONS, a as usize, 3), 3);
        (0..count).map(move |k| {
            let at = first + 3 * k;
            ActionResource {
                resource_type: self.u32_at(blob::POOL, at),
                required: self.u32_at(blob::POOL, at + 1) != 0,
                condition_keys: self.str_list(self.u32_at(blob::POOL, at + 2)),
            }
        })
    }

    /// Action-level condition keys.
    pub fn action_condition_keys(&self, a: ActionId) -> StrList<'_> {
        self.str_list(self.field(blob::ACTIONS, a as usize, 4))
    }

    /// Other actions needed to call this one, as `service:Action`.
    pub fn dependent_actions(&self, a: ActionId) -> StrList<'_> {
        self.str_list(self.field(blob::ACTIONS, a as usize, 5))
    }

    /// e.g. `object`.
    pub fn resource_type_name(&self, r: ResourceTypeId) -> &str {
        self.str(self.field(blob::RTYPES, r as usize, 0))
    }

    pub fn resource_type_service(&self, r: ResourceTypeId) -> ServiceId {
        self.field(blob::RTYPES, r as usize, 1) as ServiceId
    }

    /// e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub fn resource_type_arn_formats(&self, r: ResourceTypeId) -> StrList<'_> {
        self.str_list(self.field(blob::RTYPES, r as usize, 2))
    }

    pub fn resource_type_condition_keys(&self, r: ResourceTypeId) -> StrList<'_> {
        self.str_list(self.field(blob::RTYPES, r as usize, 3))
    }

    pub fn service_resource_types(&self, s: ServiceId) -> Range<ResourceTypeId> {
        self.range_field(blob::SERVICES, s.into(), 4, self.resource_type_count())
    }

    /// The resource type of service `s` with this name (case-insensitive).
    pub fn resource_type_by_name(&self, s: ServiceId, name: &str) -> Option<ResourceTypeId> {
        self.service_resource_types(s)
            .find(|&r| self.resource_type_name(r).eq_ignore_ascii_case(name))
    }

    /// A global or service condition key, case-insensitive on the fixed part. Templated
    /// keys match: `aws:RequestTag/Env` gives `aws:RequestTag/${TagKey}`,
    /// `s3:ExistingObjectTag/k` gives `s3:ExistingObjectTag/<key>`.
    pub fn condition_key(&self, key: &str) -> Option<ConditionKeyInfo<'_>> {
        self.condition_key_id(key)
            .map(|id| self.key_info(blob::KEY_INDEX, id.0 as usize))
    }

    /// What [`Catalog::condition_key`] finds for `key`, as an id to keep (see
    /// [`Catalog::condition_key_info`]).
    pub fn condition_key_id(&self, key: &str) -> Option<ConditionKeyId> {
        let n = self.rows(blob::KEY_INDEX);
        let name = |i: usize| self.str(self.field(blob::KEY_INDEX, i, 0));
        let i = partition_point(n, |i| cmp_ci(name(i), key).is_lt());
        if i < n && cmp_ci(name(i), key).is_eq() {
            return Some(ConditionKeyId(i as u32));
        }
        // templated keys: the most specific (longest) template that matches, the first
        // in the section among equally long ones
        let index = self.key_templates.get_or_init(|| self.key_template_index());
        let service = key.split(':').next().unwrap_or("");
        let from = index
            .by_service
            .partition_point(|(s, _)| cmp_ci(s, service).is_lt());
        let mut candidates: Vec<u32> = index.by_service[from..]
            .iter()
            .take_while(|(s, _)| cmp_ci(s, service).is_eq())
            .map(|&(_, t)| t)
            .chain(index.always.iter().copied())
            .collect();
        candidates.sort_unstable();
        let mut best: Option<usize> = None;
        for t in candidates {
            let row = self.u32_at(blob::KEY_TEMPLATES, t as usize) as usize;
            let template = name(row);
            let head = index
                .head_len
                .get(t as usize)
                .and_then(|&n| template.get(..n as usize))
                .unwrap_or("");
            if starts_with_ci(key, head)
                && template_matches(template, key)
                && best.is_none_or(|b| name(b).len() < template.len())
            {
                best = Some(row);
            }
        }
        best.map(|row| ConditionKeyId(row as u32))
    }

    /// The condition key (or key template) of an id from [`Catalog::condition_key_id`].
    pub fn condition_key_info(&self, id: ConditionKeyId) -> ConditionKeyInfo<'_> {
        self.key_info(blob::KEY_INDEX, id.0 as usize)
    }

    fn key_template_index(&self) -> KeyTemplateIndex {
        let mut index = KeyTemplateIndex::default();
        for t in 0..self.sections[blob::KEY_TEMPLATES].len / 4 {
            let row = self.u32_at(blob::KEY_TEMPLATES, t) as usize;
            let template = self.str(self.field(blob::KEY_INDEX, row, 0));
            let colon = template.find(':');
            let placeholder = template.find(['$', '<']);
            index
                .head_len
                .push(u32::try_from(placeholder.unwrap_or(template.len())).unwrap_or(u32::MAX));
            let t = t as u32;
            match colon {
                Some(c) if placeholder.is_none_or(|p| c < p) => index
                    .by_service
                    .push((template[..c].to_ascii_lowercase(), t)),
                _ => index.always.push(t),
            }
        }
        index.by_service.sort_unstable();
        index
    }

    /// Whether `key` is a global key documented as deprecated or superseded (for
    /// example `aws:SourceOwner`, replaced by `aws:SourceAccount`).
    pub fn is_deprecated_condition_key(&self, key: &str) -> bool {
        let n = self.rows(blob::KEY_INDEX);
        let i = partition_point(n, |i| {
            cmp_ci(self.str(self.field(blob::KEY_INDEX, i, 0)), key).is_lt()
        });
        i < n
            && cmp_ci(self.str(self.field(blob::KEY_INDEX, i, 0)), key).is_eq()
            && self.field(blob::KEY_INDEX, i, 1) & blob::DEPRECATED_BIT != 0
    }

    /// The condition keys service `s` lists, in the service's order.
    pub fn service_condition_keys(
        &self,
        s: ServiceId,
    ) -> impl Iterator<Item = ConditionKeyInfo<'_>> + '_ {
        self.range_field(blob::SERVICES, s.into(), 6, self.rows(blob::SVC_KEYS))
            .map(move |row| self.key_info(blob::SVC_KEYS, row as usize))
    }

    /// The `aws:` global condition keys, in the order of `global-condition-keys.json`.
    pub fn global_condition_keys(&self) -> impl Iterator<Item = ConditionKeyInfo<'_>> + '_ {
        (0..self.rows(blob::GLOBAL_KEYS)).map(move |row| self.key_info(blob::GLOBAL_KEYS, row))
    }

    /// Did-you-mean for an unknown service prefix (case-insensitive edit distance);
    /// `None` when nothing is close.
    pub fn suggest_service(&self, prefix: &str) -> Option<&str> {
        let budget = suggest::budget(prefix.len());
        self.services()
            .filter_map(|s| {
                let p = self.service_prefix(s);
                suggest::distance(prefix, p, budget).map(|d| (d, p.len().abs_diff(prefix.len()), p))
            })
            .min()
            .map(|(_, _, p)| p)
    }

    /// Did-you-mean for an unknown action name within service `s`.
    pub fn suggest_action(&self, s: ServiceId, name: &str) -> Option<ActionId> {
        let budget = suggest::budget(name.len());
        self.service_actions(s)
            .filter_map(|a| {
                let n = self.action_name(a);
                suggest::distance(name, n, budget).map(|d| (d, n.len().abs_diff(name.len()), a))
            })
            .min()
            .map(|(_, _, a)| a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert!(template_matches(
            "aws:RequestTag/${TagKey}",
            "AWS:requesttag/Env"
        ));
        assert!(!template_matches(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/"
        ));
        assert!(template_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/a/b"
        ));
        assert!(template_matches(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/src1.auth.type"
        ));
        assert!(!template_matches(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/src1.auth.resource"
        ));
        assert!(template_matches(
            "agent.${Domain}.buildkite.dev:cluster_id",
            "agent.x.y.buildkite.dev:cluster_id"
        ));
        assert!(!template_matches("aws:TagKeys", "aws:TagKeysX"));
    }

    #[test]
    fn corrupt_blobs_are_errors() {
        assert!(Catalog::from_blob(Vec::new()).is_err());
        assert!(Catalog::from_blob(b"IAMLCAT\0\x02\0\0\0".to_vec()).is_err());
        let mut good = EMBEDDED_BLOB.to_vec();
        good.truncate(200);
        assert!(Catalog::from_blob(good).is_err());
    }

    /// The hash index answers exactly as the binary search does: every action (in any
    /// case), and nothing for names that are not in the catalog.
    #[test]
    fn action_hash_agrees_with_binary_search() {
        let cat = &Catalog::embedded();
        let index = ActionHash::build(cat);
        let by_search = |lower: &[u8]| {
            let n = cat.action_count();
            let i = partition_point(n, |i| cat.action_key(i as ActionId).as_bytes() < lower);
            (i < n && cat.action_key(i as ActionId).as_bytes() == lower).then_some(i as ActionId)
        };
        for a in 0..cat.action_count() as ActionId {
            let key = cat.action_key(a);
            assert_eq!(index.find(cat, key.as_bytes()), Some(a), "{key}");
            assert_eq!(by_search(key.as_bytes()), Some(a));
            let missing = format!("{key}x");
            assert_eq!(
                index.find(cat, missing.as_bytes()),
                by_search(missing.as_bytes())
            );
            let cut = &key[..key.len() - 1];
            assert_eq!(
                index.find(cat, cut.as_bytes()),
                by_search(cut.as_bytes()),
                "{cut}"
            );
        }
        for name in [
            "",
            ":",
            "s3:",
            "nosuch:action",
            "s3:getobject ",
            "S3:GETOBJECT",
        ] {
            assert_eq!(
                index.find(cat, name.as_bytes()),
                by_search(name.as_bytes()),
                "{name}"
            );
        }
        // Past the threshold the public lookup uses the index, case-insensitively.
        for _ in 0..=ACTION_HASH_AFTER {
            let _ = cat.find_action("s3:GetObject");
        }
        assert!(cat.action_hash.index.get().is_some());
        assert_eq!(cat.find_action("S3:getOBJECT"), by_search(b"s3:getobject"));
        assert!(cat.find_action("s3:GetObjectt").is_none());
    }

    /// Templated keys are looked up among their service's templates only; the answer is
    /// the one of a scan over every template.
    #[test]
    fn key_templates_by_service_agree_with_a_full_scan() {
        let cat = &Catalog::embedded();
        let name = |i: usize| cat.str(cat.field(blob::KEY_INDEX, i, 0));
        let scan = |key: &str| {
            let mut best: Option<usize> = None;
            for t in 0..cat.sections[blob::KEY_TEMPLATES].len / 4 {
                let row = cat.u32_at(blob::KEY_TEMPLATES, t) as usize;
                let template = name(row);
                if template_matches(template, key)
                    && best.is_none_or(|b| name(b).len() < template.len())
                {
                    best = Some(row);
                }
            }
            best.map(|row| cat.key_info(blob::KEY_INDEX, row).name)
        };
        let mut queries: Vec<String> = Vec::new();
        for t in 0..cat.sections[blob::KEY_TEMPLATES].len / 4 {
            let template = name(cat.u32_at(blob::KEY_TEMPLATES, t) as usize);
            let filled: String = {
                let mut out = String::new();
                let mut in_var = false;
                for c in template.chars() {
                    match c {
                        '$' | '<' => in_var = true,
                        '}' | '>' if in_var => {
                            in_var = false;
                            out.push_str("Team/x");
                        }
                        _ if in_var => {}
                        c => out.push(c),
                    }
                }
                out
            };
            queries.push(filled.to_ascii_uppercase());
            queries.push(filled);
        }
        queries
            .extend(["aws:RequestTag/", "nosuch:Key/x", ":x", "", "aws", "s3:"].map(String::from));
        assert!(queries.len() > 100);
        let mut by_template = 0;
        for q in &queries {
            let exact = cat.rows(blob::KEY_INDEX);
            let i = partition_point(exact, |i| cmp_ci(name(i), q).is_lt());
            if i < exact && cmp_ci(name(i), q).is_eq() {
                continue; // answered by the exact index, not the templates
            }
            let expected = scan(q);
            by_template += usize::from(expected.is_some());
            assert_eq!(cat.condition_key(q).map(|k| k.name), expected, "{q}");
        }
        assert!(by_template > 50, "{by_template}");
    }
}
