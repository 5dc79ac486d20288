// The page in Debian's headless Chromium: what a person does, start to finish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdirSync, statSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, serve, serveFixtures, launch, openPage, cliMix, generate, keptInBrowser, downloadOffered } from './harness.mjs';

const example = join(root, 'www/example');
const exampleRecipe = join(root, 'www/example-blend/recipe.yaml');
const tokenizers = join(root, 'vendor-tokenizers');
const shots = join(root, 'target/browser');
let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(root, 'www/example.json')), 'run tools/prepare-www.sh first');
  mkdirSync(shots, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function waitForInputs(page) {
  await page.waitForFunction(() => !document.querySelector('#mix').disabled
    || document.querySelector('#input-status').classList.contains('error'), null, { timeout: 60_000 });
}

async function chooseTokenizer(page, name) {
  await page.selectOption('#tokenizer-select', name);
  await page.waitForFunction((n) => document.querySelector('#tokenizer-status').textContent.includes(`Tokenizer: ${n}`), name, { timeout: 60_000 });
}

async function setParams(page, { cuts, qa = '3', seed = '42' }) {
  await page.fill('input[name=cuts]', cuts);
  await page.fill('input[name=qa_per_doc]', qa);
  await page.fill('input[name=seed]', seed);
}

async function mixAndWait(page) {
  await page.click('#mix');
  await page.waitForSelector('#results:not([hidden])', { timeout: 300_000 });
}

/** The page's files are the CLI's, byte for byte; a recipe names its datasets by path from the
 * CLI's output folder, and by file name from the page (which knows no folders). */
function assertSameAsCli(files, cliOut) {
  const expected = readdirSync(cliOut).sort();
  assert.deepEqual(Object.keys(files).sort(), expected);
  const byName = (text) => text.replace(/^(- path: ).*\//gm, '$1');
  for (const name of expected) {
    const cli = readFileSync(join(cliOut, name));
    if (name.endsWith('.yaml')) assert.equal(files[name].toString(), byName(cli.toString()), name);
    else assert.ok(files[name].equals(cli), `${name} differs from the CLI's`);
  }
}

/** Every request: a GET of a static asset of the page's own origin, carrying no body. */
function assertOnlyStaticGets(requests, origin) {
  assert.ok(requests.length > 5);
  for (const r of requests) {
    const url = new URL(r.url);
    if (url.protocol === 'blob:') {
      assert.ok(r.url.startsWith(`blob:${origin}/`), r.url);
      continue;
    }
    assert.equal(url.origin, origin, `request to another origin: ${r.url}`);
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    assert.equal(r.hasBody, false, r.url);
    assert.equal(url.search, '', `a query string could carry data: ${r.url}`);
    const path = decodeURIComponent(url.pathname);
    const file = join(root, 'www', path.endsWith('/') ? `${path}index.html` : path);
    assert.ok(existsSync(file) && statSync(file).isFile(), `not a static asset: ${r.url}`);
  }
}

test('the example, picked as a folder, mixes byte-identical to the CLI; no request leaves the origin', async () => {
  const { page, context, requests, problems } = await openPage(browser, server.url);
  const started = Date.now();
  await page.setInputFiles('#input-folder', example);
  await waitForInputs(page);
  assert.match(await page.textContent('#input-status'), /^\d+ rows from 10 files\.$/);
  assert.match(await page.textContent('#input-table'), /extractive_summary\/gen_00\.jsonl/);
  await chooseTokenizer(page, 'llama3_1');
  await setParams(page, { cuts: '5, 8' });
  await mixAndWait(page);
  const seconds = (Date.now() - started) / 1000;
  const files = await downloadOffered(page);
  const cli = cliMix(example, ['--cuts', '5,8', '--seed', '42', '--qa-per-doc', '3', '--tokenizer', join(tokenizers, 'llama3_1')]);
  assertSameAsCli(files, cli);
  assert.match(await page.textContent('#report'), /Cut 8x → combined_cut_8x\.jsonl/);
  assert.equal(await page.locator('#histograms svg').count(), 2);
  await page.waitForFunction(() => /^Rows 1–20 of /.test(document.querySelector('#rows-status').textContent));
  // Rows are text, never HTML: no element came from the data.
  assert.equal(await page.locator('#rows-list pre *').count(), 0);
  await page.selectOption('#rows-view', 'rendered');
  await page.waitForFunction(() => /<\|start_header_id\|>/.test(document.querySelector('#rows-list li pre.rendered')?.textContent));
  assert.match(await page.textContent('#rows-list li pre.rendered'), /<\|start_header_id\|>user<\|end_header_id\|>/);
  await page.screenshot({ path: join(shots, 'results.png'), fullPage: true });
  assertOnlyStaticGets(requests, new URL(server.url).origin);
  assert.deepEqual(problems, []);
  console.log(`full example run in the page: ${seconds.toFixed(1)} s (files picked to results)`);
  await context.close();
});

/** The row browser's count of rows, from its status line. */
async function rowsShown(page, pattern) {
  await page.waitForFunction((p) => new RegExp(p).test(document.querySelector('#rows-status').textContent), pattern.source, { timeout: 60_000 });
  return page.textContent('#rows-status');
}

test('the row browser pages, sorts and filters a mix of over 10,000 rows without blocking the page', async () => {
  const inputs = generate(['--raw-docs', '140', '--summaries-per-raw', '12', '--qa-per-summary', '5', '--raw-words', '30']);
  const cli = cliMix(inputs, ['--cuts', '10', '--tokenizer', join(tokenizers, 'qwen3')]);
  const lines = readFileSync(join(cli, 'combined_cut_10x.jsonl'), 'utf8').trimEnd().split('\n');
  assert.ok(lines.length >= 10_000, `${lines.length} rows`);
  const rows = lines.map((l) => JSON.parse(l));
  const fmt = (n) => n.toLocaleString('en-US');

  const { page, context, problems } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', inputs);
  await waitForInputs(page);
  await chooseTokenizer(page, 'qwen3');
  await setParams(page, { cuts: '10' });
  await mixAndWait(page);
  // A heartbeat on the main thread: the longest gap between its beats is the longest the page
  // was blocked. It sees a 150 ms loop.
  await page.evaluate(() => {
    window.blocked = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      window.blocked = Math.max(window.blocked, now - last);
      last = now;
    }, 10);
  });
  await page.evaluate(() => new Promise((resolve) => setTimeout(() => {
    const t = performance.now();
    while (performance.now() - t < 150);
    resolve();
  }, 50)));
  await page.waitForFunction(() => window.blocked >= 150);
  await page.evaluate(() => { window.blocked = 0; });
  assert.match(await rowsShown(page, /^Rows 1–20 of /), new RegExp(`^Rows 1–20 of ${fmt(lines.length)}\\.$`));
  assert.equal(await page.locator('#rows-list > li').count(), 20);

  // Paging: the second page is rows 21 to 40 of the file, as the file has them.
  await page.click('#rows-next');
  await rowsShown(page, /^Rows 21–40 /);
  assert.match(await page.textContent('#rows-list > li:first-child h4'), new RegExp(`^Row 21 · .* · ${fmt(rows[20].token_length)} tokens$`));
  assert.equal(await page.textContent('#rows-list > li:first-child .message pre'), rows[20].messages[0].content);
  await page.click('#rows-previous');
  await rowsShown(page, /^Rows 1–20 /);

  // Longest first: the longest row of the file heads the list, and lengths fall.
  await page.selectOption('#rows-order', 'longest');
  await rowsShown(page, /^Rows 1–20 /);
  const tokensShown = async () => (await page.locator('#rows-list > li h4').allTextContents())
    .map((t) => Number(t.match(/· ([\d,]+) tokens$/)[1].replaceAll(',', '')));
  const longest = await tokensShown();
  assert.equal(longest[0], Math.max(...rows.map((r) => r.token_length)));
  assert.deepEqual(longest, [...longest].sort((a, b) => b - a));
  await page.selectOption('#rows-order', 'shortest');
  await rowsShown(page, /^Rows 1–20 /);
  assert.equal((await tokensShown())[0], Math.min(...rows.map((r) => r.token_length)));

  // One kind: as many rows as the report gives it.
  await page.selectOption('#rows-order', 'file');
  await page.selectOption('#rows-group', 'key_facts_to_qa');
  const reported = await page.locator('#report tr', { hasText: 'key_facts_to_qa' }).first().locator('td').first().textContent();
  assert.match(await rowsShown(page, /^Rows 1–20 of /), new RegExp(`of ${reported}\\.$`));
  assert.match(await page.textContent('#rows-list > li:first-child h4'), /key_facts_to_qa/);

  // Text: every row whose line holds it, whatever the case, of the kind chosen and then of all.
  const word = 'x<y>&z';
  const holding = lines.filter((l) => l.toLowerCase().includes(word));
  assert.ok(holding.length > 20 && holding.length < lines.length);
  await page.selectOption('#rows-group', '');
  await page.fill('#rows-text', word.toUpperCase());
  assert.match(await rowsShown(page, /holding/), new RegExp(`^Rows 1–20 of ${fmt(holding.length)} holding`));
  await page.fill('#rows-text', 'no row holds this');
  assert.equal(await rowsShown(page, /^No rows/), 'No rows hold “no row holds this”.');

  const blocked = await page.evaluate(() => window.blocked);
  assert.ok(blocked < 500, `the page was blocked for ${blocked.toFixed(0)} ms`);
  assert.deepEqual(problems, []);
  console.log(`row browser over ${lines.length} rows: the page was blocked ${blocked.toFixed(0)} ms at most`);
  await context.close();
});

