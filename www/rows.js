// The row browser: the rows of each mix the run wrote, a page at a time, as the chat they are.
// The coordinator worker holds the rows (the core's tables of where each line is, its tokens and
// kind) and reads each page's lines again from the written files, so the page never holds a mix.
import { h, formatInt } from './dom.js';
import { kindLabel as groupLabel } from './results.js';

const PAGE = 20;

/**
 * Shows the browser in `container` for the files a run wrote (`names`, in the order of its
 * outputs); `core` answers `browseRows(query)` and `renderRow(messages)`. `tokenized`: the run
 * counted tokens, so rows can be sorted by length and rendered by the chat template.
 */
export function renderRowBrowser(container, names, core, tokenized) {
  const id = (name) => `rows-${name}`;
  const fileSelect = h('select', { id: id('file') }, names.map((name, i) => h('option', { value: i }, name)));
  const groupSelect = h('select', { id: id('group') }, h('option', { value: '' }, 'All kinds'));
  const textInput = h('input', { id: id('text'), type: 'search', autocomplete: 'off', placeholder: 'any words', 'aria-describedby': id('text-help') });
  const orderSelect = h('select', { id: id('order') },
    h('option', { value: 'file' }, 'As in the file'),
    h('option', { value: 'longest', disabled: !tokenized }, 'Longest first'),
    h('option', { value: 'shortest', disabled: !tokenized }, 'Shortest first'));
  // One choice for every row, so that a row is one stop for the keyboard, not one per button.
  const viewSelect = h('select', { id: id('view') },
    h('option', { value: 'messages' }, 'As messages'),
    h('option', { value: 'rendered', disabled: !tokenized }, 'As the template renders it'));
  const status = h('p', { id: id('status'), class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { id: id('list'), class: 'rows', 'aria-labelledby': id('heading') });
  const previous = h('button', { type: 'button', id: id('previous') }, 'Previous');
  const next = h('button', { type: 'button', id: id('next') }, 'Next');
  const label = (text, control) => h('label', {}, text, ' ', control);
  container.replaceChildren(
    h('h3', { id: id('heading') }, 'Rows'),
    h('div', { class: 'params' },
      label('Mix', fileSelect), label('Kind', groupSelect), label('Order', orderSelect), label('Show', viewSelect),
      label('Text', textInput),
      h('p', { id: id('text-help'), class: 'hint' }, 'Shows the rows that hold this text anywhere in their line (upper and lower case alike).')),
    status, list, h('div', { class: 'actions pager' }, previous, next));

  let start = 0;
  let asked = 0; // answers to earlier questions are dropped when a later one is out
  async function show() {
    const question = ++asked;
    const query = {
      file: Number(fileSelect.value), group: groupSelect.value || null, text: textInput.value.trim(),
      order: orderSelect.value, start, count: PAGE,
    };
    status.textContent = query.text ? `Looking for “${query.text}”…` : 'Reading rows…';
    let page;
    try {
      page = await core.browseRows(query);
    } catch (e) {
      if (question === asked) status.textContent = e?.text ?? String(e);
      return;
    }
    if (question !== asked) return;
    const chosen = groupSelect.value;
    groupSelect.replaceChildren(h('option', { value: '' }, 'All kinds'),
      ...page.groups.map((g) => h('option', { value: g, selected: g === chosen }, groupLabel(g))));
    const last = Math.min(start + page.rows.length, page.total);
    status.textContent = page.total
      ? `Rows ${formatInt(start + 1)}–${formatInt(last)} of ${formatInt(page.total)}${query.text ? ` holding “${query.text}”` : ''}.`
      : `No rows${query.text ? ` hold “${query.text}”` : ''}${query.group ? ` of ${groupLabel(query.group)}` : ''}.`;
    list.replaceChildren(...page.rows.map((row) => rowItem(row, viewSelect.value === 'rendered' ? core : null)));
    list.start = start + 1;
    previous.disabled = start === 0;
    next.disabled = last >= page.total;
  }

  const restart = () => { start = 0; show(); };
  let typing;
  textInput.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(restart, 300); });
  textInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(typing); restart(); } });
  fileSelect.addEventListener('change', () => { groupSelect.value = ''; restart(); });
  groupSelect.addEventListener('change', restart);
  orderSelect.addEventListener('change', restart);
  viewSelect.addEventListener('change', show);
  previous.addEventListener('click', () => { start = Math.max(0, start - PAGE); show(); });
  next.addEventListener('click', () => { start += PAGE; show(); });
  return show();
}

/** One row: its number, kind and tokens, then its messages, or the chat template's rendering of
 * them when `renderer` (the core) is given. The row is one stop for the keyboard: it scrolls
 * itself when long, so nothing inside it needs the focus. */
function rowItem(row, renderer) {
  const heading = `Row ${formatInt(row.row + 1)} · ${groupLabel(row.group)}`
    + (row.tokens == null ? '' : ` · ${formatInt(row.tokens)} tokens`);
  const headingId = `row-${row.row}-heading`;
  const item = h('li', { class: 'row', tabindex: 0, 'aria-labelledby': headingId }, h('h4', { id: headingId }, heading));
  if (!renderer) {
    item.append(h('div', { class: 'messages' }, row.messages.map((m) => h('div', { class: `message role-${m.role}` },
      h('span', { class: 'role' }, m.role),
      h('pre', {}, typeof m.content === 'string' ? m.content : JSON.stringify(m.content))))));
    return item;
  }
  const rendered = h('pre', { class: 'rendered' }, 'Rendering…');
  item.append(rendered);
  renderer.renderRow(row.messages).then(
    (text) => { rendered.textContent = text; },
    (e) => rendered.replaceWith(h('p', { class: 'error' }, e?.text ?? String(e))));
  return item;
}
