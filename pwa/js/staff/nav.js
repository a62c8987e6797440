// The staff nav in the top bar (staff only: app.js imports this only for a staff member).

import { h } from '../ui.js';
import { COUNCIL_ROLES, MODERATION_ROLES, COUNSELLING_ROLES } from '../session.js';

/** Draw the links `user`'s role has, and Log out. */
export function drawStaffNav(nav, user, logOut) {
  const link = (href, key, text) => h('li', {}, h('a', { href, 'data-nav': key }, text));
  const links = [link('#/staff', 'staff', 'Staff home')];
  if (COUNSELLING_ROLES.has(user.role)) links.push(link('#/counsellor', 'counsellor', 'Chats'));
  if (user.role === 'supervisor') links.push(link('#/live', 'live', 'Live board'));
  if (COUNCIL_ROLES.has(user.role)) links.push(link('#/council', 'council', 'Council services'));
  if (MODERATION_ROLES.has(user.role)) links.push(link('#/moderation', 'moderation', 'Moderation'));
  if (COUNCIL_ROLES.has(user.role)) links.push(link('#/figures', 'figures', 'Figures'));
  if (user.role === 'admin') links.push(link('#/admin', 'admin', 'Admin'));
  links.push(h('li', {}, h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: logOut }, 'Log out')));
  nav.replaceChildren(h('ul', {}, links));
}
