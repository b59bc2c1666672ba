//! [`ActionSet`]: a set of [`ActionId`]s for Allow/Deny/NotAction algebra.

use crate::ActionId;
use std::sync::Arc;

/// Sets of at most this many actions are kept as a sorted list of ids; larger ones as a
/// bitset over the universe. Most action items of a policy name one action, so a full
/// bitset (one bit per catalog action, about 2.8 KB) for each would dominate a check's
/// allocations.
const SPARSE_MAX: usize = 32;

/// A set of actions in a fixed universe (`0..universe`).
///
/// Small sets are a sorted list of ids, large ones a bitset; the representation is
/// invisible to callers (equality and hashing are by the actions in the set). Sets
/// combined with each other must share the same universe (normally
/// [`crate::Catalog::action_count`]); ids at or past the universe are ignored by
/// [`ActionSet::insert`] and never reported by [`ActionSet::contains`].
#[derive(Clone, Debug)]
pub struct ActionSet {
    repr: Repr,
    universe: usize,
}

#[derive(Clone, Debug)]
enum Repr {
    /// Sorted, unique ids below the universe; at most [`SPARSE_MAX`] of them.
    Sparse(Vec<ActionId>),
    /// One bit per id of the universe; bits past the universe are zero. Shared by the
    /// copies of a set (copied on the first change): an expansion kept for the run is
    /// handed to every item that names its pattern without copying 2.8 KB each time (a
    /// policy of 100,000 wildcard statements held 1.75 GB of copies).
    Dense(Arc<[u64]>),
    /// A shared bitset, a few ids added and a few taken away: `(base ∪ add) − del`, with
    /// `add` none of the bitset's, `del` all of them, both sorted and unique, at most
    /// [`SPARSE_MAX`] in all. What a statement naming a wildcard and a few single
    /// actions grants (`s3:Get*` and `ec2:RunInstances`), or a `NotAction` of a few
    /// actions (every action but those), without a bitset of its own (a policy of
    /// 100,000 such statements, each naming another single action, held 300 MB of
    /// bitsets). Changed in any other way, it becomes `Dense`.
    Overlay(Arc<[u64]>, Vec<ActionId>, Vec<ActionId>),
}

/// The bits of the sorted ids `ids` that fall in bitset word `w`.
fn sparse_word(ids: &[ActionId], w: usize) -> u64 {
    let lo = ids.partition_point(|&a| (a as usize) < w * 64);
    ids.get(lo..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&a| (a as usize) < (w + 1) * 64)
        .fold(0u64, |acc, &a| acc | 1u64 << (a % 64))
}

fn bit_of(words: &[u64], a: ActionId) -> bool {
    let i = a as usize;
    words
        .get(i / 64)
        .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
}

impl ActionSet {
    /// Sets of at most this many actions are lists of ids; so is what an overlay adds to
    /// shared words.
    pub const SPARSE_MAX: usize = SPARSE_MAX;

    /// The empty set over `0..universe` (allocates nothing).
    pub fn empty(universe: usize) -> Self {
        Self {
            repr: Repr::Sparse(Vec::new()),
            universe,
        }
    }

    /// The set of one action (empty when `a` is outside the universe), allocated to size.
    pub fn single(universe: usize, a: ActionId) -> Self {
        Self {
            repr: Repr::Sparse(if (a as usize) < universe {
                vec![a]
            } else {
                Vec::new()
            }),
            universe,
        }
    }

    /// The set of every action in `0..universe`.
    pub fn full(universe: usize) -> Self {
        let mut set = Self {
            repr: Repr::Dense(vec![u64::MAX; universe.div_ceil(64)].into()),
            universe,
        };
        set.clear_tail();
        set
    }

