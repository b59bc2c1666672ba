//! A per-catalog index of lower-cased action names, built once, so that patterns
//! with a wildcard in the service part expand without touching the catalog's
//! string table action by action.

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use iamlint_catalog::{ActionId, Catalog};

/// Lower-cased action names of one catalog, in id order.
pub(crate) struct ActionIndex {
    /// `\n` + every name followed by `\n`: `\ngetobject\nputobject\n`.
    names: String,
    /// Byte offset of each name in `names`; one more entry for the end.
    starts: Vec<u32>,
    /// Lower-cased service prefix and its action ids, per service.
    pub(crate) services: Vec<(String, Range<ActionId>)>,
    /// The service (index into `services`) of each action.
    service_of: Vec<u32>,
}

impl ActionIndex {
    fn build(catalog: &Catalog) -> ActionIndex {
        let n = catalog.action_count();
        let mut names = String::from("\n");
        let mut starts = Vec::with_capacity(n + 1);
        let mut service_of = vec![0u32; n];
        let mut services = Vec::with_capacity(catalog.service_count());
        for s in catalog.services() {
            let range = catalog.service_actions(s);
            let idx = u32::try_from(services.len()).unwrap_or(u32::MAX);
            for a in range.clone() {
                if let Some(slot) = service_of.get_mut(a as usize) {
                    *slot = idx;
                }
            }
            services.push((catalog.service_prefix(s).to_ascii_lowercase(), range));
        }
        for a in 0..n {
            starts.push(u32::try_from(names.len()).unwrap_or(u32::MAX));
            let key = catalog.action_key(a as ActionId);
            let name = key.split_once(':').map_or(key, |(_, n)| n);
            names.extend(name.chars().map(|c| c.to_ascii_lowercase()));
            names.push('\n');
        }
        starts.push(u32::try_from(names.len()).unwrap_or(u32::MAX));
        ActionIndex {
            names,
            starts,
            services,
            service_of,
        }
    }

    /// The index of `catalog`, built on first use. The embedded catalog's index
    /// lives for the process; others are cached by address and fingerprint.
    pub(crate) fn of(catalog: &Catalog) -> Arc<ActionIndex> {
        static EMBEDDED: OnceLock<Arc<ActionIndex>> = OnceLock::new();
        if catalog.is_embedded() {
            return EMBEDDED
                .get_or_init(|| Arc::new(ActionIndex::build(catalog)))
                .clone();
        }
        type Key = (usize, usize, String);
        static OTHERS: Mutex<Vec<(Key, Arc<ActionIndex>)>> = Mutex::new(Vec::new());
        let key: Key = (
            catalog as *const Catalog as usize,
            catalog.action_count(),
            catalog.provenance().sha256.clone(),
        );
        let mut cache = match OTHERS.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((_, idx)) = cache.iter().find(|(k, _)| *k == key) {
            return idx.clone();
        }
        let idx = Arc::new(ActionIndex::build(catalog));
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push((key, idx.clone()));
        idx
    }

    /// The lower-cased name (without service) of action `a`.
    pub(crate) fn name(&self, a: ActionId) -> &str {
        let i = a as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&s), Some(&e)) => self
                .names
                .get(s as usize..(e as usize).saturating_sub(1))
                .unwrap_or(""),
            _ => "",
        }
    }

    /// The actions of `range` (sorted names) whose name starts with `prefix`.
    pub(crate) fn prefix_range(&self, range: Range<ActionId>, prefix: &str) -> Range<ActionId> {
        if prefix.is_empty() {
            return range;
        }
        let (lo, hi) = (range.start as usize, range.end as usize);
        let len = hi.saturating_sub(lo);
        let first = partition_point(len, |j| self.name((lo + j) as ActionId) < prefix);
        let count = partition_point(len - first, |j| {
            self.name((lo + first + j) as ActionId).starts_with(prefix)
        });
        let start = (lo + first) as ActionId;
        start..start + count as ActionId
    }

    /// Every action whose name contains `needle` (lower case, non-empty, no `\n`),
    /// in increasing order, each once.
    pub(crate) fn containing(&self, needle: &str) -> Vec<ActionId> {
        let mut out: Vec<ActionId> = Vec::new();
        let mut cursor = 0usize;
        for pos in memchr::memmem::find_iter(self.names.as_bytes(), needle.as_bytes()) {
            let pos = u32::try_from(pos).unwrap_or(u32::MAX);
            // Advance to the name holding `pos`: starts[cursor] <= pos < starts[cursor + 1].
            while self.starts.get(cursor + 1).is_some_and(|&next| next <= pos) {
                cursor += 1;
            }
            let id = cursor as ActionId;
            if out.last() != Some(&id) {
                out.push(id);
            }
        }
        out
    }

    /// The service (index into `services`) of action `a`.
    pub(crate) fn service_of(&self, a: ActionId) -> usize {
        self.service_of
            .get(a as usize)
            .map_or(usize::MAX, |s| *s as usize)
    }
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
