// Admin panel: forum boards. Add, edit, retire (read-only, threads kept) or reopen.

import { api, ApiError, errorMessage } from '../api.js';
import { h, button, field, errorSummary, fill, loading, notice } from '../ui.js';

function boardForm(board, onSave) {
  const summary = errorSummary();
  const slug = board ? null : field({ label: 'Address (small letters, numbers and dashes)', name: 'slug',
    attrs: { spellcheck: 'false', autocomplete: 'off' } });
  const name = field({ label: 'Name', name: 'name', value: board ? board.name : '' });
  const description = field({ label: 'Description', name: 'description', type: 'textarea', value: board ? board.description : '',
    attrs: { rows: 2, maxlength: 300 } });
  const save = button(board ? 'Save board' : 'Add board', { type: 'submit' });
  const fields = { slug, name, description };
  const form = h('form', { class: 'form', novalidate: true }, summary.el, slug ? slug.row : null, name.row, description.row,
    h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    const body = { name: name.control.value.trim(), description: description.control.value.trim() };
    if (slug) body.slug = slug.control.value.trim();
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
    fill(formArea, h('h3', {}, 'Add a board'), boardForm(null, async (body) => {
      await api('/admin/boards', { method: 'POST', body });
      showAdd();
      await load();
    }));
  }

  async function load() {
    try {
      const boards = await api('/admin/boards');
      fill(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', {}, 'Boards'),
        h('thead', {}, h('tr', {}, ['Board', 'Description', 'State', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, boards.items.map((b) => {
          const edit = button('Edit', { variant: 'quiet', class: 'btn btn-quiet btn-small', onClick: () => fill(formArea,
            h('h3', {}, `Edit ${b.name}`), boardForm(b, async (body) => {
              await api(`/admin/boards/${encodeURIComponent(b.slug)}`, { method: 'PUT', body });
              showAdd();
              await load();
            })) });
          const retire = button(b.retired ? 'Reopen' : 'Retire', { variant: 'secondary', class: 'btn btn-secondary btn-small',
            onClick: async () => {
              try {
                await api(`/admin/boards/${encodeURIComponent(b.slug)}`, { method: 'PUT', body: { retired: !b.retired } });
              } catch (err) {
                fill(formArea, notice(errorMessage(err), 'error'));
              }
              await load();
            } });
          return h('tr', { 'data-board': b.slug }, h('th', { scope: 'row' }, b.name, h('br'), h('span', { class: 'meta' }, b.slug)),
            h('td', {}, b.description), h('td', {}, b.retired ? 'Retired (read-only)' : 'Open'),
            h('td', { class: 'row-actions' }, edit, retire));
        })))));
    } catch (err) {
      fill(listArea, notice(errorMessage(err), 'error'));
    }
  }
  showAdd();
  await load();
}
