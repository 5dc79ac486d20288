//! The run session in plain Rust, as both edges drive it: tasks out, results back in any order,
//! lines out in order, one outcome.

mod common;

use common::{files_under, Mem};
use kmix::browse::{RowOrder, RowQuery};
use kmix::checksum::Hashing;
use kmix::mix::{Cuts, MixParams};
use kmix::read::{read_inputs, FileReading, ReadOptions};
use kmix::reread::Rereader;
use kmix::run::{
    process_chunk, ChunkResult, ChunkTask, Inputs, MixRun, Next, Outcome, RunSettings,
};
use kmix::source::ByteSource;
use kmix::tokens::ChatTokenizer;
use kmix::{Error, ErrorKind};

/// Generated inputs (enough rows for several tasks), read and indexed.
fn example() -> (Vec<Mem>, Inputs) {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        dir.path(),
        &[
            "--raw-docs",
            "40",
            "--summaries-per-raw",
            "6",
            "--raw-words",
            "60",
            "--reasoning",
        ],
    );
    let files = files_under(dir.path());
    let sources: Vec<&dyn ByteSource> = files.iter().map(|f| f as _).collect();
    let index = read_inputs(&sources, ReadOptions::default()).unwrap();
    (files, Inputs::new(index))
}

/// A run whose tasks can all be out at once, as these tests hand them out.
fn start(inputs: &Inputs, cuts: &[u32], settings: RunSettings) -> MixRun {
    let params = MixParams {
        cuts: Cuts::new(cuts).unwrap(),
        seed: 11,
        ..MixParams::default()
    };
    let settings = RunSettings {
        workers: u32::MAX,
        ..settings
    };
    inputs
        .start(inputs.plan(&params).unwrap(), settings)
        .unwrap()
}

/// The next task, if the run hands one out now.
fn next_task(run: &mut MixRun) -> Option<ChunkTask> {
    match run.what_next() {
        Next::Task(task) => Some(task),
        Next::Share(_) => panic!("these runs make no RAFT rows"),
        Next::Wait | Next::Done => None,
    }
}

fn all_tasks(run: &mut MixRun) -> Vec<ChunkTask> {
    std::iter::from_fn(|| next_task(run)).collect()
}

fn process(
    files: &[Mem],
    run: &MixRun,
    tasks: &[ChunkTask],
    tokenizer: Option<&ChatTokenizer>,
) -> Vec<kmix::Result<ChunkResult>> {
    let sources: Vec<&dyn ByteSource> = files.iter().map(|f| f as _).collect();
    let mut rereader = Rereader::new(run.input_files(), &sources).unwrap();
    tasks
        .iter()
        .map(|task| process_chunk(task, &mut rereader, tokenizer, None, None))
        .collect()
}

/// Gives the results back in the order given; returns each file's bytes and the outcome.
fn complete(
    mut run: MixRun,
    results: Vec<(u32, kmix::Result<ChunkResult>)>,
) -> kmix::Result<(Vec<Vec<u8>>, Outcome)> {
    let mut files = vec![Vec::new(); run.file_names().len()];
    let mut tallies = run.output_tallies(Hashing::Here);
    let mut order = Vec::new();
    for (seq, result) in results {
        for ready in run.complete(seq, result)? {
            order.push(ready.seq);
            tallies.add(&ready.lines);
            for (file, lines) in files.iter_mut().zip(ready.lines) {
                file.extend_from_slice(&lines.bytes);
            }
        }
    }
    assert_eq!(
        order,
        (0..run.tasks()).collect::<Vec<_>>(),
        "lines come out in order"
    );
    let (mut outcome, draft) = run.finish(tallies)?;
    draft.complete(&mut outcome)?;
    Ok((files, outcome))
}

/// Every task of the run processed and given back in order.
fn run_all(
    files: &[Mem],
    mut run: MixRun,
    tokenizer: Option<&ChatTokenizer>,
) -> (Vec<Vec<u8>>, Outcome) {
    let tasks = all_tasks(&mut run);
    let results = process(files, &run, &tasks, tokenizer);
    let numbered = results.into_iter().enumerate().map(|(i, r)| (i as u32, r));
    complete(run, numbered.collect()).unwrap()
}

