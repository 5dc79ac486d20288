//! Drives a run on native threads: each takes the next task, processes it (read again, count,
//! render) and hands the result back to the run, which gives out the lines in order; a writer
//! thread writes them while the others work. Memory holds a few tasks whatever the input's size.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

use crate::checksum::Hashing;
use crate::holdout::HeldOut;
use crate::output::OutputTallies;
use crate::raft::RaftCorpus;
use crate::reread::Rereader;
use crate::run::{process_chunk, ChunkResult, ChunkTask, MixRun, Next, Ready};
use crate::source::ByteSource;
use crate::tokens::ChatTokenizer;
use crate::Error;

use super::observe::Observer;
use super::write::PendingFile;

pub struct Drive<'a> {
    pub sources: &'a [&'a (dyn ByteSource + Sync)],
    pub tokenizer: Option<&'a ChatTokenizer>,
    pub holdout: Option<&'a HeldOut>,
    pub threads: usize,
    pub observer: &'a dyn Observer,
    /// The results of tasks processed elsewhere (a plan's parts), taken instead of processing
    /// those tasks here.
    pub elsewhere: Option<&'a dyn Elsewhere>,
}

/// Results of a run's tasks that were processed elsewhere, by task.
pub trait Elsewhere: Sync {
    /// The result of `task`, if it was processed elsewhere (then it is not processed here).
    fn result(&self, task: &ChunkTask) -> Option<Result<ChunkResult, Error>>;
    /// Once the run is over: whether every result kept elsewhere was taken, and whole.
    fn all_taken(&self) -> Result<(), Error>;
}

impl Drive<'_> {
    /// Runs every task; the files (one per [`MixRun::file_names`]) receive their lines in order,
    /// and the writer hashes them as it writes (off the lock the counting threads take turns at).
    pub fn run(
        &self,
        run: MixRun,
        files: Vec<PendingFile>,
    ) -> Result<(MixRun, Vec<PendingFile>, OutputTallies), Error> {
        let threads = self.threads.max(1);
        let tallies = run.output_tallies(Hashing::Here);
        // The threads share one corpus, built once when the run hands it out.
        let corpus = OnceLock::new();
        let run = Mutex::new(run);
        let turn = Condvar::new();
        let stop = AtomicBool::new(false);
        let first_error: Mutex<Option<Error>> = Mutex::new(None);
        let fail = |e: Error| {
            stop.store(true, Ordering::Relaxed);
            lock(&first_error).get_or_insert(e);
            turn.notify_all();
        };
        let written = std::thread::scope(|scope| {
            let (to_writer, ready_lines) = std::sync::mpsc::sync_channel::<Vec<Ready>>(2 * threads);
            let writer = scope.spawn(move || -> Result<_, Error> {
                let (mut files, mut tallies) = (files, tallies);
                for batch in ready_lines {
                    for ready in batch {
                        for (file, lines) in files.iter_mut().zip(&ready.lines) {
                            file.write_all(&lines.bytes)?;
                        }
                        tallies.add(&ready.lines);
                        self.observer.advance(ready.rows as u64, ready.total as u64);
                    }
                }
                Ok((files, tallies))
            });
            for _ in 0..threads {
                let to_writer = to_writer.clone();
                scope.spawn(|| {
                    if let Err(e) = self.work(&run, (&turn, &stop), &corpus, to_writer) {
                        fail(e);
                    }
                });
            }
            drop(to_writer);
            writer
                .join()
                .unwrap_or_else(|_| Err(Error::io("the writer thread failed")))
        });
        if let Some(e) = lock(&first_error).take() {
            return Err(e);
        }
        if let Some(elsewhere) = self.elsewhere {
            elsewhere.all_taken()?;
        }
        let run = run.into_inner().unwrap_or_else(|e| e.into_inner());
        let (files, tallies) = written?;
        Ok((run, files, tallies))
    }

    /// One thread's loop: take a task, process it, give the result back, send what is ready on.
    fn work(
        &self,
        run: &Mutex<MixRun>,
        (turn, stop): (&Condvar, &AtomicBool),
        corpus: &OnceLock<RaftCorpus>,
        to_writer: SyncSender<Vec<Ready>>,
    ) -> Result<(), Error> {
        let sources: Vec<&dyn ByteSource> = self.sources.iter().map(|&s| s as _).collect();
        let mut rereader = Rereader::new(lock(run).input_files(), &sources)?;
        loop {
            let task = {
                let mut guard = lock(run);
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    if self.observer.stopped() {
                        return Err(Error::cancelled());
                    }
                    match guard.what_next() {
                        Next::Task(task) => break task,
                        Next::Wait => guard = turn.wait(guard).unwrap_or_else(|e| e.into_inner()),
                        Next::Share(share) => {
                            // Built under the run's lock: no task needing it goes out before.
                            let _ = corpus.set(RaftCorpus::new(share));
                            guard.shared()?;
                            turn.notify_all();
                        }
                        Next::Done => return Ok(()),
                    }
                }
            };
            let result = match self.elsewhere.and_then(|e| e.result(&task)) {
                Some(result) => result,
                None => {
                    let (tokenizer, holdout) = (self.tokenizer, self.holdout);
                    process_chunk(&task, &mut rereader, tokenizer, holdout, corpus.get())
                }
            };
            let mut guard = lock(run);
            let ready = guard.complete(task.seq, result)?;
            // Sent while the run is locked, so that batches reach the writer in order. The writer
            // stops early only on an error, which its join reports.
            if !ready.is_empty() && to_writer.send(ready).is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            drop(guard);
            turn.notify_all();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking thread would already have ended the run; the data is still whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
