//! RAFT rows over many generated rows: the oracle carried about as often as asked, distractors
//! never from the row's own document, passages in the format of the chosen style, exact token
//! counts, nested cuts, the mixes untouched, and the same seed the same bytes.

mod common;

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

fn mix(inputs: &Path, out: &Path, args: &[&str]) -> std::process::Output {
    let output = common::kmix_command(args, Path::new("."))
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::text(&output.stderr));
    output
}

fn rows(path: &Path) -> Vec<Value> {
    (common::lines(path).iter())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn text<'a>(row: &'a Value, field: &str) -> &'a str {
    row[field].as_str().unwrap()
}

/// A retrieved-style user message's passages, checked to be numbered 1, 2, … and followed by
/// the row's question.
fn passages(row: &Value) -> Vec<String> {
    let content = text(&row["messages"][0], "content");
    let question = format!("\n\nQuestion: {}", text(row, "question"));
    let body = (content
        .strip_prefix("Passages:\n")
        .and_then(|c| c.strip_suffix(&question)))
    .unwrap_or_else(|| panic!("not in the retrieved format: {content:.200}"));
    let mut out = Vec::new();
    let mut rest = body;
    for i in 1.. {
        rest = rest.strip_prefix(&format!("[Passage {i}] ")).unwrap();
        match rest.find(&format!("\n\n[Passage {}] ", i + 1)) {
            Some(end) => {
                out.push(rest[..end].to_string());
                rest = &rest[end + 2..];
            }
            None => {
                out.push(rest.to_string());
                return out;
            }
        }
    }
    unreachable!()
}

/// A random-style user message's documents: `Document:\n{e}\n\n`, joined by new lines, then
/// the question.
fn documents(row: &Value) -> Vec<String> {
    let content = text(&row["messages"][0], "content");
    let body = content
        .strip_suffix(&format!("\n\n{}", text(row, "question")))
        .unwrap();
    let body = body
        .strip_prefix("Document:\n")
        .unwrap()
        .strip_suffix("\n\n")
        .unwrap();
    body.split("\n\n\nDocument:\n")
        .map(str::to_string)
        .collect()
}

/// Checks every row's oracle (the passage `oracle_passage` names is its own document's) and
/// distractors (none from it); returns the share of rows with the oracle.
fn check_rows(raft: &[Value], pieces: fn(&Value) -> Vec<String>, k: usize) -> f64 {
    let mut with_oracle = 0;
    for row in raft {
        let own = text(row, "raw_document");
        let pieces = pieces(row);
        assert!(
            pieces.len() <= k && pieces.len() >= k - 1,
            "{} passages",
            pieces.len()
        );
        let oracle = row["oracle_passage"].as_u64().map(|n| n as usize);
        for (i, piece) in pieces.iter().enumerate() {
            let is_oracle = oracle == Some(i + 1);
            assert_eq!(own.contains(piece.as_str()), is_oracle, "passage {}", i + 1);
        }
        with_oracle += usize::from(oracle.is_some());
        assert_eq!(pieces.len(), k, "enough other documents for every row");
    }
    with_oracle as f64 / raft.len() as f64
}

#[test]
fn retrieved_rows_carry_the_oracle_as_often_as_asked_and_never_their_own_distractors() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("gen");
    common::generate(
        &inputs,
        &["--raw-docs", "12", "--raw-words", "900", "--seed", "3"],
    );
    let tokenizer = common::tokenizer_dir("llama3_1");
    let tokenizer = tokenizer.to_str().unwrap();
    let args = [
        "--cuts",
        "1,2",
        "--tokenizer",
        tokenizer,
        "--raft",
        "retrieved",
    ];
    let out = dir.path().join("out");
    let report =
        common::text(&mix(&inputs, &out, &[&args[..], &["--threads", "3"]].concat()).stdout);
    assert!(
        report.contains("RAFT rows (retrieved style): 5 passages a row"),
        "{report}"
    );
    let raft = rows(&out.join("raft_cut_2x.jsonl"));
    assert!(raft.len() > 300, "{} rows", raft.len());
    let share = check_rows(&raft, passages, 5);
    assert!((share - 0.9).abs() < 0.05, "oracle in {share} of the rows");
    // The knowledge row's fields, in order, then the oracle's place.
    let keys: Vec<&String> = raft[0].as_object().unwrap().keys().collect();
    let expected = [
        "question",
        "document_outline",
        "raw_document",
        "document",
        "messages",
    ];
    assert_eq!(keys[..5], expected);
    assert_eq!(
        keys[5..],
        ["metadata", "unmask", "token_length", "oracle_passage"]
    );
    // Exact counts, as for every row.
    let counter = common::load_tokenizer("llama3_1");
    for row in raft.iter().step_by(37) {
        let messages = common::messages(&row["messages"]);
        assert_eq!(row["token_length"], counter.count(&messages).unwrap());
    }
    // Cut 1's rows are cut 2's, written alike.
    let larger: HashSet<String> = common::lines(&out.join("raft_cut_2x.jsonl"))
        .into_iter()
        .collect();
    assert!(common::lines(&out.join("raft_cut_1x.jsonl"))
        .iter()
        .all(|l| larger.contains(l)));
    // The manifest says how they were made, with the report's counts.
    let manifest = common::manifest(&out);
    let cut2 = &manifest["raft"]["cuts"][1];
    assert_eq!(cut2["rows"], raft.len());
    let carried = raft
        .iter()
        .filter(|r| !r["oracle_passage"].is_null())
        .count();
    assert_eq!(cut2["with_oracle"], carried);
    assert_eq!(manifest["raft"]["params"]["p_oracle"], 0.9);

    // The mixes are those of a run without RAFT rows; one thread, the same bytes.
    let plain = dir.path().join("plain");
    mix(&inputs, &plain, &args[..4]);
    let again = dir.path().join("again");
    mix(&inputs, &again, &[&args[..], &["--threads", "1"]].concat());
    for name in ["combined_cut_1x.jsonl", "combined_cut_2x.jsonl"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(plain.join(name)).unwrap()
        );
    }
    for name in ["raft_cut_1x.jsonl", "raft_cut_2x.jsonl", "manifest.json"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap()
        );
    }
    // Another seed, other draws.
    let reseeded = dir.path().join("reseeded");
    mix(&inputs, &reseeded, &[&args[..], &["--seed", "7"]].concat());
    let bytes = |d: &Path| std::fs::read(d.join("raft_cut_1x.jsonl")).unwrap();
    assert_ne!(bytes(&out), bytes(&reseeded));
}

