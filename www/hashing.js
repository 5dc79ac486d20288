// The SHA-256 checksums of a run's output files, for its manifest, computed off the waiting path.
// Where the machine has cores beside the pool, each file has a hashing worker (hasher.js) that
// hashes its lines as they are written: the coordinator hands them over, and the hasher hands
// each buffer back once hashed, to be filled again (see line-buffers.js). A file whose lines come
// faster than its hasher takes them is never waited for: past IN_FLIGHT bytes behind, its hasher
// stops taking them and hashes the rest from the file once written. Files without a hasher are
// hashed once written, by the pool (natively where they fit in memory, see checksums.js).
import { startWorker } from './core.js';
import { SpareBuffers } from './line-buffers.js';

/** Bytes of one file's lines waiting for its hasher, at most. */
const IN_FLIGHT = 16 << 20;

/** The hashing workers there is room for: as many cores as the pool leaves, started when first
 * needed, never more than a run's files. */
export class Hashers {
  /** `core`: a promise of the compiled core, for the workers to share; `spare`: the cores beside
   * the pool. */
  constructor(core, spare) {
    this.core = core;
    this.spare = Math.max(0, spare);
    /** @type {Pick<import('./protocol.js').Connection<import('./protocol.js').HasherRequests>, 'request'>[]} */
    this.workers = [];
  }

  /** The workers for a run with `files` output files, started now if not yet. */
  take(files) {
    const wanted = Math.min(files, this.spare);
    while (this.workers.length < wanted) this.workers.push(startWorker('./hasher.js', this.core));
    return this.workers.slice(0, wanted);
  }

  /** Bytes of the started hashers' wasm memory (their peak: it only grows). */
  async memory() {
    return (await Promise.all(this.workers.map((w) => w.request('memory')))).reduce((a, b) => a + b, 0);
  }
}

let streams = 0;

/** The checksums of one run's `count` output files, hashed by `workers` (none: all once written). */
export class OutputChecksums {
  constructor(workers, count) {
    this.files = Array.from({ length: count }, (_, i) => (workers.length
      ? { worker: workers[i % workers.length], stream: ++streams, offset: 0, inFlight: 0, spilled: false }
      : null));
    this.spares = new SpareBuffers(); // hashed and handed back
  }

  /** Hands file `i`'s next `bytes` (written already) to its hasher, if it takes them: their whole
   * buffer moves there and comes back, hashed, as one of `takeSpares`. False: the buffer stays. */
  push(i, bytes) {
    const file = this.files[i];
    if (!file || file.spilled) return false;
    const length = bytes.byteLength;
    if (file.inFlight + length > IN_FLIGHT) {
      file.spilled = true; // the rest is hashed from the file, from `offset` on
      return false;
    }
    file.offset += length;
    file.inFlight += length;
    file.worker.request('push', { stream: file.stream, bytes }, undefined, [bytes.buffer]).then(({ bytes: back }) => {
      file.inFlight -= length;
      this.spares.give([back.buffer]);
    }, () => {});
    return true;
  }

  /** Up to `n` buffers the hashers are done with, to fill again. */
  takeSpares(n) {
    return this.spares.take(n);
  }

  /** The files' SHA-256s (hex), in order, once `written` ([{blob}]) holds them whole: what the
   * hashers did not take is read back from the files, by the hasher or, without one, by `pool`. */
  digests(written, pool) {
    const unhashed = written.flatMap((w, i) => (this.files[i] ? [] : [['hashBlob', { blob: w.blob }]]));
    const byPool = pool.share(unhashed);
    return Promise.all(written.map((w, i) => {
      const file = this.files[i];
      if (!file) return byPool.shift();
      const { worker, stream, offset, spilled } = file;
      return spilled ? worker.request('rest', { stream, blob: w.blob.slice(offset) }) : worker.request('digest', { stream });
    }));
  }
}
