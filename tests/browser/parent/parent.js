// A stand-in for a notebook output cell: embeds kmix (URL in ?kmix=) and talks to it by postMessage.
const kmixUrl = new URL(location.search.slice(1).split('=').slice(1).join('='));
const frame = document.getElementById('kmix');
const ready = new Promise((resolve) => {
  addEventListener('message', function onReady(e) {
    if (e.source === frame.contentWindow && e.data?.kmix === 'ready') {
      removeEventListener('message', onReady);
      resolve();
    }
  });
});
frame.src = kmixUrl.href;

/** Sends files and parameters (and, in `extra`, datasets to blend and the blend's fields);
 * resolves to {progress: [...], result | error}. */
window.runKmix = async (files, params, tokenizer, roots, extra = {}) => {
  await ready;
  const id = Math.random().toString(36).slice(2);
  const progress = [];
  return new Promise((resolve) => {
    addEventListener('message', function onMessage(e) {
      if (e.source !== frame.contentWindow || e.origin !== kmixUrl.origin || e.data?.id !== id) return;
      if (e.data.kmix === 'progress') return progress.push(e.data.phase);
      removeEventListener('message', onMessage);
      const decoded = e.data.files?.map((f) => ({ name: f.name, text: new TextDecoder().decode(f.data) }));
      resolve({ progress, kmix: e.data.kmix, error: e.data.error, files: decoded, report: e.data.report });
    });
    const decode = (list) => list.map((f) => ({ path: f.path, data: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)).buffer }));
    frame.contentWindow.postMessage({
      kmix: 'mix', id, files: decode(files), roots, params, tokenizer,
      datasets: decode(extra.datasets ?? []), blend: extra.blend,
    }, kmixUrl.origin);
  });
};
