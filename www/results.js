// Renders what the core reports: recognised inputs, feasibility, the notebook's tables, token-length
// histograms and previews. Everything user-provided is set as text, never parsed as HTML.
import { h, svg, scrollable, formatBytes, formatInt } from './dom.js';

const KIND_LABELS = {
  extractive_summary: 'extractive_summary', detailed_summary: 'detailed_summary',
  key_facts_to_qa: 'key_facts_to_qa', document_based_qa: 'document_based_qa',
  qna_yaml: 'qna.yaml', seed_data: 'final_seed_data',
};
const kindLabel = (kind) => KIND_LABELS[kind] ?? kind;

/** The recognised inputs, each with a checkbox: unticking leaves it out of the mix (`leftOut`,
 * a Set of paths) and calls `onChange`. */
export function renderInputs(table, summary, leftOut, onChange) {
  const body = table.tBodies[0];
  const choose = (f) => {
    if (f.ignored || f.dataset) return '';
    const box = h('input', { type: 'checkbox', checked: !leftOut.has(f.path), 'aria-label': `Mix ${f.path}` });
    box.addEventListener('change', () => {
      if (box.checked) leftOut.delete(f.path);
      else leftOut.add(f.path);
      onChange();
    });
    return box;
  };
  body.replaceChildren(...summary.files.map((f) => h('tr', { class: f.ignored ? 'ignored' : null },
    h('td', {}, choose(f)),
    h('td', { class: 'path' }, f.path.split('/').flatMap((part, i, all) => (i < all.length - 1 ? [`${part}/`, h('wbr')] : [part]))),
    h('td', {}, f.ignored ? `ignored: ${f.ignored}` : f.dataset ? 'dataset to blend' : kindLabel(f.kind)),
    h('td', { class: 'num' }, f.ignored ? '' : formatInt(f.rows)),
    h('td', { class: 'num' }, formatBytes(f.size)))));
  table.hidden = false;
}

export function renderFeasibility(container, mix) {
  const stats = mix.augmentations.map((s) => h('li', {},
    `${kindLabel(s.kind)}: ${s.mean_per_raw_document.toFixed(2)} augmentations per raw document (${s.documents} over ${s.raw_documents})`));
  const cuts = mix.cuts.map((c) => h('li', { class: c.feasible ? 'ok' : 'no' },
    c.feasible ? `✓ cut ${c.cut}: feasible` : `✗ cut ${c.cut}: not feasible — ${c.reason}`));
  const notes = (mix.notes ?? []).map((n) => h('li', { class: 'note' }, `Note: ${n}`));
  const coverage = mix.cuts.flatMap((c) => (c.coverage ?? []).map((k) => h('li', { class: 'note' },
    `Cut ${c.cut}: ${formatInt(k.raw_documents)} raw documents of ${kindLabel(k.kind)} have fewer than ${c.cut} augmentations, e.g. `
    + k.examples.map(([text, n]) => `“${text}” (${n})`).join(', '))));
  container.replaceChildren(h('ul', { class: 'feasibility' }, stats, cuts, coverage, notes));
}

/** `reports`: the outcome's CutReport per cut. */
export function renderReport(container, reports, tokenized) {
  const tokens = (t) => (tokenized ? formatInt(t) : '—');
  const perCut = reports.map((cut) => scrollable(`Report of cut ${cut.cut}x`, h('table', {},
    h('caption', {}, `Cut ${cut.cut}x → ${cut.file_name}`),
    h('thead', {}, h('tr', {}, ['Kind', 'Samples', 'Documents', 'Raw documents', 'Docs / raw', 'Tokens']
      .map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t)))),
    h('tbody', {}, cut.kinds.map((k) => h('tr', {},
      h('th', { scope: 'row' }, kindLabel(k.kind)),
      h('td', { class: 'num' }, formatInt(k.samples)),
      h('td', { class: 'num' }, formatInt(k.unique_documents)),
      h('td', { class: 'num' }, formatInt(k.unique_raw_documents)),
      h('td', { class: 'num' }, k.documents_per_raw_document.toFixed(2)),
      h('td', { class: 'num' }, tokens(k.tokens))))))));
  const totals = scrollable('Totals', h('table', { id: 'totals' },
    h('caption', {}, 'Totals'),
    h('thead', {}, h('tr', {}, ['Cut', 'Total tokens', 'Total samples'].map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t)))),
    h('tbody', {}, reports.map((c) => h('tr', {},
      h('th', { scope: 'row' }, `${c.cut}x`), h('td', { class: 'num' }, tokens(c.tokens)), h('td', { class: 'num' }, formatInt(c.samples)))))));
  container.replaceChildren(h('h3', {}, 'Report'), ...perCut, totals,
    tokenized ? '' : h('p', { class: 'hint' }, 'No tokenizer was chosen: token counts are off and token_length is left out.'));
}

/** One SVG bar chart per cut, from the outcome's histograms (the core decides the bars). */
export function renderHistograms(container, histograms) {
  const charts = histograms.map((hist) => {
    const bins = hist.counts.length;
    const top = Math.max(...hist.counts, 1);
    const [W, H, pad] = [400, 140, 18];
    const bars = hist.counts.map((c, i) => svg('rect', {
      x: pad + (i * (W - pad)) / bins, y: H - pad - ((H - 2 * pad) * c) / top,
      width: (W - pad) / bins - 1, height: ((H - 2 * pad) * c) / top,
    }, svg('title', {}, `${i * hist.bin_width}–${(i + 1) * hist.bin_width - 1} tokens: ${c} rows`)));
    const limit = hist.max_seq_len;
    const label = `Token lengths in cut ${hist.cut}x: ${hist.rows} rows, 0 to ${hist.max} tokens`
      + (limit ? `; maximum sequence length ${limit}${limit > hist.max ? ', beyond the longest row' : ''}` : '');
    // The trainer's limit, where it falls within the chart (bar i spans i*bin_width tokens on).
    const limitX = limit && limit <= hist.max ? pad + ((W - pad) * limit) / (bins * hist.bin_width) : null;
    const mark = limitX == null ? [] : [
      svg('line', { class: 'limit', x1: limitX, x2: limitX, y1: pad - 6, y2: H - pad }),
      svg('text', { x: limitX - 2, y: pad - 8, 'text-anchor': 'end' }, `max_seq_len ${limit}`),
    ];
    return h('figure', {},
      svg('svg', { class: 'histogram', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
        bars, mark,
        svg('text', { x: pad, y: H - 4 }, '0'),
        svg('text', { x: W - 4, y: H - 4, 'text-anchor': 'end' }, `${hist.max} tokens`),
        svg('text', { x: pad, y: 12 }, `${top} rows`)),
      h('figcaption', { class: 'hint' }, label));
  });
  container.replaceChildren(...(charts.length ? [h('h3', {}, 'Token lengths'), ...charts] : []));
}

/** A few rows per kind, as the chat template renders them (or as messages without a tokenizer). */
export function renderPreviews(container, previews) {
  container.replaceChildren(h('h3', {}, 'Samples'), ...previews.map((p) => h('div', { class: 'preview' },
    h('h4', {}, kindLabel(p.kind)),
    h('pre', { tabindex: 0, 'aria-label': `A ${kindLabel(p.kind)} sample` }, p.rendered ?? JSON.stringify(p.messages, null, 2)))));
}