    /// The set of the ids in `0..universe` that `keep` accepts, asked in order (built
    /// word by word, in the form [`ActionSet::insert`] would give it).
    pub fn from_predicate(universe: usize, mut keep: impl FnMut(ActionId) -> bool) -> Self {
        let mut words = vec![0u64; universe.div_ceil(64)];
        let mut count = 0;
        for (w, word) in words.iter_mut().enumerate() {
            for bit in 0..64 {
                let i = w * 64 + bit;
                if i >= universe {
                    break;
                }
                if keep(i as ActionId) {
                    *word |= 1u64 << bit;
                    count += 1;
                }
            }
        }
        let set = Self {
            repr: Repr::Dense(words.into()),
            universe,
        };
        if count > SPARSE_MAX {
            return set;
        }
        Self {
            repr: Repr::Sparse(set.iter().collect()),
            universe,
        }
    }

    /// The size of the universe this set ranges over.
    pub fn universe(&self) -> usize {
        self.universe
    }

    /// The bitset words, converting a sparse set first (and copying words shared with
    /// another set).
    fn dense_mut(&mut self) -> &mut [u64] {
        if let Repr::Overlay(base, add, del) = &self.repr {
            let mut words = base.to_vec();
            for &i in add {
                let i = i as usize;
                if let Some(w) = words.get_mut(i / 64) {
                    *w |= 1u64 << (i % 64);
                }
            }
            for &i in del {
                let i = i as usize;
                if let Some(w) = words.get_mut(i / 64) {
                    *w &= !(1u64 << (i % 64));
                }
            }
            self.repr = Repr::Dense(words.into());
        }
        if let Repr::Sparse(ids) = &self.repr {
            let mut words = vec![0u64; self.universe.div_ceil(64)];
            for &i in ids {
                let i = i as usize;
                if let Some(w) = words.get_mut(i / 64) {
                    *w |= 1u64 << (i % 64);
                }
            }
            self.repr = Repr::Dense(words.into());
        }
        match &mut self.repr {
            Repr::Dense(words) => Arc::make_mut(words),
            Repr::Sparse(_) | Repr::Overlay(..) => unreachable!("converted above"),
        }
    }

    /// Adds `a`; ids outside the universe are ignored.
    pub fn insert(&mut self, a: ActionId) {
        let i = a as usize;
        if i >= self.universe {
            return;
        }
        if let Repr::Sparse(ids) = &mut self.repr {
            match ids.binary_search(&a) {
                Ok(_) => return,
                Err(at) if ids.len() < SPARSE_MAX => {
                    ids.insert(at, a);
                    return;
                }
                Err(_) => {}
            }
        }
        if let Some(w) = self.dense_mut().get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }

