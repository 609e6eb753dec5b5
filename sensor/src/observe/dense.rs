//! A map kept as a vector of entries, found through a hash table of
//! four-byte indices.
//!
//! The flow table and the hour's volumes are looked up for every packet
//! and every ended flow. As hash maps of whole entries (some 200 bytes a
//! slot) they outgrew the core's cache; here the hash table is small, the
//! entries lie packed in a vector (a sweep reads them in order), and the
//! order of the entries is the order they were inserted in, but for those
//! moved by a removal.

use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// See the module doc.
pub(super) struct DenseMap<K, V> {
    slots: HashTable<u32>,
    entries: Vec<(K, V)>,
}

impl<K, V> Default for DenseMap<K, V> {
    fn default() -> Self {
        DenseMap { slots: HashTable::new(), entries: Vec::new() }
    }
}

fn hash<K: Hash>(key: &K) -> u64 {
    FxBuildHasher.hash_one(key)
}

impl<K: Hash + Eq, V> DenseMap<K, V> {
    /// Entries.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The place of `key`'s entry.
    pub(super) fn find(&self, key: &K) -> Option<usize> {
        let entries = &self.entries;
        self.slots.find(hash(key), |&i| entries[i as usize].0 == *key).map(|&i| i as usize)
    }

    /// The entry at `place` (from [`DenseMap::find`] or an index below
    /// [`DenseMap::len`]).
    pub(super) fn at(&mut self, place: usize) -> &mut (K, V) {
        &mut self.entries[place]
    }

    /// Adds an entry for `key`, which has none; returns its place.
    pub(super) fn insert_new(&mut self, key: K, value: V) -> usize {
        let h = hash(&key);
        self.entries.push((key, value));
        let place = self.entries.len() - 1;
        let entries = &self.entries;
        self.slots.insert_unique(h, place as u32, |&i| hash(&entries[i as usize].0));
        place
    }

    /// The value of `key`, added by `new` if there is none.
    pub(super) fn get_or_insert_with(&mut self, key: K, new: impl FnOnce() -> V) -> &mut V {
        let place = match self.find(&key) {
            Some(place) => place,
            None => self.insert_new(key, new()),
        };
        &mut self.entries[place].1
    }

    /// Removes the entry at `place`; the last entry takes its place.
    pub(super) fn swap_remove(&mut self, place: usize) -> (K, V) {
        let h = hash(&self.entries[place].0);
        if let Ok(slot) = self.slots.find_entry(h, |&i| i as usize == place) {
            slot.remove();
        }
        let last = self.entries.len() - 1;
        if place != last {
            let h = hash(&self.entries[last].0);
            if let Some(slot) = self.slots.find_mut(h, |&i| i as usize == last) {
                *slot = place as u32;
            }
        }
        self.entries.swap_remove(place)
    }

    /// Every value, in order.
    pub(super) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Every entry, in order; the map is empty after.
    pub(super) fn drain(&mut self) -> std::vec::Drain<'_, (K, V)> {
        self.slots.clear();
        self.entries.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Inserts, lookups and removals in a long pseudo-random run agree
    /// with std's HashMap, and the places stay consistent.
    #[test]
    fn agrees_with_a_hash_map_through_inserts_and_removals() {
        let mut dense: DenseMap<u64, u64> = DenseMap::default();
        let mut plain: HashMap<u64, u64> = HashMap::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for step in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = x % 500;
            match x % 3 {
                0 => {
                    *dense.get_or_insert_with(key, || 0) += step;
                    *plain.entry(key).or_insert(0) += step;
                }
                1 => {
                    let removed = dense.find(&key).map(|place| dense.swap_remove(place));
                    assert_eq!(removed, plain.remove(&key).map(|v| (key, v)));
                }
                _ => assert_eq!(dense.find(&key).map(|p| dense.at(p).1), plain.get(&key).copied()),
            }
            assert_eq!(dense.len(), plain.len());
        }
        for place in 0..dense.len() {
            let key = dense.at(place).0;
            assert_eq!(dense.find(&key), Some(place));
        }
        let mut drained: Vec<(u64, u64)> = dense.drain().collect();
        let mut expected: Vec<(u64, u64)> = plain.into_iter().collect();
        drained.sort();
        expected.sort();
        assert_eq!(drained, expected);
        assert_eq!((dense.len(), dense.find(&expected[0].0)), (0, None));
    }

    /// Entries keep the order they were inserted in, but for the last one,
    /// which fills the place of a removed entry.
    #[test]
    fn order_is_insertion_order_with_the_last_filling_a_gap() {
        let mut dense: DenseMap<&str, u8> = DenseMap::default();
        for (i, k) in ["a", "b", "c", "d"].into_iter().enumerate() {
            dense.insert_new(k, i as u8);
        }
        let b = dense.find(&"b").unwrap();
        assert_eq!(dense.swap_remove(b), ("b", 1));
        let order: Vec<&str> = dense.drain().map(|(k, _)| k).collect();
        assert_eq!(order, ["a", "d", "c"]);
    }
}
