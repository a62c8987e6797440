// Messages to the team, in the counsellor's console beside the queue (GET /messages/inbox):
// urgent first, then oldest; the time left to the reply target; claim, open the thread,
// reply (saved replies work here too) and close.

import { api, ApiError, errorMessage, newClientId } from '../../api.js';
import { h, button, uid, fill, srOnly, plural, londonTime, formatDate } from '../../ui.js';
import { applyLimits } from '../../meta.js';
import { savedRepliesPicker } from './saved-replies.js';


/** "1 day 3 hours left" / "2 hours overdue": the time to the reply target. */
export function timeLeft(iso, now = new Date()) {
  const ms = new Date(iso).getTime() - now.getTime();
  if (!Number.isFinite(ms)) return '';
  const minutes = Math.round(Math.abs(ms) / 60000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  let span;
  if (days >= 1) span = `${plural(days, 'day', 'days')}${hours % 24 ? ` ${plural(hours % 24, 'hour', 'hours')}` : ''}`;
  else if (hours >= 1) span = plural(hours, 'hour', 'hours');
  else span = plural(Math.max(1, minutes), 'minute', 'minutes');
  return ms >= 0 ? `${span} left` : `${span} overdue`;
}

export class InboxPanel {
  constructor(consoleRef) {
    this.console = consoleRef;
    this.count = h('span', {}, '');
    this.message = h('p', { class: 'console-alert', role: 'alert' });
    this.done = h('p', { class: 'status-message', role: 'status' });
    this.body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading messages…'));
    this.reader = h('div', { class: 'inbox-reader' });
    this.el = h('section', { class: 'console-card inbox-card', 'aria-labelledby': 'inbox-title' },
      h('h2', { id: 'inbox-title', tabindex: '-1' }, 'Messages ', this.count),
      h('p', { class: 'meta' }, 'Not live. Urgent first, then who has waited longest.'),
      this.message, this.done, this.body, this.reader);
  }

  async load() {
    let data;
    try {
      data = await api('/messages/inbox');
    } catch (err) {
      fill(this.body, h('p', {}, `We couldn't load the messages. ${errorMessage(err)}`));
      return;
    }
    const items = (data && data.items) || [];
    this.count.textContent = `(${items.length})`;
    if (!items.length) {
      fill(this.body, h('p', { class: 'console-empty' }, 'No messages waiting for a reply.'));
      return;
    }
    fill(this.body, h('ol', { class: 'queue-list inbox-list' }, items.map((item) => this.row(item))));
  }

  row(item) {
    const level = (item.risk && item.risk.level) || 'none';
    const urgent = level === 'urgent' || level === 'high';
    const who = item.young_person || 'A young person';
    const mine = item.claimed_by && this.console.ctx.user && String(item.claimed_by) === String(this.console.ctx.user.id);
    const open = button([!item.claimed_by ? 'Claim and reply' : (mine ? 'Reply' : 'Read'), srOnly(`: ${item.subject || 'message'} from ${who}`)],
      { class: 'btn btn-secondary btn-small' });
    open.addEventListener('click', () => this.open(item, open));
    return h('li', { class: `queue-item inbox-item${urgent ? ' queue-item-urgent' : ''}` },
      h('div', { class: 'queue-item-text' },
        urgent ? h('p', { class: 'badge badge-urgent' }, h('span', { 'aria-hidden': 'true' }, '! '), level === 'urgent' ? 'Urgent' : 'High risk') : null,
        h('p', { class: 'queue-topic' }, item.subject || h('span', { class: 'meta' }, 'No subject')),
        h('p', { class: 'meta' }, `${who} · ${timeLeft(item.reply_expected_by)}`),
        item.claimed_by ? h('p', { class: 'meta' }, mine ? 'You have claimed this.' : `Claimed by ${item.claimed_by_name || 'a colleague'}.`) : null),
      open);
  }

  /** Claim (when nobody holds it) and show the thread with a reply box. */
  async open(item, trigger) {
    this.message.textContent = '';
    this.done.textContent = '';
    trigger.disabled = true;
    try {
      if (!item.claimed_by) await api(`/messages/threads/${encodeURIComponent(item.id)}/claim`, { method: 'POST' });
      const thread = await api(`/messages/threads/${encodeURIComponent(item.id)}`);
      this.show(thread, item);
    } catch (err) {
      this.message.textContent = err instanceof ApiError && err.status === 409
        ? 'A colleague has claimed this message.' : `We couldn't open it. ${errorMessage(err)}`;
      this.load();
    } finally {
      if (trigger.isConnected) trigger.disabled = false;
    }
  }

  show(thread, item) {
    const titleId = uid('thread');
    const areaId = uid('inbox-reply');
    const area = h('textarea', { id: areaId, rows: '3' });
    applyLimits([[area, 'message_body']]); // the server's limit
    const result = h('p', { class: 'console-alert', role: 'alert' });
    const send = button('Send reply', { type: 'submit', class: 'btn btn-primary btn-small' });
    const close = button('Close thread', { class: 'btn btn-quiet btn-small' });
    const hide = button('Back to the list', { class: 'btn btn-quiet btn-small' });
    const form = h('form', { class: 'form', novalidate: true },
      h('label', { for: areaId, class: 'label' }, 'Your reply'),
      savedRepliesPicker(this.console.savedReplies, area), area, result,
      h('div', { class: 'actions actions-row' }, send, close, hide));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) { result.textContent = 'Write a reply first.'; area.focus(); return; }
      send.disabled = true;
      try {
        await api(`/messages/threads/${encodeURIComponent(thread.id)}/messages`, {
          method: 'POST', body: { body: text, client_id: newClientId() },
        });
        this.finish(`Reply sent to ${item.young_person || 'the young person'}.`);
      } catch (err) {
        send.disabled = false;
        result.textContent = `We couldn't send it. ${errorMessage(err)}`;
      }
    });
    close.addEventListener('click', async () => {
      try {
        await api(`/messages/threads/${encodeURIComponent(thread.id)}/close`, { method: 'POST' });
        this.finish('Thread closed.');
      } catch (err) {
        result.textContent = `We couldn't close it. ${errorMessage(err)}`;
      }
    });
    hide.addEventListener('click', () => this.finish(''));
    fill(this.reader, h('article', { class: 'inbox-thread', 'aria-labelledby': titleId },
      h('h3', { id: titleId, tabindex: '-1' }, thread.subject || 'Message to the team'),
      h('p', { class: 'meta' }, `From ${item.young_person || 'a young person'}`),
      h('ol', { class: 'plain-list inbox-messages' }, (thread.messages || []).map((m) => h('li', { class: `inbox-msg inbox-msg-${m.sender}` },
        h('p', { class: 'meta' }, m.sender === 'counsellor' ? (m.author_name || 'The team') : (item.young_person || 'Young person'),
          m.sent_at ? ` · ${formatDate(m.sent_at)} ${londonTime(m.sent_at)}` : ''),
        h('p', { class: 'inbox-msg-body' }, m.body)))),
      thread.status === 'closed' ? h('p', {}, 'This thread is closed.') : form));
    this.body.hidden = true;
    (thread.status === 'closed' ? this.reader.querySelector('h3') : area).focus();
  }

  finish(text) {
    fill(this.reader);
    this.body.hidden = false;
    this.message.textContent = '';
    this.done.textContent = text;
    this.load();
    document.getElementById('inbox-title')?.focus();
  }
}
