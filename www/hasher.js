// The hashing worker: SHA-256 on a thread of its own, so that the coordinator only parses and
// writes: of an input file, which it reads itself while the first pass parses it, and of each
// mix, whose lines the coordinator hands it as it writes them.
import { Sha256 } from './pkg/kmix.js';
import { serve, transferring } from './protocol.js';
import { streamInto } from './stream.js';
import { coreFromCoordinator } from './core.js';

const core = coreFromCoordinator();
const { ready } = core;
const streams = new Map();

serve('hasher', {
  start: core.start,

  async blob({ blob }) {
    await ready;
    const hash = new Sha256();
    await streamInto(blob, (bytes) => {
      hash.push(bytes);
      return true;
    });
    return hash.finish();
  },

  async push({ stream, bytes }) {
    await ready;
    if (!streams.has(stream)) streams.set(stream, new Sha256());
    streams.get(stream).push(bytes);
    return transferring({ bytes }, [bytes.buffer]); // back to the coordinator, to be filled again
  },

  async memory() {
    return (await ready).memory.buffer.byteLength;
  },

  async digest({ stream }) {
    await ready;
    const hash = streams.get(stream) ?? new Sha256();
    streams.delete(stream);
    return hash.finish();
  },
});
