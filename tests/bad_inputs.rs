//! Bad input and interrupted runs through the command line: each ends with a clear error naming
//! the file (and line) where there is one, and leaves nothing behind.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
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
fn an_output_folder_inside_an_input_folder_is_refused_unless_it_is_kmixs_own() {
    let dir = example();
    let out = kmix(&["gen", "--out", "gen/extractive_summary"], &[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "field `out`: the output folder gen/extractive_summary is inside the input folder gen"
        ),
        "{}",
        stderr(&out)
    );
    // A new folder becomes kmix's own (its manifest says so): later runs never read it as input.
    let first = kmix(
        &["gen", "--cuts", "2", "--out", "gen/training_mix"],
        &[],
        dir.path(),
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let again = kmix(
        &["gen", "--cuts", "2", "--out", "gen/training_mix"],
        &[],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        first.stdout, again.stdout,
        "the second run read the same inputs"
    );
    let beside = kmix(
        &["gen", "--cuts", "2", "--out", "elsewhere"],
        &[],
        dir.path(),
    );
    let mix = |d: &str| std::fs::read(dir.path().join(d).join("combined_cut_2x.jsonl")).unwrap();
    assert_eq!(beside.status.code(), Some(0));
    assert_eq!(mix("gen/training_mix"), mix("elsewhere"));
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

/// One bad input: files written over a valid generation folder, the flags, and what the error
/// must say (with the file and line where there is one).
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    says: Vec<&'static str>,
}

fn good_row() -> String {
    r#"{"question": "Q?", "response": "A.", "document": "Doc", "raw_document": "Raw", "document_outline": "Outline"}"#.into()
}

/// A file of two rows: a good one, then `bad` on line 2.
fn second_line(bad: &[u8]) -> Vec<u8> {
    [good_row().as_bytes(), b"\n", bad, b"\n"].concat()
}

fn case(name: &'static str, file: &'static str, bytes: Vec<u8>, says: &[&'static str]) -> Case {
    Case {
        name,
        files: vec![(file, bytes)],
        args: Vec::new(),
        says: says.to_vec(),
    }
}

fn tokenizer_case(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    says: &[&'static str],
) -> Case {
    Case {
        name,
        files,
        args: vec!["--tokenizer".into(), "tok".into()],
        says: says.to_vec(),
    }
}

fn flags_case(name: &'static str, args: &[&str], says: &[&'static str]) -> Case {
    Case {
        name,
        files: Vec::new(),
        args: args.iter().map(|a| a.to_string()).collect(),
        says: says.to_vec(),
    }
}

fn catalogue() -> Vec<Case> {
    let zz = "gen/extractive_summary/zz.jsonl";
    let llama = common::tokenizer_dir("llama3_1");
    let tokenizer_json = std::fs::read(llama.join("tokenizer.json")).unwrap();
    let with_template = |template: &str| {
        vec![
            ("tok/tokenizer.json", tokenizer_json.clone()),
            ("tok/chat_template.jinja", template.as_bytes().to_vec()),
        ]
    };
    let gzip = |bytes: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    };
    let alias_bomb = {
        let mut yaml = format!(
            "document_outline: o\nseed_examples:\n  - &e\n    context: \"{}\"\n    questions_and_answers: []\n",
            "word ".repeat(100_000)
        );
        yaml.push_str(&"  - *e\n".repeat(1000));
        yaml.into_bytes()
    };
    vec![
        case("a null required field", zz, second_line(br#"{"question": null, "response": "A.", "document": "D", "raw_document": "R", "document_outline": "O"}"#), &["extractive_summary/zz.jsonl:2: field `question`: is null"]),
        case("a number for a string", zz, second_line(br#"{"question": "Q", "response": 5, "document": "D", "raw_document": "R", "document_outline": "O"}"#), &["zz.jsonl:2: field `response`: must be a string, found a number"]),
        case("a list for a string", zz, second_line(br#"{"question": "Q", "response": "A", "document": ["D"], "raw_document": "R", "document_outline": "O"}"#), &["zz.jsonl:2: field `document`: must be a string, found a list"]),
        case("several fields absent", zz, second_line(br#"{"question": "Q"}"#), &["zz.jsonl:2: 4 required fields are absent: `response` is missing"]),
        case("a row cut short", zz, second_line(br#"{"question": "Q","#), &["zz.jsonl:2:", "not valid JSON: the text ends before the JSON does"]),
        case("text after the row", zz, second_line(format!("{} x", good_row()).as_bytes()), &["zz.jsonl:2:", "there is more text after the end of the JSON value"]),
        case("a row that is not an object", zz, second_line(b"5"), &["zz.jsonl:2:", "a row must be a JSON object"]),
        case("bytes that are not UTF-8", zz, second_line(b"{\"question\": \"\xff\xfe\"}"), &["zz.jsonl:2:", "not valid UTF-8"]),
        case("a NUL byte", zz, second_line(b"\0{}"), &["zz.jsonl:2:", "not valid JSON"]),
        case("single quotes", zz, second_line(b"{'question': 'Q'}"), &["zz.jsonl:2:", "a field name must be text in double quotes"]),
        case("Python's True", zz, second_line(br#"{"question": True}"#), &["zz.jsonl:2:", "a value is expected here"]),
        case("a raw tab in a string", zz, second_line(b"{\"question\": \"a\tb\"}"), &["zz.jsonl:2:", "raw control character"]),
        case("an empty file", zz, Vec::new(), &["extractive_summary/zz.jsonl: the file is empty"]),
        case("a broken JSON array", "gen/extractive_summary/zz.json", b"[{\"question\": 1},".to_vec(), &["extractive_summary/zz.json:", "the JSON array: not valid JSON: the text ends"]),
        case("an empty JSON array", "gen/extractive_summary/zz.json", b"[]".to_vec(), &["zz.json: the file is empty: the JSON array holds no rows"]),
        case("a corrupt gzip file", "gen/extractive_summary/zz.jsonl.gz", [&[0x1f, 0x8b][..], b"not deflate at all"].concat(), &["extractive_summary/zz.jsonl.gz"]),
        case("a gzip file with a bad row", "gen/extractive_summary/zz.jsonl.gz", gzip(&second_line(b"{")), &["zz.jsonl.gz:2:", "not valid JSON"]),
        case("document-based Q&A without its source chunk", "gen/document_based_qa/zz.jsonl", second_line(br#"{"question": "Q", "response": "A", "document_outline": "O"}"#), &["document_based_qa/zz.jsonl:2: field `base_document`: is missing"]),
        case("a seed question without its answer", "gen/final_seed_data.jsonl", br#"{"icl_document": "D", "document_outline": "O", "icl_query_1": "Q"}"#.to_vec(), &["final_seed_data.jsonl:1: field `icl_response_1`: is missing while icl_query_1 is set"]),
        case("seed data without its document", "gen/final_seed_data.jsonl", br#"{"document_outline": "O"}"#.to_vec(), &["final_seed_data.jsonl:1: field `icl_document`: is missing"]),
        case("qna.yaml that is not YAML", "gen/qna.yaml", b"seed_examples: [\n  - context: x\n".to_vec(), &["qna.yaml:"]),
        case("qna.yaml without seed examples", "gen/qna.yaml", b"document_outline: o\n".to_vec(), &["qna.yaml", "seed_examples"]),
        case("qna.yaml nested too deep", "gen/qna.yaml", format!("x: {}{}\n", "[".repeat(5000), "]".repeat(5000)).into_bytes(), &["qna.yaml:1: the YAML nests deeper than 64 levels"]),
        case("qna.yaml aliases that multiply it", "gen/qna.yaml", alias_bomb, &["qna.yaml: the YAML uses 1000 aliases"]),
        case("qna.yaml not UTF-8", "gen/qna.yaml", b"document_outline: \xff\n".to_vec(), &["qna.yaml:1: the file is not valid UTF-8 text"]),
        case("an empty qna.yaml", "gen/qna.yaml", b"\n".to_vec(), &["qna.yaml: the file is empty"]),
        tokenizer_case("a broken tokenizer.json", vec![("tok/tokenizer.json", b"{\"model\": 5}".to_vec())], &["tok/tokenizer.json: cannot load the tokenizer"]),
        tokenizer_case("a malformed tokenizer_config.json", vec![("tok/tokenizer.json", tokenizer_json.clone()), ("tok/tokenizer_config.json", b"{\"chat_template\": ".to_vec())], &["tok/tokenizer_config.json:1:", "not valid JSON"]),
        tokenizer_case("a template that does not compile", with_template("{% for %}"), &["tok/chat_template.jinja: field `chat_template`: the chat template does not compile"]),
        tokenizer_case("a template that raises", with_template("{{ raise_exception('roles must alternate') }}"), &["tok/chat_template.jinja: ", "roles must alternate"]),
        tokenizer_case("a template that would take all memory", with_template("{{ 'x'|indent(100000000, true) }}"), &["tok/chat_template.jinja: ", "indent of 100000000"]),
        tokenizer_case("a template that writes without end", with_template("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}"), &["tok/chat_template.jinja: ", "and was stopped"]),
        tokenizer_case("a tokenizer without a template", vec![("tok/tokenizer.json", tokenizer_json.clone()), ("tok/tokenizer_config.json", b"{}".to_vec())], &["has no chat template"]),
        tokenizer_case("a config template of the wrong type", vec![("tok/tokenizer.json", tokenizer_json), ("tok/tokenizer_config.json", br#"{"chat_template": 5}"#.to_vec())], &["tok/tokenizer_config.json: field `chat_template`"]),
        flags_case("a cut of 0", &["--cuts", "0,5"], &["field `cuts`: a cut size of 0 selects nothing"]),
        flags_case("Q&A per augmentation of 0", &["--qa-per-doc", "0"], &["field `qa_per_doc`: must be at least 1"]),
        flags_case("a date that is not one", &["--date", "2026-02-30"], &["field `date`: `2026-02-30` is not a date"]),
        flags_case("leaving out what is not there", &["--leave-out", "extractive_summary/nope.jsonl"], &["field `left_out`: `extractive_summary/nope.jsonl` names no input"]),
        flags_case("an output folder inside the inputs", &["--out", "gen/detailed_summary"], &["field `out`: the output folder gen/detailed_summary is inside the input folder gen"]),
        flags_case("no feasible cut", &["--cuts", "500"], &["field `cuts`: no cut is feasible", "fewer than 500"]),
    ]
    .into_iter()
    .chain(std::iter::once(Case {
        name: "a missing input",
        files: Vec::new(),
        args: vec!["missing-folder".into()],
        says: vec!["missing-folder: cannot read it"],
    }))
    .collect()
}

#[test]
fn every_bad_input_in_the_catalogue_names_its_place_and_leaves_nothing_behind() {
    let base = example();
    let cases = catalogue();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    for case in cases {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(base.path(), dir.path());
        for (path, bytes) in &case.files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let mut args = vec!["gen".to_string()];
        if !case.args.iter().any(|a| a == "--cuts") {
            args.extend(["--cuts".into(), "2".into()]);
        }
        args.extend(case.args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = listing(dir.path());
        let out = kmix(&args, &[], dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", case.name);
        for says in &case.says {
            assert!(
                err.contains(says),
                "{}: expected `{says}` in: {err}",
                case.name
            );
        }
        // Nothing left behind: no output folder, no temporary file.
        assert_eq!(listing(dir.path()), before, "{}", case.name);
        assert!(!dir.path().join("training_mix").exists(), "{}", case.name);
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Sets `response` to null in every row of the files named; the nulled rows' (question,
/// document), each with its file and line.
fn null_responses(gen: &Path, files: &[&str]) -> Vec<((String, String), String)> {
    let mut nulled = Vec::new();
    for name in files {
        let path = gen.join(name);
        let mut rows = Vec::new();
        for (i, line) in common::lines(&path).iter().enumerate() {
            let mut row: serde_json::Value = serde_json::from_str(line).unwrap();
            row["response"] = serde_json::Value::Null;
            let key = (
                row["question"].as_str().unwrap().to_string(),
                row["document"].as_str().unwrap().to_string(),
            );
            nulled.push((key, format!("{name}:{}", i + 1)));
            rows.push(format!("{row}\n"));
        }
        std::fs::write(&path, rows.concat()).unwrap();
    }
    nulled
}

fn key(line: &str) -> (String, String) {
    let row: serde_json::Value = serde_json::from_str(line).unwrap();
    let text = |field: &str| row[field].as_str().unwrap().to_string();
    (text("question"), text("document"))
}

#[test]
fn rows_the_template_cannot_render_stop_the_run_or_are_left_out() {
    let dir = example();
    let gen = dir.path().join("gen");
    let tok = common::tokenizer_dir("qwen3");
    let args = |out: &str| {
        let tok = tok.to_str().unwrap().to_string();
        ["gen", "--cuts", "1,3", "--tokenizer", &tok, "--out", out].map(String::from)
    };
    let run = |args: &[String], extra: &[&str]| {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        all.extend(extra);
        kmix(&all, &[], dir.path())
    };
    // The same rows are selected whatever their responses: sampling looks at documents only.
    let clean = run(&args("clean"), &[]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    let nulled = null_responses(
        &gen,
        &[
            "extractive_summary/gen_00.jsonl",
            "key_facts_to_qa/gen_00.jsonl",
        ],
    );
    let where_nulled: HashMap<_, _> = nulled.into_iter().collect();
    let clean_3x = common::lines(&dir.path().join("clean/combined_cut_3x.jsonl"));
    let first = (clean_3x.iter())
        .find_map(|l| where_nulled.get(&key(l)))
        .expect("a nulled row is in the mix");

    let out = run(&args("stopped"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "{first}: field `response`: is null, and the qwen3 chat template cannot render a \
             null message ({}: the chat template failed: ",
            tok.join("tokenizer_config.json").display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("stopped").exists());

    let out = run(&args("skipped"), &["--skip-bad-rows"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = common::manifest(&dir.path().join("skipped"));
    let mut left_out = 0;
    for (cut, report) in ["1x", "3x"]
        .iter()
        .zip(manifest["report"].as_array().unwrap())
    {
        let name = format!("combined_cut_{cut}.jsonl");
        let clean = common::lines(&dir.path().join("clean").join(&name));
        let kept = common::lines(&dir.path().join("skipped").join(&name));
        // Every other row as the run over the rendered rows writes it, byte for byte.
        let expected: Vec<&String> = (clean.iter())
            .filter(|l| !where_nulled.contains_key(&key(l)))
            .collect();
        assert!(expected.len() < clean.len(), "{name}");
        assert_eq!(kept.iter().collect::<Vec<_>>(), expected, "{name}");
        left_out = clean.len() - kept.len();
        let tokens: u64 = (kept.iter())
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["token_length"]
                    .as_u64()
                    .unwrap()
            })
            .sum();
        assert_eq!(report["samples"], kept.len(), "{name}");
        assert_eq!(report["tokens"], tokens, "{name}");
    }
    // The largest cut holds every row the template refused.
    let refused = &manifest["refused_rows"];
    assert_eq!(refused["count"], left_out);
    assert_eq!(refused["reasons"][0]["reason"], "`response` is null");
    assert_eq!(refused["reasons"][0]["rows"], left_out);
    assert_eq!(
        refused["examples"][0]["line"],
        first.rsplit(':').next().unwrap().parse::<u64>().unwrap()
    );
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!(
            "left out {left_out} rows the chat template cannot render: `response` is null ({left_out}); for example:\n  {first}: field `response`: is null"
        )),
        "{report}"
    );
}
