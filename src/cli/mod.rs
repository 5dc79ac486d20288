//! The native edge: arguments and files in, the core in the middle, files and a report out.

mod args;
mod count;
mod sources;
mod tokenizer;
mod write;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kmix::input::{read_inputs, ByteSource, ReadOptions};
use kmix::mix::{plan, MixParams};
use kmix::output::{cut_reports, report_text, write_cut, Manifest};
use kmix::Error;

use args::Args;

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
    let corpus = read_inputs(
        &sources,
        ReadOptions {
            skip_bad_rows: args.skip_bad_rows,
        },
    )?;
    let tokenizer = args.tokenizer.as_deref().map(tokenizer::load).transpose()?;
    let mix = plan(&corpus, &params)?;
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

    let counts = match &tokenizer {
        Some(tokenizer) => {
            let progress = progress_bar(mix.rows.len() as u64, args.quiet);
            let threads = args
                .threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let counts = count::count_parallel(&corpus, &mix, tokenizer, threads, &progress);
            progress.finish_and_clear();
            Some(counts?)
        }
        None => None,
    };
    let reports = cut_reports(&corpus, &mix, counts.as_deref());
    let tokenizer_info = tokenizer.as_ref().map(|t| t.info());
    print!(
        "{}",
        report_text(
            &corpus,
            &mix,
            &reports,
            tokenizer_info.map(|t| t.name.as_str())
        )
    );
    if reports.is_empty() {
        return Err(Error::new(
            "no cut is feasible, so no mix was written: choose smaller cut sizes (see above)",
        ));
    }
    if args.dry_run {
        eprintln!("kmix: dry run: nothing written");
        return Ok(());
    }

    std::fs::create_dir_all(&args.out).map_err(|e| {
        Error::new(format!("cannot create the output folder: {e}"))
            .in_file(args.out.display().to_string())
    })?;
    let mut outputs = Vec::new();
    for report in &reports {
        let file = write::write_atomically(&args.out, &report.file_name, |sink| {
            write_cut(&corpus, &mix, report.cut, counts.as_deref(), sink)
        })?;
        eprintln!(
            "kmix: wrote {} ({} rows, {:.1} MB)",
            args.out.join(&file.file_name).display(),
            file.rows,
            file.bytes as f64 / 1e6
        );
        outputs.push(file);
    }
    let manifest = Manifest {
        kmix_version: env!("CARGO_PKG_VERSION"),
        mix: &mix,
        inputs: &corpus.files,
        bad_rows: &corpus.bad_rows,
        tokenizer: tokenizer_info,
        report: &reports,
        outputs: &outputs,
    }
    .to_json();
    write::write_atomically(&args.out, "manifest.json", |sink| {
        sink.write_all(manifest.as_bytes())
    })?;
    eprintln!("kmix: wrote {}", args.out.join("manifest.json").display());
    Ok(())
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
