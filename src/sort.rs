//! Sorting with one copy of the sort code for the whole crate.
//!
//! Every `slice::sort_by` on another element type or with another closure makes the compiler emit another
//! copy of the standard library's stable sort (driftsort: its runs, merges, quicksort and small-sort
//! networks, some 3 to 6 KB of wasm each). There were 52 such copies, 197 KB of the browser's build before
//! wasm-opt (twiggy's report, bench/README). Here a slice is sorted by sorting the permutation of its
//! positions, a `Vec<usize>`, with a `dyn` comparator (one copy of the sort), and then moving the elements
//! into place along the permutation's cycles (a few dozen bytes per element type).
//!
//! The result is exactly `slice::sort_by`'s: stable, so equal elements keep their order. The cost is one
//! `usize` per element and an indirect call per comparison.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Sorts `items` by `compare`, stably, as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = items;
        sorted_positions(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(a), Some(b)) => compare(a, b),
                _ => Ordering::Equal,
            },
        )
    };
    permute(items, order);
}

/// Sorts `items` by a key, stably, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order and removes repeats, as `sort` and `dedup` do.
pub fn sort_dedup<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
    items.dedup();
}

/// A map of `pairs`, a later pair of a key replacing an earlier one, as `collect()` builds it, but by
/// inserting: `collect()` into a `BTreeMap` sorts the pairs first, with its own copy of the sort for each
/// map type.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// The positions `0..len` in the order `compare` puts them, ties in position order: the one place the
/// standard sort is instantiated.
#[inline(never)]
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|a, b| compare(*a, *b));
    order
}

/// Rearranges `items` so that position `i` holds what was at `order[i]`, following each cycle of the
/// permutation once (`order` must be a permutation of `0..items.len()`; it is used up as the marks of
/// positions already in place).
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let from = std::mem::replace(slot, at);
            if from == start || from == at || from >= items.len() {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard stable sort, ties included (the payload tells equal keys apart).
        #[test]
        fn same_order_as_the_standard_stable_sort(keys in proptest::collection::vec(0u8..6, 0..200)) {
            let items: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            let mut std_sorted = items;
            std_sorted.sort_by_key(|x| std::cmp::Reverse(x.0));
            prop_assert_eq!(ours, std_sorted);
        }

        #[test]
        fn sort_dedup_is_sort_then_dedup(mut items in proptest::collection::vec(".{0,3}", 0..100)) {
            let mut expected = items.clone();
            expected.sort();
            expected.dedup();
            sort_dedup(&mut items);
            prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn map_of_keeps_the_last_pair_of_a_key_as_collect_does() {
        let pairs = [(2, "a"), (1, "b"), (2, "c")];
        let collected: BTreeMap<i32, &str> = pairs.into_iter().collect();
        assert_eq!(map_of(pairs), collected);
        assert_eq!(map_of(pairs).get(&2), Some(&"c"));
    }

    #[test]
    fn strings_move_without_copies_and_keys_sort() {
        let mut names = vec!["b".to_owned(), "c".to_owned(), "a".to_owned()];
        sort_by_key(&mut names, |n| n.clone());
        assert_eq!(names, ["a", "b", "c"]);
    }
}
