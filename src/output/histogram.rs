//! Token lengths of a cut's rows in bins, for a chart: the page draws it, the core decides it.

use serde::Serialize;

/// Bars of equal width from 0 to the longest row.
const BINS: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Histogram {
    pub cut: u32,
    pub rows: u64,
    pub max: u32,
    /// Tokens per bar: bar `i` counts rows of `i * bin_width ..= (i + 1) * bin_width - 1` tokens.
    pub bin_width: u32,
    pub counts: Vec<u64>,
    /// The trainer's maximum sequence length, when one is set, to mark on the chart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_seq_len: Option<u32>,
}

pub fn histogram(cut: u32, lengths: &[u32], max_seq_len: Option<u32>) -> Histogram {
    let max = lengths.iter().copied().max().unwrap_or(0).max(1);
    let bin_width = (max + 1).div_ceil(BINS);
    let mut counts = vec![0u64; BINS as usize];
    for length in lengths {
        counts[((length / bin_width).min(BINS - 1)) as usize] += 1;
    }
    Histogram {
        cut,
        rows: lengths.len() as u64,
        max,
        bin_width,
        counts,
        max_seq_len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_lands_in_one_bar_and_the_longest_in_the_last() {
        let h = histogram(5, &[0, 1, 39, 40, 399], None);
        assert_eq!(h.rows, 5);
        assert_eq!(h.max, 399);
        assert_eq!(h.bin_width, 20);
        assert_eq!(h.counts.iter().sum::<u64>(), 5);
        assert_eq!((h.counts[0], h.counts[1], h.counts[2]), (2, 1, 1));
        assert_eq!(h.counts[19], 1);
    }
}
