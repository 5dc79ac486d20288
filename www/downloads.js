// Offers the mixes and the manifest: a download link each, and, where the browser has the File
// System Access API, one button that writes them all straight into a folder on disk; and says
// where they are kept until then.
import { h, formatBytes, errorText } from './dom.js';

let urls = [];

/** `files`: [{name, blob}]. */
export function renderDownloads(container, files, status) {
  withdrawDownloads(container);
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

/** Takes the downloads away, for mixes removed from the browser's storage. */
export function withdrawDownloads(container) {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  container.replaceChildren();
}

/** Where the mixes (`bytes` of them) are kept, `where` the run's outputs say, and until when. */
export function keptNote(bytes, where) {
  return where === 'disk'
    ? `These mixes (${formatBytes(bytes)}) are kept in this browser's private storage only while this page shows them:`
      + ' a new mix or other inputs replace them, and once you leave, the next kmix page to open removes them.'
    : `These mixes (${formatBytes(bytes)}) are held in this tab's memory only, until you remove them or leave the page.`;
}
