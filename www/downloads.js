// Offers the mixes and the manifest: a download link each, and, where the browser has the File
// System Access API, one button that writes them all straight into a folder on disk.
import { h, formatBytes, errorText } from './dom.js';

let urls = [];

/** `files`: [{name, blob}]. */
export function renderDownloads(container, files, status) {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = files.map((f) => URL.createObjectURL(f.blob));
  const links = files.map((f, i) => h('a', { class: 'button', href: urls[i], download: f.name },
    `Download ${f.name} (${formatBytes(f.blob.size)})`));
  const saveAll = 'showDirectoryPicker' in window
    ? h('button', { type: 'button', class: 'primary' }, 'Save all to a folder…')
    : null;
  saveAll?.addEventListener('click', async () => {
    try {
      const dir = await window.showDirectoryPicker({ mode: 'readwrite' });
      for (const f of files) {
        const handle = await dir.getFileHandle(f.name, { create: true });
        const writable = await handle.createWritable();
        // The browser writes to a temporary file and swaps it in on close: never half-written.
        await f.blob.stream().pipeTo(writable);
      }
      status(`Saved ${files.length} files to the folder “${dir.name}”.`);
    } catch (e) {
      if (e?.name !== 'AbortError') status(`Could not save: ${errorText(e)}`);
    }
  });
  container.replaceChildren(...[saveAll, ...links].filter(Boolean));
}
