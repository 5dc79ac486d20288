//! Token counting spread over threads; the counts come back in plan order whatever the thread count.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::ProgressBar;
use kmix::input::Corpus;
use kmix::mix::Mix;
use kmix::tokens::ChatTokenizer;
use kmix::{count_tokens, Error};

/// Rows per unit of work: small enough to balance threads, large enough to keep overhead low.
const CHUNK: usize = 64;

pub fn count_parallel(
    corpus: &Corpus,
    mix: &Mix,
    tokenizer: &ChatTokenizer,
    threads: usize,
    progress: &ProgressBar,
) -> Result<Vec<u32>, Error> {
    let total = mix.rows.len();
    let chunks = total.div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Vec<u32>>>> = Mutex::new(vec![None; chunks]);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, chunks.max(1)) {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks {
                        break;
                    }
                    let range = chunk * CHUNK..((chunk + 1) * CHUNK).min(total);
                    let len = range.len();
                    match count_tokens(corpus, mix, tokenizer, range) {
                        Ok(counts) => {
                            lock(&results)[chunk] = Some(counts);
                            progress.inc(len as u64);
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
