// Admin panel: staff accounts. List (role, council, two-step log-in, last log-in), add (the
// temporary password is shown once), edit, switch off / on, reset.

import { api, ApiError, errorMessage } from '../../api.js';
import { h, button, field, errorSummary, fill, loading, notice, formatDate, confirmDialog } from '../../ui.js';

export const ROLE_LABELS = {
  counsellor: 'Counsellor',
  supervisor: 'Supervisor',
  moderator: 'Moderator',
  council_admin: 'Council officer',
  admin: 'Admin',
};

function roleOptions() {
  return Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));
}

function councilOptions(councils) {
  return [{ value: '', label: 'No council' }, ...councils.map((c) => ({ value: c.code, label: c.name }))];
}

/** Show a temporary password once, with words to pass it on safely. */
function temporaryPasswordBox(email, password) {
  return h('div', { class: 'notice notice-success temporary-password', role: 'status' },
    h('p', {}, `Temporary password for ${email}:`),
    h('p', {}, h('code', { class: 'recovery-code', 'data-temporary-password': '' }, password)),
    h('p', {}, 'It is shown only now. Give it to them in person or by phone. They choose their own at first log-in.'));
}

function staffForm({ councils, member, onSave }) {
  const summary = errorSummary();
  const email = member ? null : field({ label: 'Work e-mail', name: 'email', type: 'email', attrs: { autocomplete: 'off' } });
  const name = field({ label: 'First name', name: 'name', value: member ? member.name || '' : '' });
  const role = field({ label: 'Role', name: 'role', type: 'select', options: roleOptions(), value: member ? member.role : 'counsellor' });
  const council = field({ label: 'Council (for council officers)', name: 'council_code', type: 'select',
    options: councilOptions(councils), value: member ? member.council_code || '' : '' });
  const save = button(member ? 'Save changes' : 'Add staff member', { type: 'submit' });
  const form = h('form', { class: 'form staff-form', novalidate: true },
    summary.el, email ? email.row : null, name.row, role.row, council.row, h('div', { class: 'actions-row' }, save));
  const fields = { email, name, role, council_code: council };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    for (const f of Object.values(fields)) f?.setError(null);
    const body = { name: name.control.value.trim(), role: role.control.value, council_code: council.control.value || null };
    if (email) body.email = email.control.value.trim();
    save.disabled = true;
    try {
      await onSave(body);
    } catch (err) {
      const target = err instanceof ApiError && err.data && fields[err.data.field];
      if (target) target.setError(err.detail);
      summary.show([{ text: err instanceof ApiError && err.status < 500 ? err.detail || errorMessage(err) : errorMessage(err),
        target: target ? target.id : null }]);
    }
    save.disabled = false;
  });
  return form;
}

export async function render(area, ctx) {
  const listArea = h('div', {}, loading());
  const addArea = h('div');
  const addButton = button('Add a staff member', { variant: 'secondary' });
  area.append(h('div', { class: 'toolbar' }, addButton), addArea, listArea);
  let councils = [];
  try { councils = (await api('/councils')) || []; } catch { councils = []; }
  const councilName = (code) => (councils.find((c) => c.code === code) || { name: code || '—' }).name;

  addButton.addEventListener('click', () => {
    fill(addArea, h('section', { class: 'console-card' }, h('h3', {}, 'Add a staff member'), staffForm({
      councils,
      onSave: async (body) => {
        const made = await api('/admin/staff', { method: 'POST', body });
        fill(addArea, temporaryPasswordBox(body.email, made.temporary_password));
        await load();
      },
    })));
    addArea.querySelector('input')?.focus();
  });

  async function act(member, body, message) {
    try {
      await api(`/admin/staff/${member.id}`, { method: 'PUT', body });
      fill(addArea, notice(message, 'success'));
    } catch (err) {
      fill(addArea, notice(errorMessage(err), 'error'));
    }
    await load();
  }

  function row(member) {
    const edit = button('Edit', { variant: 'quiet', class: 'btn btn-quiet btn-small' });
    const toggle = button(member.disabled ? 'Switch on' : 'Switch off', { variant: 'secondary', class: 'btn btn-secondary btn-small' });
    const reset = button('Reset', { variant: 'secondary', class: 'btn btn-secondary btn-small' });
    edit.addEventListener('click', () => fill(addArea, h('section', { class: 'console-card' },
      h('h3', {}, `Edit ${member.email}`),
      staffForm({ councils, member, onSave: async (body) => {
        await api(`/admin/staff/${member.id}`, { method: 'PUT', body });
        fill(addArea, notice(`Saved ${member.email}.`, 'success'));
        await load();
      } }))));
    toggle.addEventListener('click', () => (member.disabled
      ? act(member, { disabled: false }, `${member.email} can log in again.`)
      : confirmDialog({ trigger: toggle, title: `Switch off ${member.email}?`,
        text: 'They are logged out everywhere at once and cannot log in until you switch them on again.',
        yesLabel: 'Switch off', noLabel: 'Cancel',
        onConfirm: () => act(member, { disabled: true }, `${member.email} is switched off.`) })));
    reset.addEventListener('click', () => confirmDialog({ trigger: reset, title: `Reset ${member.email}?`,
      text: 'They get a new temporary password, are logged out everywhere, and set up two-step log-in again.',
      yesLabel: 'Reset', noLabel: 'Cancel',
      onConfirm: async () => {
        try {
          const done = await api(`/admin/staff/${member.id}/reset`, { method: 'POST' });
          fill(addArea, temporaryPasswordBox(member.email, done.temporary_password));
        } catch (err) {
          fill(addArea, notice(errorMessage(err), 'error'));
        }
        await load();
      } }));
    return h('tr', { 'data-staff': member.email },
      h('th', { scope: 'row' }, member.name || '—', h('br'), h('span', { class: 'meta' }, member.email)),
      h('td', {}, ROLE_LABELS[member.role] || member.role),
      h('td', {}, member.council_code ? councilName(member.council_code) : '—'),
      h('td', {}, member.mfa_enabled ? 'On' : 'Not set up'),
      h('td', {}, member.last_login_at ? formatDate(member.last_login_at) : 'Never'),
      h('td', {}, member.disabled ? 'Switched off' : member.password_change_required ? 'Temporary password' : 'Active'),
      h('td', { class: 'row-actions' }, edit, toggle, reset));
  }

  async function load() {
    try {
      const staff = await api('/admin/staff');
      fill(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', {}, `${staff.total} staff accounts`),
        h('thead', {}, h('tr', {}, ['Name', 'Role', 'Council', 'Two-step log-in', 'Last log-in', 'State', 'Actions']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, staff.items.map(row)))));
    } catch (err) {
      fill(listArea, notice(errorMessage(err), 'error'));
    }
  }
  await load();
}
