//! One file of the first pass, fed its bytes in pieces: checksummed, decompressed, split into
//! records, and each record checked and noted as its kind requires, in an index of the file's
//! own. Files are read independently of each other (on any thread, or any worker of the page)
//! and their indexes added to the whole in path order ([`Index::add_file`]).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::dataset::{chat_messages, DatasetIndex, Span};
use super::generated::GeneratedFields;
use super::ids::{self, TextIds};
use super::inflate::Inflate;
use super::kind::{detect, detect_by_fields, Detection};
use super::placeholder::is_placeholder_question;
use super::records::{json_problem, Flow, Position, RecordSplitter, RecordText};
use super::reshape::Reshapes;
use super::seed::SeedFields;
use super::{qna, BadRows, Index, IndexRow, InputFile, Kind, ReadOptions, RowHashes, TextId};
use crate::checksum::{Checksum, Hashing};
use crate::error::{Error, Result};
use crate::text;

/// What reading one file needs to know: which file, its place among them, and how to read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileJob {
    /// The file's position in [`Index::files`].
    pub number: u32,
    pub path: String,
    pub size: u64,
    /// An added dataset's name: the file is a chat dataset to blend, not a knowledge input.
    pub dataset: Option<String>,
    pub skip_bad_rows: bool,
    pub max_row_bytes: usize,
}

impl FileJob {
    fn options(&self) -> ReadOptions {
        ReadOptions {
            skip_bad_rows: self.skip_bad_rows,
            max_row_bytes: self.max_row_bytes,
        }
    }
}

/// One file, read: what was done with it, and its rows, whose text ids are its own until the
/// file is added to the index.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileIndex {
    pub file: InputFile,
    pub number: u32,
    /// The hash of each of its text ids (by id), and the start of those that name a source chunk.
    texts: Vec<u128>,
    starts: Vec<(TextId, String)>,
    rows: Vec<IndexRow>,
    hashes: Vec<RowHashes>,
    bad_rows: BadRows,
    /// An added dataset's rows, and how many are reshaped for the blends.
    dataset_rows: Option<(Vec<Span>, Reshapes)>,
}

/// What a file's records are noted in as it is read.
#[derive(Default)]
struct Noted {
    texts: TextIds,
    rows: Vec<IndexRow>,
    hashes: Vec<RowHashes>,
    bad_rows: BadRows,
    /// Reused to normalise each row's texts.
    buffer: String,
}

impl Noted {
    fn push(&mut self, row: IndexRow, question: &str, response: &str) {
        let buffer = &mut self.buffer;
        self.hashes.push(RowHashes {
            question: text::normal_hash(&[question], buffer),
            pair: text::normal_hash(&[question, response], buffer),
        });
        self.rows.push(row);
    }
}

/// A file being read.
pub struct FileReading {
    file: InputFile,
    /// The file's position in [`Index::files`].
    number: u32,
    options: ReadOptions,
    noted: Noted,
    rows: Rows,
    /// Hashed here as it is read, or by the edge, which gives the digest before `finish`.
    checksum: Checksum,
    inflate: Inflate,
    splitter: RecordSplitter,
    /// Why a dataset to blend cannot be read: it is kept, unread, so that the person sees the
    /// error beside it and can remove it (a knowledge input's error ends the first pass).
    failed: Option<Error>,
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
    /// A chat dataset's rows.
    Dataset(Vec<Span>, Reshapes),
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
            Rows::Sniffing | Rows::Ignored(_) | Rows::Dataset(..) => None,
        }
    }
}

const BAD_ROW_EXAMPLES: usize = 20;

impl FileReading {
    /// An input file, its kind known from its path or, for a loose file, from its first record;
    /// or a chat dataset to blend beside the knowledge mix. `hashing`: whether the core hashes
    /// its bytes, or the edge does and gives the digest ([`Self::give_digest`]).
    pub fn new(job: &FileJob, hashing: Hashing) -> Self {
        let path = job.path.as_str();
        let rows = match (&job.dataset, detect(path)) {
            (Some(_), _) => Rows::Dataset(Vec::new(), Reshapes::default()),
            (None, Detection::Kind(kind)) => Rows::of(kind),
            (None, Detection::Ignored(reason)) => Rows::Ignored(reason),
            (None, Detection::ByContent) => Rows::Sniffing,
        };
        FileReading {
            file: InputFile {
                path: path.to_string(),
                size: job.size,
                kind: None,
                rows: 0,
                sha256: None,
                ignored: None,
                compressed: false,
                null_responses: 0,
                dataset: job.dataset.clone(),
                copy_of: None,
                error: None,
            },
            number: job.number,
            options: job.options(),
            noted: Noted::default(),
            rows,
            checksum: Checksum::new(hashing),
            inflate: Inflate::default(),
            splitter: RecordSplitter::new(path, job.max_row_bytes),
            failed: None,
        }
    }

