// The Blend step: chat datasets beside the knowledge mix, each with a size (rows, a ratio or
// tokens), or a token budget with shares; a recipe YAML fills the table; the trainer's maximum
// sequence length. The page only collects what is typed: the core checks and sizes it all.
import { h, scrollable, formatInt, errorText } from './dom.js';

const RECIPE = /\.ya?ml$/i;
const RAFT = 'raft';
const name = (path) => path.split('/').pop();

export class Blend {
  /** `els`: the section's elements; `core`: the bridge (for recipes); `onChange()`: the datasets
   * changed (the inputs are read again); `onSizes()`: a size or field changed (plan again). */
  constructor(els, core, onChange, onSizes) {
    Object.assign(this, { els, core, onChange, onSizes });
    this.datasets = []; // [{path: file name, blob}]
    this.sizes = new Map(); // source name -> size as typed
    this.sysPrompt = null;
    this.missing = []; // datasets a recipe names that were not given
    this.preview = null;
    this.unreadable = new Map(); // dataset name -> why it cannot be read (its rows are none)
    this.raftRows = false; // RAFT rows are made (step 3): they may be a source, once sized
    for (const field of [els.budget, els.shares, els.maxSeqLen, els.trainerCount, els.dropOver]) field.addEventListener('input', () => onSizes());
  }

  /** Files dropped or picked: datasets are added (a file of the same name replaces the old one);
   * a recipe sets the sizes of what it names. */
  async add(files) {
    for (const f of files.filter((f) => RECIPE.test(f.path))) {
      try {
        const recipe = await this.core.parseRecipe(await f.blob.text(), name(f.path));
        for (const d of recipe.datasets) this.sizes.set(d.knowledge ? 'knowledge' : d.raft ? RAFT : d.name, d.size);
        this.sysPrompt = recipe.sys_prompt;
        this.missing = recipe.datasets.filter((d) => !d.knowledge && !d.raft).map((d) => d.name);
      } catch (e) {
        this.say(errorText(e), true);
        return;
      }
    }
    for (const f of files.filter((f) => !RECIPE.test(f.path))) {
      this.datasets = this.datasets.filter((d) => d.path !== name(f.path));
      this.datasets.push({ path: name(f.path), blob: f.blob });
    }
    this.missing = this.missing.filter((m) => !this.datasets.some((d) => d.path === m));
    this.say(this.missing.length ? `The recipe also names ${this.missing.join(', ')}: add ${this.missing.length > 1 ? 'them' : 'it'} here too.` : '');
    await this.onChange();
  }

  remove(path) {
    this.datasets = this.datasets.filter((d) => d.path !== path);
    this.sizes.delete(path);
    this.unreadable.delete(path);
    this.onChange();
  }

  /** Sets the fields from a `BlendForm` (an embedding page's request). */
  setFields({ sizes = [], budget = '', shares = '', max_seq_len: maxSeqLen = '', trainer_count: trainerCount = 'unmask', drop_over_length: dropOver = false }) {
    for (const [source, size] of sizes) this.sizes.set(source, String(size));
    Object.assign(this.els.budget, { value: budget });
    Object.assign(this.els.shares, { value: shares });
    Object.assign(this.els.maxSeqLen, { value: maxSeqLen });
    Object.assign(this.els.trainerCount, { value: trainerCount });
    this.els.dropOver.checked = Boolean(dropOver);
  }

  clear() {
    this.datasets = [];
    this.sizes.clear();
    this.unreadable.clear();
    this.sysPrompt = null;
    this.missing = [];
  }

  say(text, isError = false) {
    this.els.status.textContent = text;
    this.els.status.classList.toggle('error', isError);
  }

  /** The inputs read (the summary's files): each dataset's error, shown beside it; the preview of
   * the inputs before goes. */
  setRead(files) {
    this.unreadable = new Map(files.filter((f) => f.dataset && f.error).map((f) => [f.dataset, f.error]));
    this.preview = null;
  }

