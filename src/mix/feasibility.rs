//! Which cuts the data can fill: for every summary kind, the mean number of distinct augmentations
//! per raw document must reach the cut size.

use std::collections::HashSet;

use serde::Serialize;

use crate::read::{Index, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct AugmentationStats {
    pub kind: Kind,
    pub documents: u64,
    pub raw_documents: u64,
    pub mean_per_raw_document: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CutFeasibility {
    pub cut: u32,
    pub feasible: bool,
    /// Why not, with the numbers, when not feasible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Distinct augmentations per raw document for each summary kind present, over the kept rows.
pub fn augmentation_stats(index: &Index, kept: &[bool]) -> Vec<AugmentationStats> {
    Kind::ALL
        .into_iter()
        .filter(|k| k.is_summary())
        .filter_map(|kind| {
            let mut pairs = HashSet::new();
            let mut raws = HashSet::new();
            for (row, _) in index
                .rows
                .iter()
                .zip(kept)
                .filter(|(r, &k)| k && r.kind == kind)
            {
                pairs.insert((row.raw_document, row.document));
                raws.insert(row.raw_document);
            }
            (!raws.is_empty()).then(|| AugmentationStats {
                kind,
                documents: pairs.len() as u64,
                raw_documents: raws.len() as u64,
                mean_per_raw_document: pairs.len() as f64 / raws.len() as f64,
            })
        })
        .collect()
}

pub fn feasibility(cuts: &[u32], stats: &[AugmentationStats]) -> Vec<CutFeasibility> {
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
            }
        })
        .collect()
}
