//! The native edge: arguments and files in, the core's session driven on all cores, files and a
//! report out.

mod args;
mod blend;
mod distribute;
mod dotenv;
mod drive;
mod folder;
mod observe;
mod settings;
mod sources;
mod tokenizer;
mod write;

use clap::Parser;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::holdout::HeldOut;
use crate::mix::{Mix, ParamsText};
use crate::raft::{RaftParams, RaftStyle};
use crate::read::{FirstPass, ReadOptions};
use crate::run::{Inputs, MixRun, Outcome, RunSettings};
use crate::source::ByteSource;
use crate::tokens::ChatTokenizer;
use crate::Error;

use args::Args;
use distribute::Step;
pub use distribute::{Planned, Stepped};
pub use dotenv::read as read_dotenv;
use drive::Drive;
use folder::OutputFolder;
pub use observe::Observer;
use observe::Terminal;
pub use settings::FromEnvironment;
use settings::Settings;

/// The command line: `kmix` with the process's arguments; its exit code.
pub fn run() -> i32 {
    run_from(std::env::args_os())
}

/// The command line with `argv` (the program's name first), as `kmix` on the PATH of a Python
/// environment runs it too; its exit code.
pub fn run_from(argv: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let argv: Vec<OsString> = argv.into_iter().map(Into::into).collect();
    write::clean_up_on_interrupt();
    let terminal;
    let done = match Step::parse(&argv) {
        Some(step) => {
            let step = step.unwrap_or_else(|e| e.exit());
            terminal = Terminal::new(step.quiet());
            load_dotenv().and_then(|dotenv| step.execute(&dotenv, &terminal).map(drop))
        }
        None => {
            let args = Args::parse_from(argv);
            terminal = Terminal::new(args.quiet);
            load_dotenv().and_then(|dotenv| execute(&args, &dotenv, &terminal).map(drop))
        }
    };
    terminal.finish();
    match done {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kmix: error: {e}");
            1
        }
    }
}

/// A step of a run split over machines (`plan`, `work` or `merge` first in `argv`, after the
/// program's name), as a library call: bad flags are an error, not an exit.
pub fn step_from(
    argv: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    dotenv: &[String],
    observer: &dyn Observer,
) -> Result<Stepped, Error> {
    let argv: Vec<OsString> = argv.into_iter().map(Into::into).collect();
    let step = Step::parse(&argv)
        .ok_or_else(|| Error::parameters("expected a step: plan, work or merge"))?
        .map_err(|e| Error::parameters(e.to_string()))?;
    step.execute(dotenv, observer)
}

/// A run with `argv`'s flags (the program's name first) told to `observer`, as a library call:
/// bad flags are an error, not an exit. `dotenv`: the variables the caller set from `.env`.
pub fn mix_from(
    argv: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    dotenv: &[String],
    observer: &dyn Observer,
) -> Result<Mixed, Error> {
    let args = Args::try_parse_from(argv).map_err(|e| Error::parameters(e.to_string()))?;
    execute(&args, dotenv, observer)
}

/// What a run made: its outcome, the files it wrote (none on a dry run) in writing order, and
/// the settings the environment gave.
pub struct Mixed {
    pub outcome: Outcome,
    pub written: Vec<PathBuf>,
    pub settings: Vec<FromEnvironment>,
}

/// Sets the variables the working folder's `.env` gives that are not set yet (as python-dotenv's
/// `load_dotenv()`); the names of those set. Called before any thread starts.
fn load_dotenv() -> Result<Vec<String>, Error> {
    let mut set = Vec::new();
    for (key, value) in dotenv::read(Path::new(".env"))? {
        if std::env::var_os(&key).is_none() {
            std::env::set_var(&key, value);
            set.push(key);
        }
    }
    Ok(set)
}

/// The steps of a run, in order: parameters, inputs, the first pass (the tokenizer loading
/// beside it), the plan, the output files, the run on every thread, the commit.
fn execute(args: &Args, dotenv: &[String], observer: &dyn Observer) -> Result<Mixed, Error> {
    let prepared = prepare(args, dotenv, observer, !args.dry_run)?;
    let run = prepared.inputs.start(prepared.mix, prepared.run_settings)?;
    let sources = prepared.sources.all();
    let drive = Drive {
        sources: &sources,
        tokenizer: prepared.tokenizer.as_ref(),
        holdout: prepared.holdout.as_ref(),
        threads: prepared.threads,
        observer,
        elsewhere: None,
    };
    let (outcome, written) = write_run(run, &prepared.settings.out, &drive)?;
    Ok(Mixed {
        outcome,
        written,
        settings: prepared.settings.from_environment,
    })
}

/// The input files on disk: the knowledge inputs, then the datasets to blend.
pub(crate) struct Sources {
    pub files: Vec<sources::FileSource>,
    pub datasets: Vec<sources::FileSource>,
}

impl Sources {
    /// Every source, as the first pass and the second take them.
    pub fn all(&self) -> Vec<&(dyn ByteSource + Sync)> {
        (self.files.iter().chain(&self.datasets))
            .map(|f| f as _)
            .collect()
    }
}

/// A run as far as its start: the settings, the inputs read and planned, and what its tasks
/// are processed with.
pub(crate) struct Prepared {
    pub settings: Settings,
    pub sources: Sources,
    pub inputs: Inputs,
    pub mix: Mix,
    pub run_settings: RunSettings,
    pub located: Option<tokenizer::Located>,
    pub tokenizer: Option<ChatTokenizer>,
    pub holdout: Option<HeldOut>,
    pub threads: usize,
    /// The time templates see as now, local wall-clock seconds.
    pub now_local: i64,
}

