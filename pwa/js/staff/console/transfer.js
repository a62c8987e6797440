// Transfer a chat to a named available counsellor (GET /chat/counsellors) or back to the
// front of the queue, with a handover note only the next counsellor sees.

import { api, ApiError, errorMessage } from '../../api.js';
import { h, button, field, fill } from '../../ui.js';
import { applyLimits } from '../../meta.js';

const QUEUE = '';

export function transferForm({ sessionId, selfId, onCancel, onDone }) {
  const result = h('p', { class: 'console-alert', role: 'alert' });
  const slot = h('div', {}, h('p', { class: 'loading' }, 'Loading counsellors…'));
  const note = field({
    label: 'Handover note', name: 'note', type: 'textarea',
    hint: 'Only the next counsellor sees this.', attrs: { rows: '3' },
  });
  applyLimits([[note.control, 'handover_note']]); // the server's limit
  const submit = button('Transfer chat', { type: 'submit', class: 'btn btn-primary btn-small' });
  const cancel = button('Cancel', { class: 'btn btn-quiet btn-small', onClick: onCancel });
  let choice = null;
  const form = h('form', { class: 'form', novalidate: true },
    h('h4', {}, 'Transfer this chat'),
    h('p', { class: 'meta' }, 'The young person stays connected and is told. Nothing they wrote is lost.'),
    slot, note.row, result, h('div', { class: 'actions actions-row' }, submit, cancel));

  api('/chat/counsellors').then((data) => {
    const others = ((data && data.items) || []).filter((c) => String(c.id) !== String(selfId));
    const options = [{ value: QUEUE, label: 'Back to the front of the queue' }].concat(others.map((c) => ({
      value: c.id,
      label: `${c.name} – ${c.status === 'available' ? `${c.active_chats} of ${c.max_concurrent} chats` : 'away'}`,
    })));
    choice = field({ label: 'Transfer to', name: 'to', type: 'select', options });
    for (const opt of choice.control.options) {
      const c = others.find((o) => String(o.id) === opt.value);
      if (c && (c.status !== 'available' || c.active_chats >= c.max_concurrent)) opt.disabled = true;
    }
    fill(slot, choice.row);
  }).catch((err) => fill(slot, h('p', {}, `We couldn't load the counsellors. ${errorMessage(err)}`)));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = note.control.value.trim();
    if (!text) {
      note.setError('Write a short note for the next counsellor.');
      note.control.focus();
      return;
    }
    note.setError(null);
    submit.disabled = true;
    const to = choice ? choice.control.value : QUEUE;
    try {
      await api(`/chat/sessions/${encodeURIComponent(sessionId)}/transfer`, {
        method: 'POST', body: to ? { to_counsellor_id: to, note: text } : { note: text },
      });
      onDone();
    } catch (err) {
      submit.disabled = false;
      result.textContent = err instanceof ApiError && err.status === 409
        ? (err.detail || "That counsellor can't take it just now.") : `We couldn't transfer it. ${errorMessage(err)}`;
    }
  });
  return form;
}
