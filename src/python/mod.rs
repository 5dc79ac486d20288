//! The Python edge, `kmix._native` (built by maturin with the `python` feature): the command line
//! as the `kmix` console script runs it, and a run for `kmix.mix`, driven by the same code as the
//! command line. The run works on threads of its own while the calling thread, without the GIL
//! but for a moment every tenth of a second, tells Python its progress and hears Ctrl-C.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use crate::cli::{self, Observer};
use crate::Error;

// As in the command line: tokenizing allocates many small strings on every core.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    _native,
    NativeError,
    PyException,
    "A kmix error: args[0] is its JSON (kind, file, line, column, field, message)."
);

/// How often the calling thread looks at the run.
const POLL: Duration = Duration::from_millis(100);

/// The command line with `argv` (the program's name first); its exit code.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| cli::run_from(argv))
}

/// The variables of the `.env` file at `path`, in order (none without the file).
#[pyfunction]
fn read_dotenv(path: std::path::PathBuf) -> PyResult<Vec<(String, String)>> {
    cli::read_dotenv(&path).map_err(raised)
}

/// A run with `argv`'s flags; `dotenv`, the variables the caller set from `.env`; `progress`,
/// called with (rows done, rows in all) as the run goes. Returns the result as JSON: the
/// outcome, the files written, the settings from the environment and the run's notes.
#[pyfunction]
#[pyo3(signature = (argv, dotenv, progress=None))]
fn mix(
    py: Python<'_>,
    argv: Vec<String>,
    dotenv: Vec<String>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    watched(py, progress, |watched| {
        cli::mix_from(argv, &dotenv, watched).map(|mixed| mixed_json(&mixed))
    })
}

/// A step of a run split over machines: `argv` is `kmix plan …`, `kmix work …` or
/// `kmix merge …`; otherwise as [`mix`]. Returns JSON: a plan's folder, id and parts; a part's
/// file; a merge as [`mix`] returns a run.
#[pyfunction]
#[pyo3(signature = (argv, dotenv, progress=None))]
fn step(
    py: Python<'_>,
    argv: Vec<String>,
    dotenv: Vec<String>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    watched(py, progress, |watched| {
        cli::step_from(argv, &dotenv, watched).map(|stepped| match stepped {
            cli::Stepped::Planned(planned) => serde_json::json!({ "planned": planned }),
            cli::Stepped::Worked(path) => serde_json::json!({ "part_file": path }),
            cli::Stepped::Merged(mixed) => mixed_json(&mixed),
        })
    })
}

fn mixed_json(mixed: &cli::Mixed) -> serde_json::Value {
    serde_json::json!({
        "outcome": mixed.outcome,
        "written": mixed.written,
        "settings": mixed.settings,
    })
}

/// Runs `work` on a thread of its own while this one, without the GIL but for a moment every
/// [`POLL`], tells `progress` and hears Ctrl-C; its JSON, with the run's notes added.
fn watched(
    py: Python<'_>,
    progress: Option<Bound<'_, PyAny>>,
    work: impl FnOnce(&Watched) -> Result<serde_json::Value, Error> + Send,
) -> PyResult<String> {
    let watched = Watched::default();
    let (done, interrupted) = std::thread::scope(|scope| {
        let running = scope.spawn(|| work(&watched));
        let mut interrupted = None;
        while !running.is_finished() {
            py.detach(|| std::thread::sleep(POLL));
            if interrupted.is_none() {
                if let Err(e) = py.check_signals().and_then(|()| watched.tell(&progress)) {
                    watched.stop.store(true, Ordering::Relaxed);
                    interrupted = Some(e);
                }
            }
        }
        let done = (running.join()).unwrap_or_else(|_| Err(Error::io("the run's thread failed")));
        (done, interrupted)
    });
    if let Some(e) = interrupted {
        return Err(e); // KeyboardInterrupt (or the progress callback's error): nothing written
    }
    watched.tell(&progress)?;
    let mut shown = done.map_err(raised)?;
    let notes = std::mem::take(&mut *watched.notes.lock().unwrap_or_else(|e| e.into_inner()));
    shown["notes"] = serde_json::json!(notes);
    Ok(shown.to_string())
}

/// The run as the calling thread sees it.
#[derive(Default)]
struct Watched {
    done: AtomicU64,
    total: AtomicU64,
    stop: AtomicBool,
    notes: Mutex<Vec<String>>,
}

impl Watched {
    fn tell(&self, progress: &Option<Bound<'_, PyAny>>) -> PyResult<()> {
        if let Some(progress) = progress {
            let done = self.done.load(Ordering::Relaxed);
            progress.call1((done, self.total.load(Ordering::Relaxed)))?;
        }
        Ok(())
    }
}

impl Observer for Watched {
    fn note(&self, text: &str) {
        (self.notes.lock().unwrap_or_else(|e| e.into_inner())).push(text.to_string());
    }

    fn report(&self, _text: &str) {} // in the outcome

    fn advance(&self, rows: u64, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.fetch_add(rows, Ordering::Relaxed);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

fn raised(e: Error) -> PyErr {
    let json = serde_json::to_string(&e).unwrap_or_default();
    NativeError::new_err((json, e.to_string()))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(read_dotenv, m)?)?;
    m.add_function(wrap_pyfunction!(mix, m)?)?;
    m.add_function(wrap_pyfunction!(step, m)?)?;
    Ok(())
}
