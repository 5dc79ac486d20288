//! The second pass's work on a chunk of rows, spread over threads: count each row's tokens and
//! serialise it for every cut. Results come back in row order whatever the thread count.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::ProgressBar;
use kmix::input::Record;
use kmix::output::{serialize_chunk, CutChunk};
use kmix::tokens::ChatTokenizer;
use kmix::{count_tokens, Error};

/// Rows per unit of work: small enough to balance threads, large enough to keep overhead low.
const PIECE: usize = 32;

/// A chunk's token counts (when a tokenizer is given) and its lines for each cut.
pub struct Processed {
    pub counts: Option<Vec<u32>>,
    pub cuts: Vec<CutChunk>,
}

pub fn process_parallel(
    records: &[Record],
    min_cuts: &[u32],
    tokenizer: Option<&ChatTokenizer>,
    cuts: &[u32],
    threads: usize,
    progress: &ProgressBar,
) -> Result<Processed, Error> {
    let pieces = records.len().div_ceil(PIECE);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Processed>>> = Mutex::new((0..pieces).map(|_| None).collect());
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let work = |i: usize| -> Result<Processed, Error> {
        let range = i * PIECE..((i + 1) * PIECE).min(records.len());
        let counts = tokenizer
            .map(|t| count_tokens(&records[range.clone()], t))
            .transpose()?;
        let cuts = serialize_chunk(
            &records[range.clone()],
            &min_cuts[range],
            counts.as_deref(),
            cuts,
        );
        Ok(Processed { counts, cuts })
    };
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, pieces.max(1)) {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= pieces {
                        break;
                    }
                    match work(i) {
                        Ok(done) => {
                            progress.inc((((i + 1) * PIECE).min(records.len()) - i * PIECE) as u64);
                            lock(&results)[i] = Some(done);
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
    let mut merged = Processed {
        counts: tokenizer.map(|_| Vec::with_capacity(records.len())),
        cuts: vec![CutChunk::default(); cuts.len()],
    };
    for piece in std::mem::take(&mut *lock(&results)).into_iter().flatten() {
        if let (Some(all), Some(counts)) = (&mut merged.counts, piece.counts) {
            all.extend(counts);
        }
        for (all, chunk) in merged.cuts.iter_mut().zip(piece.cuts) {
            all.bytes.extend_from_slice(&chunk.bytes);
            all.rows += chunk.rows;
        }
    }
    Ok(merged)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking thread would already have ended the run; the data is still whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
