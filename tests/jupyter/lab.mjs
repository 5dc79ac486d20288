// A real JupyterLab for the notebook tests, from target/jupyter-venv (tools/setup.sh browser), with
// the server's default settings: in particular its 10 MiB cap on a websocket message
// (`websocket_max_message_size`), which the widget must live with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../browser/harness.mjs';

const jupyter = join(root, 'target/jupyter-venv/bin/jupyter-lab');

/** JupyterLab on a free port, serving `dir`, without a token (it listens on localhost only) unless
 * `token` is given, under `baseUrl` (a JupyterHub user server's is `/user/NAME/`). */
export async function startLab(dir, { baseUrl = '/', token = '' } = {}) {
  assert.ok(existsSync(jupyter), 'run tools/setup.sh browser first (it installs JupyterLab into target/jupyter-venv)');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(jupyter, ['--allow-root', '--no-browser', `--port=${port}`, '--ServerApp.ip=127.0.0.1',
    `--ServerApp.token=${token}`, '--ServerApp.password=', `--ServerApp.root_dir=${dir}`, `--ServerApp.base_url=${baseUrl}`,
    '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, JUPYTER_CONFIG_DIR: join(dir, '.jupyter-config') } });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}${baseUrl.replace(/\/$/, '')}`;
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${url}/api/status?token=${token}`).then((r) => r.ok, () => false)) return { url, stop: () => child.kill(), log: () => log };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill();
  throw new Error(`JupyterLab did not start:\n${log}`);
}

/** A notebook of code cells, one per source. */
export function notebook(...sources) {
  return JSON.stringify({
    cells: sources.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `kmix${i}`, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4, nbformat_minor: 5,
  }, null, 1);
}

/** Opens the notebook `name` in JupyterLab and waits for its kernel. */
export async function openNotebook(page, lab, name) {
  await page.goto(`${lab.url}/lab/tree/${name}`);
  await page.waitForSelector('.jp-Notebook .jp-Cell .jp-InputArea-editor', { timeout: 120_000 });
  await page.waitForFunction(() => /Idle/.test(document.querySelector('.jp-StatusBar-Component, #jp-main-statusbar')?.textContent ?? ''), null, { timeout: 120_000 });
}

/** Runs the notebook's cell `index` (from 0). */
export async function runCell(page, index = 0) {
  await page.locator('.jp-Notebook .jp-Cell').nth(index).locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Shift+Enter');
}

/** Lets `context`'s pages reach JupyterLab's server alone, as a person's browser reaches a remote
 * workbench; returns the list of the other URLs they asked for (refused). */
export async function onlyLab(context, lab) {
  const { origin } = new URL(lab.url);
  const refused = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  return refused;
}
