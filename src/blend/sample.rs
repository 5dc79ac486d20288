//! The sampling arithmetic of blends: one seeded order per source, of which every size takes a
//! prefix of its endless repetition. So a smaller size is always a prefix of a larger one's
//! choice; shrinking never repeats a row; growing takes whole copies, then a seeded remainder.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use xxhash_rust::xxh3::xxh3_64;

/// A seeded order of a source's `rows`, which depends on the seed and the source's name only.
pub fn seeded_order(rows: &[u32], seed: u64, source: &str) -> Vec<u32> {
    let mut order = rows.to_vec();
    order.shuffle(&mut StdRng::seed_from_u64(seed_for(seed, source)));
    order
}

/// The generator's seed for one source under the run's seed.
fn seed_for(seed: u64, purpose: &str) -> u64 {
    let mut bytes = seed.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"blend\0");
    bytes.extend_from_slice(purpose.as_bytes());
    xxh3_64(&bytes)
}

/// The first `count` rows of `order` repeated without end.
pub fn take(order: &[u32], count: u64) -> impl Iterator<Item = u32> + '_ {
    order
        .iter()
        .copied()
        .cycle()
        .take(if order.is_empty() { 0 } else { count as usize })
}

/// How many rows of `order` (a prefix, no row twice) come nearest `target` tokens (the shorter
/// on a tie), or, when all of them hold fewer, `Err` with how many they hold.
pub fn rows_for_tokens(
    order: &[u32],
    tokens_of: impl Fn(u32) -> u64,
    target: u64,
) -> Result<usize, u64> {
    let mut total = 0u64;
    for (i, &row) in order.iter().enumerate() {
        let before = total;
        total += tokens_of(row);
        if total >= target {
            return Ok(if target - before <= total - target {
                i
            } else {
                i + 1
            });
        }
    }
    if total == target {
        Ok(order.len())
    } else {
        Err(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smaller_sizes_are_prefixes_and_shrinking_never_repeats() {
        let rows: Vec<u32> = (0..100).collect();
        let order = seeded_order(&rows, 7, "skills.jsonl");
        assert_eq!(order, seeded_order(&rows, 7, "skills.jsonl"));
        assert_ne!(order, seeded_order(&rows, 8, "skills.jsonl"));
        assert_ne!(order, seeded_order(&rows, 7, "replay.jsonl"));
        let small: Vec<u32> = take(&order, 30).collect();
        let large: Vec<u32> = take(&order, 60).collect();
        assert_eq!(small[..], large[..30]);
        let mut unique = large.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 60, "no row twice when shrinking");
    }

    #[test]
    fn growing_takes_whole_copies_then_a_remainder() {
        let rows: Vec<u32> = (0..10).collect();
        let order = seeded_order(&rows, 1, "k");
        let grown: Vec<u32> = take(&order, 25).collect();
        for row in 0..10 {
            let copies = grown.iter().filter(|&&r| r == row).count();
            let in_remainder = order[..5].contains(&row);
            assert_eq!(copies, 2 + usize::from(in_remainder));
        }
        assert_eq!(take(&[], 5).count(), 0);
    }

    #[test]
    fn token_targets_take_the_nearest_prefix() {
        let order = [0, 1, 2, 3];
        let tokens = |row: u32| [10, 20, 30, 40][row as usize];
        assert_eq!(rows_for_tokens(&order, tokens, 30), Ok(2));
        assert_eq!(rows_for_tokens(&order, tokens, 44), Ok(2));
        assert_eq!(rows_for_tokens(&order, tokens, 46), Ok(3));
        assert_eq!(rows_for_tokens(&order, tokens, 4), Ok(0));
        assert_eq!(rows_for_tokens(&order, tokens, 100), Ok(4));
        assert_eq!(rows_for_tokens(&order, tokens, 101), Err(100));
    }
}
