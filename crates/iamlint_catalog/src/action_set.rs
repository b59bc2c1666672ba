//! [`ActionSet`]: a bitset over [`ActionId`] for Allow/Deny/NotAction algebra.

use crate::ActionId;

/// A set of actions: one bit per [`ActionId`] in a fixed universe (`0..universe`).
///
/// Sets combined with each other must share the same universe (normally
/// [`crate::Catalog::action_count`]); ids at or past the universe are ignored by
/// [`ActionSet::insert`] and never reported by [`ActionSet::contains`].
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ActionSet {
    words: Vec<u64>,
    universe: usize,
}

impl ActionSet {
    /// The empty set over `0..universe`.
    pub fn empty(universe: usize) -> Self {
        Self {
            words: vec![0; universe.div_ceil(64)],
            universe,
        }
    }

    /// The set of every action in `0..universe`.
    pub fn full(universe: usize) -> Self {
        let mut set = Self {
            words: vec![u64::MAX; universe.div_ceil(64)],
            universe,
        };
        set.clear_tail();
        set
    }

    /// The size of the universe this set ranges over.
    pub fn universe(&self) -> usize {
        self.universe
    }

    /// Adds `a`; ids outside the universe are ignored.
    pub fn insert(&mut self, a: ActionId) {
        let i = a as usize;
        if i < self.universe {
            if let Some(w) = self.words.get_mut(i / 64) {
                *w |= 1u64 << (i % 64);
            }
        }
    }

    /// Adds every id of `r` (clamped to the universe).
    pub fn insert_range(&mut self, r: std::ops::Range<ActionId>) {
        let start = (r.start as usize).min(self.universe);
        let end = (r.end as usize).min(self.universe);
        if start >= end {
            return;
        }
        let (first, last) = (start / 64, (end - 1) / 64);
        for wi in first..=last {
            let lo = if wi == first { start % 64 } else { 0 };
            let hi = if wi == last { (end - 1) % 64 } else { 63 };
            // bits lo..=hi
            let mask = (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
            if let Some(w) = self.words.get_mut(wi) {
                *w |= mask;
            }
        }
    }

    /// Removes `a` if present.
    pub fn remove(&mut self, a: ActionId) {
        let i = a as usize;
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1u64 << (i % 64));
        }
    }

    /// Whether `a` is in the set.
    pub fn contains(&self, a: ActionId) -> bool {
        let i = a as usize;
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// The number of actions in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set holds no action.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// `self ∪= o`.
    pub fn union_with(&mut self, o: &ActionSet) {
        debug_assert_eq!(
            self.universe, o.universe,
            "action sets over different universes"
        );
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a |= b;
        }
    }

    /// `self ∩= o`.
    pub fn intersect_with(&mut self, o: &ActionSet) {
        debug_assert_eq!(
            self.universe, o.universe,
            "action sets over different universes"
        );
        let n = o.words.len();
        for (i, a) in self.words.iter_mut().enumerate() {
            *a &= if i < n {
                o.words.get(i).copied().unwrap_or(0)
            } else {
                0
            };
        }
    }

    /// `self −= o`.
    pub fn subtract(&mut self, o: &ActionSet) {
        debug_assert_eq!(
            self.universe, o.universe,
            "action sets over different universes"
        );
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a &= !b;
        }
    }

    /// Every action of the universe that is not in `self`.
    pub fn complement(&self) -> ActionSet {
        let mut out = Self {
            words: self.words.iter().map(|w| !w).collect(),
            universe: self.universe,
        };
        out.clear_tail();
        out
    }

    /// Whether every action of `self` is in `o`.
    pub fn is_subset(&self, o: &ActionSet) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, a)| a & !o.words.get(i).copied().unwrap_or(0) == 0)
    }

    /// The actions of the set in increasing id order.
    pub fn iter(&self) -> impl Iterator<Item = ActionId> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                // universe fits u32 ids by construction
                Some((wi * 64) as ActionId + bit)
            })
        })
    }

    fn clear_tail(&mut self) {
        let rem = self.universe % 64;
        if rem != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << rem) - 1;
            }
        }
    }
}
