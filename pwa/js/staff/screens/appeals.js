// Appeals against restrictions (desktop first). Route: #/appeals  (moderator, admin)
//
// Open appeals, oldest first, each with the restriction and what the young person wrote.
// A moderator who made the restriction can't decide its appeal (the server answers 403);
// they see who can instead.

import { api, errorMessage } from '../../api.js';
import { h, screenHeading, setTitle, backLink, fill, loading, timeAgo } from '../../ui.js';
import { KIND_LABELS, appealDecisionForm } from '../moderation/restrictions.js';

export async function render(root, ctx) {
  setTitle('Appeals');
  const body = h('div', {}, loading());
  const result = h('p', { class: 'status-message', role: 'status' });
  root.append(backLink(ctx.back('#/moderation'), 'Back to moderation'), screenHeading('Appeals'), result, body);
  await draw(body, result, ctx);
}

async function draw(body, result, ctx) {
  let data;
  try {
    data = await api('/moderation/appeals', { query: { status: 'open' } });
  } catch (err) {
    fill(body, h('p', {}, `We couldn't load the appeals. ${errorMessage(err)}`));
    return;
  }
  if (!ctx.isCurrent()) return;
  const items = (data && data.items) || [];
  if (!items.length) {
    fill(body, h('p', { class: 'console-empty' }, 'No appeals are waiting.'));
    return;
  }
  fill(body, h('ol', { class: 'appeal-list' }, items.map((a) => {
    const r = a.restriction;
    const li = h('li', { class: 'console-card appeal' },
      h('h2', {}, h('a', { href: `#/authors/${encodeURIComponent(a.user_id)}` }, a.username), ` · ${KIND_LABELS[r.kind] || r.kind}`),
      h('p', { class: 'meta' }, `Reason: ${r.reason || r.reason_code} · by ${r.created_by || 'a moderator'} · appeal sent ${timeAgo(a.created_at)}`),
      h('blockquote', {}, a.text));
    if (!a.can_decide) {
      li.append(h('p', {}, 'You made this restriction, so another moderator decides the appeal.'));
      return li;
    }
    li.append(appealDecisionForm(a.id, async (action, note, trigger) => {
      trigger.disabled = true;
      try {
        await api(`/moderation/appeals/${encodeURIComponent(a.id)}/decision`, { method: 'POST', body: { action, note } });
        result.textContent = action === 'lift' ? `Lifted for ${a.username}. They will see it.` : `Kept for ${a.username}. They will see it.`;
        await draw(body, result, ctx);
        document.querySelector('h1')?.focus();
      } catch (err) {
        trigger.disabled = false;
        result.textContent = errorMessage(err);
      }
    }));
    return li;
  })));
}
