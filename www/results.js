// Renders what the core reports: recognised inputs, feasibility, the notebook's tables, token-length
// histograms. Everything user-provided is set as text, never parsed as HTML.
import { h, svg, scrollable, formatBytes, formatInt } from './dom.js';

const KIND_LABELS = {
  extractive_summary: 'extractive_summary', detailed_summary: 'detailed_summary',
  key_facts_to_qa: 'key_facts_to_qa', document_based_qa: 'document_based_qa',
  qna_yaml: 'qna.yaml', seed_data: 'final_seed_data',
};
/** A kind as the page names it (the input's file name); anything else, such as a dataset, as it is. */
export const kindLabel = (kind) => KIND_LABELS[kind] ?? kind;

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
    h('td', {}, f.ignored ? `ignored: ${f.ignored}` : f.error ? 'dataset to blend: cannot be read (see step 4)'
      : f.dataset ? 'dataset to blend' : kindLabel(f.kind)),
    h('td', { class: 'num' }, f.ignored ? '' : formatInt(f.rows)),
    h('td', { class: 'num' }, formatBytes(f.size)))));
  table.hidden = false;
}

/** What the plan says of the inputs (a generation folder missing or empty), shown with them;
 * nothing when `mix` is null (no plan for these inputs yet). */
export function renderInputWarnings(list, mix) {
  list.replaceChildren(...(mix?.warnings ?? []).map((w) => h('li', { class: 'no' }, `Warning: ${w}.`)));
}

export function renderFeasibility(container, mix) {
  const stats = mix.augmentations.map((s) => h('li', {},
    `${kindLabel(s.kind)}: ${s.mean_per_raw_document.toFixed(2)} augmentations per raw document (${s.documents} over ${s.raw_documents})`));
  // A cut that would repeat another's rows (no summary rows) is not mixed, but nothing is wrong.
  const cuts = mix.cuts.map((c) => h('li', { class: c.feasible ? 'ok' : c.same_as ? 'note' : 'no' },
    c.feasible ? `✓ cut ${c.cut}: feasible` : c.same_as ? `– cut ${c.cut}: not mixed — ${c.reason}.` : `✗ cut ${c.cut}: not feasible — ${c.reason}.`));
  const notes = (mix.notes ?? []).map((n) => h('li', { class: 'note' }, `Note: ${n}.`));
  const coverage = mix.cuts.flatMap((c) => (c.coverage ?? []).map((k) => h('li', { class: 'note' },
    `Cut ${c.cut}: ${formatInt(k.raw_documents)} raw documents of ${kindLabel(k.kind)} have fewer than ${c.cut} augmentations, e.g. `
    + k.examples.map(([text, n]) => `“${text}” (${n})`).join(', '))));
  container.replaceChildren(h('ul', { class: 'feasibility' }, stats, cuts, coverage, duplicatesItems(mix.duplicates), notes));
}

/** Repeated Q&A (`mix::Duplicates`): what Dedupe dropped, and what each cut still holds. */
function duplicatesItems(duplicates) {
  const place = (p) => `${p.file}:${p.line}`;
  const found = (k) => `${formatInt(k.duplicate_pairs)} duplicate pairs, ${formatInt(k.repeated_questions)} repeated questions, e.g. `
    + k.examples.map((r) => `${place(r.repeat)} repeats ${place(r.first)} (${r.pair ? 'pair' : 'question'})`).join(', ');
  const dropped = (duplicates?.dropped ?? []).map((k) => h('li', { class: 'note' },
    `Dedupe dropped ${formatInt(k.duplicate_pairs + k.repeated_questions)} ${kindLabel(k.kind)} rows, keeping the first of each: ${found(k)}.`));
  const cuts = (duplicates?.cuts ?? []).flatMap((c) => c.kinds.map((k) => h('li', { class: 'note' },
    `Cut ${c.cut}: ${kindLabel(k.kind)} repeats: ${found(k)}.`)));
  return [...dropped, ...cuts];
}

