//! Planning only: which rows go into which cut (feasibility, seeded nested sampling), decided on
//! the first pass's index before any row is read again.

mod augmentations;
mod duplicates;
mod feasibility;
mod params;
mod sample;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::read::{Index, IndexRow, Kind};
pub use duplicates::{CutDuplicates, Dedupe, KindDuplicates, Place, Repeat};
pub use feasibility::{AugmentationStats, CutFeasibility};
pub use params::{parse_cuts, Cuts, MixParams, ParamsText};

/// The smallest cut of a row left out of every cut ([`Mix::leave_out`]).
const IN_NO_CUT: u32 = u32::MAX;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Duplicates {
    /// Per kind, the rows `--dedupe` dropped before sampling.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<KindDuplicates>,
    /// Per feasible cut, the repeats among its rows (only cuts that hold any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<CutDuplicates>,
}

impl Duplicates {
    pub fn is_empty(&self) -> bool {
        self.dropped.is_empty() && self.cuts.is_empty()
    }
}

/// The plan of a mix: every cut's rows, before any token is counted.
#[derive(Debug, Clone, Serialize)]
pub struct Mix {
    pub params: MixParams,
    pub augmentations: Vec<AugmentationStats>,
    pub cuts: Vec<CutFeasibility>,
    /// Rows dropped by the GPT-OSS filter.
    pub filtered_rows: u64,
    /// Repeated Q&A: what `--dedupe` dropped, and what each cut still holds.
    #[serde(skip_serializing_if = "Duplicates::is_empty")]
    pub duplicates: Duplicates,
    /// What a person should know about how the parameters were taken (say, a cut given twice).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What a person should know about the inputs (a generation folder missing or empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Positions in [`Index::rows`] of the rows of the largest feasible cut, in output order (kind,
    /// then input order): every smaller cut is a subsequence, so each row is rendered and counted
    /// once for all cuts. A "position" below is a place in this list.
    #[serde(skip)]
    pub selected: Vec<usize>,
    /// For each of `selected`, the smallest cut it belongs to (0: every cut).
    #[serde(skip)]
    min_cut: Vec<u32>,
}

pub fn plan(index: &Index, params: &MixParams) -> Result<Mix> {
    params.validate()?;
    let mut params = params.clone();
    let notes: Vec<String> = (params.cuts.repeated().iter())
        .map(|cut| format!("cut {cut} is given more than once; it is mixed once"))
        .collect();
    // The same choice, whatever order it was made in, is the same plan (and manifest).
    params.left_out.sort();
    params.left_out.dedup();
    params::check_left_out(&params, &index.files)?;
    let left_out: Vec<bool> = index.files.iter().map(|f| params.leaves_out(f)).collect();
    let warnings = missing_kinds(index, &params, &left_out);
    let chosen = |r: &IndexRow| !left_out[r.file as usize];
    // Dropped by the GPT-OSS filter: a placeholder question in an input the user kept.
    let dropped = |r: &IndexRow| chosen(r) && params.gpt_oss && r.placeholder;
    let mut kept: Vec<bool> = index
        .rows
        .iter()
        .map(|r| chosen(r) && !dropped(r))
        .collect();
    let deduped = match params.dedupe {
        Dedupe::Off => Vec::new(),
        dedupe => duplicates::drop_repeats(index, &mut kept, dedupe),
    };
    let raw_documents = augmentations::per_raw_document(index, &kept);
    let augmentations = feasibility::augmentation_stats(index, &raw_documents);
    let cuts = feasibility::feasibility(params.cuts.sizes(), &augmentations);
    let largest = cuts.iter().filter(|c| c.feasible).map(|c| c.cut).max();
    let min_cuts = sample::min_cuts(index, &kept, &raw_documents, params.qa_per_doc, params.seed);
    let mut selected: Vec<(usize, u32)> = match largest {
        None => Vec::new(),
        Some(largest) => min_cuts
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.filter(|&m| m <= largest).map(|m| (i, m)))
            .collect(),
    };
    selected.sort_by_key(|&(i, _)| (index.rows[i].kind, i));
    Ok(Mix {
        filtered_rows: index.rows.iter().filter(|r| dropped(r)).count() as u64,
        duplicates: Duplicates {
            dropped: deduped,
            cuts: cut_duplicates(index, &cuts, &selected),
        },
        // How inputs that share a path are told apart, which added rows are reshaped, and
        // whether cuts apply at all.
        notes: (notes.into_iter())
            .chain(index.copy_note())
            .chain((index.datasets.iter()).filter_map(|d| d.reshapes.note(&d.name)))
            .chain(feasibility::without_summaries_note(
                params.cuts.sizes(),
                &augmentations,
            ))
            .collect(),
        warnings,
        params,
        augmentations,
        cuts,
        selected: selected.iter().map(|&(i, _)| i).collect(),
        min_cut: selected.iter().map(|&(_, m)| m).collect(),
    })
}

