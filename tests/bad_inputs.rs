//! Bad input and interrupted runs through the command line: each ends with a clear error naming
//! the file (and line) where there is one, and leaves nothing behind.

mod common;

use std::io::Write;
use std::process::{Command, Output};

use common::{kmix, kmix_command, listing, text};

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &["--raw-docs", "3", "--summaries-per-raw", "4"],
    );
    dir
}

#[test]
fn an_endless_line_is_refused_at_the_row_limit() {
    let dir = example();
    let path = dir.path().join("gen/extractive_summary/gen_00.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(&vec![b'x'; 3 << 20]).unwrap();
    gz.finish().unwrap();
    let out = kmix(&["gen", "--max-row-mb", "1"], &[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("extractive_summary/gen_00.jsonl.gz:1: the row is longer than 1 MB"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("training_mix").exists());
}

#[test]
fn dotted_paths_are_not_hidden_files() {
    let dir = example();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for (cwd, path) in [
        (
            dir.path().to_path_buf(),
            "./gen/extractive_summary/gen_00.jsonl",
        ),
        (
            dir.path().join("sub"),
            "../gen/extractive_summary/gen_00.jsonl",
        ),
    ] {
        let out = kmix(&[path, "--cuts", "1", "--dry-run"], &[], &cwd);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{path}: {}", stderr(&out));
        assert!(
            text.contains("gen/extractive_summary/gen_00.jsonl (extractive_summary, "),
            "{text}"
        );
    }
}

#[test]
fn a_file_named_twice_is_read_once() {
    let dir = example();
    let once = kmix(&["gen", "--cuts", "2", "--out", "once"], &[], dir.path());
    assert!(once.status.success(), "{}", stderr(&once));
    let twice = kmix(
        &[
            "gen",
            "gen",
            "gen/extractive_summary/gen_00.jsonl",
            "--cuts",
            "2",
            "--out",
            "twice",
        ],
        &[],
        dir.path(),
    );
    assert!(twice.status.success(), "{}", stderr(&twice));
    assert!(
        stderr(&twice).contains("read once: gen/extractive_summary/gen_00.jsonl (the same file as"),
        "{}",
        stderr(&twice)
    );
    let mix = |d: &str| std::fs::read(dir.path().join(d).join("combined_cut_2x.jsonl")).unwrap();
    assert_eq!(mix("once"), mix("twice"));
}

#[test]
fn an_output_folder_inside_an_input_folder_is_refused() {
    let dir = example();
    let out = kmix(&["gen", "--out", "gen/mixes"], &[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("field `out`: the output folder gen/mixes is inside the input folder gen"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("gen/mixes").exists());
}

#[test]
fn what_a_killed_run_left_is_removed_and_nothing_else() {
    let dir = example();
    let mixes = dir.path().join("training_mix");
    std::fs::create_dir(&mixes).unwrap();
    std::fs::write(mixes.join(".combined_cut_2x.jsonl.999999999.tmp"), "half").unwrap();
    std::fs::write(mixes.join(".manifest.json.999999999.tmp"), "").unwrap();
    std::fs::write(mixes.join(".notes.999999999.tmp"), "not kmix's").unwrap();
    let out = kmix(&["gen", "--cuts", "2"], &[], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        listing(&mixes),
        [
            ".notes.999999999.tmp",
            "combined_cut_2x.jsonl",
            "manifest.json"
        ]
    );
}

#[test]
fn an_interrupted_run_leaves_no_temporary_file_and_no_half_set() {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &[
            "--raw-docs",
            "1",
            "--summaries-per-raw",
            "12",
            "--target-mb",
            "40",
        ],
    );
    let tok = common::tokenizer_dir("llama3_1");
    let mut child = kmix_command(
        &[
            "gen",
            "--cuts",
            "2,5",
            "--threads",
            "1",
            "--tokenizer",
            tok.to_str().unwrap(),
        ],
        dir.path(),
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mixes = dir.path().join("training_mix");
    // Wait until the run writes, then interrupt it.
    let started = std::time::Instant::now();
    while !listing(&mixes).iter().any(|n| n.ends_with(".tmp")) && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let left = listing(&mixes);
    assert!(left.iter().all(|n| !n.ends_with(".tmp")), "{left:?}");
    // Either the run was stopped (nothing written) or it had just finished (all of it).
    match status.code() {
        Some(130) => assert!(left.is_empty(), "{left:?}"),
        Some(0) => assert_eq!(
            left,
            [
                "combined_cut_2x.jsonl",
                "combined_cut_5x.jsonl",
                "manifest.json"
            ]
        ),
        other => panic!("exit {other:?}"),
    }
}

#[test]
fn a_yaml_depth_bomb_is_refused_at_once() {
    let dir = example();
    let bomb = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(dir.path().join("gen/qna.yaml"), bomb).unwrap();
    let started = std::time::Instant::now();
    let out = kmix(&["gen"], &[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("qna.yaml:1: the YAML nests deeper than 64 levels"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed().as_secs() < 10);
}
