// First log-in with a temporary password: choose your own before anything else.

import { api } from '../api.js';
import { h, screenHeading, setTitle } from '../ui.js';
import { passwordForm } from '../password-form.js';

export function render(root, ctx) {
  setTitle('Choose your password');
  root.append(
    screenHeading('Choose your own password'),
    h('p', {}, 'You logged in with a temporary password. Please choose a new one that only you know.'),
    passwordForm({
      currentLabel: 'Temporary password',
      submitLabel: 'Save my password',
      onDone: async () => {
        let user = { ...ctx.user, pending: null };
        try {
          user = { ...(await api('/me')), pending: null };
        } catch (err) {
          if (err && err.code === 'mfa_setup_required') user = { ...ctx.user, pending: 'mfa_setup_required' };
        }
        ctx.setUser(user);
        ctx.navigate(ctx.landing());
      },
    }),
    h('p', {}, h('button', { type: 'button', class: 'link-button', onclick: () => ctx.logOut() }, 'Log out')));
}
