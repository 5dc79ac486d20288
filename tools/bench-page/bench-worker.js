// One baseline worker: renders its share of a mix's conversations (untimed), then times encoding
// them, piece by piece, so that memory stays small however large the mix.
import init, { Tokenizer } from './pkg/kmix.js';

self.onmessage = async ({ data: { blob, tokenizer: name } }) => {
  try {
    await init();
    const file = async (f) => new Uint8Array(await (await fetch(`tokenizers/${name}/${f}`)).arrayBuffer());
    const tokenizer = new Tokenizer(name, await file('tokenizer.json'), await file('tokenizer_config.json'), undefined, Date.now());
    let texts = 0;
    let tokens = 0;
    let seconds = 0;
    const PIECE = 8 << 20;
    let carry = '';
    const decoder = new TextDecoder();
    for (let at = 0; at < blob.size; at += PIECE) {
      const text = carry + decoder.decode(await blob.slice(at, at + PIECE).arrayBuffer(), { stream: true });
      const lines = text.split('\n');
      carry = lines.pop();
      const rendered = lines.filter(Boolean).map((l) => tokenizer.render(JSON.parse(l).messages));
      const started = performance.now();
      for (const r of rendered) tokens += tokenizer.bareCountText(r);
      seconds += (performance.now() - started) / 1000;
      texts += rendered.length;
    }
    if (carry.trim()) {
      const r = tokenizer.render(JSON.parse(carry).messages);
      const started = performance.now();
      tokens += tokenizer.bareCountText(r);
      seconds += (performance.now() - started) / 1000;
      texts += 1;
    }
    self.postMessage({ texts, tokens, seconds });
  } catch (e) {
    self.postMessage({ error: String(e?.text ?? e?.message ?? e) });
  }
};
