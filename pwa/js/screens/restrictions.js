// "About your account" for a young person. Route: #/restrictions
//
// What a moderator has done about their account, in kind words (GET /me/restrictions: only
// what is in force, never a moderator's note), when it ends, one appeal each
// (POST /me/restrictions/{id}/appeal), and what was decided (GET /me/appeals). Always with
// what they can still use: the crisis lines, the journal, the library, a counsellor.

import { api, errorMessage } from '../api.js';
import { h, screenHeading, setTitle, backLink, button, field, fill, loading, notice, londonWhen, formatDate } from '../ui.js';
import { forgetRestrictions } from '../restriction-notice.js';

const TITLES = {
  warn: 'A warning about your posts',
  hold_all: 'Your posts are checked first',
  suspend: "You can't use the boards for now",
};
const OUTCOME_TITLES = { open: 'Waiting for a moderator', lifted: 'Your appeal: lifted', upheld: 'Your appeal: it stays for now' };

export function endWords(until) {
  if (!until) return 'No end date. A moderator will lift it when it is right to.';
  return `It ends ${londonWhen(until) || formatDate(until)}.`;
}

export async function render(root, ctx) {
  setTitle('About your account');
  const body = h('div', {}, loading());
  root.append(backLink(ctx.back('#/home'), 'Back'), screenHeading('About your account'), body);
  await draw(body, ctx);
}

async function draw(body, ctx) {
  let current;
  let appeals;
  try {
    [current, appeals] = await Promise.all([api('/me/restrictions'), api('/me/appeals')]);
  } catch (err) {
    fill(body, h('p', {}, `We couldn't load this. ${errorMessage(err)}`));
    return;
  }
  if (!ctx.isCurrent()) return;
  const items = (current && current.items) || [];
  const decided = ((appeals && appeals.items) || []).filter((a) => a.status !== 'open'
    && !items.some((i) => i.id === a.restriction_id));
  fill(body,
    items.length ? items.map((item) => restrictionCard(item, body, ctx))
      : h('p', {}, 'There is nothing on your account right now. You can use everything on Waymark.'),
    decided.length ? h('section', { class: 'section', 'aria-labelledby': 'outcomes-title' },
      h('h2', { id: 'outcomes-title' }, 'Your appeals'),
      decided.map((a) => h('div', { class: 'card restriction-outcome' },
        h('h3', {}, OUTCOME_TITLES[a.status] || 'Your appeal'),
        h('p', {}, a.message)))) : null,
    h('section', { class: 'section', 'aria-labelledby': 'still-title' },
      h('h2', { id: 'still-title' }, 'You can always'),
      h('ul', { class: 'link-list' },
        h('li', {}, h('a', { href: '#/talk' }, 'Talk to someone, or call a free helpline')),
        h('li', {}, h('a', { href: '#/journal' }, 'Write in your journal')),
        h('li', {}, h('a', { href: '#/library' }, 'Read the library')))));
}

function restrictionCard(item, body, ctx) {
  const card = h('section', { class: 'card restriction', 'aria-labelledby': `r-${item.id}` },
    h('h2', { id: `r-${item.id}` }, TITLES[item.kind] || 'About your account'),
    h('p', { class: 'restriction-message' }, item.message),
    item.kind === 'warn' ? null : h('p', { class: 'restriction-end' }, h('strong', {}, 'When it ends: '), endWords(item.until)));
  if (item.appeal) {
    card.append(notice([h('p', {}, h('strong', {}, OUTCOME_TITLES[item.appeal.status] || 'Your appeal')),
      h('p', {}, item.appeal.message)], item.appeal.status === 'upheld' ? 'warn' : 'info'));
  } else if (item.can_appeal) {
    card.append(appealForm(item, body, ctx));
  }
  if (item.kind === 'warn') {
    const ok = button('OK, I understand', { variant: 'secondary' });
    ok.addEventListener('click', async () => {
      ok.disabled = true;
      try {
        await api(`/me/restrictions/${encodeURIComponent(item.id)}/seen`, { method: 'POST' });
        forgetRestrictions();
        await draw(body, ctx);
      } catch (err) {
        ok.disabled = false;
        card.append(h('p', { role: 'alert' }, errorMessage(err)));
      }
    });
    card.append(h('div', { class: 'actions' }, ok));
  }
  return card;
}

function appealForm(item, body, ctx) {
  const text = field({
    label: 'Think this is wrong? Tell us why', name: 'text', type: 'textarea',
    hint: 'You can appeal once. A different moderator will read it and decide.',
    attrs: { maxlength: '2000', rows: '4' },
  });
  const send = button('Send my appeal', { type: 'submit' });
  const form = h('form', { class: 'form', novalidate: true }, text.row, h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    text.setError(null);
    const words = text.control.value.trim();
    if (!words) {
      text.setError('Please write a few words about why you think this is wrong');
      text.control.focus();
      return;
    }
    send.disabled = true;
    try {
      await api(`/me/restrictions/${encodeURIComponent(item.id)}/appeal`, { method: 'POST', body: { text: words } });
      forgetRestrictions();
      await draw(body, ctx);
      body.querySelector('.notice')?.setAttribute('role', 'status');
    } catch (err) {
      send.disabled = false;
      text.setError(errorMessage(err));
      text.control.focus();
    }
  });
  return form;
}
