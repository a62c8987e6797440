// The author page (desktop first). Route: #/authors/<user id>  (moderator, admin)
//
// Reached from a queue item or a report in the moderation console. Shows the account's
// counts (published, waiting or held, rejected, reports against their posts), their recent
// posts and reports, and every restriction (in force, lifted, expired) with its appeal.
// Here a moderator warns, holds every post for review, or suspends (until a date or until
// lifted) with an account reason the young person reads and a private note for staff;
// lifts a restriction; and decides an appeal, unless they made the restriction.

import { api, ApiError, errorMessage } from '../../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, fill, loading, radioGroup, formatDate, timeAgo, londonWhen, srOnly,
} from '../../ui.js';
import { KIND_LABELS, endOfLondonDay, appealDecisionForm } from '../moderation/restrictions.js';

const STATUS_LABELS = { in_force: 'In force', lifted: 'Lifted', expired: 'Ended', seen: 'Read by them' };
const APPEAL_LABELS = { open: 'Appeal waiting', upheld: 'Appeal: upheld', lifted: 'Appeal: lifted' };
const POST_STATUS = { pending: 'Waiting', held: 'Held', published: 'Published', rejected: 'Rejected' };

export async function render(root, ctx) {
  setTitle('Author');
  const id = ctx.params[0] || '';
  const body = h('div', {}, loading());
  const result = h('p', { class: 'status-message', role: 'status' });
  root.append(backLink(ctx.back('#/moderation'), 'Back to moderation'), screenHeading('Author'), result, body);
  const page = new AuthorPage(root, body, result, ctx, id);
  await page.load();
}

class AuthorPage {
  constructor(root, body, result, ctx, id) {
    Object.assign(this, { root, body, result, ctx, id });
    this.reasons = api('/moderation/reasons')
      .then((list) => (Array.isArray(list) ? list.filter((r) => r.applies_to === 'account') : []))
      .catch(() => []);
  }

  async load() {
    let data;
    try {
      data = await api(`/moderation/users/${encodeURIComponent(this.id)}`);
    } catch (err) {
      fill(this.body, h('p', {}, err instanceof ApiError && err.status === 404
        ? "We can't find this account. It may have been deleted." : `We couldn't load this account. ${errorMessage(err)}`));
      return;
    }
    if (!this.ctx.isCurrent()) return;
    this.data = data;
    setTitle(`Author: ${data.username}`);
    this.root.querySelector('h1').textContent = `Author: ${data.username}`;
    const reasons = await this.reasons;
    fill(this.body,
      h('p', { class: 'meta' }, `Joined ${formatDate(data.created_at)}`, data.role !== 'young_person' ? ` · Staff account (${data.role})` : ''),
      h('dl', { class: 'author-counts' },
        count('Published', data.posts.published), count('Waiting or held', data.posts.held),
        count('Rejected', data.posts.rejected), count('Reports against their posts', data.reports)),
      h('section', { class: 'console-card', 'aria-labelledby': 'restrictions-title' },
        h('h2', { id: 'restrictions-title' }, 'Restrictions'),
        data.restrictions.length ? h('ul', { class: 'restriction-list' }, data.restrictions.map((r) => this.restriction(r)))
          : h('p', { class: 'console-empty' }, 'None so far.')),
      data.role === 'young_person' ? this.actForm(reasons) : null,
      h('section', { class: 'console-card', 'aria-labelledby': 'reports-title' },
        h('h2', { id: 'reports-title' }, 'Reports against their posts'),
        data.recent_reports.length ? h('ul', {}, data.recent_reports.map((rep) => h('li', {},
          `“${rep.reason}” `, h('span', { class: 'meta' }, `${timeAgo(rep.created_at)} · ${rep.status}`))))
          : h('p', { class: 'console-empty' }, 'No reports.')),
      h('section', { class: 'console-card', 'aria-labelledby': 'posts-title' },
        h('h2', { id: 'posts-title' }, 'Recent posts'),
        data.recent_posts.length ? h('ul', { class: 'author-posts' }, data.recent_posts.map((p) => h('li', {},
          h('p', { class: 'meta' }, `${POST_STATUS[p.status] || p.status} · ${timeAgo(p.created_at)}${p.title ? ` · “${p.title}”` : ''}`),
          h('p', { class: 'author-post-body' }, p.body))))
          : h('p', { class: 'console-empty' }, 'No posts.')));
  }

  restriction(r) {
    const me = this.ctx.user.id;
    const until = r.until ? `until ${londonWhen(r.until) || formatDate(r.until)}` : 'until lifted';
    const li = h('li', { class: `restriction restriction-${r.status}` },
      h('h3', {}, `${KIND_LABELS[r.kind] || r.kind} · ${STATUS_LABELS[r.status] || r.status}`),
      h('p', {}, h('strong', {}, 'Reason: '), r.reason || r.reason_code, r.kind === 'warn' ? '' : ` · ${until}`),
      h('p', { class: 'meta' }, `By ${r.created_by || 'a moderator'}, ${timeAgo(r.created_at)}`,
        r.lifted_at ? ` · ended ${formatDate(r.lifted_at)}${r.lifted_by ? ` by ${r.lifted_by}` : ''}` : ''),
      r.note ? h('p', { class: 'restriction-note' }, h('strong', {}, 'Private note: '), r.note) : null,
      h('details', {}, h('summary', {}, 'What they read'), h('p', {}, r.message)));
    if (r.status === 'in_force') {
      const lift = button(['Lift', srOnly(`: ${KIND_LABELS[r.kind] || r.kind}`)], { class: 'btn btn-secondary btn-small' });
      lift.addEventListener('click', () => this.act(lift, () => api(
        `/moderation/users/${encodeURIComponent(this.id)}/restrictions/${encodeURIComponent(r.id)}`, { method: 'DELETE' }), 'Lifted.'));
      li.append(h('div', { class: 'actions actions-row' }, lift));
    }
    if (r.appeal) li.append(this.appeal(r, me));
    return li;
  }

