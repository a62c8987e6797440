// Admin panel: forum boards. Add, edit, retire (read-only, threads kept) or reopen.

import { api } from '../../api.js';
import { h, button, field } from '../../ui.js';
import { editorForm, listEditor } from './list-editor.js';

function boardForm(board, onSave) {
  const slug = board ? null : field({ label: 'Address (small letters, numbers and dashes)', name: 'slug',
    attrs: { spellcheck: 'false', autocomplete: 'off' } });
  const name = field({ label: 'Name', name: 'name', value: board ? board.name : '' });
  const description = field({ label: 'Description', name: 'description', type: 'textarea', value: board ? board.description : '',
    attrs: { rows: 2, maxlength: 300 } });
  return editorForm({
    rows: [slug ? slug.row : null, name.row, description.row],
    fields: { slug, name, description },
    saveLabel: board ? 'Save board' : 'Add board',
    read: () => {
      const body = { name: name.control.value.trim(), description: description.control.value.trim() };
      if (slug) body.slug = slug.control.value.trim();
      return body;
    },
    onSave,
  });
}

const boardPath = (b) => `/admin/boards/${encodeURIComponent(b.slug)}`;

export function render(area) {
  return listEditor(area, {
    fetchItems: async () => (await api('/admin/boards')).items,
    caption: 'Boards',
    headings: ['Board', 'Description', 'State', 'Actions'],
    row: (b) => ({
      attrs: { 'data-board': b.slug },
      cells: [h('th', { scope: 'row' }, b.name, h('br'), h('span', { class: 'meta' }, b.slug)),
        h('td', {}, b.description), h('td', {}, b.retired ? 'Retired (read-only)' : 'Open')],
    }),
    form: boardForm,
    create: (body) => api('/admin/boards', { method: 'POST', body }),
    update: (b, body) => api(boardPath(b), { method: 'PUT', body }),
    addTitle: 'Add a board',
    editTitle: (b) => `Edit ${b.name}`,
    moreActions: (b, { reload, problem }) => button(b.retired ? 'Reopen' : 'Retire', {
      variant: 'secondary', class: 'btn btn-secondary btn-small',
      onClick: async () => {
        try {
          await api(boardPath(b), { method: 'PUT', body: { retired: !b.retired } });
        } catch (err) {
          problem(err);
        }
        await reload();
      },
    }),
  });
}
