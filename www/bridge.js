// The page's side of the coordinator worker: requests by the protocol (protocol.js), and Cancel,
// which ends the worker at once and starts a fresh one (replaying the inputs and tokenizer).
import { connect } from './protocol.js';

export class CoreBridge {
  /** `workers`: the size of the processor pool (default: one per core, up to 8). */
  constructor(workers) {
    this.workers = workers;
    this.replay = { inputs: null, tokenizer: null };
    this.start();
  }

  start() {
    // The pool size rides in the fragment, which no request carries.
    const url = new URL(`./worker.js${this.workers ? `#workers=${this.workers}` : ''}`, import.meta.url);
    /** @type {import('./protocol.js').Connection<import('./protocol.js').CoordinatorRequests>} */
    this.core = connect(new Worker(url, { type: 'module' }));
    // What this worker already holds of what the page gave.
    this.has = { inputs: false, tokenizer: false };
  }

  /** `chosen`: {files: [{path, blob}], roots} as the drop zone gives them; `datasets`: [{path,
   * blob}] to blend beside the knowledge mix, each path its file name. */
  async loadInputs(chosen, skipBadRows, datasets, onProgress) {
    this.replay.inputs = { chosen, skipBadRows, datasets };
    this.has.inputs = true;
    return this.core.request('loadInputs', inputsRequest(this.replay.inputs), onProgress);
  }

  /** `now`: what templates see as now, in milliseconds of local time since 1970. */
  async loadTokenizer(name, files, now) {
    this.replay.tokenizer = { name, files, now };
    this.has.tokenizer = true;
    return this.core.request('loadTokenizer', this.replay.tokenizer);
  }

  /** The inputs last given ({files, roots}), to read again (say, with other options). */
  lastInputs() {
    return this.replay.inputs?.chosen ?? { files: [], roots: [] };
  }

  async clearTokenizer() {
    this.replay.tokenizer = null;
    this.has.tokenizer = true;
    return this.core.request('clearTokenizer');
  }

  async parseRecipe(text, name) {
    return this.core.request('parseRecipe', { text, name });
  }

  async plan(params, blend) {
    await this.restore();
    return this.core.request('plan', { params, blend });
  }

  /** `folder`: where the run writes its mixes (storage.js's holdRunFolder). */
  async run(params, blend, folder, onProgress, holdout = []) {
    await this.restore();
    return this.core.request('run', { params, blend, folder, holdout }, onProgress);
  }

  /** The manifest (`{name, text}`) of run `run` (a `run` result's), once its files are hashed. */
  async manifest(run) {
    return this.core.request('manifest', { run });
  }

  /** A window of the last run's rows of one output file (see the worker's `browseRows`). */
  async browseRows(query) {
    return this.core.request('browseRows', query);
  }

  async forgetRun() {
    return this.core.request('forgetRun');
  }

  async renderRow(messages) {
    return this.core.request('renderRow', { messages });
  }

  /** After a cancel, the new worker gets the inputs and tokenizer again before it works. Both are
   * sent at once: the worker takes requests in order, so whatever is sent next waits for them. */
  restore() {
    const { inputs, tokenizer } = this.replay;
    const replays = [];
    if (inputs && !this.has.inputs) {
      this.has.inputs = true;
      replays.push(this.core.request('loadInputs', inputsRequest(inputs)));
    }
    if (tokenizer && !this.has.tokenizer) {
      this.has.tokenizer = true;
      replays.push(this.core.request('loadTokenizer', tokenizer));
    }
    return Promise.all(replays);
  }

  cancel() {
    this.core.terminate();
    this.start();
  }
}

const inputsRequest = ({ chosen, skipBadRows, datasets = [] }) => ({
  files: chosen.files.map(({ path, blob }) => ({ path, data: blob })), roots: chosen.roots, skipBadRows,
  datasets: datasets.map(({ path, blob }) => ({ path, data: blob })),
});
