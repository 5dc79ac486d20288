// Reading a dropped file as a stream, for the first pass and for checksums.

/**
 * Streams `blob` into `push(bytes)` until it ends or `push` returns (or resolves to) false. Every
 * piece is awaited, so the browser can free what it read before the next: a reader that never
 * yields (FileReaderSync in a loop) holds hundreds of MB of read buffers for a large file.
 *
 * The stream's own reader, not a BYOB one: in Chromium 156 a BYOB read of a Blob's stream in a
 * worker now and then never settles (seen here in about half the runs of the iframe test, on the
 * third set of Blobs a worker hashed), and with it the whole run would wait forever.
 */
export async function streamInto(blob, push) {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (!(await push(value))) return reader.cancel();
  }
}
