//! The native edge: arguments and files in, the core in the middle, files and a report out.

mod args;
mod pipeline;
mod process;
mod sources;
mod tokenizer;
mod write;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kmix::input::{read_inputs, ByteSource, ReadOptions};
use kmix::mix::{plan, MixParams};
use kmix::output::{cut_reports, output_file_name, report_text, Manifest, OutputTally};
use kmix::Error;

use args::Args;
use pipeline::{joined, SecondPass};
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
    let write_cuts: &[u32] = if args.dry_run { &[] } else { &cuts };
    let pass = SecondPass {
        index: &index,
        mix: &mix,
        sources: &sources,
        tokenizer: tokenizer.as_ref(),
        cuts: write_cuts,
        threads,
        progress: &progress,
    };
    let (counts, outputs) = pass.run(outputs)?;
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
