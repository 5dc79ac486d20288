//! The native edge: arguments and files in, the core in the middle, files and a report out.

mod args;
mod process;
mod sources;
mod tokenizer;
mod write;

use std::sync::mpsc::SyncSender;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kmix::input::{read_inputs, ByteSource, ReadOptions, Rereader};
use kmix::mix::{plan, MixParams};
use kmix::output::{cut_reports, output_file_name, report_text, CutChunk, Manifest, OutputTally};
use kmix::Error;

use args::Args;
use process::{process_parallel, Processed};
use write::PendingFile;

pub fn run() -> i32 {
    let args = Args::parse();
    match execute(&args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kmix: error: {e}");
            1
        }
    }
}

/// Rows read back, counted and written at a time: bounds memory whatever the input size.
const CHUNK_ROWS: usize = 1024;

fn execute(args: &Args) -> Result<(), Error> {
    let params = MixParams::from_text(
        args.cuts.as_deref(),
        args.qa_per_doc.as_deref(),
        args.seed.as_deref(),
        args.gpt_oss,
    )?;
    let files = sources::collect(&args.inputs)?;
    let sources: Vec<&dyn ByteSource> = files.iter().map(|f| f as &dyn ByteSource).collect();
    // The tokenizer loads (a second or so for a large one) while the first pass reads.
    let (index, tokenizer) = std::thread::scope(|scope| {
        let loading = args
            .tokenizer
            .as_deref()
            .map(|path| scope.spawn(move || tokenizer::load(path)));
        let options = ReadOptions {
            skip_bad_rows: args.skip_bad_rows,
        };
        let index = read_inputs(&sources, options);
        (index, loading.map(joined).transpose())
    });
    let (index, tokenizer) = (index?, tokenizer?);
    let mix = plan(&index, &params)?;
    eprintln!(
        "kmix: seed {} (--seed to change), cuts {:?}, {} Q&A per augmentation{}",
        params.seed,
        params.cuts,
        params.qa_per_doc,
        if params.gpt_oss {
            ", GPT-OSS filter on"
        } else {
            ""
        }
    );
    let cuts: Vec<u32> = mix.feasible_cuts().collect();
    if cuts.is_empty() {
        print!("{}", report_text(&index, &mix, &[], None));
        return Err(Error::new(
            "no cut is feasible, so no mix was written: choose smaller cut sizes (see above)",
        ));
    }

    // Declared before the outputs, so dropped after them: a failed run removes its temporary
    // files, then the folder if this run created it and it is empty.
    let _created = (!args.dry_run && !args.out.exists()).then(|| CreatedDir(args.out.clone()));
    let outputs = match args.dry_run {
        true => Vec::new(),
        false => {
            std::fs::create_dir_all(&args.out).map_err(|e| {
                Error::new(format!("cannot create the output folder: {e}"))
                    .in_file(args.out.display().to_string())
            })?;
            cuts.iter()
                .map(|&cut| {
                    let file = PendingFile::create(&args.out, &output_file_name(cut))?;
                    Ok((file, OutputTally::new(cut)))
                })
                .collect::<Result<Vec<_>, Error>>()?
        }
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let progress = progress_bar(mix.rows.len() as u64, args.quiet);
    let mut rereader = Rereader::new(&index.files, &sources)?;
    let mut counts = Vec::with_capacity(mix.rows.len());
    // A pipeline: this thread reads chunk n+1 while threads count and serialise chunk n and a
    // writer thread writes chunk n-1; results stay in row order.
    let outputs = std::thread::scope(|scope| -> Result<_, Error> {
        let (to_writer, chunks_in) = std::sync::mpsc::sync_channel::<Vec<CutChunk>>(2);
        let writer = scope.spawn(move || -> Result<_, Error> {
            let mut outputs = outputs;
            for chunks in chunks_in {
                for ((file, tally), chunk) in outputs.iter_mut().zip(&chunks) {
                    file.write_all(&chunk.bytes)?;
                    tally.add(chunk);
                }
            }
            Ok(outputs)
        });
        let mut pending = None;
        for start in (0..mix.rows.len()).step_by(CHUNK_ROWS) {
            let positions = start..(start + CHUNK_ROWS).min(mix.rows.len());
            let rows: Vec<_> = positions.clone().map(|p| index.rows[mix.rows[p]]).collect();
            let records = rereader.records(&rows)?;
            let min_cuts: Vec<u32> = positions.map(|p| mix.min_cut(p)).collect();
            if let Some(handle) = pending.take() {
                hand_on(joined(handle)?, &mut counts, &to_writer);
            }
            // A dry run counts but serialises nothing.
            let cuts: &[u32] = if args.dry_run { &[] } else { &cuts };
            let (tokenizer, progress) = (tokenizer.as_ref(), &progress);
            pending = Some(scope.spawn(move || {
                process_parallel(&records, &min_cuts, tokenizer, cuts, threads, progress)
            }));
        }
        if let Some(handle) = pending.take() {
            hand_on(joined(handle)?, &mut counts, &to_writer);
        }
        drop(to_writer);
        joined(writer)
    })?;
    progress.finish_and_clear();
    let counts = tokenizer.as_ref().map(|_| counts.as_slice());
    let reports = cut_reports(&index, &mix, counts);
    let tokenizer_info = tokenizer.as_ref().map(|t| t.info());
    print!(
        "{}",
        report_text(
            &index,
            &mix,
            &reports,
            tokenizer_info.map(|t| t.name.as_str())
        )
    );
    if args.dry_run {
        eprintln!("kmix: dry run: nothing written");
        return Ok(());
    }

    let mut written = Vec::new();
    let mut files = Vec::new();
    for (file, tally) in outputs {
        written.push(tally.snapshot());
        files.push(file);
    }
    let manifest = Manifest {
        kmix_version: env!("CARGO_PKG_VERSION"),
        mix: &mix,
        inputs: &index.files,
        bad_rows: &index.bad_rows,
        tokenizer: tokenizer_info,
        report: &reports,
        outputs: &written,
    }
    .to_json();
    let mut manifest_file = PendingFile::create(&args.out, "manifest.json")?;
    manifest_file.write_all(manifest.as_bytes())?;
    for (file, output) in files.into_iter().zip(&written) {
        let path = file.commit()?;
        eprintln!(
            "kmix: wrote {} ({} rows, {:.1} MB)",
            path.display(),
            output.rows,
            output.bytes as f64 / 1e6
        );
    }
    eprintln!("kmix: wrote {}", manifest_file.commit()?.display());
    Ok(())
}

/// Keeps a processed chunk's counts and passes its lines to the writer thread.
fn hand_on(processed: Processed, counts: &mut Vec<u32>, writer: &SyncSender<Vec<CutChunk>>) {
    counts.extend(processed.counts.unwrap_or_default());
    // The writer only stops early on an error, which its join reports.
    let _ = writer.send(processed.cuts);
}

fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T, Error>>) -> Result<T, Error> {
    handle
        .join()
        .unwrap_or_else(|_| Err(Error::new("a worker thread failed")))
}

struct CreatedDir(std::path::PathBuf);

impl Drop for CreatedDir {
    fn drop(&mut self) {
        // Fails, as it should, when the run wrote its files there.
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "counting tokens {bar:30} {pos}/{len} rows {per_sec} eta {eta}",
        )
        .expect("the progress template is valid"),
    );
    bar
}
