//! Training rows that leak held-out questions (`--holdout`): counted per cut and kind, the first
//! few named, and left out under `--drop-contaminated`.

use std::fmt::Write;

use serde::Serialize;

use crate::holdout::{HeldOutFile, How, Leak};
use crate::read::Kind;

/// Rows named: enough to find the leak, few enough to keep the report short.
const NAMED: usize = 5;

/// One leaking row, named.
#[derive(Debug, Clone, Serialize)]
pub struct LeakingRow {
    pub file: String,
    pub line: u32,
    /// The start of its question.
    pub question: String,
    #[serde(flatten)]
    pub leak: Leak,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindLeaks {
    pub cut: u32,
    pub kind: Kind,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contamination {
    pub held_out: Vec<HeldOutFile>,
    /// The rows found were left out of every cut.
    pub dropped: bool,
    pub rows: u64,
    /// Per written cut and kind, the rows found among the cut's.
    pub cuts: Vec<KindLeaks>,
    pub examples: Vec<LeakingRow>,
}

impl Contamination {
    pub fn new(held_out: Vec<HeldOutFile>, dropped: bool) -> Self {
        Contamination {
            held_out,
            dropped,
            rows: 0,
            cuts: Vec::new(),
            examples: Vec::new(),
        }
    }

    /// A leaking row of `kind`, in the cuts `cuts` (every cut it is in).
    pub fn add(&mut self, kind: Kind, cuts: &[u32], row: LeakingRow) {
        self.rows += 1;
        for &cut in cuts {
            match (self.cuts.iter_mut()).find(|k| k.cut == cut && k.kind == kind) {
                Some(k) => k.rows += 1,
                None => self.cuts.push(KindLeaks { cut, kind, rows: 1 }),
            }
        }
        if self.examples.len() < NAMED {
            self.examples.push(row);
        }
    }

    /// The report's lines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let files: Vec<&str> = self.held_out.iter().map(|f| f.path.as_str()).collect();
        let done = if self.dropped { "left out" } else { "found" };
        let _ = writeln!(
            out,
            "held-out questions ({}): {done} {} training rows that leak them",
            files.join(", "),
            self.rows
        );
        let mut cuts = self.cuts.clone();
        cuts.sort_by_key(|k| (k.cut, k.kind));
        for k in &cuts {
            let _ = writeln!(out, "  cut {}: {} {} rows", k.cut, k.rows, k.kind.name());
        }
        for r in &self.examples {
            let how = match &r.leak.how {
                How::EqualQuestion => "equal question".to_string(),
                How::SharedNgram { field } => format!("its {field} shares 13 words"),
            };
            let held = match r.leak.held_out_line {
                0 => r.leak.held_out_file.clone(),
                line => format!("{}:{line}", r.leak.held_out_file),
            };
            let _ = writeln!(
                out,
                "  {}:{} \"{}\": {how} with {held}",
                r.file, r.line, r.question
            );
        }
        if !self.dropped && self.rows > 0 {
            let _ = writeln!(out, "  (--drop-contaminated leaves them out)");
        }
        out
    }
}
