// The core compiled to wasm gives Python's token counts and the CLI's bytes.
// Run by tools/test.sh after tools/build-wasm.sh: node --test tests/node/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { initSync, Tokenizer, FirstPass, FileReading, Hashing, Processor } from '../../www/pkg/kmix.js';
import { streamInto } from '../../www/stream.js';

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
      assert.equal(tok.render(messages), expected.rendered[i], `case ${i} rendering`);
      assert.equal(tok.count(messages), expected.token_counts[i], `case ${i} count`);
    });
    tok.free();
  });
}

test('wasm: generation blocks and a pinned date render and count as in Python', () => {
  const { date, templates } = golden('templates');
  const [day, time] = date.split('T');
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const dir = tokenizerDir('llama3_1');
  for (const [name, expected] of Object.entries(templates)) {
    const tok = new Tokenizer('llama3_1', readFileSync(join(dir, 'tokenizer.json')),
      readFileSync(join(dir, 'tokenizer_config.json')), expected.template, Date.UTC(y, m - 1, d, hh, mm));
    assert.equal(tok.info().date, day);
    golden('fixture').forEach((messages, i) => {
      assert.equal(tok.render(messages), expected.rendered[i], `${name} case ${i} rendering`);
      assert.equal(tok.count(messages), expected.token_counts[i], `${name} case ${i} count`);
    });
    tok.free();
  }
});

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
    .map((p) => ({ path: p.split('\\').join('/'), data: readFileSync(join(dir, p)) }));
}

test('wasm mixer writes the same bytes as the kmix command line', async () => {
  const work = mkdtempSync(join(tmpdir(), 'kmix-node-'));
  const inputs = join(work, 'gen');
  execFileSync('python3', [join(root, 'tools/gen_step03.py'), '--out', inputs, '--raw-docs', '16', '--raw-words', '80', '--reasoning']);
  const out = join(work, 'cli');
  execFileSync(join(root, 'target/debug/kmix'), [inputs, '--cuts', '2,5', '--seed', '9', '--tokenizer', tokenizerDir('qwen3'), '--date', '1970-01-01', '--out', out, '--quiet'], { stdio: 'ignore' });

  // Half the files as Blobs streamed in small pieces, hashed by the core as they pass (as the page
  // reads a large file); half as bytes hashed elsewhere (here by Node, in the page by Web Crypto)
  // and given to the reading.
  // (The processors get bytes: Node has no FileReaderSync for the second pass's ranges.)
  const inputFiles = filesUnder(inputs);
  const pass = new FirstPass(inputFiles.map((f, i) => (i % 2 ? { ...f, data: new Blob([f.data]) } : f)), false);
  // Each file read as a pool worker reads it, the last first; added to the pass in order.
  const jobs = pass.jobs();
  assert.ok(!(jobs[0].data instanceof Blob));
  const undigested = new FileReading(jobs[0].job, Hashing.Elsewhere);
  undigested.push(jobs[0].data);
  assert.throws(() => undigested.giveDigest('00'), (e) => e.text.includes('SHA-256'), 'a digest is 64 hex digits');
  assert.throws(() => undigested.finish(), (e) => e.text.includes('gave no checksum'), 'a file hashed elsewhere needs its digest');
  const indexed = [];
  let streamed = 0;
  for (const [i, { job, data }] of [...jobs.entries()].reverse()) {
    const reading = new FileReading(job, data instanceof Blob ? Hashing.Here : Hashing.Elsewhere);
    if (data instanceof Blob) {
      streamed += 1;
      await streamInto(data, (bytes) => reading.push(bytes), 4099);
    } else {
      reading.push(data);
      reading.giveDigest(createHash('sha256').update(data).digest('hex'));
    }
    indexed[i] = reading.finish();
  }
  assert.ok(streamed > 2, 'some files were streamed');
  assert.throws(() => pass.addFile(indexed[1]), (e) => e.text.includes('expected file 1'), 'files are added in order');
  indexed.forEach((r) => pass.addFile(r));
  const read = pass.finish();
  const plan = () => read.plan({ cuts: '2, 5', qa_per_doc: '3', seed: '9', gpt_oss: false });
  const tok = loadTokenizer('qwen3');
  // As many workers as tasks: every task can be out at once, as this test hands them out.
  const run = read.start(plan(), { tokenizer: tok.info(), dry_run: false, input_roots: ['gen'], workers: 1000 });
  assert.deepEqual(run.fileNames(), ['combined_cut_2x.jsonl', 'combined_cut_5x.jsonl']);
  // A processor as a pool worker has it: the run's file list, the files, its own tokenizer.
  const processor = new Processor();
  processor.setInputs(run.inputFiles(), inputFiles);
  processor.setTokenizer(tok);
  // Tasks processed as workers would, and their results given back in reverse order: the files
  // must not depend on the order results come back in.
  const tasks = [];
  for (let next = run.whatNext(); next.task; next = run.whatNext()) tasks.push(next.task);
  assert.equal(run.whatNext(), 'done', 'every task is out');
  assert.ok(tasks.length > 1);
  // Spare buffers for the lines, as the page sends them back: one too small, one large enough.
  const results = tasks.map((task) => processor.process(task, [new ArrayBuffer(16), new ArrayBuffer(4 << 20)])).reverse();
  assert.ok(results.some((r) => r.lines.some((l) => l.bytes.buffer.byteLength === 4 << 20)), 'a spare buffer is filled');
  const parts = run.fileNames().map(() => []);
  const given = new Map(); // per task, the byte arrays its result brought
  for (const result of results) {
    given.set(result.seq, result.lines.map((l) => l.bytes).filter((b) => b.length));
    for (const ready of run.complete(result)) {
      ready.lines.forEach((l, i) => {
        assert.ok(l.bytes instanceof Uint8Array, 'lines come as bytes');
        parts[i].push(Buffer.from(l.bytes));
      });
      // The bytes a task's result brought are the ones its Ready gives back, not a copy.
      assert.ok(given.get(ready.seq).every((b) => ready.lines.some((l) => l.bytes === b)));
    }
  }
  // The outcome comes first; the edge hashes the files (the page off the waiting path) and the
  // core completes the manifest with the digests.
  const outcome = run.finish();
  assert.equal(outcome.manifest, null, 'no manifest before the checksums');
  const sha256 = (chunks) => createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
  assert.throws(() => run.manifest(['00']), (e) => e.text.includes('SHA-256'), 'a digest is 64 hex digits');
  const manifest = run.manifest(parts.map(sha256));
  assert.throws(() => run.manifest(parts.map(sha256)), (e) => e.text.includes('complete already'));
  ['2', '5'].forEach((cut, i) => {
    assert.ok(Buffer.concat(parts[i]).equals(readFileSync(join(out, `combined_cut_${cut}x.jsonl`))), `cut ${cut}`);
  });
  assert.deepEqual(manifest, { name: 'manifest.json', text: readFileSync(join(out, 'manifest.json'), 'utf8') });
  assert.equal(outcome.reports.length, 2);
  assert.match(outcome.text, /total tokens/);
});

