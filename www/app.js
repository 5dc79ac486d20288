// The page: wires the drop zones, the parameter form and the results to the core's worker.
// The main thread only renders; all parsing, sampling and tokenizing happen in the worker.
import { CoreBridge } from './bridge.js';
import { attachDropZone, pickedFiles } from './dropzone.js';
import { readParams, writeParams, markInvalid, onParamsChange } from './params.js';
import { renderInputs, renderInputWarnings, renderFeasibility, renderReport, renderHistograms } from './results.js';
import { renderRowBrowser } from './rows.js';
import { renderDownloads, withdrawDownloads, keptNote } from './downloads.js';
import { holdRunFolder, removeLeftovers } from './storage.js';
import { listenToParent } from './embed.js';
import { Blend, renderBlends } from './blend.js';
import { errorText, formatBytes, formatInt } from './dom.js';
import { keepForOffline } from './offline.js';
import { keptTokenizers, keepTokenizer, forgetTokenizers } from './remembered.js';
import { byKey } from './model-files.js';

const $ = (id) => document.getElementById(id);
const form = $('params');
// `?workers=N` caps the processor pool, say in a shared JupyterLab; by default one per core.
const core = new CoreBridge(Number(new URLSearchParams(location.search).get('workers')) || undefined);
const state = {
  inputsReady: false, reading: false, tokenizer: null, tokenizerFailed: false, running: false, served: [],
  leftOut: new Set(),
  planProblem: null, // why the form or the datasets cannot be mixed as they are (checked as typed)
  shownFor: null, // what the results on screen were made from (see `runSettings`); new inputs clear them
  stored: null, // the folder holding the mixes on screen (storage.js), while they are kept
};
const blend = new Blend({
  table: $('blend-table'), status: $('blend-status'), error: $('blend-error'), note: $('blend-note'),
  budget: $('blend-budget'), shares: $('blend-shares'), maxSeqLen: $('max-seq-len'), trainerCount: $('trainer-count'), dropOver: $('drop-over-length'),
}, core, () => setInputs(core.lastInputs(), [...state.leftOut]), () => planSoon());

function say(id, text, isError = false) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', isError);
}

function updateButtons() {
  $('mix').disabled = !state.inputsReady || state.running || state.tokenizerFailed || Boolean(state.planProblem);
  $('cancel').hidden = !state.running;
  // Say why Mix cannot be pressed, where it cannot.
  say('mix-why', state.running ? 'Mixing…'
    : state.reading ? 'Reading the input files…'
      : !state.inputsReady ? 'Add input files first (step 1), or try the example.'
        : state.tokenizerFailed ? 'The tokenizer chosen did not load (step 2): pick another, or none to mix without token counts.'
          : state.planProblem ?? '');
}

/** What a run is made from besides its inputs (new inputs clear the results): the tokenizer and
 * the date templates see, and every parameter; results made from other settings no longer apply. */
function runSettings() {
  return {
    tokenizer: state.tokenizer ? `${state.tokenizer} (${$('template-date').value})` : null,
    params: JSON.stringify([mixParams(), blend.form()]),
  };
}

/** Removes the results of an earlier run, so that none can be taken for the next one's. */
function clearResults() {
  removeResults('');
  state.shownFor = null;
  $('results').hidden = true;
  $('results').classList.remove('is-stale');
  for (const id of ['downloads', 'report', 'blends', 'histograms', 'rows']) $(id).replaceChildren();
  $('progress').hidden = true;
  $('run-error').hidden = true;
}

/** Removes the mixes on screen from the browser's storage (their downloads and rows go with them),
 * then says `why` beside the results. Never throws: what stays is removed when kmix next opens. */
async function removeResults(why) {
  const { stored } = state;
  if (!stored) return;
  state.stored = null;
  withdrawDownloads($('downloads'));
  $('rows').replaceChildren();
  core.forgetRun().catch(() => {});
  $('remove-results').hidden = true;
  say('kept-text', 'Removing the mixes from this browser\'s storage…');
  const failed = await stored.remove().then(() => null, (e) => e);
  if (state.stored) return; // a new run's results are shown by now
  say('kept-text', failed ? `The mixes could not be removed now (${errorText(failed)}): the next kmix page to open removes them.` : why, Boolean(failed));
}

/** Marks the results on screen when the tokenizer or parameters have changed since they were
 * made (the downloads stay, labelled as the earlier run's). */
