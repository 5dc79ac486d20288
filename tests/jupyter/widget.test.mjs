// The notebook widget under real use, in a real JupyterLab with the server's default settings (its
// 10 MiB cap on a websocket message), the page served by the Jupyter server (the wheel's server
// extension) to a browser that reaches nothing else: a folder over 50 MB goes to the page and its
// mixes come back in pieces, byte-identical to the command line's and with its file mode; a wrong
// tokenizer name, an unbuilt page, a page that never answers and a write that fails are said in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, serve, launch, cliMix, generate } from '../browser/harness.mjs';
import { startLab, notebook, openNotebook, onlyLab, runCell } from './lab.mjs';

const work = mkdtempSync(join(tmpdir(), 'kmix-widget-'));
const llama = join(root, 'vendor-tokenizers/llama3_1');
const cells = {};
let page;
let lab;
let browser;
let server;
let unbuilt;

/** A port nothing listens on. */
async function deadPort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A widget whose kernel side heeds only the messages `m` for which `heeded` holds. */
function stalling(folder, out, heeded) {
  return `w = Kmix("${folder}", out="${out}", tokenizer=None, timeout=5)\n`
    + 'w.on_msg(w._on_message, remove=True)\n'
    + `w.on_msg(lambda widget, m, buffers: (${heeded}) and w._on_message(widget, m, buffers))\nw`;
}

before(async () => {
  cpSync(join(root, 'www/example'), join(work, 'gen'), { recursive: true });
  cpSync(generate(['--seed', '7', '--raw-docs', '1', '--summaries-per-raw', '12', '--qa-per-summary', '5',
    '--raw-words', '800', '--target-mb', '55']), join(work, 'big'), { recursive: true });
  // A page as a fresh checkout has it: index.html, no wasm package, no tokenizers.
  mkdirSync(join(work, 'unbuilt'));
  copyFileSync(join(root, 'www/index.html'), join(work, 'unbuilt/index.html'));
  [server, unbuilt] = await Promise.all([serve(), serve(join(work, 'unbuilt'))]);
  const sources = {
    unknownTokenizer: 'Kmix("gen", tokenizer="llama3")',
    // A page served elsewhere, with its own list of tokenizers.
    unknownTokenizerThere: `Kmix("gen", tokenizer="llama3", url="${server.url}")`,
    unbuiltFolder: 'Kmix("gen", www="unbuilt")',
    unbuiltUrl: `Kmix("gen", url="${unbuilt.url}")`,
    noAnswer: `Kmix("gen", url="http://127.0.0.1:${await deadPort()}/", timeout=3)`,
    big: `Kmix("big", out="big_mixes", cuts=[10], tokenizer="${llama}")`,
    // Kernels that stop answering mid-transfer: they heed only the messages `heeded` lets through.
    stallsSending: stalling('big', 'stalled_in', 'm["type"] == "ready"'),
    stallsWriting: stalling('big', 'stalled_out', 'm["type"] != "result-piece" or m["n"] == 0'),
    // The kernel may write no file over 100 kB: the mixes fail to write (the last case: the limit stays).
    writeFails: `import resource\nresource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.RLIM_INFINITY))\n`
      + 'Kmix("gen", out="failed", cuts="2, 4", tokenizer="qwen3")',
  };
  Object.keys(sources).forEach((name, i) => { cells[name] = i; });
  writeFileSync(join(work, 'widget.ipynb'), notebook(...Object.values(sources).map((s) => `from kmix import Kmix\n${s}`)));
  lab = await startLab(work);
  browser = await launch();
  const context = await browser.newContext();
  await onlyLab(context, lab);
  page = await context.newPage();
  await openNotebook(page, lab, 'widget.ipynb');
});

after(async () => {
  await browser?.close();
  lab?.stop();
  server?.stop();
  unbuilt?.stop();
});

const cell = (name) => page.locator('.jp-Notebook .jp-Cell').nth(cells[name]);

/** Runs the cell `name` and resolves to its output's text once it has run. */
async function run(name) {
  await runCell(page, cells[name]);
  await cell(name).locator('.jp-InputPrompt', { hasText: /\[\d+\]/ }).waitFor({ timeout: 60_000 });
  return cell(name).locator('.jp-OutputArea').innerText();
}

/** Waits for the status of the widget in cell `name` to match `pattern`; resolves to its text. */
async function statusOf(name, pattern, timeout) {
  const status = cell(name).locator('.kmix-status');
  await status.filter({ hasText: pattern }).waitFor({ timeout }).catch(async (e) => {
    throw new Error(`the status still says ${JSON.stringify(await status.textContent())}: ${e.message}`);
  });
  return status.textContent();
}

test('an unknown tokenizer name is said in Python, with the names the page serves', async () => {
  const served = JSON.parse(readFileSync(join(root, 'www/tokenizers/index.json'), 'utf8')).map((t) => t.name);
  for (const name of ['unknownTokenizer', 'unknownTokenizerThere']) {
    const output = await run(name);
    assert.match(output, /ValueError: tokenizer='llama3': the kmix page serves no tokenizer of that name\. It serves 'llama3_1'/);
    for (const t of served) assert.ok(output.includes(`'${t}'`), `${t} is not listed in: ${output}`);
    assert.doesNotMatch(output, /TypeError/);
    assert.equal(await cell(name).locator('.kmix-status').count(), 0, 'the page was shown');
  }
});

