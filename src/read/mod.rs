//! The first pass: every input file is streamed once and becomes rows of one kind in a compact
//! index (where each row is, and the ids of its texts), with what was done with each file.

mod dataset;
mod fields;
mod generated;
mod ids;
mod kind;
mod placeholder;
mod qna;
mod record;
mod records;
mod seed;

use std::collections::HashSet;
use std::io::Read;

use serde::Serialize;

use crate::checksum::Hashing;
use crate::error::{Error, Result};
use crate::source::{read_error, ByteSource};
pub use dataset::{chat_messages, dataset_name, one_line, DatasetIndex, Span, KNOWLEDGE};
use generated::GeneratedFields;
pub use ids::{TextId, TextIds};
pub use kind::Kind;
use kind::{detect, detect_by_fields, Detection};
use placeholder::is_placeholder_question;
pub use qna::{read as read_qna, Qna};
pub use record::{parse_record, qna_record, Record};
use records::Position;
pub use records::{decompressed, is_gzip, json_problem};
use records::{for_each_record, Flow};
use seed::SeedFields;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReadOptions {
    /// Go on past rows with a missing field, a wrong type or malformed JSON, counting them.
    pub skip_bad_rows: bool,
    /// The most bytes one row (one line of JSON Lines) may hold: a longer one is an error naming
    /// its file and line, rather than all memory taken by one endless line.
    #[serde(skip)]
    pub max_row_bytes: usize,
}

/// 256 MB: generous for any real row (a row repeats its source chunk, rarely above a few MB).
pub const DEFAULT_MAX_ROW_BYTES: usize = 256 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            skip_bad_rows: false,
            max_row_bytes: DEFAULT_MAX_ROW_BYTES,
        }
    }
}

/// One Q&A pair in the first pass's index: where to read it again, and the ids of its
/// augmentation (`document`) and source chunk (`raw_document`), which is all sampling needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexRow {
    pub kind: Kind,
    /// Position of the file in [`Index::files`].
    pub file: u32,
    /// The record's bytes in the (decompressed) file; for qna.yaml, `offset` is the seed example.
    pub offset: u64,
    pub len: u32,
    /// Which Q&A pair of the record (seed data and qna.yaml hold several per record).
    pub part: u8,
    pub document: TextId,
    pub raw_document: TextId,
    /// The question is a GPT-OSS placeholder.
    pub placeholder: bool,
}

/// What was done with one input file, for the report and the manifest.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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
    /// Gzip: the second pass streams it instead of reading ranges.
    pub compressed: bool,
    /// Rows kept although their response is null (their assistant content is null).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub null_responses: u64,
    /// An added dataset's name: the file is blended beside the knowledge mix, not mixed into it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BadRows {
    pub count: u64,
    /// The first few, so the report can show what was wrong without growing with the input.
    pub examples: Vec<Error>,
}

/// The first pass's result: every input file, and a compact row for each Q&A pair. Its size grows
/// with the number of rows (about 40 bytes each), not with the size of their texts.
#[derive(Debug, Default)]
pub struct Index {
    pub texts: TextIds,
    pub rows: Vec<IndexRow>,
    pub files: Vec<InputFile>,
    pub bad_rows: BadRows,
    /// How the files were read.
    pub options: ReadOptions,
    /// Added datasets, in the order given; their files follow the knowledge inputs in `files`.
    pub datasets: Vec<DatasetIndex>,
}

const BAD_ROW_EXAMPLES: usize = 20;

/// Reads every source, in path order so that the result does not depend on the order given.
pub fn read_inputs(sources: &[&dyn ByteSource], options: ReadOptions) -> Result<Index> {
    let mut pass = FirstPass::new(sources.to_vec(), options);
    while pass.read_next()? {}
    Ok(pass.finish()?.0)
}

/// The first pass one file at a time, in path order, for an edge that reports progress or returns
/// to its event loop between files. It owns the sources and gives them back at the end.
pub struct FirstPass<S> {
    /// The knowledge inputs in path order, then the added datasets in the order given.
    sources: Vec<S>,
    /// How many of `sources` are knowledge inputs.
    knowledge: usize,
    /// The names of the added datasets.
    dataset_names: Vec<String>,
    next: usize,
    index: Index,
    options: ReadOptions,
}

impl<S: ByteSource> FirstPass<S> {
    pub fn new(mut sources: Vec<S>, options: ReadOptions) -> Self {
        // Stable: two sources of one path keep the order they were given in.
        sources.sort_by(|a, b| a.path().cmp(b.path()));
        FirstPass {
            knowledge: sources.len(),
            sources,
            dataset_names: Vec::new(),
            next: 0,
            index: Index::default(),
            options,
        }
    }

