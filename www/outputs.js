// Where the mixes are written as their lines arrive, in order: files in the run's folder of the
// origin-private file system (on disk, so memory stays bounded whatever their size; see storage.js
// for how long they stay), or, where that is missing, Blob parts.
import { runFolder, removeFolder } from './storage.js';

const FLUSH_EVERY = 32 << 20;

/** `folder`: the run's folder under kmix-outputs/, whose lock the page holds. */
export async function createOutputs(names, folder) {
  try {
    const dir = await runFolder(folder);
    const files = await Promise.all(names.map(async (name) => {
      const handle = await dir.getFileHandle(name, { create: true });
      const access = await handle.createSyncAccessHandle();
      access.truncate(0);
      return { name, handle, access, written: 0, flushed: 0 };
    }));
    return {
      where: 'disk',
      append(i, bytes) {
        const f = files[i];
        f.written += f.access.write(bytes, { at: f.written });
        // Flushed as it grows, while the pool counts: closing flushes what is left, and with
        // nothing else to do then, 300 MB unflushed cost 0.1 to 0.17 s at the end of a run.
        if (f.written - f.flushed >= FLUSH_EVERY) {
          f.access.flush();
          f.flushed = f.written;
        }
      },
      async finish() {
        for (const f of files) {
          f.access.flush();
          f.access.close();
        }
        return Promise.all(files.map(async (f) => ({ name: f.name, blob: await f.handle.getFile() })));
      },
      /** For a run that failed: nothing half-written is left, and no file stays open (an open
       * one would keep the next run from writing to disk). */
      async discard() {
        for (const f of files) f.access.close();
        await removeFolder(folder).catch(() => {}); // the page tries again, and reports what stays
      },
    };
  } catch {
    const parts = names.map(() => []);
    return {
      where: 'memory',
      append(i, bytes) {
        parts[i].push(new Blob([bytes])); // a copy now: the bytes' buffer moves on to be hashed
      },
      async finish() {
        return names.map((name, i) => ({ name, blob: new Blob(parts[i], { type: 'application/jsonl' }) }));
      },
      async discard() {
        // Nothing open, nothing on disk: the parts go with this object.
      },
    };
  }
}
