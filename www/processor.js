// A pool worker: its own wasm instance and tokenizer; reads a chunk's rows again (by range, from the
// page's Files), counts their tokens and serialises them for every cut. Requests: {id, type, ...}.
import init, { Processor, Tokenizer } from './pkg/kmix.js';

const ready = init();
let processor = null;

const handlers = {
  /** Loads the tokenizer (or none); errors such as a missing chat template come back from here. */
  async tokenizer({ source }) {
    const tokenizer = source ? await loadTokenizer(source) : undefined;
    const info = tokenizer ? tokenizer.info() : null;
    processor.setTokenizer(tokenizer);
    return { name: source?.name ?? null, info };
  },

  /** The inputs of a run: the Mixer's file list and the Files themselves. */
  async inputs({ inputsJson, files }) {
    processor.setInputs(inputsJson);
    for (const { path, blob } of files) processor.addFile(path, blob);
    return {};
  },

  async process({ chunk, cuts }) {
    const out = processor.process(chunk, Uint32Array.from(cuts));
    return { counts: out.counts, bytes: out.bytes, rows: out.rows };
  },

  async render({ messages }) {
    return processor.render(messages);
  },

  /** Bytes of this worker's wasm memory (it only grows: this is its peak). */
  async memory() {
    return (await ready).memory.buffer.byteLength;
  },
};

async function loadTokenizer({ name, files }) {
  const bytes = async (source) => {
    if (!source) return undefined;
    const blob = typeof source === 'string' ? await fetchBlob(source) : source;
    return new Uint8Array(await blob.arrayBuffer());
  };
  const template = await bytes(files.chat_template_jinja);
  return new Tokenizer(name, await bytes(files.tokenizer_json), await bytes(files.tokenizer_config_json),
    template && new TextDecoder().decode(template), Date.now());
}

async function fetchBlob(url) {
  const response = await fetch(url);
  if (!response.ok) throw { text: `Cannot load ${url}: HTTP ${response.status}` };
  return response.blob();
}

let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    const { id, type, ...args } = data;
    try {
      await ready;
      processor ??= new Processor();
      const result = await handlers[type](args);
      const transfer = result?.bytes ? [...result.bytes.map((b) => b.buffer), result.counts.buffer] : [];
      self.postMessage({ id, ok: true, result }, transfer);
    } catch (e) {
      self.postMessage({ id, ok: false, error: e && typeof e === 'object' && 'text' in e ? e : { text: String(e?.message ?? e) } });
    }
  });
};