test('the mixes and manifest are byte-identical whatever the number of workers, hashed beside the pool or after it', async () => {
  const cli = cliMix(example, ['--cuts', '3, 8', '--seed', '7', '--tokenizer', join(tokenizers, 'qwen3')]);
  for (const workers of [1, 3]) {
    const { page, context } = await openPage(browser, `${server.url}?workers=${workers}`);
    await page.setInputFiles('#input-folder', example);
    await waitForInputs(page);
    await chooseTokenizer(page, 'qwen3');
    await setParams(page, { cuts: '3, 8', seed: '7' });
    await mixAndWait(page);
    // The cores the pool leaves hash the files as they are written: a hashing worker per core
    // spared, at most one per file (two cuts here).
    const hashers = Math.min(2, Math.max(0, await page.evaluate(() => navigator.hardwareConcurrency) - workers));
    const beside = hashers ? ` and ${hashers} hashing workers?` : '';
    assert.match(await page.textContent('#results-summary'), new RegExp(`on ${workers} processing workers? \\(besides the coordinator${beside}\\)`));
    assertSameAsCli(await downloadOffered(page), cli);
    await context.close();
  }
});

test('a dropped folder is read with paths relative to it', async () => {
  const { page, context } = await openPage(browser, server.url);
  const cdp = await context.newCDPSession(page);
  const box = await page.locator('#input-drop').boundingBox();
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const data = { items: [], files: [example], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  }
  await waitForInputs(page);
  const table = await page.textContent('#input-table');
  assert.match(table, /key_facts_to_qa\/gen_01\.jsonl/);
  assert.match(table, /qna\.yaml/);
  assert.match(await page.textContent('#input-status'), /rows from 10 files/);
  await context.close();
});