fn settings(tokenizer: Option<&ChatTokenizer>) -> RunSettings {
    RunSettings {
        tokenizer: tokenizer.map(|t| t.info().clone()),
        ..RunSettings::default()
    }
}

#[test]
fn results_in_any_order_give_the_same_files_and_outcome() {
    let (files, inputs) = example();
    let tokenizer = common::load_tokenizer("qwen3");
    let run = start(&inputs, &[2, 4], settings(Some(&tokenizer)));
    assert!(run.tasks() >= 3, "the example spans several tasks");
    let (expected_files, expected) = run_all(&files, run, Some(&tokenizer));

    let mut run = start(&inputs, &[2, 4], settings(Some(&tokenizer)));
    let tasks = all_tasks(&mut run);
    // Through JSON, as a result crosses from a pool worker to the coordinator.
    let reversed: Vec<_> = process(&files, &run, &tasks, Some(&tokenizer))
        .into_iter()
        .enumerate()
        .rev()
        .map(|(i, r)| {
            let json = serde_json::to_string(&r.unwrap()).unwrap();
            (i as u32, Ok(serde_json::from_str(&json).unwrap()))
        })
        .collect();
    let (got_files, got) = complete(run, reversed).unwrap();
    assert_eq!(got_files, expected_files);
    assert_eq!(got.manifest, expected.manifest);
    assert_eq!(got.text, expected.text);
    assert_eq!(got.rows, expected.rows);
    assert_eq!(got.histograms, expected.histograms);
}

#[test]
fn the_outcome_holds_report_manifest_histograms_and_rows() {
    let (files, inputs) = example();
    let tokenizer = common::load_tokenizer("llama3_1");
    let run = start(&inputs, &[2, 4, 90], settings(Some(&tokenizer)));
    assert_eq!(
        run.file_names(),
        ["combined_cut_2x.jsonl", "combined_cut_4x.jsonl"]
    );
    let (bytes, outcome) = run_all(&files, run, Some(&tokenizer));
    assert_eq!(outcome.manifest_file_name, "manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_str(outcome.manifest.as_deref().unwrap()).unwrap();
    for (i, output) in outcome.outputs.iter().enumerate() {
        assert_eq!(output.bytes, bytes[i].len() as u64);
        assert_eq!(output.sha256, kmix::checksum::sha256_hex(&bytes[i]));
        assert_eq!(manifest["outputs"][i]["sha256"], output.sha256.as_str());
    }
    assert!(outcome.text.contains("cut 90 skipped"), "{}", outcome.text);
    assert_eq!(outcome.reports.len(), 2);
    for (report, histogram) in outcome.reports.iter().zip(&outcome.histograms) {
        assert_eq!(report.cut, histogram.cut);
        assert_eq!(histogram.counts.iter().sum::<u64>(), report.samples);
        assert_eq!(histogram.rows, report.samples);
    }
    // Every written row is in its file's table: where its line is, its tokens, its kind.
    assert_eq!(outcome.rows.len(), 2);
    for ((table, file), report) in outcome.rows.iter().zip(&bytes).zip(&outcome.reports) {
        let all = table.select(&RowQuery {
            count: usize::MAX,
            ..RowQuery::default()
        });
        assert_eq!(all.total as u64, report.samples);
        let mut end = 0;
        for row in &all.rows {
            assert_eq!(row.offset, end, "rows follow each other");
            end += u64::from(row.len);
            let line = &file[row.offset as usize..end as usize];
            assert_eq!(line.last(), Some(&b'\n'));
            let json: serde_json::Value = serde_json::from_slice(line).unwrap();
            assert_eq!(json["token_length"].as_u64(), row.tokens.map(u64::from));
            assert!(report.kinds.iter().any(|k| k.kind.name() == row.group));
        }
        assert_eq!(end, file.len() as u64);
        for kind in &report.kinds {
            let of_kind = table.select(&RowQuery {
                group: Some(kind.kind.name().to_string()),
                ..RowQuery::default()
            });
            assert_eq!(of_kind.total as u64, kind.samples, "{}", kind.kind.name());
        }
    }
    // The longest rows' tokens are what the tokenizer counts for their conversations as written.
    let longest = outcome.rows[1].select(&RowQuery {
        order: RowOrder::Longest,
        count: 5,
        ..RowQuery::default()
    });
    for row in &longest.rows {
        let line = &bytes[1][row.offset as usize..][..row.len as usize];
        let json: serde_json::Value = serde_json::from_slice(line).unwrap();
        let messages: Vec<kmix::render::Message> =
            serde_json::from_value(json["messages"].clone()).unwrap();
        assert_eq!(row.tokens, Some(tokenizer.count(&messages).unwrap()));
    }
}

#[test]
fn the_first_failure_in_output_order_is_the_one_reported() {
    let (files, inputs) = example();
    let mut run = start(&inputs, &[2], settings(None));
    let tasks = all_tasks(&mut run);
    let mut results: Vec<_> = process(&files, &run, &tasks, None)
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i as u32, r))
        .collect();
    let failure = |n: u32| Err(Error::io(format!("task {n} failed")));
    results[1].1 = failure(1);
    results[2].1 = failure(2);
    // The later failure comes back first: it must wait for its turn, and lose to the earlier one.
    results.swap(1, 2);
    let e = complete(run, results).err().unwrap();
    assert_eq!(e.message, "task 1 failed");
}

