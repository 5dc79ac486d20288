//! The second pass: reads the rows a mix selected again, by the positions the first pass noted,
//! and gives them whole. Plain files are read by range; gzip files are streamed forward.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::io::{BufRead, Read};

use crate::error::{Error, Result};
use crate::read::{
    decompressed, parse_record, qna_record, read_qna, IndexRow, InputFile, Kind, Qna, Record, Span,
};
use crate::source::{in_path_order, read_error, ByteSource};

/// The most bytes one read of a run of rows may take.
const SPAN_LIMIT: u64 = 32 << 20;

pub struct Rereader<'a> {
    /// For each input file (as in [`crate::read::Index::files`]): its source and whether it is gzip.
    files: Vec<(&'a dyn ByteSource, bool)>,
    cache: RereadCache,
}

/// What a Rereader keeps between calls: where each gzip file's stream stands, and the parsed
/// qna.yaml files. Handing it from one Rereader to the next (see [`Rereader::with_cache`]) keeps
/// a gzip file from being decompressed again from its start for every task.
#[derive(Default)]
pub struct RereadCache {
    streams: HashMap<u32, Stream>,
    qna: HashMap<u32, Qna>,
}

/// A gzip file's decompressed bytes, read forward.
struct Stream {
    reader: Box<dyn BufRead>,
    position: u64,
}

impl<'a> Rereader<'a> {
    /// Matches each input file to its source by the name the first pass gave it (its path, or a
    /// copy's name where two sources have one path: [`in_path_order`] names them alike here).
    pub fn new(files: &[InputFile], sources: &[&'a dyn ByteSource]) -> Result<Self> {
        Self::with_cache(files, sources, RereadCache::default())
    }

    /// As [`Rereader::new`], going on from where an earlier Rereader of the same files left off.
    pub fn with_cache(
        files: &[InputFile],
        sources: &[&'a dyn ByteSource],
        cache: RereadCache,
    ) -> Result<Self> {
        let by_name: HashMap<String, &'a dyn ByteSource> =
            in_path_order(sources.to_vec()).into_iter().collect();
        let files = files
            .iter()
            .map(|f| match by_name.get(f.path.as_str()) {
                Some(source) if source.size() == f.size => Ok((*source, f.compressed)),
                Some(_) => Err(Error::io("the file changed since it was read").in_file(&f.path)),
                None => Err(Error::io("the file is gone since it was read").in_file(&f.path)),
            })
            .collect::<Result<_>>()?;
        Ok(Rereader { files, cache })
    }

    /// Input file `file`'s path, for errors that name it.
    pub fn path(&self, file: u32) -> &str {
        self.files[file as usize].0.path()
    }

    pub fn into_cache(self) -> RereadCache {
        self.cache
    }

    /// The rows, in the order given. Runs of rows that lie close together in a plain file are
    /// read with one read of their span (one browser call, one system call) instead of one each.
    pub fn records(&mut self, rows: &[IndexRow]) -> Result<Vec<Record>> {
        let mut records = Vec::with_capacity(rows.len());
        let mut start = 0;
        while start < rows.len() {
            let end = start + self.dense_run(&rows[start..]);
            if end - start > 1 {
                let first = &rows[start];
                let last = &rows[end - 1];
                let span_end = last.offset + u64::from(last.len);
                let (source, _) = self.files[first.file as usize];
                let span = source
                    .read_at(first.offset, (span_end - first.offset) as usize)
                    .map_err(|e| read_error(e, source.path()))?;
                for row in &rows[start..end] {
                    let at = (row.offset - first.offset) as usize;
                    records.push(self.parse(row, &span[at..at + row.len as usize])?);
                }
            } else {
                records.push(self.record(&rows[start])?);
            }
            start = end;
        }
        Ok(records)
    }

    /// How many rows from the first form a run worth one read: the same plain file, offsets
    /// rising, and no gap between two rows wider than the source reads through.
    fn dense_run(&self, rows: &[IndexRow]) -> usize {
        let first = &rows[0];
        let (source, compressed) = self.files[first.file as usize];
        if first.kind == Kind::QnaYaml || compressed {
            return 1;
        }
        let read_through = source.read_through();
        let mut end = first.offset;
        let mut n = 0;
        for row in rows {
            let row_end = row.offset + u64::from(row.len);
            if row.file != first.file
                || row.kind == Kind::QnaYaml
                || row.offset < end
                || row.offset - end > read_through
                || row_end - first.offset > SPAN_LIMIT
            {
                break;
            }
            end = row_end;
            n += 1;
        }
        n.max(1)
    }

    pub fn record(&mut self, row: &IndexRow) -> Result<Record> {
        if row.kind == Kind::QnaYaml {
            return self.qna_record(row);
        }
        let bytes = self.bytes(row)?;
        self.parse(row, &bytes)
    }

    fn parse(&self, row: &IndexRow, bytes: &[u8]) -> Result<Record> {
        let (source, _) = self.files[row.file as usize];
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::input("the file changed since it was read"))
            .and_then(|text| parse_record(row.kind, row.part, text));
        text.map_err(|e| e.in_file(source.path()))
    }

    fn bytes(&mut self, row: &IndexRow) -> Result<Vec<u8>> {
        self.read(row.file, row.offset, row.len)
    }

    /// The text of an added dataset's row, with its file's path for errors.
    pub fn dataset_row(&mut self, file: u32, span: &Span) -> Result<(String, &str)> {
        let bytes = self.read(file, span.offset, span.len)?;
        let path = self.files[file as usize].0.path();
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::input("the file changed since it was read").in_file(path))?;
        Ok((text, path))
    }

    fn read(&mut self, file: u32, offset: u64, len: u32) -> Result<Vec<u8>> {
        let (source, compressed) = self.files[file as usize];
        let path = source.path();
        let io = |e: std::io::Error| read_error(e, path);
        if !compressed {
            return source.read_at(offset, len as usize).map_err(io);
        }
        let stream = match self.cache.streams.remove(&file) {
            Some(s) if s.position <= offset => s,
            _ => Stream {
                reader: decompressed(source.open().map_err(io)?, path)?,
                position: 0,
            },
        };
        let mut stream = stream;
        let skip = offset - stream.position;
        std::io::copy(&mut (&mut stream.reader).take(skip), &mut std::io::sink()).map_err(io)?;
        let mut bytes = vec![0; len as usize];
        stream.reader.read_exact(&mut bytes).map_err(io)?;
        stream.position = offset + u64::from(len);
        self.cache.streams.insert(file, stream);
        Ok(bytes)
    }

    fn qna_record(&mut self, row: &IndexRow) -> Result<Record> {
        let (source, _) = self.files[row.file as usize];
        let path = source.path();
        let qna = match self.cache.qna.entry(row.file) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let mut reader = source.open().map_err(|e| read_error(e, path))?;
                entry.insert(read_qna(&mut reader, path)?)
            }
        };
        qna_record(qna, row.offset as usize, row.part)
            .ok_or_else(|| Error::input("the file changed since it was read").in_file(path))
    }
}
