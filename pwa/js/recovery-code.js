// The recovery code, shown ONCE after sign-up or after using a recovery code.
// It is not a route (so it never sits in a URL or the history) and is never stored.

import { h, screenHeading, setTitle, button, fill } from './ui.js';

/**
 * Replace the screen with the recovery code.
 * options.intro: a first paragraph (for example "Your password has been changed.").
 * options.next: where "I've saved it" goes.
 */
export function showRecoveryCode(root, ctx, code, { intro = null, next = '#/home' } = {}) {
  setTitle('Your recovery code');
  const copyStatus = h('p', { class: 'copy-status', role: 'status' });
  const title = screenHeading('Your recovery code');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      copyStatus.textContent = 'Copied. Now paste it somewhere safe.';
    } catch {
      copyStatus.textContent = "Copying didn't work here. Please write the code down instead.";
    }
  };

  fill(root,
    title,
    intro ? h('p', {}, intro) : null,
    h('p', {}, 'Write this code down somewhere safe, like a notebook or your phone notes.'),
    h('p', { class: 'recovery-code', 'data-testid': 'recovery-code' }, code),
    h('ul', { class: 'plain-list' },
      h('li', {}, "It's the only way back into your account if you forget your password."),
      h('li', {}, "We can't show it to you again, and we can't see it either."),
      h('li', {}, "Keep it private. Anyone with your username and this code can get into your account.")),
    copyStatus,
    h('div', { class: 'actions actions-bottom' },
      navigator.clipboard ? button('Copy the code', { variant: 'secondary', class: 'btn btn-secondary btn-block', onClick: copy }) : null,
      button("I've saved it", { variant: 'primary', class: 'btn btn-primary btn-block', onClick: () => ctx.navigate(next) })));
  title.focus();
}
