//! Readers: every input file becomes rows of one kind, with the file and line each came from.

mod fields;
mod generated;
pub mod kind;
mod qna;
pub mod records;
mod seed;
pub mod texts;

use std::collections::HashSet;
use std::io::Read;

use serde::Serialize;

use crate::checksum::Hashing;
use crate::error::{Error, Result};
use generated::GeneratedFields;
pub use kind::Kind;
use kind::{detect, detect_by_fields, Detection};
use records::{for_each_record, serde_message, Flow};
use seed::SeedFields;
pub use texts::{TextId, Texts};

/// An input file as the edges provide it: a path relative to what the user chose, and its bytes.
pub trait ByteSource {
    fn path(&self) -> &str;
    fn size(&self) -> u64;
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Go on past rows with a missing field, a wrong type or malformed JSON, counting them.
    pub skip_bad_rows: bool,
}

/// One Q&A pair with its augmentation (`document`) and source chunk (`raw_document`).
#[derive(Debug, Clone)]
pub struct Row {
    pub kind: Kind,
    pub question: String,
    pub response: String,
    pub document: TextId,
    pub raw_document: TextId,
    pub outline: TextId,
    pub reasoning: Option<String>,
}

/// What was done with one input file, for the report and the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub path: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    pub rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BadRows {
    pub count: u64,
    /// The first few, so the report can show what was wrong without growing with the input.
    pub examples: Vec<Error>,
}

#[derive(Debug, Default)]
pub struct Corpus {
    pub texts: Texts,
    pub rows: Vec<Row>,
    pub files: Vec<InputFile>,
    pub bad_rows: BadRows,
}

const BAD_ROW_EXAMPLES: usize = 20;

/// Reads every source, in path order so that the result does not depend on the order given.
pub fn read_inputs(sources: &[&dyn ByteSource], options: ReadOptions) -> Result<Corpus> {
    let mut sources = sources.to_vec();
    sources.sort_by(|a, b| a.path().cmp(b.path()));
    let mut corpus = Corpus::default();
    for source in sources {
        let file = read_source(source, options, &mut corpus)?;
        corpus.files.push(file);
    }
    if corpus.files.iter().all(|f| f.kind.is_none()) {
        return Err(Error::new(format!(
            "no input kmix can mix among {} file(s): expected folders {}, qna.yaml or final_seed_data.jsonl",
            corpus.files.len(),
            ["extractive_summary/", "detailed_summary/", "key_facts_to_qa/", "document_based_qa/"].join(", ")
        )));
    }
    Ok(corpus)
}

fn read_source(
    source: &dyn ByteSource,
    options: ReadOptions,
    corpus: &mut Corpus,
) -> Result<InputFile> {
    let path = source.path();
    let mut file = InputFile {
        path: path.to_string(),
        size: source.size(),
        kind: None,
        rows: 0,
        sha256: None,
        ignored: None,
    };
    let kind = match detect(path) {
        Detection::Kind(kind) => kind,
        Detection::Ignored(reason) => {
            file.ignored = Some(reason);
            return Ok(file);
        }
        Detection::ByContent => match sniff_kind(source)? {
            Ok(kind) => kind,
            Err(reason) => {
                file.ignored = Some(reason);
                return Ok(file);
            }
        },
    };
    let mut reader = Hashing::new(open(source)?);
    let rows_before = corpus.rows.len();
    match kind {
        Kind::QnaYaml => read_qna(&mut reader, path, corpus)?,
        Kind::SeedData => read_seed(&mut reader, path, options, corpus)?,
        _ => read_generated(&mut reader, path, kind, options, corpus)?,
    }
    // Hash what the parser did not need to read too, so the checksum covers the whole file.
    std::io::copy(&mut reader, &mut std::io::sink())
        .map_err(|e| Error::new(format!("cannot read the file: {e}")).in_file(path))?;
    file.kind = Some(kind);
    file.rows = (corpus.rows.len() - rows_before) as u64;
    file.sha256 = Some(reader.finish().1);
    Ok(file)
}

fn open<'a>(source: &'a dyn ByteSource) -> Result<Box<dyn Read + 'a>> {
    source
        .open()
        .map_err(|e| Error::new(format!("cannot open the file: {e}")).in_file(source.path()))
}

