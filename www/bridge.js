// The page's side of the worker: promise-returning requests, progress callbacks, and Cancel,
// which ends the worker at once and starts a fresh one (replaying the inputs and tokenizer).
export class CoreBridge {
  /** `workers`: the size of the processor pool (default: one per core, up to 8). */
  constructor(workers) {
    this.workers = workers;
    this.nextId = 1;
    this.pending = new Map();
    this.replay = { inputs: null, tokenizer: null };
    this.start();
  }

  start() {
    // The pool size rides in the fragment, which no request carries.
    const url = new URL(`./worker.js${this.workers ? `#workers=${this.workers}` : ''}`, import.meta.url);
    this.worker = new Worker(url, { type: 'module' });
    this.worker.onmessage = ({ data }) => {
      const entry = this.pending.get(data.id);
      if (!entry) return;
      if (data.progress) return entry.onProgress?.(data.progress);
      this.pending.delete(data.id);
      data.ok ? entry.resolve(data.result) : entry.reject(data.error);
    };
    this.worker.onerror = (e) => {
      for (const entry of this.pending.values()) entry.reject({ text: `The worker failed: ${e.message}` });
      this.pending.clear();
    };
    // What this worker already holds of what the page gave.
    this.has = { inputs: false, tokenizer: false };
  }

  request(type, args = {}, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...args });
    });
  }

  async loadInputs(files, skipBadRows, onProgress) {
    this.replay.inputs = { files, skipBadRows };
    this.has.inputs = true;
    return this.request('loadInputs', { files, skipBadRows }, onProgress);
  }

  async loadTokenizer(name, files) {
    this.replay.tokenizer = { name, files };
    this.has.tokenizer = true;
    return this.request('loadTokenizer', { name, files });
  }

  /** The files last given, to read again (say, with other options). */
  lastInputs() {
    return this.replay.inputs?.files ?? [];
  }

  async clearTokenizer() {
    this.replay.tokenizer = null;
    this.has.tokenizer = true;
    return this.request('clearTokenizer');
  }

  async plan(params) {
    await this.restore();
    return this.request('plan', { params });
  }

  async run(params, onProgress) {
    await this.restore();
    return this.request('run', { params, previewsPerKind: 2 }, onProgress);
  }

  /** After a cancel, the new worker gets the inputs and tokenizer again before it works. Both are
   * sent at once: the worker takes requests in order, so whatever is sent next waits for them. */
  restore() {
    const { inputs, tokenizer } = this.replay;
    const replays = [];
    if (inputs && !this.has.inputs) {
      this.has.inputs = true;
      replays.push(this.request('loadInputs', inputs));
    }
    if (tokenizer && !this.has.tokenizer) {
      this.has.tokenizer = true;
      replays.push(this.request('loadTokenizer', tokenizer));
    }
    return Promise.all(replays);
  }

  cancel() {
    this.worker.terminate();
    for (const entry of this.pending.values()) entry.reject({ text: 'Cancelled.', cancelled: true });
    this.pending.clear();
    this.start();
  }
}
