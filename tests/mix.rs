//! Mixing behaviour users rely on, through the core API on generated inputs.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use common::{files_under, Mem};
use kmix::mix::{plan, Cuts, Mix, MixParams};
use kmix::output::cut_reports;
use kmix::read::{read_inputs, Index, ReadOptions};
use kmix::render::{lines_for_cuts, write_row, Rendered};
use kmix::reread::Rereader;
use kmix::source::ByteSource;
use serde_json::Value;

fn sources(files: &[Mem]) -> Vec<&dyn ByteSource> {
    files.iter().map(|f| f as &dyn ByteSource).collect()
}

fn read(files: &[Mem], skip: bool) -> kmix::Result<Index> {
    read_inputs(
        &sources(files),
        ReadOptions {
            skip_bad_rows: skip,
            ..ReadOptions::default()
        },
    )
}

fn generated(args: &[&str]) -> (tempfile::TempDir, Vec<Mem>) {
    let dir = tempfile::tempdir().unwrap();
    common::generate(dir.path(), args);
    let files = files_under(dir.path());
    (dir, files)
}

fn params(cuts: &[u32], seed: u64) -> MixParams {
    MixParams {
        cuts: Cuts::new(cuts).unwrap(),
        seed,
        ..MixParams::default()
    }
}

/// One cut's mix, read back through the second pass and parsed.
fn lines(index: &Index, files: &[Mem], mix: &Mix, cut: u32) -> Vec<Value> {
    let sources = sources(files);
    let mut rereader = Rereader::new(&index.files, &sources).unwrap();
    let positions: Vec<usize> = mix.positions_in_cut(cut).collect();
    let rows: Vec<_> = positions
        .iter()
        .map(|&p| index.rows[mix.selected[p]])
        .collect();
    let records = rereader.records(&rows).unwrap();
    let min_cuts: Vec<u32> = positions.iter().map(|&p| mix.min_cut(p)).collect();
    let rendered: Vec<Rendered> = records.iter().map(Rendered::new).collect();
    let chunk = lines_for_cuts(&rendered, &min_cuts, None, &[cut]).remove(0);
    String::from_utf8(chunk.bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn kind_of(row: &Value) -> String {
    let user = row["messages"][0]["content"].as_str().unwrap();
    if user.starts_with("In ") && !user.contains(row["document"].as_str().unwrap()) {
        "key_facts".into()
    } else if row["document"] == row["raw_document"] {
        "grounded".into()
    } else {
        "summary".into()
    }
}

#[test]
fn cuts_are_nested_seeded_and_reproducible() {
    let (_dir, files) = generated(&["--raw-docs", "6", "--summaries-per-raw", "9"]);
    let corpus = read(&files, false).unwrap();
    let mix = plan(&corpus, &params(&[2, 5], 7)).unwrap();
    let small: HashSet<String> = lines(&corpus, &files, &mix, 2)
        .iter()
        .map(|r| r.to_string())
        .collect();
    let large: Vec<Value> = lines(&corpus, &files, &mix, 5);
    let large_set: HashSet<String> = large.iter().map(|r| r.to_string()).collect();
    assert!(
        small.is_subset(&large_set),
        "a smaller cut is a subset of a larger one"
    );
    assert!(small.len() < large_set.len());

    // Per raw document, at most N distinct augmentations per summary kind (exactly N when it has them).
    let mut per_raw: HashMap<(String, String), HashSet<String>> = HashMap::new();
    for r in large.iter().filter(|r| kind_of(r) == "summary") {
        let style = r["document"]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        per_raw
            .entry((style, r["raw_document"].as_str().unwrap().to_string()))
            .or_default()
            .insert(r["document"].as_str().unwrap().to_string());
    }
    assert_eq!(per_raw.len(), 12, "two summary kinds × six raw documents");
    assert!(per_raw.values().all(|docs| docs.len() == 5));

    // Same seed: same bytes. Another seed: another choice.
    let again = plan(&read(&files, false).unwrap(), &params(&[2, 5], 7)).unwrap();
    assert_eq!(
        lines(&corpus, &files, &mix, 5),
        lines(&corpus, &files, &again, 5)
    );
    let other = plan(&corpus, &params(&[2, 5], 8)).unwrap();
    assert_ne!(
        lines(&corpus, &files, &mix, 2),
        lines(&corpus, &files, &other, 2)
    );
}

#[test]
fn rows_are_formatted_as_the_notebook_formats_them() {
    let (_dir, files) = generated(&["--raw-docs", "3", "--reasoning"]);
    let corpus = read(&files, false).unwrap();
    let mix = plan(&corpus, &params(&[3], 1)).unwrap();
    let rows = lines(&corpus, &files, &mix, 3);
    let mut seen_kinds = HashSet::new();
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "question",
                "document_outline",
                "raw_document",
                "document",
                "messages",
                "metadata",
                "unmask"
            ]
        );
        assert_eq!(r["unmask"], true);
        let meta: Value = serde_json::from_str(r["metadata"].as_str().unwrap()).unwrap();
        assert_eq!(meta["dataset"], "document_knowledge_qa");
        assert_eq!(meta["sdg_document"], r["document"]);
        assert_eq!(meta["raw_document"], r["raw_document"]);
        let (user, assistant) = (&r["messages"][0], &r["messages"][1]);
        assert_eq!(user["role"], "user");
        assert_eq!(user["thinking"], Value::Null);
        assert_eq!(assistant["role"], "assistant");
        let answer = assistant["content"].as_str().unwrap();
        assert!(!answer.contains("[END]") && !answer.contains("[ANSWER]"));
        assert_eq!(answer, answer.trim());
        let kind = kind_of(r);
        let (outline, doc, q) = (
            r["document_outline"].as_str().unwrap(),
            r["document"].as_str().unwrap(),
            r["question"].as_str().unwrap(),
        );
        match kind.as_str() {
            "key_facts" => assert_eq!(user["content"], format!("In {outline}, {q}")),
            _ => assert_eq!(user["content"], format!("{outline}\n{doc}\n\n{q}")),
        }
        // Reasoning rides along for the summary kinds only.
        let thinking = assistant["thinking"].as_str().unwrap();
        assert_eq!(
            kind == "summary",
            thinking.starts_with("Reasoning: "),
            "{kind}"
        );
        seen_kinds.insert(kind);
    }
    assert_eq!(seen_kinds.len(), 3);
}