/// The kind of a loose JSON file, from its first row's field names; `Err` is why it is ignored.
fn sniff_kind(source: &dyn ByteSource) -> Result<Result<Kind, String>> {
    let mut fields: Option<Vec<String>> = None;
    for_each_record(open(source)?, source.path(), &mut |_, text| {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text?).unwrap_or_default();
        fields = Some(map.keys().cloned().collect());
        Ok(Flow::Break(()))
    })?;
    let fields = fields.unwrap_or_default();
    Ok(detect_by_fields(
        &fields.iter().map(String::as_str).collect::<Vec<_>>(),
    ))
}

/// Applies `--skip-bad-rows`: a row-level error is either counted or returned.
fn row_error(
    err: Error,
    path: &str,
    line: u64,
    options: ReadOptions,
    bad: &mut BadRows,
) -> Result<Flow> {
    let err = err.in_file(path).at_line(line);
    if !options.skip_bad_rows {
        return Err(err);
    }
    bad.count += 1;
    if bad.examples.len() < BAD_ROW_EXAMPLES {
        bad.examples.push(err);
    }
    Ok(Flow::Continue(()))
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        Error::new(format!("malformed row: {}", serde_message(&e))).at_column(e.column() as u64)
    })
}

/// Reads a JSON file's records as `T` and hands each to `add`; a row-level error (malformed JSON,
/// a missing field, a wrong type) stops the run or, with `--skip-bad-rows`, is counted.
fn read_records<T: serde::de::DeserializeOwned>(
    reader: &mut dyn Read,
    path: &str,
    options: ReadOptions,
    corpus: &mut Corpus,
    mut add: impl FnMut(T, &mut Texts, &mut Vec<Row>) -> Result<()>,
) -> Result<()> {
    let Corpus {
        texts,
        rows,
        bad_rows,
        ..
    } = corpus;
    for_each_record(reader, path, &mut |line, text| match text
        .and_then(parse_json::<T>)
        .and_then(|fields| add(fields, texts, rows))
    {
        Ok(()) => Ok(Flow::Continue(())),
        Err(err) => row_error(err, path, line, options, bad_rows),
    })
}

fn read_generated(
    reader: &mut dyn Read,
    path: &str,
    kind: Kind,
    options: ReadOptions,
    corpus: &mut Corpus,
) -> Result<()> {
    read_records(
        reader,
        path,
        options,
        corpus,
        |fields: GeneratedFields, texts, rows| {
            let row = fields.into_row(kind == Kind::DocumentBasedQa)?;
            rows.push(Row {
                kind,
                question: row.question,
                response: row.response,
                document: texts.intern(row.document),
                raw_document: texts.intern(row.raw_document),
                outline: texts.intern(row.outline),
                reasoning: row.reasoning,
            });
            Ok(())
        },
    )
}

fn read_seed(
    reader: &mut dyn Read,
    path: &str,
    options: ReadOptions,
    corpus: &mut Corpus,
) -> Result<()> {
    let mut seen: HashSet<(TextId, String, String)> = HashSet::new();
    read_records(
        reader,
        path,
        options,
        corpus,
        |fields: SeedFields, texts, rows| {
            let example = fields.into_example()?;
            let document = texts.intern(example.document);
            let outline = texts.intern(example.outline);
            for (question, answer) in example.pairs {
                if seen.insert((document, question.clone(), answer.clone())) {
                    rows.push(Row {
                        kind: Kind::SeedData,
                        question,
                        response: answer,
                        document,
                        raw_document: document,
                        outline,
                        reasoning: None,
                    });
                }
            }
            Ok(())
        },
    )
}

fn read_qna(reader: &mut dyn Read, path: &str, corpus: &mut Corpus) -> Result<()> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(format!("cannot read the file: {e}")).in_file(path))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        Error::new("the file is not valid UTF-8 text")
            .in_file(path)
            .at_line(line)
    })?;
    let qna = qna::parse(text, path)?;
    let outline = corpus.texts.intern(qna.document_outline);
    for example in qna.seed_examples {
        let context = corpus.texts.intern(example.context);
        for qa in example.questions_and_answers {
            corpus.rows.push(Row {
                kind: Kind::QnaYaml,
                question: qa.question,
                response: qa.answer,
                document: context,
                raw_document: context,
                outline,
                reasoning: None,
            });
        }
    }
    Ok(())
}
