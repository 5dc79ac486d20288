// The page's numbers, words, keyboard and narrow screens, as a person meets them: counts that say
// what they count, one Tab stop per row, a focus ring on everything that takes the focus, every
// control in reach at 400 px, readable charts and placeholders that fit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, serve, launch, openPage, generate } from './harness.mjs';

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

async function loadExample(page) {
  await page.click('#try-example');
  await page.waitForFunction(() => / The example set /.test(document.querySelector('#input-status').textContent)
    && !document.querySelector('#mix').disabled, null, { timeout: 120_000 });
}

async function mixAndWait(page) {
  await page.click('#mix');
  await page.waitForSelector('#results:not([hidden])', { timeout: 300_000 });
  await page.waitForFunction(() => /^Rows 1–/.test(document.querySelector('#rows-status')?.textContent ?? ''), null, { timeout: 60_000 });
}

const number = (text) => Number(text.replaceAll(',', ''));

test('the example\'s numbers say what they count: files, workers, trainer drops and two token counts', async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}?workers=2`);
  await loadExample(page);
  // The rows are the knowledge inputs'; the dataset to blend is counted apart.
  assert.match(await page.textContent('#input-status'), /^648 rows from 10 files; 1 dataset to blend \(400 rows\)\. The example set /);
  await page.fill('#max-seq-len', '2048');
  await mixAndWait(page);
  assert.match(await page.textContent('#results-summary'),
    / on 2 processing workers \(besides the coordinator\), using [\d.]+ [kMG]B of memory at most\./);

  // A source's drops count all its rows and say so; the footer's count the rows taken and say so.
  const tables = page.locator('#blends table');
  assert.equal(await tables.count(), 2);
  for (const table of await tables.all()) {
    for (const row of await table.locator('tbody tr').all()) {
      const drops = (await row.locator('td').nth(5).textContent()).trim();
      const available = (await row.locator('td').nth(0).textContent()).trim();
      assert.ok(drops === 'none' || new RegExp(`^[\\d,]+ of its ${available} rows \\([\\d,]+ tokens\\)$`).test(drops), drops);
    }
    const caption = await table.locator('caption').textContent();
    const taken = caption.match(/: ([\d,]+) rows/)[1];
    assert.match(await table.locator('tfoot').textContent(),
      new RegExp(`^(Of the ${taken} rows taken, the trainer would drop|The trainer keeps every one of the ${taken} rows taken)`));
  }

  // The knowledge mix's tokens differ from the report's by what encode adds, and the page says so.
  const note = await page.textContent('#blend-tokens-note');
  assert.match(note, /trained tokens.*apply_chat_template\(tokenize=True\).*token_length/);
  const cut5 = page.locator('#blends table').first();
  const knowledge = cut5.locator('tbody tr', { hasText: 'knowledge' });
  const blendTokens = number(await knowledge.locator('td').nth(3).textContent());
  const knowledgeRows = number(await knowledge.locator('td').nth(2).textContent());
  const reportTokens = number(await page.locator('#totals tbody tr', { hasText: '5x' }).locator('td').first().textContent());
  assert.ok(reportTokens > blendTokens, `${reportTokens} against ${blendTokens}`);
  const fmt = (n) => n.toLocaleString('en-US');
  assert.ok(note.includes(`Cut 5x: the knowledge mix's ${fmt(knowledgeRows)} rows are ${fmt(blendTokens)} tokens here and `
    + `${fmt(reportTokens)} in the report, ${fmt(reportTokens - blendTokens)} more.`), note);
  // Llama 3.1's encode adds one token to each row.
  assert.equal(reportTokens - blendTokens, knowledgeRows);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard: a row of the row browser is one Tab stop, so Next is near', async () => {
  const { page, context } = await openPage(browser, server.url);
  await loadExample(page);
  await mixAndWait(page);
  await page.waitForFunction(() => document.querySelectorAll('#rows-list > li').length === 20);
  await page.focus('#rows-list > li:first-child');
  let presses = 0;
  while (presses < 100 && await page.evaluate(() => document.activeElement.id) !== 'rows-next') {
    await page.keyboard.press('Tab');
    presses += 1;
  }
  assert.ok(presses <= 25, `${presses} Tab presses from the first row to Next`);
  console.log(`row browser: ${presses} Tab presses from the first of 20 rows to Next`);
  // The rows' view is one choice for all of them: the template's rendering, every row at once.
  await page.selectOption('#rows-view', 'rendered');
  await page.waitForFunction(() => {
    const rendered = [...document.querySelectorAll('#rows-list li pre.rendered')];
    return rendered.length === 20 && rendered.every((pre) => /<\|start_header_id\|>user<\|end_header_id\|>/.test(pre.textContent));
  }, null, { timeout: 60_000 });
  assert.equal(await page.locator('#rows-list li .message').count(), 0);
  await context.close();
});

