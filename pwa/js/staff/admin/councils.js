// Admin panel: councils and their age ranges (who may sign up).

import { api } from '../../api.js';
import { h, field } from '../../ui.js';
import { editorForm, listEditor } from './list-editor.js';

function councilForm(council, onSave) {
  const code = council ? null : field({ label: 'ONS code (like E06000044)', name: 'code', attrs: { autocomplete: 'off' } });
  const name = field({ label: 'Name', name: 'name', value: council ? council.name : '' });
  const ages = [['min_age', 'Youngest age'], ['max_age', 'Oldest age'],
    ['extended_max_age', 'Oldest age for care leavers and young people with an EHCP']]
    .map(([key, label]) => [key, field({ label, name: key, type: 'number', value: council ? council[key] : '',
      attrs: { min: 5, max: 30, inputmode: 'numeric', class: 'input-short' } })]);
  return editorForm({
    rows: [code ? code.row : null, name.row, h('div', { class: 'field-pair' }, ages.map(([, f]) => f.row))],
    fields: { code, name, ...Object.fromEntries(ages) },
    saveLabel: council ? 'Save council' : 'Add council',
    read: () => {
      const body = { name: name.control.value.trim() };
      for (const [key, f] of ages) body[key] = Number.parseInt(f.control.value, 10);
      if (code) body.code = code.control.value.trim().toUpperCase();
      return body;
    },
    onSave,
  });
}

export function render(area) {
  return listEditor(area, {
    fetchItems: () => api('/councils'),
    caption: 'Councils',
    headings: ['Council', 'Ages', 'Extended to', 'Actions'],
    row: (c) => ({
      attrs: { 'data-council': c.code },
      cells: [h('th', { scope: 'row' }, c.name, h('br'), h('span', { class: 'meta' }, c.code)),
        h('td', {}, `${c.min_age} to ${c.max_age}`), h('td', {}, String(c.extended_max_age))],
    }),
    form: councilForm,
    create: (body) => api('/admin/councils', { method: 'POST', body }),
    update: (c, body) => api(`/admin/councils/${encodeURIComponent(c.code)}`, { method: 'PUT', body }),
    addTitle: 'Add a council',
    editTitle: (c) => `Edit ${c.name}`,
  });
}