    /// Adds every id of `r` (clamped to the universe).
    pub fn insert_range(&mut self, r: std::ops::Range<ActionId>) {
        let start = (r.start as usize).min(self.universe);
        let end = (r.end as usize).min(self.universe);
        if start >= end {
            return;
        }
        if let Repr::Sparse(ids) = &self.repr {
            if ids.len() + (end - start) <= SPARSE_MAX {
                // ids < universe <= u32::MAX by construction
                for a in start..end {
                    self.insert(a as ActionId);
                }
                return;
            }
        }
        let words = self.dense_mut();
        let (first, last) = (start / 64, (end - 1) / 64);
        for wi in first..=last {
            let lo = if wi == first { start % 64 } else { 0 };
            let hi = if wi == last { (end - 1) % 64 } else { 63 };
            // bits lo..=hi
            let mask = (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
            if let Some(w) = words.get_mut(wi) {
                *w |= mask;
            }
        }
    }

    /// Removes `a` if present.
    pub fn remove(&mut self, a: ActionId) {
        if matches!(self.repr, Repr::Overlay(..)) && self.contains(a) {
            self.dense_mut();
        }
        match &mut self.repr {
            Repr::Sparse(ids) => {
                if let Ok(at) = ids.binary_search(&a) {
                    ids.remove(at);
                }
            }
            Repr::Dense(words) => {
                let i = a as usize;
                if words
                    .get(i / 64)
                    .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
                {
                    if let Some(w) = Arc::make_mut(words).get_mut(i / 64) {
                        *w &= !(1u64 << (i % 64));
                    }
                }
            }
            // (holding `a`, it was made `Dense` above)
            Repr::Overlay(..) => {}
        }
    }

    /// Whether `a` is in the set.
    pub fn contains(&self, a: ActionId) -> bool {
        match &self.repr {
            Repr::Sparse(ids) => ids.binary_search(&a).is_ok(),
            Repr::Dense(words) => bit_of(words, a),
            Repr::Overlay(base, add, del) => {
                (bit_of(base, a) && del.binary_search(&a).is_err()) || add.binary_search(&a).is_ok()
            }
        }
    }

    /// The number of actions in the set.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Sparse(ids) => ids.len(),
            Repr::Dense(words) => words.iter().map(|w| w.count_ones() as usize).sum(),
            Repr::Overlay(base, add, del) => {
                base.iter().map(|w| w.count_ones() as usize).sum::<usize>() + add.len() - del.len()
            }
        }
    }

    /// Whether the set holds no action.
    pub fn is_empty(&self) -> bool {
        match &self.repr {
            Repr::Sparse(ids) => ids.is_empty(),
            Repr::Dense(words) => words.iter().all(|&w| w == 0),
            Repr::Overlay(_, add, _) => add.is_empty() && self.words().next().is_none(),
        }
    }

    /// `self ∪= o`.
    pub fn union_with(&mut self, o: &ActionSet) {
        debug_assert_eq!(
            self.universe, o.universe,
            "action sets over different universes"
        );
        if o.is_empty() {
            return;
        }
        if self.is_empty() {
            // share the other's words (or copy its few ids)
            self.repr = o.repr.clone();
            return;
        }
        match &o.repr {
            Repr::Sparse(theirs) => {
                if let Repr::Sparse(ours) = &mut self.repr {
                    if ours.len() + theirs.len() <= SPARSE_MAX {
                        ours.extend_from_slice(theirs);
                        ours.sort_unstable();
                        ours.dedup();
                        return;
                    }
                }
                self.add_ids(theirs);
            }
            Repr::Dense(theirs) => {
                if let Repr::Sparse(ours) = &self.repr {
                    // a few ids joining a large set: the large set's words, shared, and
                    // the ids it lacks
                    let base = Arc::clone(theirs);
                    let ids = ours.clone();
                    self.repr = Repr::Dense(base);
                    self.add_ids(&ids);
                    return;
                }
                if let Repr::Dense(ours) = &self.repr {
                    if theirs.iter().zip(ours.iter()).all(|(b, a)| b & !a == 0) {
                        // nothing to add: keep sharing
                        return;
                    }
                }
                for (a, b) in self.dense_mut().iter_mut().zip(theirs.iter()) {
                    *a |= b;
                }
            }
            Repr::Overlay(base, add, del) => {
                if let Repr::Sparse(ours) = &self.repr {
                    let ids = ours.clone();
                    self.repr = Repr::Overlay(Arc::clone(base), add.clone(), del.clone());
                    self.add_ids(&ids);
                    return;
                }
                if o.words().all(|(i, w)| w & !self.word(i) == 0) {
                    // nothing to add: keep sharing
                    return;
                }
                let words = self.dense_mut();
                for (i, w) in o.words() {
                    if let Some(a) = words.get_mut(i) {
                        *a |= w;
                    }
                }
            }
        }
    }

    /// Adds the sorted ids `ids` to a set that is not `Sparse`: as an overlay on its
    /// words while they are few, into its own words otherwise.
    fn add_ids(&mut self, ids: &[ActionId]) {
        let new: Vec<ActionId> = ids
            .iter()
            .copied()
            .filter(|&a| (a as usize) < self.universe && !self.contains(a))
            .collect();
        if new.is_empty() {
            // nothing to add: keep sharing
            return;
        }
        match &mut self.repr {
            Repr::Dense(base) => {
                // (words of its own are changed in place)
                if new.len() <= SPARSE_MAX && Arc::strong_count(base) > 1 {
                    let base = Arc::clone(base);
                    self.repr = Repr::Overlay(base, new, Vec::new());
                    return;
                }
            }
            Repr::Overlay(base, add, del) => {
                // an id the shared words hold was taken away: give it back
                let (back, more): (Vec<ActionId>, Vec<ActionId>) =
                    new.iter().partition(|&&a| bit_of(base, a));
                if add.len() + more.len() + del.len() - back.len() <= SPARSE_MAX {
                    del.retain(|a| back.binary_search(a).is_err());
                    add.extend(more);
                    add.sort_unstable();
                    return;
                }
            }
            Repr::Sparse(_) => {}
        }
        let words = self.dense_mut();
        for &i in &new {
            let i = i as usize;
            if let Some(w) = words.get_mut(i / 64) {
                *w |= 1u64 << (i % 64);
            }
        }
    }

    /// Takes the sorted ids `ids` (each in the set) away from a set that is not
    /// `Sparse`: as an overlay on shared words while they are few, from its own words
    /// otherwise.
    fn take_ids(&mut self, ids: &[ActionId]) {
        match &mut self.repr {
            Repr::Dense(base) => {
                if ids.len() <= SPARSE_MAX && Arc::strong_count(base) > 1 {
                    let base = Arc::clone(base);
                    self.repr = Repr::Overlay(base, Vec::new(), ids.to_vec());
                    return;
                }
            }
            Repr::Overlay(base, add, del) => {
                let (from_base, added): (Vec<ActionId>, Vec<ActionId>) =
                    ids.iter().partition(|&&a| bit_of(base, a));
                if add.len() - added.len() + del.len() + from_base.len() <= SPARSE_MAX {
                    add.retain(|a| added.binary_search(a).is_err());
                    del.extend(from_base);
                    del.sort_unstable();
                    return;
                }
            }
            Repr::Sparse(_) => {}
        }
        let words = self.dense_mut();
        for &i in ids {
            let i = i as usize;
            if let Some(w) = words.get_mut(i / 64) {
                *w &= !(1u64 << (i % 64));
            }
        }
    }

    /// `self ∩= o`.
    pub fn intersect_with(&mut self, o: &ActionSet) {
        debug_assert_eq!(
            self.universe, o.universe,
            "action sets over different universes"
        );
        if let Repr::Overlay(..) = o.repr {
            let mut o = o.clone();
            o.dense_mut();
            return self.intersect_with(&o);
        }
        if let Repr::Overlay(..) = self.repr {
            self.dense_mut();
        }
        if let (Repr::Dense(_), Repr::Sparse(theirs)) = (&self.repr, &o.repr) {
            let kept: Vec<ActionId> = theirs
                .iter()
                .copied()
                .filter(|&a| self.contains(a))
                .collect();
            self.repr = Repr::Sparse(kept);
            return;
        }
        match (&mut self.repr, &o.repr) {
            (Repr::Sparse(ours), _) => ours.retain(|&a| o.contains(a)),
            (Repr::Dense(_), Repr::Sparse(_)) | (Repr::Overlay(..), _) | (_, Repr::Overlay(..)) => {
            }
            (Repr::Dense(ours), Repr::Dense(theirs)) => {
                let n = theirs.len();
                let unchanged = ours
                    .iter()
                    .enumerate()
                    .all(|(i, a)| a & !theirs.get(i).copied().unwrap_or(0) == 0);
                if unchanged {
                    return;
                }
                for (i, a) in Arc::make_mut(ours).iter_mut().enumerate() {
                    *a &= if i < n {
                        theirs.get(i).copied().unwrap_or(0)
                    } else {
                        0
                    };
                }
            }
        }
    }

    /// `self −= o`.
    pub fn subtract(&mut self, o: &ActionSet) {
        debug_assert_eq!(
            self.universe, o.universe,
            "action sets over different universes"
        );
        if let Repr::Overlay(..) = o.repr {
            let mut o = o.clone();
            o.dense_mut();
            return self.subtract(&o);
        }
        if !matches!(self.repr, Repr::Sparse(_)) {
            if let Repr::Sparse(theirs) = &o.repr {
                // the ids of `o` the set holds, taken away (an overlay on shared words)
                let hits: Vec<ActionId> = theirs
                    .iter()
                    .copied()
                    .filter(|&a| self.contains(a))
                    .collect();
                if !hits.is_empty() {
                    self.take_ids(&hits);
                }
                return;
            }
        }
        if let Repr::Overlay(..) = self.repr {
            if !o.words().any(|(i, w)| w & self.word(i) != 0) {
                return;
            }
            self.dense_mut();
        }
        match (&mut self.repr, &o.repr) {
            (Repr::Sparse(ours), _) => ours.retain(|&a| !o.contains(a)),
            (Repr::Dense(ours), Repr::Sparse(theirs)) => {
                // (words shared with another set are copied only when a bit goes)
                let hit = theirs.iter().any(|&i| {
                    let i = i as usize;
                    ours.get(i / 64)
                        .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
                });
                if !hit {
                    return;
                }
                let ours = Arc::make_mut(ours);
                for &i in theirs {
                    let i = i as usize;
                    if let Some(w) = ours.get_mut(i / 64) {
                        *w &= !(1u64 << (i % 64));
                    }
                }
            }
            (Repr::Dense(ours), Repr::Dense(theirs)) => {
                if ours.iter().zip(theirs.iter()).all(|(a, b)| a & b == 0) {
                    return;
                }
                for (a, b) in Arc::make_mut(ours).iter_mut().zip(theirs.iter()) {
                    *a &= !b;
                }
            }
            (Repr::Overlay(..), _) | (_, Repr::Overlay(..)) => {}
        }
    }

    /// Bitset word `w` of the set (its actions `64 * w .. 64 * w + 64`).
    fn word(&self, w: usize) -> u64 {
        match &self.repr {
            Repr::Sparse(ids) => sparse_word(ids, w),
            Repr::Dense(words) => words.get(w).copied().unwrap_or(0),
            Repr::Overlay(base, add, del) => {
                (base.get(w).copied().unwrap_or(0) & !sparse_word(del, w)) | sparse_word(add, w)
            }
        }
    }

    /// How many actions `self` and `o` have in common (without building their
    /// intersection).
    pub fn common_len(&self, o: &ActionSet) -> usize {
        match (&self.repr, &o.repr) {
            (Repr::Sparse(ids), _) => ids.iter().filter(|&&a| o.contains(a)).count(),
            (_, Repr::Sparse(ids)) => ids.iter().filter(|&&a| self.contains(a)).count(),
            _ => self
                .words()
                .map(|(i, w)| (w & o.word(i)).count_ones() as usize)
                .sum(),
        }
    }

    /// Whether `self` and `o` have an action in common.
    pub fn intersects(&self, o: &ActionSet) -> bool {
        match (&self.repr, &o.repr) {
            (Repr::Sparse(ids), _) => ids.iter().any(|&a| o.contains(a)),
            (_, Repr::Sparse(ids)) => ids.iter().any(|&a| self.contains(a)),
            _ => self.words().any(|(i, w)| w & o.word(i) != 0),
        }
    }

    /// Every action of the universe that is not in `self`.
    pub fn complement(&self) -> ActionSet {
        let mut out = ActionSet::full(self.universe);
        out.subtract(self);
        out
    }

    /// Whether every action of `self` is in `o`.
    pub fn is_subset(&self, o: &ActionSet) -> bool {
        match (&self.repr, &o.repr) {
            // on the same shared words only the ids added and taken away are compared:
            // (B + A1) - D1 is within (B + A2) - D2 when D2 is within D1 and the other
            // holds every id of A1
            (Repr::Overlay(b1, add1, del1), Repr::Overlay(b2, _, del2)) if Arc::ptr_eq(b1, b2) => {
                del2.iter().all(|a| del1.binary_search(a).is_ok())
                    && add1.iter().all(|&a| o.contains(a))
            }
            (Repr::Overlay(b1, add1, _), Repr::Dense(b2)) if Arc::ptr_eq(b1, b2) => {
                add1.iter().all(|&a| o.contains(a))
            }
            (Repr::Dense(b1), Repr::Overlay(b2, _, del2)) if Arc::ptr_eq(b1, b2) => del2.is_empty(),
            (Repr::Overlay(..), _) | (Repr::Dense(_), Repr::Overlay(..)) => {
                self.words().all(|(i, w)| w & !o.word(i) == 0)
            }
            (Repr::Sparse(ours), _) => ours.iter().all(|&a| o.contains(a)),
            (Repr::Dense(_), Repr::Sparse(theirs)) => {
                self.len() <= theirs.len() && self.iter().all(|a| o.contains(a))
            }
            (Repr::Dense(ours), Repr::Dense(theirs)) => {
                if theirs.len() < ours.len()
                    && ours
                        .get(theirs.len()..)
                        .is_some_and(|t| t.iter().any(|&w| w != 0))
                {
                    return false;
                }
                // Eight words at a time, without an early exit inside a block, so the
                // comparison runs as vector instructions.
                let (mine, other) = (ours.chunks(8), theirs.chunks(8));
                mine.zip(other)
                    .all(|(a, b)| a.iter().zip(b).fold(0u64, |acc, (x, y)| acc | (x & !y)) == 0)
            }
        }
    }

    /// The set's non-empty bitset words, in order: (word index, word), bit `b` of word `w`
    /// standing for action `64 * w + b`. Sparse sets are grouped on the fly.
    pub fn words(&self) -> Words<'_> {
        match &self.repr {
            Repr::Sparse(ids) => Words(WordsRepr::Sparse(ids)),
            Repr::Dense(words) => Words(WordsRepr::Dense(words.iter().enumerate())),
            Repr::Overlay(base, add, del) => {
                Words(WordsRepr::Overlay(base.iter().enumerate(), add, del))
            }
        }
    }

    /// A 64-bit summary of the set: bit `k` is set when the set holds an action of the
    /// `k`-th of 64 equal blocks of the universe (blocks of whole bitset words). A set
    /// holds another only when its signature holds the other's: one instruction before
    /// [`ActionSet::is_subset`] for many pairs.
    pub fn signature(&self) -> u64 {
        // ids per block: a multiple of 64, so that a bitset word lies in one block
        let block = self.universe.div_ceil(64).div_ceil(64).max(1) * 64;
        let bit = |id: usize| 1u64 << (id / block).min(63);
        match &self.repr {
            Repr::Sparse(ids) => ids.iter().fold(0, |s, &a| s | bit(a as usize)),
            Repr::Dense(words) => words
                .iter()
                .enumerate()
                .filter(|(_, w)| **w != 0)
                .fold(0, |s, (i, _)| s | bit(i * 64)),
            Repr::Overlay(..) => self.words().fold(0, |s, (i, _)| s | bit(i * 64)),
        }
    }

    /// The smallest and the largest action of the set; `None` when it is empty. A set
    /// holds another only when its bounds enclose the other's: a cheap test before
    /// [`ActionSet::is_subset`] for many pairs.
    pub fn bounds(&self) -> Option<(ActionId, ActionId)> {
        match &self.repr {
            Repr::Sparse(ids) => Some((*ids.first()?, *ids.last()?)),
            Repr::Dense(words) => {
                let first = words.iter().position(|&w| w != 0)?;
                let last = words.iter().rposition(|&w| w != 0)?;
                let (fw, lw) = (words.get(first)?, words.get(last)?);
                let lo = first * 64 + fw.trailing_zeros() as usize;
                let hi = last * 64 + 63 - lw.leading_zeros() as usize;
                // ids are below the universe, itself at most u32::MAX + 1
                Some((lo as ActionId, hi as ActionId))
            }
            Repr::Overlay(..) => {
                let (lo, lw) = self.words().next()?;
                let (hi, hw) = self.words().last()?;
                let lo = lo * 64 + lw.trailing_zeros() as usize;
                let hi = hi * 64 + 63 - hw.leading_zeros() as usize;
                Some((lo as ActionId, hi as ActionId))
            }
        }
    }

    /// The actions of the set in increasing id order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Sparse(ids) => Iter(IterRepr::Sparse(ids.iter())),
            Repr::Dense(words) => Iter(IterRepr::Dense {
                words,
                at: 0,
                rest: words.first().copied().unwrap_or(0),
            }),
            Repr::Overlay(..) => Iter(IterRepr::Words {
                words: self.words(),
                at: 0,
                rest: 0,
            }),
        }
    }

    fn clear_tail(&mut self) {
        let rem = self.universe % 64;
        if let Repr::Dense(words) = &mut self.repr {
            if rem != 0 {
                if let Some(last) = Arc::make_mut(words).last_mut() {
                    *last &= (1u64 << rem) - 1;
                }
            }
        }
    }
}

