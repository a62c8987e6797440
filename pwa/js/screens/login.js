// Log in. Young people use their username; staff use their work e-mail in the same box.

import { api, ApiError, errorMessage, tooManyTries } from '../api.js';
import { h, screenHeading, setTitle, backLink, button, field, errorSummary, addPasswordToggle } from '../ui.js';

export function render(root, ctx) {
  setTitle('Log in');
  const summary = errorSummary();
  const username = field({
    label: 'Username (or work e-mail for staff)', name: 'username',
    attrs: { autocomplete: 'username', autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false' },
  });
  const password = field({
    label: 'Password', name: 'password', type: 'password', attrs: { autocomplete: 'current-password' },
  });
  addPasswordToggle(password);
  // Staff with two-step log-in: asked for the code from their authenticator app when needed.
  const code = field({
    label: 'Code from your authenticator app', name: 'otp', hint: 'The 6 numbers your app shows now.',
    attrs: { autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]*', maxlength: '6' },
  });
  code.row.hidden = true;
  const submit = button('Log in', { type: 'submit', class: 'btn btn-primary btn-block' });

  const form = h('form', { class: 'form', novalidate: true },
    summary.el, username.row, password.row, code.row,
    h('p', {}, h('a', { href: '#/recover' }, 'Forgotten your password?')),
    h('div', { class: 'actions actions-bottom' }, submit));

  root.append(
    backLink(ctx.back('#/welcome')),
    screenHeading('Log in'),
    form,
    h('p', { class: 'center' }, 'New to Waymark? ', h('a', { href: '#/signup' }, 'Sign up for free')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    username.setError(null);
    password.setError(null);
    const problems = [];
    if (!username.control.value.trim()) {
      username.setError('Enter your username');
      problems.push({ text: 'Enter your username', target: username.id });
    }
    if (!password.control.value) {
      password.setError('Enter your password');
      problems.push({ text: 'Enter your password', target: password.id });
    }
    if (problems.length) {
      summary.show(problems);
      return;
    }

    submit.disabled = true;
    submit.textContent = 'Logging in…';
    try {
      const body = { username: username.control.value.trim(), password: password.control.value };
      if (!code.row.hidden && code.control.value.trim()) body.otp = code.control.value.trim();
      const result = await api('/auth/login', { method: 'POST', body });
      let pending = null;
      if (result.password_change_required) pending = 'password_change_required';
      else if (result.mfa_setup_required) pending = 'mfa_setup_required';
      ctx.setUser({ ...result.user, pending });
      ctx.navigate(ctx.landing());
      return;
    } catch (err) {
      let text;
      if (err instanceof ApiError && err.status === 401 && (err.code === 'mfa_required' || err.code === 'bad_otp')) {
        const first = code.row.hidden;
        code.row.hidden = false;
        text = first ? 'Please type the 6-digit code from your authenticator app.' : err.detail;
        code.control.value = '';
        summary.show([{ text, target: code.id }]);
        code.control.focus();
        submit.disabled = false;
        submit.textContent = 'Log in';
        return;
      }
      if (err instanceof ApiError && (err.code === 'account_disabled' || err.code === 'temporary_password_expired')) {
        text = err.detail;
      } else if (err instanceof ApiError && err.status === 401) {
        text = "That username or password isn't right. Please check them and try again.";
      } else if (err instanceof ApiError && err.status === 429) {
        text = tooManyTries(err.retryAfter);
      } else {
        text = errorMessage(err);
      }
      summary.show([{ text }]);
      password.control.value = '';
    }
    submit.disabled = false;
    submit.textContent = 'Log in';
  });
}
