// Staff home: where counsellors, moderators, council officers and admins start.

import { api } from '../../api.js';
import { h, screenHeading, setTitle, plural } from '../../ui.js';
import { COUNCIL_ROLES, MODERATION_ROLES, COUNSELLING_ROLES } from '../../session.js';

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
    const attention = h('p', { class: 'tile-text', 'aria-live': 'polite' });
    links.push(h('li', { class: 'tile' },
      h('a', { href: '#/council', class: 'tile-link' }, 'Council services'),
      h('p', { class: 'tile-text' }, 'Keep your local service directory right. Import and export Open Referral UK files.'),
      attention));
    if (user.role === 'council_admin' && user.council_code) showAttention(attention, user.council_code);
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

/** The council officer's to-do on their home: services nobody can contact, and services
 * not reviewed for 12 months (counted by the directory's list). */
async function showAttention(el, code) {
  try {
    const data = await api(`/councils/${encodeURIComponent(code)}/services`);
    el.textContent = `${plural(data.needs_contact || 0, 'service needs', 'services need')} contact details; `
      + `${plural(data.needs_review || 0, 'service has', 'services have')} not been reviewed for 12 months.`;
  } catch {
    el.textContent = '';
  }
}
