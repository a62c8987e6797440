// Admin panel: the append-only audit log, filtered by action, person and time.

import { api, errorMessage } from '../../api.js';
import { h, button, field, fill, loading, notice } from '../../ui.js';

function when(iso) {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Europe/London' })
    .format(new Date(iso));
}

export async function render(area) {
  const action = field({ label: 'Action', name: 'action', hint: 'For example staff.create, or staff. for every staff action',
    attrs: { spellcheck: 'false', autocomplete: 'off' } });
  const actor = field({ label: 'Who', name: 'actor', hint: 'Part of their e-mail or username', attrs: { autocomplete: 'off' } });
  const from = field({ label: 'From', name: 'from', type: 'date' });
  const to = field({ label: 'To (inclusive)', name: 'to', type: 'date' });
  const apply = button('Filter', { type: 'submit' });
  const form = h('form', { class: 'form filters', novalidate: true },
    h('div', { class: 'field-pair' }, action.row, actor.row), h('div', { class: 'field-pair' }, from.row, to.row),
    h('div', { class: 'actions-row' }, apply));
  const results = h('div', {}, loading());
  area.append(form, results);

  async function load() {
    const query = { action: action.control.value.trim(), actor: actor.control.value.trim(), limit: 200 };
    if (from.control.value) query.from = new Date(`${from.control.value}T00:00:00`).toISOString();
    if (to.control.value) query.to = new Date(new Date(`${to.control.value}T00:00:00`).getTime() + 86400000).toISOString();
    fill(results, loading());
    try {
      const log = await api('/admin/audit', { query });
      fill(results, log.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table audit-table' },
        h('caption', {}, `${log.total} entries${log.total > log.items.length ? ` (the newest ${log.items.length} shown)` : ''}`),
        h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'What', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, log.items.map((e) => h('tr', { 'data-action': e.action },
          h('td', {}, when(e.at)), h('td', {}, e.actor || e.actor_role), h('td', {}, e.action),
          h('td', {}, `${e.target_type}${e.target_id ? ` ${e.target_id}` : ''}`),
          h('td', {}, h('code', { class: 'audit-details' }, e.details ? JSON.stringify(e.details) : e.note || '')))))))
        : h('p', {}, 'Nothing matches these filters.'));
    } catch (err) {
      fill(results, notice(errorMessage(err), 'error'));
    }
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  await load();
}
