// The change-password form (POST /api/v1/me/password), used by the account screen and by
// staff changing a temporary password at first log-in. Every other session ends.

import { api, ApiError, errorMessage } from './api.js';
import { h, button, field, errorSummary, addPasswordToggle } from './ui.js';

/** Returns the form element. `onDone()` runs after the password changed. */
export function passwordForm({ onDone, currentLabel = 'Your current password', submitLabel = 'Change password' }) {
  const summary = errorSummary();
  const current = field({ label: currentLabel, name: 'current_password', type: 'password',
    attrs: { autocomplete: 'current-password' } });
  const next = field({
    label: 'New password', name: 'new_password', type: 'password',
    hint: 'At least 10 characters. Three or four random words together work well.',
    attrs: { autocomplete: 'new-password' },
  });
  addPasswordToggle(current);
  addPasswordToggle(next);
  const submit = button(submitLabel, { type: 'submit' });
  const form = h('form', { class: 'form', novalidate: true },
    summary.el, current.row, next.row, h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    current.setError(null);
    next.setError(null);
    const problems = [];
    if (!current.control.value) problems.push([current, 'Enter your current password']);
    if (!next.control.value) problems.push([next, 'Enter a new password']);
    if (problems.length) {
      for (const [f, text] of problems) f.setError(text);
      summary.show(problems.map(([f, text]) => ({ text, target: f.id })));
      return;
    }
    submit.disabled = true;
    try {
      await api('/me/password', { method: 'POST',
        body: { current_password: current.control.value, new_password: next.control.value } });
      current.control.value = '';
      next.control.value = '';
      await onDone();
    } catch (err) {
      const target = err instanceof ApiError && err.code === 'wrong_password' ? current
        : err instanceof ApiError && err.status === 400 ? next : null;
      const text = err instanceof ApiError && err.status === 400 ? err.detail : errorMessage(err);
      if (target) target.setError(text);
      summary.show([{ text, target: target ? target.id : null }]);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
