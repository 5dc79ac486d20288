// The messages between the page, the coordinator worker (worker.js) and the pool's processor
// workers (processor.js), declared once, with the one request/reply helper each side uses.
// The shapes named here (InputSummary, MixSummary, ChunkTask, ...) are declared in pkg/kmix.d.ts.
//
// Page -> coordinator (worker.js):
//   loadInputs     {files: [{path, data: Blob}], datasets: [{path, data}], roots, skipBadRows} -> InputSummary
//                                                                 progress {phase: 'reading', done, total}
//   loadTokenizer  {name, files: {tokenizer_json, tokenizer_config_json?, chat_template_jinja?}, now}
//                                                              -> {name, info: TokenizerInfo}
//                  (`now`: what templates see as now, milliseconds of local time since 1970)
//   parseRecipe    {text, name}                                -> RecipeJs (an InstructLab recipe, read by the core)
//   clearTokenizer {}                                          -> {name: null, info: null}
//   plan           {params: MixForm, blend: BlendForm}         -> {mix: MixSummary, blend?: BlendPreview[], blendError?: KmixError}
//                                                                 (MixForm.leave_out: the table's choices)
//   run            {params: MixForm, blend: BlendForm, folder} -> {outcome: Outcome, files: [{name, blob}], kept: 'disk' | 'memory',
//                                                                 tokenizer, seconds, memory} (`folder`: the run's own
//                                                                 folder under kmix-outputs/, see storage.js)
//                                                                 progress {phase: 'counting' | 'writing', done, total}
//   browseRows     {file, group?, text?, order?, start, count} -> {total, groups: string[], rows: [{row, offset, len,
//                                                                 tokens, group, messages}]} (the last run's rows)
//   renderRow      {messages}                                  -> the chat template's text (by the pool's tokenizer)
//   forgetRun      {}                                          -> undefined (the last run's files and rows are let go)
// Coordinator -> each processor (processor.js) and the hashing worker (hasher.js), first:
//   start          {module: WebAssembly.Module}                -> {} (the core, compiled once, see core.js)
// Coordinator -> each processor (processor.js):
//   readFile       {job, data: Blob | Uint8Array}              -> {read, hashElsewhere} (one file of the
//                                                                 first pass: FirstPass.jobs(), addFile)
//   tokenizer      {source: {name, files, now} | null}         -> {name, info: TokenizerInfo | null}
//   inputs         {inputFiles: InputFile[], files: [{path, data}]} -> {}
//   process        {task: ChunkTask, spares: ArrayBuffer[]}     -> ChunkResult (its lines' bytes in
//                                                                 spares where they fit; all transferred)
//   render         {messages}                                  -> the chat template's text, or null without a tokenizer
//   memory         {}                                          -> bytes of wasm memory (its peak: it only grows)
// Coordinator -> the hashing worker (hasher.js):
//   blob           {blob}                                      -> the SHA-256 of the Blob, hex (an input file)
//   push           {stream, bytes}                             -> {bytes} (transferred there and back)
//   digest         {stream}                                    -> the SHA-256 of the stream's bytes, hex
//   memory         {}                                          -> bytes of wasm memory (its peak: it only grows)
//
// On the wire: request {id, type, args}; reply {id, ok: true, result} or {id, ok: false, error:
// KmixError}; progress {id, progress}. Every error, wherever it arises, is a KmixError.

/** The error a request ends with when the user cancels (the worker is ended). */
export const CANCELLED = Object.freeze({ kind: 'cancelled', text: 'Cancelled.', message: 'Cancelled.' });

/** Any thrown value as a KmixError: the core's errors pass as they are. */
export function asKmixError(e, kind = 'io') {
  if (e && typeof e === 'object' && typeof e.text === 'string' && e.kind) return e;
  const text = String(e?.text ?? e?.message ?? e);
  return { kind, text, message: text };
}

/** The calling side: promise-returning requests to `worker`, with progress callbacks. */
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

/** The worker's side: answers requests with `handlers[type](args, progress)`, one at a time, so
 * that a request never sees another half done. Buffers in a result are transferred, not copied. */
export function serve(handlers) {
  let queue = Promise.resolve();
  self.onmessage = ({ data }) => {
    queue = queue.then(() => answer(data));
  };
  async function answer({ id, type, args }) {
    const progress = (p) => self.postMessage({ id, progress: p });
    try {
      const result = await handlers[type](args, progress);
      self.postMessage({ id, ok: true, result }, transferables(result));
    } catch (e) {
      self.postMessage({ id, ok: false, error: asKmixError(e) });
    }
  }
}

/** The ArrayBuffers of the typed arrays in a result (each once). */
function transferables(value, found = new Set(), depth = 0) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (value && typeof value === 'object' && depth < 6 && !(value instanceof Blob)) {
    for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, found, depth + 1);
  }
  return depth === 0 ? [...found] : undefined;
}