#[test]
fn qa_per_doc_keeps_the_first_pairs_of_each_augmentation() {
    let (_dir, files) = generated(&[
        "--raw-docs",
        "2",
        "--qa-per-summary",
        "5",
        "--files-per-kind",
        "1",
    ]);
    let corpus = read(&files, false).unwrap();
    let mix = plan(
        &corpus,
        &MixParams {
            cuts: Cuts::new(&[3]).unwrap(),
            qa_per_doc: 2,
            ..MixParams::default()
        },
    )
    .unwrap();
    let mut per_doc: HashMap<String, Vec<String>> = HashMap::new();
    for r in lines(&corpus, &files, &mix, 3)
        .iter()
        .filter(|r| kind_of(r) == "summary")
    {
        per_doc
            .entry(r["document"].as_str().unwrap().into())
            .or_default()
            .push(r["question"].as_str().unwrap().into());
    }
    for questions in per_doc.values() {
        assert_eq!(questions.len(), 2);
        // The generator numbers each augmentation's questions: only items 0 and 1 may appear.
        assert!(questions
            .iter()
            .all(|q| !(2..5).any(|i| q.contains(&format!("(item {i})")))));
    }
}

#[test]
fn infeasible_cuts_are_dropped_with_the_numbers() {
    let (_dir, files) = generated(&["--raw-docs", "3", "--summaries-per-raw", "4"]);
    let corpus = read(&files, false).unwrap();
    let mix = plan(&corpus, &params(&[2, 50], 1)).unwrap();
    assert_eq!(mix.feasible_cuts().collect::<Vec<_>>(), vec![2]);
    let reason = mix.cuts[1].reason.as_deref().unwrap();
    assert!(
        reason.contains("extractive_summary has 3.00 augmentations per raw document"),
        "{reason}"
    );
    assert!(reason.contains("(9 over 3), fewer than 50"), "{reason}");
    assert_eq!(cut_reports(&corpus, &mix, None).len(), 1);
}

