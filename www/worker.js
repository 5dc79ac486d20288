// The coordinator worker: it owns the core's session for the page. It streams the dropped Files
// into the index, plans from the form, and drives a run on a pool of processor workers
// (one per core, each with its own tokenizer), writing the lines the run gives back, in order,
// into the output files, and hashes them for the manifest off the waiting path (hashing.js).
// Cancel = the page ends this worker, and with it the pool.
import init, { FirstPass, TextSearch, parseRecipe } from './pkg/kmix.js';
import { serve } from './protocol.js';
import { Pool } from './pool.js';
import { createOutputs } from './outputs.js';
import { streamInto } from './stream.js';
import { Hashers, OutputChecksums } from './hashing.js';
import { SpareBuffers } from './line-buffers.js';
import { compileCore } from './core.js';

const core = compileCore();
const ready = core.then((module) => init({ module_or_path: module }));
const asked = Number(new URLSearchParams(self.location.hash.slice(1)).get('workers'));
const cores = navigator.hardwareConcurrency || 2;
const pool = new Pool(asked > 0 ? asked : Math.min(cores, 8), core);
const hashers = new Hashers(core, cores - pool.size);
let inputs = null; // the core's Inputs
let files = []; // [{path, data}] as the page gave them (inputs, then datasets), for the pool
let roots = []; // the names of the folders and files the person chose, for the manifest
let tokenizer = null; // {name, info} once every pool worker holds it
let written = null; // the last run's files and their rows, to look through (see `browseRows`)
let runs = 0; // runs started, to tell which one a `manifest` request means