/// Each feasible cut's repeats, among its rows in output order.
fn cut_duplicates(
    index: &Index,
    cuts: &[CutFeasibility],
    selected: &[(usize, u32)],
) -> Vec<CutDuplicates> {
    (cuts.iter().filter(|c| c.feasible))
        .map(|c| CutDuplicates {
            cut: c.cut,
            kinds: duplicates::repeats(
                index,
                (selected.iter())
                    .filter(|&&(_, m)| m <= c.cut)
                    .map(|&(i, _)| i),
            ),
        })
        .filter(|c| !c.kinds.is_empty())
        .collect()
}

/// The notebook warns when a generation folder is missing or empty; so does kmix, unless the
/// user left that kind out.
fn missing_kinds(index: &Index, params: &MixParams, left_out: &[bool]) -> Vec<String> {
    Kind::FOLDERS
        .into_iter()
        .filter(|kind| {
            let folder = format!("{}/", kind.name());
            let chosen_out = params
                .left_out
                .iter()
                .any(|c| c == kind.name() || *c == folder);
            let rows: u64 = index
                .files
                .iter()
                .zip(left_out)
                .filter(|(f, &out)| f.kind == Some(*kind) && !out)
                .map(|(f, _)| f.rows)
                .sum();
            !chosen_out && rows == 0
        })
        .map(|kind| {
            let name = kind.name();
            format!("no {name} rows: the folder {name}/ is missing or empty")
        })
        .collect()
}

impl Mix {
    /// A mix needs at least one feasible cut; the error gives each cut's reason, with the numbers.
    pub fn check_feasible(&self) -> Result<()> {
        if self.feasible_cuts().next().is_some() {
            return Ok(());
        }
        let reasons: Vec<String> = self
            .cuts
            .iter()
            .map(|c| format!("cut {}: {}", c.cut, c.reason.as_deref().unwrap_or("")))
            .collect();
        Err(Error::parameters(format!(
            "no cut is feasible, so no mix was written: choose smaller cut sizes ({})",
            reasons.join("; ")
        ))
        .field("cuts"))
    }

    pub fn feasible_cuts(&self) -> impl Iterator<Item = u32> + '_ {
        self.cuts.iter().filter(|c| c.feasible).map(|c| c.cut)
    }

    /// Positions (in `selected`, and so in the token counts) of the rows of one cut, in output order.
    pub fn positions_in_cut(&self, cut: u32) -> impl Iterator<Item = usize> + '_ {
        (0..self.min_cut.len()).filter(move |&p| self.in_cut(p, cut))
    }

    pub fn in_cut(&self, position: usize, cut: u32) -> bool {
        let min_cut = self.min_cut[position];
        min_cut <= cut && min_cut != IN_NO_CUT
    }

    /// The smallest cut the row at `position` belongs to (0: every cut).
    pub fn min_cut(&self, position: usize) -> u32 {
        self.min_cut[position]
    }

    /// Leaves the row at `position` out of every cut: it turned out, when read again, to be one
    /// that cannot go into a mix (the chat template refuses it). Its position stays, so that the
    /// positions of the others (and of their token counts) do not move.
    pub fn leave_out(&mut self, position: usize) {
        self.min_cut[position] = IN_NO_CUT;
    }

    pub fn kinds(&self, index: &Index) -> Vec<Kind> {
        let mut kinds: Vec<Kind> = self.selected.iter().map(|&i| index.rows[i].kind).collect();
        kinds.dedup();
        kinds
    }
}
