//! One file of the first pass, fed its bytes in pieces: checksummed, decompressed, split into
//! records, and each record checked and noted in the index as its kind requires.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::dataset::{chat_messages, DatasetIndex, Span};
use super::generated::GeneratedFields;
use super::ids::{self, TextIds};
use super::inflate::Inflate;
use super::kind::{detect, detect_by_fields, Detection};
use super::placeholder::is_placeholder_question;
use super::records::{json_problem, Flow, Position, RecordSplitter, RecordText};
use super::seed::SeedFields;
use super::{qna, BadRows, Index, IndexRow, InputFile, Kind, ReadOptions, TextId};
use crate::error::{Error, Result};

/// A file being read.
pub struct FileReading {
    file: InputFile,
    /// The file's position in [`Index::files`].
    number: u32,
    /// Where the file's rows start in [`Index::rows`].
    first_row: usize,
    options: ReadOptions,
    rows: Rows,
    /// None: the edge hashes the file itself and gives the digest to the inputs later
    /// ([`crate::run::Inputs::give_digests`]).
    hasher: Option<Sha256>,
    inflate: Inflate,
    splitter: RecordSplitter,
}

/// What the file's records become.
enum Rows {
    /// A loose file: its first record's fields decide its kind.
    Sniffing,
    Ignored(String),
    Generated(Kind),
    Seed(HashSet<(TextId, u128)>),
    /// qna.yaml: the whole file, parsed once it is all there (it is small).
    Qna(Vec<u8>),
    Dataset(DatasetIndex),
}

impl Rows {
    /// The rows of a file of a known kind.
    fn of(kind: Kind) -> Self {
        match kind {
            Kind::QnaYaml => Rows::Qna(Vec::new()),
            Kind::SeedData => Rows::Seed(HashSet::new()),
            kind => Rows::Generated(kind),
        }
    }

    /// The kind of an input file, once it is known.
    fn kind(&self) -> Option<Kind> {
        match self {
            Rows::Generated(kind) => Some(*kind),
            Rows::Seed(_) => Some(Kind::SeedData),
            Rows::Qna(_) => Some(Kind::QnaYaml),
            Rows::Sniffing | Rows::Ignored(_) | Rows::Dataset(_) => None,
        }
    }
}

const BAD_ROW_EXAMPLES: usize = 20;

impl FileReading {
    /// An input file, its kind known from its path or, for a loose file, from its first record.
    pub fn input(path: &str, size: u64, index: &Index, options: ReadOptions) -> Self {
        let rows = match detect(path) {
            Detection::Kind(kind) => Rows::of(kind),
            Detection::Ignored(reason) => Rows::Ignored(reason),
            Detection::ByContent => Rows::Sniffing,
        };
        Self::new(path, size, index, options, rows, None)
    }

    /// A chat dataset to blend beside the knowledge mix, known by `name`.
    pub fn dataset(path: &str, size: u64, index: &Index, name: &str, options: ReadOptions) -> Self {
        let rows = Rows::Dataset(DatasetIndex {
            name: name.to_string(),
            file: index.files.len() as u32,
            rows: Vec::new(),
        });
        Self::new(path, size, index, options, rows, Some(name.to_string()))
    }

    fn new(
        path: &str,
        size: u64,
        index: &Index,
        options: ReadOptions,
        rows: Rows,
        dataset: Option<String>,
    ) -> Self {
        FileReading {
            file: InputFile {
                path: path.to_string(),
                size,
                kind: None,
                rows: 0,
                sha256: None,
                ignored: None,
                compressed: false,
                null_responses: 0,
                dataset,
            },
            number: index.files.len() as u32,
            first_row: index.rows.len(),
            options,
            rows,
            hasher: Some(Sha256::new()),
            inflate: Inflate::default(),
            splitter: RecordSplitter::new(path, options.max_row_bytes),
        }
    }

    /// Whether the file's bytes are still wanted: not for a file ignored for its name or its
    /// first record.
    pub fn wants_bytes(&self) -> bool {
        !matches!(self.rows, Rows::Ignored(_))
    }

    /// The edge hashes the whole file itself: its checksum is left to come.
    pub fn hash_elsewhere(&mut self) {
        self.hasher = None;
    }

    /// Reads the next piece of the file; false once no more is wanted.
    pub fn push(&mut self, bytes: &[u8], index: &mut Index) -> Result<bool> {
        if !self.wants_bytes() {
            return Ok(false);
        }
        if let Some(hasher) = &mut self.hasher {
            hasher.update(bytes);
        }
        let FileReading {
            file,
            number,
            options,
            rows,
            inflate,
            splitter,
            ..
        } = self;
        if let Rows::Qna(whole) = rows {
            whole.extend_from_slice(bytes);
            return Ok(true);
        }
        let mut records = Records::new(file, *number, *options, rows, index);
        let flow = inflate.push(bytes, records.path, &mut |text| {
            splitter.push(text, &mut |at, record| records.record(at, record))
        })?;
        Ok(flow.is_continue() && self.wants_bytes())
    }