test('wasm: rows the Qwen 3 template cannot render (null responses) are left out as on the command line', () => {
  const work = mkdtempSync(join(tmpdir(), 'kmix-node-'));
  const inputs = join(work, 'gen');
  execFileSync('python3', [join(root, 'tools/gen_step03.py'), '--out', inputs, '--raw-docs', '3', '--summaries-per-raw', '4']);
  const nulled = join(inputs, 'extractive_summary/gen_00.jsonl');
  const rows = readFileSync(nulled, 'utf8').split('\n').filter(Boolean).map((l) => JSON.stringify({ ...JSON.parse(l), response: null }));
  writeFileSync(nulled, `${rows.join('\n')}\n`);
  const out = join(work, 'cli');
  execFileSync(join(root, 'target/debug/kmix'), [inputs, '--cuts', '1,3', '--tokenizer', tokenizerDir('qwen3'), '--date', '1970-01-01', '--skip-bad-rows', '--out', out, '--quiet'], { stdio: 'ignore' });

  const pass = new FirstPass(filesUnder(inputs), true);
  pass.jobs().forEach(({ job, data }) => {
    const reading = new FileReading(job, Hashing.Here);
    reading.push(data);
    pass.addFile(reading.finish());
  });
  const read = pass.finish();
  const tok = loadTokenizer('qwen3');
  const plan = read.plan({ cuts: '1,3', qa_per_doc: '3', seed: '42', gpt_oss: false });
  const run = read.start(plan, { tokenizer: tok.info(), dry_run: false, input_roots: ['gen'], workers: 1 });
  const processor = new Processor();
  processor.setInputs(run.inputFiles(), filesUnder(inputs));
  processor.setTokenizer(tok);
  const parts = run.fileNames().map(() => []);
  for (let next = run.whatNext(); next.task; next = run.whatNext()) {
    for (const ready of run.complete(processor.process(next.task, []))) {
      ready.lines.forEach((l, i) => parts[i].push(Buffer.from(l.bytes)));
    }
  }
  const names = run.fileNames();
  const outcome = run.finish();
  const manifest = run.manifest(parts.map((p) => createHash('sha256').update(Buffer.concat(p)).digest('hex')));
  names.forEach((name, i) => {
    assert.ok(Buffer.concat(parts[i]).equals(readFileSync(join(out, name))), name);
  });
  // The refusals name the template's file as each edge was given it: a path, or a file name.
  const cliManifest = readFileSync(join(out, 'manifest.json'), 'utf8').replaceAll(`${tokenizerDir('qwen3')}/`, '');
  assert.equal(manifest.text, cliManifest);
  const refused = outcome.refused_rows;
  assert.ok(refused.count > 0, 'some nulled rows were selected');
  assert.deepEqual(refused.reasons, [{ reason: '`response` is null', rows: refused.count }]);
  assert.match(refused.examples[0].text, /^extractive_summary\/gen_00\.jsonl:\d+: field `response`: is null/);
  assert.match(outcome.text, /left out \d+ rows the chat template cannot render/);
});