#[test]
fn a_failed_task_stops_the_handing_out_of_tasks() {
    let (_files, inputs) = example();
    let mut run = start(&inputs, &[2], settings(None));
    let first = next_task(&mut run).unwrap();
    let ready = run
        .complete(first.seq, Err(Error::io("disk gone")))
        .err()
        .unwrap();
    assert_eq!(ready.message, "disk gone");
    assert!(matches!(run.what_next(), Next::Done));
}

/// The example with a chat dataset blended beside it.
fn example_with_a_dataset() -> (Vec<Mem>, Inputs) {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        &dir.path().join("gen"),
        &["--raw-docs", "30", "--summaries-per-raw", "4"],
    );
    let skills = dir.path().join("skills.jsonl");
    let status = std::process::Command::new("python3")
        .arg(common::root().join("tools/gen_chat.py"))
        .args(["--rows", "600", "--out"])
        .arg(&skills)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let files = files_under(&dir.path().join("gen"));
    let dataset = Mem("skills.jsonl".into(), std::fs::read(&skills).unwrap());
    let mut pass = kmix::read::FirstPass::new(
        files.iter().map(|f| f as &dyn ByteSource).collect(),
        ReadOptions::default(),
    );
    pass.add_datasets(vec![&dataset as &dyn ByteSource])
        .unwrap();
    while pass.read_next().unwrap() {}
    let index = pass.finish().unwrap().0;
    (
        files.into_iter().chain([dataset]).collect(),
        Inputs::new(index),
    )
}

/// A driver as the edges are: it asks what next, processes a task when told, brings the oldest
/// task out back when told to wait, and stops when done. Returns how often it waited with fewer
/// tasks out than its window (the blends waiting for every count).
fn drive_one_worker(files: &[Mem], run: &mut MixRun, tokenizer: &ChatTokenizer) -> usize {
    let (mut out, mut early_waits) = (std::collections::VecDeque::new(), 0);
    loop {
        match run.what_next() {
            Next::Task(task) => out.push_back(task),
            Next::Wait => {
                early_waits += usize::from(out.len() < 4);
                let task = out.pop_front().expect("a wait has tasks out");
                let result = process(files, run, std::slice::from_ref(&task), Some(tokenizer));
                run.complete(task.seq, result.into_iter().next().unwrap())
                    .unwrap();
            }
            Next::Share(_) => panic!("this run makes no RAFT rows"),
            Next::Done => break,
        }
        assert!(out.len() <= 4, "one worker has at most four tasks out");
    }
    for task in out {
        let result = process(files, run, std::slice::from_ref(&task), Some(tokenizer));
        run.complete(task.seq, result.into_iter().next().unwrap())
            .unwrap();
    }
    early_waits
}