  /** Why no blend can be mixed as the datasets are (one cannot be read), or null. */
  problem() {
    const [name] = this.unreadable.keys();
    return name === undefined ? null
      : `The dataset ${name} cannot be read (step 4 says why): remove it, or mend it and add it again.`;
  }

  /** The blend as the core takes it (`BlendForm`). */
  form() {
    const { budget, shares, maxSeqLen, trainerCount, dropOver } = this.els;
    return {
      sizes: [...this.sizes].filter(([source, size]) => size.trim() !== '' && (this.raftRows || source !== RAFT)),
      budget: budget.value, shares: shares.value, max_seq_len: maxSeqLen.value, trainer_count: trainerCount.value,
      drop_over_length: dropOver.checked, sys_prompt: this.sysPrompt,
    };
  }

  /** The table of sources, from the core's preview (per cut) or its error. */
  render(preview, error) {
    const { table, error: errorBox } = this.els;
    errorBox.textContent = error ? errorText(error) : '';
    errorBox.hidden = !error;
    if (preview) this.preview = preview;
    const cuts = this.preview ?? [];
    const sources = [...cuts[0]?.sources ?? [{ name: 'knowledge', available: 0 }, ...this.datasets.map((d) => ({ name: d.path, available: 0 }))]];
    // The RAFT rows, one per knowledge row, join the blend once sized.
    if (this.raftRows && !sources.some((s) => s.name === RAFT)) sources.splice(1, 0, { name: RAFT, available: sources[0].available });
    const taken = (source) => cuts.map((c) => {
      const s = c.sources.find((x) => x.name === source);
      return `${c.cut}x: ${s?.rows == null ? 'after counting' : formatInt(s.rows)}`;
    }).join(' · ');
    const rows = sources.flatMap((s, i) => {
      const isKnowledge = s.name === 'knowledge';
      const own = isKnowledge || s.name === RAFT; // kmix's own rows: sized, never removed
      const unreadable = this.unreadable.get(s.name);
      const why = unreadable ? `blend-source-error-${i}` : null;
      const size = h('input', {
        value: this.sizes.get(s.name) ?? '', placeholder: isKnowledge ? '1.0 (whole)' : s.name === RAFT && !this.sizes.get(RAFT) ? 'not blended' : 'whole', autocomplete: 'off',
        'aria-label': `Size of ${s.name}`, 'aria-invalid': error?.field === `size of ${s.name}` ? 'true' : null,
        'aria-describedby': why,
      });
      size.addEventListener('input', () => {
        this.sizes.set(s.name, size.value);
        this.onSizes();
      });
      const remove = own ? '' : h('button', { type: 'button', 'aria-label': `Remove ${s.name}`, 'aria-describedby': why }, 'Remove');
      if (remove) remove.addEventListener('click', () => this.remove(s.name));
      // A dataset that cannot be read: why, on a row of its own right under it.
      const problem = unreadable ? [h('tr', { class: 'source-error' }, h('td', { colspan: 5 },
        h('p', { class: 'error', id: why }, `Cannot be read: ${errorText(unreadable)}`)))] : [];
      return [h('tr', {},
        h('th', { scope: 'row', class: 'path' }, isKnowledge ? 'knowledge mix' : s.name === RAFT ? 'RAFT rows' : s.name),
        h('td', { class: 'num' }, cuts.length ? formatInt(s.available) + (own && cuts.length > 1 ? ` (${cuts[0].cut}x)` : '') : '—'),
        h('td', {}, size),
        h('td', {}, taken(s.name)),
        h('td', {}, remove)), ...problem];
    });
    table.tBodies[0].replaceChildren(...rows);
    const blending = cuts.filter((c) => c.blend_files.length);
    this.els.note.textContent = blending.length
      ? `Written ${blending.map((c) => `beside ${c.mix_file}: ${c.blend_files.join(' and ')}`).join('; ')}.`
      : 'No blend yet: add a dataset, size the knowledge mix, or set a budget.';
  }
}

