//! A run split over machines (`kmix plan`, `kmix work`, `kmix merge`): whatever the number of
//! parts and the order they finish in, with a part killed and worked again, the merge writes
//! the bytes of one plain run, blends included; a missing, foreign or half part is refused, and
//! so is an input changed since the plan, each named.

mod common;

use std::path::{Path, PathBuf};

use common::{kmix, text};

/// Generated knowledge inputs (`gen/`) and a chat dataset to blend (`skills.jsonl`), large
/// enough for several tasks of each.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &["--raw-docs", "6", "--summaries-per-raw", "10"],
    );
    let status = std::process::Command::new("python3")
        .arg(common::root().join("tools/gen_chat.py"))
        .args(["--out", "skills.jsonl", "--rows", "1500"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

/// The mix's flags: two cuts, a tokenizer, and a blend with a token budget (so that the
/// blends' tasks, planned from the counts, run in the merge).
fn mix_flags(seed: &str) -> Vec<String> {
    let tokenizer = common::tokenizer_dir("llama3_1");
    let blend = "--add skills.jsonl --budget 60K --share knowledge=0.25,skills.jsonl=75% --max-seq-len 4096";
    let mut flags = strings(&["gen", "--cuts", "2,5", "--seed", seed, "--tokenizer"]);
    flags.push(tokenizer.to_str().unwrap().to_string());
    flags.extend(blend.split(' ').map(String::from));
    flags
}

fn run(dir: &Path, args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    kmix(&args, &[], dir)
}

fn ok(dir: &Path, args: &[String]) {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
}

fn failure(dir: &Path, args: &[String]) -> String {
    let out = run(dir, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    text(&out.stderr)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn plan(dir: &Path, plan: &str, parts: usize, seed: &str) {
    let mut args = strings(&["plan"]);
    args.extend(mix_flags(seed));
    args.extend(strings(&["--parts", &parts.to_string(), "--plan", plan]));
    ok(dir, &args);
}

fn work(plan: &str, part: usize) -> Vec<String> {
    strings(&["work", plan, "--part", &part.to_string(), "--threads", "2"])
}

fn merge(plan: &str, out: &str) -> Vec<String> {
    strings(&["merge", plan, "--out", out, "--threads", "2"])
}

fn part_file(dir: &Path, plan: &str, part: usize) -> PathBuf {
    dir.join(plan)
        .join("parts")
        .join(format!("part-{part:04}.kmix"))
}

/// The parts in a shuffled order (a fixed one per count, so that a failure reruns alike).
fn shuffled(parts: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..parts).collect();
    let mut state = 0x9e37_79b9_u64 + parts as u64;
    for i in (1..parts).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        order.swap(i, (state >> 33) as usize % (i + 1));
    }
    order
}

/// Every file of two folders, byte for byte.
fn assert_same_files(plain: &Path, merged: &Path) {
    let names = common::listing(plain);
    assert_eq!(names, common::listing(merged));
    assert!(
        names.iter().any(|n| n.starts_with("blend_cut_")),
        "{names:?}"
    );
    for name in names {
        let same =
            std::fs::read(plain.join(&name)).unwrap() == std::fs::read(merged.join(&name)).unwrap();
        assert!(
            same,
            "{} differs from the plain run's",
            merged.join(&name).display()
        );
    }
}

#[test]
fn any_split_in_any_order_merges_into_the_plain_runs_bytes() {
    let dir = example();
    let d = dir.path();
    let mut plain = mix_flags("7");
    plain.extend(strings(&["--out", "plain"]));
    ok(d, &plain);
    for parts in [1, 3, 7] {
        let name = format!("plan{parts}");
        plan(d, &name, parts, "7");
        let order = shuffled(parts);
        for &part in &order {
            ok(d, &work(&name, part));
        }
        kill_and_rerun(d, &name, order[parts / 2]);
        let out = format!("merged{parts}");
        ok(d, &merge(&name, &out));
        assert_same_files(&d.join("plain"), &d.join(&out));
    }
}

/// A part killed as it wrote: its temporary file left behind, and (as if copied away half done)
/// its file cut short. The merge refuses it, naming it; worked again, it is whole.
fn kill_and_rerun(d: &Path, plan: &str, part: usize) {
    let file = part_file(d, plan, part);
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let temp = file.with_file_name(format!(".part-{part:04}.kmix.999999999.tmp"));
    std::fs::write(&temp, &bytes[..bytes.len() / 3]).unwrap();
    let refused = failure(d, &merge(plan, "never"));
    assert!(
        refused.contains(&format!("part-{part:04}.kmix")),
        "{refused}"
    );
    assert!(refused.contains("incomplete"), "{refused}");
    assert!(!d.join("never").exists(), "a refused merge writes nothing");
    ok(d, &work(plan, part));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        bytes,
        "a rerun gives the same bytes"
    );
    assert!(
        !temp.exists(),
        "the killed part's temporary file is removed"
    );
}

#[test]
fn merge_refuses_a_missing_foreign_or_damaged_part_naming_it() {
    let dir = example();
    let d = dir.path();
    plan(d, "p", 3, "7");
    plan(d, "other", 3, "8");
    for part in 0..3 {
        ok(d, &work("p", part));
        ok(d, &work("other", part));
    }
    let file = part_file(d, "p", 1);
    let whole = std::fs::read(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    let missing = failure(d, &merge("p", "out"));
    assert!(
        missing.contains("part 1 is missing: run `kmix work p --part 1`"),
        "{missing}"
    );
    std::fs::copy(part_file(d, "other", 1), &file).unwrap();
    let foreign = failure(d, &merge("p", "out"));
    assert!(
        foreign.contains("part-0001.kmix") && foreign.contains("part 1 is not of this plan"),
        "{foreign}"
    );
    let mut damaged = whole.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    std::fs::write(&file, &damaged).unwrap();
    let refused = failure(d, &merge("p", "out"));
    assert!(
        refused.contains("part-0001.kmix") && refused.contains("damaged"),
        "{refused}"
    );
    assert!(!d.join("out").exists(), "a refused merge writes nothing");
    std::fs::write(&file, &whole).unwrap();
    ok(d, &merge("p", "out"));
}

#[test]
fn work_refuses_an_input_changed_since_the_plan_naming_it() {
    let dir = example();
    let d = dir.path();
    plan(d, "p", 2, "7");
    let input = d.join("gen/extractive_summary/gen_00.jsonl");
    let mut bytes = std::fs::read(&input).unwrap();
    let question = (bytes.windows(10).position(|w| w == b"\"question\"")).unwrap();
    bytes[question + 14] ^= 0x20; // a letter of a question, in another case: the same size
    std::fs::write(&input, &bytes).unwrap();
    let refused = failure(d, &work("p", 0));
    assert!(
        refused.contains("extractive_summary/gen_00.jsonl"),
        "{refused}"
    );
    assert!(
        refused.contains("changed since it was planned: its SHA-256"),
        "{refused}"
    );
    bytes.push(b'\n');
    std::fs::write(&input, &bytes).unwrap();
    let refused = failure(d, &work("p", 1));
    assert!(
        refused.contains("extractive_summary/gen_00.jsonl") && refused.contains("bytes"),
        "{refused}"
    );
    assert!(!part_file(d, "p", 0).exists() && !part_file(d, "p", 1).exists());
}

#[test]
fn more_parts_than_tasks_leave_some_empty_and_merge_alike() {
    let dir = example();
    let d = dir.path();
    let mut plain = mix_flags("7");
    plain.extend(strings(&["--out", "plain"]));
    ok(d, &plain);
    plan(d, "many", 16, "7");
    for part in shuffled(16) {
        ok(d, &work("many", part));
    }
    ok(d, &merge("many", "merged"));
    assert_same_files(&d.join("plain"), &d.join("merged"));
}

#[test]
fn raft_rows_split_over_parts_merge_into_the_plain_runs_bytes() {
    let dir = example();
    let d = dir.path();
    let mut flags = mix_flags("7");
    flags.extend(strings(&["--raft", "retrieved"]));
    let mut plain = flags.clone();
    plain.extend(strings(&["--out", "plain"]));
    ok(d, &plain);
    let mut planned = strings(&["plan"]);
    planned.extend(flags);
    planned.extend(strings(&["--parts", "3", "--plan", "raft"]));
    ok(d, &planned);
    assert!(d.join("raft/corpus.json").is_file(), "the parts' corpus");
    for part in shuffled(3) {
        ok(d, &work("raft", part));
    }
    ok(d, &merge("raft", "merged"));
    assert!(d.join("merged/raft_cut_5x.jsonl").is_file());
    assert_same_files(&d.join("plain"), &d.join("merged"));
}
