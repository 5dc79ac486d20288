// Baseline for tools/bench-page.mjs: the bare tokenizer on the rendered texts of a mix, in as many
// workers as the page uses, each with its own tokenizer. Only encoding is timed.
window.bareTokenizer = async (tokenizerName, workerCount) => {
  const file = document.getElementById('mix').files[0];
  // Split the file into one byte range per worker, at line ends.
  const cuts = [0];
  for (let i = 1; i < workerCount; i++) {
    let at = Math.floor((file.size * i) / workerCount);
    const probe = new Uint8Array(await file.slice(at, at + (1 << 20)).arrayBuffer());
    at += probe.indexOf(10) + 1;
    cuts.push(at);
  }
  cuts.push(file.size);
  const runs = cuts.slice(0, -1).map((start, i) => new Promise((resolve, reject) => {
    const worker = new Worker('bench-worker.js', { type: 'module' });
    worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data));
    worker.postMessage({ blob: file.slice(start, cuts[i + 1]), tokenizer: tokenizerName });
  }));
  const results = await Promise.all(runs);
  return {
    texts: results.reduce((n, r) => n + r.texts, 0),
    tokens: results.reduce((n, r) => n + r.tokens, 0),
    // Workers encode side by side: the slowest one's encoding time is the baseline's.
    seconds: Math.max(...results.map((r) => r.seconds)),
  };
};
document.body.dataset.ready = 'true';
