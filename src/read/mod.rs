//! The first pass: every input file is streamed once and becomes rows of one kind in a compact
//! index (where each row is, and the ids of its texts), with what was done with each file.

mod dataset;
mod fields;
mod file;
mod generated;
mod ids;
mod inflate;
mod kind;
mod placeholder;
mod qna;
mod record;
mod records;
mod reshape;
mod seed;
mod stored;

use std::io::Read;

use serde::Serialize;

use crate::checksum::Hashing;
use crate::error::{Error, Result};
use crate::source::{in_path_order, read_error, ByteSource};
pub use dataset::{chat_messages, dataset_name, ChatRow, DatasetIndex, Span, KNOWLEDGE, RAFT};
pub use file::{FileIndex, FileJob, FileReading};
pub use ids::{TextId, TextIds};
pub use inflate::decompressed;
pub use kind::Kind;
pub use qna::{read as read_qna, Qna};
pub use record::{parse_record, qna_record, Record};
pub use records::json_problem;
pub use reshape::blend_line;
pub use stored::StoredIndex;

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
    /// The line the record starts on, for errors found when it is read again (0: none, for
    /// qna.yaml); it fits in what the row's alignment pads anyway.
    pub line: u32,
    /// Which Q&A pair of the record (seed data and qna.yaml hold several per record).
    pub part: u8,
    pub document: TextId,
    pub raw_document: TextId,
    /// The question is a GPT-OSS placeholder.
    pub placeholder: bool,
}

/// A row's question, and its question with its response, each as [`crate::text::normal_hash`]
/// has them: what finds duplicates without reading the row again. Kept beside
/// [`Index::rows`] rather than in them, as tasks carry index rows and need none of this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RowHashes {
    pub question: u64,
    pub pair: u64,
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
    /// The path the file was given by, where another file has that path too: `path` is then the
    /// name kmix gives it ([`crate::source::in_path_order`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// Why a dataset to blend could not be read (it has no rows): a blend waits for it to be
    /// removed or mended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<FileError>,
}

/// Why a file could not be read: the error's fields, and `text`, the sentence a person reads.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FileError {
    #[serde(flatten)]
    pub error: Error,
    pub text: String,
}