  appeal(r, me) {
    const a = r.appeal;
    const box = h('div', { class: 'restriction-appeal' },
      h('h4', {}, APPEAL_LABELS[a.status] || 'Appeal'),
      h('blockquote', {}, a.text),
      h('p', { class: 'meta' }, `Sent ${timeAgo(a.created_at)}${a.decided_by ? ` · decided by ${a.decided_by}` : ''}`),
      a.note ? h('p', { class: 'restriction-note' }, h('strong', {}, 'Decision note: '), a.note) : null);
    if (a.status !== 'open') return box;
    if (r.created_by_id === me) {
      box.append(h('p', {}, 'You made this restriction, so another moderator decides the appeal.'));
      return box;
    }
    box.append(appealDecisionForm(a.id, (action, note, trigger) => this.act(trigger, () => api(
      `/moderation/appeals/${encodeURIComponent(a.id)}/decision`, { method: 'POST', body: { action, note } }),
    action === 'lift' ? 'Appeal decided: lifted. They will see it.' : 'Appeal decided: it stays. They will see it.')));
    return box;
  }

  actForm(reasons) {
    const kind = radioGroup({
      legend: 'What to do', name: 'kind', value: 'warn',
      options: [
        { value: 'warn', label: 'Warn (they see it once)' },
        { value: 'hold_all', label: 'Hold every post for review' },
        { value: 'suspend', label: 'Suspend from posting, replying, reacting and reporting' },
      ],
    });
    const reason = field({
      label: 'Reason they will read', name: 'reason_code', type: 'select',
      options: [{ value: '', label: 'Choose a reason' }, ...reasons.map((r) => ({ value: r.code, label: r.label }))],
    });
    const preview = h('blockquote', { class: 'mod-preview', hidden: true });
    reason.control.addEventListener('change', () => {
      const r = reasons.find((x) => x.code === reason.control.value);
      preview.textContent = r ? r.message : '';
      preview.hidden = !r;
    });
    const end = radioGroup({
      legend: 'How long', name: 'end', value: 'none',
      options: [{ value: 'none', label: 'Until a moderator lifts it' }, { value: 'date', label: 'Until a date' }],
    });
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    const day = field({ label: 'Last day', name: 'until', type: 'date', attrs: { min: tomorrow } });
    day.row.hidden = true;
    for (const input of end.inputs) input.addEventListener('change', () => { day.row.hidden = end.value() !== 'date'; });
    const note = field({
      label: 'Private note for staff', name: 'note', type: 'textarea',
      hint: 'Moderators and counsellors see this. The young person never does.', attrs: { maxlength: '2000', rows: '3' },
    });
    const save = button('Save', { type: 'submit', class: 'btn btn-primary' });
    const form = h('form', { class: 'form', novalidate: true }, kind.el, reason.row, preview, end.el, day.row, note.row,
      h('div', { class: 'actions actions-row' }, save));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      reason.setError(null);
      day.setError(null);
      if (!reason.control.value) {
        reason.setError('Choose a reason');
        reason.control.focus();
        return;
      }
      const body = { kind: kind.value(), reason_code: reason.control.value, note: note.control.value.trim() || null };
      if (end.value() === 'date') {
        if (!day.control.value || day.control.value < tomorrow) {
          day.setError('Choose a day after today');
          day.control.focus();
          return;
        }
        body.until = endOfLondonDay(day.control.value);
      }
      this.act(save, () => api(`/moderation/users/${encodeURIComponent(this.id)}/restrictions`, { method: 'POST', body }),
        `Saved: ${KIND_LABELS[body.kind]}.`);
    });
    return h('section', { class: 'console-card', 'aria-labelledby': 'act-title' },
      h('h2', { id: 'act-title' }, 'Act on this account'),
      h('p', { class: 'meta' }, 'They keep the crisis lines, their journal, the library, chat with a counsellor and messages to the team, whatever you choose.'),
      form);
  }

  async act(trigger, call, done) {
    trigger.disabled = true;
    this.result.textContent = '';
    try {
      await call();
      this.result.textContent = done;
      await this.load();
      this.root.querySelector('h1')?.focus();
    } catch (err) {
      if (trigger.isConnected) trigger.disabled = false;
      this.result.textContent = errorMessage(err);
    }
  }
}

function count(label, value) {
  return h('div', { class: 'author-count' }, h('dt', {}, label), h('dd', {}, String(value)));
}