impl PartialEq for ActionSet {
    fn eq(&self, o: &Self) -> bool {
        if self.universe != o.universe {
            return false;
        }
        match (&self.repr, &o.repr) {
            (Repr::Sparse(a), Repr::Sparse(b)) => a == b,
            (Repr::Dense(a), Repr::Dense(b)) => a == b,
            _ => self.len() == o.len() && self.is_subset(o),
        }
    }
}

impl Eq for ActionSet {}

/// By the set's non-empty bitset words (index and word), the same for both
/// representations of a set: a word at a time, not an action at a time.
impl std::hash::Hash for ActionSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.universe.hash(state);
        for w in self.words() {
            w.hash(state);
        }
    }
}

/// Iterator over an [`ActionSet`]'s non-empty bitset words ([`ActionSet::words`]).
pub struct Words<'a>(WordsRepr<'a>);

enum WordsRepr<'a> {
    Sparse(&'a [ActionId]),
    Dense(std::iter::Enumerate<std::slice::Iter<'a, u64>>),
    /// The shared words, the ids added, the ids taken away.
    Overlay(
        std::iter::Enumerate<std::slice::Iter<'a, u64>>,
        &'a [ActionId],
        &'a [ActionId],
    ),
}

impl Iterator for Words<'_> {
    type Item = (usize, u64);

    fn next(&mut self) -> Option<(usize, u64)> {
        match &mut self.0 {
            WordsRepr::Sparse(ids) => {
                let first = *ids.first()? as usize / 64;
                let mut word = 0u64;
                while let Some((&a, rest)) = ids.split_first() {
                    if a as usize / 64 != first {
                        break;
                    }
                    word |= 1u64 << (a % 64);
                    *ids = rest;
                }
                Some((first, word))
            }
            WordsRepr::Dense(it) => it.find(|(_, w)| **w != 0).map(|(i, w)| (i, *w)),
            WordsRepr::Overlay(it, add, del) => loop {
                let (i, w) = it.next()?;
                let mut w = *w;
                while let Some((&a, rest)) = add.split_first() {
                    if a as usize / 64 != i {
                        break;
                    }
                    w |= 1u64 << (a % 64);
                    *add = rest;
                }
                while let Some((&a, rest)) = del.split_first() {
                    if a as usize / 64 != i {
                        break;
                    }
                    w &= !(1u64 << (a % 64));
                    *del = rest;
                }
                if w != 0 {
                    return Some((i, w));
                }
            },
        }
    }
}

