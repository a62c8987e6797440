// Get back in with the recovery code: choose a new password, get a new recovery code.

import { api, ApiError, errorMessage, tooManyTries, fieldErrors } from '../api.js';
import { h, screenHeading, setTitle, backLink, button, field, errorSummary, addPasswordToggle } from '../ui.js';
import { passwordHint } from '../account-words.js';
import { showRecoveryCode } from '../recovery-code.js';

export function render(root, ctx) {
  setTitle('Forgotten your password');
  const summary = errorSummary();
  const username = field({
    label: 'Username', name: 'username',
    attrs: { autocomplete: 'username', autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false' },
  });
  const code = field({
    label: 'Recovery code', name: 'recovery_code',
    hint: 'The code you wrote down when you signed up, like ABCD-EFGH-JKLM-NPQR.',
    attrs: { autocomplete: 'off', autocapitalize: 'characters', autocorrect: 'off', spellcheck: 'false' },
  });
  const password = field({
    label: 'New password', name: 'new_password', type: 'password', hint: passwordHint(),
    attrs: { autocomplete: 'new-password' },
  });
  addPasswordToggle(password);
  const submit = button('Reset my password', { type: 'submit', class: 'btn btn-primary btn-block' });
  const fields = { username, recovery_code: code, new_password: password, password };

  const form = h('form', { class: 'form', novalidate: true },
    summary.el, username.row, code.row, password.row,
    h('div', { class: 'actions actions-bottom' }, submit));

  root.append(
    backLink(ctx.back('#/login')),
    screenHeading('Forgotten your password?'),
    h('p', {}, 'Use the recovery code you saved when you signed up to choose a new password.'),
    form,
    h('p', {}, "Lost your recovery code too? We can't get into your account without it, because we don't know who you are. You can ",
      h('a', { href: '#/signup' }, 'make a new account'), ' instead.'),
    h('p', {}, 'Staff: please ask your Waymark administrator to reset your password.'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    [username, code, password].forEach((f) => f.setError(null));
    const problems = [];
    const add = (f, text) => { f.setError(text); problems.push({ text, target: f.id }); };
    if (!username.control.value.trim()) add(username, 'Enter your username');
    if (!code.control.value.trim()) add(code, 'Enter your recovery code');
    if (!password.control.value) add(password, 'Enter a new password');
    else if (password.control.value.length < 10) add(password, 'Your new password needs at least 10 characters');
    if (problems.length) {
      summary.show(problems);
      return;
    }

    submit.disabled = true;
    submit.textContent = 'Checking…';
    try {
      const result = await api('/auth/recover', {
        method: 'POST',
        body: {
          username: username.control.value.trim(),
          recovery_code: code.control.value.trim(),
          new_password: password.control.value,
        },
      });
      ctx.setUser(result.user);
      showRecoveryCode(root, ctx, result.recovery_code, {
        intro: "Your password has been changed and you're logged in. Here is your new recovery code. Your old one won't work any more.",
        next: ctx.landing(),
      });
      return;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        summary.show([{ text: "That username and recovery code don't match. Please check them and try again." }]);
      } else if (err instanceof ApiError && err.status === 429) {
        summary.show([{ text: tooManyTries(err.retryAfter) }]);
      } else if (err instanceof ApiError && err.status === 400) {
        const items = [];
        for (const [key, text] of Object.entries(fieldErrors(err))) {
          const f = fields[key];
          if (f) { f.setError(text); items.push({ text, target: f.id }); }
        }
        if (!items.length) {
          const text = err.detail || 'Please check your answers.';
          if (/password/i.test(text)) password.setError(text);
          items.push({ text, target: /password/i.test(text) ? password.id : null });
        }
        summary.show(items);
      } else {
        summary.show([{ text: errorMessage(err) }]);
      }
    }
    submit.disabled = false;
    submit.textContent = 'Reset my password';
  });
}
