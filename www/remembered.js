// Tokenizer files a person chose to keep in this browser (IndexedDB), so that they can be used
// offline. They are never sent anywhere; "Forget" removes them all.
const DB = 'kmix';
const STORE = 'tokenizers';

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'name' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore(mode, use) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = use(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** [{name, files: {tokenizer_json: Blob, ...}}], by name. */
export const keptTokenizers = () => inStore('readonly', (store) => store.getAll());
export const keepTokenizer = (name, files) => inStore('readwrite', (store) => store.put({ name, files }));
export const forgetTokenizers = () => inStore('readwrite', (store) => store.clear());