function markStale() {
  if (!state.shownFor) return;
  const now = runSettings();
  const changed = [
    now.tokenizer !== state.shownFor.tokenizer && 'the tokenizer',
    now.params !== state.shownFor.params && 'the parameters',
  ].filter(Boolean);
  $('results').classList.toggle('is-stale', changed.length > 0);
  $('results-stale').hidden = changed.length === 0;
  say('results-stale', `These results are from an earlier run: ${changed.join(' and ')} changed since. `
    + 'Mix again for results that match the form.');
}

// ---- inputs ----

/** `chosen`: {files: [{path, blob}], roots: names of the folders and files chosen}; `leftOut`:
 * the inputs to leave out of the mix at first (the table's checkboxes change it). */
async function setInputs(chosen, leftOut = []) {
  const { files } = chosen;
  if (files.length === 0) return;
  state.inputsReady = false;
  state.reading = true;
  state.leftOut = new Set(leftOut);
  // What was shown for the earlier inputs no longer applies, whether or not these load.
  clearResults();
  $('input-table').hidden = true;
  $('feasibility').replaceChildren();
  renderInputWarnings($('input-warnings'), null);
  updateButtons();
  const total = files.reduce((n, f) => n + f.blob.size, 0);
  say('input-status', `Reading ${files.length} files (${formatBytes(total)})…`);
  try {
    const summary = await core.loadInputs(chosen, $('skip-bad-rows').checked, blend.datasets, (p) =>
      say('input-status', `Reading ${files.length} files… ${Math.round((100 * p.done) / Math.max(p.total, 1))}%`));
    renderInputs($('input-table'), summary, state.leftOut, refreshPlan);
    blend.setRead(summary.files);
    // The rows are the knowledge inputs', so the files counted with them are too: datasets apart.
    const ignored = summary.files.filter((f) => f.ignored).length;
    const datasets = summary.files.filter((f) => !f.ignored && f.dataset);
    const used = summary.files.length - ignored - datasets.length;
    const blended = datasets.length ? `; ${datasets.length} dataset${datasets.length === 1 ? '' : 's'} to blend (${formatInt(datasets.reduce((n, f) => n + f.rows, 0))} rows)` : '';
    const bad = summary.bad_rows.count ? `; ${summary.bad_rows.count} bad rows skipped` : '';
    const nulls = summary.files.reduce((n, f) => n + (f.null_responses ?? 0), 0);
    const kept = nulls ? `; ${formatInt(nulls)} rows with a null response kept (null content, as the notebook keeps them)` : '';
    say('input-status', `${formatInt(summary.rows)} rows from ${used} files${ignored ? `, ${ignored} ignored` : ''}${blended}${bad}${kept}.`);
    state.inputsReady = true;
    await refreshPlan();
  } catch (e) {
    if (e?.kind !== 'cancelled') say('input-status', errorText(e), true);
  }
  state.reading = false;
  updateButtons();
}

async function tryExample() {
  say('input-status', 'Loading the example…');
  try {
    const index = await (await fetch('example.json')).json();
    const files = await Promise.all(index.files.map(async (path) => ({
      path, blob: await (await fetch(`example/${path}`)).blob(),
    })));
    if (index.params) writeParams(form, index.params);
    blend.clear();
    if (index.blend) {
      await blend.add(await Promise.all(index.blend.map(async (path) => ({
        path, blob: await (await fetch(`example-blend/${path}`)).blob(),
      }))));
    }
    if (!state.tokenizer && state.served.some((t) => t.name === index.tokenizer)) {
      $('tokenizer-select').value = index.tokenizer;
      await setServedTokenizer(index.tokenizer);
    }
    await setInputs({ files, roots: ['example'] });
    const changed = [index.params && `cuts ${index.params.cuts}, ${index.params.qa_per_doc} Q&A per augmentation, seed ${index.params.seed}`,
      state.tokenizer === index.tokenizer && `the ${index.tokenizer} tokenizer`,
      index.blend && `a blend with ${index.blend.join(' and ')}`].filter(Boolean);
    if (state.inputsReady) say('input-status', `${$('input-status').textContent} The example set ${changed.join('; ')}.`);
  } catch (e) {
    say('input-status', `Could not load the example: ${errorText(e)}`, true);
  }
}

