//! A blend's report as people read it: per cut, each source's rows and tokens, asked against got,
//! and what the trainer would drop.

use std::fmt::Write;

use super::plan::{BlendReport, Drops};
use super::size::short_number;
use crate::tokens::TrainerCount;

pub fn blend_text(
    reports: &[BlendReport],
    max_seq_len: Option<u32>,
    count: Option<TrainerCount>,
) -> String {
    let mut out = String::new();
    for r in reports {
        heading(&mut out, r);
        sources_table(&mut out, r);
        if let Some(max) = max_seq_len {
            trainer_lines(&mut out, r, max);
        }
    }
    if reports.iter().any(|r| r.tokens.is_some()) {
        let path = match count.unwrap_or_default() {
            TrainerCount::Unmask => {
                "instructlab-training 0.16's process_messages_into_input_ids, which training_hub runs"
            }
            TrainerCount::Template => "the older apply_chat_template(tokenize=True)",
        };
        let _ = write!(out, "{}", TRAINED_TOKENS_NOTE.replace("{path}", path));
    }
    out
}

/// The blend's file (or the pre-flight's cut), rows and tokens.
fn heading(out: &mut String, r: &BlendReport) {
    let tokens = r
        .tokens
        .map_or_else(String::new, |t| format!(", {} tokens", short_number(t)));
    let budget = r
        .budget
        .map_or_else(String::new, |b| format!(" (budget {})", short_number(b)));
    let _ = match &r.file_name {
        Some(file) => writeln!(
            out,
            "\nblend cut {}x -> {file}: {} rows{tokens}{budget}",
            r.cut, r.rows
        ),
        None => writeln!(
            out,
            "\ntrainer pre-flight, cut {}x: {} rows{tokens}",
            r.cut, r.rows
        ),
    };
}

/// Each source's rows and tokens, asked against got.
fn sources_table(out: &mut String, r: &BlendReport) {
    let _ = writeln!(
        out,
        "  {:<24} {:>10} {:>20} {:>10} {:>12} {:>7}",
        "source", "available", "asked", "rows", "tokens", "share"
    );
    for s in &r.sources {
        let asked = match s.asked_tokens {
            Some(t) if !s.asked.ends_with("tokens") => {
                format!("{} ({})", s.asked, short_number(t))
            }
            _ => s.asked.clone(),
        };
        let _ = writeln!(
            out,
            "  {:<24} {:>10} {:>20} {:>10} {:>12} {:>7}",
            s.name,
            s.available,
            asked,
            s.rows,
            s.tokens.map_or("-".into(), short_number),
            s.share_of_tokens
                .map_or("-".into(), |f| format!("{:.1}%", f * 100.0)),
        );
    }
}

/// What the trainer (maximum sequence length `max`) would drop: of each source, then of the blend.
fn trainer_lines(out: &mut String, r: &BlendReport, max: u32) {
    for s in &r.sources {
        if let Some(drops) = s.trainer_drops.filter(|d| d.rows > 0) {
            let _ = writeln!(
                out,
                "  {}: of its {} rows, the trainer would drop {}",
                s.name,
                s.available,
                drops_text(&drops, max)
            );
            for (kind, d) in s.drops_by_kind.iter().filter(|(_, d)| d.rows > 0) {
                let _ = writeln!(out, "    {}: {}", kind.name(), drops_text(d, max));
            }
        }
        if s.left_out > 0 {
            let _ = writeln!(
                out,
                "  {}: {} rows left out before sampling (--drop-over-length)",
                s.name, s.left_out
            );
        }
    }
    if let Some(d) = r.trainer_drops {
        let _ = match d.rows {
            0 => writeln!(
                out,
                "  the trainer (max_seq_len {max}) keeps every one of the {} rows taken",
                r.rows
            ),
            _ => writeln!(
                out,
                "  of the {} rows taken, the trainer (max_seq_len {max}) would drop {}",
                r.rows,
                drops_text(&d, max)
            ),
        };
    }
}

/// Why a blend's knowledge tokens are fewer than the report's for the same rows.
const TRAINED_TOKENS_NOTE: &str =
    "\nblend and pre-flight tokens are trained tokens, as the trainer counts them \
    ({path}); the report's tokens are token_length, which also counts \
    the special tokens encode adds to each row (one per row for Llama 3.1)\n";

fn drops_text(d: &Drops, max: u32) -> String {
    let reasons: Vec<String> = [
        (d.too_long, format!("{max} tokens or more")),
        (
            d.too_short,
            format!("under {} tokens", super::plan::MIN_TRAINED_TOKENS),
        ),
        (d.no_eos, "no end-of-sequence token at the end".to_string()),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("{n} {why}"))
    .collect();
    format!(
        "{} rows ({} tokens): {}",
        d.rows,
        short_number(d.tokens),
        reasons.join(", ")
    )
}
