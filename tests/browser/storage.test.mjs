// What the page keeps in the browser's storage, and for how long: the mixes sit in the origin's
// private file system (kmix-outputs/, a folder per run) only while a tab shows them. A cancelled
// or failed run leaves nothing; Remove takes them away at once; what a closed tab or an earlier
// session left goes when kmix next opens, but never what another open tab shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root, serve, serveFixtures, launch, openPage, generate, chromiumArgs, keptInBrowser } from './harness.mjs';

const tokenizers = join(root, 'vendor-tokenizers');
// Slack for what the browser counts besides the mixes (its own bookkeeping of the storage).
const SLACK = 1 << 20;
let server;
let browser;
let folder; // inputs whose mixes (no tokenizer, cut 2) are some 10 MB

before(async () => {
  server = await serve();
  browser = await launch();
  folder = generate(['--seed', '3', '--raw-docs', '4', '--summaries-per-raw', '6', '--target-mb', '8']);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** The page once it works offline (the service worker's cache, counted in the usage, is full). */
async function settled(page) {
  await page.waitForFunction(() => document.body.dataset.offline === 'ready', null, { timeout: 60_000 });
}

async function loadInputs(page, dir) {
  await page.setInputFiles('#input-folder', dir);
  await page.waitForFunction(() => !document.querySelector('#mix').disabled, null, { timeout: 60_000 });
}

async function mix(page, cuts = '2') {
  await page.fill('input[name=cuts]', cuts);
  await page.click('#mix');
  await page.waitForSelector('#results:not([hidden])', { timeout: 300_000 });
}

/** Nothing of kmix's is left: no kmix-outputs/ at the top of the private file system, no file under
 * it, and the usage the browser counts back to `baseline`. */
function assertNothingKept(kept, baseline, when) {
  assert.deepEqual(kept.top.filter((name) => name.startsWith('kmix')), [], `${when}: ${kept.top}`);
  assert.deepEqual(kept.files, {}, when);
  assert.ok(kept.usage <= baseline + SLACK, `${when}: ${kept.usage} bytes used, ${baseline} before`);
}

const mixBytes = (kept) => Object.values(kept.files).reduce((a, b) => a + b, 0);

test('Cancel removes what the run had written before it says so: the storage is back to where it was', async () => {
  const big = generate(['--seed', '5', '--raw-docs', '1', '--summaries-per-raw', '12', '--qa-per-summary', '5', '--raw-words', '800', '--target-mb', '30']);
  const { page, context } = await openPage(browser, server.url);
  await settled(page);
  await loadInputs(page, big);
  await page.selectOption('#tokenizer-select', 'llama3_1');
  await page.waitForFunction(() => /Tokenizer: llama3_1/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  const baseline = (await keptInBrowser(page)).usage;
  await page.fill('input[name=cuts]', '10');
  await page.click('#mix');
  // Cancelled once the run has written a few MB of its mix.
  let during;
  for (const started = Date.now(); Date.now() - started < 120_000; await page.waitForTimeout(200)) {
    during = await keptInBrowser(page);
    if (mixBytes(during) > 2e6) break;
  }
  assert.ok(mixBytes(during) > 2e6, `the run wrote ${mixBytes(during)} bytes`);
  assert.equal(await page.isVisible('#cancel'), true);
  await page.click('#cancel');
  await page.waitForFunction(() => /^Cancelled/.test(document.querySelector('#progress-text').textContent), null, { timeout: 10_000 });
  assertNothingKept(await keptInBrowser(page), baseline, 'after Cancel');
  assert.equal(await page.textContent('#progress-text'), 'Cancelled. What the run had written is removed: nothing is kept.');
  await context.close();
});

test('a run that fails leaves nothing in the browser\'s storage', async () => {
  const { page, context } = await openPage(browser, server.url);
  await settled(page);
  await loadInputs(page, folder);
  // llama3_1 with a chat template that refuses every conversation: the first task fails.
  const refuses = mkdtempSync(join(tmpdir(), 'kmix-tok-'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) symlinkSync(join(tokenizers, 'llama3_1', f), join(refuses, f));
  writeFileSync(join(refuses, 'chat_template.jinja'), "{{ raise_exception('this template refuses every conversation') }}");
  await page.setInputFiles('#tokenizer-files', ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'].map((f) => join(refuses, f)));
  await page.waitForFunction(() => /Tokenizer: custom tokenizer/.test(document.querySelector('#tokenizer-status').textContent), null, { timeout: 60_000 });
  const baseline = (await keptInBrowser(page)).usage;
  await page.click('#mix');
  await page.waitForSelector('#run-error:not([hidden])', { timeout: 60_000 });
  assert.match(await page.textContent('#run-error'), /refuses every conversation/);
  assertNothingKept(await keptInBrowser(page), baseline, 'after a failed run');
  await context.close();
});

test('the results say where the mixes are kept and how big; Remove takes them and their downloads away', async () => {
  const { page, context } = await openPage(browser, server.url);
  await settled(page);
  await loadInputs(page, folder);
  const baseline = (await keptInBrowser(page)).usage;
  await mix(page);
  const kept = await keptInBrowser(page);
  const bytes = mixBytes(kept);
  assert.ok(bytes > 5e6, `${bytes} bytes of mixes`);
  assert.ok(kept.usage >= baseline + bytes - SLACK, `the browser counts ${kept.usage - baseline} bytes more for ${bytes} of mixes`);
  // The note gives the size the private file system holds, as the downloads show it.
  const note = await page.textContent('#kept-text');
  assert.match(note, new RegExp(`^These mixes \\(${(bytes / 1e6).toFixed(1)} MB\\) are kept in this browser's private storage only while this page shows them`));
  assert.ok(await page.locator('#downloads a[download]').count() > 0);
  await page.click('#remove-results');
  await page.waitForFunction(() => /are removed/.test(document.querySelector('#kept-text').textContent));
  assert.equal(await page.textContent('#kept-text'), 'The mixes are removed from this browser\'s storage: mix again to make them anew.');
  assert.equal(await page.locator('#downloads a, #downloads button').count(), 0);
  assert.equal(await page.isHidden('#remove-results'), true);
  assert.equal(await page.locator('#rows').textContent(), '');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-heading');
  assertNothingKept(await keptInBrowser(page), baseline, 'after Remove');
  // A new mix is kept, and offered, again.
  await page.click('#mix');
  await page.waitForSelector('#remove-results:not([hidden])', { timeout: 300_000 });
  assert.deepEqual(Object.values((await keptInBrowser(page)).files).sort(), Object.values(kept.files).sort());
  assert.ok(await page.locator('#downloads a[download]').count() > 0);
  await context.close();
});

/** Opens another kmix tab in the same browser context; resolves once it is ready. */
async function openTab(context) {
  const tab = await context.newPage();
  await tab.goto(server.url);
  await tab.waitForSelector('body[data-ready=true]');
  return tab;
}

test('opening kmix again removes what an earlier visit left, but not what another open tab shows', async () => {
  const { page: first, context } = await openPage(browser, server.url);
  await settled(first);
  await loadInputs(first, folder);
  const baseline = (await keptInBrowser(first)).usage;
  await mix(first);
  const firstFiles = (await keptInBrowser(first)).files;
  assert.ok(Object.keys(firstFiles).length > 0);

  // A second tab opens while the first shows its results: they stay, and still download.
  const second = await openTab(context);
  assert.deepEqual((await keptInBrowser(second)).files, firstFiles);
  assert.equal(await second.textContent('#storage-status'), '');
  const link = first.locator('#downloads a[download]').filter({ hasText: 'combined_cut_2x.jsonl' });
  const [download] = await Promise.all([first.waitForEvent('download'), link.click()]);
  assert.equal(readFileSync(await download.path()).length, Object.entries(firstFiles).find(([p]) => p.endsWith('/combined_cut_2x.jsonl'))[1]);

  // The second tab mixes too; the first reloads: its own mixes go, the second tab's stay.
  await loadInputs(second, folder);
  await mix(second);
  const both = (await keptInBrowser(second)).files;
  const secondFiles = Object.fromEntries(Object.entries(both).filter(([p]) => !(p in firstFiles)));
  assert.equal(Object.keys(secondFiles).length, Object.keys(firstFiles).length);
  await first.reload();
  await first.waitForSelector('body[data-ready=true]');
  assert.deepEqual((await keptInBrowser(first)).files, secondFiles);
  const removed = Object.values(firstFiles).reduce((a, b) => a + b, 0);
  assert.equal(await first.textContent('#storage-status'), `Removed ${(removed / 1e6).toFixed(1)} MB of mixes an earlier visit left in this browser's storage.`);

  // Once the second tab is closed, the next kmix page to open removes its mixes too.
  await second.close();
  await first.reload();
  await first.waitForSelector('body[data-ready=true]');
  assertNothingKept(await keptInBrowser(first), baseline, 'after the tabs showing them were closed');
  await context.close();
});

test('after a browser restart, the first kmix page to open removes the mixes of the last session', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'kmix-profile-'));
  const start = () => chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  let context = await start();
  let page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready=true]');
  await settled(page);
  await loadInputs(page, folder);
  const baseline = (await keptInBrowser(page)).usage;
  await mix(page);
  assert.ok(mixBytes(await keptInBrowser(page)) > 5e6);
  await context.close();

  context = await start();
  page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready=true]');
  assert.match(await page.textContent('#storage-status'), /^Removed [\d.]+ MB of mixes an earlier visit left in this browser's storage\.$/);
  assertNothingKept(await keptInBrowser(page), baseline, 'after a restart');
  await context.close();
});

test('embedded: once the parent has the mixes, the page keeps none', async () => {
  const parentServer = await serveFixtures(join(root, 'tests/browser/parent'));
  const files = readdirSync(folder, { recursive: true }).filter((p) => statSync(join(folder, p)).isFile())
    .map((p) => ({ path: p, base64: readFileSync(join(folder, p)).toString('base64') }));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${parentServer.url}?kmix=${server.url}`);
  const kmix = await (await page.waitForSelector('#kmix')).contentFrame();
  await kmix.waitForSelector('body[data-ready=true]');
  await settled(kmix);
  const baseline = (await keptInBrowser(kmix)).usage;
  const reply = await page.evaluate(([f]) => window.runKmix(f, { cuts: '2', seed: '3' }, null, ['gen']), [files]);
  assert.equal(reply.kmix, 'result', JSON.stringify(reply.error));
  assert.ok(reply.files.find((f) => f.name === 'combined_cut_2x.jsonl').text.length > 5e6);
  await kmix.waitForFunction(() => /handed to the page that embeds kmix/.test(document.querySelector('#kept-text').textContent));
  assert.equal(await kmix.locator('#downloads a').count(), 0);
  assertNothingKept(await keptInBrowser(kmix), baseline, 'after the parent had the mixes');
  await context.close();
  parentServer.stop();
});