// ---- tokenizer ----

async function loadServedList() {
  try {
    const response = await fetch('tokenizers/index.json');
    if (!response.ok) return;
    state.served = await response.json();
    for (const t of state.served) $('tokenizer-select').append(new Option(t.label ?? t.name, t.name));
  } catch {
    // No served tokenizers: people can still drop their own.
  }
}

function servedFiles(name) {
  const entry = state.served.find((t) => t.name === name);
  if (!entry) {
    const names = state.served.map((t) => t.name).join(', ') || 'none';
    const text = `This page serves no tokenizer named "${name}" (it serves: ${names}); pick one of those, or give the tokenizer's files.`;
    throw { kind: 'tokenizer', message: text, text, field: 'tokenizer' };
  }
  const url = (file) => (entry.files.includes(file) ? `tokenizers/${name}/${file}` : undefined);
  return byKey(url);
}

/** Local date, as `YYYY-MM-DD`. */
const localDate = (d = new Date()) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

/** What templates see as now: local wall-clock time today (as transformers has it), or midnight
 * of the date pinned in the field; as milliseconds of local time since 1970. */
function templateNow() {
  const pinned = $('template-date').value;
  const now = new Date();
  if (!pinned || pinned === localDate(now)) return now.getTime() - now.getTimezoneOffset() * 60_000;
  return Date.parse(`${pinned}T00:00:00Z`);
}

async function useTokenizer(name, files) {
  say('tokenizer-status', `Loading the tokenizer ${name}…`);
  state.source = files ? { name, files } : null;
  try {
    if (files) await core.loadTokenizer(name, files, templateNow());
    else await core.clearTokenizer();
    state.tokenizer = files ? name : null;
    state.tokenizerFailed = false;
    say('tokenizer-status', files ? `Tokenizer: ${name}. Token counts will match Python transformers.` : 'No tokenizer: token counts are off.');
  } catch (e) {
    state.tokenizer = null;
    // Not silently a mix without token counts: Mix waits for a tokenizer that loads, or none.
    state.tokenizerFailed = true;
    say('tokenizer-status', errorText(e), true);
  }
  updateButtons();
  markStale();
}

const KEPT = 'kept:';

/** Picks a served tokenizer, one kept in this browser (`kept:NAME`), or none (''). */
async function setServedTokenizer(value) {
  if (value.startsWith(KEPT)) {
    const kept = (await keptTokenizers()).find((t) => t.name === value.slice(KEPT.length));
    return useTokenizer(kept.name, kept.files);
  }
  return useTokenizer(value || 'none', value ? servedFiles(value) : null);
}

/** Lists the tokenizers kept in this browser in the picker. */
async function listKept() {
  const kept = await keptTokenizers().catch(() => []);
  $('kept-tokenizers').replaceChildren(...kept.map((t) => new Option(`${t.name} (kept in this browser)`, KEPT + t.name)));
  $('kept-tokenizers').hidden = kept.length === 0;
  $('forget-tokenizers').hidden = kept.length === 0;
}

async function setTokenizerFiles({ files }) {
  const byName = (n) => files.find((f) => f.path.split('/').pop() === n)?.blob;
  const chosen = byKey(byName);
  if (!chosen.tokenizer_json) {
    say('tokenizer-status', 'No tokenizer.json among the files given: drop tokenizer.json (and tokenizer_config.json).', true);
    return;
  }
  const folder = files.find((f) => f.path.endsWith('tokenizer.json')).path.split('/').slice(-2, -1)[0];
  const name = folder || 'custom tokenizer';
  $('tokenizer-select').value = '';
  await useTokenizer(name, chosen);
  if (state.tokenizer === name && $('keep-tokenizer').checked) {
    await keepTokenizer(name, chosen);
    await listKept();
    $('tokenizer-select').value = KEPT + name;
    say('tokenizer-status', `${$('tokenizer-status').textContent} Kept in this browser for offline use.`);
  }
}

// ---- plan, run, results ----