serve('coordinator', {
  async loadInputs({ files: given, datasets = [], roots: chosen, skipBadRows }, progress) {
    await ready;
    inputs?.free();
    inputs = null;
    forgetWritten();
    files = [...given, ...datasets];
    roots = chosen ?? [];
    const pass = new FirstPass(given, skipBadRows, datasets);
    try {
      // Each file is read (and hashed) on whichever pool worker is free (as many at once as
      // there are workers), and added here in order.
      const jobs = pass.jobs();
      const reads = pool.share(jobs.map(({ job, data }) => ['readFile', { job, data }]));
      for (const [i, reading] of reads.entries()) {
        pass.addFile((await reading).read);
        progress({ phase: 'reading', done: i + 1, total: jobs.length });
      }
    } catch (e) {
      pass.free();
      throw e;
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

  async parseRecipe({ text, name }) {
    await ready;
    return parseRecipe(text, name);
  },

  /** The plan, and the blend before counting (or why the blend's fields are wrong). */
  async plan({ params, blend }) {
    const read = requireInputs();
    const plan = read.plan(params);
    try {
      try {
        return { mix: plan.summary(), blend: read.blendPreview(plan, blend ?? {}) };
      } catch (blendError) {
        return { mix: plan.summary(), blendError };
      }
    } finally {
      plan.free();
    }
  },

  /**
   * A window of the last run's rows of one file: `group` (a kind or dataset) or all, only rows
   * holding `text` (any case) when given, in file order or by token length. Each row comes with
   * its messages, read again from the file written.
   */
  async browseRows({ file, group = null, text = '', order = 'file', start = 0, count = 20 }) {
    if (!written) throw { kind: 'input', text: 'The rows of that run are gone: mix again to look at them.', message: 'no run' };
    const matching = text ? await rowsHolding(file, text) : undefined;
    const selection = written.rows.select(file, { group, order, start, count }, matching);
    const blob = written.files[file].blob;
    const rows = await Promise.all(selection.rows.map(async (r) => {
      const row = JSON.parse(await blob.slice(r.offset, r.offset + r.len).text());
      return { ...r, messages: row.messages };
    }));
    return { total: selection.total, groups: written.rows.groups(file), rows };
  },

  /** The manifest of run `run` (`{name, text}`), once its output files are hashed; answered
   * beside the requests after it (see `serve`), so that the rows can be looked through meanwhile. */
  async manifest({ run }) {
    if (written?.run !== run) throw { kind: 'input', text: 'That run was replaced: its manifest is gone.', message: 'run replaced' };
    return written.manifest;
  },

  /** Lets the last run's files and rows go: the page removed them. */
  async forgetRun() {
    forgetWritten();
  },

  /** A conversation as the chat template renders it (by the first pool worker's tokenizer). */
  async renderRow({ messages }) {
    return pool.request(0, 'render', { messages });
  },

  async run({ params, blend, folder, holdout = [] }, progress) {
    const read = requireInputs();
    forgetWritten();
    const started = performance.now();
    // Small files: every pool worker reads and holds the set; each task names it by checksum.
    const heldOut = await pool.all('holdout', { files: holdout });
    const run = read.start(read.plan(params), {
      tokenizer: tokenizer?.info ?? null, dry_run: false, input_roots: roots,
      blend: blend ?? {}, workers: pool.size, holdout: heldOut,
      drop_contaminated: Boolean(params.drop_contaminated),
      raft: params.raft ?? null,
    });
    let manifest = null;
    try {
      const { outcome, mixes, where, digests, memory } = await mixInto(run, folder, progress);
      // The run is freed once its manifest is made (or cannot be).
      manifest = digests.then((sha256) => run.manifest(sha256)).finally(() => run.free());
      manifest.catch(() => {}); // heard by the `manifest` request
      written = { rows: run.writtenRows(), files: mixes, found: new Map(), run: ++runs, manifest };
      return {
        run: written.run,
        outcome,
        files: mixes,
        kept: where,
        tokenizer: tokenizer?.name ?? null,
        seconds: (performance.now() - started) / 1000,
        memory,
      };
    } finally {
      if (!manifest) run.free();
    }
  },
});

/** Drives `run` on the pool, its lines written to the output files (in `folder`), in order;
 * resolves to the run's outcome, the files, where they are kept and a promise of their
 * checksums. A run that fails leaves no file behind. */
async function mixInto(run, folder, progress) {
  const names = run.fileNames();
  const hashing = hashers.take(names.length);
  const checksums = new OutputChecksums(hashing, names.length);
  const spares = new SpareBuffers(); // written, not handed to a hasher: to be filled again
  const outputs = await createOutputs(names, folder);
  try {
    await pool.each('inputs', { inputFiles: run.inputFiles(), files });
    let total = run.rows;
    let done = 0;
    await pool.drive(run, (batch) => {
      for (const ready of batch) {
        ready.lines.forEach((lines, i) => {
          if (!lines.bytes.length) return;
          outputs.append(i, lines.bytes); // written (or copied) before it returns
          if (!checksums.push(i, lines.bytes)) spares.give([lines.bytes.buffer]);
        });
        done += ready.rows;
        total = ready.total;
      }
      progress({ phase: 'counting', done, total });
    }, () => {
      const hashed = checksums.takeSpares(names.length);
      return [...hashed, ...spares.take(names.length - hashed.length)];
    });
    progress({ phase: 'writing', done: 0, total: 1 });
    const mixes = await outputs.finish();
    const outcome = run.finish();
    const memory = await workersMemory(hashing.length); // asked before the pool hashes, not to wait for it
    const digests = checksums.digests(mixes, pool);
    digests.catch(() => {}); // heard when the manifest is asked for
    return { outcome, mixes, where: outputs.where, digests, memory };
  } catch (e) {
    await outputs.discard();
    throw e;
  }
}

/** The peak bytes of the workers' wasm memory (it only grows, so its size now is its peak): this
 * one's, the pool's (which read, render and count) and the hashing workers' (`hashing` of them
 * hashed this run's files). */
async function workersMemory(hashing) {
  const bytes = (await ready).memory.buffer.byteLength + await hashers.memory()
    + (await pool.each('memory')).reduce((a, b) => a + b, 0);
  return { pool: pool.size, hashers: hashing, bytes };
}

/** Forgets the last run's rows: new inputs or a new run replace them. */
function forgetWritten() {
  written?.rows.free();
  written = null;
}

/** The rows of `file` (a position in the run's files) that hold `text`, found once per text. */
async function rowsHolding(file, text) {
  const key = `${file}\0${text}`;
  if (!written.found.has(key)) {
    const search = new TextSearch(text);
    await streamInto(written.files[file].blob, (bytes) => search.push(bytes));
    written.found.set(key, search.finish());
  }
  return written.found.get(key);
}

function requireInputs() {
  if (!inputs) throw { kind: 'input', text: 'Add input files first.', message: 'Add input files first.' };
  return inputs;
}
