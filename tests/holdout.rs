//! Held-out questions planted in training rows: found by equal question (after Unicode, case and
//! white-space normalisation) or a shared run of 13 words, named, and left out with
//! `--drop-contaminated`; bad held-out files are named by file, line and field.

mod common;

use std::path::Path;

use serde_json::{json, Value};

fn rows(path: &Path) -> Vec<Value> {
    (std::fs::read_to_string(path).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A held-out file that leaks three training rows of key_facts_to_qa: one by its question as it
/// is, one by its question in capitals, other spacing and full-width letters, one by a run of 13
/// words of its response inside another answer.
fn planted(dir: &Path, inputs: &Path) -> (std::path::PathBuf, Vec<String>) {
    let facts = rows(&inputs.join("key_facts_to_qa/gen_00.jsonl"));
    let text = |i: usize, f: &str| facts[i][f].as_str().unwrap().to_string();
    let shouted: String = format!("  {}  ", text(1, "question").to_uppercase())
        .chars()
        .map(|c| match c {
            'A'..='Z' => char::from_u32(c as u32 - 'A' as u32 + 0xFF21).unwrap(),
            c => c,
        })
        .collect();
    let words: Vec<&str> = facts[2]["response"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(
        words.len() >= 13,
        "a response long enough to share 13 words"
    );
    let answer = format!("As the text says, {} and so on.", words[..13].join(" "));
    let held = [
        json!({"question": text(0, "question"), "answer": "x"}),
        json!({"messages": [{"role": "user", "content": shouted}, {"role": "assistant", "content": "y"}]}),
        json!({"question": "Something else entirely?", "response": answer}),
    ];
    let path = dir.join("held.jsonl");
    std::fs::write(&path, held.map(|r| format!("{r}\n")).concat()).unwrap();
    (path, (0..3).map(|i| text(i, "question")).collect())
}

fn mix(inputs: &Path, out: &Path, args: &[&str]) -> std::process::Output {
    common::kmix_command(args, Path::new("."))
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn questions(out: &Path) -> Vec<String> {
    (rows(&out.join("combined_cut_1x.jsonl")).iter())
        .map(|r| r["question"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn planted_leaks_are_found_named_and_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("gen");
    common::generate(&inputs, &["--raw-docs", "3", "--seed", "5"]);
    let (held, leaked) = planted(dir.path(), &inputs);
    let held = held.to_str().unwrap();
    let found = dir.path().join("found");
    let output = mix(&inputs, &found, &["--cuts", "1", "--holdout", held]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8(output.stdout).unwrap();
    assert!(
        report.contains("found 3 training rows that leak them"),
        "{report}"
    );
    assert!(report.contains("equal question with"), "{report}");
    assert!(
        report.contains("its response shares 13 words with"),
        "{report}"
    );
    assert!(report.contains("held.jsonl:3"), "{report}");
    let all = questions(&found);
    assert!(leaked.iter().all(|q| all.contains(q)));

    let dropped = dir.path().join("dropped");
    let args = ["--cuts", "1", "--holdout", held, "--drop-contaminated"];
    let output = mix(&inputs, &dropped, &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kept = questions(&dropped);
    assert_eq!(kept.len(), all.len() - 3);
    assert!(leaked.iter().all(|q| !kept.contains(q)));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dropped.join("manifest.json")).unwrap())
            .unwrap();
    let record = &manifest["held_out"];
    assert_eq!(
        (record["rows"].clone(), record["dropped"].clone()),
        (json!(3), json!(true))
    );
    assert_eq!(record["held_out"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(manifest["report"][0]["samples"], all.len() as u64 - 3);
}

#[test]
fn a_bad_held_out_file_is_named_by_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("gen");
    common::generate(&inputs, &["--raw-docs", "2"]);
    let held = dir.path().join("bad.jsonl");
    std::fs::write(
        &held,
        "{\"question\": \"ok?\"}\n{\"messages\": [{\"role\": \"user\", \"content\": 7}]}\n",
    )
    .unwrap();
    let args = [
        "--cuts",
        "1",
        "--dry-run",
        "--holdout",
        held.to_str().unwrap(),
    ];
    let output = mix(&inputs, &dir.path().join("out"), &args);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("bad.jsonl:2: field `messages[0].content`: must be a string, found a number"),
        "{err}"
    );
    let output = mix(
        &inputs,
        &dir.path().join("out"),
        &["--cuts", "1", "--drop-contaminated"],
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("needs held-out files"), "{err}");
}
