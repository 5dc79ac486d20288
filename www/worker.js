// The coordinator worker: it owns the core's session for the page. It streams the dropped Files
// into the index, plans from the form, and drives a run on a pool of processor workers
// (one per core, each with its own tokenizer), writing the lines the run gives back, in order,
// into the output files. Cancel = the page ends this worker, and with it the pool.
import init, { FirstPass, TextSearch, parseRecipe } from './pkg/kmix.js';
import { serve } from './protocol.js';
import { Pool } from './pool.js';
import { createOutputs } from './outputs.js';
import { streamInto } from './stream.js';
import { Hashing } from './hashing.js';
import { compileCore } from './core.js';

const core = compileCore();
const ready = core.then((module) => init({ module_or_path: module }));
const asked = Number(new URLSearchParams(self.location.hash.slice(1)).get('workers'));
const pool = new Pool(asked > 0 ? asked : Math.min(navigator.hardwareConcurrency || 2, 8), core);
const hashing = new Hashing(core);
let inputs = null; // the core's Inputs
let inputDigests = null; // a promise of the checksums the hashing worker computes for them
let files = []; // [{path, data}] as the page gave them (inputs, then datasets), for the pool
let roots = []; // the names of the folders and files the person chose, for the manifest
let tokenizer = null; // {name, info} once every pool worker holds it
let written = null; // the last run's files and their rows, to look through (see `browseRows`)

serve('coordinator', {
  async loadInputs({ files: given, datasets = [], roots: chosen, skipBadRows }, progress) {
    await ready;
    inputs?.free();
    inputs = null;
    inputDigests = null;
    forgetWritten();
    files = [...given, ...datasets];
    roots = chosen ?? [];
    const pass = new FirstPass(given, skipBadRows, datasets);
    const hashed = []; // per file, its Blob for the hashing worker, or null
    try {
      // Each file is read on whichever pool worker is free (as many at once as there are
      // workers), and added here in order.
      const jobs = pass.jobs();
      const reads = pool.share(jobs.map(({ job, data }) => ['readFile', { job, data }]));
      for (const [i, reading] of reads.entries()) {
        const { read, hashElsewhere } = await reading;
        pass.addFile(read);
        // Hashed by the hashing worker once every file is read, while the person sets the mix
        // up: the checksums are needed only once a run starts.
        hashed.push(hashElsewhere ? jobs[i].data : null);
        progress({ phase: 'reading', done: i + 1, total: jobs.length });
      }
    } catch (e) {
      pass.free();
      throw e;
    }
    inputs = pass.finish();
    inputDigests = Promise.all(hashed.map((blob) => blob && hashing.ofBlob(blob)));
    inputDigests.catch(() => {}); // a failure is reported by the run that needs them
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
    if (inputDigests) {
      read.giveDigests(await inputDigests);
      inputDigests = null;
    }
    const started = performance.now();
    // Small files: every pool worker reads and holds the set; each task names it by checksum.
    const heldOut = await pool.all('holdout', { files: holdout });
    const run = read.start(read.plan(params), {
      tokenizer: tokenizer?.info ?? null, dry_run: false, input_roots: roots,
      blend: blend ?? {}, workers: pool.size, holdout: heldOut,
      drop_contaminated: Boolean(params.drop_contaminated),
      raft: params.raft ?? null,
    });
    try {
      const { outcome, mixes, where } = await mixInto(run, folder, progress);
      written = { rows: run.writtenRows(), files: mixes, found: new Map() };
      return {
        outcome,
        files: mixes,
        kept: where,
        tokenizer: tokenizer?.name ?? null,
        seconds: (performance.now() - started) / 1000,
        // wasm memory only grows, so its size now is the peak of this worker, of each in the
        // pool and of the hashing worker.
        memory: {
          pool: pool.size, // the workers that read, render and count, besides this one and the hasher
          bytes: (await ready).memory.buffer.byteLength + await hashing.memory()
            + (await pool.each('memory')).reduce((a, b) => a + b, 0),
        },
      };
    } finally {
      run.free();
    }
  },
});

/** Drives `run` on the pool, its lines written to the output files (in `folder`) and hashed, in
 * order; resolves to the run's outcome, the files and where they are kept. A run that fails
 * leaves no file behind. */
async function mixInto(run, folder, progress) {
  const names = run.fileNames();
  // The lines are hashed on the hashing worker as they are written.
  const streams = names.map(() => hashing.stream());
  const outputs = await createOutputs(names, folder);
  try {
    await pool.each('inputs', { inputFiles: run.inputFiles(), files });
    let total = run.rows;
    let done = 0;
    await pool.drive(run, (batch) => {
      for (const ready of batch) {
        ready.lines.forEach((lines, i) => {
          if (!lines.bytes.length) return;
          outputs.append(i, lines.bytes);
          hashing.push(streams[i], lines.bytes);
        });
        done += ready.rows;
        total = ready.total;
      }
      progress({ phase: 'counting', done, total });
      return hashing.caughtUp();
    }, () => hashing.takeSpares(names.length));
    progress({ phase: 'writing', done: 0, total: 1 });
    // Closing the files (the browser flushes what is not on disk yet) while the hasher finishes
    // their last lines.
    const closed = outputs.finish();
    closed.catch(() => {}); // heard below, or undone by `discard` if the hashing fails first
    const outcome = run.finish(await Promise.all(streams.map((s) => hashing.digest(s))));
    return { outcome, mixes: await closed, where: outputs.where };
  } catch (e) {
    await outputs.discard();
    throw e;
  }
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