async function refreshPlan() {
  if (!state.inputsReady) return;
  try {
    blend.raftRows = Boolean(readParams(form).raft);
    const planned = await core.plan(mixParams(), blend.form());
    markInvalid(form, null);
    renderFeasibility($('feasibility'), planned.mix);
    renderInputWarnings($('input-warnings'), planned.mix);
    blend.render(planned.blend, planned.blendError);
    state.planProblem = planned.blendError ? `Step 4, the blend: ${errorText(planned.blendError)}` : blend.problem();
    markStale();
  } catch (e) {
    if (e?.kind === 'cancelled') return;
    markInvalid(form, e?.field);
    $('feasibility').replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: errorText(e) }));
    blend.render(null, null);
    state.planProblem = `Step 3, the parameters: ${errorText(e)}`;
    markStale();
  }
  updateButtons();
}

function progressReporter() {
  const phaseStart = {};
  return (p) => {
    const now = performance.now();
    phaseStart[p.phase] ??= { at: now, done: p.done };
    const fraction = p.total ? p.done / p.total : 0;
    $('progress-bar').value = fraction;
    let text;
    if (p.phase === 'counting') {
      const seconds = (now - phaseStart.counting.at) / 1000;
      const rate = seconds > 0.2 ? (p.done - phaseStart.counting.done) / seconds : 0;
      const left = rate ? Math.ceil((p.total - p.done) / rate) : null;
      text = `Counting tokens: ${formatInt(p.done)} of ${formatInt(p.total)} rows (${Math.round(fraction * 100)}%)`
        + (rate ? ` — ${formatInt(Math.round(rate))} rows/s, about ${left} s left` : '');
    } else if (p.phase === 'writing') {
      text = `Writing mix ${p.done + 1} of ${p.total}…`;
    } else {
      text = `Reading files… ${Math.round(fraction * 100)}%`;
    }
    say('progress-text', text);
  };
}

/** The form's parameters, and the inputs the person left out in the table. */
const mixParams = () => ({ ...readParams(form), leave_out: [...state.leftOut] });

let planTimer;
function planSoon() {
  clearTimeout(planTimer);
  planTimer = setTimeout(refreshPlan, 250);
}

/** `embedded`: the host asked for this mix; the page then leaves the focus where the person is. */
async function runMix(params = mixParams(), onProgress = () => {}, embedded = false) {
  state.running = true;
  updateButtons();
  $('run-error').hidden = true;
  $('progress').hidden = false;
  $('progress-bar').value = 0;
  say('progress-text', 'Starting…');
  const report = progressReporter();
  const started = performance.now();
  const settings = runSettings();
  let folder = null;
  try {
    folder = await holdRunFolder();
    const holdout = [...$('holdout-files').files].map((blob) => ({ path: blob.name, blob }));
    const result = await core.run(params, blend.form(), folder.name, (p) => { report(p); onProgress(p); }, holdout);
    // The mixes are there to use now; their checksums complete the manifest a moment later.
    result.manifest = core.manifest(result.run);
    result.manifest.catch(() => {}); // said where the manifest is offered
    state.shownFor = settings;
    const earlier = state.stored;
    state.stored = folder;
    earlier?.remove().catch(() => {}); // its results are replaced now; what fails goes when kmix next opens
    showResults(result, (performance.now() - started) / 1000, !embedded);
    say('progress-text', 'Done.');
    $('progress-bar').value = 1;
    return result;
  } catch (e) {
    await undoRun(folder, e);
    if (e?.kind !== 'cancelled') {
      $('run-error').textContent = errorText(e);
      $('run-error').hidden = false;
      $('progress').hidden = true;
    }
    throw e;
  } finally {
    state.running = false;
    updateButtons();
  }
}

/** A cancelled or failed run leaves nothing: its folder is removed (Cancel ended the worker that
 * wrote it) before the page says so. */
async function undoRun(folder, e) {
  const cancelled = e?.kind === 'cancelled';
  if (cancelled) say('progress-text', 'Cancelling: removing what the run had written…');
  const failed = await folder?.remove().then(() => null, (err) => err);
  if (!cancelled) return;
  say('progress-text', failed
    ? `Cancelled, but what the run had written could not be removed now (${errorText(failed)}): the next kmix page to open removes it.`
    : 'Cancelled. What the run had written is removed: nothing is kept.', Boolean(failed));
}

/** The rows the chat template could not render, left out as "Skip bad rows" asks, by reason. */
function refusedText(refused) {
  if (!refused.count) return '';
  const reasons = refused.reasons.map((r) => `${r.reason}: ${formatInt(r.rows)}`).join('; ');
  return ` Left out ${formatInt(refused.count)} row${refused.count === 1 ? '' : 's'} the chat template cannot render (${reasons}), e.g. ${refused.examples[0].text}.`;
}

