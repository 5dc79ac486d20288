// The widget's front end: the kmix page in an iframe, talking to it by its postMessage API
// (www/embed.js) and to the kernel over the widget's comm. The inputs come from the kernel as
// binary buffers and go to the page as Blobs; the mixes come back the same way.
function render({ model, el }) {
  const url = model.get('url');
  const frame = document.createElement('iframe');
  frame.src = url;
  frame.title = 'kmix';
  frame.style.cssText = 'width: 100%; height: 720px; border: 1px solid #d0d7de; border-radius: 6px;';
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.className = 'kmix-status';
  const report = document.createElement('pre');
  report.className = 'kmix-report';
  report.style.cssText = 'white-space: pre-wrap; font-size: 12px;';
  el.append(status, frame, report);
  const show = () => {
    status.textContent = model.get('status');
    report.textContent = model.get('report');
  };
  model.on('change:status', show);
  model.on('change:report', show);
  show();

  const origin = new URL(url, location.href).origin;
  const onPage = (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    if (m?.kmix === 'ready') {
      model.send({ type: 'ready' });
    } else if (m?.kmix === 'progress') {
      status.textContent = `kmix: ${m.phase} ${m.done} of ${m.total}`;
    } else if (m?.kmix === 'result') {
      status.textContent = 'kmix: writing the mixes beside the notebook…';
      model.send({ type: 'result', names: m.files.map((f) => f.name), report: m.report.text }, undefined, m.files.map((f) => f.data));
    } else if (m?.kmix === 'error') {
      status.textContent = `kmix: ${m.error.text}`;
      model.send({ type: 'error', text: m.error.text });
    }
  };
  window.addEventListener('message', onPage);

  model.on('msg:custom', (message, buffers) => {
    if (message.type !== 'mix') return;
    const blob = (view) => new Blob([view]);
    const files = message.paths.map((path, i) => ({ path, data: blob(buffers[i]) }));
    const rest = buffers.slice(message.paths.length);
    const tokenizer = message.tokenizer?.files
      ? { name: message.tokenizer.name, files: Object.fromEntries(message.tokenizer.files.map((key, i) => [key, blob(rest[i])])) }
      : message.tokenizer;
    status.textContent = 'kmix: mixing in this tab…';
    frame.contentWindow.postMessage({ kmix: 'mix', id: 1, files, roots: [message.root], tokenizer, params: message.params }, origin);
  });
  return () => window.removeEventListener('message', onPage);
}

export default { render };
