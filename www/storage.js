// Where the mixes are kept while a tab shows them: one folder per run under kmix-outputs/ in the
// origin-private file system, held by a Web Lock of the same name for as long as the tab that
// made it shows its results. A folder whose lock is free was left by a closed tab, a crash or an
// older version: the next page to open removes it. Used by the page and the coordinator worker.
export const OUTPUTS = 'kmix-outputs';

const lockName = (folder) => `${OUTPUTS}/${folder}`;
const kept = () => Boolean(navigator.locks && navigator.storage?.getDirectory);

/** A new run's folder name, its lock held (by this tab, which outlives a cancelled worker) until
 * `remove()` has removed the folder. */
export async function holdRunFolder() {
  const name = `run-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  let release = () => {};
  if (navigator.locks) {
    await new Promise((held, failed) => {
      navigator.locks.request(lockName(name), () => {
        held();
        return new Promise((r) => { release = r; });
      }).catch(failed);
    });
  }
  let removing = null;
  return {
    name,
    /** Removes the folder (however much of it was written), then lets its lock go. */
    remove() {
      removing ??= removeFolder(name).finally(() => release());
      return removing;
    },
  };
}

/** The run's folder, made if missing (the parent too: a page opening elsewhere removes an empty
 * kmix-outputs/ at any moment, so a second try makes it again). */
export async function runFolder(name) {
  const root = await navigator.storage.getDirectory();
  for (let attempt = 0; ; attempt++) {
    try {
      const dir = await root.getDirectoryHandle(OUTPUTS, { create: true });
      return await dir.getDirectoryHandle(name, { create: true });
    } catch (e) {
      if (e?.name !== 'NotFoundError' || attempt > 2) throw e;
    }
  }
}

/** Removes a run's folder and, when no other run has one, kmix-outputs/ itself. A worker just
 * ended (Cancel) may still hold its files open for a moment: removal is tried again until they close. */
export async function removeFolder(name) {
  if (!navigator.storage?.getDirectory) return;
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OUTPUTS).catch(() => null);
  if (!dir) return;
  for (let attempt = 0; ; attempt++) {
    try {
      await dir.removeEntry(name, { recursive: true });
      break;
    } catch (e) {
      if (e?.name === 'NotFoundError') break;
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 20 + 10 * attempt));
    }
  }
  await root.removeEntry(OUTPUTS).catch(() => {}); // refused while another run's folder is in it
}

/** Removes what no open tab holds (the folders of closed tabs' runs, an older version's loose
 * files); resolves to the bytes removed. */
export async function removeLeftovers() {
  if (!kept()) return 0;
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OUTPUTS).catch(() => null);
  if (!dir) return 0;
  const entries = [];
  for await (const entry of dir.entries()) entries.push(entry);
  let bytes = 0;
  for (const [name, handle] of entries) {
    await navigator.locks.request(lockName(name), { ifAvailable: true }, async (lock) => {
      if (!lock) return; // another tab shows these results
      bytes += await sizeOf(handle);
      await removeFolder(name);
    });
  }
  await root.removeEntry(OUTPUTS).catch(() => {});
  return bytes;
}

async function sizeOf(handle) {
  if (handle.kind === 'file') return (await handle.getFile()).size;
  let bytes = 0;
  for await (const child of handle.values()) bytes += await sizeOf(child);
  return bytes;
}
