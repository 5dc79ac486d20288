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
  };
}

export function writeParams(form, params) {
  for (const [name, value] of Object.entries(params)) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    if (field.type === 'checkbox') field.checked = Boolean(value);
    else field.value = Array.isArray(value) ? value.join(', ') : String(value);
  }
}

/** Marks the field an error names (`field` from the core) as invalid; clears the others. */
export function markInvalid(form, field) {
  for (const input of form.querySelectorAll('input')) {
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
