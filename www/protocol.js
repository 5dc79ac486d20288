// The messages between the page, the coordinator worker (worker.js), the pool's processor
// workers (processor.js) and the hashing workers (hasher.js): each request's arguments and result
// declared once (the typedefs below, which an editor checks where `connect` and `serve` are
// typed with them), and the one request/reply helper each side uses. The core's shapes
// (InputSummary, MixSummary, ChunkTask, ...) are declared in pkg/kmix.d.ts.
//
// On the wire: request {id, type, args}; reply {id, ok: true, result} or {id, ok: false, error:
// KmixError}; progress {id, progress}. Every error, wherever it arises, is a KmixError. Buffers
// move (are transferred) only where a request or result lists them: `request(..., transfer)` and
// `transferring(result, transfer)`.

/** @typedef {import('./pkg/kmix.js').KmixError} KmixError */
/** @typedef {import('./pkg/kmix.js').InputSummary} InputSummary */
/** @typedef {import('./pkg/kmix.js').TokenizerInfo} TokenizerInfo */
/** @typedef {import('./pkg/kmix.js').RecipeJs} RecipeJs */
/** @typedef {import('./pkg/kmix.js').MixForm} MixForm */
/** @typedef {import('./pkg/kmix.js').BlendForm} BlendForm */
/** @typedef {import('./pkg/kmix.js').MixSummary} MixSummary */
/** @typedef {import('./pkg/kmix.js').BlendPreview} BlendPreview */
/** @typedef {import('./pkg/kmix.js').Outcome} Outcome */
/** @typedef {import('./pkg/kmix.js').ChunkTask} ChunkTask */
/** @typedef {import('./pkg/kmix.js').ChunkResult} ChunkResult */
/** @typedef {import('./pkg/kmix.js').InputFile} InputFile */
/** @typedef {import('./pkg/kmix.js').FileJob} FileJob */
/** @typedef {import('./pkg/kmix.js').FileIndex} FileIndex */
/** @typedef {import('./pkg/kmix.js').Message} Message */

/** @typedef {{path: string, data: Blob | Uint8Array}} GivenFile a file as the page has it */
/** @typedef {{phase: 'reading' | 'counting' | 'writing', done: number, total: number}} Progress */
/** A tokenizer's files by key (model-files.json): Blobs given, or URLs of served files.
 * @typedef {{tokenizer_json: Blob | string, tokenizer_config_json?: Blob | string,
 *   chat_template_jinja?: Blob | string, chat_template_json?: Blob | string}} TokenizerFiles */
/** `now`: what templates see as now, milliseconds of local time since 1970.
 * @typedef {{name: string, files: TokenizerFiles, now: number}} TokenizerSource */
/** @typedef {{name: string | null, info: TokenizerInfo | null}} TokenizerLoaded */
/** A window of the last run's rows of one file (a position in its files).
 * @typedef {{file: number, group?: string | null, text?: string, order?: 'file' | 'longest' | 'shortest',
 *   start?: number, count?: number}} RowsWanted */
/** @typedef {{total: number, groups: string[], rows: {row: number, offset: number, len: number,
 *   tokens: number | null, group: string, messages: Message[]}[]}} RowsFound */
/** `folder`: the run's own folder under kmix-outputs/ (see storage.js).
 * `holdout`: held-out files, read in the browser by each processor.
 * @typedef {{params: MixForm, blend: BlendForm, folder: string, holdout?: {path: string, blob: Blob}[]}} RunArgs */
/** `run`: which run this was, to ask for its manifest (`manifest`), which its outcome lacks until
 * the files are hashed. `memory`: the peak bytes of every worker's wasm memory; `pool`, the
 * processing workers; `hashers`, the hashing workers beside them.
 * @typedef {{run: number, outcome: Outcome, files: {name: string, blob: Blob}[], kept: 'disk' | 'memory',
 *   tokenizer: string | null, seconds: number, memory: {pool: number, hashers: number, bytes: number}}} RunDone */

