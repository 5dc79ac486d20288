// The core compiled to wasm gives Python's token counts and the CLI's bytes.
// Run by tools/test.sh after tools/build-wasm.sh: node --test tests/node/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { initSync, Tokenizer, Mixer, Processor } from '../../www/pkg/kmix.js';

const root = new URL('../..', import.meta.url).pathname;
initSync({ module: readFileSync(join(root, 'www/pkg/kmix_bg.wasm')) });

const tokenizerDir = (name) => join(root, 'vendor-tokenizers', name);
function loadTokenizer(name) {
  const dir = tokenizerDir(name);
  return new Tokenizer(name, readFileSync(join(dir, 'tokenizer.json')),
    readFileSync(join(dir, 'tokenizer_config.json')), undefined, 0);
}
const golden = (name) => JSON.parse(readFileSync(join(root, 'tests/golden', `${name}.json`), 'utf8'));

for (const name of ['llama3_1', 'qwen3', 'gemma3', 'deepseek_v3']) {
  test(`wasm ${name}: every fixture row renders and counts as in Python`, () => {
    const tok = loadTokenizer(name);
    const expected = golden(name);
    golden('fixture').forEach((messages, i) => {
      const json = JSON.stringify(messages);
      assert.equal(tok.render(json), expected.rendered[i], `case ${i} rendering`);
      assert.equal(tok.count(json), expected.token_counts[i], `case ${i} count`);
    });
    tok.free();
  });
}

test('wasm: a tokenizer without a chat template is a clear error', () => {
  const dir = tokenizerDir('gptoss');
  assert.throws(
    () => new Tokenizer('gptoss', readFileSync(join(dir, 'tokenizer.json')), readFileSync(join(dir, 'tokenizer_config.json')), undefined, 0),
    (e) => e.text.includes('has no chat template'),
  );
});

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => ({ path: p.split('\\').join('/'), bytes: readFileSync(join(dir, p)) }));
}

test('wasm mixer writes the same bytes as the kmix command line', () => {
  const work = mkdtempSync(join(tmpdir(), 'kmix-node-'));
  const inputs = join(work, 'gen');
  execFileSync('python3', [join(root, 'tools/gen_step03.py'), '--out', inputs, '--raw-docs', '4', '--reasoning']);
  const out = join(work, 'cli');
  execFileSync(join(root, 'target/debug/kmix'), [inputs, '--cuts', '2,5', '--seed', '9', '--tokenizer', tokenizerDir('qwen3'), '--out', out, '--quiet'], { stdio: 'ignore' });

  const inputFiles = filesUnder(inputs);
  const mixer = new Mixer();
  for (const f of inputFiles) mixer.addFile(f.path, f.bytes);
  mixer.startReading(false);
  while (mixer.readNext());
  mixer.finishReading();
  const planned = mixer.plan({ cuts: '2, 5', qa_per_doc: '3', seed: '9', gpt_oss: false });
  assert.deepEqual(planned.cuts, [2, 5]);
  // A processor as a pool worker has it: the file list, the files, its own tokenizer.
  const processor = new Processor();
  processor.setInputs(mixer.inputFiles());
  for (const f of inputFiles) processor.addFile(f.path, f.bytes);
  const tok = loadTokenizer('qwen3');
  mixer.countedWith(tok.info());
  processor.setTokenizer(tok);
  // Uneven chunks, as workers would take them: the result must not depend on chunking.
  const parts = planned.cuts.map(() => []);
  for (let start = 0; start < planned.rows; start += 37) {
    const out = processor.process(mixer.chunk(start, start + 37), Uint32Array.from(planned.cuts));
    mixer.addChunk(out.counts, out.bytes, Uint32Array.from(out.rows));
    out.bytes.forEach((b, i) => parts[i].push(Buffer.from(b)));
  }
  planned.cuts.forEach((cut, i) => {
    assert.ok(Buffer.concat(parts[i]).equals(readFileSync(join(out, `combined_cut_${cut}x.jsonl`))), `cut ${cut}`);
  });
  assert.equal(mixer.manifest(), readFileSync(join(out, 'manifest.json'), 'utf8'));
  const report = mixer.report();
  assert.equal(report.cuts.length, 2);
  assert.match(report.text, /total tokens/);
});
