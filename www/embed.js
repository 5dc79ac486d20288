// The postMessage API for embedding the page in an iframe (JupyterLab, a workbench). Only messages
// from the embedding parent window are accepted, and replies go to that parent's origin only.
//
// Parent -> page:  {kmix: 'mix', id, files: [{path, data: ArrayBuffer | Blob}], roots?: [folder name],
//                   tokenizer?: {name} (served) | {name, files: {tokenizer_json, tokenizer_config_json?,
//                                chat_template_jinja?, chat_template_json?}},
//                   params?: {cuts: '5, 50', qa_per_doc: '3', seed: '42', gpt_oss: false, date: 'YYYY-MM-DD',
//                             leave_out: [path | folder/ | kind]},
//                   datasets?: [{path: 'skills.jsonl' | 'recipe.yaml', data}] (to blend; a recipe sets sizes),
//                   blend?: {sizes: [['skills.jsonl', '30000']], budget: '20M', shares: 'knowledge=0.4,...',
//                            max_seq_len: '8192', trainer_count: 'unmask' | 'template', drop_over_length: false}}
// Page -> parent:  {kmix: 'ready'} once loaded; then for a request: {kmix: 'progress', id, phase, done, total},
//                  {kmix: 'result', id, report, manifest, files: [{name, data: ArrayBuffer}]} or {kmix: 'error', id, error}.

/** `runRequest(request, onProgress)` resolves to the run's result; `handedOver()` is called once
 * the parent has its files (the page then removes its own copies). */
export function listenToParent(runRequest, handedOver) {
  if (window.parent === window) return;
  window.addEventListener('message', async (event) => {
    if (event.source !== window.parent || event.data?.kmix !== 'mix') return;
    const { id } = event.data;
    const reply = (message, transfer = []) => window.parent.postMessage({ ...message, id }, event.origin, transfer);
    try {
      const result = await runRequest(event.data, (p) => reply({ kmix: 'progress', ...p }));
      const { outcome } = result;
      const manifest = await result.manifest; // the parent gets every file at once
      const texts = [...outcome.files_after_lines, manifest];
      const files = [
        ...(await Promise.all(result.files.map(async (f) => ({ name: f.name, data: await f.blob.arrayBuffer() })))),
        ...texts.map((t) => ({ name: t.name, data: new TextEncoder().encode(t.text).buffer })),
      ];
      const report = { cuts: outcome.reports, blends: outcome.blends, text: outcome.text };
      reply({ kmix: 'result', report, manifest: manifest.text, files }, files.map((f) => f.data));
      await handedOver();
    } catch (error) {
      reply({ kmix: 'error', error: { text: error?.text ?? String(error), ...error } });
    }
  });
  // Tells the parent the page is listening; carries no data, so any origin may hear it.
  window.parent.postMessage({ kmix: 'ready' }, '*');
}
