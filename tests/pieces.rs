//! Counting piece by piece is exact: kmix's count of a text against the tokenizer library's own
//! `encode`, on rendered conversations and plain text that are varied everywhere, and on short
//! random strings made of nothing but the pipelines' hazards.
//!
//! `KMIX_PIECES_MB` sets how much text Llama 3.1 checks (default 50 MB); Qwen 3 (NFC), GPT-OSS,
//! DeepSeek V3 (three split patterns) and two variants (GPT-2's own byte-level pattern; NFKC)
//! check a fifth of it each.

mod common;

use common::text::{load, tokenizer_with, Text, PIECES, STARTS};
use kmix::read::{Kind, Record};
use kmix::render::conversation;
use kmix::tokens::ChatTokenizer;
use rand::Rng;

fn megabytes() -> usize {
    std::env::var("KMIX_PIECES_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

fn same_count(name: &str, tokenizer: &ChatTokenizer, text: &str) {
    let shown: String = text.chars().take(400).collect();
    assert_eq!(
        tokenizer.tokens_of_text(text).unwrap(),
        tokenizer.bare_tokens_of_text(text).unwrap(),
        "{name}: counted piece by piece, a text of {} bytes has other tokens than encode gives; \
         it starts {shown:?}",
        text.len()
    );
}

/// `megabytes` of text: conversations as the template renders them, and their documents alone.
fn check(name: &str, tokenizer: &ChatTokenizer, megabytes: usize, seed: u64) {
    assert!(
        tokenizer.counts_pieces(),
        "{name}: not counted piece by piece; the test would prove nothing"
    );
    let mut text = Text::new(seed);
    let mut bytes = 0;
    while bytes < megabytes * 1_000_000 {
        let document_pieces = text.rng.random_range(1..900);
        let document = text.prose(document_pieces);
        let response_pieces = text.rng.random_range(0..60);
        let record = Record {
            kind: Kind::ExtractiveSummary,
            question: text.question(),
            response: Some(text.prose(response_pieces)),
            document,
            raw_document: String::new(),
            outline: text.prose(6),
            reasoning: None,
        };
        let rendered = tokenizer.render(&conversation(&record)).unwrap();
        same_count(name, tokenizer, &rendered);
        same_count(name, tokenizer, &record.document);
        bytes += rendered.len() + record.document.len();
    }
}

/// Strings of up to 12 hazards with nothing between them: white space of every kind against
/// words, digits, contractions, marks and special tokens, in every order.
fn check_hazards(name: &str, tokenizer: &ChatTokenizer, seed: u64) {
    let mut text = Text::new(seed);
    for _ in 0..40_000 {
        let n = text.rng.random_range(1..13);
        let s: String = (0..n)
            .map(|_| {
                if text.rng.random_bool(0.2) {
                    text.pick(STARTS)
                } else {
                    text.pick(PIECES)
                }
            })
            .collect();
        same_count(name, tokenizer, &s);
    }
}

#[test]
fn llama3_1_counts_pieces_exactly() {
    let tokenizer = load("llama3_1");
    check("llama3_1", &tokenizer, megabytes(), 21);
    check_hazards("llama3_1", &tokenizer, 22);
}

#[test]
fn qwen3_gptoss_and_deepseek_v3_count_pieces_exactly() {
    for (seed, name) in ["qwen3", "gptoss", "deepseek_v3"].into_iter().enumerate() {
        let tokenizer = load(name);
        check(name, &tokenizer, megabytes().div_ceil(5), 30 + seed as u64);
        check_hazards(name, &tokenizer, 40 + seed as u64);
    }
}

#[test]
fn gpt2_pattern_and_nfkc_count_pieces_exactly() {
    let gpt2 = tokenizer_with("llama3_1", |json| {
        json["pre_tokenizer"] = serde_json::json!({
            "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true
        });
    });
    check("GPT-2 pattern", &gpt2, megabytes().div_ceil(5), 50);
    check_hazards("GPT-2 pattern", &gpt2, 51);
    let nfkc = tokenizer_with("qwen3", |json| {
        json["normalizer"] = serde_json::json!({
            "type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "NFKC"}]
        });
    });
    check("NFD then NFKC", &nfkc, megabytes().div_ceil(5), 52);
    check_hazards("NFD then NFKC", &nfkc, 53);
}

/// Pipelines with a step the counter does not do are counted by `encode`.
#[test]
fn other_pipelines_are_counted_by_encode() {
    let cases = [
        tokenizer_with("llama3_1", |json| {
            json["added_tokens"][0]["lstrip"] = true.into();
        }),
        tokenizer_with("llama3_1", |json| {
            json["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = r"\S+\n?|\s+".into();
        }),
        tokenizer_with("llama3_1", |json| {
            json["pre_tokenizer"]["pretokenizers"][1]["add_prefix_space"] = true.into();
        }),
        tokenizer_with("llama3_1", |json| {
            json["normalizer"] = serde_json::json!({"type": "Lowercase"});
        }),
        tokenizer_with("llama3_1", |json| {
            json["model"]["dropout"] = 0.1.into();
        }),
        load("gemma3"),
    ];
    for (i, tokenizer) in cases.iter().enumerate() {
        assert!(!tokenizer.counts_pieces(), "case {i}");
    }
}
