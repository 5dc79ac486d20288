// The coordinator worker: it owns the core's session for the page. It reads the dropped Files (in
// slices) into the index, plans from the form, and drives a run on a pool of processor workers
// (one per core, each with its own tokenizer), writing the lines the run gives back, in order,
// into the output files. Cancel = the page ends this worker, and with it the pool.
import init, { FirstPass } from './pkg/kmix.js';
import { serve } from './protocol.js';
import { Pool } from './pool.js';
import { createOutputs } from './outputs.js';

const ready = init();
const asked = Number(new URLSearchParams(self.location.hash.slice(1)).get('workers'));
const pool = new Pool(asked > 0 ? asked : Math.min(navigator.hardwareConcurrency || 2, 8));
let inputs = null; // the core's Inputs
let files = []; // [{path, data}] as the page gave them, for the pool
let roots = []; // the names of the folders and files the person chose, for the manifest
let tokenizer = null; // {name, info} once every pool worker holds it

serve({
  async loadInputs({ files: given, roots: chosen, skipBadRows }, progress) {
    await ready;
    inputs?.free();
    inputs = null;
    files = given;
    roots = chosen ?? [];
    const pass = new FirstPass(given, skipBadRows);
    const total = pass.files;
    for (let done = 1; pass.readNext(); done++) {
      progress({ phase: 'reading', done, total });
      // Back to the event loop between files: progress goes out, memory can be collected.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    inputs = pass.finish();
    return inputs.summary();
  },

  async loadTokenizer({ name, files: sources, now }) {
    tokenizer = null;
    try {
      const loaded = await pool.all('tokenizer', { source: { name, files: sources, now } });
      tokenizer = loaded;
      return loaded;
    } catch (e) {
      await pool.all('tokenizer', { source: null });
      throw e;
    }
  },

  async clearTokenizer() {
    tokenizer = null;
    return pool.all('tokenizer', { source: null });
  },

  async plan({ params }) {
    const plan = requireInputs().plan(params);
    try {
      return plan.summary();
    } finally {
      plan.free();
    }
  },

  async run({ params, previewsPerKind }, progress) {
    const read = requireInputs();
    const started = performance.now();
    const run = read.start(read.plan(params),
      { tokenizer: tokenizer?.info ?? null, dry_run: false, previews_per_kind: previewsPerKind, input_roots: roots });
    try {
      const names = run.fileNames();
      const outputs = await createOutputs(names);
      await pool.each('inputs', { inputFiles: run.inputFiles(), files });
      const total = run.rows;
      let done = 0;
      await pool.drive(run, (batch) => {
        for (const ready of batch) {
          ready.lines.forEach((lines, i) => outputs.append(i, lines.bytes));
          done += ready.rows;
        }
        progress({ phase: 'counting', done, total });
      });
      progress({ phase: 'writing', done: 0, total: 1 });
      const outcome = run.finish();
      return {
        outcome,
        files: await outputs.finish(),
        tokenizer: tokenizer?.name ?? null,
        seconds: (performance.now() - started) / 1000,
        // wasm memory only grows, so its size now is the peak of this worker and of each in the pool.
        memory: {
          workers: 1 + pool.size,
          bytes: (await ready).memory.buffer.byteLength + (await pool.each('memory')).reduce((a, b) => a + b, 0),
        },
      };
    } finally {
      run.free();
    }
  },
});

function requireInputs() {
  if (!inputs) throw { kind: 'input', text: 'Add input files first.', message: 'Add input files first.' };
  return inputs;
}
