//! The CLI's report says what happened in words that match it: no tokenizer complaint when one was
//! given, warnings about the inputs said once, and a blend's two token counts and drops explained.

mod common;

use common::{kmix, text};

fn inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &["--raw-docs", "4", "--summaries-per-raw", "6"],
    );
    dir
}

fn llama() -> String {
    common::tokenizer_dir("llama3_1")
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_tokenizer_given_with_no_feasible_cut_is_not_reported_missing() {
    let dir = inputs();
    let out = kmix(
        &["gen", "--cuts", "60", "--tokenizer", &llama()],
        &[],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("cut 60 skipped"), "{stdout}");
    assert!(!stdout.contains("no tokenizer given"), "{stdout}");
    assert!(!stdout.contains("token counts are off"), "{stdout}");
    // Nothing was mixed: no empty table of totals either.
    assert!(!stdout.contains("total tokens"), "{stdout}");
    assert!(
        text(&out.stderr).contains("no cut is feasible"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_generation_folder_is_warned_about_once() {
    let dir = inputs();
    std::fs::remove_dir_all(dir.path().join("gen/document_based_qa")).unwrap();
    let out = kmix(&["gen", "--cuts", "2", "--dry-run"], &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.lines().any(|l| l
            == "warning: no document_based_qa rows: the folder document_based_qa/ is missing or empty"),
        "{stdout}"
    );
    assert!(!stdout.contains("note: warning"), "{stdout}");
}

#[test]
fn a_blend_says_what_its_drops_and_tokens_count() {
    let dir = inputs();
    let out = kmix(
        &[
            "gen",
            "--cuts",
            "2",
            "--tokenizer",
            &llama(),
            "--add",
            "knowledge=0.5",
            "--max-seq-len",
            "300",
            "--dry-run",
        ],
        &[],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let header = stdout
        .lines()
        .find(|l| l.starts_with("trainer pre-flight, cut 2x"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let rows: u64 = header
        .split(": ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{header}"));
    // The source's drops count all its rows, the blend's the rows taken: each says which.
    assert!(
        stdout.contains("  knowledge: of its "),
        "the source's drops name what they count: {stdout}"
    );
    assert!(
        stdout.contains(&format!("of the {rows} rows taken, the trainer")),
        "{stdout}"
    );
    assert!(
        stdout.contains("blend and pre-flight tokens are trained tokens"),
        "{stdout}"
    );
}
