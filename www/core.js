// The core's wasm, compiled once for the page by the coordinator and shared with the workers it
// starts. Their instances then share the compiled code: the browser compiles, and optimises each
// hot function, once rather than once per worker (on two cores that compiling competed with the
// counting).
import init from './pkg/kmix.js';
import { connect } from './protocol.js';

/** The coordinator's side: compiles the core's module (from where wasm-bindgen's `init` fetches it). */
export async function compileCore() {
  const response = await fetch(new URL('./pkg/kmix_bg.wasm', import.meta.url));
  if (!response.ok) throw new Error(`Cannot load the core: HTTP ${response.status}`);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    return WebAssembly.compile(await response.arrayBuffer()); // served without application/wasm
  }
}

/**
 * Starts the worker at `url` (a module next to this one) and gives it `module` (a promise of the
 * compiled core) in its first request, `start`; every later request is sent after it.
 * @template {Record<string, [any, any]>} R the requests the worker answers (protocol.js)
 * @param {string} url
 * @param {Promise<WebAssembly.Module>} module
 * @returns {Pick<import('./protocol.js').Connection<R>, 'request'>}
 */
export function startWorker(url, module) {
  const worker = connect(new Worker(new URL(url, import.meta.url), { type: 'module' }));
  const started = module.then((m) => worker.request('start', { module: m }));
  return {
    async request(type, ...args) {
      await started;
      return worker.request(type, ...args);
    },
  };
}

/** The started worker's side: `ready` resolves to the core once `start` (its handler for the
 * request of that name) has instantiated it from the coordinator's module. */
export function coreFromCoordinator() {
  let give;
  const ready = new Promise((resolve) => { give = resolve; });
  return {
    ready,
    async start({ module }) {
      give(init({ module_or_path: module }));
      await ready;
      return {};
    },
  };
}
