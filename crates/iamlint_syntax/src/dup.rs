//! Duplicate-key detection shared by both loaders.

use std::collections::HashMap;

use crate::{DuplicateKey, Entry};

/// Maps with at most this many entries are checked pairwise, larger ones with a hash map.
const SMALL_MAP: usize = 16;

/// Record every entry of `entries` whose key already appeared earlier in the same map,
/// paired with the first occurrence.
pub(crate) fn record_duplicates(entries: &[Entry], out: &mut Vec<DuplicateKey>) {
    if entries.len() <= SMALL_MAP {
        for (j, second) in entries.iter().enumerate() {
            if let Some(first) = entries.iter().take(j).find(|e| e.key == second.key) {
                out.push(DuplicateKey {
                    key: second.key.clone(),
                    first: first.key_span,
                    second: second.key_span,
                });
            }
        }
        return;
    }
    let mut seen: HashMap<&str, &Entry> = HashMap::with_capacity(entries.len());
    for second in entries {
        match seen.get(second.key.as_str()) {
            Some(first) => out.push(DuplicateKey {
                key: second.key.clone(),
                first: first.key_span,
                second: second.key_span,
            }),
            None => {
                seen.insert(&second.key, second);
            }
        }
    }
}
