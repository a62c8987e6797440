// Welcome (signed out): what Waymark is, who it is for where you live, Sign up, Log in, or
// read without an account.
//
// Each council sets its own ages (GET /api/v1/councils: min_age, max_age and a longer
// extended_max_age for care leavers and young people with an EHCP), so no range is shown
// for everyone: choosing "Where do you live?" shows that council's. The choice is kept only
// in the address of the Sign up screen (#/signup?council=CODE), never stored.

import { api } from '../api.js';
import { h, screenHeading, setTitle, button, field } from '../ui.js';
import { ageText } from '../account-words.js';

export function render(root, ctx) {
  setTitle('Welcome');
  const where = field({
    label: 'Where do you live?', name: 'council', type: 'select',
    hint: 'Choose your council to see who Waymark is for there.',
    options: [{ value: '', label: 'Loading councils…' }], value: '', attrs: { disabled: true },
  });
  const ages = h('p', { class: 'council-note', 'aria-live': 'polite' });
  let councils = [];
  const signUp = () => ctx.navigate(where.control.value
    ? `#/signup?council=${encodeURIComponent(where.control.value)}` : '#/signup');

  root.append(
    h('div', { class: 'welcome-top' },
      screenHeading('Welcome to Waymark'),
      h('ul', { class: 'intro-lines' },
        h('li', {}, 'Free support for young people, from the council where you live.'),
        h('li', {}, 'Read self-help, find help near you, or talk to a counsellor.'),
        h('li', {}, "You don't give your real name, and no one needs to refer you.")),
      h('div', { class: 'welcome-council' }, where.row, ages),
      h('p', { class: 'quick-exit-hint' }, 'Press Quick exit or Shift 3 times to leave fast.')),
    h('div', { class: 'actions actions-bottom' },
      button('Sign up', { variant: 'primary', class: 'btn btn-primary btn-block', onClick: signUp }),
      button('Log in', { variant: 'secondary', class: 'btn btn-secondary btn-block', onClick: () => ctx.navigate('#/login') }),
      h('p', { class: 'center' }, h('a', { href: '#/library' }, 'Read the library without an account'))));

  where.control.addEventListener('change', () => {
    const c = councils.find((x) => x.code === where.control.value);
    ages.textContent = c ? ageText(c) : '';
  });
  api('/councils').then((list) => {
    councils = Array.isArray(list) ? list : [];
    where.control.replaceChildren(h('option', { value: '' }, 'Choose your council'),
      ...councils.map((c) => h('option', { value: c.code }, c.name)));
    where.control.disabled = false;
  }).catch(() => {
    // Offline or the server is down: the rest of the screen still works.
    where.row.hidden = true;
  });
}
