//! What a run tells the person as it goes, and whether they asked it to stop: on a terminal a
//! progress bar and lines on stderr; in Python a notebook's progress bar and Ctrl-C in the kernel.

use indicatif::{ProgressBar, ProgressStyle};

pub trait Observer: Sync {
    /// A line for the person: a file read once, a file written, an earlier mix removed.
    fn note(&self, text: &str);
    /// The report: the plan's when no cut is feasible, the run's once it is counted.
    fn report(&self, text: &str);
    /// `rows` more rows are counted, of `total` (which grows once the blends are planned).
    fn advance(&self, rows: u64, total: u64);
    /// Whether the person asked the run to stop; it then ends with nothing written.
    fn stopped(&self) -> bool {
        false
    }
}

/// The terminal: notes on stderr, and a progress bar there unless `--quiet`.
pub struct Terminal {
    bar: ProgressBar,
}

impl Terminal {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "counting tokens {bar:30} {pos}/{len} rows {per_sec} eta {eta}",
                )
                .expect("the progress template is valid"),
            );
            bar
        };
        Terminal { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Terminal {
    fn note(&self, text: &str) {
        self.bar.suspend(|| eprintln!("kmix: {text}"));
    }

    fn report(&self, text: &str) {
        self.bar.suspend(|| print!("{text}"));
    }

    fn advance(&self, rows: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.inc(rows);
    }
}
