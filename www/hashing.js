// SHA-256 checksums for the manifest, computed on a worker of their own (hasher.js) beside the
// coordinator's parsing and writing: in wasm the hash takes as long as either. Of the lines handed
// over, at most IN_FLIGHT bytes wait for the hasher, so memory stays bounded however large the
// files. The hasher hands each buffer back once hashed, to be filled again (see line-buffers.js).
import { startWorker } from './core.js';
import { SpareBuffers } from './line-buffers.js';

const IN_FLIGHT = 16 << 20;

export class Hashing {
  /** `core`: a promise of the compiled core, for the worker to share. */
  constructor(core) {
    /** @type {Pick<import('./protocol.js').Connection<import('./protocol.js').HasherRequests>, 'request'>} */
    this.worker = startWorker('./hasher.js', core);
    this.waiting = []; // [{done, bytes}], oldest first
    this.bytes = 0;
    this.streams = 0;
    this.spares = new SpareBuffers(); // hashed and handed back
  }

  /** Bytes of the hasher's wasm memory (its peak: it only grows). */
  memory() {
    return this.worker.request('memory');
  }

  /** The SHA-256 (hex) of a Blob, which the hasher reads itself. */
  ofBlob(blob) {
    return this.worker.request('blob', { blob });
  }

  /** A new stream to push bytes to. */
  stream() {
    return ++this.streams;
  }

  /** Hashes `bytes` next in `stream`. Their whole buffer moves to the hasher (it is empty here
   * afterwards) and comes back, hashed, as one of `takeSpares`. */
  push(stream, bytes) {
    const length = bytes.byteLength;
    const done = this.worker.request('push', { stream, bytes }, undefined, [bytes.buffer]);
    done.then(({ bytes: back }) => {
      this.spares.give([back.buffer]);
    }, () => {});
    this.waiting.push({ done, bytes: length });
    this.bytes += length;
  }

  /** Up to `n` buffers the hasher is done with, to fill again. */
  takeSpares(n) {
    return this.spares.take(n);
  }

  /** Resolves once no more than IN_FLIGHT bytes wait for the hasher. */
  async caughtUp() {
    while (this.bytes > IN_FLIGHT) {
      const { done, bytes } = this.waiting.shift();
      await done;
      this.bytes -= bytes;
    }
  }

  /** The SHA-256 (hex) of all the bytes pushed to `stream`; the hasher answers in order, so
   * every push before it is done when it resolves. */
  async digest(stream) {
    const hex = await this.worker.request('digest', { stream });
    const settled = this.waiting.splice(0);
    this.bytes -= settled.reduce((n, w) => n + w.bytes, 0);
    return hex;
  }
}
