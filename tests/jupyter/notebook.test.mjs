// The kmix wheel's widget in a real JupyterLab, driven by headless Chromium that reaches nothing
// but the Jupyter server (under a JupyterHub-style base URL), as a person's browser reaches a
// remote workbench: a cell shows the page the wheel carries, served by the Jupyter server itself,
// mixes a folder sent from the kernel and writes the mixes beside the notebook; it runs twice; the
// notebook saved and opened again holds none of the data and mixes nothing again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, launch, cliMix } from '../browser/harness.mjs';
import { startLab, notebook, openNotebook, onlyLab, runCell as runCellOf } from './lab.mjs';

const work = mkdtempSync(join(tmpdir(), 'kmix-notebook-'));
let page;
let lab;
let browser;

const mixesWritten = () => readdirSync(join(work, 'mixes')).filter((f) => !f.startsWith('.')).sort();
const modified = () => Object.fromEntries(mixesWritten().map((f) => [f, statSync(join(work, 'mixes', f)).mtimeMs]));

const runCell = () => runCellOf(page);

async function waitForWritten(after = 0) {
  await page.waitForFunction((n) => {
    const statuses = [...document.querySelectorAll('.kmix-status')];
    return statuses.length === 1 && /^Wrote \d+ files/.test(statuses[0].textContent)
      && document.querySelector('.jp-Cell .jp-InputPrompt').textContent.includes(`[${n}]`);
  }, after, { timeout: 180_000 });
}

let refused;
before(async () => {
  cpSync(join(root, 'www/example'), join(work, 'gen'), { recursive: true });
  writeFileSync(join(work, 'mix.ipynb'), notebook('from kmix import Kmix\nKmix("gen", out="mixes", cuts="2, 4", tokenizer="qwen3")'));
  lab = await startLab(work, { baseUrl: '/user/kmix-test/' });
  browser = await launch();
  const context = await browser.newContext();
  refused = await onlyLab(context, lab);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  lab?.stop();
});

test('a notebook cell mixes a folder from the kernel, twice, and the notebook keeps none of it', async () => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && /kmix|declared/i.test(m.text())) problems.push(m.text()); });
  await openNotebook(page, lab, 'mix.ipynb');

  await runCell();
  await waitForWritten(1);
  const cli = cliMix(join(work, 'gen'), ['--cuts', '2,4', '--seed', '42', '--qa-per-doc', '3',
    '--tokenizer', join(root, 'vendor-tokenizers/qwen3')]);
  const expected = readdirSync(cli).sort();
  assert.deepEqual(mixesWritten(), expected);
  for (const name of expected) {
    assert.ok(readFileSync(join(work, 'mixes', name)).equals(readFileSync(join(cli, name))), `${name} differs from the CLI's`);
  }
  // The report is the cell's output.
  assert.match(await page.textContent('.jp-OutputArea .kmix-report'), /total tokens/);
  // The page the wheel carries, from the Jupyter server, under its base URL.
  assert.equal(await page.frames().find((f) => f.url().includes('/kmix/'))?.url(), `${lab.url}/kmix/`);
  const first = modified();

  // Again: a fresh widget replaces the first, and writes the mixes again.
  await runCell();
  await waitForWritten(2);
  const second = modified();
  for (const name of expected) assert.ok(second[name] > first[name], `${name} was written again`);

  // Saved and opened again: the notebook holds no input, and opening it mixes nothing.
  await page.click('.lm-MenuBar-item:has-text("File")');
  await page.click('.lm-Menu-item[data-command="docmanager:save"]');
  let saved = '';
  for (let i = 0; i < 60 && !saved.includes('"execution_count": 2'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    saved = readFileSync(join(work, 'mix.ipynb'), 'utf8');
  }
  assert.match(saved, /"execution_count": 2/, 'the notebook was saved after its second run');
  const someInput = JSON.parse(readFileSync(join(work, 'gen/extractive_summary/gen_00.jsonl'), 'utf8').split('\n')[0]).question;
  assert.ok(!saved.includes(someInput), 'the notebook holds an input row');
  assert.ok(saved.length < 50_000, `the notebook is ${saved.length} bytes`);
  await page.reload();
  await page.waitForSelector('.jp-Notebook .jp-Cell .jp-InputArea-editor', { timeout: 120_000 });
  await new Promise((resolve) => setTimeout(resolve, 5000));
  assert.deepEqual(modified(), second, 'opening the notebook mixed again');
  assert.deepEqual(problems, []);
  assert.deepEqual(refused, [], 'the browser asked for more than the Jupyter server');
});

test('the Jupyter server serves the page with its own policy, typed as the page needs', async () => {
  const wasm = await fetch(`${lab.url}/kmix/pkg/kmix_bg.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.match(wasm.headers.get('content-security-policy'), /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';.*; frame-ancestors 'self'$/);
  const bare = await fetch(`${lab.url}/kmix`, { redirect: 'manual' });
  assert.equal(bare.headers.get('location'), '/user/kmix-test/kmix/');
});

test('the page is behind the Jupyter server\'s login, as the notebooks are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmix-login-'));
  const guarded = await startLab(dir, { token: 'kmix-secret' });
  try {
    const anonymous = await fetch(`${guarded.url}/kmix/index.html`, { redirect: 'manual' });
    assert.ok([302, 403].includes(anonymous.status), `status ${anonymous.status} without the token`);
    if (anonymous.status === 302) assert.match(anonymous.headers.get('location'), /\/login\?next=/);
    const signedIn = await fetch(`${guarded.url}/kmix/index.html?token=kmix-secret`);
    assert.equal(signedIn.status, 200);
    assert.match(await signedIn.text(), /<title>/);
  } finally {
    guarded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