test('Dedupe: repeats planted in the inputs are listed, and dropped as the CLI\'s --dedupe drops them', async () => {
  const dir = generate(['--raw-docs', '3', '--seed', '5']);
  const facts = join(dir, 'key_facts_to_qa');
  const row = JSON.parse(readFileSync(join(facts, 'gen_00.jsonl'), 'utf8').split('\n')[1]);
  const shouted = { ...row, question: ` ${row.question.toUpperCase()}\t` };
  writeFileSync(join(facts, 'gen_01.jsonl'), readFileSync(join(facts, 'gen_01.jsonl'), 'utf8')
    + [row, shouted].map((r) => `${JSON.stringify(r)}\n`).join(''));
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', dir);
  await waitForInputs(page);
  await setParams(page, { cuts: '1, 2' });
  await page.waitForFunction(() => /Cut 1: key_facts_to_qa repeats: 2 duplicate pairs/.test(document.querySelector('#feasibility').textContent));
  await page.getByLabel('Dedupe').check();
  await page.waitForFunction(() => /Dedupe dropped 2 key_facts_to_qa rows/.test(document.querySelector('#feasibility').textContent));
  await mixAndWait(page);
  const files = await downloadOffered(page);
  assertSameAsCli(files, cliMix(dir, ['--cuts', '1,2', '--dedupe']));
  assert.match(files['manifest.json'].toString(), /"dedupe": "pairs"/);
  await context.close();
});

