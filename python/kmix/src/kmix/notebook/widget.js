// The widget's front end: the kmix page in an iframe, talking to it by its postMessage API
// (www/embed.js) and to the kernel over the widget's comm. The inputs come from the kernel as
// binary buffers and go to the page as Blobs; the mixes come back the same way. Both ways the
// files travel in pieces of at most PIECE bytes, each the next bytes of the files one after
// another, a few in flight, each acknowledged (as transfer.py sends and receives them): Jupyter's
// server refuses a websocket message over 10 MiB by default.
const PIECE = 4 << 20;
const WINDOW = 3;

/** "37 of 120 MB": whole megabytes, or tenths below 10 MB. */
function megabytes(done, total) {
  const digits = total < 10e6 ? 1 : 0;
  return `${(done / 1e6).toFixed(digits)} of ${(total / 1e6).toFixed(digits)} MB`;
}

/** The pieces of `datas` (ArrayBuffers): the files' indices and their bytes in each. */
function* pieces(datas) {
  let indices = [];
  let buffers = [];
  let room = PIECE;
  for (const [i, data] of datas.entries()) {
    for (let at = 0; at < data.byteLength;) {
      const end = Math.min(data.byteLength, at + room);
      indices.push(i);
      buffers.push(data.slice(at, end));
      room -= end - at;
      at = end;
      if (!room) {
        yield { indices, buffers };
        [indices, buffers, room] = [[], [], PIECE];
      }
    }
  }
  if (buffers.length) yield { indices, buffers };
}

/** Files arriving in pieces of `sizes` bytes: each piece kept as a Blob, so that the comm's
 * buffers can go; the files are Blobs of those. */
function incoming(sizes) {
  const parts = sizes.map(() => []);
  let received = 0;
  return {
    add(indices, buffers) {
      indices.forEach((file, k) => {
        parts[file].push(new Blob([buffers[k]]));
        received += buffers[k].byteLength;
      });
      return received;
    },
    files: () => parts.map((p) => new Blob(p)),
  };
}

/** Calls `onLate` with its text when `arm` is not called again, or `stop` called, in time. */
function watchdog(seconds, onLate) {
  let timer;
  const stop = () => clearTimeout(timer);
  const arm = (text) => {
    stop();
    timer = setTimeout(() => onLate(text), seconds * 1000);
  };
  return { arm, stop };
}

/** The cell's output: a status line, the page, the report; `say` sets the status. */
function layout(model, el, url) {
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
  const events = ['change:status', 'change:report'];
  events.forEach((e) => model.on(e, show));
  show();
  return { frame, say: (text) => { status.textContent = text; }, off: () => events.forEach((e) => model.off(e, show)) };
}

/** The kernel's inputs, piece by piece; `deliver` gets their first message and the files as Blobs. */
function inputReceiver({ model, view, say, late }, deliver) {
  let header;
  let files;
  let total;
  const progress = (done) => {
    say(`kmix: sending inputs ${megabytes(done, total)}`);
    late.arm(`the kernel stopped sending the inputs at ${megabytes(done, total)}: is it still running?`);
  };
  const finish = () => {
    late.stop();
    deliver(header, files.files());
    files = undefined;
  };
  return {
    inputs(message) {
      [header, files, total] = [message, incoming(message.sizes), message.sizes.reduce((a, b) => a + b, 0)];
      progress(0);
      if (!message.pieces) finish();
    },
    'input-piece'(message, buffers) {
      const done = files.add(message.files, buffers);
      model.send({ type: 'input-got', view, n: message.n });
      progress(done);
      if (message.n + 1 === header.pieces) finish();
    },
  };
}

/** Sends the page's mixes (`files`: [{name, data: ArrayBuffer}]) to the kernel, WINDOW pieces
 * ahead of its acknowledgements; returns the handler of those. */
