// Inputs as people choose them, in Debian's headless Chromium: a dataset that cannot be read, two
// files of one name picked together, inputs without a summary kind, and the form checked as typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, mkdirSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, serve, launch, openPage, cliMix, generate, mixReadyOrWhy, downloadOffered } from './harness.mjs';

const example = join(root, 'www/example');
const exampleRecipe = join(root, 'www/example-blend/recipe.yaml');
const tokenizers = join(root, 'vendor-tokenizers');
let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(root, 'www/example.json')), 'run tools/prepare-www.sh first');
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const mixWhy = (page) => page.textContent('#mix-why');

async function mixAndWait(page) {
  await page.click('#mix');
  await page.waitForSelector('#results:not([hidden])', { timeout: 300_000 });
}

/** The example's knowledge inputs, its recipe's blend and the llama3_1 tokenizer, ready to mix. */
async function exampleLoaded(page) {
  await page.click('#try-example');
  await mixReadyOrWhy(page);
  await page.selectOption('#tokenizer-select', 'llama3_1');
  await page.waitForFunction(() => /Tokenizer: llama3_1/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
}

/** The mixes the page made are the CLI's bytes (the manifests differ: the CLI knows folders). */
function assertMixesAsCli(files, cliOut) {
  const mixes = readdirSync(cliOut).filter((n) => n.endsWith('.jsonl')).sort();
  assert.ok(mixes.length > 0);
  assert.deepEqual(Object.keys(files).filter((n) => n.endsWith('.jsonl')).sort(), mixes);
  for (const name of mixes) assert.ok(files[name].equals(readFileSync(join(cliOut, name))), `${name} differs from the CLI's`);
}

const bad = { name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from('{"messages": "oops"}\n') };
const good = {
  name: 'more.jsonl', mimeType: 'application/jsonl',
  buffer: Buffer.from(`${JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] })}\n`),
};

test('a dataset that cannot be read: its error beside it in the Blend step, removable, the rest still mixes as the CLI does', async () => {
  // The page's CSP keeps out scripts it does not serve: bypassed in this context only, for axe.
  const { page, context, problems } = await openPage(browser, server.url, { bypassCSP: true });
  await exampleLoaded(page);
  await page.setInputFiles('#blend-files', [bad]);
  await mixReadyOrWhy(page);
  // Step 1 still shows the inputs; the error is in the Blend step, on the row under bad.jsonl.
  assert.equal(await page.isHidden('#input-table'), false);
  assert.equal(await page.evaluate(() => document.querySelector('#input-status').classList.contains('error')), false);
  assert.match(await page.textContent('#input-table'), /bad\.jsonl.*cannot be read \(see step 4\)/);
  const error = page.locator('#blend-table tr:has(th:text-is("bad.jsonl")) + tr.source-error');
  assert.equal(await error.textContent(), 'Cannot be read: bad.jsonl:1: field `messages`: must be a list of messages, found a string');
  assert.equal(await page.getAttribute('button[aria-label="Remove bad.jsonl"]', 'aria-describedby'), await error.locator('p').getAttribute('id'));
  assert.equal(await page.isDisabled('#mix'), true);
  assert.match(await mixWhy(page), /^The dataset bad\.jsonl cannot be read \(step 4 says why\): remove it/);
  await page.addScriptTag({ content: readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const violations = await page.evaluate(async () => (await window.axe.run('#blend-table', { resultTypes: ['violations'] }))
    .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id));
  assert.deepEqual(violations, []);
  // A good dataset added beside it is read; the bad one still holds Mix back.
  await page.setInputFiles('#blend-files', [good]);
  await page.waitForFunction(() => /more\.jsonl/.test(document.querySelector('#blend-table').textContent));
  await mixReadyOrWhy(page);
  assert.equal(await page.isDisabled('#mix'), true);
  await page.click('button[aria-label="Remove bad.jsonl"]');
  await page.click('button[aria-label="Remove more.jsonl"]');
  await page.waitForFunction(() => !document.querySelector('#mix').disabled, null, { timeout: 60_000 });
  assert.equal(await page.locator('#blend-table tr.source-error').count(), 0);
  assert.equal(await mixWhy(page), '');
  await mixAndWait(page);
  assertMixesAsCli(await downloadOffered(page), cliMix(example, ['--cuts', '5,8', '--tokenizer', join(tokenizers, 'llama3_1'),
    '--recipe', exampleRecipe]));
  assert.deepEqual(problems, []);
  await context.close();
});

test('two files of one name picked together are kept apart and named; without a summary kind cuts do not apply', async () => {
  // Two runs' final_seed_data.jsonl and document_based_qa/gen_00.jsonl, picked as plain files.
  const runs = mkdtempSync(join(tmpdir(), 'kmix-same-names-'));
  const picked = [];
  for (const [run, seed] of [['a', '1'], ['b', '2']]) {
    const gen = generate(['--raw-docs', '3', '--summaries-per-raw', '4', '--seed', seed]);
    mkdirSync(join(runs, run));
    for (const [from, to] of [['final_seed_data.jsonl', 'final_seed_data.jsonl'], ['document_based_qa/gen_00.jsonl', 'gen_00.jsonl']]) {
      copyFileSync(join(gen, from), join(runs, run, to));
      picked.push(join(runs, run, to));
    }
  }
  const { page, context, problems } = await openPage(browser, server.url);
  await page.fill('input[name=cuts]', '2, 5');
  await page.setInputFiles('#input-files', picked);
  await mixReadyOrWhy(page);
  const table = await page.textContent('#input-table');
  for (const name of ['final_seed_data.jsonl', 'final_seed_data (2).jsonl', 'gen_00.jsonl', 'gen_00 (2).jsonl']) assert.ok(table.includes(name), `${name} in ${table}`);
  const feasibility = await page.textContent('#feasibility');
  assert.match(feasibility, /Note: 2 of the files given share a path with an earlier one: in the order given, each is known by its path with a number before its extensions \(final_seed_data \(2\)\.jsonl for final_seed_data\.jsonl, gen_00 \(2\)\.jsonl for gen_00\.jsonl\) in the table, the report and the manifest\./);
  assert.match(feasibility, /✓ cut 2: feasible/);
  assert.match(feasibility, /– cut 5: not mixed — it would hold the same rows as cut 2: cuts count the augmentations of extractive_summary and detailed_summary, and no rows of either are mixed\./);
  assert.match(feasibility, /Note: cuts do not apply: .* so every cut holds the same rows; they are mixed once, as cut 2 \(combined_cut_2x\.jsonl\)\./);
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'), /Skipped cut 5: it would hold the same rows as cut 2: .* are mixed\.$/);
  const files = await downloadOffered(page);
  assert.deepEqual(Object.keys(files).sort(), ['combined_cut_2x.jsonl', 'manifest.json']);
  const copy = JSON.parse(files['manifest.json']).inputs.find((f) => f.path === 'final_seed_data (2).jsonl');
  assert.equal(copy.copy_of, 'final_seed_data.jsonl');
  assertMixesAsCli(files, cliMix(join(runs, 'a'), [join(runs, 'b'), '--cuts', '2,5']));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the form is checked as typed: a bad cut, Q&A or seed, or an odd size, disables Mix with the reason beside it', async () => {
  const { page, context } = await openPage(browser, server.url);
  await exampleLoaded(page);
  assert.equal(await mixWhy(page), '');
  const refused = async (reason) => {
    await page.waitForFunction(() => document.querySelector('#mix').disabled, null, { timeout: 10_000 });
    assert.match(await mixWhy(page), reason);
  };
  const allowed = async () => {
    await page.waitForFunction(() => !document.querySelector('#mix').disabled, null, { timeout: 10_000 });
    assert.equal(await mixWhy(page), '');
  };
  for (const [field, value, reason] of [
    ['cuts', '5, x', /^Step 3, the parameters: field `cuts`: /],
    ['qa_per_doc', '0', /^Step 3, the parameters: field `qa_per_doc`: must be at least 1/],
    ['seed', 'soon', /^Step 3, the parameters: field `seed`: /],
  ]) {
    const before = await page.inputValue(`input[name=${field}]`);
    await page.fill(`input[name=${field}]`, value);
    await refused(reason);
    assert.equal(await page.getAttribute(`input[name=${field}]`, 'aria-invalid'), 'true');
    await page.fill(`input[name=${field}]`, before);
    await allowed();
  }
  // One grammar for sizes and budgets: `1e3` is no size (once a ratio: 400,000 rows); `30k` is rows.
  const size = 'input[aria-label="Size of skills.jsonl"]';
  await page.fill(size, '1e3');
  await refused(/^Step 4, the blend: field `size of skills\.jsonl`: `1e3` is not a size: give rows \(30000, 30k\), a ratio with a decimal point \(0\.5, 2\.0\) or tokens \(5Mtok, 250k tokens\)$/);
  await page.fill(size, '30k');
  await allowed();
  await page.waitForFunction(() => /5x: 30,000/.test(document.querySelector('#blend-table').textContent));
  await page.fill(size, '0.5');
  await allowed();
  // A skipped cut's reason ends its sentence.
  await page.fill('input[name=cuts]', '5, 500');
  await page.waitForFunction(() => /cut 500: not feasible — .*fewer than 500\./.test(document.querySelector('#feasibility').textContent));
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'), /Skipped cut 500: .*fewer than 500\.$/);
  await context.close();
});