#[test]
fn the_gpt_oss_filter_drops_placeholder_questions() {
    let (_dir, files) = generated(&["--raw-docs", "8"]);
    let corpus = read(&files, false).unwrap();
    let placeholder = |q: &str| {
        q.contains("...") || q.contains("<question>") || q.contains("<Insert question here>")
    };
    let off = plan(&corpus, &params(&[3], 1)).unwrap();
    assert!(lines(&corpus, &files, &off, 3)
        .iter()
        .any(|r| placeholder(r["question"].as_str().unwrap())));
    let on = plan(
        &corpus,
        &MixParams {
            gpt_oss: true,
            ..params(&[3], 1)
        },
    )
    .unwrap();
    assert!(on.filtered_rows > 0);
    assert!(!lines(&corpus, &files, &on, 3)
        .iter()
        .any(|r| placeholder(r["question"].as_str().unwrap())));
}

#[test]
fn seed_data_and_qna_become_grounded_qa_without_duplicates() {
    let (_dir, files) = generated(&["--raw-docs", "4"]);
    let corpus = read(&files, false).unwrap();
    let kinds = |k: kmix::read::Kind| corpus.rows.iter().filter(|r| r.kind == k).count();
    // Every seed row repeats the same three in-context examples: they count once.
    assert_eq!(kinds(kmix::read::Kind::SeedData), 3);
    assert_eq!(kinds(kmix::read::Kind::QnaYaml), 4 * 3);
    let seed_file = corpus
        .files
        .iter()
        .find(|f| f.path == "final_seed_data.jsonl")
        .unwrap();
    assert_eq!(seed_file.rows, 3);
    assert_eq!(seed_file.sha256.as_ref().unwrap().len(), 64);
}

fn row_line(fields: &[(&str, Value)]) -> String {
    let map: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Value::Object(map).to_string()
}

fn good_row() -> String {
    row_line(&[
        ("question", "Q?".into()),
        ("response", "A.".into()),
        ("document", "Doc".into()),
        ("raw_document", "Raw".into()),
        ("document_outline", "Outline".into()),
    ])
}

#[test]
fn bad_rows_name_file_line_and_field() {
    let missing = row_line(&[("question", "Q".into()), ("document", "D".into())]);
    let files = vec![Mem(
        "extractive_summary/a.jsonl".into(),
        format!("{}\n{}\n", good_row(), missing).into_bytes(),
    )];
    let e = read(&files, false).unwrap_err();
    assert_eq!(e.file.as_deref(), Some("extractive_summary/a.jsonl"));
    assert_eq!(e.line, Some(2));
    // Every absent field is named, not only the first.
    assert_eq!(
        e.to_string(),
        "extractive_summary/a.jsonl:2: 3 required fields are absent: `response` is missing, \
         `raw_document` is missing, `document_outline` is missing"
    );

    let wrong_type = good_row().replace("\"Q?\"", "42");
    let files = vec![Mem(
        "detailed_summary/b.jsonl".into(),
        format!("{wrong_type}\n").into_bytes(),
    )];
    let e = read(&files, false).unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(1), Some("question")));
    assert!(
        e.message.contains("must be a string, found a number"),
        "{e}"
    );

    let files = vec![Mem(
        "key_facts_to_qa/c.jsonl".into(),
        format!("{}\n{{\"question\": \"Q\",\n", good_row()).into_bytes(),
    )];
    let e = read(&files, false).unwrap_err();
    assert_eq!((e.line, e.column.is_some()), (Some(2), true));
    assert!(e.message.starts_with("not valid JSON: "), "{e}");
}

