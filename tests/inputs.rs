//! Inputs as people choose them: two runs whose files share paths, inputs without a summary kind,
//! a dataset to blend that cannot be read, and sizes and budgets in one grammar.

mod common;

use std::path::Path;

use common::{kmix, lines, listing, manifest, text};

fn generate(dir: &Path, name: &str, seed: &str) {
    common::generate(
        &dir.join(name),
        &[
            "--raw-docs",
            "3",
            "--summaries-per-raw",
            "4",
            "--seed",
            seed,
        ],
    );
}

#[test]
fn two_runs_with_the_same_paths_are_kept_apart_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    generate(p, "run1", "1");
    generate(p, "run2", "2");
    // Each run alone, for the rows every cut takes whole.
    let whole = |args: &[&str], out: &str| {
        let mut all = args.to_vec();
        all.extend(["--cuts", "2", "--out", out]);
        let run = kmix(&all, &[], p);
        assert!(run.status.success(), "{}", text(&run.stderr));
        text(&run.stdout)
    };
    whole(&["run1"], "one");
    whole(&["run2"], "two");
    let both = whole(&["run1", "run2"], "both");
    assert!(
        both.contains("note: 10 of the files given share a path with an earlier one: in the order given, each is known by its path with a number before its extensions (detailed_summary/gen_00 (2).jsonl for detailed_summary/gen_00.jsonl, detailed_summary/gen_01 (2).jsonl for detailed_summary/gen_01.jsonl, document_based_qa/gen_00 (2).jsonl for document_based_qa/gen_00.jsonl, …) in the table, the report and the manifest"),
        "{both}"
    );
    assert!(
        both.contains("document_based_qa/gen_00 (2).jsonl"),
        "{both}"
    );
    // The runs share no text, so the mix of both holds each one's rows, none read twice.
    let rows = |out: &str| lines(&p.join(out).join("combined_cut_2x.jsonl")).len();
    assert_eq!(rows("both"), rows("one") + rows("two"));
    let files = manifest(&p.join("both"))["inputs"].clone();
    let copy = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "final_seed_data (2).jsonl")
        .unwrap_or_else(|| panic!("{files}"));
    assert_eq!(copy["copy_of"], "final_seed_data.jsonl");
    assert_eq!(copy["kind"], "seed_data");
}

#[test]
fn without_a_summary_kind_cuts_do_not_apply_and_one_mix_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    generate(p, "gen", "1");
    for kind in ["extractive_summary", "detailed_summary"] {
        std::fs::remove_dir_all(p.join("gen").join(kind)).unwrap();
    }
    let run = kmix(&["gen", "--cuts", "2,5"], &[], p);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains("note: cuts do not apply: cuts count the augmentations of extractive_summary and detailed_summary, and no rows of either are mixed, so every cut holds the same rows; they are mixed once, as cut 2 (combined_cut_2x.jsonl)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cut 5 skipped: it would hold the same rows as cut 2"),
        "{stdout}"
    );
    assert_eq!(
        listing(&p.join("training_mix")),
        ["combined_cut_2x.jsonl", "manifest.json"]
    );
}

#[test]
fn a_dataset_that_cannot_be_read_is_named_with_its_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    generate(p, "gen", "1");
    std::fs::write(p.join("bad.jsonl"), "{\"messages\": \"oops\"}\n").unwrap();
    let run = kmix(&["gen", "--cuts", "2", "--add", "bad.jsonl"], &[], p);
    assert!(!run.status.success());
    assert!(
        text(&run.stderr)
            .contains("bad.jsonl:1: field `messages`: must be a list of messages, found a string"),
        "{}",
        text(&run.stderr)
    );
    assert!(!p.join("training_mix").exists());
}

#[test]
fn sizes_and_budgets_read_one_grammar_and_refuse_odd_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    generate(p, "gen", "1");
    let row = r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}"#;
    std::fs::write(p.join("skills.jsonl"), format!("{row}\n").repeat(40)).unwrap();
    let mix = |args: &[&str]| {
        let mut all = vec!["gen", "--cuts", "2"];
        all.extend_from_slice(args);
        kmix(&all, &[], p)
    };
    let run = mix(&["--add", "skills.jsonl=1e3"]);
    assert!(!run.status.success());
    assert!(
        text(&run.stderr).contains("`1e3` is not a size: give rows (30000, 30k), a ratio with a decimal point (0.5, 2.0) or tokens (5Mtok, 250k tokens)"),
        "{}",
        text(&run.stderr)
    );
    let run = mix(&["--add", "skills.jsonl=1.5k"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let skills = lines(&p.join("training_mix/blend_cut_2x.jsonl"))
        .iter()
        .filter(|l| l.contains("\"Hello\""))
        .count();
    assert_eq!(skills, 1500);
    let run = mix(&["--budget", "0.5", "--share", "knowledge=1"]);
    assert!(
        text(&run.stderr).contains("field `budget`: `0.5` is not a whole number: give a whole number of tokens, K, M or G allowed (300000, 250K, 20M, 1.5G)"),
        "{}",
        text(&run.stderr)
    );
}
