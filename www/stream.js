// Reading a dropped file as a stream, for the first pass and for checksums.

/**
 * The streams being read, with their readers. In Chromium 156 a read of a Blob's stream that only
 * the reading function refers to now and then never settles (the stream is collected under it,
 * it seems): seen here in up to half the runs of the iframe test, where the hashing worker
 * waited forever on its third set of Blobs. Kept here, none has hung in 32 runs.
 */
const reading = new Set();

/**
 * Streams `blob` into `push(bytes)` until it ends or `push` returns (or resolves to) false, `piece`
 * bytes at most at a time, read into two buffers in turn (the next piece is read while one is
 * pushed), so that no garbage piles up between collections (the stream's own reader hands out a
 * new buffer per piece: 2.2 GB of browser memory against 1.1 GB when mixing 5 GB). Every piece is
 * awaited, so the browser can free what it read before the next: a reader that never yields
 * (FileReaderSync in a loop) holds hundreds of MB of read buffers for a large file.
 */
export async function streamInto(blob, push, piece = 1 << 20) {
  const stream = blob.stream();
  let byob = true;
  let reader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    byob = false; // a browser without byte streams for Blobs: its own pieces
    reader = stream.getReader();
  }
  const held = { stream, reader };
  reading.add(held);
  try {
    if (!byob) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (!(await push(value))) return reader.cancel();
      }
    }
    let spare = new ArrayBuffer(piece);
    let next = reader.read(new Uint8Array(new ArrayBuffer(piece), 0, piece));
    for (;;) {
      const { done, value } = await next;
      if (done) return;
      next = reader.read(new Uint8Array(spare, 0, piece));
      if (!(await push(value))) return reader.cancel();
      spare = value.buffer;
    }
  } finally {
    reading.delete(held);
  }
}
