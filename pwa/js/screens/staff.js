// Staff home: where counsellors, moderators, council officers and admins start.

import { h, screenHeading, setTitle } from '../ui.js';
import { COUNCIL_ROLES, MODERATION_ROLES } from '../session.js';

const ROLE_NAMES = {
  counsellor: 'counsellor',
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
  if (user.role === 'counsellor') {
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/counsellor', class: 'tile-link' }, 'Chats'),
      h('p', { class: 'tile-text' }, 'Set your availability, see who is waiting, chat with young people, and see safeguarding alerts.')));
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/services', class: 'tile-link' }, 'Local help'),
      h('p', { class: 'tile-text' }, 'The services young people can see.')));
  }
  if (COUNCIL_ROLES.has(user.role)) {
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/figures', class: 'tile-link' }, 'Figures'),
      h('p', { class: 'tile-text' }, 'Anonymous usage figures for commissioning: charts, tables and CSV.')));
  }
  if (user.role === 'admin') {
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/admin', class: 'tile-link' }, 'Admin'),
      h('p', { class: 'tile-text' }, 'Staff accounts, chat hours and closures, boards, councils and the audit log.')));
  }
  links.push(h('li', { class: 'tile' },
    h('a', { href: '#/mfa', class: 'tile-link' }, 'Two-step log-in'),
    h('p', { class: 'tile-text' }, 'Set up (or move to a new phone) the code app you use to log in.')));
  links.push(h('li', { class: 'tile' },
    h('a', { href: '#/password', class: 'tile-link' }, 'Change my password'),
    h('p', { class: 'tile-text' }, 'You will be logged out on your other devices.')));

  root.append(
    screenHeading(`Hello, ${user.name || 'there'}`),
    h('p', {}, `You're logged in as a ${ROLE_NAMES[user.role] || user.role}.`),
    links.length ? h('ul', { class: 'tiles tiles-wide' }, links)
      : h('p', {}, 'Your tools will appear here as they are added.'),
    h('p', {}, h('a', { href: '#/library' }, 'Read the self-help library'), ' as young people see it.'));
}