/// Iterator over an [`ActionSet`]'s actions in increasing id order.
pub struct Iter<'a>(IterRepr<'a>);

enum IterRepr<'a> {
    Sparse(std::slice::Iter<'a, ActionId>),
    Dense {
        words: &'a [u64],
        at: usize,
        rest: u64,
    },
    /// By non-empty words (an overlay).
    Words {
        words: Words<'a>,
        at: usize,
        rest: u64,
    },
}

impl Iterator for Iter<'_> {
    type Item = ActionId;

    fn next(&mut self) -> Option<ActionId> {
        match &mut self.0 {
            IterRepr::Sparse(ids) => ids.next().copied(),
            IterRepr::Dense { words, at, rest } => loop {
                if *rest != 0 {
                    let bit = rest.trailing_zeros();
                    *rest &= *rest - 1;
                    // universe fits u32 ids by construction
                    return Some((*at * 64) as ActionId + bit);
                }
                *at += 1;
                *rest = *words.get(*at)?;
            },
            IterRepr::Words { words, at, rest } => loop {
                if *rest != 0 {
                    let bit = rest.trailing_zeros();
                    *rest &= *rest - 1;
                    return Some((*at * 64) as ActionId + bit);
                }
                let (i, w) = words.next()?;
                *at = i;
                *rest = w;
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large shared set joined by a few ids keeps sharing its words (an overlay), in
    /// either order of the union, and answers as the set of all those actions.
    #[test]
    fn few_ids_on_a_shared_set_make_an_overlay() {
        let mut wide = ActionSet::empty(1000);
        wide.insert_range(100..400);
        let kept = wide.clone();
        let few = ActionSet::from_predicate(1000, |a| a == 7 || a == 950);
        let mut a = wide.clone();
        a.union_with(&few);
        let mut b = few.clone();
        b.union_with(&wide);
        for s in [&a, &b] {
            assert!(matches!(&s.repr, Repr::Overlay(base, add, del)
                if Arc::ptr_eq(base, match &kept.repr { Repr::Dense(w) => w, _ => unreachable!() })
                    && add == &[7, 950] && del.is_empty()));
            assert_eq!(s.len(), 302);
            assert!(s.contains(7) && s.contains(950) && s.contains(250) && !s.contains(8));
            assert_eq!(s.bounds(), Some((7, 950)));
            assert_eq!(s.iter().count(), 302);
        }
        assert_eq!(a, b);
        // a change of any other kind gives the set words of its own; the shared words
        // are untouched
        a.remove(250);
        assert!(matches!(a.repr, Repr::Dense(_)));
        assert!(!a.contains(250) && a.contains(7));
        assert_eq!(kept.len(), 300);
        assert!(kept.contains(250) && !kept.contains(7));
    }

    /// A few ids taken away from a shared set (every action but these: a `NotAction`)
    /// keep sharing its words, and give ids back or add others within the same overlay.
    #[test]
    fn few_ids_taken_from_a_shared_set_make_an_overlay() {
        let all = ActionSet::full(1000);
        let mut not = all.clone();
        not.subtract(&ActionSet::from_predicate(1000, |a| a == 3 || a == 500));
        assert!(
            matches!(&not.repr, Repr::Overlay(_, add, del) if add.is_empty() && del == &[3, 500])
        );
        assert_eq!(not.len(), 998);
        assert!(!not.contains(3) && !not.contains(500) && not.contains(4));
        assert_eq!(not.bounds(), Some((0, 999)));
        assert_eq!(not.iter().count(), 998);
        assert!(not.is_subset(&all) && !all.is_subset(&not));
        let mut back = not.clone();
        back.union_with(&ActionSet::single(1000, 3));
        assert!(
            matches!(&back.repr, Repr::Overlay(_, add, del) if add.is_empty() && del == &[500])
        );
        // overlays on the same words compare by what they add and take away
        assert!(not.is_subset(&back) && !back.is_subset(&not));
        let mut other = not.clone();
        other.union_with(&ActionSet::single(1000, 3));
        other.subtract(&ActionSet::single(1000, 7));
        assert!(!not.is_subset(&other) && !other.is_subset(&not));
        assert_eq!(other.len(), 998);
        back.union_with(&ActionSet::single(1000, 500));
        assert_eq!(back, all);
        assert_eq!(all.len(), 1000);
        // the complement of the overlay is the ids taken away
        assert_eq!(not.complement().iter().collect::<Vec<_>>(), vec![3, 500]);
    }

    /// `common_len` and `intersects` agree with the size of the built intersection, for
    /// every pair of representations (sparse, dense, overlay).
    #[test]
    fn common_len_is_the_intersections_size() {
        let n = 1000;
        let mut dense_a = ActionSet::empty(n);
        dense_a.insert_range(100..400);
        let mut dense_b = ActionSet::empty(n);
        dense_b.insert_range(350..700);
        let mut overlay = dense_a.clone();
        overlay.union_with(&ActionSet::from_predicate(n, |a| a == 650 || a == 900));
        let sparse = ActionSet::from_predicate(n, |a| a % 97 == 0);
        let far = ActionSet::from_predicate(n, |a| a == 999);
        let sets = [
            &dense_a,
            &dense_b,
            &overlay,
            &sparse,
            &far,
            &ActionSet::empty(n),
        ];
        for x in sets {
            for y in sets {
                let mut built = x.clone();
                built.intersect_with(y);
                assert_eq!(x.common_len(y), built.len());
                assert_eq!(x.intersects(y), !built.is_empty());
            }
        }
        assert_eq!(overlay.common_len(&dense_b), 51);
        assert!(!dense_a.intersects(&far));
    }
}
