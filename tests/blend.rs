//! Blends on the command line: added datasets up- and down-sampled, token budgets, recipes in and
//! out, the trainer pre-flight, and bad blend input refused with nothing written.

mod common;

use std::path::Path;

use common::{kmix, lines, listing, manifest, text};
use serde_json::Value;

/// Generated knowledge inputs (`gen/`) and a skills dataset (`skills.jsonl`, 400 rows).
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &["--raw-docs", "4", "--summaries-per-raw", "6"],
    );
    chat_dataset(&dir.path().join("skills.jsonl"), &["--rows", "400"]);
    dir
}

fn chat_dataset(out: &Path, args: &[&str]) {
    let status = std::process::Command::new("python3")
        .arg(common::root().join("tools/gen_chat.py"))
        .arg("--out")
        .arg(out)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn llama() -> String {
    common::tokenizer_dir("llama3_1")
        .to_str()
        .unwrap()
        .to_string()
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let tok = llama();
    let mut all = vec!["gen"];
    if !args.contains(&"--tokenizer") {
        all.extend(["--tokenizer", &tok]);
    }
    if !args.contains(&"--cuts") {
        all.extend(["--cuts", "2,4"]);
    }
    all.extend_from_slice(args);
    kmix(&all, &[], dir)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn datasets_are_up_and_down_sampled_beside_the_knowledge_mix() {
    let dir = example();
    let stdout = ok(
        dir.path(),
        &[
            "--add",
            "skills.jsonl=150",
            "--add",
            "knowledge=1.5",
            "--out",
            "a",
        ],
    );
    assert!(
        stdout.contains("blend cut 2x -> blend_cut_2x.jsonl"),
        "{stdout}"
    );
    let out = dir.path().join("a");
    assert_eq!(
        listing(&out),
        [
            "blend_cut_2x.jsonl",
            "blend_cut_4x.jsonl",
            "combined_cut_2x.jsonl",
            "combined_cut_4x.jsonl",
            "manifest.json",
            "recipe_cut_2x.yaml",
            "recipe_cut_4x.yaml"
        ]
    );
    let skills = lines(&dir.path().join("skills.jsonl"));
    for cut in [2, 4] {
        let combined = lines(&out.join(format!("combined_cut_{cut}x.jsonl")));
        let blend = lines(&out.join(format!("blend_cut_{cut}x.jsonl")));
        let (knowledge, added): (Vec<&String>, Vec<&String>) = blend
            .iter()
            .partition(|l| l.contains("\"document_outline\""));
        // 1.5 × the knowledge rows: every row once, half of them twice, never three times.
        assert_eq!(knowledge.len(), combined.len() * 3 / 2);
        for line in &combined {
            let copies = knowledge.iter().filter(|l| **l == line).count();
            assert!((1..=2).contains(&copies), "{copies}");
        }
        // 150 of 400 skills rows, none twice, each as the dataset has it.
        assert_eq!(added.len(), 150);
        let mut unique = added.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 150);
        assert!(added.iter().all(|l| skills.contains(l)));
    }
    // A smaller size takes a prefix of a larger one's choice; the same seed, the same bytes.
    ok(dir.path(), &["--add", "skills.jsonl=300", "--out", "b"]);
    ok(
        dir.path(),
        &[
            "--add",
            "skills.jsonl=150",
            "--add",
            "knowledge=1.5",
            "--out",
            "c",
            "--threads",
            "1",
        ],
    );
    let b = lines(&dir.path().join("b/blend_cut_2x.jsonl"));
    let a = lines(&out.join("blend_cut_2x.jsonl"));
    let chosen = |l: &Vec<String>| -> Vec<String> {
        l.iter()
            .filter(|l| !l.contains("\"document_outline\""))
            .cloned()
            .collect()
    };
    assert!(chosen(&a).iter().all(|l| chosen(&b).contains(l)));
    assert_eq!(
        std::fs::read(out.join("blend_cut_2x.jsonl")).unwrap(),
        std::fs::read(dir.path().join("c/blend_cut_2x.jsonl")).unwrap()
    );
    let m = manifest(&out);
    assert_eq!(m["blend"]["params"]["sources"][1]["size"]["rows"], 150);
    assert_eq!(m["blend"]["cuts"][0]["sources"][1]["rows"], 150);
    let dataset = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["dataset"] == "skills.jsonl")
        .unwrap();
    assert_eq!(dataset["rows"], 400);
    assert_eq!(dataset["sha256"].as_str().unwrap().len(), 64);
    let outputs: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file_name"].as_str().unwrap())
        .collect();
    assert!(outputs.contains(&"blend_cut_4x.jsonl"));
    assert_eq!(
        m["blend"]["cuts"][1]["recipe_file_name"],
        "recipe_cut_4x.yaml"
    );
}