/** Rows that leak the held-out files (`output::Contamination`), found or left out. */
function leaksText(found) {
  if (!found) return '';
  const named = found.examples.map((r) => `${r.file}:${r.line} “${r.question}” (${r.how === 'equal_question' ? 'equal question' : `its ${r.how.shared_ngram.field} shares 13 words`} with ${r.held_out_file}${r.held_out_line ? `:${r.held_out_line}` : ''})`);
  return ` ${found.dropped ? 'Left out' : 'Found'} ${formatInt(found.rows)} training row${found.rows === 1 ? '' : 's'} that leak the held-out questions of ${found.held_out.map((f) => f.path).join(', ')}${named.length ? `, e.g. ${named.join('; ')}` : ''}.`;
}

/** How the RAFT rows were made (`output::RaftReport`), per cut. */
function raftText(raft) {
  if (!raft) return '';
  const { style, passages, p_oracle: p } = raft.params;
  const cuts = raft.cuts.map((c) => `cut ${c.cut}: ${formatInt(c.rows)} rows, ${formatInt(c.with_oracle)} with the oracle (${(100 * c.with_oracle / Math.max(1, c.rows)).toFixed(1)}%), distractors ${formatInt(c.retrieved_distractors)} retrieved and ${formatInt(c.random_distractors)} at random`);
  return ` RAFT rows (${style}, ${passages} passages, the oracle with probability ${p}, over ${formatInt(raft.documents)} source chunks): ${cuts.join('; ')}.`;
}

function showResults(result, seconds, focus) {
  const { outcome } = result;
  const textBlob = (t) => new Blob([t.text], { type: t.name.endsWith('.json') ? 'application/json' : 'application/yaml' });
  const files = [
    ...result.files,
    ...outcome.files_after_lines.map((t) => ({ name: t.name, blob: textBlob(t) })),
    { name: outcome.manifest_file_name, blob: result.manifest.then(textBlob), making: 'checksums being computed' },
  ];
  const { pool, hashers } = result.memory;
  const mixed = outcome.reports.map((r) => r.cut);
  const skipped = outcome.mix.cuts.filter((c) => !c.feasible);
  $('results').hidden = false;
  $('results').classList.remove('is-stale');
  $('results-stale').hidden = true;
  $('results-summary').textContent = `Mixed cut${mixed.length === 1 ? '' : 's'} ${mixed.join(', ')} in ${seconds.toFixed(1)} s`
    + (result.tokenizer ? ` with the ${result.tokenizer} tokenizer` : ' without a tokenizer (no token counts)')
    + ` on ${pool} processing worker${pool === 1 ? '' : 's'} (besides the coordinator${hashers ? ` and ${hashers} hashing worker${hashers === 1 ? '' : 's'}` : ''}), using ${formatBytes(result.memory.bytes)} of memory at most.`
    + skipped.map((c) => ` Skipped cut ${c.cut}: ${c.reason}.`).join('')
    + refusedText(outcome.refused_rows)
    + leaksText(outcome.contamination)
    + raftText(outcome.raft);
  renderDownloads($('downloads'), files, (text) => { $('results-summary').textContent = text; });
  say('kept-text', keptNote(result.files.reduce((n, f) => n + f.blob.size, 0), result.kept));
  $('remove-results').hidden = false;
  renderReport($('report'), outcome.reports, Boolean(outcome.tokenizer));
  renderBlends($('blends'), outcome.blends, outcome.reports);
  renderHistograms($('histograms'), outcome.histograms);
  renderRowBrowser($('rows'), result.files.map((f) => f.name), core, Boolean(result.tokenizer));
  renderFeasibility($('feasibility'), outcome.mix);
  $('results-heading').scrollIntoView({ block: 'start' });
  // Keyboard and screen reader users land on the results.
  if (focus) $('results-heading').focus({ preventScroll: true });
}

// ---- embedding ----