/**
 * Page -> coordinator (worker.js): [arguments, result] of each request. `loadInputs` reports
 * progress {phase: 'reading'}; `run`, {phase: 'counting' | 'writing'}. `manifest` is answered
 * beside the requests sent after it (see ALONGSIDE).
 * @typedef {{
 *   loadInputs: [{files: GivenFile[], datasets?: GivenFile[], roots?: string[], skipBadRows: boolean}, InputSummary],
 *   loadTokenizer: [TokenizerSource, TokenizerLoaded],
 *   parseRecipe: [{text: string, name: string}, RecipeJs],
 *   clearTokenizer: [{}, TokenizerLoaded],
 *   plan: [{params: MixForm, blend: BlendForm}, {mix: MixSummary, blend?: BlendPreview[], blendError?: KmixError}],
 *   run: [RunArgs, RunDone],
 *   manifest: [{run: number}, {name: string, text: string}],
 *   browseRows: [RowsWanted, RowsFound],
 *   renderRow: [{messages: Message[]}, string | null],
 *   forgetRun: [{}, void],
 * }} CoordinatorRequests
 */
/**
 * Coordinator -> each processor (processor.js). `readFile`: one file of the first pass (one of
 * `FirstPass.jobs()`, for `addFile`), hashed too. `hashBlob`: an output file's SHA-256 (hex). `process`: its lines' bytes come back in `spares` where they
 * fit (see line-buffers.js); both ways transferred. `memory`: its wasm memory's peak.
 * @typedef {{
 *   start: [{module: WebAssembly.Module}, {}],
 *   readFile: [{job: FileJob, data: Blob | Uint8Array}, {read: FileIndex}],
 *   hashBlob: [{blob: Blob}, string],
 *   tokenizer: [{source: TokenizerSource | null}, TokenizerLoaded],
 *   holdout: [{files: {path: string, blob: Blob}[]}, unknown],
 *   corpus: [{share: import('./pkg/kmix.js').CorpusShare}, {}],
 *   inputs: [{inputFiles: InputFile[], files: GivenFile[]}, {}],
 *   process: [{task: ChunkTask, spares: ArrayBuffer[]}, ChunkResult],
 *   render: [{messages: Message[]}, string | null],
 *   memory: [{}, number],
 * }} ProcessorRequests
 */
/**
 * Coordinator -> a hashing worker (hasher.js): SHA-256s of output files, hex. `push`: the next
 * bytes of a stream, transferred there and back; `digest`: of a stream's bytes; `rest`: of a
 * stream's bytes followed by a Blob's.
 * @typedef {{
 *   start: [{module: WebAssembly.Module}, {}],
 *   push: [{stream: number, bytes: Uint8Array}, {bytes: Uint8Array}],
 *   digest: [{stream: number}, string],
 *   rest: [{stream: number, blob: Blob}, string],
 *   memory: [{}, number],
 * }} HasherRequests
 */

/** The requests each worker answers (the typedefs' keys), checked when it starts serving. */
export const ANSWERS = Object.freeze({
  coordinator: ['loadInputs', 'loadTokenizer', 'parseRecipe', 'clearTokenizer', 'plan', 'run', 'manifest',
    'browseRows', 'renderRow', 'forgetRun'],
  processor: ['start', 'readFile', 'hashBlob', 'tokenizer', 'holdout', 'corpus', 'inputs', 'process', 'render', 'memory'],
  hasher: ['start', 'push', 'digest', 'rest', 'memory'],
});

/** Requests that wait for those sent before them, but not those after: each only awaits work
 * under way elsewhere, and would hold every later request up while it does. */
export const ALONGSIDE = Object.freeze(['manifest']);

/** The error a request ends with when the user cancels (the worker is ended). */
export const CANCELLED = Object.freeze({ kind: 'cancelled', text: 'Cancelled.', message: 'Cancelled.' });

