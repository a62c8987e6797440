// The admin panels' list-and-editor: a table of records with Edit (and any other row
// actions) and one form above it that adds a record or edits the one chosen. Boards and
// councils use it (boards.js, councils.js).

import { ApiError, errorMessage } from '../../api.js';
import { h, button, errorSummary, fill, loading, notice } from '../../ui.js';

/**
 * A form of `rows` that sends `read()` to `onSave`; a refusal naming one of `fields` (by
 * the problem's `field`) shows beside it, and every refusal in the error summary.
 */
export function editorForm({ rows, fields, saveLabel, read, onSave }) {
  const summary = errorSummary();
  const save = button(saveLabel, { type: 'submit' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, rows, h('div', { class: 'actions-row' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    try {
      await onSave(read());
    } catch (err) {
      const target = err instanceof ApiError && err.data && fields[err.data.field];
      const text = err instanceof ApiError && err.status < 500 ? err.detail : errorMessage(err);
      if (target) target.setError(text);
      summary.show([{ text, target: target ? target.id : null }]);
    }
  });
  return form;
}

/**
 * Draw the editor into `area`.
 * - `fetchItems()` → the records; `caption`, `headings` and `row(item)` → {attrs, cells} draw the table;
 * - `form(item | null, onSave)` → the add (null) or edit form; `create(body)`, `update(item, body)` save;
 * - `addTitle`, `editTitle(item)` head the form; `moreActions(item, {reload, problem})` → extra row buttons.
 */
export async function listEditor(area, {
  fetchItems, caption, headings, row, form, create, update, addTitle, editTitle, moreActions = () => [],
}) {
  const formArea = h('section', { class: 'console-card' });
  const listArea = h('div', {}, loading());
  area.append(formArea, listArea);

  function showAdd() {
    fill(formArea, h('h3', {}, addTitle), form(null, async (body) => {
      await create(body);
      showAdd();
      await load();
    }));
  }

  function showEdit(item) {
    fill(formArea, h('h3', {}, editTitle(item)), form(item, async (body) => {
      await update(item, body);
      showAdd();
      await load();
    }));
  }

  async function load() {
    try {
      const items = await fetchItems();
      const problem = (err) => fill(formArea, notice(errorMessage(err), 'error'));
      fill(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', {}, caption),
        h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map((item) => {
          const { attrs, cells } = row(item);
          const edit = button('Edit', { variant: 'quiet', class: 'btn btn-quiet btn-small', onClick: () => showEdit(item) });
          return h('tr', attrs, cells, h('td', { class: 'row-actions' }, edit, moreActions(item, { reload: load, problem })));
        })))));
    } catch (err) {
      fill(listArea, notice(errorMessage(err), 'error'));
    }
  }

  showAdd();
  await load();
}
