//! A bounded map shared by the threads of one run.

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::Mutex;

type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Answers kept for one run ([`crate::Semantic`]): at most [`Memo::CAPACITY`] of them, so
/// hostile input cannot grow it without end (later answers are computed each time).
pub(crate) struct Memo<K, V>(Mutex<Map<K, V>>, usize);

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub(crate) const CAPACITY: usize = 1 << 16;

    pub(crate) fn new() -> Self {
        Memo(Mutex::new(Map::default()), Self::CAPACITY)
    }

    /// A memo of at most `capacity` answers (for large answers: what a memo keeps, it
    /// keeps for the run).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Memo(Mutex::new(Map::default()), capacity)
    }

    pub(crate) fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().ok()?.get(key).cloned()
    }

    /// Change the value kept for `key` (a default one when none is), if there is room.
    pub(crate) fn update<Q>(&self, key: &Q, change: impl FnOnce(&mut V))
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
        V: Default,
    {
        let Ok(mut m) = self.0.lock() else { return };
        if let Some(v) = m.get_mut(key) {
            change(v);
        } else if m.len() < self.1 {
            let mut v = V::default();
            change(&mut v);
            m.insert(key.to_owned(), v);
        }
    }

    pub(crate) fn insert(&self, key: K, value: V) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() < self.1 {
                m.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_answers_up_to_its_capacity() {
        let m: Memo<usize, usize> = Memo::new();
        for k in 0..Memo::<usize, usize>::CAPACITY + 10 {
            m.insert(k, k * 2);
        }
        assert_eq!(m.get(&3), Some(6));
        assert_eq!(
            m.get(&(Memo::<usize, usize>::CAPACITY - 1)),
            Some((Memo::<usize, usize>::CAPACITY - 1) * 2)
        );
        assert_eq!(
            m.get(&(Memo::<usize, usize>::CAPACITY + 5)),
            None,
            "not kept past the capacity"
        );
    }
}