#[test]
fn skip_bad_rows_goes_on_and_counts_them() {
    let text = format!("{}\nnot json\n{}\n\u{0}\n", good_row(), good_row());
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"{\"question\": \"\xff\"}\n");
    let files = vec![Mem("extractive_summary/a.jsonl".into(), bytes)];
    let corpus = read(&files, true).unwrap();
    assert_eq!(corpus.rows.len(), 2);
    assert_eq!(corpus.bad_rows.count, 3);
    assert_eq!(corpus.bad_rows.examples[0].line, Some(2));
    assert!(corpus.bad_rows.examples[2].message.contains("UTF-8"));
}

#[test]
fn bom_crlf_gzip_and_json_arrays_are_read() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(format!("{}\n", good_row()).as_bytes())
        .unwrap();
    let files = vec![
        Mem(
            "extractive_summary/bom.jsonl".into(),
            format!("\u{feff}{}\r\n{}\r\n", good_row(), good_row()).into_bytes(),
        ),
        Mem("extractive_summary/z.jsonl.gz".into(), gz.finish().unwrap()),
        Mem(
            "detailed_summary/arr.json".into(),
            format!("[{}, {}]", good_row(), good_row()).into_bytes(),
        ),
        Mem("notes.txt".into(), b"hello".to_vec()),
        Mem(
            "loose.jsonl".into(),
            format!("{}\n", good_row()).into_bytes(),
        ),
    ];
    let corpus = read(&files, false).unwrap();
    let rows = |p: &str| corpus.files.iter().find(|f| f.path == p).unwrap().rows;
    assert_eq!(rows("extractive_summary/bom.jsonl"), 2);
    assert_eq!(rows("extractive_summary/z.jsonl.gz"), 1);
    assert_eq!(rows("detailed_summary/arr.json"), 2);
    let ignored: Vec<_> = corpus
        .files
        .iter()
        .filter(|f| f.ignored.is_some())
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        ignored,
        vec!["loose.jsonl", "notes.txt"],
        "listed as ignored, never silently"
    );
}

#[test]
fn empty_inputs_are_clear_errors() {
    let e = read(
        &[Mem("extractive_summary/a.jsonl".into(), Vec::new())],
        false,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("extractive_summary/a.jsonl: the file is empty"),
        "{e}"
    );
    let e = read(&[Mem("notes.txt".into(), b"x".to_vec())], false).unwrap_err();
    assert!(e.message.contains("no input kmix can mix"), "{e}");
    let e = read(
        &[Mem("qna.yaml".into(), b"seed_examples: 5\n".to_vec())],
        false,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("qna.yaml:"), "{e}");
}

#[test]
fn no_panic_on_arbitrary_bytes() {
    // Deterministic pseudo-random garbage in every kind of file: errors naming the file (or
    // saying nothing could be mixed), never rows, never panics.
    let mut state = 0x2545F4914F6CDD1Du64;
    for round in 0..200 {
        let len = (round * 7) % 300;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                b"{}[]\":,\n\r \\abcqu0\xff\xc3\xa9"[(state % 19) as usize]
            })
            .collect();
        for path in [
            "extractive_summary/a.jsonl",
            "qna.yaml",
            "final_seed_data.jsonl",
            "x.json",
        ] {
            // The alphabet cannot spell a row's required fields: any row indexed is garbage
            // taken for a row, and an error must say which file it is about.
            match read(&[Mem(path.into(), bytes.clone())], round % 2 == 0) {
                Ok(index) => assert!(index.rows.is_empty(), "{path} took {bytes:?} for rows"),
                Err(e) => assert!(
                    e.file.as_deref() == Some(path) || e.message.starts_with("no input kmix can"),
                    "{e} for {bytes:?}"
                ),
            }
        }
    }
}

/// A source whose stream gives a few bytes a read, as a browser slice or a pipe may.
struct Trickled<'a>(&'a Mem, usize);

struct TrickleReader(std::io::Cursor<Vec<u8>>, usize);