    /// The file once all of it is pushed (or as much as was wanted).
    pub fn finish(self, index: &mut Index) -> Result<InputFile> {
        let FileReading {
            mut file,
            number,
            first_row,
            options,
            mut rows,
            hasher,
            inflate,
            mut splitter,
        } = self;
        if let Rows::Qna(whole) = &rows {
            let qna = qna::read(&mut whole.as_slice(), &file.path)?;
            index_qna(&qna, &file.path, number, index)?;
        } else if !matches!(rows, Rows::Ignored(_)) {
            file.compressed = inflate.is_gzip();
            let mut records = Records::new(&mut file, number, options, &mut rows, index);
            let path = records.path;
            let mut on_record = |at: Position, record: RecordText| records.record(at, record);
            let flow = inflate.finish(path, &mut |text| splitter.push(text, &mut on_record))?;
            if flow.is_continue() {
                splitter.finish(&mut on_record)?;
            }
        }
        match rows {
            Rows::Ignored(reason) => {
                file.ignored = Some(reason);
                return Ok(file);
            }
            // The splitter's finish refuses a file without records, so this is not reached.
            Rows::Sniffing => {
                return Err(Error::input("the file holds no rows").in_file(&file.path))
            }
            Rows::Dataset(dataset) => {
                file.rows = dataset.rows.len() as u64;
                index.datasets.push(dataset);
            }
            known => {
                file.kind = known.kind();
                file.rows = (index.rows.len() - first_row) as u64;
            }
        }
        file.sha256 = hasher.map(|h| crate::checksum::hex(&h.finalize()));
        Ok(file)
    }
}

/// A file's records on their way into the index.
struct Records<'a> {
    path: &'a str,
    null_responses: &'a mut u64,
    number: u32,
    options: ReadOptions,
    rows: &'a mut Rows,
    index: &'a mut Index,
}

impl<'a> Records<'a> {
    fn new(
        file: &'a mut InputFile,
        number: u32,
        options: ReadOptions,
        rows: &'a mut Rows,
        index: &'a mut Index,
    ) -> Self {
        Records {
            path: &file.path,
            null_responses: &mut file.null_responses,
            number,
            options,
            rows,
            index,
        }
    }

    fn record(&mut self, at: Position, record: RecordText) -> Result<Flow> {
        if let Rows::Sniffing = self.rows {
            // Not JSON, or not an object: no fields, so the file is ignored as of no known kind.
            let fields: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(record.clone()?).unwrap_or_default();
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            match detect_by_fields(&names) {
                Ok(kind) => *self.rows = Rows::of(kind),
                Err(reason) => {
                    *self.rows = Rows::Ignored(reason);
                    return Ok(Flow::Break(()));
                }
            }
        }
        match self.add(at, record) {
            Ok(()) => Ok(Flow::Continue(())),
            Err(err) => self.bad_row(err, at.line),
        }
    }

    fn add(&mut self, at: Position, record: RecordText) -> Result<()> {
        let text = record?;
        let Index { texts, rows, .. } = &mut *self.index;
        match &mut *self.rows {
            Rows::Generated(kind) => {
                let row = parse_json::<GeneratedFields>(text)?.into_record(*kind)?;
                *self.null_responses += u64::from(row.response.is_none());
                rows.push(IndexRow {
                    kind: *kind,
                    file: self.number,
                    offset: at.offset,
                    len: at.len,
                    part: 0,
                    document: texts.id(&row.document),
                    raw_document: texts.named_id(&row.raw_document),
                    placeholder: is_placeholder_question(&row.question),
                });
            }
            Rows::Seed(seen) => add_seed(text, at, self.number, seen, texts, rows)?,
            Rows::Dataset(dataset) => {
                chat_messages(text)?;
                dataset.rows.push(Span {
                    offset: at.offset,
                    len: at.len,
                    line: at.line,
                });
            }
            Rows::Sniffing | Rows::Ignored(_) | Rows::Qna(_) => {
                unreachable!("records are split only for JSON files of a known kind")
            }
        }
        Ok(())
    }

    /// Applies `--skip-bad-rows`: a row-level error is either counted or returned.
    fn bad_row(&mut self, err: Error, line: u64) -> Result<Flow> {
        let err = err.in_file(self.path).at_line(line);
        if !self.options.skip_bad_rows {
            return Err(err);
        }
        let bad: &mut BadRows = &mut self.index.bad_rows;
        bad.count += 1;
        if bad.examples.len() < BAD_ROW_EXAMPLES {
            bad.examples.push(err);
        }
        Ok(Flow::Continue(()))
    }
}

/// A seed example holds several Q&A pairs: each becomes a row, once per document.
fn add_seed(
    text: &str,
    at: Position,
    number: u32,
    seen: &mut HashSet<(TextId, u128)>,
    texts: &mut TextIds,
    rows: &mut Vec<IndexRow>,
) -> Result<()> {
    let example = parse_json::<SeedFields>(text)?.into_example()?;
    let document = texts.id(&example.document);
    for (part, (question, answer)) in example.pairs.iter().enumerate() {
        let pair = ids::text_hash(&format!("{question}\u{0}{answer}"));
        if seen.insert((document, pair)) {
            rows.push(IndexRow {
                kind: Kind::SeedData,
                file: number,
                offset: at.offset,
                len: at.len,
                part: part as u8,
                document,
                raw_document: document,
                placeholder: is_placeholder_question(question),
            });
        }
    }
    Ok(())
}

fn index_qna(qna: &qna::Qna, path: &str, number: u32, index: &mut Index) -> Result<()> {
    for (example_no, example) in qna.seed_examples.iter().enumerate() {
        let context = index.texts.id(&example.context);
        for (part, qa) in example.questions_and_answers.iter().enumerate() {
            index.rows.push(IndexRow {
                kind: Kind::QnaYaml,
                file: number,
                offset: example_no as u64,
                len: 0,
                part: u8::try_from(part).map_err(|_| {
                    Error::input("a seed example holds more than 255 questions")
                        .in_file(path)
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

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::input(json_problem(&e)).at_column(e.column() as u64))
}
