// Staff home: where counsellors, moderators, council officers and admins start.

import { h, screenHeading, setTitle } from '../ui.js';
import { COUNCIL_ROLES, MODERATION_ROLES, COUNSELLING_ROLES } from '../session.js';

const ROLE_NAMES = {
  counsellor: 'counsellor',
  supervisor: 'supervisor',
  moderator: 'moderator',
  council_admin: 'council officer',
  admin: 'platform admin',
};

export function render(root, ctx) {
  setTitle('Staff home');
  const user = ctx.user;
  const links = [];
  if (MODERATION_ROLES.has(user.role)) {
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/moderation', class: 'tile-link' }, 'Moderation'),
      h('p', { class: 'tile-text' }, user.role === 'admin'
        ? 'Review forum posts and reports, most urgent first. Watched words and forum settings.'
        : 'Review forum posts and reports, most urgent first.')));
  }
  if (COUNCIL_ROLES.has(user.role)) {
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/council', class: 'tile-link' }, 'Council services'),
      h('p', { class: 'tile-text' }, 'Keep your local service directory right. Import and export Open Referral UK files.')));
  }
  if (COUNSELLING_ROLES.has(user.role)) {
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/counsellor', class: 'tile-link' }, 'Chats'),
      h('p', { class: 'tile-text' }, 'Set your availability, see who is waiting, chat with young people, answer messages and see safeguarding alerts.')));
    if (user.role === 'supervisor') {
      links.push(h('li', { class: 'tile' },
        h('a', { href: '#/live', class: 'tile-link' }, 'Live board'),
        h('p', { class: 'tile-text' }, 'Every open chat. Watch one, and send its counsellor a private note.')));
    }
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/services', class: 'tile-link' }, 'Local help'),
      h('p', { class: 'tile-text' }, 'The services young people can see.')));
  }
  // PLACEHOLDER: commissioning reports, admin tools.

  root.append(
    screenHeading(`Hello, ${user.username}`),
    h('p', {}, `You're logged in as a ${ROLE_NAMES[user.role] || user.role}.`),
    links.length ? h('ul', { class: 'tiles tiles-wide' }, links)
      : h('p', {}, 'Your tools will appear here as they are added.'),
    h('p', {}, h('a', { href: '#/library' }, 'Read the self-help library'), ' as young people see it.'));
}