test('held-out files picked stay in the browser; rows that leak them are left out as the CLI\'s --drop-contaminated does', async () => {
  const dir = generate(['--raw-docs', '3', '--seed', '5']);
  const facts = readFileSync(join(dir, 'key_facts_to_qa/gen_00.jsonl'), 'utf8').split('\n').map((l) => l && JSON.parse(l));
  const words = facts[2].response.split(/\s+/).slice(0, 13).join(' ');
  const held = join(mkdtempSync(join(tmpdir(), 'kmix-held-')), 'held.jsonl');
  writeFileSync(held, [{ question: facts[0].question }, { question: ` ${facts[1].question.toUpperCase()} ` },
    { question: 'Else?', answer: `So: ${words}, indeed.` }].map((r) => `${JSON.stringify(r)}\n`).join(''));
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', dir);
  await waitForInputs(page);
  await setParams(page, { cuts: '1, 2' });
  await page.setInputFiles('#holdout-files', held);
  await page.getByLabel('Leave out rows that leak held-out questions').check();
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'), /Left out 3 training rows that leak the held-out questions of held\.jsonl/);
  const files = await downloadOffered(page);
  assertSameAsCli(files, cliMix(dir, ['--cuts', '1,2', '--holdout', held, '--drop-contaminated']));
  assert.match(files['manifest.json'].toString(), /"held_out": \{/);
  await context.close();
});

test('RAFT rows: the page writes the CLI\'s raft_cut files, counted, beside the mixes, and blends them', async () => {
  const dir = generate(['--raw-docs', '6', '--raw-words', '900', '--reasoning', '--seed', '8']);
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', dir);
  await waitForInputs(page);
  await chooseTokenizer(page, 'qwen3');
  await setParams(page, { cuts: '1, 2' });
  await page.getByLabel('RAFT rows').selectOption('retrieved');
  await page.getByLabel('Passages per row').fill('4');
  await page.getByLabel('Chance of the oracle').fill('0.7');
  // Sized in the blend's table, the RAFT rows join the blend.
  await page.getByLabel('Size of raft').fill('0.5');
  await page.waitForFunction(() => /blend_cut_2x\.jsonl/.test(document.querySelector('#blend-note').textContent));
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'), /RAFT rows \(retrieved, 4 passages, the oracle with probability 0\.7, over \d+ source chunks\): cut 1: [\d,]+ rows, [\d,]+ with the oracle/);
  const files = await downloadOffered(page);
  assert.ok(files['raft_cut_2x.jsonl'], 'the RAFT file is offered');
  assertSameAsCli(files, cliMix(dir, ['--cuts', '1,2', '--tokenizer', join(tokenizers, 'qwen3'),
    '--raft', 'retrieved', '--raft-passages', '4', '--raft-p-oracle', '0.7', '--add', 'raft=0.5']));
  assert.match(files['manifest.json'].toString(), /"raft": \{/);
  await context.close();
});

test('gzip inputs mix byte-identical to the CLI', async () => {
  const gz = generate(['--raw-docs', '4', '--reasoning', '--gzip']);
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', gz);
  await waitForInputs(page);
  assert.match(await page.textContent('#input-table'), /extractive_summary\/gen_00\.jsonl\.gz/);
  await chooseTokenizer(page, 'gemma3');
  await setParams(page, { cuts: '2, 4', seed: '11' });
  await mixAndWait(page);
  const cli = cliMix(gz, ['--cuts', '2,4', '--seed', '11', '--tokenizer', join(tokenizers, 'gemma3')]);
  assertSameAsCli(await downloadOffered(page), cli);
  await context.close();
});

test('the tokenizer picker: served tokenizers count as the CLI does; own files load or say why not', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.click('#try-example');
  await waitForInputs(page);
  await chooseTokenizer(page, 'qwen3');
  await setParams(page, { cuts: '3', seed: '5' });
  await mixAndWait(page);
  const files = await downloadOffered(page);
  // The example comes with a skills dataset and a recipe that blends half of it.
  const cli = cliMix(example, ['--cuts', '3', '--seed', '5', '--tokenizer', join(tokenizers, 'qwen3'), '--recipe', exampleRecipe]);
  assertSameAsCli(files, cli);
  assert.ok(files['blend_cut_3x.jsonl'] && files['recipe_cut_3x.yaml']);

  await page.setInputFiles('#tokenizer-files', ['tokenizer.json', 'tokenizer_config.json'].map((f) => join(tokenizers, 'gemma3', f)));
  await page.waitForFunction(() => /Tokenizer: /.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  await page.setInputFiles('#tokenizer-files', ['tokenizer.json', 'tokenizer_config.json'].map((f) => join(tokenizers, 'gptoss', f)));
  await page.waitForFunction(() => document.querySelector('#tokenizer-status').classList.contains('error'), null, { timeout: 60_000 });
  assert.match(await page.textContent('#tokenizer-status'), /has no chat template.*chat_template\.jinja/);
  await context.close();
});

test('an infeasible cut is shown with its numbers before running; a bad cut names the field', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.click('#try-example');
  await waitForInputs(page);
  await page.fill('input[name=cuts]', '5, 500');
  await page.waitForFunction(() => /cut 500: not feasible/.test(document.querySelector('#feasibility').textContent));
  const text = await page.textContent('#feasibility');
  assert.match(text, /✓ cut 5: feasible/);
  assert.match(text, /extractive_summary has \d+\.\d\d augmentations per raw document on average \(\d+ over 6\), fewer than 500/);
  await page.fill('input[name=cuts]', '0, 5');
  await page.waitForFunction(() => /selects nothing/.test(document.querySelector('#feasibility').textContent));
  assert.equal(await page.getAttribute('input[name=cuts]', 'aria-invalid'), 'true');
  await context.close();
});

test('a malformed file: the error names the file, line and field; a row the template refuses is left out', async () => {
  const { page, context } = await openPage(browser, server.url);
  const good = JSON.stringify({ question: 'Q', response: 'A', document: 'D', raw_document: 'R', document_outline: 'O' });
  const bad = JSON.stringify({ question: 'Q', response: 7, document: 'D', raw_document: 'R', document_outline: 'O' });
  const nulled = JSON.stringify({ question: 'Q2', response: null, document: 'D', raw_document: 'R', document_outline: 'O' });
  await page.setInputFiles('#input-files', [
    { name: 'extractive_summary.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${good}\n${good}\n${bad}\n${nulled}\n`) },
  ]);
  await waitForInputs(page);
  assert.equal(await page.textContent('#input-status'),
    'extractive_summary.jsonl:3: field `response`: must be a string, found a number');
  assert.equal(await page.isDisabled('#mix'), true);
  await page.check('#skip-bad-rows');
  await page.waitForFunction(() => /1 bad rows skipped/.test(document.querySelector('#input-status').textContent));
  // Qwen 3's template cannot render a null response (nor can transformers): the row is left out.
  await chooseTokenizer(page, 'qwen3');
  await setParams(page, { cuts: '1' });
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'),
    /Left out 1 row the chat template cannot render \(`response` is null: 1\), e\.g\. extractive_summary\.jsonl:4: field `response`: is null, and the qwen3 chat template cannot render a null message/);
  await context.close();
});

test('Cancel stops a long run promptly, the page stays responsive, and a new run works', async () => {
  const big = generate(['--seed', '5', '--raw-docs', '1', '--summaries-per-raw', '12', '--qa-per-summary', '5', '--raw-words', '800', '--target-mb', '60']);
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', big);
  await waitForInputs(page);
  await chooseTokenizer(page, 'llama3_1');
  await setParams(page, { cuts: '10' });
  await page.click('#mix');
  await page.waitForFunction(() => /Counting tokens: [\d,]+ of/.test(document.querySelector('#progress-text').textContent), null, { timeout: 60_000 });
  // The main thread answers at once while the worker counts.
  const lag = await page.evaluate(() => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 0); }));
  assert.ok(lag < 250, `main thread blocked for ${lag} ms`);
  const clicked = Date.now();
  await page.click('#cancel');
  await page.waitForFunction(() => /Cancelled/.test(document.querySelector('#progress-text').textContent), null, { timeout: 2_000 });
  assert.ok(Date.now() - clicked < 2_000);
  assert.equal(await page.isHidden('#results'), true);
  assert.equal(await page.isEnabled('#mix'), true);
  // A fresh worker gets the inputs and tokenizer again and finishes, reading the 60 MB of Files
  // in slices (rows and multi-byte characters across slice boundaries) byte-identical to the CLI,
  // and writing a 77 MB mix, flushed to disk as it grows (every 32 MB).
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'), /with the llama3_1 tokenizer on \d+ processing workers? \(besides the coordinator\), using [\d.]+ MB of memory at most\./);
  assertSameAsCli(await downloadOffered(page), cliMix(big, ['--cuts', '10', '--tokenizer', join(tokenizers, 'llama3_1')]));
  await context.close();
});

