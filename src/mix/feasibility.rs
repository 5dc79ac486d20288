//! Which cuts the data can fill: for every summary kind, the mean number of distinct augmentations
//! per raw document must reach the cut size.

use serde::Serialize;

use super::augmentations::RawDocument;
use crate::read::{Index, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct AugmentationStats {
    pub kind: Kind,
    pub documents: u64,
    pub raw_documents: u64,
    pub mean_per_raw_document: f64,
    /// Distinct augmentations of each raw document, fewest first, with the start of its text.
    #[serde(skip)]
    per_raw_document: Vec<(u64, String)>,
}

/// Raw documents of one kind with fewer augmentations than a cut asks: the cut takes all they
/// have, so they weigh less in it than the others.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub kind: Kind,
    pub raw_documents: u64,
    /// A few of them: the start of the text, and how many augmentations it has.
    pub examples: Vec<(String, u64)>,
}

/// Raw documents named per kind and cut.
const COVERAGE_EXAMPLES: usize = 3;

#[derive(Debug, Clone, Serialize)]
pub struct CutFeasibility {
    pub cut: u32,
    pub feasible: bool,
    /// Why not, with the numbers, when not feasible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Per summary kind, the raw documents with fewer augmentations than the cut.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<Coverage>,
    /// Without summary rows cuts do not apply: this cut would hold the same rows as that one,
    /// which is mixed instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<u32>,
}

/// Distinct augmentations per raw document for each summary kind present, over the kept rows
/// (grouped as [`super::augmentations::per_raw_document`] groups them).
pub fn augmentation_stats(index: &Index, raw_documents: &[RawDocument]) -> Vec<AugmentationStats> {
    Kind::ALL
        .into_iter()
        .filter(|k| k.is_summary())
        .filter_map(|kind| {
            let mut per_raw_document: Vec<(u64, String)> = (raw_documents.iter())
                .filter(|r| r.kind == kind)
                .map(|r| {
                    let start = index.texts.start(r.raw_document).unwrap_or_default();
                    (r.augmentations.len() as u64, start.to_string())
                })
                .collect();
            per_raw_document.sort();
            let raws = per_raw_document.len();
            let documents: u64 = per_raw_document.iter().map(|(n, _)| n).sum();
            (raws > 0).then(|| AugmentationStats {
                kind,
                documents,
                raw_documents: raws as u64,
                mean_per_raw_document: documents as f64 / raws as f64,
                per_raw_document,
            })
        })
        .collect()
}

pub fn feasibility(cuts: &[u32], stats: &[AugmentationStats]) -> Vec<CutFeasibility> {
    if stats.is_empty() {
        return without_summaries(cuts);
    }
    cuts.iter()
        .map(|&cut| {
            let short: Vec<String> = stats
                .iter()
                .filter(|s| s.mean_per_raw_document < cut as f64)
                .map(|s| {
                    format!(
                        "{} has {:.2} augmentations per raw document on average ({} over {}), fewer than {cut}",
                        s.kind.name(),
                        s.mean_per_raw_document,
                        s.documents,
                        s.raw_documents
                    )
                })
                .collect();
            CutFeasibility {
                cut,
                feasible: short.is_empty(),
                reason: (!short.is_empty()).then(|| short.join("; ")),
                coverage: coverage(cut, stats),
                same_as: None,
            }
        })
        .collect()
}

/// Cuts count the augmentations of the summary kinds: without any, every cut holds every row, so
/// the first (smallest) is mixed and the others would repeat it.
fn without_summaries(cuts: &[u32]) -> Vec<CutFeasibility> {
    let first = cuts.first().copied();
    cuts.iter()
        .map(|&cut| {
            let same_as = first.filter(|&f| f != cut);
            CutFeasibility {
                cut,
                feasible: same_as.is_none(),
                reason: same_as
                    .map(|f| format!("it would hold the same rows as cut {f}: {}", NO_SUMMARIES)),
                coverage: Vec::new(),
                same_as,
            }
        })
        .collect()
}

/// Why cuts do not apply.
const NO_SUMMARIES: &str = "cuts count the augmentations of extractive_summary and detailed_summary, and no rows of either are mixed";

/// The note a plan without summary rows carries: cuts do not apply, and which one is mixed.
pub fn without_summaries_note(cuts: &[u32], stats: &[AugmentationStats]) -> Option<String> {
    let first = cuts.first().filter(|_| stats.is_empty())?;
    Some(format!(
        "cuts do not apply: {NO_SUMMARIES}, so every cut holds the same rows; they are mixed once, as cut {first} ({})",
        crate::names::output_file_name(*first)
    ))
}

fn coverage(cut: u32, stats: &[AugmentationStats]) -> Vec<Coverage> {
    stats
        .iter()
        .filter_map(|s| {
            let short: Vec<&(u64, String)> = s
                .per_raw_document
                .iter()
                .take_while(|(n, _)| *n < u64::from(cut))
                .collect();
            (!short.is_empty()).then(|| Coverage {
                kind: s.kind,
                raw_documents: short.len() as u64,
                examples: short
                    .iter()
                    .take(COVERAGE_EXAMPLES)
                    .map(|(n, text)| (text.clone(), *n))
                    .collect(),
            })
        })
        .collect()
}