    /// Adds chat datasets to blend beside the knowledge mix, each known by its file name.
    pub fn add_datasets(&mut self, datasets: Vec<S>) -> Result<()> {
        for source in datasets {
            let path = source.path();
            let name = dataset_name(path).to_string();
            if name.eq_ignore_ascii_case(KNOWLEDGE) {
                return Err(Error::parameters(format!(
                    "a dataset may not be called `{KNOWLEDGE}`: blends use that name for the knowledge mix; rename the file"
                ))
                .in_file(path));
            }
            if self.dataset_names.contains(&name) {
                return Err(Error::parameters(format!(
                    "two datasets are called `{name}`: a blend knows each by its file name; rename one"
                ))
                .in_file(path));
            }
            if self.sources.iter().any(|s| s.path() == path) {
                return Err(Error::parameters(
                    "an input file has the same name as this dataset to blend; rename the dataset",
                )
                .in_file(path));
            }
            self.dataset_names.push(name);
            self.sources.push(source);
        }
        Ok(())
    }

    /// How many files the pass reads in all.
    pub fn files(&self) -> usize {
        self.sources.len()
    }

    /// Reads the next file; false when every file has been read.
    pub fn read_next(&mut self) -> Result<bool> {
        let Some(source) = self.sources.get(self.next) else {
            return Ok(false);
        };
        let file = match self.next.checked_sub(self.knowledge) {
            None => read_source(source, self.options, &mut self.index)?,
            Some(d) => read_dataset(
                source,
                &self.dataset_names[d],
                self.options,
                &mut self.index,
            )?,
        };
        self.index.files.push(file);
        self.next += 1;
        Ok(true)
    }

    /// The index, once every file is read, and the sources, in path order.
    pub fn finish(self) -> Result<(Index, Vec<S>)> {
        let index = Index {
            options: self.options,
            ..self.index
        };
        if self.next < self.sources.len() {
            return Err(Error::input(format!(
                "the first pass read {} of {} files",
                self.next,
                self.sources.len()
            )));
        }
        if index.files[..self.knowledge]
            .iter()
            .all(|f| f.kind.is_none())
        {
            return Err(Error::input(format!(
                "no input kmix can mix among {} file(s): expected folders {}, qna.yaml or final_seed_data.jsonl",
                index.files.len(),
                ["extractive_summary/", "detailed_summary/", "key_facts_to_qa/", "document_based_qa/"].join(", ")
            )));
        }
        Ok((index, self.sources))
    }
}

fn read_source(
    source: &impl ByteSource,
    options: ReadOptions,
    index: &mut Index,
) -> Result<InputFile> {
    let path = source.path();
    let mut file = InputFile {
        path: path.to_string(),
        size: source.size(),
        kind: None,
        rows: 0,
        sha256: None,
        ignored: None,
        compressed: false,
        null_responses: 0,
        dataset: None,
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
    let rows_before = index.rows.len();
    let at = FileAt {
        path,
        file: index.files.len() as u32,
    };
    match kind {
        Kind::QnaYaml => index_qna(&mut reader, at, index)?,
        Kind::SeedData => read_seed(&mut reader, at, options, index)?,
        _ => file.null_responses = read_generated(&mut reader, at, kind, options, index)?,
    }
    // Hash what the parser did not need to read too, so the checksum covers the whole file.
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| read_error(e, path))?;
    file.kind = Some(kind);
    file.rows = (index.rows.len() - rows_before) as u64;
    file.sha256 = Some(reader.finish().1);
    file.compressed = starts_gzip(source)?;
    Ok(file)
}

/// Whether the file is gzip, from its first two bytes alone (a stream would read a whole slice).
fn starts_gzip(source: &dyn ByteSource) -> Result<bool> {
    let head = source
        .read_at(0, source.size().min(2) as usize)
        .map_err(|e| read_error(e, source.path()))?;
    is_gzip(&mut head.as_slice()).map_err(|e| read_error(e, source.path()))
}

fn open(source: &dyn ByteSource) -> Result<Box<dyn Read>> {
    source
        .open()
        .map_err(|e| Error::io(format!("cannot open the file: {e}")).in_file(source.path()))
}

/// Reads an added dataset: every row checked, and noted by position.
fn read_dataset(
    source: &impl ByteSource,
    name: &str,
    options: ReadOptions,
    index: &mut Index,
) -> Result<InputFile> {
    let path = source.path();
    let mut reader = Hashing::new(open(source)?);
    let mut rows = Vec::new();
    for_each_record(
        &mut reader,
        path,
        options.max_row_bytes,
        &mut |at, text| match text.and_then(chat_messages) {
            Ok(_) => {
                rows.push(Span {
                    offset: at.offset,
                    len: at.len,
                    line: at.line,
                });
                Ok(Flow::Continue(()))
            }
            Err(err) => row_error(err, path, at.line, options, &mut index.bad_rows),
        },
    )?;
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| read_error(e, path))?;
    let file = InputFile {
        path: path.to_string(),
        size: source.size(),
        kind: None,
        rows: rows.len() as u64,
        sha256: Some(reader.finish().1),
        ignored: None,
        compressed: starts_gzip(source)?,
        null_responses: 0,
        dataset: Some(name.to_string()),
    };
    index.datasets.push(DatasetIndex {
        name: name.to_string(),
        file: index.files.len() as u32,
        rows,
    });
    Ok(file)
}

