// Home for a young person: a greeting and the main ways in.

import { h, screenHeading, setTitle, button } from '../ui.js';

function tile(title, href, description) {
  // The description sits outside the link so the link's name is just its title.
  return h('li', { class: 'tile' },
    h('a', { href, class: 'tile-link' }, title),
    h('p', { class: 'tile-text' }, description));
}

export function render(root, ctx) {
  setTitle('Home');
  const name = ctx.user ? ctx.user.username : '';

  root.append(
    screenHeading(name ? `Hi, ${name}` : 'Hi'),
    h('p', {}, 'What would you like to do?'),
    h('ul', { class: 'tiles' },
      tile('Library', '#/library', 'Read about feelings, friends, exams, sleep and more.'),
      tile('Local help', '#/services', 'Find services near you that can help.'),
      tile('Talk to someone', '#/talk', 'Helplines, and chatting with a counsellor.'),
      tile('My journal', '#/journal', 'Check in with how you feel, write, and set goals. Only you can see it.')),

    // Later features go here, in this order, once their screens exist:
    //   - PLACEHOLDER forums: "Talk with others" boards (js/screens/forums.js)
    // Never add streaks, reminders or "come back" prompts here.

    h('p', { class: 'quick-exit-hint' }, 'Press Quick exit or Shift 3 times to leave fast.'),

    h('section', { class: 'account', 'aria-labelledby': 'account-title' },
      h('h2', { id: 'account-title' }, 'Your account'),
      h('p', {}, `You're logged in as ${name}.`),
      // PLACEHOLDER: "Download my data" (GET /api/v1/me/export) and "Delete my account" (DELETE /api/v1/me).
      button('Log out', { variant: 'secondary', class: 'btn btn-secondary btn-block', onClick: () => ctx.logOut() })));
}
