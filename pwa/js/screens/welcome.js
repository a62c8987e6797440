// Welcome (signed out): what Waymark is, Sign up, Log in, or read without an account.

import { h, screenHeading, setTitle, button } from '../ui.js';

export function render(root, ctx) {
  setTitle('Welcome');
  root.append(
    h('div', { class: 'welcome-top' },
      screenHeading('Welcome to Waymark'),
      h('ul', { class: 'intro-lines' },
        h('li', {}, 'Free support for young people aged 11 to 25.'),
        h('li', {}, 'Read self-help, find help near you, or talk to a counsellor.'),
        h('li', {}, "You don't give your real name, and no one needs to refer you.")),
      h('p', { class: 'quick-exit-hint' }, 'Press Quick exit or Shift 3 times to leave fast.')),
    h('div', { class: 'actions actions-bottom' },
      button('Sign up', { variant: 'primary', class: 'btn btn-primary btn-block', onClick: () => ctx.navigate('#/signup') }),
      button('Log in', { variant: 'secondary', class: 'btn btn-secondary btn-block', onClick: () => ctx.navigate('#/login') }),
      h('p', { class: 'center' }, h('a', { href: '#/library' }, 'Read the library without an account'))));
}
