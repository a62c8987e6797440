// The admin console (desktop): one panel at a time, chosen from the sub-navigation.
// #/admin/staff (default), #/admin/hours, #/admin/boards, #/admin/councils, #/admin/audit.
// Each panel is its own module (../admin/<panel>.js) with render(area, ctx).

import { h, screenHeading, setTitle, backLink, loading, notice } from '../../ui.js';

const PANELS = [
  ['staff', 'Staff'],
  ['hours', 'Chat hours'],
  ['boards', 'Boards'],
  ['councils', 'Councils'],
  ['audit', 'Audit log'],
];

export async function render(root, ctx) {
  const panel = PANELS.some(([key]) => key === ctx.params[0]) ? ctx.params[0] : 'staff';
  const label = PANELS.find(([key]) => key === panel)[1];
  setTitle(`Admin: ${label}`);
  const area = h('div', { class: 'admin-panel' }, loading());
  root.append(
    backLink('#/staff', 'Staff home'),
    screenHeading('Admin'),
    h('nav', { class: 'subnav', 'aria-label': 'Admin' }, h('ul', {}, PANELS.map(([key, text]) => h('li', {},
      h('a', { href: `#/admin/${key}`, 'aria-current': key === panel ? 'page' : null }, text))))),
    h('h2', {}, label),
    area);
  try {
    const mod = await import(`../admin/${panel}.js`);
    area.replaceChildren();
    await mod.render(area, ctx);
  } catch (err) {
    console.error(err); // eslint-disable-line no-console
    area.replaceChildren(notice('This panel did not load. Please try again.', 'error'));
  }
}
