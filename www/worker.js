// The worker that owns the kmix core: every byte of parsing, sampling, tokenizing and writing
// happens here, off the page's main thread. Requests: {id, type, ...}; replies: {id, ok, result |
// error}; progress: {id, progress: {phase, done, total}}. Cancel = the page terminates this worker.
import init, { Mixer, Tokenizer } from './pkg/kmix.js';

const ready = init();
let mixer = null;
let tokenizer = null;
/** Rows per slice of token counting: progress is reported, and cancel takes effect, between slices. */
const SLICE = 256;

const handlers = {
  async loadInputs({ files, skipBadRows }, progress) {
    mixer?.free();
    mixer = new Mixer();
    let done = 0;
    const total = files.reduce((n, f) => n + f.blob.size, 0);
    for (const { path, blob } of files) {
      mixer.addFile(path, new Uint8Array(await blob.arrayBuffer()));
      done += blob.size;
      progress({ phase: 'reading', done, total });
    }
    return mixer.read(skipBadRows);
  },

  async loadTokenizer({ name, files }) {
    const bytes = async (source) => {
      if (!source) return undefined;
      const blob = typeof source === 'string' ? await fetchBlob(source) : source;
      return new Uint8Array(await blob.arrayBuffer());
    };
    const text = async (source) => {
      const b = await bytes(source);
      return b && new TextDecoder().decode(b);
    };
    const loaded = new Tokenizer(name, await bytes(files.tokenizer_json), await bytes(files.tokenizer_config_json),
      await text(files.chat_template_jinja), Date.now());
    tokenizer?.free();
    tokenizer = loaded;
    return { name };
  },

  async clearTokenizer() {
    tokenizer?.free();
    tokenizer = null;
    return {};
  },

  async plan({ params }) {
    return requireInputs().plan(params);
  },

  async run({ params, previewsPerKind }, progress) {
    const m = requireInputs();
    const started = performance.now();
    const planned = m.plan(params);
    const feasible = planned.mix.cuts.filter((c) => c.feasible).map((c) => c.cut);
    if (feasible.length === 0) throw { text: 'No cut is feasible: choose smaller cut sizes.' };
    if (tokenizer) {
      const counts = new Uint32Array(planned.rows);
      for (let start = 0; start < planned.rows; start += SLICE) {
        counts.set(m.countTokens(tokenizer, start, start + SLICE), start);
        progress({ phase: 'counting', done: Math.min(start + SLICE, planned.rows), total: planned.rows });
        // Let the event loop breathe so progress messages leave promptly.
        if ((start / SLICE) % 16 === 15) await new Promise((r) => setTimeout(r, 0));
      }
      m.setCounts(counts, tokenizer);
    }
    const outputs = [];
    feasible.forEach((cut, i) => {
      progress({ phase: 'writing', done: i, total: feasible.length });
      const bytes = m.writeCut(cut);
      outputs.push({ cut, name: `combined_cut_${cut}x.jsonl`, bytes: bytes.buffer, lengths: tokenizer ? m.tokenLengths(cut).buffer : null });
    });
    const largest = feasible[feasible.length - 1];
    const previews = Array.from(m.samplePositions(largest, previewsPerKind), (p) => {
      const messages = m.messages(p);
      return { kind: m.kind(p), messages, rendered: tokenizer ? tokenizer.render(messages) : null };
    });
    const report = m.report();
    return {
      mix: planned.mix, report, outputs, previews, manifest: m.manifest(),
      tokenizer: tokenizer?.name() ?? null, seconds: (performance.now() - started) / 1000,
    };
  },
};

function requireInputs() {
  if (!mixer) throw { text: 'Add input files first.' };
  return mixer;
}

async function fetchBlob(url) {
  const response = await fetch(url);
  if (!response.ok) throw { text: `Cannot load ${url}: HTTP ${response.status}` };
  return response.blob();
}

// One request at a time: a plan asked for while a run yields to the event loop must not reset
// the run's state.
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
    const transfer = (result?.outputs ?? []).flatMap((o) => [o.bytes, o.lengths].filter(Boolean));
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
