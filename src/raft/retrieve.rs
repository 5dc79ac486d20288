//! TF-IDF over word 1- and 2-grams, as sdg_hub's builder retrieves distractors (scikit-learn's
//! weights: raw counts, idf = ln((1 + n) / (1 + df)) + 1, rows scaled to length 1). Terms are
//! hashed; scores add up in a fixed order, so that ties fall the same way everywhere.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use super::ln::ln;

/// A term found in more than this share of the passages tells them apart too little to be worth
/// its postings (scikit-learn's max_df), where there are enough passages to say.
const MAX_DF: f64 = 0.5;
const MAX_DF_FROM: usize = 8;

/// Passage weights by term, and each term's idf.
#[derive(Debug, Default)]
pub struct TfIdf {
    /// Per term: (passage, weight), passages rising.
    postings: HashMap<u64, Vec<(u32, f64)>>,
    idf: HashMap<u64, f64>,
    passages: usize,
}

impl TfIdf {
    pub fn new<'a>(texts: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let n = texts.len();
        let counted: Vec<Vec<(u64, f64)>> = texts.map(term_counts).collect();
        let mut df: HashMap<u64, u32> = HashMap::new();
        for terms in &counted {
            for (term, _) in terms {
                *df.entry(*term).or_default() += 1;
            }
        }
        let too_common = |d: u32| n >= MAX_DF_FROM && f64::from(d) > MAX_DF * n as f64;
        let idf: HashMap<u64, f64> = (df.iter())
            .filter(|(_, &d)| !too_common(d))
            .map(|(&t, &d)| (t, ln((1 + n) as f64 / f64::from(1 + d)) + 1.0))
            .collect();
        let mut postings: HashMap<u64, Vec<(u32, f64)>> = HashMap::new();
        for (p, terms) in counted.iter().enumerate() {
            let weighted: Vec<(u64, f64)> = (terms.iter())
                .filter_map(|&(t, tf)| idf.get(&t).map(|w| (t, tf * w)))
                .collect();
            let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            for (t, w) in weighted {
                postings.entry(t).or_default().push((p as u32, w / norm));
            }
        }
        TfIdf {
            postings,
            idf,
            passages: n,
        }
    }

    /// Every passage's score against `query` with a score above 0, for which `keep` holds,
    /// best first (ties: the earlier passage).
    pub fn ranked(&self, query: &str, keep: impl Fn(u32) -> bool) -> Vec<(u32, f64)> {
        let mut scores = vec![0.0; self.passages];
        let mut touched = Vec::new();
        for (term, tf) in term_counts(query) {
            let (Some(idf), Some(postings)) = (self.idf.get(&term), self.postings.get(&term))
            else {
                continue;
            };
            for &(p, w) in postings {
                if scores[p as usize] == 0.0 {
                    touched.push(p);
                }
                scores[p as usize] += tf * idf * w;
            }
        }
        let mut ranked: Vec<(u32, f64)> = (touched.into_iter())
            .filter(|&p| keep(p))
            .map(|p| (p, scores[p as usize]))
            .filter(|&(_, s)| s > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }
}

/// A text's terms with their counts, sorted by term: lower-case words of letters and digits,
/// and each pair of neighbours.
fn term_counts(text: &str) -> Vec<(u64, f64)> {
    let words: Vec<String> = (text.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut terms: Vec<u64> = words.iter().map(|w| xxh3_64(w.as_bytes())).collect();
    terms.extend(
        (words.windows(2)).map(|pair| xxh3_64(format!("{}\u{0} {}", pair[0], pair[1]).as_bytes())),
    );
    terms.sort_unstable();
    let mut counts: Vec<(u64, f64)> = Vec::new();
    for t in terms {
        match counts.last_mut() {
            Some((last, n)) if *last == t => *n += 1.0,
            _ => counts.push((t, 1.0)),
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passage_that_shares_rare_terms_ranks_first() {
        let texts = [
            "the harbour bridge opened in 1932 after eight years of building",
            "the river delta floods every spring and the farmers plant rice",
            "the bridge over the delta is a railway bridge",
        ];
        let index = TfIdf::new(texts.iter().copied());
        let ranked = index.ranked("When did the harbour bridge open?", |_| true);
        let order: Vec<u32> = ranked.iter().map(|r| r.0).collect();
        assert_eq!(order, [0, 2, 1], "passage 1 shares only `the`");
        let without_first = index.ranked("When did the harbour bridge open?", |p| p != 0);
        assert_eq!(
            without_first.iter().map(|r| r.0).collect::<Vec<_>>(),
            [2, 1]
        );
        assert!(index.ranked("volcano", |_| true).is_empty());
    }
}