#[test]
fn a_driver_is_told_what_next_until_the_blends_are_written() {
    let (files, inputs) = example_with_a_dataset();
    let tokenizer = common::load_tokenizer("qwen3");
    let params = MixParams {
        cuts: Cuts::new(&[2]).unwrap(),
        seed: 11,
        ..MixParams::default()
    };
    let blend = kmix::blend::BlendText {
        sizes: vec![("skills.jsonl".into(), "100".into())],
        ..Default::default()
    };
    let settings = RunSettings {
        blend,
        workers: 1,
        ..settings(Some(&tokenizer))
    };
    let mut run = inputs
        .start(inputs.plan(&params).unwrap(), settings)
        .unwrap();
    let counting = run.tasks();
    let early_waits = drive_one_worker(&files, &mut run, &tokenizer);
    assert!(
        run.tasks() > counting,
        "the blend's tasks were added once counted"
    );
    assert!(early_waits > 0, "the blend waited for the last counts");
    assert!(matches!(run.what_next(), Next::Done));
}

#[test]
fn rows_are_counted_only_by_the_tokenizer_the_run_names() {
    let (files, inputs) = example();
    let qwen = common::load_tokenizer("qwen3");
    let llama = common::load_tokenizer("llama3_1");
    let mut run = start(&inputs, &[2], settings(Some(&qwen)));
    let task = next_task(&mut run).unwrap();
    for held in [Some(&llama), None] {
        let e = process(&files, &run, std::slice::from_ref(&task), held)
            .remove(0)
            .err()
            .unwrap();
        assert_eq!(e.kind, ErrorKind::Tokenizer);
        assert!(e.message.contains("counted with `qwen3`"), "{e}");
    }
    // A result without counts is refused by a run that counts.
    let mut result = process(&files, &run, std::slice::from_ref(&task), Some(&qwen))
        .remove(0)
        .unwrap();
    result.counts = None;
    assert!(run.complete(task.seq, Ok(result)).is_err());
}

#[test]
fn a_dry_run_counts_and_reports_but_writes_nothing() {
    let (files, inputs) = example();
    let tokenizer = common::load_tokenizer("qwen3");
    let run = start(
        &inputs,
        &[2, 4],
        RunSettings {
            dry_run: true,
            ..settings(Some(&tokenizer))
        },
    );
    assert!(run.file_names().is_empty());
    let (bytes, outcome) = run_all(&files, run, Some(&tokenizer));
    assert!(bytes.is_empty() && outcome.manifest.is_none() && outcome.outputs.is_empty());
    assert!(outcome.reports.iter().all(|r| r.tokens.unwrap_or(0) > 0));
}

#[test]
fn a_run_needs_a_feasible_cut_and_every_task_back() {
    let (_files, inputs) = example();
    let params = MixParams {
        cuts: Cuts::new(&[90]).unwrap(),
        ..MixParams::default()
    };
    let e = inputs
        .start(inputs.plan(&params).unwrap(), RunSettings::default())
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Parameters);
    assert!(e.message.contains("no cut is feasible"), "{e}");
    assert!(e.message.contains("fewer than 90"), "{e}");

    let mut run = start(&inputs, &[2], RunSettings::default());
    next_task(&mut run).unwrap();
    let tallies = run.output_tallies(Hashing::Here);
    let e = run.finish(tallies).err().unwrap();
    assert!(e.message.contains("not complete"), "{e}");
}

#[test]
fn the_manifest_needs_checksums_of_every_line_written() {
    let (files, inputs) = example();
    let mut run = start(&inputs, &[2], settings(None));
    let tasks = all_tasks(&mut run);
    let results = process(&files, &run, &tasks, None);
    let tallies = run.output_tallies(Hashing::Here);
    for (seq, result) in results.into_iter().enumerate() {
        run.complete(seq as u32, result).unwrap(); // lines never reach the tallies
    }
    let e = run.finish(tallies).err().unwrap();
    assert!(e.message.contains("did not see every line"), "{e}");
}