impl Read for TrickleReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len());
        self.0.read(&mut buf[..n])
    }
}

impl ByteSource for Trickled<'_> {
    fn path(&self) -> &str {
        self.0.path()
    }
    fn size(&self) -> u64 {
        self.0.size()
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(TrickleReader(
            std::io::Cursor::new(self.0 .1.clone()),
            self.1,
        )))
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        self.0.read_at(offset, len)
    }
}

#[test]
fn streams_that_give_a_few_bytes_a_read_mix_the_same() {
    let (_dir, files) = generated(&["--raw-docs", "3", "--reasoning", "--gzip"]);
    let whole = read(&files, false).unwrap();
    let mix = plan(&whole, &params(&[3], 1)).unwrap();
    let expected = lines(&whole, &files, &mix, 3);
    for step in [1, 3, 4093] {
        let trickled: Vec<Trickled> = files.iter().map(|f| Trickled(f, step)).collect();
        let sources: Vec<&dyn ByteSource> = trickled.iter().map(|f| f as &dyn ByteSource).collect();
        let index = read_inputs(&sources, ReadOptions::default()).unwrap();
        let mix = plan(&index, &params(&[3], 1)).unwrap();
        let mut rereader = Rereader::new(&index.files, &sources).unwrap();
        let rows: Vec<Value> = mix
            .positions_in_cut(3)
            .map(|p| {
                let record = rereader.record(&index.rows[mix.selected[p]]).unwrap();
                let mut line = Vec::new();
                write_row(&Rendered::new(&record), None, &mut line);
                serde_json::from_slice(&line).unwrap()
            })
            .collect();
        assert_eq!(rows, expected, "{step} bytes a read");
    }
}

#[test]
fn null_responses_are_kept_and_reasoning_columns_reach_thinking() {
    let row = |kind_fields: &[(&str, Value)]| {
        let mut fields = vec![
            ("question", Value::from("Q?")),
            ("document", "Doc".into()),
            ("raw_document", "Raw".into()),
            ("document_outline", "Outline".into()),
        ];
        fields.extend(kind_fields.iter().cloned());
        row_line(&fields)
    };
    let files = vec![
        Mem(
            "extractive_summary/a.jsonl".into(),
            format!(
                "{}\n{}\n",
                row(&[("response", Value::Null), ("reasoning", "column".into())]),
                row(&[
                    ("response", "A.".into()),
                    ("reasoning", "column".into()),
                    ("parse_response_dict_reasoning_content", "parsed".into())
                ])
            )
            .into_bytes(),
        ),
        Mem(
            "key_facts_to_qa/b.jsonl".into(),
            row(&[("response", "B.".into()), ("reasoning", "facts".into())]).into_bytes(),
        ),
    ];
    let index = read(&files, false).unwrap();
    assert_eq!(index.files[0].null_responses, 1);
    let mix = plan(&index, &params(&[1], 1)).unwrap();
    let rows = lines(&index, &files, &mix, 1);
    let assistant = |i: usize| rows[i]["messages"][1].clone();
    // The null response is kept with null content; the notebook's builders carry `reasoning`.
    let (first, second) = (assistant(0), assistant(1));
    let null_row = if first["content"].is_null() {
        &first
    } else {
        &second
    };
    assert_eq!(null_row["content"], Value::Null);
    assert_eq!(null_row["thinking"], "column");
    let answered = if first["content"].is_null() {
        &second
    } else {
        &first
    };
    assert_eq!(
        answered["thinking"], "parsed",
        "the parsed reasoning comes first"
    );
    assert_eq!(assistant(2)["thinking"], "facts");
    // "is missing" and "is null" are told apart where a field is required.
    let files = vec![Mem(
        "extractive_summary/a.jsonl".into(),
        row(&[("response", "A.".into()), ("question", Value::Null)]).into_bytes(),
    )];
    let e = read(&files, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "extractive_summary/a.jsonl:1: field `question`: is null"
    );
}
