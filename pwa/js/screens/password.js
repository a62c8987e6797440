// Change my password. At first log-in with a temporary password this comes before anything
// else; staff also reach it from their home. (Young people change theirs on #/account.)

import { api } from '../api.js';
import { h, screenHeading, setTitle, backLink } from '../ui.js';
import { passwordForm } from '../password-form.js';

export function render(root, ctx) {
  const temporary = ctx.user.pending === 'password_change_required';
  setTitle(temporary ? 'Choose your password' : 'Change my password');
  if (!temporary) root.append(backLink(ctx.back(ctx.landing()), 'Back'));
  root.append(
    screenHeading(temporary ? 'Choose your own password' : 'Change my password'),
    h('p', {}, temporary
      ? 'You logged in with a temporary password. Please choose a new one that only you know.'
      : "You'll be logged out on your other devices."),
    passwordForm({
      currentLabel: temporary ? 'Temporary password' : 'Your current password',
      submitLabel: temporary ? 'Save my password' : 'Change password',
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
    }));
  if (temporary) root.append(h('p', {}, h('button', { type: 'button', class: 'link-button', onclick: () => ctx.logOut() }, 'Log out')));
}
