// The page's side of the benchmark (called by tools/bench.py): a full mix in headless Chromium
// through the real page, then the bare tokenizer on the same rendered texts with as many workers.
//   node tools/bench-page.mjs INPUT_DIR MIX_FILE            -> one line of JSON: times, outputs' SHA-256s
//   node tools/bench-page.mjs INPUT_DIR MIX_FILE --memory   -> the same mix, its peak memory
//   node tools/bench-page.mjs INPUT_DIR MIX_FILE --workers=N -> the mix alone, on a pool of N (?workers=N)
// Memory is sampled in a run of its own: reading the browser processes' PSS walks their page
// tables, 50 to 150 ms of a core per sample on this 2-core machine, which would slow what is timed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root, serve, chromiumArgs } from '../tests/browser/harness.mjs';

const [inputs, mixFile, mode = ''] = process.argv.slice(2);
const sampling = mode === '--memory';
const workers = mode.match(/^--workers=(\d+)$/)?.[1];

// The page and the baseline, served side by side from one origin.
const site = mkdtempSync(join(tmpdir(), 'kmix-bench-site-'));
for (const name of readdirSync(join(root, 'www'))) symlinkSync(join(root, 'www', name), join(site, name));
for (const name of ['bench.html', 'bench.js', 'bench-worker.js']) copyFileSync(join(root, 'tools/bench-page', name), join(site, name));

/** Peak memory of this run's Chromium processes: the sum of their proportional set sizes (PSS, so
 * that pages shared between them count once), sampled as it goes. */
function memorySampler() {
  let peak = 0;
  const sample = () => {
    const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const pids = ps.split('\n').filter((l) => l.includes('playwright_chromiumdev_profile')).map((l) => l.trim().split(/\s+/)[0]);
    let kb = 0;
    for (const pid of pids) {
      try {
        kb += Number(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+)/m)?.[1] ?? 0);
      } catch {
        // The process ended between ps and the read.
      }
    }
    peak = Math.max(peak, kb * 1024);
  };
  const timer = setInterval(sample, 250);
  return () => { clearInterval(timer); sample(); return peak; };
}

/**
 * Runs in the page: notes, on the page's own clock, when it is handed the picked files, when Mix
 * can be pressed, when it is pressed, when the results are on screen (the frame after they are
 * shown) and when the manifest is offered (its checksums complete it after the results).
 * Playwright's own round trips (handing over the files, checking the button can be clicked,
 * polling for the results) are not the page's work: they take 0.1 to 0.5 s of each step here.
 */
function watchThePage() {
  const times = (window.kmixBench = {});
  const at = (name) => { times[name] ??= performance.now(); };
  document.getElementById('input-folder').addEventListener('change', () => at('picked'), { capture: true });
  const mix = document.getElementById('mix');
  new MutationObserver(() => times.picked && !mix.disabled && at('indexed'))
    .observe(mix, { attributes: true, attributeFilter: ['disabled'] });
  mix.addEventListener('click', () => at('clicked'), { capture: true });
  const results = document.getElementById('results');
  new MutationObserver(() => {
    if (!times.clicked || results.hidden || times.shown) return;
    at('shown');
    requestAnimationFrame(() => setTimeout(() => at('painted')));
  }).observe(results, { attributes: true, attributeFilter: ['hidden'] });
  new MutationObserver(() => times.clicked && document.querySelector('#downloads a[download="manifest.json"]') && at('manifested'))
    .observe(document.getElementById('downloads'), { childList: true, subtree: true });
}

const server = await serve(site);
// A persistent profile, as people have: in a throwaway (incognito-like) context Chromium keeps the
// origin-private file system, where the page writes its outputs, in memory.
const profile = mkdtempSync(join(tmpdir(), 'playwright_chromiumdev_profile-kmix-bench-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs, acceptDownloads: true,
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}${workers ? `?workers=${workers}` : ''}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.evaluate(watchThePage);
  const stopSampling = sampling ? memorySampler() : () => null;
  const picked = Date.now();
  await page.setInputFiles('#input-folder', inputs);
  await page.waitForFunction(() => !document.querySelector('#mix').disabled, null, { timeout: 3_600_000 });
  const harnessReadSeconds = (Date.now() - picked) / 1000;
  const afterReading = stopSampling();
  const sampleMix = sampling ? memorySampler() : () => null;
  await page.selectOption('#tokenizer-select', 'llama3_1');
  await page.waitForFunction(() => document.querySelector('#tokenizer-status').textContent.includes('Tokenizer: '), null, { timeout: 120_000 });
  await page.fill('input[name=cuts]', '5, 10');
  await page.waitForTimeout(400); // the feasibility check the form triggers
  const started = Date.now();
  await page.click('#mix');
  await page.waitForSelector('#results:not([hidden])', { timeout: 3_600_000 });
  const harnessMixSeconds = (Date.now() - started) / 1000;
  const { readSeconds, mixSeconds, manifestSeconds } = await page.waitForFunction(() => window.kmixBench.painted
    && window.kmixBench.manifested && {
    readSeconds: (window.kmixBench.indexed - window.kmixBench.picked) / 1000,
    mixSeconds: (window.kmixBench.painted - window.kmixBench.clicked) / 1000,
    manifestSeconds: (window.kmixBench.manifested - window.kmixBench.clicked) / 1000,
  }, null, { timeout: 3_600_000 }).then((handle) => handle.jsonValue());
  // The outputs' checksums as the page's manifest gives them, to hold against the CLI's.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a[download="manifest.json"]')]);
  const outputs = JSON.parse(readFileSync(await download.path(), 'utf8')).outputs
    .map((o) => ({ file_name: o.file_name, sha256: o.sha256 }));
  const summary = await page.textContent('#results-summary');
  const browserRss = sampleMix();
  const [, pool, amount, unit] = summary.match(/on (\d+) processing workers? \(besides the coordinator[^)]*\), using ([\d.]+) (kB|MB|GB)/);
  const wasmBytes = Number(amount) * { kB: 1e3, MB: 1e6, GB: 1e9 }[unit];
  const times = { readSeconds, mixSeconds, manifestSeconds, harnessReadSeconds, harnessMixSeconds, pool: Number(pool), wasmBytes, outputs };
  if (sampling) {
    console.log(JSON.stringify({ afterReading, browserRss, wasmBytes }));
  } else if (workers) {
    console.log(JSON.stringify(times));
  } else {
    const bench = await browser.newPage();
    await bench.goto(`${server.url}bench.html`);
    await bench.waitForSelector('body[data-ready=true]');
    await bench.setInputFiles('#mix', mixFile);
    const bare = await bench.evaluate((n) => window.bareTokenizer('llama3_1', n), times.pool);
    console.log(JSON.stringify({ ...times, bare }));
  }
} finally {
  await browser.close();
  server.stop();
  // The profile holds the mixes the page wrote (its origin-private file system).
  rmSync(profile, { recursive: true, force: true });
  rmSync(site, { recursive: true, force: true });
}
