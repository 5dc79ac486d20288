// Drop zones and pickers: turn dropped folders, dropped files and <input type=file> selections into
// {files: [{path, blob}], roots}: paths relative to the folder the person chose (as the command
// line does), and the names of the folders and files chosen (the manifest records them).

/** Makes `zone` accept drops and open `picker` on click, Enter or Space; calls `onFiles(chosen)`. */
export function attachDropZone(zone, picker, onFiles) {
  zone.addEventListener('click', () => picker.click());
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      picker.click();
    }
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFiles(await droppedFiles(e.dataTransfer));
  });
}

/** Files picked with an <input type=file> (with `webkitdirectory`, relative to the chosen folder). */
export function pickedFiles(input) {
  const all = Array.from(input.files);
  const top = (file) => (file.webkitRelativePath.includes('/') ? file.webkitRelativePath.split('/')[0] : file.name);
  return {
    files: all.map((file) => ({ path: withoutTopFolder(file.webkitRelativePath) || file.name, blob: file })),
    roots: [...new Set(all.map(top))],
  };
}

async function droppedFiles(dataTransfer) {
  const entries = Array.from(dataTransfer.items ?? [], (item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length === 0) {
    const files = Array.from(dataTransfer.files, (file) => ({ path: file.name, blob: file }));
    return { files, roots: files.map((f) => f.path) };
  }
  const files = [];
  for (const entry of entries) {
    if (entry.isDirectory) {
      await walk(entry, '', files);
    } else {
      files.push({ path: entry.name, blob: await fileOf(entry) });
    }
  }
  return { files, roots: entries.map((entry) => entry.name) };
}

/** A dropped folder's files, with paths relative to it. */
async function walk(dir, prefix, out) {
  for (const entry of await allEntries(dir.createReader())) {
    const path = prefix + entry.name;
    if (entry.isDirectory) await walk(entry, `${path}/`, out);
    else out.push({ path, blob: await fileOf(entry) });
  }
}

/** readEntries returns at most 100 entries a call; read until it returns none. */
async function allEntries(reader) {
  const all = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry) {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function withoutTopFolder(relativePath) {
  const slash = relativePath.indexOf('/');
  return slash < 0 ? relativePath : relativePath.slice(slash + 1);
}