#[test]
fn rows_of_other_shapes_are_written_with_the_knowledge_rows_types() {
    let dir = example();
    chat_dataset(&dir.path().join("wild.jsonl"), &["--rows", "40", "--wild"]);
    let stdout = ok(dir.path(), &["--add", "wild.jsonl", "--out", "a"]);
    // gen_chat.py --wild: metadata an object but on every seventh row, an `id` on every row, a
    // `name` on the messages of every fourth.
    assert!(
        stdout.contains("note: wild.jsonl is written with one type per column, as datasets needs to load a blend: metadata that is not a string written as a JSON string, as the knowledge rows carry it: 34 rows; what the knowledge rows have no column or field for (id, messages[].name) moved into the metadata string: 40 rows"),
        "{stdout}"
    );
    let blend = lines(&dir.path().join("a/blend_cut_2x.jsonl"));
    let added: Vec<Value> = (blend.iter().map(|l| serde_json::from_str(l).unwrap()))
        .filter(|row: &Value| row.get("question").is_none())
        .collect();
    assert_eq!(added.len(), 40);
    // In file order: the row numbered `i` is the file's `i`th.
    for (i, row) in added.iter().enumerate() {
        let mut names: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(|n| n.as_str())
            .collect();
        names.retain(|n| *n != "unmask");
        names.sort();
        assert_eq!(names, ["messages", "metadata"]);
        assert!(row["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("name").is_none()));
        let metadata: Value = serde_json::from_str(row["metadata"].as_str().unwrap()).unwrap();
        assert_eq!(metadata["id"], i);
        assert_eq!(metadata["metadata"].is_object(), i % 7 != 3, "{metadata}");
        assert_eq!(metadata["messages"].is_array(), i % 4 == 2, "{metadata}");
    }
}

#[test]
fn a_written_recipe_makes_the_same_blend_again() {
    let dir = example();
    chat_dataset(
        &dir.path().join("replay.jsonl.gz"),
        &["--rows", "120", "--seed", "3"],
    );
    ok(
        dir.path(),
        &[
            "--add",
            "skills.jsonl=0.25",
            "--add",
            "replay.jsonl.gz=2.5",
            "--out",
            "first",
        ],
    );
    let recipe = std::fs::read_to_string(dir.path().join("first/recipe_cut_4x.yaml")).unwrap();
    assert!(recipe.contains("- path: combined_cut_4x.jsonl"), "{recipe}");
    assert!(
        recipe.contains("- path: ../skills.jsonl\n  sampling_size: 100"),
        "{recipe}"
    );
    assert!(
        recipe.contains("- path: ../replay.jsonl.gz\n  sampling_size: 300"),
        "{recipe}"
    );
    // Paths in a recipe are relative to it; the knowledge mix's entry sizes the knowledge mix.
    ok(
        dir.path(),
        &[
            "--cuts",
            "4",
            "--recipe",
            "first/recipe_cut_4x.yaml",
            "--out",
            "again",
        ],
    );
    assert_eq!(
        std::fs::read(dir.path().join("first/blend_cut_4x.jsonl")).unwrap(),
        std::fs::read(dir.path().join("again/blend_cut_4x.jsonl")).unwrap()
    );
    // An InstructLab recipe of its own, with a JSON-array dataset and a system prompt.
    let rows: Vec<Value> = lines(&dir.path().join("skills.jsonl"))
        .iter()
        .take(10)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    std::fs::create_dir(dir.path().join("r")).unwrap();
    std::fs::write(
        dir.path().join("r/arr.json"),
        serde_json::to_string_pretty(&rows).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("r/recipe.yaml"),
        "datasets:\n  - path: arr.json\n    sampling_size: 1.0\n  - path: ../skills.jsonl\n    sampling_size: 20\nmetadata:\n  sys_prompt: Be brief.\n",
    )
    .unwrap();
    ok(dir.path(), &["--recipe", "r/recipe.yaml", "--out", "own"]);
    // The array's rows, each on one line as the array has it: whole, once; then 20 skills rows.
    let blend = lines(&dir.path().join("own/blend_cut_2x.jsonl"));
    let from_array: Vec<String> = rows
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    let knowledge = blend
        .iter()
        .filter(|l| l.contains("\"document_outline\""))
        .count();
    assert_eq!(blend[knowledge..knowledge + 10], from_array[..]);
    assert_eq!(blend.len(), knowledge + 10 + 20);
    let written = std::fs::read_to_string(dir.path().join("own/recipe_cut_2x.yaml")).unwrap();
    assert!(written.contains("sys_prompt: Be brief."), "{written}");
}

#[test]
fn budgets_are_solved_from_the_counts() {
    let dir = example();
    let stdout = ok(
        dir.path(),
        &[
            "--add",
            "skills.jsonl",
            "--budget",
            "60K",
            "--share",
            "knowledge=0.25,skills.jsonl=75%",
            "--out",
            "b",
        ],
    );
    let m = manifest(&dir.path().join("b"));
    for cut in m["blend"]["cuts"].as_array().unwrap() {
        let total = cut["tokens"].as_u64().unwrap() as f64;
        assert!((total - 60_000.0).abs() < 1_500.0, "{stdout}");
        let skills = &cut["sources"][1];
        assert_eq!(skills["asked_tokens"], 45_000);
        let got = skills["tokens"].as_u64().unwrap() as f64;
        assert!((got - 45_000.0).abs() < 1_000.0, "{got}");
    }
    assert!(stdout.contains("(budget 60K)"), "{stdout}");
    // More than all data can give, without repeating rows on purpose: an error, nothing written.
    let out = run(
        dir.path(),
        &[
            "--add",
            "skills.jsonl",
            "--budget",
            "20M",
            "--share",
            "knowledge=0.5,skills.jsonl=0.5",
            "--out",
            "big",
        ],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fewer than the 10M its share of the budget asks"),
        "{stderr}"
    );
    assert!(!dir.path().join("big").exists());
}

#[test]
fn the_pre_flight_reports_and_can_leave_out_what_the_trainer_drops() {
    let dir = example();
    // Coverage: the raw documents with fewer augmentations than a cut, named.
    let stdout = ok(dir.path(), &["--cuts", "5", "--dry-run"]);
    assert!(
        stdout.contains("cut 5: 1 raw documents of extractive_summary have fewer than 5 augmentations, e.g. \"Section "),
        "{stdout}"
    );
    let stdout = ok(dir.path(), &["--max-seq-len", "1024", "--dry-run"]);
    // Knowledge alone: a report, no blend.
    assert!(stdout.contains("trainer pre-flight, cut 2x"), "{stdout}");
    let stdout = ok(
        dir.path(),
        &[
            "--add",
            "skills.jsonl",
            "--max-seq-len",
            "1024",
            "--out",
            "keep",
        ],
    );
    assert!(
        stdout.contains("skills.jsonl: of its 400 rows, the trainer would drop"),
        "{stdout}"
    );
    let m = manifest(&dir.path().join("keep"));
    let drops = m["blend"]["cuts"][0]["trainer_drops"]["too_long"]
        .as_u64()
        .unwrap();
    assert!(drops > 0, "the generator writes a few very long rows");
    let kept = lines(&dir.path().join("keep/blend_cut_2x.jsonl")).len();
    ok(
        dir.path(),
        &[
            "--add",
            "skills.jsonl",
            "--max-seq-len",
            "1024",
            "--drop-over-length",
            "--out",
            "drop",
        ],
    );
    let m = manifest(&dir.path().join("drop"));
    assert_eq!(m["blend"]["cuts"][0]["trainer_drops"]["rows"], 0);
    let dropped = lines(&dir.path().join("drop/blend_cut_2x.jsonl")).len();
    assert_eq!(kept - dropped, drops as usize);
    // The histogram marks the limit.
    assert_eq!(m["blend"]["params"]["max_seq_len"], 1024);
}

#[test]
fn bad_blend_input_names_file_line_and_field_and_writes_nothing() {
    let dir = example();
    let p = dir.path();
    std::fs::write(
        p.join("no_messages.jsonl"),
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}\n{\"text\": \"x\"}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("no_role.jsonl"),
        "{\"messages\": [{\"content\": \"x\"}]}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("number.jsonl"),
        "{\"messages\": [{\"role\": \"user\", \"content\": 7}]}\n",
    )
    .unwrap();
    std::fs::write(p.join("order.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]}\n").unwrap();
    std::fs::write(
        p.join("missing.yaml"),
        "datasets:\n  - path: nowhere.jsonl\n    sampling_size: 3\n",
    )
    .unwrap();
    let gemma = common::tokenizer_dir("gemma3")
        .to_str()
        .unwrap()
        .to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--add", "no_messages.jsonl"],
            "no_messages.jsonl:2: field `messages`: is missing",
        ),
        (
            vec!["--add", "no_role.jsonl"],
            "no_role.jsonl:1: field `messages[0].role`: is missing",
        ),
        (
            vec!["--add", "number.jsonl"],
            "number.jsonl:1: field `messages[0].content`: must be a string, found a number",
        ),
        (
            vec!["--add", "order.jsonl", "--tokenizer", &gemma],
            "order.jsonl:1: field `messages`: the chat template rejects the row",
        ),
        (
            vec!["--recipe", "missing.yaml"],
            "missing.yaml: field `datasets[0].path`: the dataset",
        ),
        (
            vec!["--add", "skills.jsonl=0"],
            "field `size of skills.jsonl`: `0` must be above zero",
        ),
        (vec!["--add", "skills.jsonl=-2"], "must be above zero"),
        (vec!["--add", "skills.jsonl=many"], "`many` is not a size"),
        (
            vec![
                "--budget",
                "1M",
                "--share",
                "knowledge=0.5,skills.jsonl=0.4",
                "--add",
                "skills.jsonl",
            ],
            "field `shares`: the shares add up to 0.9, not 1",
        ),
        (
            vec!["--add", "nowhere.jsonl"],
            "nowhere.jsonl: cannot read the dataset",
        ),
        (vec!["--drop-over-length"], "field `max_seq_len`"),
    ];
    for (args, needle) in cases {
        let mut all = args.clone();
        all.extend(["--out", "never"]);
        let out = run(p, &all);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!p.join("never").exists(), "{args:?} left files behind");
    }
    // Gemma's own words for the refused order.
    let out = run(p, &["--add", "order.jsonl", "--tokenizer", &gemma]);
    assert!(text(&out.stderr).contains("Conversation roles must alternate"));
}