    /// Whether the file's bytes are still wanted: not for a file ignored for its name or its
    /// first record.
    pub fn wants_bytes(&self) -> bool {
        !matches!(self.rows, Rows::Ignored(_)) && self.failed.is_none()
    }

    /// Reads the next piece of the file; false once no more is wanted.
    pub fn push(&mut self, bytes: &[u8]) -> Result<bool> {
        match self.read_piece(bytes) {
            Err(e) if self.file.dataset.is_some() => {
                self.failed = Some(e.in_file(&self.file.path));
                Ok(false)
            }
            read => read,
        }
    }

    fn read_piece(&mut self, bytes: &[u8]) -> Result<bool> {
        if !self.wants_bytes() {
            return Ok(false);
        }
        self.checksum.update(bytes);
        let FileReading {
            file,
            number,
            options,
            noted,
            rows,
            inflate,
            splitter,
            ..
        } = self;
        if let Rows::Qna(whole) = rows {
            whole.extend_from_slice(bytes);
            return Ok(true);
        }
        let mut records = Records::new(file, *number, *options, rows, noted);
        let flow = inflate.push(bytes, records.path, &mut |text| {
            splitter.push(text, &mut |at, record| records.record(at, record))
        })?;
        Ok(flow.is_continue() && self.wants_bytes())
    }

    /// The file's SHA-256 (hex), when the edge hashes it: given before `finish`.
    pub fn give_digest(&mut self, digest: String) -> Result<()> {
        (self.checksum.give(digest)).map_err(|e| e.in_file(&self.file.path))
    }

    /// The file once all of it is pushed (or as much as was wanted); a dataset that cannot be
    /// read comes with its error (`file.error`) and no rows.
    pub fn finish(mut self) -> Result<FileIndex> {
        let (file, number) = (self.file.clone(), self.number);
        let read = match self.failed.take() {
            Some(e) => Err(e),
            None => self.finish_reading(),
        };
        match read {
            Err(e) if file.dataset.is_some() => Ok(FileIndex::failed(file, number, e)),
            read => read,
        }
    }

    fn finish_reading(self) -> Result<FileIndex> {
        let FileReading {
            mut file,
            number,
            options,
            mut noted,
            mut rows,
            checksum,
            inflate,
            mut splitter,
            ..
        } = self;
        if let Rows::Qna(whole) = &rows {
            let qna = qna::read(&mut whole.as_slice(), &file.path)?;
            index_qna(&qna, &file.path, number, &mut noted)?;
        } else if !matches!(rows, Rows::Ignored(_)) {
            file.compressed = inflate.is_gzip();
            let mut records = Records::new(&mut file, number, options, &mut rows, &mut noted);
            let path = records.path;
            let mut on_record = |at: Position, record: RecordText| records.record(at, record);
            let flow = inflate.finish(path, &mut |text| splitter.push(text, &mut on_record))?;
            if flow.is_continue() {
                splitter.finish(&mut on_record)?;
            }
        }
        let mut dataset_rows = None;
        match rows {
            Rows::Ignored(reason) => file.ignored = Some(reason),
            // The splitter's finish refuses a file without records, so this is not reached.
            Rows::Sniffing => {
                return Err(Error::input("the file holds no rows").in_file(&file.path))
            }
            Rows::Dataset(spans, reshapes) => {
                file.rows = spans.len() as u64;
                dataset_rows = Some((spans, reshapes));
            }
            known => {
                file.kind = known.kind();
                file.rows = noted.rows.len() as u64;
            }
        }
        if file.ignored.is_none() {
            file.sha256 = Some(checksum.finish().map_err(|e| e.in_file(&file.path))?);
        }
        let (texts, starts) = noted.texts.into_parts();
        Ok(FileIndex {
            file,
            number,
            texts,
            starts,
            rows: noted.rows,
            hashes: noted.hashes,
            bad_rows: noted.bad_rows,
            dataset_rows,
        })
    }
}

impl FileIndex {
    /// A dataset that cannot be read: no rows, and why.
    fn failed(mut file: InputFile, number: u32, error: Error) -> FileIndex {
        file.error = Some(error.in_file(&file.path).into());
        FileIndex {
            file,
            number,
            texts: Vec::new(),
            starts: Vec::new(),
            rows: Vec::new(),
            hashes: Vec::new(),
            bad_rows: BadRows::default(),
            dataset_rows: Some((Vec::new(), Reshapes::default())),
        }
    }
}