impl From<Error> for FileError {
    fn from(error: Error) -> Self {
        FileError {
            text: error.to_string(),
            error,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
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
    /// For each of `rows`.
    pub hashes: Vec<RowHashes>,
    pub files: Vec<InputFile>,
    pub bad_rows: BadRows,
    /// How the files were read.
    pub options: ReadOptions,
    /// Added datasets, in the order given; their files follow the knowledge inputs in `files`.
    pub datasets: Vec<DatasetIndex>,
}

impl Index {
    /// The first dataset to blend that could not be read, with its error.
    pub fn dataset_error(&self) -> Option<&Error> {
        self.files
            .iter()
            .find_map(|f| f.error.as_ref().map(|e| &e.error))
    }

    /// Where inputs share a path, how they are told apart (a note, if any do).
    pub fn copy_note(&self) -> Option<String> {
        let copies: Vec<String> = (self.files.iter())
            .filter_map(|f| {
                f.copy_of
                    .as_ref()
                    .map(|given| format!("{} for {given}", f.path))
            })
            .collect();
        let shown = copies.len().min(COPIES_NAMED);
        let more = if copies.len() > shown { ", …" } else { "" };
        (!copies.is_empty()).then(|| {
            format!(
                "{} of the files given {} a path with an earlier one: in the order given, each is known by its path with a number before its extensions ({}{more}) in the table, the report and the manifest",
                copies.len(),
                if copies.len() == 1 { "shares" } else { "share" },
                copies[..shown].join(", ")
            )
        })
    }
}

/// Files named in the note on files that share a path.
const COPIES_NAMED: usize = 3;

/// Reads every source, in path order so that the result does not depend on the order given.
pub fn read_inputs(sources: &[&dyn ByteSource], options: ReadOptions) -> Result<Index> {
    let mut pass = FirstPass::new(sources.to_vec(), options);
    while pass.read_next()? {}
    Ok(pass.finish()?.0)
}

/// The first pass, one file at a time in path order: `read_next` pulls a file through its
/// source's stream; or an edge reads each file of `jobs` itself (with [`FileReading`], on any
/// thread or worker, several at once) and hands it to `add_file`, in order. It owns the sources
/// and gives them back at the end.
pub struct FirstPass<S> {
    /// The knowledge inputs in path order, then the added datasets in the order given.
    sources: Vec<S>,
    /// The name of each of `sources` in the index: its path, or a copy's name where two have one.
    names: Vec<String>,
    /// How many of `sources` are knowledge inputs.
    knowledge: usize,
    /// The names of the added datasets.
    dataset_names: Vec<String>,
    next: usize,
    index: Index,
    options: ReadOptions,
}

/// How much of a file the pull path reads at a time.
const READ_PIECE: usize = 256 << 10;

impl<S: ByteSource> FirstPass<S> {
    pub fn new(sources: Vec<S>, options: ReadOptions) -> Self {
        let (names, sources): (Vec<String>, Vec<S>) = in_path_order(sources).into_iter().unzip();
        FirstPass {
            knowledge: sources.len(),
            sources,
            names,
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
            if let Some(taken) = [KNOWLEDGE, RAFT]
                .iter()
                .find(|n| name.eq_ignore_ascii_case(n))
            {
                return Err(Error::parameters(format!(
                    "a dataset may not be called `{taken}`: blends use that name for kmix's own rows; rename the file"
                ))
                .in_file(path));
            }
            if self.dataset_names.contains(&name) {
                return Err(Error::parameters(format!(
                    "two datasets are called `{name}`: a blend knows each by its file name; rename one"
                ))
                .in_file(path));
            }
            if self.names.iter().any(|n| n == path) {
                return Err(Error::parameters(
                    "an input file has the same name as this dataset to blend; rename the dataset",
                )
                .in_file(path));
            }
            self.dataset_names.push(name);
            self.names.push(path.to_string());
            self.sources.push(source);
        }
        Ok(())
    }

    /// Every file to read, in the order `add_file` takes them, with its source.
    pub fn jobs(&self) -> impl Iterator<Item = (FileJob, &S)> {
        (0..self.sources.len()).map(|n| (self.job(n), &self.sources[n]))
    }

    fn job(&self, n: usize) -> FileJob {
        let source = &self.sources[n];
        FileJob {
            number: n as u32,
            path: self.names[n].clone(),
            size: source.size(),
            dataset: n
                .checked_sub(self.knowledge)
                .map(|d| self.dataset_names[d].clone()),
            skip_bad_rows: self.options.skip_bad_rows,
            max_row_bytes: self.options.max_row_bytes,
        }
    }

    /// Reads the next file through its source's stream; false when every file has been read.
    pub fn read_next(&mut self) -> Result<bool> {
        let Some(source) = self.sources.get(self.next) else {
            return Ok(false);
        };
        let mut reading = FileReading::new(&self.job(self.next), Hashing::Here);
        if reading.wants_bytes() {
            let path = self.names[self.next].as_str();
            let mut stream = source
                .open()
                .map_err(|e| Error::io(format!("cannot open the file: {e}")).in_file(path))?;
            let mut piece = vec![0; READ_PIECE];
            loop {
                let n = match stream.read(&mut piece) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(read_error(e, path)),
                };
                if n == 0 || !reading.push(&piece[..n])? {
                    break;
                }
            }
        }
        self.add_file(reading.finish()?)?;
        Ok(true)
    }

    /// The next file, in order, read by the edge from its job.
    pub fn add_file(&mut self, mut read: FileIndex) -> Result<()> {
        match self.sources.get(self.next) {
            Some(source) if self.names[self.next] == read.file.path => {
                read.file.copy_of = (source.path() != read.file.path).then(|| source.path().into());
            }
            _ => {
                return Err(Error::input(format!(
                    "expected file {} of {} next, not {}",
                    self.next + 1,
                    self.sources.len(),
                    read.file.path
                )))
            }
        }
        self.index.add_file(read)?;
        self.next += 1;
        Ok(())
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

fn is_zero(n: &u64) -> bool {
    *n == 0
}
