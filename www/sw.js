// The service worker: after the first visit the page works with the network off. It keeps the
// files tools/prepare-www.sh lists in precache.js (the page, the wasm, the example, the default
// tokenizer) in a cache named after their version, and each served tokenizer once it is used.
// A new deployment has a new version: it installs beside the old one and waits until the page
// asks it to take over (its "new version, reload" prompt); then the old cache is removed.
importScripts('precache.js'); // sets self.KMIX_PRECACHE = {version, files}

const { version, files } = self.KMIX_PRECACHE;
const CACHE = `kmix-${version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(files)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('kmix-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'take-over') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // The page's address may carry options (?workers=N): the file is the same.
    const kept = await cache.match(event.request, { ignoreSearch: true });
    if (kept) return kept;
    const response = await fetch(event.request);
    if (response.ok && url.pathname.includes('/tokenizers/')) await cache.put(event.request, response.clone());
    return response;
  })());
});
