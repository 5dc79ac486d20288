// The buffers a run's lines travel in, and who holds each when. A processor copies a task's
// lines for each output file into a spare it was given, large enough, or a new one (the wasm
// Run's `process`); the result carries them to the coordinator, which writes them to the output
// files and hands them to the hasher; the hasher hands them back once hashed, and the coordinator
// gives them to the next tasks' processors. Every move is a transfer, never a copy: memory the
// page has touched before costs far less than new memory. Each holder keeps at most CAP, so that
// memory stays bounded however many tasks run.

/** Spare buffers one holder (a processor, or the coordinator's hashing) keeps, at most. */
export const CAP = 16;

/** The spare buffers of one holder, oldest first. */
export class SpareBuffers {
  constructor() {
    /** @type {ArrayBuffer[]} */
    this.held = [];
  }

  /** Keeps `buffers`, letting the oldest go beyond CAP. */
  give(buffers) {
    this.held.push(...buffers);
    this.held.splice(0, Math.max(0, this.held.length - CAP));
  }

  /** Up to `n` buffers, which leave this holder. */
  take(n) {
    return this.held.splice(0, n);
  }
}

/** The buffers of a task's result, to transfer with it (each once). */
export const bufferedLines = (result) => [...new Set(result.lines.map((l) => l.bytes.buffer))];