/** `reports`: the outcome's CutReport per cut. */
export function renderReport(container, reports, tokenized) {
  const tokens = (t) => (tokenized ? formatInt(t) : '—');
  const perCut = reports.map((cut) => scrollable(`Report of cut ${cut.cut}x`, h('table', {},
    h('caption', {}, `Cut ${cut.cut}x → ${cut.file_name}`),
    h('thead', {}, h('tr', {}, ['Kind', 'Samples', 'Augmentations', 'Raw documents', 'Augmentations per raw document', 'Tokens']
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

/** Bar values as short as a bar is narrow: 950, 1.2k, 12k, 1.2M. */
const compact = (n) => (n < 1000 ? String(n) : n < 1e6 ? `${+(n / 1e3).toPrecision(2)}k` : `${+(n / 1e6).toPrecision(2)}M`);

/** One SVG bar chart per cut, from the outcome's histograms (the core decides the bars): both axes
 * labelled, each bar's count written above it, and the trainer's limit marked when one is set. */
export function renderHistograms(container, histograms) {
  const charts = histograms.map((hist) => {
    const bins = hist.counts.length;
    const top = Math.max(...hist.counts, 1);
    // Narrower than the narrowest screen's column, so that it is only ever scaled up and its
    // text stays at least the 11 px it is drawn at.
    const [W, H, left, right, above, below] = [340, 220, 40, 8, 40, 40];
    const plotW = W - left - right;
    const plotH = H - above - below;
    const barW = plotW / bins;
    const x = (tokens) => left + (plotW * tokens) / (bins * hist.bin_width);
    const bars = hist.counts.map((c, i) => {
      const height = (plotH * c) / top;
      const y = above + plotH - height;
      return svg('g', {},
        svg('rect', { x: left + i * barW, y, width: barW - 1, height },
          svg('title', {}, `${formatInt(i * hist.bin_width)}–${formatInt((i + 1) * hist.bin_width - 1)} tokens: ${formatInt(c)} rows`)),
        // Written upwards: a bar is narrower than its count written across.
        c ? svg('text', {
          class: 'value', x: left + (i + 0.5) * barW, y: y - 3, 'dominant-baseline': 'central',
          transform: `rotate(-90 ${left + (i + 0.5) * barW} ${y - 3})`,
        }, compact(c)) : []);
    });
    const span = bins * hist.bin_width;
    const ticks = [0, Math.round(span / 2), span].map((t, i) => svg('text', {
      x: x(t), y: H - below + 16, 'text-anchor': ['start', 'middle', 'end'][i],
    }, formatInt(t)));
    const limit = hist.max_seq_len;
    const label = `Token lengths in cut ${hist.cut}x: ${formatInt(hist.rows)} rows, 0 to ${formatInt(hist.max)} tokens`
      + (limit ? `; maximum sequence length ${formatInt(limit)}${limit > hist.max ? ', beyond the longest row' : ''}` : '');
    const mark = limit && limit <= span ? [
      svg('line', { class: 'limit', x1: x(limit), x2: x(limit), y1: above - 8, y2: H - below }),
      svg('text', { class: 'limit', x: x(limit) - 3, y: above - 12, 'text-anchor': x(limit) > W / 2 ? 'end' : 'start' }, `max_seq_len ${formatInt(limit)}`),
    ] : [];
    return h('figure', {},
      svg('svg', { class: 'histogram', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
        svg('line', { class: 'axis', x1: left, x2: W - right, y1: above + plotH, y2: above + plotH }),
        svg('line', { class: 'axis', x1: left, x2: left, y1: above, y2: above + plotH }),
        bars, mark, ticks,
        svg('text', { x: left - 4, y: above + 4, 'text-anchor': 'end' }, compact(top)),
        svg('text', { x: left - 4, y: above + plotH, 'text-anchor': 'end' }, '0'),
        svg('text', { class: 'axis-title', x: left + plotW / 2, y: H - 6, 'text-anchor': 'middle' }, 'tokens per row'),
        svg('text', { class: 'axis-title', transform: `translate(12 ${above + plotH / 2}) rotate(-90)`, 'text-anchor': 'middle' }, 'rows')),
      h('figcaption', { class: 'hint' }, label));
  });
  container.replaceChildren(...(charts.length ? [h('h3', {}, 'Token lengths'), ...charts] : []));
}
