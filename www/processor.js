// A pool worker: its own wasm instance and tokenizer; turns the run's tasks into results (reads
// the rows again by range from the page's Files, counts their tokens, renders their lines).
import { FileReading, Hashing, Processor, Tokenizer } from './pkg/kmix.js';
import { serve, transferring } from './protocol.js';
import { SpareBuffers, bufferedLines } from './line-buffers.js';
import { streamInto } from './stream.js';
import { hashedNatively, nativeSha256, sha256OfBlob } from './checksums.js';
import { coreFromCoordinator } from './core.js';

/** Bytes of a file held whole pushed at a time: the wasm memory grows by this much, not by the
 * whole file. */
const PIECE = 1 << 20;

const core = coreFromCoordinator();
const { ready } = core;
/** Buffers the coordinator gave, for the next results' lines. */
const spares = new SpareBuffers();
let processor = null;
const engine = async () => {
  await ready;
  processor ??= new Processor();
  return processor;
};

serve('processor', {
  start: core.start,

  /** Loads the tokenizer (or none); errors such as a missing chat template come back from here. */
  async tokenizer({ source }) {
    const p = await engine();
    const tokenizer = source ? await loadTokenizer(source) : undefined;
    const info = tokenizer ? tokenizer.info() : null;
    p.setTokenizer(tokenizer);
    return { name: source?.name ?? null, info };
  },

  /** Checks rows against these held-out files ([{path, blob}]; none: no check); returns the
   * set's HeldOutInfo, or null. They are read here, in the browser, as every input is. */
  async holdout({ files }) {
    const p = await engine();
    const read = await Promise.all(files.map(async ({ path, blob }) => ({ path, bytes: new Uint8Array(await blob.arrayBuffer()) })));
    return p.setHoldout(read);
  },

  /** Holds the run's RAFT corpus (a CorpusShare) for the tasks that name it. */
  async corpus({ share }) {
    (await engine()).setCorpus(share);
    return {};
  },

  /** Reads one file of the first pass (one of `FirstPass.jobs()`). A file that fits in memory
   * is read whole and hashed natively while it is parsed; a larger one streams through the
   * reading, which hashes it as it passes. */
  async readFile({ job, data }) {
    await ready;
    const whole = hashedNatively(data instanceof Blob ? data.size : data.byteLength);
    const reading = new FileReading(job, whole ? Hashing.Elsewhere : Hashing.Here);
    try {
      if (reading.wantsBytes && whole) {
        await readWhole(reading, data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data);
      } else if (reading.wantsBytes && data instanceof Blob) {
        await streamInto(data, (bytes) => reading.push(bytes));
      } else if (reading.wantsBytes) {
        reading.push(data);
      }
    } catch (e) {
      reading.free();
      throw e;
    }
    return { read: reading.finish() };
  },

  /** The SHA-256 (hex) of a file written: natively where it fits in memory. */
  async hashBlob({ blob }) {
    await ready;
    return sha256OfBlob(blob);
  },

  async inputs({ inputFiles, files }) {
    (await engine()).setInputs(inputFiles, files);
    return {};
  },

  async render({ messages }) {
    return (await engine()).render(messages) ?? null;
  },

  async process({ task, spares: given = [] }) {
    spares.give(given);
    // The wasm Run takes the buffers it fills out of the array it is given.
    const result = (await engine()).process(task, spares.held);
    return transferring(result, bufferedLines(result));
  },

  async memory() {
    return (await ready).memory.buffer.byteLength;
  },
});

/** Pushes `bytes` (a whole file) to `reading` piece by piece while Web Crypto hashes them, and
 * gives it their digest. */
async function readWhole(reading, bytes) {
  const digest = nativeSha256(bytes);
  for (let at = 0; at < bytes.length && reading.push(bytes.subarray(at, at + PIECE)); at += PIECE);
  reading.giveDigest(await digest);
}

async function loadTokenizer({ name, files, now }) {
  const bytes = async (source) => {
    if (!source) return undefined;
    const blob = typeof source === 'string' ? await fetchBlob(source) : source;
    return new Uint8Array(await blob.arrayBuffer());
  };
  const template = await bytes(files.chat_template_jinja);
  return new Tokenizer(name, await bytes(files.tokenizer_json), await bytes(files.tokenizer_config_json),
    template && new TextDecoder().decode(template), now, await bytes(files.chat_template_json));
}

async function fetchBlob(url) {
  const response = await fetch(url).catch(() => {
    throw {
      kind: 'tokenizer', message: 'offline',
      text: `Cannot load ${url}: the network is off, and this tokenizer has not been used in this browser before (once used, it is kept for offline use). Pick another, or drop its files.`,
    };
  });
  if (!response.ok) throw { kind: 'tokenizer', text: `Cannot load ${url}: HTTP ${response.status}`, message: `HTTP ${response.status}` };
  return response.blob();
}
