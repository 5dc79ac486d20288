// A pool of processor workers, one per core: each holds its own wasm instance and tokenizer.
// Chunks go to whichever worker is free; results are handed back in chunk order.
export class Pool {
  constructor(size) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(new URL('./processor.js', import.meta.url), { type: 'module' });
      const pending = new Map();
      worker.onmessage = ({ data }) => {
        const entry = pending.get(data.id);
        pending.delete(data.id);
        data.ok ? entry.resolve(data.result) : entry.reject(data.error);
      };
      worker.onerror = (e) => {
        for (const entry of pending.values()) entry.reject({ text: `A processor worker failed: ${e.message}` });
        pending.clear();
      };
      return { worker, pending };
    });
    this.nextId = 1;
  }

  get size() {
    return this.workers.length;
  }

  request(index, type, args = {}) {
    const { worker, pending } = this.workers[index];
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, type, ...args });
    });
  }

  /** The same request to every worker; resolves to the first worker's answer. */
  async all(type, args) {
    return (await this.each(type, args))[0];
  }

  /** The same request to every worker; resolves to every answer. */
  each(type, args) {
    return Promise.all(this.workers.map((_, i) => this.request(i, type, args)));
  }

  /**
   * Processes `count` chunks, `make(i)` giving chunk i's request; calls `take(i, result)` in chunk
   * order, as soon as each chunk and all before it are done.
   */
  async map(count, make, take) {
    const done = new Map();
    let next = 0;
    let handed = 0;
    const flush = async () => {
      while (done.has(handed)) {
        const result = done.get(handed);
        done.delete(handed);
        await take(handed, result);
        handed += 1;
      }
    };
    const lane = async (w) => {
      while (next < count) {
        const i = next++;
        done.set(i, await this.request(w, 'process', make(i)));
        await flush();
      }
    };
    await Promise.all(this.workers.map((_, w) => lane(w)));
    await flush();
  }
}
