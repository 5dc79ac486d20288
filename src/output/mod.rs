//! Writers: the mixes as JSON Lines, the report, the manifest.

mod manifest;
mod report;
mod row;

use std::io::Write;

use crate::checksum::Hashing;
use crate::input::Corpus;
use crate::mix::Mix;
pub use manifest::{Manifest, OutputFile};
pub use report::{cut_reports, output_file_name, report_text, CutReport, KindReport};
pub use row::write_row;

/// Writes one cut's mix to `sink`, in output order, and says what was written.
pub fn write_cut(
    corpus: &Corpus,
    mix: &Mix,
    cut: u32,
    counts: Option<&[u32]>,
    sink: &mut dyn Write,
) -> std::io::Result<OutputFile> {
    let mut sink = Hashing::new(sink);
    let mut buf = Vec::with_capacity(1 << 20);
    let mut rows = 0u64;
    for p in mix.positions_in_cut(cut) {
        write_row(
            corpus,
            &corpus.rows[mix.rows[p]],
            counts.map(|c| c[p]),
            &mut buf,
        );
        rows += 1;
        if buf.len() >= 1 << 20 {
            sink.write_all(&buf)?;
            buf.clear();
        }
    }
    sink.write_all(&buf)?;
    sink.flush()?;
    let bytes = sink.bytes();
    let (_, sha256) = sink.finish();
    Ok(OutputFile {
        file_name: output_file_name(cut),
        rows,
        bytes,
        sha256,
    })
}
