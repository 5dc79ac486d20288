//! The notebook's report: per cut and kind, then one line per cut; as data and as text.

use std::collections::HashSet;
use std::fmt::Write;

use serde::Serialize;

use super::duplicates::duplicates_text;
use super::refused::RefusedRows;
use crate::mix::Mix;
use crate::names::output_file_name;
use crate::read::{Index, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct KindReport {
    pub kind: Kind,
    pub samples: u64,
    pub unique_documents: u64,
    pub unique_raw_documents: u64,
    pub documents_per_raw_document: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CutReport {
    pub cut: u32,
    pub file_name: String,
    pub kinds: Vec<KindReport>,
    pub samples: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
}

/// `counts` holds a token count for each of `mix.selected`, or is `None` when no tokenizer was given.
pub fn cut_reports(index: &Index, mix: &Mix, counts: Option<&[u32]>) -> Vec<CutReport> {
    mix.feasible_cuts()
        .map(|cut| {
            let positions: Vec<usize> = mix.positions_in_cut(cut).collect();
            let kinds: Vec<KindReport> = mix
                .kinds(index)
                .into_iter()
                .map(|kind| kind_report(index, mix, &positions, kind, counts))
                .collect();
            CutReport {
                cut,
                file_name: output_file_name(cut),
                samples: kinds.iter().map(|k| k.samples).sum(),
                tokens: counts.map(|_| kinds.iter().filter_map(|k| k.tokens).sum()),
                kinds,
            }
        })
        .collect()
}

fn kind_report(
    index: &Index,
    mix: &Mix,
    positions: &[usize],
    kind: Kind,
    counts: Option<&[u32]>,
) -> KindReport {
    let mut documents = HashSet::new();
    let mut raws = HashSet::new();
    let mut samples = 0u64;
    let mut tokens = 0u64;
    for &p in positions {
        let row = &index.rows[mix.selected[p]];
        if row.kind != kind {
            continue;
        }
        samples += 1;
        documents.insert(row.document);
        raws.insert(row.raw_document);
        tokens += counts.map_or(0, |c| u64::from(c[p]));
    }
    KindReport {
        kind,
        samples,
        unique_documents: documents.len() as u64,
        unique_raw_documents: raws.len() as u64,
        documents_per_raw_document: if raws.is_empty() {
            0.0
        } else {
            documents.len() as f64 / raws.len() as f64
        },
        tokens: counts.map(|_| tokens),
    }
}

/// The report as people read it in a terminal or a notebook cell: the plan, then the tables of
/// the rows the template refused, the cuts mixed and how their tokens were counted.
pub fn report_text(
    index: &Index,
    mix: &Mix,
    refused: &RefusedRows,
    cuts: &[CutReport],
    tokenizer: Option<&str>,
) -> String {
    let mut out = plan_text(index, mix);
    out.push_str(&refused.text());
    out.push_str(&tables_text(cuts));
    match tokenizer {
        Some(name) => {
            let _ = writeln!(out, "\ntokens counted with {name}");
        }
        None => {
            let _ = writeln!(
                out,
                "\nno tokenizer given: token counts are off (token_length left out)"
            );
        }
    }
    out
}

/// What was read and how the cuts fare, before anything is mixed: nothing here is counted, so
/// it says nothing of tokens.
pub fn plan_text(index: &Index, mix: &Mix) -> String {
    let mut out = inputs_text(index, mix);
    for warning in &mix.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    for stats in &mix.augmentations {
        let _ = writeln!(
            out,
            "{}: {:.2} augmentations per raw document ({} over {})",
            stats.kind.name(),
            stats.mean_per_raw_document,
            stats.documents,
            stats.raw_documents
        );
    }
    for note in &mix.notes {
        let _ = writeln!(out, "note: {note}");
    }
    for c in &mix.cuts {
        for k in &c.coverage {
            let named: Vec<String> = k
                .examples
                .iter()
                .map(|(text, n)| format!("\"{text}\" ({n})"))
                .collect();
            let _ = writeln!(
                out,
                "cut {}: {} raw documents of {} have fewer than {} augmentations, e.g. {}",
                c.cut,
                k.raw_documents,
                k.kind.name(),
                c.cut,
                named.join(", ")
            );
        }
    }
    for c in mix.cuts.iter().filter(|c| !c.feasible) {
        let _ = writeln!(
            out,
            "cut {} skipped: {}",
            c.cut,
            c.reason.as_deref().unwrap_or("")
        );
    }
    if mix.filtered_rows > 0 {
        let _ = writeln!(out, "GPT-OSS filter dropped {} rows", mix.filtered_rows);
    }
    out.push_str(&duplicates_text(&mix.duplicates));
    out
}

/// Per cut and kind, then one line per cut, as the notebook prints them.
fn tables_text(cuts: &[CutReport]) -> String {
    let mut out = String::new();
    let tokens = |t: Option<u64>| t.map_or_else(|| "-".to_string(), |t| t.to_string());
    for cut in cuts {
        let _ = writeln!(out, "\ncut {}x -> {}", cut.cut, cut.file_name);
        let _ = writeln!(
            out,
            "  {:<20} {:>9} {:>13} {:>13} {:>16} {:>13}",
            "kind", "samples", "augmentations", "raw documents", "per raw document", "tokens"
        );
        for k in &cut.kinds {
            let _ = writeln!(
                out,
                "  {:<20} {:>9} {:>13} {:>13} {:>16.2} {:>13}",
                k.kind.name(),
                k.samples,
                k.unique_documents,
                k.unique_raw_documents,
                k.documents_per_raw_document,
                tokens(k.tokens)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n  {:>6} {:>15} {:>15}",
        "cut", "total tokens", "total samples"
    );
    for cut in cuts {
        let _ = writeln!(
            out,
            "  {:>6} {:>15} {:>15}",
            format!("{}x", cut.cut),
            tokens(cut.tokens),
            cut.samples
        );
    }
    out
}

/// What each input file was: its kind and rows, or why it was ignored; and rows skipped.
fn inputs_text(index: &Index, mix: &Mix) -> String {
    let mut out = String::new();
    for f in &index.files {
        let _ = match (&f.kind, &f.ignored) {
            (Some(kind), _) if mix.params.leaves_out(f) => writeln!(
                out,
                "left out {} ({}, {} rows), as asked",
                f.path,
                kind.name(),
                f.rows
            ),
            (Some(kind), _) => writeln!(out, "read {} ({}, {} rows)", f.path, kind.name(), f.rows),
            (None, Some(why)) => writeln!(out, "ignored {} ({why})", f.path),
            (None, None) => match &f.dataset {
                Some(name) => writeln!(out, "read {} (dataset {name}, {} rows)", f.path, f.rows),
                None => Ok(()),
            },
        };
    }
    let null_responses: u64 = index.files.iter().map(|f| f.null_responses).sum();
    if null_responses > 0 {
        let _ = writeln!(
            out,
            "kept {null_responses} rows whose response is null (assistant content null, as the notebook keeps them)"
        );
    }
    if index.bad_rows.count > 0 {
        let _ = writeln!(
            out,
            "skipped {} bad rows, for example:",
            index.bad_rows.count
        );
        for e in index.bad_rows.examples.iter().take(5) {
            let _ = writeln!(out, "  {e}");
        }
    }
    out
}
