// A pool of processor workers, one per core, each with its own wasm instance and tokenizer. It
// drives a run: every worker takes the run's next task when free; the run puts results in order.
import { startWorker } from './core.js';

/** Requests each worker is given at once: one it works on and one queued behind it, which it
 * starts the moment it is done, rather than idling while the coordinator takes the answer in and
 * sends the next (a third of its time, on two cores, when it was given one at a time). */
const DEPTH = 2;

export class Pool {
  /** `core`: a promise of the compiled core, for the workers to share. */
  constructor(size, core) {
    /** @type {Pick<import('./protocol.js').Connection<import('./protocol.js').ProcessorRequests>, 'request'>[]} */
    this.workers = Array.from({ length: Math.max(1, size) }, () => startWorker('./processor.js', core));
  }

  get size() {
    return this.workers.length;
  }

  request(index, type, args) {
    return this.workers[index].request(type, args);
  }

  /** Each worker, once per request it is given at once (DEPTH). */
  get lanes() {
    return this.workers.flatMap((worker) => Array(DEPTH).fill(worker));
  }

  /** Each of `requests` ([type, args]) on whichever worker is free first; returns a promise of
   * each answer, in the order of `requests`. */
  share(requests) {
    let next = 0;
    const answers = requests.map(() => {
      const answer = {};
      answer.promise = new Promise((resolve, reject) => Object.assign(answer, { resolve, reject }));
      answer.promise.catch(() => {}); // the caller hears of a failure when it awaits that answer
      return answer;
    });
    const lane = async (worker) => {
      while (next < requests.length) {
        const at = next++;
        await worker.request(...requests[at]).then(answers[at].resolve, answers[at].reject);
      }
    };
    this.lanes.forEach(lane);
    return answers.map((a) => a.promise);
  }

  /** The same request to every worker; resolves to every answer. */
  each(type, args) {
    return Promise.all(this.workers.map((w) => w.request(type, args)));
  }

  /** The same request to every worker; resolves to the first worker's answer. */
  async all(type, args) {
    return (await this.each(type, args))[0];
  }

  /**
   * Runs every task of `run` (a core Run, started with this pool's size as its `workers`) on the
   * pool: each worker asks the run what next, and does it. `onReady(ready)` receives each batch
   * of tasks now complete in order (what it returns is awaited before that worker's next task).
   * `spares()` gives the buffers to send with each task, for its lines (see line-buffers.js).
   * Rejects with the run's first error in output order.
   */
  async drive(run, onReady, spares = () => []) {
    let failure = null;
    const waiting = [];
    const wake = () => waiting.splice(0).forEach((resolve) => resolve());
    const lane = async (worker) => {
      while (!failure) {
        const next = run.whatNext();
        if (next === 'done') return;
        if (next === 'wait') {
          await new Promise((resolve) => waiting.push(resolve));
          continue;
        }
        if (next.share) {
          // The RAFT corpus: every worker holds it before any task that names it goes out (the
          // run says "wait" to the other lanes meanwhile).
          try {
            await this.each('corpus', { share: next.share });
            run.shared();
          } catch (e) {
            failure = e;
          }
          wake();
          continue;
        }
        const { task } = next;
        let answer;
        try {
          const given = spares();
          answer = { result: await worker.request('process', { task, spares: given }, undefined, given) };
        } catch (error) {
          answer = { error };
        }
        try {
          const ready = answer.error ? run.fail(task.seq, answer.error) : run.complete(answer.result);
          if (ready.length) await onReady(ready);
        } catch (e) {
          failure = e;
        }
        wake();
      }
    };
    await Promise.all(this.lanes.map(lane));
    if (failure) throw failure;
  }
}
