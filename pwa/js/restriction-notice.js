// A young person's restriction, shown where it matters: Home and the forums.
//
// A warning is shown once (at the next visit): "OK, I understand" marks it seen
// (POST /me/restrictions/{id}/seen) and it does not come back. A hold or a suspension is a
// short line with a link to #/restrictions (the reason, the end, the appeal). Never a
// nudge, never on the help screens: the crisis lines, the journal, the library and
// "Talk to someone" look the same as ever.

import { api } from './api.js';
import { h, button } from './ui.js';

const SCREENS = new Set(['home', 'forums', 'thread']);
const CACHE_MS = 30000;
const LINES = {
  suspend: "You can't post, reply or react on the boards for now.",
  hold_all: 'For now, a moderator reads each of your posts before anyone else sees them.',
};

let cached = null; // { at, user, items }

/** Forget what was loaded (after an appeal, a warning read, or logging out). */
export function forgetRestrictions() {
  cached = null;
}

async function current(user) {
  if (cached && cached.user === user && Date.now() - cached.at < CACHE_MS) return cached.items;
  const data = await api('/me/restrictions');
  cached = { at: Date.now(), user, items: (data && data.items) || [] };
  return cached.items;
}

function place(view, banner) {
  const title = view.querySelector('h1');
  if (title) title.after(banner);
  else view.prepend(banner);
}

function warning(item) {
  const ok = button('OK, I understand', { variant: 'secondary', class: 'btn btn-secondary btn-small' });
  const banner = h('section', { class: 'notice notice-warn restriction-notice', 'aria-labelledby': `warn-${item.id}` },
    h('h2', { id: `warn-${item.id}` }, 'A message from the moderators'),
    h('p', {}, item.message),
    h('div', { class: 'actions actions-row' }, ok,
      item.can_appeal ? h('a', { href: '#/restrictions' }, 'I think this is wrong') : null));
  ok.addEventListener('click', async () => {
    ok.disabled = true;
    try {
      await api(`/me/restrictions/${encodeURIComponent(item.id)}/seen`, { method: 'POST' });
      forgetRestrictions();
      banner.remove();
    } catch {
      ok.disabled = false;
    }
  });
  return banner;
}

/** Add the notice to a screen that was just drawn (`module` is the screen's name). */
export async function addRestrictionNotice(view, ctx, module) {
  if (!SCREENS.has(module) || !ctx.user || ctx.user.role !== 'young_person') return;
  let items;
  try {
    items = await current(ctx.user.id);
  } catch {
    return; // offline or signed out: nothing to add
  }
  if (!ctx.isCurrent() || !view.isConnected) return;
  const warn = items.find((i) => i.kind === 'warn');
  const strongest = items.find((i) => i.kind === 'suspend') || items.find((i) => i.kind === 'hold_all');
  if (strongest) {
    place(view, h('p', { class: 'notice notice-info restriction-notice', role: 'status' },
      LINES[strongest.kind], ' ', h('a', { href: '#/restrictions' }, 'See why')));
  }
  if (warn) place(view, warning(warn));
}
