// Reading a dropped file as a stream, for the first pass.

/**
 * Streams `blob` into `push(bytes)` until it ends or `push` returns (or resolves to) false, `piece`
 * bytes at most at a time, read into two buffers in turn (the next piece is read while one is
 * pushed). Every piece is awaited, so the browser can free what it
 * read before the next: a reader that never yields (FileReaderSync in a loop) holds hundreds of MB
 * of read buffers for a large file.
 */
export async function streamInto(blob, push, piece = 1 << 20) {
  const stream = blob.stream();
  let reader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    reader = null; // a browser without byte streams for Blobs: its own pieces
  }
  if (!reader) {
    const plain = stream.getReader();
    for (;;) {
      const { done, value } = await plain.read();
      if (done) return;
      if (!(await push(value))) return plain.cancel();
    }
  }
  // Two buffers: the next piece is read while this one is pushed.
  let spare = new ArrayBuffer(piece);
  let next = reader.read(new Uint8Array(new ArrayBuffer(piece), 0, piece));
  for (;;) {
    const { done, value } = await next;
    if (done) return;
    next = reader.read(new Uint8Array(spare, 0, piece));
    if (!(await push(value))) return reader.cancel();
    spare = value.buffer;
  }
}
