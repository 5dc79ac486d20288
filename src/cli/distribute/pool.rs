//! Items processed on a few threads, their results handed on in the items' order, with a few
//! per thread at most waiting for their turn (so memory holds a few tasks whatever the part's size).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::Error;

/// Results out at once per thread, waiting to be handed on in order.
const PER_THREAD: usize = 4;

/// Processes each of `items` with `process` on `threads` threads, each with a `state` of its
/// own, and hands the results to `sink` in order; the first error (a state's or the sink's)
/// ends it.
pub fn in_order<T: Sync, S, R: Send>(
    items: &[T],
    threads: usize,
    state: impl Fn() -> Result<S, Error> + Sync,
    process: impl Fn(&mut S, &T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), Error>,
) -> Result<(), Error> {
    let threads = threads.max(1);
    let window = PER_THREAD * threads;
    let next = AtomicUsize::new(0);
    let handed_on = Mutex::new(0usize);
    let turn = Condvar::new();
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let sunk = std::thread::scope(|scope| {
        let (to_sink, results) = std::sync::mpsc::channel::<(usize, R)>();
        for _ in 0..threads {
            let to_sink = to_sink.clone();
            let (next, handed_on, turn, stop) = (&next, &handed_on, &turn, &stop);
            let (state, process, first_error) = (&state, &process, &first_error);
            scope.spawn(move || {
                let mut s = match state() {
                    Ok(s) => s,
                    Err(e) => {
                        lock(first_error).get_or_insert(e);
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() {
                        return;
                    }
                    let mut on = lock(handed_on);
                    while i >= *on + window && !stop.load(Ordering::Relaxed) {
                        on = turn.wait(on).unwrap_or_else(|e| e.into_inner());
                    }
                    drop(on);
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if to_sink.send((i, process(&mut s, &items[i]))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(to_sink);
        let mut waiting = BTreeMap::new();
        let mut at = 0;
        let mut sunk = Ok(());
        for (i, result) in &results {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&at) {
                sunk = sunk.and_then(|()| sink(result));
                at += 1;
            }
            *lock(&handed_on) = at;
            if sunk.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            turn.notify_all();
        }
        sunk.map(|()| at)
    });
    if let Some(e) = lock(&first_error).take() {
        return Err(e);
    }
    match sunk? == items.len() {
        true => Ok(()),
        false => Err(Error::io("a thread stopped before its work was done")),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
