//! Counting a shared text once is exact: the fast path (the shared part's tokens taken from the
//! first row, each later row encoded from the seam on) against plain encoding of every whole row,
//! on generated text that is varied everywhere and adversarial at the seam.
//!
//! `KMIX_SEAM_MB` sets how much text each of the two families' tokenizers checks (default 50 MB:
//! byte-level BPE with a regex pre-tokenizer, Llama 3.1; SentencePiece-style BPE with a normalizer,
//! Gemma 3); the other tokenizers check a fifth of it.

mod common;

use common::text::{load, tokenizer_with, Text, STARTS};
use kmix::read::{Kind, Record};
use kmix::render::Rendered;
use kmix::tokens::{ChatTokenizer, RowTokens, SharedText};
use rand::Rng;

/// A summary row, as the first pass reads it.
fn row(outline: &str, document: &str, question: String, response: String) -> Record {
    Record {
        kind: Kind::ExtractiveSummary,
        question,
        response: Some(response),
        document: document.to_string(),
        raw_document: "the source chunk".to_string(),
        outline: outline.to_string(),
        reasoning: None,
    }
}

/// The row's tokens both ways: shared text counted once (as kmix's tasks count it), and whole.
fn both_ways(
    tokenizer: &ChatTokenizer,
    record: &Record,
    shared: &mut SharedText,
) -> (RowTokens, RowTokens) {
    let row = Rendered::new(record);
    let fast = tokenizer
        .tokens_sharing(&row.messages, row.shared_context(), shared)
        .unwrap();
    (fast, tokenizer.tokens(&row.messages).unwrap())
}

/// Checks `megabytes` of rows, in groups that share an augmentation, and returns how many rows
/// there were and how many were counted from the seam.
fn check(name: &str, megabytes: usize, seed: u64) -> (u64, u64) {
    let tokenizer = load(name);
    assert!(
        tokenizer.shares_text(),
        "{name}: no seam rule recognised; the fast path would never run"
    );
    let mut text = Text::new(seed);
    let mut shared = SharedText::default();
    let (mut bytes, mut rows) = (0, 0u64);
    while bytes < megabytes * 1_000_000 {
        let outline = text.prose(6);
        let document_pieces = text.rng.random_range(1..900);
        let document = text.prose(document_pieces);
        let context = format!("{outline}\n{document}\n\n");
        for _ in 0..text.rng.random_range(1..6) {
            let question = text.question();
            let response_pieces = text.rng.random_range(0..60);
            let response = text.prose(response_pieces);
            let record = row(&outline, &document, question.clone(), response);
            let (fast, whole) = both_ways(&tokenizer, &record, &mut shared);
            assert_eq!(
                fast,
                whole,
                "{name}: the fast path miscounts a row whose question is {question:?} after \
                 a document ending {:?}",
                &context[context.len().saturating_sub(40)..]
            );
            bytes += context.len() + question.len();
            rows += 1;
        }
    }
    let from_seam = shared.rows_counted_from_seam();
    eprintln!("{name}: {megabytes} MB, {rows} rows, {from_seam} counted from the seam");
    (rows, from_seam)
}

fn megabytes() -> usize {
    std::env::var("KMIX_SEAM_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

/// The fast path must actually run for most rows, or the test proves nothing.
fn check_family(name: &str, megabytes: usize, seed: u64) {
    let (rows, from_seam) = check(name, megabytes, seed);
    assert!(
        from_seam * 10 > rows,
        "{name}: only {from_seam} of {rows} rows were counted from the seam"
    );
}

#[test]
fn byte_level_bpe_llama3_1_counts_shared_text_exactly() {
    check_family("llama3_1", megabytes(), 1);
}

#[test]
fn sentencepiece_bpe_gemma3_counts_shared_text_exactly() {
    check_family("gemma3", megabytes(), 2);
}

#[test]
fn qwen3_gptoss_and_deepseek_v3_count_shared_text_exactly() {
    for (seed, name) in ["qwen3", "gptoss", "deepseek_v3"].into_iter().enumerate() {
        check_family(name, megabytes().div_ceil(5), 10 + seed as u64);
    }
}

/// Every seam hazard against every way a document can end, each pair counted both ways.
#[test]
fn adversarial_seams_count_exactly() {
    let endings = [
        "end.",
        "end",
        "end ",
        "end  ",
        "end\t",
        "end\r",
        "1999",
        "...",
        "?!",
        "知识",
        "😀",
        "e\u{301}",
        "<|eot_id|>",
        "<start_of_turn>",
        "\u{a0}",
        "'",
        "/",
        "",
    ];
    for name in ["llama3_1", "qwen3", "gemma3", "deepseek_v3", "gptoss"] {
        let tokenizer = load(name);
        for ending in endings {
            let document = format!("Some document text {ending}");
            let mut shared = SharedText::default();
            for start in STARTS.iter().chain(&["What"]) {
                let record = row(
                    "Outline",
                    &document,
                    format!("{start} is it?"),
                    "It is so.".into(),
                );
                let (fast, whole) = both_ways(&tokenizer, &record, &mut shared);
                assert_eq!(
                    fast, whole,
                    "{name}: document ending {ending:?}, question starting {start:?}"
                );
            }
            assert!(shared.rows_counted_from_seam() > 0, "{name}: {ending:?}");
        }
    }
}

/// Where the guarantee cannot be shown, rows are counted whole.
#[test]
fn no_seam_is_assumed_for_pipelines_the_rules_do_not_know() {
    let lstrip = tokenizer_with("llama3_1", |json| {
        json["added_tokens"][0]["lstrip"] = true.into();
    });
    assert!(
        !lstrip.shares_text(),
        "an added token that strips white space"
    );
    let other_pattern = tokenizer_with("llama3_1", |json| {
        json["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = r"\S+\n?|\s+".into();
    });
    assert!(
        !other_pattern.shares_text(),
        "a split pattern not read for it"
    );
    let metaspace = tokenizer_with("gemma3", |json| {
        json["pre_tokenizer"] = serde_json::json!({
            "type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false
        });
    });
    assert!(
        !metaspace.shares_text(),
        "a metaspace added to the first stretch only"
    );
    let newline_word = tokenizer_with("gemma3", |json| {
        let tokens = json["added_tokens"].as_array_mut().unwrap();
        let three = tokens
            .iter_mut()
            .find(|t| t["content"] == "\n\n\n")
            .unwrap();
        three["content"] = "\n\nx".into();
    });
    assert!(
        !newline_word.shares_text(),
        "an added token of a newline and more"
    );
}