/** After a run: per cut, each source's rows, tokens and share, and what the trainer would drop;
 * `reports`, the cuts' reports, to set the knowledge mix's tokens here beside the report's. */
export function renderBlends(container, blends, reports = []) {
  container.replaceChildren(...(blends.length
    ? [h('h3', {}, 'Blends and the trainer pre-flight'), ...blends.map(blendTable), tokensNote(blends, reports)] : []));
}

const dropped = (d) => `${formatInt(d.rows)} rows (${formatInt(d.tokens)} tokens)`;

function blendTable(b) {
  // A source's drops count all its rows (those "Leave out rows the trainer drops" leaves out);
  // the footer's, the rows taken: each says which.
  const drops = (s) => (!s.trainer_drops ? '—' : s.trainer_drops.rows
    ? `${formatInt(s.trainer_drops.rows)} of its ${formatInt(s.available)} rows (${formatInt(s.trainer_drops.tokens)} tokens)` : 'none');
  const all = b.trainer_drops;
  return scrollable(`Blend of cut ${b.cut}x`, h('table', {},
    h('caption', {}, b.file_name
      ? `Cut ${b.cut}x → ${b.file_name}: ${formatInt(b.rows)} rows${b.tokens != null ? `, ${formatInt(b.tokens)} tokens` : ''}${b.budget ? ` (budget ${formatInt(b.budget)})` : ''}`
      : `Trainer pre-flight, cut ${b.cut}x`),
    h('thead', {}, h('tr', {}, ['Source', 'Available', 'Asked', 'Rows', 'Tokens', 'Share', 'Trainer drops', 'Left out']
      .map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t)))),
    h('tbody', {}, b.sources.map((s) => h('tr', {},
      h('th', { scope: 'row', class: 'path' }, s.name),
      h('td', { class: 'num' }, formatInt(s.available)),
      h('td', { class: 'num' }, s.asked + (s.asked_tokens != null && !s.asked.endsWith('tokens') ? ` (${formatInt(s.asked_tokens)} tokens)` : '')),
      h('td', { class: 'num' }, formatInt(s.rows)),
      h('td', { class: 'num' }, s.tokens != null ? formatInt(s.tokens) : '—'),
      h('td', { class: 'num' }, s.share_of_tokens != null ? `${(100 * s.share_of_tokens).toFixed(1)}%` : '—'),
      h('td', { class: 'num' }, drops(s)),
      h('td', { class: 'num' }, formatInt(s.left_out))))),
    all ? h('tfoot', {}, h('tr', {}, h('td', { colspan: 8 }, h('span', { class: 'fits' }, all.rows
      ? `Of the ${formatInt(b.rows)} rows taken, the trainer would drop ${dropped(all)}: ${all.too_long} too long, ${all.too_short} under 20 tokens, ${all.no_eos} without an end-of-sequence token.`
      : `The trainer keeps every one of the ${formatInt(b.rows)} rows taken.`)))) : ''));
}

/** Why the knowledge mix's tokens here are fewer than the report's, with the numbers where the
 * blend takes the cut's rows once each. */
function tokensNote(blends, reports) {
  if (!blends.some((b) => b.tokens != null)) return '';
  const compared = blends.flatMap((b) => {
    const k = b.sources.find((s) => s.name === 'knowledge');
    const r = reports.find((c) => c.cut === b.cut);
    if (k?.tokens == null || r?.tokens == null || k.rows !== r.samples || k.left_out) return [];
    return [` Cut ${b.cut}x: the knowledge mix's ${formatInt(k.rows)} rows are ${formatInt(k.tokens)} tokens here and `
      + `${formatInt(r.tokens)} in the report, ${formatInt(r.tokens - k.tokens)} more.`];
  });
  return h('p', { class: 'hint', id: 'blend-tokens-note' }, 'Tokens here are trained tokens, as InstructLab training counts them '
    + '(apply_chat_template(tokenize=True)); the report counts token_length, which also counts the special tokens '
    + 'encode adds to each row (one per row for Llama 3.1).', ...compared);
}
