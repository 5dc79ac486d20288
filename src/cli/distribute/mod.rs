//! A run split over machines, in three steps, each a restartable unit: `kmix plan` reads the
//! inputs once and splits the run's counting tasks into parts; `kmix work` processes one part
//! (on any machine that sees the inputs and the plan folder); `kmix merge` makes the run again
//! from the plan, takes the parts' results in order, and writes what a one-machine run writes,
//! byte for byte.

mod checked;
mod folder;
mod merge;
mod part_file;
mod plan;
mod pool;
mod split;
mod stored;
mod work;
mod worker;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser;

use super::args::Args;
use super::{Mixed, Observer};
use crate::Error;
pub use plan::Planned;

/// `kmix plan INPUTS… --parts N --plan DIR`, with the mix's flags.
#[derive(Debug, Parser)]
#[command(
    name = "kmix plan",
    about = "Read the inputs once and split the run's tasks into parts, into a plan folder \
             (then `kmix work DIR --part I` for each part, and `kmix merge DIR --out OUT`)"
)]
pub struct PlanArgs {
    #[command(flatten)]
    pub mix: Args,

    /// Parts to split the run's tasks into, of about equal work.
    #[arg(long, value_name = "N")]
    pub parts: u32,

    /// The plan folder (made; the parts' results go there too).
    #[arg(long = "plan", value_name = "DIR")]
    pub dir: PathBuf,
}

/// `kmix work DIR --part I`.
#[derive(Debug, Parser)]
#[command(
    name = "kmix work",
    about = "Process one part of a plan into the plan folder"
)]
pub struct WorkArgs {
    /// The plan folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// The part to process, from 0.
    #[arg(long, value_name = "I")]
    pub part: u32,

    #[command(flatten)]
    pub run: StepFlags,
}

/// `kmix merge DIR --out OUT`.
#[derive(Debug, Parser)]
#[command(
    name = "kmix merge",
    about = "Merge a plan's parts into the mixes, blends, report and manifest a one-machine run writes"
)]
pub struct MergeArgs {
    /// The plan folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub run: StepFlags,
}

#[derive(Debug, clap::Args)]
pub struct StepFlags {
    /// Threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

impl StepFlags {
    fn threads(&self) -> usize {
        (self.threads)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

pub enum Step {
    Plan(Box<PlanArgs>),
    Work(WorkArgs),
    Merge(MergeArgs),
}

/// What a step made.
pub enum Stepped {
    Planned(Planned),
    Worked(PathBuf),
    Merged(Box<Mixed>),
}

impl Step {
    /// The step `argv` names (`kmix plan …`, `kmix work …`, `kmix merge …`), its flags parsed;
    /// none: a plain run. (An input folder called `plan` is given as `./plan`.)
    pub fn parse(argv: &[OsString]) -> Option<Result<Step, clap::Error>> {
        let name = argv.get(1)?.to_str()?;
        let rest = || {
            let program = OsString::from(format!("kmix {name}"));
            std::iter::once(program).chain(argv[2..].iter().cloned())
        };
        Some(match name {
            "plan" => PlanArgs::try_parse_from(rest()).map(|a| Step::Plan(Box::new(a))),
            "work" => WorkArgs::try_parse_from(rest()).map(Step::Work),
            "merge" => MergeArgs::try_parse_from(rest()).map(Step::Merge),
            _ => return None,
        })
    }

    pub fn quiet(&self) -> bool {
        match self {
            Step::Plan(args) => args.mix.quiet,
            Step::Work(args) => args.run.quiet,
            Step::Merge(args) => args.run.quiet,
        }
    }

    /// `dotenv`: the variables the working folder's `.env` set (a plan reads the mix's settings
    /// from the environment as a run does; the other steps take them from the plan).
    pub fn execute(&self, dotenv: &[String], observer: &dyn Observer) -> Result<Stepped, Error> {
        match self {
            Step::Plan(args) => plan::plan(args, dotenv, observer).map(Stepped::Planned),
            Step::Work(args) => {
                work::work(&args.dir, args.part, args.run.threads(), observer).map(Stepped::Worked)
            }
            Step::Merge(args) => merge::merge(&args.dir, &args.out, args.run.threads(), observer)
                .map(|m| Stepped::Merged(Box::new(m))),
        }
    }
}
