// Offers the mixes and the manifest: a download link each, and, where the browser has the File
// System Access API, one button that writes them all straight into a folder on disk; and says
// where they are kept until then. A file still being made (the manifest, while the mixes are
// hashed) is shown as such, and offered once it is there; "Save all" waits for it.
import { h, formatBytes, errorText } from './dom.js';

let urls = [];
let shown = {}; // the files on screen now: a file made later is offered only if they still are

/** `files`: [{name, blob}], `blob` a Blob or the promise of one (with `making`: what it waits for). */
export function renderDownloads(container, files, status) {
  withdrawDownloads(container);
  const showing = (shown = {});
  const links = files.map((f) => (f.blob instanceof Blob ? linkTo(f.name, f.blob) : awaited(f, showing)));
  const saveAll = 'showDirectoryPicker' in window
    ? h('button', { type: 'button', class: 'primary' }, 'Save all to a folder…')
    : null;
  saveAll?.addEventListener('click', () => saveAllTo(files, status));
  container.replaceChildren(...[saveAll, ...links].filter(Boolean));
}

function linkTo(name, blob) {
  const url = URL.createObjectURL(blob);
  urls.push(url);
  return h('a', { class: 'button', href: url, download: name }, `Download ${name} (${formatBytes(blob.size)})`);
}

/** A file being made: said so until it is there (then its link takes the place) or fails. */
function awaited(file, showing) {
  const note = h('span', { class: 'button is-pending', role: 'status', 'aria-busy': 'true' }, `${file.name}: ${file.making}…`);
  /** @type {Promise<Blob>} */ (file.blob).then((blob) => {
    if (shown === showing) note.replaceWith(linkTo(file.name, blob));
  }, (e) => {
    note.removeAttribute('aria-busy');
    note.classList.add('error');
    note.textContent = `${file.name} could not be made: ${errorText(e)}`;
  });
  return note;
}

async function saveAllTo(files, status) {
  try {
    const dir = await window.showDirectoryPicker({ mode: 'readwrite' });
    if (files.some((f) => !(f.blob instanceof Blob))) status(`Saving to “${dir.name}” once every file is made…`);
    for (const f of files) {
      const blob = await f.blob;
      const handle = await dir.getFileHandle(f.name, { create: true });
      const writable = await handle.createWritable();
      // The browser writes to a temporary file and swaps it in on close: never half-written.
      await blob.stream().pipeTo(writable);
    }
    status(`Saved ${files.length} files to the folder “${dir.name}”.`);
  } catch (e) {
    if (e?.name !== 'AbortError') status(`Could not save: ${errorText(e)}`);
  }
}

/** Takes the downloads away, for mixes removed from the browser's storage. */
export function withdrawDownloads(container) {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  shown = {};
  container.replaceChildren();
}

/** Where the mixes (`bytes` of them) are kept, `where` the run's outputs say, and until when. */
export function keptNote(bytes, where) {
  return where === 'disk'
    ? `These mixes (${formatBytes(bytes)}) are kept in this browser's private storage only while this page shows them:`
      + ' a new mix or other inputs replace them, and once you leave, the next kmix page to open removes them.'
    : `These mixes (${formatBytes(bytes)}) are held in this tab's memory only, until you remove them or leave the page.`;
}
