//! The report's lines on repeated Q&A: what `--dedupe` dropped, and what each cut holds.

use std::fmt::Write;

use crate::mix::{Duplicates, KindDuplicates, Place, Repeat};

/// None when nothing repeats.
pub fn duplicates_text(duplicates: &Duplicates) -> String {
    let mut out = String::new();
    for k in &duplicates.dropped {
        let _ = writeln!(
            out,
            "dedupe dropped {} {} rows, keeping the first of each: {}",
            k.duplicate_pairs + k.repeated_questions,
            k.kind.name(),
            kind_text(k)
        );
    }
    for cut in &duplicates.cuts {
        for k in &cut.kinds {
            let _ = writeln!(
                out,
                "cut {}: {} repeats: {} (--dedupe keeps the first of each)",
                cut.cut,
                k.kind.name(),
                kind_text(k)
            );
        }
    }
    out
}

/// `2 duplicate pairs, 1 repeated question; e.g. a.jsonl:9 repeats a.jsonl:3 (pair)`.
fn kind_text(k: &KindDuplicates) -> String {
    let place = |p: &Place| format!("{}:{}", p.file, p.line);
    let example = |r: &Repeat| {
        let what = if r.pair { "pair" } else { "question" };
        format!("{} repeats {} ({what})", place(&r.repeat), place(&r.first))
    };
    let examples: Vec<String> = k.examples.iter().map(example).collect();
    format!(
        "{} duplicate pairs, {} repeated questions; e.g. {}",
        k.duplicate_pairs,
        k.repeated_questions,
        examples.join(", ")
    )
}
