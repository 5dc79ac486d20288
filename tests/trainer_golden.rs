//! kmix's trained-token counts against the trainer's own (tests/golden/trainer.json, made by
//! tools/make_trainer_golden.py with instructlab-training 0.16): both ways of counting, every row.

mod common;

use kmix::blend::{trainer_keeps, TrainerLimit};
use serde_json::Value;

fn golden() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/trainer.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn messages(row: &Value) -> Vec<Value> {
    row["messages"].as_array().unwrap().clone()
}

#[test]
fn both_counts_equal_the_trainers() {
    let golden = golden();
    let rows = golden["rows"].as_array().unwrap();
    for name in ["llama3_1", "qwen3", "deepseek_v3"] {
        let tokenizer = common::load_tokenizer(name);
        for (i, row) in rows.iter().enumerate() {
            let want = &golden["tokenizers"][name][i];
            let unmask_all = row["unmask"].as_bool().unwrap_or(false);
            let unmasked = tokenizer
                .unmasked_tokens(messages(row), unmask_all)
                .unwrap();
            assert_eq!(
                u64::from(unmasked),
                want["unmask"].as_u64().unwrap(),
                "{name} row {i}"
            );
            let rendered = tokenizer.render_json(messages(row)).unwrap();
            let t = tokenizer.tokens_of_text(&rendered).unwrap();
            assert_eq!(
                u64::from(t.trained),
                want["template"].as_u64().unwrap(),
                "{name} row {i}"
            );
            let eos = want["ends_with_eos"].as_bool().unwrap();
            assert_eq!(t.ends_with_eos, eos, "{name} row {i}");
        }
    }
}

/// A knowledge row (its assistant's `thinking: ""`) is a token longer for the trainer with Qwen 3:
/// at a limit of that many tokens the trainer drops it, as the default count judges; the older
/// count keeps it.
#[test]
fn a_row_at_the_limit_is_judged_as_the_trainer_judges_it() {
    let golden = golden();
    let rows = golden["rows"].as_array().unwrap();
    let tokenizer = common::load_tokenizer("qwen3");
    let last = rows.len() - 1;
    let want = &golden["tokenizers"]["qwen3"][last];
    let unmask = want["unmask"].as_u64().unwrap() as u32;
    assert_eq!(unmask, want["template"].as_u64().unwrap() as u32 + 1);
    let rendered = tokenizer.render_json(messages(&rows[last])).unwrap();
    let template = tokenizer.tokens_of_text(&rendered).unwrap();
    let unmasked = kmix::tokens::RowTokens {
        trained: tokenizer
            .unmasked_tokens(messages(&rows[last]), false)
            .unwrap(),
        ..template
    };
    let limit = |checks_eos| TrainerLimit {
        max_seq_len: unmask,
        checks_eos,
    };
    assert!(!trainer_keeps(unmasked, limit(false)));
    assert!(trainer_keeps(template, limit(true)));
    let above = TrainerLimit {
        max_seq_len: unmask + 1,
        checks_eos: false,
    };
    assert!(trainer_keeps(unmasked, above));
}
