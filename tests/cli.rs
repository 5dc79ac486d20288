//! The `kmix` command line: flags, environment, outputs written whole, clear errors.

mod common;

use common::{kmix, listing, text};

fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &["--raw-docs", "4", "--summaries-per-raw", "6"],
    );
    dir
}

#[test]
fn writes_one_mix_per_feasible_cut_and_a_manifest() {
    let dir = example();
    let tok = common::tokenizer_dir("llama3_1");
    let out = kmix(
        &[
            "gen",
            "--cuts",
            "2,4,60",
            "--tokenizer",
            tok.to_str().unwrap(),
        ],
        &[],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("cut 60 skipped"), "{stdout}");
    assert!(stdout.contains("total tokens"), "{stdout}");
    assert!(
        text(&out.stderr).contains("seed 42"),
        "the default seed is printed"
    );
    let mix_dir = dir.path().join("training_mix");
    assert_eq!(
        listing(&mix_dir),
        [
            "combined_cut_2x.jsonl",
            "combined_cut_4x.jsonl",
            "manifest.json"
        ]
    );
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(mix_dir.join("combined_cut_2x.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert!(first["token_length"].as_u64().unwrap() > 10);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mix_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["mix"]["params"]["seed"], 42);
    assert_eq!(manifest["tokenizer"]["name"], "llama3_1");
    assert_eq!(manifest["outputs"].as_array().unwrap().len(), 2);
    assert!(manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["sha256"].is_string()));
}

#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let dir = example();
    let tok = common::tokenizer_dir("qwen3");
    let run = |threads: &str, out: &str| {
        let o = kmix(
            &[
                "gen",
                "--cuts",
                "3",
                "--tokenizer",
                tok.to_str().unwrap(),
                "--threads",
                threads,
                "--out",
                out,
            ],
            &[],
            dir.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        std::fs::read(dir.path().join(out).join("combined_cut_3x.jsonl")).unwrap()
    };
    assert_eq!(run("1", "one"), run("3", "three"));
    assert_eq!(
        std::fs::read(dir.path().join("one/manifest.json")).unwrap(),
        std::fs::read(dir.path().join("three/manifest.json")).unwrap()
    );
}

#[test]
fn the_notebook_environment_is_honoured_and_flags_win() {
    let dir = example();
    let env = [
        ("CUT_SIZES", "1, 3"),
        ("QA_PER_DOC", "2"),
        ("SAVE_GPT_OSS_FORMAT", "true"),
    ];
    let out = kmix(&["gen", "--out", "env"], &env, dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        listing(&dir.path().join("env")),
        [
            "combined_cut_1x.jsonl",
            "combined_cut_3x.jsonl",
            "manifest.json"
        ]
    );
    let manifest = std::fs::read_to_string(dir.path().join("env/manifest.json")).unwrap();
    assert!(manifest.contains("\"qa_per_doc\": 2") && manifest.contains("\"gpt_oss\": true"));
    let out = kmix(&["gen", "--out", "flag", "--cuts", "2"], &env, dir.path());
    assert!(out.status.success());
    assert_eq!(
        listing(&dir.path().join("flag")),
        ["combined_cut_2x.jsonl", "manifest.json"]
    );
    let off = kmix(
        &["gen", "--out", "off", "--dry-run"],
        &[("SAVE_GPT_OSS_FORMAT", "false")],
        dir.path(),
    );
    assert!(!text(&off.stdout).contains("GPT-OSS filter dropped"));
}

#[test]
fn without_a_tokenizer_token_length_is_left_out_and_said() {
    let dir = example();
    let out = kmix(&["gen", "--cuts", "2"], &[], dir.path());
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("no tokenizer given"));
    let body =
        std::fs::read_to_string(dir.path().join("training_mix/combined_cut_2x.jsonl")).unwrap();
    assert!(!body.contains("token_length"));
}

#[test]
fn dry_run_writes_nothing() {
    let dir = example();
    let out = kmix(&["gen", "--cuts", "2", "--dry-run"], &[], dir.path());
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("cut 2x"));
    assert!(!dir.path().join("training_mix").exists());
}