async function embeddedRequest(request, onProgress) {
  if (request.params?.date) $('template-date').value = request.params.date;
  const toBlob = (data) => (data instanceof Blob ? data : new Blob([data]));
  const t = request.tokenizer;
  if (t?.files) {
    await useTokenizer(t.name ?? 'custom tokenizer', Object.fromEntries(
      Object.entries(t.files).filter(([, v]) => v).map(([k, v]) => [k, toBlob(v)])));
  } else if (t?.name) {
    $('tokenizer-select').value = t.name;
    await setServedTokenizer(t.name);
  }
  if (request.params) writeParams(form, request.params);
  blend.clear();
  blend.setFields(request.blend ?? {});
  if (request.datasets?.length) await blend.add(request.datasets.map((f) => ({ path: f.path, blob: toBlob(f.data) })));
  const files = request.files.map((f) => ({ path: f.path, blob: toBlob(f.data) }));
  await setInputs({ files, roots: request.roots ?? [] }, request.params?.leave_out ?? []);
  if (!state.inputsReady) throw { text: $('input-status').textContent };
  return runMix(mixParams(), onProgress, true);
}

/** Runs `task` once the page has read and mixed nothing for two seconds: the service worker's
 * first install fetches and stores the page, the wasm and a tokenizer (15 MB), which competed
 * with a first read of the inputs for the two cores (0.1 to 0.2 s of 0.9 s on 150 MB). */
function whenIdle(task) {
  let quiet = 0;
  const timer = setInterval(() => {
    quiet = state.reading || state.running ? 0 : quiet + 1;
    if (quiet < 4) return;
    clearInterval(timer);
    task();
  }, 500);
}

// ---- wiring ----

attachDropZone($('input-drop'), $('input-files'), setInputs);
$('input-files').addEventListener('change', (e) => setInputs(pickedFiles(e.target)));
$('input-folder').addEventListener('change', (e) => setInputs(pickedFiles(e.target)));
$('try-example').addEventListener('click', tryExample);
attachDropZone($('blend-drop'), $('blend-files'), ({ files }) => blend.add(files));
$('holdout-choose').addEventListener('click', () => $('holdout-files').click());
$('holdout-files').addEventListener('change', (e) => {
  const names = [...e.target.files].map((f) => f.name);
  say('holdout-chosen', names.length ? names.join(', ') : 'none');
});
$('blend-files').addEventListener('change', (e) => blend.add(pickedFiles(e.target).files));
$('skip-bad-rows').addEventListener('change', () => setInputs(core.lastInputs()));
attachDropZone($('tokenizer-drop'), $('tokenizer-files'), setTokenizerFiles);
$('tokenizer-files').addEventListener('change', (e) => setTokenizerFiles(pickedFiles(e.target)));
$('tokenizer-select').addEventListener('change', (e) => setServedTokenizer(e.target.value));
$('forget-tokenizers').addEventListener('click', async () => {
  await forgetTokenizers();
  await listKept();
  say('tokenizer-status', 'The kept tokenizer files are removed from this browser.');
});
$('template-date').value = localDate();
$('template-date').addEventListener('change', () => {
  if (!$('template-date').value) $('template-date').value = localDate();
  if (state.source) useTokenizer(state.source.name, state.source.files);
});
onParamsChange(form, refreshPlan);
$('mix').addEventListener('click', () => runMix().catch(() => {}));
// Enter in a field of the parameters or the blend mixes, as a form's submit would.
for (const fields of [form, $('blend-budget').closest('.params')]) {
  fields.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.target.type === 'checkbox' || !e.target.matches('input')) return;
    e.preventDefault();
    if (!$('mix').disabled) runMix().catch(() => {});
  });
}
$('cancel').addEventListener('click', () => core.cancel());
$('remove-results').addEventListener('click', () => {
  $('results-heading').focus(); // the button goes: the focus stays in the results
  removeResults('The mixes are removed from this browser\'s storage: mix again to make them anew.');
});
// What earlier visits left and no open tab shows goes as the page opens.
const leftovers = removeLeftovers().then((bytes) => {
  if (bytes) say('storage-status', `Removed ${formatBytes(bytes)} of mixes an earlier visit left in this browser's storage.`);
}, (e) => say('storage-status', `Could not remove the mixes an earlier visit left: ${errorText(e)}`, true));
await loadServedList();
await listKept();
await leftovers;
updateButtons();
whenIdle(() => keepForOffline({ status: $('offline-status'), update: $('update'), reload: $('reload') }));
listenToParent(embeddedRequest, () => removeResults('The mixes were handed to the page that embeds kmix, and removed from this browser\'s storage.'));
document.body.dataset.ready = 'true';
