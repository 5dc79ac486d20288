// Shared set-up for the browser tests: a static server for www/ (tools/serve.py), Debian's
// headless Chromium driven by playwright-core, a request log, and the CLI for reference outputs.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const root = new URL('../..', import.meta.url).pathname;

/** Starts tools/serve.py on a free port serving `dir`; resolves to {url, stop}. */
export function serve(dir = join(root, 'www')) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn('python3', [join(root, 'tools/serve.py'), '--port', String(port), '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    createInterface({ input: child.stdout }).once('line', (line) => {
      const url = line.match(/http:\/\/\S+/)[0];
      resolve({ url, stop: () => child.kill() });
    });
  });
}

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
}

/** A page that records every request it and its workers make, and every console error. */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), hasBody: Boolean(r.postData()) }));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  return { page, context, requests, problems };
}

/** Runs the kmix CLI (debug build, made by `cargo test`) into a fresh folder; returns it. */
export function cliMix(inputs, args) {
  const out = mkdtempSync(join(tmpdir(), 'kmix-cli-'));
  execFileSync(join(root, 'target/debug/kmix'), [inputs, ...args, '--out', out, '--quiet'], { stdio: 'ignore' });
  return out;
}

export function generate(args) {
  const out = join(mkdtempSync(join(tmpdir(), 'kmix-gen-')), 'gen');
  execFileSync('python3', [join(root, 'tools/gen_step03.py'), '--out', out, ...args], { stdio: 'ignore' });
  return out;
}

/** A bare static server for test fixtures (another origin than the page's, no CSP). */
export function serveFixtures(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html');
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'content-type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close(),
  })));
}

/** What the page's origin keeps in the browser: the names at the top of its private file system,
 * the files under kmix-outputs/ ({path: bytes}), and the bytes `navigator.storage.estimate()` counts. */
export function keptInBrowser(page) {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const top = [];
    for await (const name of root.keys()) top.push(name);
    const files = {};
    const walk = async (dir, prefix) => {
      for await (const [name, handle] of dir.entries()) {
        if (handle.kind === 'file') files[prefix + name] = (await handle.getFile()).size;
        else await walk(handle, `${prefix}${name}/`);
      }
    };
    const outputs = await root.getDirectoryHandle('kmix-outputs').catch(() => null);
    if (outputs) await walk(outputs, 'kmix-outputs/');
    return { top, files, usage: (await navigator.storage.estimate()).usage };
  });
}

/** Waits until the page's Mix can be pressed (inputs read, form checked) or says why it cannot. */
export async function mixReadyOrWhy(page) {
  await page.waitForFunction(() => !document.querySelector('#mix').disabled
    || document.querySelector('#input-status').classList.contains('error')
    || /^Step \d|cannot be read/.test(document.querySelector('#mix-why').textContent), null, { timeout: 60_000 });
}

/** Every file the page offers, downloaded through its link once every file is made (the manifest
 * waits for the mixes' checksums): {name: Buffer}. */
export async function downloadOffered(page) {
  const { readFileSync } = await import('node:fs');
  await page.waitForFunction(() => !document.querySelector('#downloads [aria-busy=true]'), null, { timeout: 300_000 });
  const files = {};
  for (const link of await page.locator('#downloads a[download]').all()) {
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    files[download.suggestedFilename()] = readFileSync(await download.path());
  }
  return files;
}