test('a run that fails says why, leaves no file behind, and the next run writes its mixes to disk again', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.click('#try-example');
  await waitForInputs(page);
  // llama3_1 with a chat template that refuses every conversation: the first task fails.
  const refuses = mkdtempSync(join(tmpdir(), 'kmix-tok-'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) symlinkSync(join(tokenizers, 'llama3_1', f), join(refuses, f));
  writeFileSync(join(refuses, 'chat_template.jinja'), "{{ raise_exception('this template refuses every conversation') }}");
  await page.setInputFiles('#tokenizer-files', ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'].map((f) => join(refuses, f)));
  await page.waitForFunction(() => /Tokenizer: custom tokenizer/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  await setParams(page, { cuts: '2', seed: '5' });
  await page.click('#mix');
  await page.waitForSelector('#run-error:not([hidden])', { timeout: 60_000 });
  assert.match(await page.textContent('#run-error'), /refuses every conversation/);
  // The files under kmix-outputs/ (a folder per run), by name, or null when there are none.
  const onDisk = async () => {
    const { files } = await keptInBrowser(page);
    const sizes = Object.entries(files).map(([path, size]) => [path.split('/').pop(), size]);
    return sizes.length ? Object.fromEntries(sizes) : null;
  };
  assert.equal(await onDisk(), null, 'the failed run left files behind');

  await chooseTokenizer(page, 'llama3_1');
  await mixAndWait(page);
  const files = await downloadOffered(page);
  assertSameAsCli(files, cliMix(example, ['--cuts', '2', '--seed', '5', '--tokenizer', join(tokenizers, 'llama3_1'), '--recipe', exampleRecipe]));
  // The mixes were written to the origin's private files, not kept in memory.
  const mixes = Object.keys(files).filter((name) => name.endsWith('.jsonl'));
  assert.deepEqual(await onDisk(), Object.fromEntries(mixes.map((name) => [name, files[name].length])));
  await context.close();
});

test('embedded in an iframe on another origin: files in, mixes out by postMessage', async () => {
  const parentServer = await serveFixtures(join(root, 'tests/browser/parent'));
  const inputs = generate(['--raw-docs', '2', '--summaries-per-raw', '4']);
  const files = readdirSync(inputs, { recursive: true })
    .filter((p) => statSync(join(inputs, p)).isFile())
    .map((p) => ({ path: p, base64: readFileSync(join(inputs, p)).toString('base64') }));
  const { page, context } = await openPage(browser, `${parentServer.url}?kmix=${server.url}`).catch(async () => {
    // The parent page has no data-ready flag: open it plainly.
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${parentServer.url}?kmix=${server.url}`);
    return { page: p, context: ctx };
  });
  // `roots`: the name of the folder the files came from, which the manifest records (as the CLI's).
  const reply = await page.evaluate(([f]) => window.runKmix(f, { cuts: '2', seed: '3' }, { name: 'llama3_1' }, ['gen']), [files]);
  assert.equal(reply.kmix, 'result', JSON.stringify(reply.error));
  assert.ok(reply.progress.includes('counting'));
  const cli = cliMix(inputs, ['--cuts', '2', '--seed', '3', '--tokenizer', join(tokenizers, 'llama3_1')]);
  assert.deepEqual(reply.files.map((f) => f.name).sort(), readdirSync(cli).sort());
  for (const f of reply.files) assert.equal(f.text, readFileSync(join(cli, f.name), 'utf8'), f.name);

  // A dataset to blend and the blend's fields go by postMessage too.
  const skills = join(root, 'www/example-blend/skills.jsonl');
  const datasets = [{ path: 'skills.jsonl', base64: readFileSync(skills).toString('base64') }];
  const blended = await page.evaluate(([f, d]) => window.runKmix(f, { cuts: '2', seed: '3' }, { name: 'llama3_1' }, ['gen'],
    { datasets: d, blend: { sizes: [['skills.jsonl', '50']], max_seq_len: '4096' } }), [files, datasets]);
  assert.equal(blended.kmix, 'result', JSON.stringify(blended.error));
  const cliBlend = cliMix(inputs, ['--cuts', '2', '--seed', '3', '--tokenizer', join(tokenizers, 'llama3_1'),
    '--add', `${skills}=50`, '--max-seq-len', '4096']);
  assert.deepEqual(blended.files.map((f) => f.name).sort(), readdirSync(cliBlend).sort());
  for (const f of blended.files.filter((x) => !x.name.endsWith('.yaml'))) assert.equal(f.text, readFileSync(join(cliBlend, f.name), 'utf8'), f.name);
  assert.equal(blended.report.blends[0].sources[1].rows, 50);

  // A message that does not come from the parent is ignored.
  const frame = page.frames().find((f) => f.url().startsWith(server.url));
  await frame.evaluate(() => window.postMessage({ kmix: 'mix', id: 'x', files: [] }, '*'));
  await page.waitForTimeout(300);
  assert.doesNotMatch(await frame.textContent('#input-status'), /Reading 0 files/);
  await context.close();
  parentServer.stop();
});

test('a narrow (400 px) viewport has no horizontal overflow', async () => {
  const { page, context } = await openPage(browser, server.url, { viewport: { width: 400, height: 800 } });
  await page.click('#try-example');
  await waitForInputs(page);
  await mixAndWait(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: join(shots, 'narrow.png'), fullPage: true });
  assert.ok(width <= 400, `page is ${width} px wide`);
  // Keyboard: the drop zone is reachable and announces itself as a button.
  assert.equal(await page.getAttribute('#input-drop', 'role'), 'button');
  assert.equal(await page.getAttribute('#input-drop', 'tabindex'), '0');
  await context.close();
});

test('inputs unticked in the table and a pinned date: the same bytes as the CLI with --leave-out and --date', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', example);
  await waitForInputs(page);
  await chooseTokenizer(page, 'llama3_1');
  await page.fill('#template-date', '2024-07-26');
  await page.waitForFunction(() => /Tokenizer: llama3_1/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  await page.uncheck('input[aria-label="Mix qna.yaml"]');
  await page.uncheck('input[aria-label="Mix key_facts_to_qa/gen_01.jsonl"]');
  await setParams(page, { cuts: '5, 8' });
  await mixAndWait(page);
  const files = await downloadOffered(page);
  const cli = cliMix(example, ['--cuts', '5,8', '--tokenizer', join(tokenizers, 'llama3_1'),
    '--leave-out', 'qna.yaml,key_facts_to_qa/gen_01.jsonl', '--date', '2024-07-26']);
  assertSameAsCli(files, cli);
  const manifest = files['manifest.json'].toString();
  assert.match(manifest, /"date": "2024-07-26"/);
  assert.match(manifest, /"left_out": \[\s*"key_facts_to_qa\/gen_01.jsonl",\s*"qna.yaml"\s*\]/);
  assert.match(manifest, /"roots": \[\s*"example"\s*\]/);
  await context.close();
});

test('blends: a recipe fills the table, sizes and a budget are checked live, blends are the CLI\'s bytes', async () => {
  const { page, context, problems } = await openPage(browser, server.url);
  await page.click('#try-example');
  await waitForInputs(page);
  await chooseTokenizer(page, 'llama3_1');
  // The recipe set the sizes: the knowledge mix whole, half of the 400 skills rows.
  assert.equal(await page.inputValue('input[aria-label="Size of skills.jsonl"]'), '0.5');
  await page.waitForFunction(() => /5x: 200/.test(document.querySelector('#blend-table').textContent));
  // The files the blend writes, named by the core, before any run.
  assert.equal(await page.textContent('#blend-note'), 'Written beside combined_cut_5x.jsonl: blend_cut_5x.jsonl and recipe_cut_5x.yaml; '
    + 'beside combined_cut_8x.jsonl: blend_cut_8x.jsonl and recipe_cut_8x.yaml.');
  assert.match(await page.textContent('#input-table'), /skills\.jsonl.*dataset to blend/);
  await page.fill('#max-seq-len', '2048');
  await mixAndWait(page);
  let files = await downloadOffered(page);
  assertSameAsCli(files, cliMix(example, ['--cuts', '5,8', '--tokenizer', join(tokenizers, 'llama3_1'),
    '--recipe', exampleRecipe, '--max-seq-len', '2048']));
  const blends = await page.textContent('#blends');
  assert.match(blends, /Cut 5x → blend_cut_5x\.jsonl/);
  assert.match(blends, /Trainer drops/);
  assert.match(await page.getAttribute('#histograms svg', 'aria-label'), /maximum sequence length 2,048/);
  // The row browser shows a blend's rows by where they came from: the dataset, or the kind.
  await page.selectOption('#rows-file', { label: 'blend_cut_5x.jsonl' });
  await page.waitForFunction(() => [...document.querySelectorAll('#rows-group option')].some((o) => o.value === 'skills.jsonl'));
  await page.selectOption('#rows-group', 'skills.jsonl');
  await rowsShown(page, /^Rows 1–20 of 200\.$/);
  assert.match(await page.textContent('#rows-list > li:first-child h4'), /· skills\.jsonl ·/);

  // A budget with sizes still set is refused at once, naming the source; with shares alone it is
  // solved from the counts, as the CLI solves it.
  await page.fill('#blend-budget', '60K');
  await page.fill('#blend-shares', 'knowledge=0.5, skills.jsonl=0.5');
  await page.waitForFunction(() => /has a size, but under a budget/.test(document.querySelector('#blend-error').textContent));
  await page.fill('input[aria-label="Size of knowledge"]', '');
  await page.fill('input[aria-label="Size of skills.jsonl"]', '');
  await page.waitForFunction(() => document.querySelector('#blend-error').hidden);
  await page.check('#drop-over-length');
  await mixAndWait(page);
  await page.waitForFunction(() => /budget 60,000/.test(document.querySelector('#blends').textContent));
  files = await downloadOffered(page);
  assertSameAsCli(files, cliMix(example, ['--cuts', '5,8', '--tokenizer', join(tokenizers, 'llama3_1'),
    '--add', join(root, 'www/example-blend/skills.jsonl'), '--budget', '60K', '--share', 'knowledge=0.5,skills.jsonl=0.5',
    '--max-seq-len', '2048', '--drop-over-length']));
  // The older trainer count (template tokens, end-of-sequence check) is a choice, as on the CLI.
  await page.selectOption('#trainer-count', 'template');
  await page.waitForSelector('#results.is-stale');
  await mixAndWait(page);
  await page.waitForSelector('#results:not(.is-stale)', { timeout: 300_000 });
  files = await downloadOffered(page);
  assert.match(files['manifest.json'].toString(), /"trainer_count": "template"/);
  assertSameAsCli(files, cliMix(example, ['--cuts', '5,8', '--tokenizer', join(tokenizers, 'llama3_1'),
    '--add', join(root, 'www/example-blend/skills.jsonl'), '--budget', '60K', '--share', 'knowledge=0.5,skills.jsonl=0.5',
    '--max-seq-len', '2048', '--drop-over-length', '--trainer-count', 'template']));
  assert.deepEqual(problems, []);
  await context.close();
});

test('honest state: why Mix is disabled, Enter mixes, results marked or cleared when what made them changes', async () => {
  const { page, context } = await openPage(browser, server.url);
  assert.match(await page.textContent('#mix-why'), /Add input files first/);
  await page.click('#try-example');
  await waitForInputs(page);
  assert.equal(await page.textContent('#mix-why'), '');
  assert.match(await page.textContent('#input-status'), /The example set cuts 5, 8, 3 Q&A per augmentation, seed 42; the llama3_1 tokenizer; a blend with skills\.jsonl and recipe\.yaml\./);
  await page.fill('input[name=cuts]', '5, 500');
  await page.waitForFunction(() => /cut 500: not feasible/.test(document.querySelector('#feasibility').textContent));
  // Enter in a field mixes; focus lands on the results; the summary says which cut was skipped.
  await page.press('input[name=seed]', 'Enter');
  await page.waitForSelector('#results:not([hidden])', { timeout: 300_000 });
  const summary = await page.textContent('#results-summary');
  assert.match(summary, /^Mixed cut 5 in /);
  assert.match(summary, /Skipped cut 500: .*fewer than 500/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-heading');
  assert.equal(await page.isHidden('#results-stale'), true);
  // A changed parameter marks the results as an earlier run's; changing it back unmarks them.
  await page.fill('input[name=seed]', '7');
  await page.waitForSelector('#results-stale:not([hidden])');
  assert.match(await page.textContent('#results-stale'), /earlier run: the parameters changed since/);
  await page.fill('input[name=seed]', '42');
  await page.waitForSelector('#results-stale', { state: 'hidden' });
  // So does another tokenizer.
  await chooseTokenizer(page, 'qwen3');
  await page.waitForSelector('#results-stale:not([hidden])');
  assert.match(await page.textContent('#results-stale'), /the tokenizer changed/);
  // New inputs that fail to load leave nothing of the earlier inputs or run on screen.
  await page.setInputFiles('#input-files', [
    { name: 'extractive_summary.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from('{"question": 1}\n') },
  ]);
  await waitForInputs(page);
  assert.equal(await page.isHidden('#results'), true);
  assert.equal(await page.isHidden('#input-table'), true);
  assert.equal(await page.textContent('#feasibility'), '');
  assert.equal(await page.locator('#downloads a').count(), 0);
  assert.match(await page.textContent('#mix-why'), /Add input files first/);
  await context.close();
});

test('offline after the first visit: a new version offers a reload; with the network off the page reloads and mixes the example', async () => {
  // A copy of the site whose version the test can change, on an origin of its own.
  const site = mkdtempSync(join(tmpdir(), 'kmix-offline-site-'));
  for (const name of readdirSync(join(root, 'www'))) {
    if (name !== 'precache.js') symlinkSync(join(root, 'www', name), join(site, name));
  }
  const precache = readFileSync(join(root, 'www/precache.js'), 'utf8');
  writeFileSync(join(site, 'precache.js'), precache);
  const local = await serve(site);
  const { page, context } = await openPage(browser, local.url);
  await page.waitForSelector('body[data-offline=ready]', { timeout: 60_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  assert.match(await page.textContent('#offline-status'), /Works offline/);

  writeFileSync(join(site, 'precache.js'), precache.replace(/"version": "[0-9a-f]+"/, '"version": "a-new-version"'));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('#update:not([hidden])', { timeout: 60_000 });
  await Promise.all([page.waitForEvent('load'), page.click('#reload')]);
  await page.waitForSelector('body[data-ready=true]');
  assert.deepEqual(await page.evaluate(() => caches.keys()), ['kmix-a-new-version'], 'the old version is removed');
  // Own tokenizer files, kept in the browser on request.
  await page.check('#keep-tokenizer');
  await page.setInputFiles('#tokenizer-files', ['tokenizer.json', 'tokenizer_config.json'].map((f) => join(tokenizers, 'gemma3', f)));
  await page.waitForFunction(() => /Kept in this browser/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });

  local.stop();
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await page.click('#try-example');
  await waitForInputs(page);
  await page.waitForFunction(() => /Tokenizer: llama3_1/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'), /with the llama3_1 tokenizer/);
  assert.match(await page.textContent('#report'), /Tokens/);

  // The kept tokenizer (files chosen one by one, so named "custom tokenizer") counts offline too;
  // Forget removes it.
  await page.selectOption('#tokenizer-select', 'kept:custom tokenizer');
  await page.waitForFunction(() => /Tokenizer: custom tokenizer/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  await mixAndWait(page);
  await page.waitForFunction(() => /with the custom tokenizer tokenizer/.test(document.querySelector('#results-summary').textContent));

  // A served tokenizer never used here cannot load offline: the page says why, and Mix waits.
  await page.selectOption('#tokenizer-select', 'qwen3');
  await page.waitForFunction(() => document.querySelector('#tokenizer-status').classList.contains('error'), null, { timeout: 60_000 });
  assert.match(await page.textContent('#tokenizer-status'), /network is off, and this tokenizer has not been used/);
  assert.equal(await page.isDisabled('#mix'), true);
  assert.match(await page.textContent('#mix-why'), /did not load/);

  await page.click('#forget-tokenizers');
  await page.waitForFunction(() => !document.querySelector('option[value^="kept:"]'));
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.locator('option[value^="kept:"]').count(), 0, 'forgotten for good');
  await context.close();
});

test('accessibility: axe finds no serious or critical violation on the empty, loaded and results views, at 1280 and 400 px', async () => {
  const axe = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
  for (const width of [1280, 400]) {
    // The page's CSP keeps out scripts it does not serve: bypassed in this context only, for axe.
    const { page, context } = await openPage(browser, server.url, { viewport: { width, height: 900 }, bypassCSP: true });
    const check = async (view) => {
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
        .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
      assert.deepEqual(violations, [], `${view} view at ${width} px`);
    };
    await check('empty');
    await page.click('#try-example');
    await waitForInputs(page);
    await check('loaded');
    await mixAndWait(page);
    // With the row browser's rows shown as the template renders them.
    await page.waitForFunction(() => /^Rows 1–20/.test(document.querySelector('#rows-status').textContent));
    await page.selectOption('#rows-view', 'rendered');
    await page.waitForFunction(() => /<\|start_header_id\|>/.test(document.querySelector('#rows-list li pre.rendered')?.textContent));
    await check('results');
    await context.close();
  }
});

test('keyboard: each file picker shows its focus ring on its own button', async () => {
  const { page, context } = await openPage(browser, server.url);
  const ringOn = (id) => page.evaluate((input) => {
    const style = (el) => getComputedStyle(el).outlineStyle;
    const label = document.querySelector(`label[for="${input}"]`);
    return { focused: document.activeElement.id, own: style(label),
      others: [...document.querySelectorAll('label.button')].filter((l) => l !== label).map(style).filter((s) => s !== 'none').length };
  }, id);
  for (const id of ['input-files', 'input-folder', 'tokenizer-files']) {
    // Reached by Tab, as a keyboard user does (focus-visible follows keyboard focus).
    await page.focus(`#${id}`);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    assert.deepEqual(await ringOn(id), { focused: id, own: 'solid', others: 0 }, id);
  }
  await context.close();
});
