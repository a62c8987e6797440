// Admin panel: councils and their age ranges (who may sign up).

import { api, ApiError, errorMessage } from '../api.js';
import { h, button, field, errorSummary, fill, loading, notice } from '../ui.js';

function councilForm(council, onSave) {
  const summary = errorSummary();
  const code = council ? null : field({ label: 'ONS code (like E06000044)', name: 'code', attrs: { autocomplete: 'off' } });
  const name = field({ label: 'Name', name: 'name', value: council ? council.name : '' });
  const ages = [['min_age', 'Youngest age'], ['max_age', 'Oldest age'],
    ['extended_max_age', 'Oldest age for care leavers and young people with an EHCP']]
    .map(([key, label]) => [key, field({ label, name: key, type: 'number', value: council ? council[key] : '',
      attrs: { min: 5, max: 30, inputmode: 'numeric', class: 'input-short' } })]);
  const fields = { code, name, ...Object.fromEntries(ages) };
  const save = button(council ? 'Save council' : 'Add council', { type: 'submit' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, code ? code.row : null, name.row,
    h('div', { class: 'field-pair' }, ages.map(([, f]) => f.row)), h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    const body = { name: name.control.value.trim() };
    for (const [key, f] of ages) body[key] = Number.parseInt(f.control.value, 10);
    if (code) body.code = code.control.value.trim().toUpperCase();
    try {
      await onSave(body);
    } catch (err) {
      const target = err instanceof ApiError && err.data && fields[err.data.field];
      const text = err instanceof ApiError && err.status < 500 ? err.detail : errorMessage(err);
      if (target) target.setError(text);
      summary.show([{ text, target: target ? target.id : null }]);
    }
  });
  return form;
}

export async function render(area) {
  const formArea = h('section', { class: 'console-card' });
  const listArea = h('div', {}, loading());
  area.append(formArea, listArea);
  function showAdd() {
    fill(formArea, h('h3', {}, 'Add a council'), councilForm(null, async (body) => {
      await api('/admin/councils', { method: 'POST', body });
      showAdd();
      await load();
    }));
  }
  async function load() {
    try {
      const councils = await api('/councils');
      fill(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', {}, 'Councils'),
        h('thead', {}, h('tr', {}, ['Council', 'Ages', 'Extended to', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, councils.map((c) => h('tr', { 'data-council': c.code },
          h('th', { scope: 'row' }, c.name, h('br'), h('span', { class: 'meta' }, c.code)),
          h('td', {}, `${c.min_age} to ${c.max_age}`), h('td', {}, String(c.extended_max_age)),
          h('td', {}, button('Edit', { variant: 'quiet', class: 'btn btn-quiet btn-small', onClick: () => fill(formArea,
            h('h3', {}, `Edit ${c.name}`), councilForm(c, async (body) => {
              await api(`/admin/councils/${encodeURIComponent(c.code)}`, { method: 'PUT', body });
              showAdd();
              await load();
            })) }))))))));
    } catch (err) {
      fill(listArea, notice(errorMessage(err), 'error'));
    }
  }
  showAdd();
  await load();
}
