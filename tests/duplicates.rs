//! Repeated Q&A planted in generated inputs: reported per cut, dropped by `--dedupe` (keeping the
//! first, the same bytes whatever the thread count), recorded in the manifest.

mod common;

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

/// Generated inputs with repeats planted: a pair copied into another file of its kind (two
/// generation runs dropped together) and, in the same file, the same pair in another case and
/// spacing, and the same question with another response.
fn planted(dir: &Path) -> std::path::PathBuf {
    let inputs = dir.join("gen");
    common::generate(&inputs, &["--raw-docs", "3", "--seed", "5"]);
    let facts = inputs.join("key_facts_to_qa");
    let first = std::fs::read_to_string(facts.join("gen_00.jsonl")).unwrap();
    let row: Value = serde_json::from_str(first.lines().nth(1).unwrap()).unwrap();
    let mut shouted = row.clone();
    shouted["question"] = format!(" {}\t", row["question"].as_str().unwrap().to_uppercase()).into();
    let mut other = row.clone();
    other["response"] = "Another response altogether.".into();
    let lines = [&row, &shouted, &other].map(|r| format!("{r}\n")).concat();
    append(&facts.join("gen_01.jsonl"), &lines);
    inputs
}

fn append(path: &Path, text: &str) {
    let mut all = std::fs::read_to_string(path).unwrap();
    all.push_str(text);
    std::fs::write(path, all).unwrap();
}

fn run(inputs: &Path, out: &Path, args: &[&str]) -> String {
    let output = common::kmix_command(args, Path::new("."))
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

/// The (question, response) of each key_facts_to_qa row of a mix, normalised.
fn facts(out: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(out.join("combined_cut_1x.jsonl")).unwrap();
    (text.lines())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| {
            r["messages"][0]["content"]
                .as_str()
                .unwrap()
                .starts_with("In ")
        })
        .map(|r| {
            let m = &r["messages"];
            let text = |v: &Value| kmix::text::normalise(v.as_str().unwrap_or_default());
            (text(&r["question"]), text(&m[1]["content"]))
        })
        .collect()
}

#[test]
fn planted_repeats_are_reported_and_dropped_keeping_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = planted(dir.path());
    let plain = dir.path().join("plain");
    let report = run(&inputs, &plain, &["--cuts", "1"]);
    assert!(
        report.contains("cut 1: key_facts_to_qa repeats: 2 duplicate pairs, 1 repeated questions"),
        "{report}"
    );
    assert!(
        report.contains(
            "key_facts_to_qa/gen_01.jsonl:16 repeats key_facts_to_qa/gen_00.jsonl:2 (pair)"
        ),
        "{report}"
    );
    let duplicates = &manifest(&plain)["mix"]["duplicates"];
    assert_eq!(duplicates["cuts"][0]["kinds"][0]["duplicate_pairs"], 2);
    assert!(duplicates.get("dropped").is_none());
    let rows = facts(&plain);

    let pairs = dir.path().join("pairs");
    let report = run(&inputs, &pairs, &["--cuts", "1", "--dedupe"]);
    assert!(
        report.contains("dedupe dropped 2 key_facts_to_qa rows"),
        "{report}"
    );
    let kept = facts(&pairs);
    assert_eq!(kept.len(), rows.len() - 2);
    assert_eq!(kept.iter().collect::<HashSet<_>>().len(), kept.len());
    let m = manifest(&pairs);
    assert_eq!(m["mix"]["params"]["dedupe"], "pairs");
    assert_eq!(m["mix"]["duplicates"]["dropped"][0]["duplicate_pairs"], 2);
    // The repeated question, with its other response, stays; under `questions` it goes too.
    assert_eq!(
        m["mix"]["duplicates"]["cuts"][0]["kinds"][0]["repeated_questions"],
        1
    );

    let questions = dir.path().join("questions");
    run(&inputs, &questions, &["--cuts", "1", "--dedupe=questions"]);
    let kept = facts(&questions);
    assert_eq!(kept.len(), rows.len() - 3);
    let asked: HashSet<&String> = kept.iter().map(|(q, _)| q).collect();
    assert_eq!(asked.len(), kept.len());
    assert!(manifest(&questions)["mix"].get("duplicates").unwrap()["cuts"].is_null());
}

#[test]
fn dedupe_gives_the_same_bytes_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = planted(dir.path());
    let tok = common::tokenizer_dir("qwen3");
    let digests: Vec<Vec<u8>> = ["1", "3"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("t{threads}"));
            let args = [
                "--cuts",
                "1,2",
                "--dedupe",
                "--threads",
                threads,
                "--date",
                "2026-11-25",
            ];
            let tokenizer = ["--tokenizer", tok.to_str().unwrap()];
            run(&inputs, &out, &[&args[..], &tokenizer[..]].concat());
            std::fs::read(out.join("combined_cut_2x.jsonl")).unwrap()
        })
        .collect();
    assert_eq!(digests[0], digests[1]);
}

#[test]
fn an_unknown_way_to_dedupe_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = planted(dir.path());
    let output = common::kmix_command(&["--dedupe=rows", "--dry-run"], Path::new("."))
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("`rows` is not a way to dedupe"), "{err}");
}
