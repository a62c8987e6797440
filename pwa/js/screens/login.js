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
  const submit = button('Log in', { type: 'submit', class: 'btn btn-primary btn-block' });

  const form = h('form', { class: 'form', novalidate: true },
    summary.el, username.row, password.row,
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
      const result = await api('/auth/login', {
        method: 'POST',
        body: { username: username.control.value.trim(), password: password.control.value },
      });
      ctx.setUser(result.user);
      ctx.navigate(ctx.landing());
      return;
    } catch (err) {
      let text;
      if (err instanceof ApiError && err.status === 401) {
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
