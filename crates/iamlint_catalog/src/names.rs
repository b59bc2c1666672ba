//! The lower-cased action names of one catalog in one buffer, built once per
//! [`Catalog`] on first use ([`Catalog::name_index`]), so that patterns with a wildcard
//! in the service part, or an action part that starts with one, are matched without
//! touching the string table action by action.

use std::ops::Range;

use crate::{partition_point, ActionId, Catalog};

/// Lower-cased action names of one catalog, in id order.
pub struct NameIndex {
    /// `\n` + every name followed by `\n`: `\ngetobject\nputobject\n`.
    names: String,
    /// Byte offset of each name in `names`; one more entry for the end.
    starts: Vec<u32>,
    /// Lower-cased service prefix and its action ids, per service.
    services: Vec<(String, Range<ActionId>)>,
    /// The service (index into `services`) of each action.
    service_of: Vec<u32>,
    /// (hash of the lower-cased name, action), sorted: actions by name without scanning.
    by_name: Vec<(u64, ActionId)>,
}

impl NameIndex {
    pub(crate) fn build(catalog: &Catalog) -> NameIndex {
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
            // the sort key is the lower-cased `service:action`
            let key = catalog.action_key(a as ActionId);
            names.push_str(key.split_once(':').map_or(key, |(_, n)| n));
            names.push('\n');
        }
        starts.push(u32::try_from(names.len()).unwrap_or(u32::MAX));
        let mut index = NameIndex {
            names,
            starts,
            services,
            service_of,
            by_name: Vec::new(),
        };
        let mut by_name: Vec<(u64, ActionId)> = (0..n as ActionId)
            .map(|a| (name_hash(index.name(a).as_bytes()), a))
            .collect();
        by_name.sort_unstable();
        index.by_name = by_name;
        index
    }

    /// Every service's lower-cased prefix and its actions, in service order.
    pub fn services(&self) -> &[(String, Range<ActionId>)] {
        &self.services
    }

    /// The lower-cased name (without service) of action `a`.
    pub fn name(&self, a: ActionId) -> &str {
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
    pub fn prefix_range(&self, range: Range<ActionId>, prefix: &str) -> Range<ActionId> {
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
    pub fn containing(&self, needle: &str) -> Vec<ActionId> {
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

    /// Every action, of any service, whose name (without the service) is `name`,
    /// compared case-insensitively, in increasing order.
    pub fn named(&self, name: &str) -> Vec<ActionId> {
        let lower = name.to_ascii_lowercase();
        let h = name_hash(lower.as_bytes());
        let from = self.by_name.partition_point(|(k, _)| *k < h);
        self.by_name[from..]
            .iter()
            .take_while(|(k, _)| *k == h)
            .map(|&(_, a)| a)
            .filter(|&a| self.name(a) == lower)
            .collect()
    }

    /// The service (index into `services`) of action `a`.
    pub fn service_of(&self, a: ActionId) -> usize {
        self.service_of
            .get(a as usize)
            .map_or(usize::MAX, |s| *s as usize)
    }
}

/// FNV-1a of a (lower-cased) name.
fn name_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
