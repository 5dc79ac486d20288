// Offline use: registers the service worker (sw.js), says when the page will work with the network
// off, and offers a reload when a new version has been installed beside the running one.

/** `elements`: {status, update, reload}. Resolves once the registration is made (or refused). */
export async function keepForOffline({ status, update, reload }) {
  if (!('serviceWorker' in navigator)) {
    status.textContent = 'This browser cannot keep the page for offline use.';
    return;
  }
  try {
    const registration = await navigator.serviceWorker.register('sw.js');
    const offerUpdate = (worker) => {
      update.hidden = false;
      reload.onclick = () => worker.postMessage('take-over');
    };
    // A worker that installed while an older one runs this page is a new version.
    const watch = (worker) => worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
    });
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    watch(registration.installing);
    registration.addEventListener('updatefound', () => watch(registration.installing));
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (!update.hidden && !reloading) {
        reloading = true;
        location.reload();
      }
    });
    await navigator.serviceWorker.ready;
    status.textContent = 'Works offline: this page, the example and the tokenizers you have used are kept in this browser.';
    document.body.dataset.offline = 'ready';
  } catch (e) {
    status.textContent = `The page could not be kept for offline use: ${e?.message ?? e}`;
  }
}