/// The page reads the files on its workers, several at once, and hashes inputs and outputs
/// itself, giving the digests: a file read is not indexed without its digest, the outcome comes
/// before the output checksums, and the manifest they complete is the same.
#[test]
fn files_read_elsewhere_and_checksums_given_by_the_edge_make_the_same_manifest() {
    let (files, inputs) = example();
    let (_, hashed_here) = run_all(&files, start(&inputs, &[2], settings(None)), None);

    let mut pass =
        kmix::read::FirstPass::new(files.iter().collect::<Vec<_>>(), ReadOptions::default());
    let jobs: Vec<_> = pass
        .jobs()
        .map(|(job, file)| (job, file.1.clone()))
        .collect();
    let read_elsewhere = |job, bytes: &[u8], digest: Option<String>| {
        let mut reading = FileReading::new(job, Hashing::Elsewhere);
        for piece in bytes.chunks(97) {
            reading.push(piece).unwrap();
        }
        if let Some(d) = digest {
            reading.give_digest(d)?;
        }
        reading.finish()
    };
    let (job, bytes) = &jobs[0];
    let e = read_elsewhere(job, bytes, None).err().unwrap();
    assert!(e.message.contains("gave no checksum"), "{e}");
    assert!(
        read_elsewhere(job, bytes, Some("00".into())).is_err(),
        "64 hex digits"
    );
    // Each file on a thread of its own, in pieces, the last one first.
    let read: Vec<_> = std::thread::scope(|scope| {
        let readers: Vec<_> = (jobs.iter().rev())
            .map(|(job, bytes)| {
                let digest = kmix::checksum::sha256_hex(bytes);
                scope.spawn(move || read_elsewhere(job, bytes, Some(digest)).unwrap())
            })
            .collect();
        readers
            .into_iter()
            .map(|r| r.join().unwrap())
            .rev()
            .collect()
    });
    let mut read = read;
    // The last one through JSON, as the page's workers hand a file's index over.
    let last = serde_json::to_string(&read.pop().unwrap()).unwrap();
    let e = pass
        .add_file(serde_json::from_str(&last).unwrap())
        .err()
        .unwrap();
    assert!(e.message.contains("expected file 1 of"), "{e}");
    for file in read {
        pass.add_file(file).unwrap();
    }
    pass.add_file(serde_json::from_str(&last).unwrap()).unwrap();
    let inputs = Inputs::new(pass.finish().unwrap().0);

    let mut run = start(&inputs, &[2], settings(None));
    let tasks = all_tasks(&mut run);
    let results = process(&files, &run, &tasks, None);
    let mut tallies = run.output_tallies(Hashing::Elsewhere);
    let mut written = vec![Vec::new(); run.file_names().len()];
    for (seq, result) in results.into_iter().enumerate() {
        for ready in run.complete(seq as u32, result).unwrap() {
            tallies.add(&ready.lines);
            for (file, lines) in written.iter_mut().zip(ready.lines) {
                file.extend_from_slice(&lines.bytes);
            }
        }
    }
    let (mut outcome, mut draft) = run.finish(tallies).unwrap();
    assert_eq!(outcome.reports.len(), hashed_here.reports.len());
    assert!(outcome.manifest.is_none() && outcome.outputs.is_empty());
    assert!(
        draft.give_digests(vec!["00".into()]).is_err(),
        "one per file"
    );
    let digests: Vec<String> = (written.iter())
        .map(|w| kmix::checksum::sha256_hex(w))
        .collect();
    let mut wrong = digests.clone();
    wrong[0] = "0".repeat(63) + "g";
    assert!(draft.give_digests(wrong).is_err(), "64 hex digits");
    draft.give_digests(digests).unwrap();
    draft.complete(&mut outcome).unwrap();
    assert_eq!(outcome.manifest, hashed_here.manifest);
    assert_eq!(outcome.outputs.len(), written.len());
}