test('an unbuilt page, in a folder or at a URL, says what to run', async () => {
  assert.match(await run('unbuiltFolder'),
    /FileNotFoundError: unbuilt holds no built kmix page \(no pkg\/kmix\.js\): build it with `bash tools\/prepare-www\.sh`/);
  assert.match(await run('unbuiltUrl'),
    /FileNotFoundError: the page at http:\S+ is not built \(it serves no pkg\/kmix\.js\): build it with `bash tools\/prepare-www\.sh`/);
});

test('a page that never answers is said in the cell once the timeout has passed', async () => {
  await run('noAnswer');
  assert.match(await statusOf('noAnswer', /did not answer/, 30_000),
    /^kmix: the page at http:\/\/127\.0\.0\.1:\d+\/ did not answer within 3 s: is it the kmix page, built \(bash tools\/prepare-www\.sh\) and served there\?/);
});

test('a folder over 50 MB goes to the page and its mixes come back in pieces, as the CLI writes them', async () => {
  const sizes = readdirSync(join(work, 'big'), { recursive: true }).map((f) => statSync(join(work, 'big', f))).filter((s) => s.isFile());
  const total = sizes.reduce((a, s) => a + s.size, 0);
  assert.ok(total > 50e6, `the folder is ${total} bytes`);
  // Every status the cell shows, as it changes.
  await page.evaluate(() => {
    window.kmixStatuses = new Set();
    setInterval(() => document.querySelectorAll('.kmix-status').forEach((s) => window.kmixStatuses.add(s.textContent)), 50);
  });
  const started = Date.now();
  await run('big');
  const status = await statusOf('big', /^Wrote \d+ files|nothing was written|stopped|did not answer/, 300_000);
  console.log(`notebook mix of ${(total / 1e6).toFixed(0)} MB: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  assert.match(status, /^Wrote \d+ files to big_mixes\/: /);
  const seen = await page.evaluate(() => [...window.kmixStatuses]);
  const partway = (pattern) => seen.some((s) => {
    const [, done, of] = s.match(pattern) ?? [];
    return done > 0 && Number(done) < Number(of);
  });
  assert.ok(partway(/^kmix: sending inputs (\d+) of (\d+) MB$/), `no input progress among ${seen}`);
  assert.ok(partway(/^kmix: writing the mixes beside the notebook: (\d+) of (\d+) MB$/), `no output progress among ${seen}`);

  const cli = cliMix(join(work, 'big'), ['--cuts', '10', '--seed', '42', '--qa-per-doc', '3', '--tokenizer', llama]);
  const expected = readdirSync(cli).sort();
  // Nothing else beside them: no temporary folder left.
  assert.deepEqual(readdirSync(join(work, 'big_mixes')).sort(), expected);
  const umask = parseInt(readFileSync('/proc/self/status', 'utf8').match(/^Umask:\s+(\d+)/m)[1], 8);
  const written = expected.reduce((a, name) => a + statSync(join(cli, name)).size, 0);
  assert.ok(written > 50e6, `the mixes are ${written} bytes`);
  for (const name of expected) {
    const [mine, theirs] = [join(work, 'big_mixes', name), join(cli, name)];
    assert.ok(readFileSync(mine).equals(readFileSync(theirs)), `${name} differs from the CLI's`);
    assert.equal((statSync(mine).mode & 0o777).toString(8), (statSync(theirs).mode & 0o777).toString(8), `${name}'s mode`);
    assert.equal(statSync(mine).mode & 0o777, 0o666 & ~umask, `${name}'s mode`);
  }
});

test('a transfer that stops either way is said in the cell, and nothing is written', async () => {
  await run('stallsSending');
  const [, done, total] = (await statusOf('stallsSending', /stopped/, 60_000))
    .match(/^kmix: the kernel stopped sending the inputs at (\d+) of (\d+) MB: is it still running\?$/);
  assert.ok(done > 0 && Number(done) < Number(total), `stopped at ${done} of ${total} MB`);
  assert.ok(!existsSync(join(work, 'stalled_in')));
  await run('stallsWriting');
  assert.match(await statusOf('stallsWriting', /stopped/, 120_000),
    /^kmix: the kernel stopped answering while writing the mixes, at [1-9]\d* of \d+ MB; nothing was written\. Is it still running\?$/);
  // The front end said so to the kernel, which removed what it had.
  for (let i = 0; i < 50 && readdirSync(join(work, 'stalled_out')).length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(readdirSync(join(work, 'stalled_out')), []);
});

test('a write that fails in the kernel is said in the cell and leaves nothing', async () => {
  await run('writeFails');
  assert.match(await statusOf('writeFails', /nothing was written/, 180_000),
    /^kmix: cannot write the mixes into failed\/: \S+: File too large; nothing was written$/);
  assert.deepEqual(readdirSync(join(work, 'failed')), []);
});
