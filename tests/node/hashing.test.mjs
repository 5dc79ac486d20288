// The output files' checksums (www/hashing.js): lines handed to a hashing worker as they are
// written, the rest read back from the file once written, and files without a hasher hashed by
// the pool; whichever way, each digest is the SHA-256 of the whole file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { OutputChecksums } from '../../www/hashing.js';

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

/** A hashing worker as hasher.js answers, but whose `push` replies wait until `release()`. */
function slowHasher() {
  const streams = new Map();
  const waiting = [];
  const requests = [];
  const hashOf = (stream) => streams.get(stream) ?? createHash('sha256');
  return {
    requests,
    release: () => waiting.splice(0).forEach((answer) => answer()),
    async request(type, { stream, bytes, blob }) {
      requests.push(type);
      if (type === 'push') {
        streams.set(stream, hashOf(stream).update(Buffer.from(bytes)));
        await new Promise((resolve) => waiting.push(resolve));
        return { bytes };
      }
      const hash = hashOf(stream);
      if (type === 'rest') hash.update(Buffer.from(await blob.arrayBuffer()));
      return hash.digest('hex');
    },
  };
}

/** The pool's `share`, hashing each Blob as a processor's `hashBlob` does. */
const pool = {
  share: (requests) => requests.map(async ([type, { blob }]) => {
    assert.equal(type, 'hashBlob');
    return sha256(Buffer.from(await blob.arrayBuffer()));
  }),
};

/** `count` pieces of `size` bytes, each of its own byte value. */
const pieces = (count, size, first = 0) => Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(first + i));

test('lines come to a hasher until 16 MB wait for it; the rest is hashed from the file written', async () => {
  const hasher = slowHasher();
  const checksums = new OutputChecksums([hasher], 2);
  const fast = pieces(5, 6 << 20); // 30 MB, handed over while the hasher answers none
  const taken = fast.map((bytes) => checksums.push(0, bytes));
  assert.deepEqual(taken, [true, true, false, false, false], 'at most 16 MB in flight, then no more of that file');
  const slow = pieces(3, 1000, 9);
  assert.deepEqual(slow.map((bytes) => checksums.push(1, bytes)), [true, true, true], 'the other file goes on');
  hasher.release();
  await new Promise((resolve) => setTimeout(resolve));
  assert.equal(checksums.takeSpares(10).length, 5, 'the hashed buffers come back, to be filled again');
  assert.equal(checksums.push(0, new Uint8Array(1)), false, 'a file that spilled stays spilled');

  const written = [{ blob: new Blob([...fast, new Uint8Array(1)]) }, { blob: new Blob(slow) }];
  const digests = await checksums.digests(written, pool);
  assert.deepEqual(digests, [sha256(...fast, new Uint8Array(1)), sha256(...slow)]);
  assert.deepEqual(hasher.requests.filter((t) => t !== 'push'), ['rest', 'digest']);
});

test('without hashing workers every file is hashed once written, by the pool', async () => {
  const checksums = new OutputChecksums([], 3);
  const files = [pieces(2, 100), pieces(1, 7, 5), []];
  files.forEach((lines, i) => lines.forEach((bytes) => assert.equal(checksums.push(i, bytes), false)));
  const digests = await checksums.digests(files.map((lines) => ({ blob: new Blob(lines) })), pool);
  assert.deepEqual(digests, files.map((lines) => sha256(...lines)));
});

test('files are spread over the hashing workers there are', async () => {
  const workers = [slowHasher(), slowHasher()];
  const checksums = new OutputChecksums(workers, 3);
  for (let i = 0; i < 3; i += 1) checksums.push(i, new Uint8Array([i]));
  assert.deepEqual(workers.map((w) => w.requests.length), [2, 1]);
  workers.forEach((w) => w.release());
  const digests = await checksums.digests([0, 1, 2].map((i) => ({ blob: new Blob([new Uint8Array([i])]) })), pool);
  assert.deepEqual(digests, [0, 1, 2].map((i) => sha256(new Uint8Array([i]))));
});
