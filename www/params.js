// The parameter form: its values as the core takes them (text, parsed and checked by the core),
// and a field's error shown beside that field.

export function readParams(form) {
  const data = new FormData(form);
  return {
    cuts: String(data.get('cuts') ?? ''),
    qa_per_doc: String(data.get('qa_per_doc') ?? ''),
    seed: String(data.get('seed') ?? ''),
    gpt_oss: data.get('gpt_oss') === 'on',
    // The core's `pairs` (`questions` is the command line's); blank: no dedupe.
    dedupe: data.get('dedupe') === 'on' ? 'pairs' : '',
    // Read by the run, not the plan: whether rows that leak the held-out files are left out.
    drop_contaminated: data.get('drop_contaminated') === 'on',
    // Read by the run too: RAFT rows beside each mix, or none.
    raft: raftParams(data),
  };
}

/** The RAFT rows asked for (blank numbers: the style's defaults), or null. */
function raftParams(data) {
  const style = String(data.get('raft') ?? '');
  if (!style) return null;
  const number = (name) => {
    const text = String(data.get(name) ?? '').trim();
    return text === '' ? undefined : Number(text);
  };
  return { style, passages: number('raft_passages'), p_oracle: number('raft_p_oracle') };
}

export function writeParams(form, params) {
  for (const [name, value] of Object.entries(params)) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    if (field.type === 'checkbox') field.checked = Boolean(value);
    else if (name === 'raft') writeRaft(form, value);
    else field.value = Array.isArray(value) ? value.join(', ') : String(value);
  }
}

/** The RAFT fields from their params (an object, or null for none). */
function writeRaft(form, raft) {
  const set = (name, value) => { form.elements.namedItem(name).value = value ?? ''; };
  set('raft', raft?.style);
  set('raft_passages', raft?.passages);
  set('raft_p_oracle', raft?.p_oracle);
}

/** Marks the field an error names (`field` from the core) as invalid; clears the others. */
export function markInvalid(form, field) {
  for (const input of form.querySelectorAll('input, select')) {
    if (input.name === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

/** Calls `onChange` once typing pauses. */
export function onParamsChange(form, onChange, delayMs = 250) {
  let timer;
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, delayMs);
  });
  form.addEventListener('submit', (e) => e.preventDefault());
}