/** Any thrown value as a KmixError: the core's errors pass as they are. */
export function asKmixError(e, kind = 'io') {
  if (e && typeof e === 'object' && typeof e.text === 'string' && e.kind) return e;
  const text = String(e?.text ?? e?.message ?? e);
  return { kind, text, message: text };
}

/**
 * @template {Record<string, [any, any]>} R
 * @typedef {{
 *   request<K extends keyof R & string>(type: K, args?: R[K][0], onProgress?: (p: Progress) => void,
 *     transfer?: Transferable[]): Promise<R[K][1]>,
 *   terminate(): void,
 * }} Connection
 */

/**
 * The calling side: promise-returning requests to `worker`, with progress callbacks.
 * @template {Record<string, [any, any]>} R the requests the worker answers
 * @param {Worker} worker
 * @returns {Connection<R>}
 */
export function connect(worker) {
  let nextId = 1;
  const pending = new Map();
  const rejectAll = (error) => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  worker.onmessage = ({ data }) => {
    const entry = pending.get(data.id);
    if (!entry) return;
    if (data.progress) return entry.onProgress?.(data.progress);
    pending.delete(data.id);
    data.ok ? entry.resolve(data.result) : entry.reject(data.error);
  };
  worker.onerror = (e) => rejectAll(asKmixError(`A worker failed: ${e.message}`));
  return {
    /** `transfer`: buffers in `args` that move to the worker rather than being copied. */
    request(type, args = {}, onProgress = undefined, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        worker.postMessage({ id, type, args }, transfer);
      });
    },
    /** Ends the worker: every request under way fails with CANCELLED. */
    terminate() {
      worker.terminate();
      rejectAll(CANCELLED);
    },
  };
}

/** A handler's result whose `transfer` buffers move to the caller rather than being copied. */
class Transferring {
  constructor(result, transfer) {
    this.result = result;
    this.transfer = transfer;
  }
}

/**
 * `result`, with the buffers in it that move to the caller.
 * @template T
 * @param {T} result
 * @param {Transferable[]} transfer
 * @returns {T}
 */
export const transferring = (result, transfer) => /** @type {T} */ (/** @type {unknown} */ (new Transferring(result, transfer)));

/**
 * The worker's side: answers each request with `handlers[type](args, progress)`, one at a time,
 * so that a request never sees another half done (but for those ALONGSIDE, which start in turn
 * and let the next start meanwhile). `role` names the worker (a key of ANSWERS):
 * its handlers must be exactly those requests, and any other request is refused by name.
 * `scope`: where messages arrive (the worker's global).
 * @param {keyof typeof ANSWERS} role
 * @param {Record<string, (args: any, progress: (p: Progress) => void) => any>} handlers
 */
export function serve(role, handlers, scope = self) {
  const answered = ANSWERS[role];
  const missing = answered.filter((t) => typeof handlers[t] !== 'function');
  const extra = Object.keys(handlers).filter((t) => !answered.includes(t));
  if (missing.length || extra.length) {
    throw new Error(`The ${role} worker's handlers do not match its requests: missing ${missing.join(', ') || 'none'}; not declared ${extra.join(', ') || 'none'}`);
  }
  let queue = Promise.resolve();
  scope.onmessage = ({ data }) => {
    const turn = queue.then(() => answer(data));
    if (!ALONGSIDE.includes(data.type)) queue = turn;
  };
  async function answer({ id, type, args }) {
    const progress = (p) => scope.postMessage({ id, progress: p });
    try {
      if (!Object.hasOwn(handlers, type)) {
        throw asKmixError(`Unknown request '${type}' (this worker answers: ${answered.join(', ')})`);
      }
      const reply = await handlers[type](args, progress);
      const [result, transfer] = reply instanceof Transferring ? [reply.result, reply.transfer] : [reply, []];
      scope.postMessage({ id, ok: true, result }, transfer);
    } catch (e) {
      scope.postMessage({ id, ok: false, error: asKmixError(e) });
    }
  }
}