/** Walks the Tab order of the whole page; gives each stop that has no ring to see, or no size. */
async function unseenFocus(page) {
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const bad = [];
  const seen = new Set();
  let last = -1;
  for (let i = 0; i < 400; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''}`;
      // A hidden file picker shows its ring on the button-like label that opens it.
      const shown = el.matches('input[type=file]') ? document.querySelector(`label[for="${el.id}"]`) : el;
      const style = shown && getComputedStyle(shown);
      const ring = style && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
      const box = shown?.getBoundingClientRect();
      const sized = box && box.width >= 4 && box.height >= 4;
      return { name, index: [...document.querySelectorAll('*')].indexOf(el), ok: Boolean(ring && sized),
        why: `${ring ? '' : 'no ring '}${sized ? '' : `no size (${box?.width}×${box?.height})`}` };
    });
    // A date field takes a Tab per part: the same element again is not the way round.
    if (stop?.index === last) continue;
    if (!stop || seen.has(stop.index)) break;
    seen.add(stop.index);
    last = stop.index;
    if (!stop.ok) bad.push(`${stop.name}: ${stop.why}`);
  }
  assert.ok(seen.size > 10, `only ${seen.size} Tab stops`);
  return bad;
}

test('keyboard: everything that takes the focus shows a ring, in the empty, loaded and results views', async () => {
  const { page, context } = await openPage(browser, server.url);
  assert.deepEqual(await unseenFocus(page), [], 'empty view');
  await loadExample(page);
  assert.deepEqual(await unseenFocus(page), [], 'loaded view');
  await mixAndWait(page);
  assert.deepEqual(await unseenFocus(page), [], 'results view');
  await context.close();
});

/** Controls not in reach at this width: each one's box, once scrolled to (down only, never
 * sideways), must lie within the viewport. */
async function outOfReach(page, width) {
  return page.evaluate((w) => [...document.querySelectorAll('button, input, select, textarea')]
    .filter((el) => !el.closest('[hidden]') && !el.matches('.visually-hidden') && el.getClientRects().length)
    .map((el) => {
      window.scrollTo(0, window.scrollY + el.getBoundingClientRect().top - 100);
      const box = el.getBoundingClientRect();
      return box.left < 0 || box.right > w ? `${el.tagName.toLowerCase()}#${el.id}[${el.getAttribute('aria-label') ?? ''}] ${Math.round(box.left)}..${Math.round(box.right)}` : null;
    })
    .filter(Boolean), width);
}

test('at 400 px every control is in reach, the inputs caption reads whole and chart text is readable', async () => {
  const { page, context } = await openPage(browser, server.url, { viewport: { width: 400, height: 800 } });
  await page.screenshot({ path: join(shots, 'narrow-empty.png'), fullPage: true });
  assert.deepEqual(await outOfReach(page, 400), [], 'empty view');
  await loadExample(page);
  await page.screenshot({ path: join(shots, 'narrow-loaded.png'), fullPage: true });
  assert.deepEqual(await outOfReach(page, 400), [], 'loaded view');
  const caption = await page.evaluate(() => {
    const c = document.querySelector('#input-table caption').getBoundingClientRect();
    const region = document.querySelector('#input-table').parentElement.getBoundingClientRect();
    return { left: c.left, right: c.right, regionLeft: region.left, regionRight: region.right };
  });
  assert.ok(caption.left >= caption.regionLeft && caption.right <= caption.regionRight, JSON.stringify(caption));
  await mixAndWait(page);
  await page.screenshot({ path: join(shots, 'narrow-results.png'), fullPage: true });
  assert.deepEqual(await outOfReach(page, 400), [], 'results view');
  // Chart text at its rendered size: the SVG's font size times the scale its viewBox is drawn at.
  const sizes = await page.evaluate(() => [...document.querySelectorAll('#histograms svg')].flatMap((s) => {
    const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    return [...s.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  }));
  assert.ok(sizes.length > 10);
  assert.ok(Math.min(...sizes) >= 11, `chart text as small as ${Math.min(...sizes).toFixed(1)} px`);
  await context.close();
});

test('at 1280 px every placeholder fits its field', async () => {
  const { page, context } = await openPage(browser, server.url, { viewport: { width: 1280, height: 900 } });
  await loadExample(page);
  await mixAndWait(page);
  // Each field's placeholder set as its value, for its width: a value that overflows scrolls.
  const cut = await page.evaluate(() => [...document.querySelectorAll('input[placeholder]')]
    .filter((el) => el.getClientRects().length)
    .map((el) => {
      const { value } = el;
      el.value = el.placeholder;
      const over = el.scrollWidth > el.clientWidth;
      el.value = value;
      return over ? `${el.id || el.getAttribute('aria-label')}: “${el.placeholder}”` : null;
    })
    .filter(Boolean));
  assert.deepEqual(cut, []);
  await context.close();
});

test('a missing generation folder is warned about under Inputs, once, without "Note: warning:"', async () => {
  const inputs = generate(['--raw-docs', '4', '--summaries-per-raw', '6']);
  rmSync(join(inputs, 'document_based_qa'), { recursive: true });
  const { page, context } = await openPage(browser, server.url);
  await page.setInputFiles('#input-folder', inputs);
  await page.waitForFunction(() => /feasible/.test(document.querySelector('#feasibility').textContent), null, { timeout: 60_000 });
  const inputsSection = await page.textContent('section[aria-labelledby=inputs-heading]');
  assert.match(inputsSection, /Warning: no document_based_qa rows: the folder document_based_qa\/ is missing or empty\./);
  assert.doesNotMatch(await page.textContent('body'), /Note: warning|warning: warning/i);
  assert.doesNotMatch(await page.textContent('#feasibility'), /document_based_qa\/ is missing/);
  // The parameters' hints stand in the order of their fields.
  const hints = await page.evaluate(() => [...document.querySelectorAll('#params .hint')].map((p) => p.id));
  assert.deepEqual(hints.filter((id) => id === 'cuts-help' || id === 'gpt-oss-help'), ['cuts-help', 'gpt-oss-help']);
  await context.close();
});
