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
use kmix::mix::ParamsText;
use kmix::output::{mixes_listed_in, MANIFEST_FILE_NAME};
use kmix::read::{FirstPass, ReadOptions};
use kmix::run::{Inputs, RunSettings};
use kmix::source::ByteSource;
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

fn execute(args: &Args) -> Result<(), Error> {
    let params = ParamsText {
        cuts: args.cuts.clone(),
        qa_per_doc: args.qa_per_doc.clone(),
        seed: args.seed.clone(),
        gpt_oss: args.gpt_oss,
        leave_out: args.leave_out.clone(),
    }
    .parse()?;
    let now_local = match &args.date {
        Some(date) => kmix::tokens::parse_date(date)?,
        // As transformers' `datetime.now()`: local wall-clock time.
        None => chrono::Local::now().naive_local().and_utc().timestamp(),
    };
    let located = args
        .tokenizer()
        .as_deref()
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
    // The tokenizer loads (a second or so for a large one) while the first pass reads.
    let (index, tokenizer) = std::thread::scope(|scope| {
        let loading = located
            .as_ref()
            .map(|found| scope.spawn(move || tokenizer::load(found, now_local)));
        let refs: Vec<&dyn ByteSource> = sources.iter().map(|&s| s as _).collect();
        let options = ReadOptions {
            skip_bad_rows: args.skip_bad_rows,
            max_row_bytes: args.max_row_mb.saturating_mul(1 << 20),
        };
        let (inputs, added) = refs.split_at(files.len());
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
    let (inputs, tokenizer) = (Inputs::new(index?), tokenizer?);
    let mix = inputs.plan(&params)?;
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
    if let Err(e) = mix.check_feasible() {
        print!("{}", inputs.plan_text(&mix));
        return Err(e);
    }
    let settings = RunSettings {
        tokenizer: tokenizer.as_ref().map(|t| t.info().clone()),
        dry_run: args.dry_run,
        input_roots: args.inputs.iter().map(|p| sources::root_name(p)).collect(),
        blend,
    };
    let run = inputs.start(mix, settings)?;

    // Declared before the outputs, so dropped after them: a failed run removes its temporary
    // files, then the folder if this run created it and it is empty.
    let names = run.file_names();
    let _created = (!names.is_empty() && !args.out.exists()).then(|| CreatedDir(args.out.clone()));
    if !names.is_empty() {
        std::fs::create_dir_all(&args.out).map_err(|e| {
            Error::io(format!("cannot create the output folder: {e}"))
                .in_file(args.out.display().to_string())
        })?;
        write::remove_debris(&args.out);
    }
    let files = names
        .iter()
        .map(|name| PendingFile::create(&args.out, name))
        .collect::<Result<Vec<_>, Error>>()?;
    // An earlier run's mixes that this run does not replace must not stay looking current.
    let earlier = std::fs::read_to_string(args.out.join(MANIFEST_FILE_NAME))
        .map(|text| mixes_listed_in(&text))
        .unwrap_or_default();
    let progress = progress_bar(run.rows() as u64, args.quiet);
    let drive = Drive {
        sources: &sources,
        tokenizer: tokenizer.as_ref(),
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        progress: &progress,
    };
    let (run, files, tallies) = drive.run(run, files)?;
    progress.finish_and_clear();
    let outcome = run.finish(tallies)?;
    print!("{}", outcome.text);
    let Some(manifest) = &outcome.manifest else {
        eprintln!("kmix: dry run: nothing written");
        return Ok(());
    };
    let mut files = files;
    for text in &outcome.texts {
        let mut file = PendingFile::create(&args.out, &text.name)?;
        file.write_all(text.text.as_bytes())?;
        files.push(file);
    }
    let mut manifest_file = PendingFile::create(&args.out, outcome.manifest_file_name)?;
    manifest_file.write_all(manifest.as_bytes())?;
    files.push(manifest_file);
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
    let replaced =
        |name: &String| names.contains(name) || outcome.texts.iter().any(|t| t.name == *name);
    for name in earlier.iter().filter(|name| !replaced(name)) {
        let path = args.out.join(name);
        if std::fs::remove_file(&path).is_ok() {
            eprintln!(
                "kmix: removed {} (an earlier run's mix, listed in its manifest)",
                path.display()
            );
        }
    }
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
