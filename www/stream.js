// Reading a dropped file as a stream, for the first pass.

/**
 * Streams `blob` into `push(bytes)` until it ends or `push` returns false, `piece` bytes at most at
 * a time, each read into the same buffer. Every piece is awaited, so the browser can free what it
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
      if (!push(value)) return plain.cancel();
    }
  }
  let buffer = new ArrayBuffer(piece);
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer, 0, piece));
    if (done) return;
    if (!push(value)) return reader.cancel();
    buffer = value.buffer;
  }
}