impl Index {
    /// Adds the next file, in path order: its rows' text ids become the index's, given in the
    /// order the texts first appear, so that the index is the same however the files were read.
    pub(super) fn add_file(&mut self, read: FileIndex) -> Result<()> {
        if read.number as usize != self.files.len() {
            return Err(Error::input(format!(
                "file {} was read for position {} of the index, not {}",
                read.file.path,
                read.number,
                self.files.len()
            )));
        }
        if read.hashes.len() != read.rows.len() {
            return Err(
                Error::input("a file's index holds a hash for each row, or is not one")
                    .in_file(&read.file.path),
            );
        }
        let ids = self.texts.add(read.texts, read.starts);
        let known = |id: TextId| ids.get(id as usize).copied();
        let rows = read.rows.into_iter().map(|row| {
            Some(IndexRow {
                document: known(row.document)?,
                raw_document: known(row.raw_document)?,
                ..row
            })
        });
        let rows: Option<Vec<IndexRow>> = rows.collect();
        self.rows.extend(rows.ok_or_else(|| {
            Error::input("a row names a text the file's index does not hold")
                .in_file(&read.file.path)
        })?);
        self.hashes.extend(read.hashes);
        let bad = &mut self.bad_rows;
        bad.count += read.bad_rows.count;
        let room = BAD_ROW_EXAMPLES.saturating_sub(bad.examples.len());
        bad.examples
            .extend(read.bad_rows.examples.into_iter().take(room));
        if let (Some((rows, reshapes)), Some(name)) = (read.dataset_rows, &read.file.dataset) {
            self.datasets.push(DatasetIndex {
                name: name.clone(),
                file: read.number,
                rows,
                reshapes,
            });
        }
        self.files.push(read.file);
        Ok(())
    }
}

/// A file's records on their way into its index.
struct Records<'a> {
    path: &'a str,
    null_responses: &'a mut u64,
    number: u32,
    options: ReadOptions,
    rows: &'a mut Rows,
    noted: &'a mut Noted,
}

impl<'a> Records<'a> {
    fn new(
        file: &'a mut InputFile,
        number: u32,
        options: ReadOptions,
        rows: &'a mut Rows,
        noted: &'a mut Noted,
    ) -> Self {
        Records {
            path: &file.path,
            null_responses: &mut file.null_responses,
            number,
            options,
            rows,
            noted,
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
        let noted = &mut *self.noted;
        match &mut *self.rows {
            Rows::Generated(kind) => {
                let row = parse_json::<GeneratedFields>(text)?.into_record(*kind)?;
                *self.null_responses += u64::from(row.response.is_none());
                let texts = &mut noted.texts;
                let index_row = IndexRow {
                    kind: *kind,
                    file: self.number,
                    offset: at.offset,
                    len: at.len,
                    line: at.line_u32(),
                    part: 0,
                    document: texts.id(&row.document),
                    raw_document: texts.named_id(&row.raw_document),
                    placeholder: is_placeholder_question(&row.question),
                };
                let response = row.response.as_deref().unwrap_or_default();
                noted.push(index_row, &row.question, response);
            }
            Rows::Seed(seen) => add_seed(text, at, self.number, seen, noted)?,
            Rows::Dataset(spans, reshapes) => {
                chat_messages(text)?;
                reshapes.add(text);
                spans.push(Span {
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
        let bad: &mut BadRows = &mut self.noted.bad_rows;
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
    noted: &mut Noted,
) -> Result<()> {
    let example = parse_json::<SeedFields>(text)?.into_example()?;
    let document = noted.texts.id(&example.document);
    for (part, (question, answer)) in example.pairs.iter().enumerate() {
        let pair = ids::text_hash(&format!("{question}\u{0}{answer}"));
        if seen.insert((document, pair)) {
            let row = IndexRow {
                kind: Kind::SeedData,
                file: number,
                offset: at.offset,
                len: at.len,
                line: at.line_u32(),
                part: part as u8,
                document,
                raw_document: document,
                placeholder: is_placeholder_question(question),
            };
            noted.push(row, question, answer);
        }
    }
    Ok(())
}

fn index_qna(qna: &qna::Qna, path: &str, number: u32, noted: &mut Noted) -> Result<()> {
    for (example_no, example) in qna.seed_examples.iter().enumerate() {
        let context = noted.texts.id(&example.context);
        for (part, qa) in example.questions_and_answers.iter().enumerate() {
            let row = IndexRow {
                kind: Kind::QnaYaml,
                file: number,
                offset: example_no as u64,
                len: 0,
                line: 0,
                part: u8::try_from(part).map_err(|_| {
                    Error::input("a seed example holds more than 255 questions")
                        .in_file(path)
                        .field("questions_and_answers")
                })?,
                document: context,
                raw_document: context,
                placeholder: is_placeholder_question(&qa.question),
            };
            noted.push(row, &qa.question, &qa.answer);
        }
    }
    Ok(())
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::input(json_problem(&e)).at_column(e.column() as u64))
}
