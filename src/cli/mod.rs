//! The native edge: arguments and files in, the core's session driven on all cores, files and a
//! report out.

mod args;
mod blend;
mod drive;
mod sources;
mod tokenizer;
mod write;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

use kmix::mix::{Mix, ParamsText};
use kmix::output::{mixes_listed_in, MANIFEST_FILE_NAME};
use kmix::read::{FirstPass, ReadOptions};
use kmix::run::{Inputs, Outcome, RunSettings};
use kmix::source::ByteSource;
use kmix::tokens::ChatTokenizer;
use kmix::Error;

use args::Args;
use drive::Drive;
use write::PendingFile;

pub fn run() -> i32 {
    let args = Args::parse();
    write::clean_up_on_interrupt();
    match execute(&args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kmix: error: {e}");
            1
        }
    }
}

/// The steps of a run, in order: parameters, inputs, the first pass (the tokenizer loading
/// beside it), the plan, the output files, the run on every thread, the commit.
fn execute(args: &Args) -> Result<(), Error> {
    let params = mix_params(args)?;
    let located = (args.tokenizer().as_deref())
        .map(tokenizer::locate)
        .transpose()?;
    let (files, named_again) = sources::collect(&args.inputs)?;
    for repeat in &named_again {
        eprintln!("kmix: read once: {repeat}");
    }
    let (blend, datasets) = blend::blend_from_args(args)?;
    if !args.dry_run {
        sources::check_output_outside(&args.inputs, &args.out)?;
    }
    let sources: Vec<&(dyn ByteSource + Sync)> =
        files.iter().chain(&datasets).map(|f| f as _).collect();
    let (inputs, tokenizer) = first_pass(args, &sources, files.len(), located.as_ref())?;
    let mix = inputs.plan(&params)?;
    print_plan(&inputs, &mix)?;
    let threads = (args.threads)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let settings = RunSettings {
        tokenizer: tokenizer.as_ref().map(|t| t.info().clone()),
        dry_run: args.dry_run,
        input_roots: args.inputs.iter().map(|p| sources::root_name(p)).collect(),
        blend,
        workers: threads as u32,
    };
    let run = inputs.start(mix, settings)?;
    let folder = OutputFolder::prepare(&args.out, run.file_names())?;
    let progress = progress_bar(run.rows() as u64, args.quiet);
    let drive = Drive {
        sources: &sources,
        tokenizer: tokenizer.as_ref(),
        threads,
        progress: &progress,
    };
    let (run, lines_files, tallies) = drive.run(run, folder.files_for_lines()?)?;
    progress.finish_and_clear();
    let outcome = run.finish(tallies)?;
    print!("{}", outcome.text);
    if outcome.manifest.is_none() {
        eprintln!("kmix: dry run: nothing written");
        return Ok(());
    }
    folder.commit(lines_files, &outcome)
}

fn mix_params(args: &Args) -> Result<kmix::mix::MixParams, Error> {
    ParamsText {
        cuts: args.cuts.clone(),
        qa_per_doc: args.qa_per_doc.clone(),
        seed: args.seed.clone(),
        gpt_oss: args.gpt_oss,
        leave_out: args.leave_out.clone(),
    }
    .parse()
}

/// Reads and indexes the inputs (the first `inputs` of `sources`; the rest are datasets to
/// blend) while the tokenizer loads (a second or so for a large one).
fn first_pass(
    args: &Args,
    sources: &[&(dyn ByteSource + Sync)],
    inputs: usize,
    located: Option<&tokenizer::Located>,
) -> Result<(Inputs, Option<ChatTokenizer>), Error> {
    let now_local = match &args.date {
        Some(date) => kmix::tokens::parse_date(date)?,
        // As transformers' `datetime.now()`: local wall-clock time.
        None => chrono::Local::now().naive_local().and_utc().timestamp(),
    };
    let (index, tokenizer) = std::thread::scope(|scope| {
        let loading = located.map(|found| scope.spawn(move || tokenizer::load(found, now_local)));
        let refs: Vec<&dyn ByteSource> = sources.iter().map(|&s| s as _).collect();
        let options = ReadOptions {
            skip_bad_rows: args.skip_bad_rows,
            max_row_bytes: args.max_row_mb.saturating_mul(1 << 20),
        };
        let (inputs, added) = refs.split_at(inputs);
        let mut pass = FirstPass::new(inputs.to_vec(), options);
        let index = pass.add_datasets(added.to_vec()).and_then(|()| {
            while pass.read_next()? {}
            Ok(pass.finish()?.0)
        });
        let tokenizer = loading.map(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err(Error::tokenizer("the tokenizer thread failed")))
        });
        (index, tokenizer.transpose())
    });
    Ok((Inputs::new(index?), tokenizer?))
}