/// The kind of a loose JSON file, from its first row's field names; `Err` is why it is ignored.
fn sniff_kind(source: &dyn ByteSource) -> Result<Result<Kind, String>> {
    let mut fields: Option<Vec<String>> = None;
    for_each_record(
        open(source)?,
        source.path(),
        DEFAULT_MAX_ROW_BYTES,
        &mut |_, text| {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text?).unwrap_or_default();
            fields = Some(map.keys().cloned().collect());
            Ok(Flow::Break(()))
        },
    )?;
    let fields = fields.unwrap_or_default();
    Ok(detect_by_fields(
        &fields.iter().map(String::as_str).collect::<Vec<_>>(),
    ))
}

/// The file being read, for errors and for its rows' index entries.
#[derive(Clone, Copy)]
struct FileAt<'a> {
    path: &'a str,
    file: u32,
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
    serde_json::from_str(text)
        .map_err(|e| Error::input(json_problem(&e)).at_column(e.column() as u64))
}

/// Reads a JSON file's records as `T` and hands each, with its position, to `add`; a row-level
/// error (malformed JSON, a missing field, a wrong type) stops the run or, with
/// `--skip-bad-rows`, is counted.
fn read_records<T: serde::de::DeserializeOwned>(
    reader: &mut dyn Read,
    path: &str,
    options: ReadOptions,
    index: &mut Index,
    mut add: impl FnMut(T, Position, &mut TextIds, &mut Vec<IndexRow>) -> Result<()>,
) -> Result<()> {
    let Index {
        texts,
        rows,
        bad_rows,
        ..
    } = index;
    for_each_record(
        reader,
        path,
        options.max_row_bytes,
        &mut |at, text| match text
            .and_then(parse_json::<T>)
            .and_then(|fields| add(fields, at, texts, rows))
        {
            Ok(()) => Ok(Flow::Continue(())),
            Err(err) => row_error(err, path, at.line, options, bad_rows),
        },
    )
}

fn read_generated(
    reader: &mut dyn Read,
    at: FileAt,
    kind: Kind,
    options: ReadOptions,
    index: &mut Index,
) -> Result<u64> {
    let mut null_responses = 0;
    read_records(
        reader,
        at.path,
        options,
        index,
        |fields: GeneratedFields, pos, texts, rows| {
            let row = fields.into_record(kind)?;
            null_responses += u64::from(row.response.is_none());
            rows.push(IndexRow {
                kind,
                file: at.file,
                offset: pos.offset,
                len: pos.len,
                part: 0,
                document: texts.id(&row.document),
                raw_document: texts.named_id(&row.raw_document),
                placeholder: is_placeholder_question(&row.question),
            });
            Ok(())
        },
    )?;
    Ok(null_responses)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn read_seed(
    reader: &mut dyn Read,
    at: FileAt,
    options: ReadOptions,
    index: &mut Index,
) -> Result<()> {
    let mut seen: HashSet<(TextId, u128)> = HashSet::new();
    read_records(
        reader,
        at.path,
        options,
        index,
        |fields: SeedFields, pos, texts, rows| {
            let example = fields.into_example()?;
            let document = texts.id(&example.document);
            for (part, (question, answer)) in example.pairs.iter().enumerate() {
                let pair = ids::text_hash(&format!("{question}\u{0}{answer}"));
                if seen.insert((document, pair)) {
                    rows.push(IndexRow {
                        kind: Kind::SeedData,
                        file: at.file,
                        offset: pos.offset,
                        len: pos.len,
                        part: part as u8,
                        document,
                        raw_document: document,
                        placeholder: is_placeholder_question(question),
                    });
                }
            }
            Ok(())
        },
    )
}

fn index_qna(reader: &mut dyn Read, at: FileAt, index: &mut Index) -> Result<()> {
    let qna = qna::read(reader, at.path)?;
    for (example_no, example) in qna.seed_examples.iter().enumerate() {
        let context = index.texts.id(&example.context);
        for (part, qa) in example.questions_and_answers.iter().enumerate() {
            index.rows.push(IndexRow {
                kind: Kind::QnaYaml,
                file: at.file,
                offset: example_no as u64,
                len: 0,
                part: u8::try_from(part).map_err(|_| {
                    Error::input("a seed example holds more than 255 questions")
                        .in_file(at.path)
                        .field("questions_and_answers")
                })?,
                document: context,
                raw_document: context,
                placeholder: is_placeholder_question(&qa.question),
            });
        }
    }
    Ok(())
}
