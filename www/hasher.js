// A hashing worker: SHA-256 on a thread of its own, for the mixes' files the coordinator hands it
// as it writes their lines, where the machine has a core to spare beside the pool (see hashing.js).
import { Sha256 } from './pkg/kmix.js';
import { serve, transferring } from './protocol.js';
import { sha256OfBlob } from './checksums.js';
import { coreFromCoordinator } from './core.js';

const core = coreFromCoordinator();
const { ready } = core;
const streams = new Map();

/** The hash of `stream`'s bytes so far, which leaves this worker's keeping. */
const taken = (stream) => {
  const hash = streams.get(stream) ?? new Sha256();
  streams.delete(stream);
  return hash;
};

serve('hasher', {
  start: core.start,

  async push({ stream, bytes }) {
    await ready;
    if (!streams.has(stream)) streams.set(stream, new Sha256());
    streams.get(stream).push(bytes);
    return transferring({ bytes }, [bytes.buffer]); // back to the coordinator, to be filled again
  },

  async digest({ stream }) {
    await ready;
    return taken(stream).finish();
  },

  /** The digest of `stream`'s bytes followed by `blob`'s: the rest of a file whose lines came
   * faster than this worker hashed them, read back from the file once it is written. */
  async rest({ stream, blob }) {
    await ready;
    return sha256OfBlob(blob, taken(stream));
  },

  async memory() {
    return (await ready).memory.buffer.byteLength;
  },
});
