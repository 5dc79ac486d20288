//! Token counting spread over threads; the counts come back in row order whatever the thread count.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::ProgressBar;
use kmix::input::Record;
use kmix::tokens::ChatTokenizer;
use kmix::{count_tokens, Error};

/// Rows per unit of work: small enough to balance threads, large enough to keep overhead low.
const CHUNK: usize = 32;

pub fn count_parallel(
    records: &[Record],
    tokenizer: &ChatTokenizer,
    threads: usize,
    progress: &ProgressBar,
) -> Result<Vec<u32>, Error> {
    let chunks: Vec<&[Record]> = records.chunks(CHUNK).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Vec<u32>>>> = Mutex::new(vec![None; chunks.len()]);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, chunks.len().max(1)) {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i) else { break };
                    match count_tokens(chunk, tokenizer) {
                        Ok(counts) => {
                            lock(&results)[i] = Some(counts);
                            progress.inc(chunk.len() as u64);
                        }
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            lock(&first_error).get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = lock(&first_error).take() {
        return Err(e);
    }
    let results = std::mem::take(&mut *lock(&results));
    Ok(results.into_iter().flatten().flatten().collect())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking counter thread would already have ended the run; the data is still whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
