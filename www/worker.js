// The worker that owns the kmix core for the page: it indexes the inputs (reading the Files in
// slices), plans the mix, and spreads the second pass over a pool of processor workers (one per
// core, each with its own tokenizer), then gathers their chunks in order into the output files.
// Requests: {id, type, ...}; replies: {id, ok, result | error}; progress: {id, progress}.
// Cancel = the page terminates this worker, and with it the pool.
import init, { Mixer } from './pkg/kmix.js';
import { Pool } from './pool.js';
import { createOutputs } from './outputs.js';

const ready = init();
/** Rows per chunk of the second pass: progress is reported, and work balanced, per chunk. */
const CHUNK = 256;
const asked = Number(new URLSearchParams(self.location.hash.slice(1)).get('workers'));
const pool = new Pool(asked > 0 ? asked : Math.min(navigator.hardwareConcurrency || 2, 8));
let mixer = null;
let files = [];
let tokenizer = null; // {name, files} as the page gave it, and its {info} once loaded

const handlers = {
  async loadInputs({ files: given, skipBadRows }, progress) {
    mixer?.free();
    mixer = new Mixer();
    files = given;
    for (const { path, blob } of given) mixer.addFile(path, blob);
    const total = mixer.startReading(skipBadRows);
    for (let done = 0; mixer.readNext(); done++) {
      progress({ phase: 'reading', done: done + 1, total });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return mixer.finishReading();
  },

  async loadTokenizer({ name, files: sources }) {
    try {
      const loaded = await pool.all('tokenizer', { source: { name, files: sources } });
      tokenizer = { name, files: sources, info: loaded.info };
      return loaded;
    } catch (e) {
      tokenizer = null;
      await pool.all('tokenizer', { source: null });
      throw e;
    }
  },

  async clearTokenizer() {
    tokenizer = null;
    return pool.all('tokenizer', { source: null });
  },

  async plan({ params }) {
    return requireInputs().plan(params);
  },

  async run({ params, previewsPerKind }, progress) {
    const m = requireInputs();
    const started = performance.now();
    const planned = m.plan(params);
    const cuts = planned.cuts;
    if (cuts.length === 0) throw { text: 'No cut is feasible: choose smaller cut sizes.' };
    const names = cuts.map((cut) => `combined_cut_${cut}x.jsonl`);
    const outputs = await createOutputs(names);
    await pool.all('inputs', { inputsJson: m.inputFiles(), files });
    const chunks = Math.ceil(planned.rows / CHUNK);
    await pool.map(chunks, (i) => ({ chunk: m.chunk(i * CHUNK, (i + 1) * CHUNK), cuts }), (i, result) => {
      m.addChunk(result.counts, result.bytes, Uint32Array.from(result.rows));
      result.bytes.forEach((bytes, c) => outputs.append(c, bytes));
      progress({ phase: 'counting', done: Math.min((i + 1) * CHUNK, planned.rows), total: planned.rows });
    });
    if (tokenizer) m.countedWith(tokenizer.info);
    progress({ phase: 'writing', done: 0, total: 1 });
    const written = await outputs.finish();
    const samples = JSON.parse(m.samples(cuts[cuts.length - 1], previewsPerKind));
    const previews = [];
    for (const s of samples) {
      const rendered = tokenizer ? await pool.request(0, 'render', { messages: s.messages }) : null;
      previews.push({ kind: s.kind, messages: s.messages, rendered });
    }
    return {
      mix: planned.mix,
      report: m.report(),
      manifest: m.manifest(),
      outputs: written.map((w, i) => ({
        cut: cuts[i], name: w.name, blob: w.blob, lengths: tokenizer ? m.tokenLengths(cuts[i]).buffer : null,
      })),
      previews,
      tokenizer: tokenizer?.name ?? null,
      seconds: (performance.now() - started) / 1000,
      // wasm memory only grows, so its size now is the peak of this worker and of each in the pool.
      memory: { workers: 1 + pool.size, bytes: (await ready).memory.buffer.byteLength + (await pool.each('memory')).reduce((a, b) => a + b, 0) },
    };
  },
};

function requireInputs() {
  if (!mixer) throw { text: 'Add input files first.' };
  return mixer;
}

// One request at a time: a plan asked for while a run waits on the pool must not reset the run.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};

async function handle(data) {
  const { id, type, ...args } = data;
  const progress = (p) => self.postMessage({ id, progress: p });
  try {
    await ready;
    const result = await handlers[type](args, progress);
    const transfer = (result?.outputs ?? []).map((o) => o.lengths).filter(Boolean);
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (e) {
    self.postMessage({ id, ok: false, error: describe(e) });
  }
}

/** Errors from the core carry {text, file, line, column, field}; others become text. */
function describe(e) {
  if (e && typeof e === 'object' && 'text' in e) return e;
  return { text: String(e?.message ?? e) };
}