/// Says how the mix is made; with no feasible cut, prints why and stops.
fn print_plan(inputs: &Inputs, mix: &Mix) -> Result<(), Error> {
    let params = &mix.params;
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
    mix.check_feasible()
        .inspect_err(|_| print!("{}", inputs.plan_text(mix)))
}

/// The output folder of a run: its files are written beside their final names and committed
/// together once the run is complete; a failed run leaves the folder as it found it.
struct OutputFolder {
    out: PathBuf,
    /// The lines' files of the run, in the order of its file names.
    names: Vec<String>,
    /// The mixes an earlier run's manifest lists there.
    earlier: Vec<String>,
    /// Declared after the pending files' owner is dropped: a failed run removes its temporary
    /// files, then the folder if this run created it and it is empty.
    _created: Option<CreatedDir>,
}

impl OutputFolder {
    fn prepare(out: &Path, names: Vec<String>) -> Result<Self, Error> {
        let created = (!names.is_empty() && !out.exists()).then(|| CreatedDir(out.to_path_buf()));
        if !names.is_empty() {
            std::fs::create_dir_all(out).map_err(|e| {
                Error::io(format!("cannot create the output folder: {e}"))
                    .in_file(out.display().to_string())
            })?;
            write::remove_debris(out);
        }
        // An earlier run's mixes that this run does not replace must not stay looking current.
        let earlier = std::fs::read_to_string(out.join(MANIFEST_FILE_NAME))
            .map(|text| mixes_listed_in(&text))
            .unwrap_or_default();
        Ok(OutputFolder {
            out: out.to_path_buf(),
            names,
            earlier,
            _created: created,
        })
    }

    /// A pending file for each of the run's lines' files.
    fn files_for_lines(&self) -> Result<Vec<PendingFile>, Error> {
        (self.names.iter())
            .map(|name| PendingFile::create(&self.out, name))
            .collect()
    }

    /// Writes the outcome's text files after the lines' files, commits them all, and removes
    /// the earlier run's mixes this one does not replace.
    fn commit(self, mut files: Vec<PendingFile>, outcome: &Outcome) -> Result<(), Error> {
        for text in outcome.files_after_lines() {
            let mut file = PendingFile::create(&self.out, text.name)?;
            file.write_all(text.text.as_bytes())?;
            files.push(file);
        }
        let written = PendingFile::commit_all(files)?;
        for (path, output) in written.iter().zip(&outcome.outputs) {
            let rows = if output.file_name.ends_with(".yaml") {
                "datasets"
            } else {
                "rows"
            };
            eprintln!(
                "kmix: wrote {} ({} {rows}, {:.1} MB)",
                path.display(),
                output.rows,
                output.bytes as f64 / 1e6
            );
        }
        if let Some(manifest_path) = written.last() {
            eprintln!("kmix: wrote {}", manifest_path.display());
        }
        let replaced = |name: &String| {
            self.names.contains(name) || outcome.texts.iter().any(|t| t.name == *name)
        };
        for name in self.earlier.iter().filter(|name| !replaced(name)) {
            let path = self.out.join(name);
            if std::fs::remove_file(&path).is_ok() {
                eprintln!(
                    "kmix: removed {} (an earlier run's mix, listed in its manifest)",
                    path.display()
                );
            }
        }
        Ok(())
    }
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