/// Parameters, inputs, the first pass (the tokenizer loading beside it) and the plan;
/// `check_out`: refuse an output folder inside an input folder, before reading.
pub(crate) fn prepare(
    args: &Args,
    dotenv: &[String],
    observer: &dyn Observer,
    check_out: bool,
) -> Result<Prepared, Error> {
    let settings = Settings::resolve(args, dotenv);
    if let Some(text) = settings.sources_text() {
        observer.note(&text);
    }
    let params = mix_params(args, &settings)?;
    let located = (settings.tokenizer.as_deref())
        .map(tokenizer::locate)
        .transpose()?;
    let (files, named_again) = sources::collect(&settings.inputs)?;
    for repeat in &named_again {
        observer.note(&format!("read once: {repeat}"));
    }
    let (blend, datasets) = blend::blend_from_args(args, &settings.out)?;
    if check_out {
        sources::check_output_outside(&settings.inputs, &settings.out)?;
    }
    let sources = Sources { files, datasets };
    let now_local = now_local(args)?;
    let (inputs, tokenizer) = first_pass(args, &sources, now_local, located.as_ref())?;
    let mix = inputs.plan(&params)?;
    print_plan(&inputs, &mix, observer)?;
    let threads = (args.threads)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let holdout = read_holdout(&args.holdout)?;
    let run_settings = RunSettings {
        tokenizer: tokenizer.as_ref().map(|t| t.info().clone()),
        dry_run: args.dry_run,
        input_roots: (settings.inputs.iter())
            .map(|p| sources::root_name(p))
            .collect(),
        blend,
        workers: threads as u32,
        holdout: holdout.as_ref().map(HeldOut::info),
        drop_contaminated: args.drop_contaminated,
        raft: raft_params(args)?,
    };
    Ok(Prepared {
        settings,
        sources,
        inputs,
        mix,
        run_settings,
        located,
        tokenizer,
        holdout,
        threads,
        now_local,
    })
}

/// Runs `run` with `drive`, and writes its files into `out`, whole or not at all (nothing on a
/// dry run): the outcome, and the files written in writing order.
pub(crate) fn write_run(
    run: MixRun,
    out: &Path,
    drive: &Drive,
) -> Result<(Outcome, Vec<PathBuf>), Error> {
    let observer = drive.observer;
    let folder = OutputFolder::prepare(out, run.file_names(), observer)?;
    let (run, lines_files, tallies) = drive.run(run, folder.files_for_lines()?)?;
    let (mut outcome, draft) = run.finish(tallies)?;
    draft.complete(&mut outcome)?;
    observer.report(&outcome.text);
    let written = match outcome.manifest {
        Some(_) => folder.commit(lines_files, &outcome, observer)?,
        None => {
            observer.note("dry run: nothing written");
            Vec::new()
        }
    };
    Ok((outcome, written))
}

/// The RAFT rows asked for; their numbers without a style are an error.
fn raft_params(args: &Args) -> Result<Option<RaftParams>, Error> {
    let Some(style) = &args.raft else {
        if args.raft_passages.is_some() || args.raft_p_oracle.is_some() {
            return Err(Error::parameters(
                "--raft-passages and --raft-p-oracle shape RAFT rows: choose their style with --raft retrieved|random",
            )
            .field("raft"));
        }
        return Ok(None);
    };
    let params = RaftParams {
        style: RaftStyle::parse(style)?,
        passages: args.raft_passages,
        p_oracle: args.raft_p_oracle,
    };
    params.check()?;
    Ok(Some(params))
}

/// The held-out files, read whole (questions and answers: small beside the inputs).
pub(crate) fn read_holdout(paths: &[PathBuf]) -> Result<Option<HeldOut>, Error> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut held = HeldOut::default();
    for path in paths {
        // By file name, as the page knows it: the manifest holds no full path.
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy();
        let bytes = std::fs::read(path).map_err(|e| {
            Error::io(format!("cannot read the held-out file: {e}")).in_file(&*name)
        })?;
        held.add_file(&name, &bytes)?;
    }
    Ok(Some(held))
}

fn mix_params(args: &Args, settings: &Settings) -> Result<crate::mix::MixParams, Error> {
    ParamsText {
        cuts: settings.cuts.clone(),
        qa_per_doc: settings.qa_per_doc.clone(),
        seed: args.seed.clone(),
        gpt_oss: settings.gpt_oss,
        leave_out: args.leave_out.clone(),
        dedupe: args.dedupe.clone(),
    }
    .parse()
}

/// The time templates see as now: `--date`, else local wall-clock time, as transformers'
/// `datetime.now()` has it.
fn now_local(args: &Args) -> Result<i64, Error> {
    match &args.date {
        Some(date) => crate::tokens::parse_date(date),
        None => Ok(chrono::Local::now().naive_local().and_utc().timestamp()),
    }
}

/// Reads and indexes the inputs (the knowledge inputs of `sources`, then the datasets to
/// blend) while the tokenizer loads (a second or so for a large one).
fn first_pass(
    args: &Args,
    sources: &Sources,
    now_local: i64,
    located: Option<&tokenizer::Located>,
) -> Result<(Inputs, Option<ChatTokenizer>), Error> {
    let inputs = sources.files.len();
    let sources = sources.all();
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
fn print_plan(inputs: &Inputs, mix: &Mix, observer: &dyn Observer) -> Result<(), Error> {
    let params = &mix.params;
    observer.note(&format!(
        "seed {} (--seed to change), cuts {:?}, {} Q&A per augmentation{}",
        params.seed,
        params.cuts,
        params.qa_per_doc,
        if params.gpt_oss {
            ", GPT-OSS filter on"
        } else {
            ""
        }
    ));
    mix.check_feasible()
        .inspect_err(|_| observer.report(&inputs.plan_text(mix)))
}
