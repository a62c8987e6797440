// The council console's Open Referral UK import: choose a JSON file, send it, and list
// every problem of every record that was not imported, with where in the file it is
// (like services[3].phones[0].number).

import { api, ApiError, errorMessage } from '../../api.js';
import { h, button, field, errorSummary, fill, plural } from '../../ui.js';

function problemsTable(errors) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Records not imported', tabindex: '0' },
    h('table', { class: 'table' },
      h('caption', {}, 'Records not imported'),
      h('thead', {}, h('tr', {}, ['Record', 'Id', 'Where', 'Problem'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, errors.map((e) => h('tr', {},
        h('td', {}, e.index != null ? `Number ${Number(e.index) + 1}` : '—'),
        h('td', {}, e.id || '—'),
        h('td', {}, h('code', {}, e.path || '—')),
        h('td', {}, e.detail || 'Not valid'))))));
}

/** The import section; ``onImported`` runs after an import that reached the server. */
export function importPanel(base, onImported) {
  const summary = errorSummary();
  const file = field({
    label: 'Open Referral UK file (JSON)', name: 'oruk_file', type: 'file',
    hint: 'Services with an id that is already here are updated. New ones are added.',
    attrs: { accept: 'application/json,.json' },
  });
  const result = h('div', { class: 'import-result', role: 'status' });
  const submit = button('Import services', { type: 'submit', variant: 'secondary' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, file.row, submit, result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    file.setError(null);
    fill(result);
    const chosen = file.control.files && file.control.files[0];
    if (!chosen) {
      file.setError('Choose a file to import');
      summary.show([{ text: 'Choose a file to import', target: file.id }]);
      return;
    }
    let text;
    try {
      text = await chosen.text();
      JSON.parse(text);
    } catch {
      file.setError('That file is not valid JSON. Check it is an Open Referral UK export.');
      summary.show([{ text: 'That file is not valid JSON. Check it is an Open Referral UK export.', target: file.id }]);
      return;
    }
    submit.disabled = true;
    fill(result, h('p', {}, 'Importing…'));
    try {
      const out = await api(`${base}/import`, { method: 'POST', body: text });
      const errors = (out && out.errors) || [];
      const records = new Set(errors.map((e) => e.index)).size;
      fill(result,
        h('p', {}, h('strong', {}, 'Import finished: '),
          `${plural(out.created || 0, 'service', 'services')} added, ${out.updated || 0} updated`,
          errors.length ? `, ${plural(records, 'record', 'records')} not imported (${plural(errors.length, 'problem', 'problems')}).` : '.'),
        errors.length ? problemsTable(errors) : null);
      onImported();
    } catch (err) {
      fill(result);
      summary.show([{ text: `The import did not work. ${err instanceof ApiError && err.status === 400 && err.detail ? err.detail : errorMessage(err)}` }]);
    }
    submit.disabled = false;
  });
  return h('section', { class: 'section import', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, 'Import from Open Referral UK'), form);
}