function sendResult({ model, view, say, late }, files, report) {
  const datas = files.map((f) => f.data);
  const sizes = datas.map((d) => d.byteLength);
  const total = sizes.reduce((a, b) => a + b, 0);
  const count = Math.ceil(total / PIECE);
  const next = pieces(datas);
  let sent = 0;
  const advance = (acknowledged) => {
    // All written: the kernel says so in the status.
    if (acknowledged === count) return late.stop();
    const done = megabytes(acknowledged * PIECE, total);
    say(`kmix: writing the mixes beside the notebook: ${done}`);
    late.arm(`the kernel stopped answering while writing the mixes, at ${done}; nothing was written. Is it still running?`);
    for (; sent < Math.min(count, acknowledged + WINDOW); sent++) {
      const { indices, buffers } = next.next().value;
      model.send({ type: 'result-piece', view, n: sent, files: indices }, undefined, buffers);
    }
    return undefined;
  };
  model.send({ type: 'result', view, names: files.map((f) => f.name), sizes, pieces: count, report });
  advance(0);
  return { 'result-got': (message) => advance(message.n + 1) };
}

/** The page this package carries, as the Jupyter server that shows this notebook serves it (kmix's
 * server extension, at `{base_url}kmix/`), or null outside a Jupyter server's page. */
function servedByJupyter() {
  const config = document.getElementById('jupyter-config-data');
  const base = config && JSON.parse(config.textContent).baseUrl;
  return base ? new URL(`${base.replace(/\/?$/, '/')}kmix/`, location.href).href : null;
}

function render({ model, el }) {
  const url = model.get('url') || servedByJupyter();
  if (!url) {
    el.textContent = 'kmix: this notebook is not shown by a Jupyter server, which serves the kmix page: '
      + 'give Kmix(..., www=) a page folder or url= where a page is served.';
    return undefined;
  }
  const hint = model.get('url') ? 'is it the kmix page, built (bash tools/prepare-www.sh) and served there?'
    : 'is kmix installed where the Jupyter server runs (`jupyter server extension list` names kmix.notebook.server), '
      + 'and the server restarted since?';
  const { frame, say, off } = layout(model, el, url);
  // Which view this is: the kernel sends the inputs to the first view that asks, and heeds only
  // its messages.
  const view = `${Date.now()}-${Math.random()}`;
  let handlers;
  const fail = (text) => {
    late.stop();
    handlers = {}; // this view heeds the kernel no more: it said what went wrong
    say(`kmix: ${text}`);
    model.send({ type: 'error', view, text });
  };
  const late = watchdog(model.get('timeout'), fail);
  late.arm(`the page at ${url} did not answer within ${model.get('timeout')} s: ${hint} Run the cell again once it is.`);
  const link = { model, view, say, late };

  const origin = new URL(url, location.href).origin;
  const toPage = (header, blobs) => {
    const rest = blobs.slice(header.paths.length);
    const tokenizer = header.tokenizer?.files
      ? { name: header.tokenizer.name, files: Object.fromEntries(header.tokenizer.files.map((key, i) => [key, rest[i]])) }
      : header.tokenizer;
    say('kmix: mixing in this tab…');
    frame.contentWindow.postMessage({ kmix: 'mix', id: 1, files: header.paths.map((path, i) => ({ path, data: blobs[i] })),
      roots: [header.root], tokenizer, params: header.params }, origin);
  };
  handlers = { ...inputReceiver(link, toPage), failed: (message) => { late.stop(); say(message.text); } };
  const onKernel = (message, buffers) => {
    if (message.view === view) handlers[message.type]?.(message, buffers);
  };
  model.on('msg:custom', onKernel);

  const onPage = (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    if (m?.kmix === 'ready') {
      late.stop();
      model.send({ type: 'ready', view });
    } else if (m?.kmix === 'progress') {
      say(`kmix: ${m.phase} ${m.done} of ${m.total}`);
    } else if (m?.kmix === 'result') {
      handlers = { ...handlers, ...sendResult(link, m.files, m.report.text) };
    } else if (m?.kmix === 'error') {
      fail(m.error.text);
    }
  };
  window.addEventListener('message', onPage);
  return () => {
    late.stop();
    off();
    model.off('msg:custom', onKernel);
    window.removeEventListener('message', onPage);
  };
}

export default { render };
