// Admin panel: the chat's weekly hours (WAYMARK_CHAT_HOURS syntax) and closures for holidays
// and training days, with the message young people see. Changes apply at once.

import { api, ApiError, errorMessage } from '../../api.js';
import { h, button, field, errorSummary, fill, loading, notice, londonWhen, confirmDialog } from '../../ui.js';

function whenText(iso) {
  return iso ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' })
    .format(new Date(iso)) : '';
}

export async function render(area) {
  const state = h('div', {}, loading());
  const weeklyArea = h('section', { class: 'console-card' });
  const closuresArea = h('section', { class: 'console-card' });
  area.append(state, weeklyArea, closuresArea);

  async function load() {
    let hours;
    try {
      hours = await api('/admin/chat-hours');
    } catch (err) {
      fill(state, notice(errorMessage(err), 'error'));
      return;
    }
    fill(state, h('p', { class: 'lead', 'data-chat-state': hours.open_now ? 'open' : 'closed' },
      hours.open_now
        ? `The chat is open now${hours.next_close ? `; it closes ${londonWhen(hours.next_close)}` : ''}.`
        : `The chat is closed now${hours.next_open ? `; it opens ${londonWhen(hours.next_open)}` : ''}.`));
    weekly(hours);
    closures(hours);
  }

  function weekly(hours) {
    const summary = errorSummary();
    const spec = field({ label: 'Weekly hours (London time)', name: 'weekly', value: hours.weekly,
      hint: "For example: mon-fri 12:00-22:00; sat-sun 18:00-22:00 — or 'always' or 'never'.",
      attrs: { spellcheck: 'false', autocomplete: 'off' } });
    const save = button('Save hours', { type: 'submit' });
    const reset = hours.source === 'admin'
      ? button('Use the default from the server settings', { variant: 'secondary', onClick: async () => {
        await api('/admin/chat-hours', { method: 'DELETE' });
        await load();
      } }) : null;
    const form = h('form', { class: 'form', novalidate: true }, summary.el, spec.row, h('div', { class: 'actions-row' }, save, reset));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      summary.hide();
      spec.setError(null);
      try {
        await api('/admin/chat-hours', { method: 'PUT', body: { weekly: spec.control.value } });
        await load();
      } catch (err) {
        const text = err instanceof ApiError && err.status === 400 ? err.detail : errorMessage(err);
        spec.setError(text);
        summary.show([{ text, target: spec.id }]);
      }
    });
    fill(weeklyArea, h('h3', {}, 'Weekly hours'),
      h('p', { class: 'meta' }, hours.source === 'admin' ? 'Set here by an admin.' : 'The default from the server settings.'),
      form);
  }

  function closures(hours) {
    const summary = errorSummary();
    const starts = field({ label: 'Closed from', name: 'starts_at', type: 'datetime-local' });
    const ends = field({ label: 'Until', name: 'ends_at', type: 'datetime-local' });
    const message = field({ label: 'Message young people see', name: 'message', type: 'textarea',
      value: "We're closed today. If you need to talk now, these lines are free and open any time.",
      attrs: { rows: 3, maxlength: 500 } });
    const add = button('Add closure', { type: 'submit' });
    const form = h('form', { class: 'form', novalidate: true }, summary.el,
      h('div', { class: 'field-pair' }, starts.row, ends.row), message.row, h('div', { class: 'actions-row' }, add));
    const fields = { starts_at: starts, ends_at: ends, message };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      summary.hide();
      for (const f of Object.values(fields)) f.setError(null);
      const missing = Object.entries(fields).filter(([, f]) => !f.control.value.trim());
      if (missing.length) {
        for (const [, f] of missing) f.setError('Please fill this in');
        summary.show(missing.map(([, f]) => ({ text: 'Please fill this in', target: f.id })));
        return;
      }
      try {
        await api('/admin/chat-hours/closures', { method: 'POST', body: {
          starts_at: new Date(starts.control.value).toISOString(),
          ends_at: new Date(ends.control.value).toISOString(),
          message: message.control.value.trim() } });
        await load();
      } catch (err) {
        const target = err instanceof ApiError && err.data && fields[err.data.field];
        const text = err instanceof ApiError && err.status === 400 ? err.detail : errorMessage(err);
        if (target) target.setError(text);
        summary.show([{ text, target: target ? target.id : null }]);
      }
    });
    const list = hours.closures.length
      ? h('ul', { class: 'plain-list closure-list' }, hours.closures.map((c) => {
        const remove = button('Remove', { variant: 'secondary', class: 'btn btn-secondary btn-small' });
        remove.addEventListener('click', () => confirmDialog({ trigger: remove, title: 'Remove this closure?',
          text: 'The chat follows the weekly hours again for that time.', yesLabel: 'Remove', noLabel: 'Keep it',
          onConfirm: async () => {
            await api(`/admin/chat-hours/closures/${c.id}`, { method: 'DELETE' });
            await load();
          } }));
        return h('li', { class: 'entry-card' }, h('p', {}, h('strong', {}, `${whenText(c.starts_at)} to ${whenText(c.ends_at)}`)),
          h('p', {}, c.message), remove);
      }))
      : h('p', {}, 'No closures planned.');
    fill(closuresArea, h('h3', {}, 'Closures (holidays, training days)'), list,
      h('h4', {}, 'Add a closure'), h('p', { class: 'hint' }, "Times are in your computer's time zone."), form);
  }
  await load();
}