#[test]
fn random_rows_are_whole_documents_in_the_sdg_format() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("gen");
    common::generate(&inputs, &["--raw-docs", "10", "--seed", "4"]);
    let out = dir.path().join("out");
    let args = [
        "--cuts",
        "2",
        "--raft",
        "random",
        "--raft-passages",
        "3",
        "--raft-p-oracle",
        "0.5",
    ];
    let report = common::text(&mix(&inputs, &out, &args).stdout);
    assert!(
        report.contains(
            "RAFT rows (random style): 3 passages a row, the oracle with probability 0.5"
        ),
        "{report}"
    );
    let raft = rows(&out.join("raft_cut_2x.jsonl"));
    let share = check_rows(&raft, documents, 3);
    assert!(
        (share - 0.5).abs() < 0.08,
        "oracle in {share} of {} rows",
        raft.len()
    );
    for row in &raft {
        if let Some(n) = row["oracle_passage"].as_u64() {
            assert_eq!(documents(row)[n as usize - 1], text(row, "raw_document"));
        }
        assert!(row.get("token_length").is_none(), "no tokenizer, no count");
    }
}

#[test]
fn one_document_cannot_have_distractors_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("gen");
    common::generate(&inputs, &["--raw-docs", "1"]);
    let output = common::kmix_command(&["--cuts", "1", "--raft", "retrieved"], Path::new("."))
        .arg(&inputs)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = common::text(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("RAFT rows need distractors from other documents"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
    let output = common::kmix_command(&["--cuts", "1", "--raft-passages", "3"], Path::new("."))
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(common::text(&output.stderr).contains("choose their style with --raft"));
}

#[test]
fn raft_rows_blend_as_a_source_and_come_back_from_the_recipe() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("gen");
    common::generate(&inputs, &["--raw-docs", "6", "--seed", "9"]);
    let args = ["--cuts", "2", "--raft", "random", "--add", "raft=0.5"];
    let out = dir.path().join("out");
    mix(&inputs, &out, &args);
    let blend = rows(&out.join("blend_cut_2x.jsonl"));
    let raft: Vec<Value> = rows(&out.join("raft_cut_2x.jsonl"));
    let knowledge = rows(&out.join("combined_cut_2x.jsonl")).len();
    assert_eq!(blend.len(), knowledge + raft.len().div_ceil(2));
    // A RAFT row in the blend is its RAFT file's row with the knowledge rows' fields alone; its
    // metadata says where its oracle is.
    let in_blend: Vec<&Value> = (blend.iter())
        .filter(|r| text(r, "metadata").contains("\"dataset\":\"raft_knowledge_qa\""))
        .collect();
    assert_eq!(in_blend.len(), raft.len().div_ceil(2));
    for row in in_blend {
        let mut same = raft
            .iter()
            .find(|r| r["messages"] == row["messages"])
            .unwrap()
            .clone();
        let oracle = same
            .as_object_mut()
            .unwrap()
            .remove("oracle_passage")
            .unwrap();
        assert_eq!(&same, row);
        let metadata: Value = serde_json::from_str(text(row, "metadata")).unwrap();
        assert_eq!(metadata["oracle_passage"], oracle);
    }
    // The recipe names the RAFT file, and makes the same blend again.
    let recipe = out.join("recipe_cut_2x.yaml");
    assert!(std::fs::read_to_string(&recipe)
        .unwrap()
        .contains("- path: raft_cut_2x.jsonl"));
    let again = dir.path().join("again");
    let recipe = recipe.to_str().unwrap();
    mix(
        &inputs,
        &again,
        &["--cuts", "2", "--raft", "random", "--recipe", recipe],
    );
    let bytes = |d: &Path| std::fs::read(d.join("blend_cut_2x.jsonl")).unwrap();
    assert_eq!(bytes(&out), bytes(&again));
    let output = common::kmix_command(&["--cuts", "2", "--add", "raft=0.5"], Path::new("."))
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(common::text(&output.stderr).contains("the blend names `raft`"));
}