#[test]
fn a_cut_given_twice_is_mixed_once_with_a_note() {
    let dir = example();
    let out = kmix(&["gen", "--dry-run"], &[("CUT_SIZES", "4,2,2")], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("note: cut 2 is given more than once; it is mixed once"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("cut 2x ->").count(), 1, "{stdout}");
    assert!(stdout.contains("cut 4x ->"), "{stdout}");
}

#[test]
fn bad_parameters_are_refused_before_any_work() {
    let dir = example();
    for (args, needle) in [
        (vec!["gen", "--cuts", "0,5"], "0 selects nothing"),
        (vec!["gen", "--cuts", "5,x"], "not a whole number"),
        (vec!["gen", "--qa-per-doc", "0"], "qa_per_doc"),
        (vec!["missing-folder"], "missing-folder"),
    ] {
        let out = kmix(&args, &[], dir.path());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = kmix(&["empty"], &[], dir.path());
    assert!(text(&out.stderr).contains("empty: the folder holds no files"));
}

#[test]
fn a_failing_run_leaves_no_output_behind() {
    let dir = example();
    // A chat template that fails on every conversation: the run stops before writing anything.
    let tok = dir.path().join("tok");
    common::copy_tokenizer("gptoss", &["tokenizer.json"], &tok);
    std::fs::write(
        tok.join("chat_template.jinja"),
        "{{ raise_exception('no system role') }}",
    )
    .unwrap();
    let out = kmix(
        &["gen", "--cuts", "2", "--tokenizer", "tok"],
        &[],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no system role"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("training_mix").exists());

    // A bad row: the error names file, line and field; nothing is written; the input is untouched.
    let file = dir.path().join("gen/key_facts_to_qa/gen_00.jsonl");
    let before = std::fs::read(&file).unwrap();
    let mut broken = before.clone();
    broken.extend_from_slice(b"{\"question\": \"Q\", \"response\": 1}\n");
    std::fs::write(&file, &broken).unwrap();
    let lines = broken.iter().filter(|&&b| b == b'\n').count();
    let out = kmix(&["gen", "--cuts", "2"], &[], dir.path());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "key_facts_to_qa/gen_00.jsonl:{lines}: field `response`"
        )),
        "{err}"
    );
    assert!(!dir.path().join("training_mix").exists());
    assert_eq!(std::fs::read(&file).unwrap(), broken);

    let out = kmix(&["gen", "--cuts", "2", "--skip-bad-rows"], &[], dir.path());
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("skipped 1 bad rows"));
    let names = listing(&dir.path().join("training_mix"));
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn the_date_templates_see_can_be_pinned_and_is_recorded() {
    let dir = example();
    let tok = common::tokenizer_dir("llama3_1");
    let tok = tok.to_str().unwrap();
    let args = [
        "gen",
        "--cuts",
        "2",
        "--tokenizer",
        tok,
        "--date",
        "2024-07-26",
    ];
    let out = kmix(&args, &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let manifest = std::fs::read_to_string(dir.path().join("training_mix/manifest.json")).unwrap();
    assert!(manifest.contains("\"date\": \"2024-07-26\""), "{manifest}");
    let out = kmix(
        &["gen", "--tokenizer", tok, "--date", "26/07/2024"],
        &[],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("field `date`: `26/07/2024` is not a date"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn inputs_can_be_left_out_and_missing_folders_are_warned_about() {
    let dir = example();
    let out = kmix(
        &[
            "gen",
            "--cuts",
            "2",
            "--leave-out",
            "qna_yaml,final_seed_data.jsonl",
            "--leave-out",
            "key_facts_to_qa/gen_01.jsonl",
        ],
        &[],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("left out qna.yaml (qna_yaml, 12 rows), as asked"),
        "{stdout}"
    );
    assert!(
        stdout.contains("left out key_facts_to_qa/gen_01.jsonl"),
        "{stdout}"
    );
    assert!(
        stdout.contains("read key_facts_to_qa/gen_00.jsonl"),
        "{stdout}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("training_mix/manifest.json")).unwrap();
    assert!(manifest.contains("\"left_out\""), "{manifest}");
    // The report's tables have no rows of the kinds left out.
    let table_row = |kind: &str| {
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{kind} ")))
    };
    assert!(
        !table_row("qna_yaml") && !table_row("seed_data"),
        "{stdout}"
    );
    assert!(table_row("key_facts_to_qa"), "{stdout}");
    assert!(!stdout.contains("warning"), "{stdout}");

    // Leaving out a whole generation kind is a choice, not a missing folder.
    let out = kmix(
        &[
            "gen",
            "--cuts",
            "2",
            "--dry-run",
            "--leave-out",
            "key_facts_to_qa/",
        ],
        &[],
        dir.path(),
    );
    assert!(
        !text(&out.stdout).contains("warning"),
        "{}",
        text(&out.stdout)
    );
    // A missing folder is.
    std::fs::remove_dir_all(dir.path().join("gen/document_based_qa")).unwrap();
    let out = kmix(&["gen", "--cuts", "2", "--dry-run"], &[], dir.path());
    assert!(
        text(&out.stdout).contains(
            "warning: no document_based_qa rows: the folder document_based_qa/ is missing or empty"
        ),
        "{}",
        text(&out.stdout)
    );
    // A choice that names nothing is an error, not a silent no-op.
    let out = kmix(&["gen", "--leave-out", "qna.yml"], &[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("field `left_out`: `qna.yml` names no input"),
        "{}",
        text(&out.stderr)
    );
}

/// A Hugging Face cache as huggingface_hub lays it out, holding llama3_1 as `org/model`.
fn fake_hub(root: &std::path::Path, org: &str, model: &str) {
    let repo = root.join(format!("models--{org}--{model}"));
    let snapshot = repo.join("snapshots/0123abc");
    common::copy_tokenizer(
        "llama3_1",
        &["tokenizer.json", "tokenizer_config.json"],
        &snapshot,
    );
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), "0123abc\n").unwrap();
}

#[test]
fn the_notebooks_model_id_is_found_in_the_hugging_face_cache() {
    let dir = example();
    let hub = dir.path().join("hf/hub");
    fake_hub(&hub, "RedHatAI", "Llama-3.1-8B-Instruct");
    let model = ("TOKENIZER_MODEL_NAME", "RedHatAI/Llama-3.1-8B-Instruct");
    for cache in [
        ("HF_HUB_CACHE", hub.to_str().unwrap()),
        ("HF_HOME", dir.path().join("hf").to_str().unwrap()),
    ] {
        let out = kmix(
            &["gen", "--cuts", "2", "--dry-run"],
            &[model, cache],
            dir.path(),
        );
        assert!(out.status.success(), "{:?}: {}", cache, text(&out.stderr));
        assert!(
            text(&out.stdout).contains("tokens counted with RedHatAI/Llama-3.1-8B-Instruct"),
            "{}",
            text(&out.stdout)
        );
    }
    // The pipeline's older name for it, and the flag, work alike.
    let cache = ("HF_HUB_CACHE", hub.to_str().unwrap());
    let older = ("STUDENT_MODEL", "RedHatAI/Llama-3.1-8B-Instruct");
    let out = kmix(
        &["gen", "--cuts", "2", "--dry-run"],
        &[older, cache],
        dir.path(),
    );
    assert!(
        text(&out.stdout).contains("tokens counted with RedHatAI/"),
        "{}",
        text(&out.stderr)
    );
    // A model not in the cache is never downloaded: the error says how to get it.
    let out = kmix(
        &["gen", "--tokenizer", "meta-llama/Llama-3.3-70B-Instruct"],
        &[cache],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("not in the Hugging Face cache"), "{err}");
    assert!(
        err.contains("huggingface-cli download meta-llama/Llama-3.3-70B-Instruct"),
        "{err}"
    );
}

#[test]
fn template_errors_name_the_file_that_holds_the_template() {
    let dir = example();
    let tok = dir.path().join("tok");
    common::copy_tokenizer("llama3_1", &["tokenizer.json"], &tok);
    let run = |dir: &std::path::Path| {
        let tok = dir.join("tok");
        text(
            &kmix(
                &[
                    "gen",
                    "--cuts",
                    "2",
                    "--dry-run",
                    "--tokenizer",
                    tok.to_str().unwrap(),
                ],
                &[],
                dir,
            )
            .stderr,
        )
    };
    // In tokenizer_config.json.
    let config = serde_json::json!({ "chat_template": "{% if %}" });
    std::fs::write(tok.join("tokenizer_config.json"), config.to_string()).unwrap();
    let err = run(dir.path());
    assert!(
        err.contains(
            "tok/tokenizer_config.json: field `chat_template`: the chat template does not compile"
        ),
        "{err}"
    );
    // chat_template.json comes before the config, and its own errors name it.
    std::fs::write(
        tok.join("chat_template.json"),
        r#"{"chat_template": "{{ raise_exception('json template') }}"}"#,
    )
    .unwrap();
    let err = run(dir.path());
    assert!(err.contains("tok/chat_template.json: "), "{err}");
    assert!(err.contains("json template"), "{err}");
    // chat_template.jinja comes first.
    std::fs::write(tok.join("chat_template.jinja"), "{% for %}").unwrap();
    let err = run(dir.path());
    assert!(
        err.contains(
            "tok/chat_template.jinja: field `chat_template`: the chat template does not compile"
        ),
        "{err}"
    );
}

#[test]
fn a_new_run_removes_the_earlier_runs_mixes_it_does_not_replace() {
    let dir = example();
    let out = kmix(&["gen", "--cuts", "2,4"], &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mixes = dir.path().join("training_mix");
    std::fs::write(mixes.join("notes.txt"), "mine").unwrap();
    std::fs::write(mixes.join("combined_cut_9x.jsonl"), "not listed").unwrap();
    let out = kmix(&["gen", "--cuts", "2"], &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("removed"),
        "{}",
        text(&out.stderr)
    );
    // The earlier cut-4 mix is gone; what its manifest did not list stays.
    assert_eq!(
        listing(&mixes),
        [
            "combined_cut_2x.jsonl",
            "combined_cut_9x.jsonl",
            "manifest.json",
            "notes.txt"
        ]
    );
}

#[test]
fn a_tokenizer_in_a_folder_named_models_is_named_after_its_parent() {
    let dir = example();
    let models = dir.path().join("Llama-3.1-8B-Instruct/models");
    common::copy_tokenizer(
        "llama3_1",
        &["tokenizer.json", "tokenizer_config.json"],
        &models,
    );
    let out = kmix(
        &[
            "gen",
            "--cuts",
            "2",
            "--dry-run",
            "--tokenizer",
            models.to_str().unwrap(),
        ],
        &[],
        dir.path(),
    );
    assert!(
        text(&out.stdout).contains("tokens counted with Llama-3.1-8B-Instruct/models"),
        "{}",
        text(&out.stdout)
    );
}
