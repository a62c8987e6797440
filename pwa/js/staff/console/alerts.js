// Safeguarding alerts in the counsellor's console (GET /safeguarding/alerts?status=open):
// newest first, the same pseudonymous username the chat shows, whether that person is
// waiting or in a chat (and a one-click way to it), and "Acknowledge" with a note.

import { api, ApiError, errorMessage } from '../../api.js';
import { h, button, field, uid, fill, srOnly, londonTime, timeAgo } from '../../ui.js';
import { riskLabel, riskLevels } from '../../meta.js';
import { NO_RISK } from '../moderation/words.js';

/** An alert's level in words: "No risk found", "High risk", "Urgent" (labels from the server). */
function alertRiskWords(level) {
  if (!level || level === 'none') return NO_RISK;
  return level === 'urgent' ? riskLabel(level) : `${riskLabel(level)} risk`;
}

/** "Post by sunny-otter-12", "Message from …", "Chat with …": the same username the chat shows. */
function alertTitle(alert) {
  const who = alert.author || alert.username || alert.young_person || 'a young person';
  if (alert.kind === 'chat') return `Chat with ${who}`;
  if (alert.kind === 'message_thread') return `Message from ${who}`;
  return `Post by ${who}`;
}

const ALERT_KIND_TITLES = { post: 'Post', chat: 'Chat message', message_thread: 'Message to the team' };

// Every item after the first (one author's repeats within the hour), oldest first.
function alertItemList(alert) {
  const rest = Array.isArray(alert.items) ? alert.items.slice(1) : [];
  if (!rest.length) return null;
  return h('details', { class: 'alert-items' },
    h('summary', {}, `${rest.length} more from ${alert.author} since`),
    h('ol', {}, ...rest.map((item) => h('li', {},
      h('p', { class: 'meta' }, `${ALERT_KIND_TITLES[item.kind] || 'Post'} · `,
        h('time', { datetime: item.created_at }, londonTime(item.created_at))),
      item.body ? h('blockquote', { class: 'alert-body' }, item.body) : null))));
}

// One author's repeats within an hour are one alert: say how many items it covers.
function alertItems(alert) {
  const n = Number.isInteger(alert.item_count) ? alert.item_count : 1;
  return n > 1 ? ` · ${n} posts or messages in an hour` : '';
}

export class SafeguardingPanel {
  constructor(consoleRef) {
    this.console = consoleRef;
    this.cards = new Map(); // alert id → element (kept, so an open form survives a refresh)
    this.where = new Map(); // alert id → redraw "waiting / in a chat" (it changes while the alert is open)
    this.first = true;
    this.count = h('span', {}, '');
    this.news = h('p', { class: 'alerts-news', 'aria-live': 'assertive', 'aria-atomic': 'true' });
    this.list = h('ol', { class: 'alert-list' });
    this.body = h('div', {}, h('p', { class: 'loading' }, 'Loading alerts…'));
    this.el = h('section', { class: 'console-card alerts-card', 'aria-labelledby': 'alerts-title' },
      h('h2', { id: 'alerts-title', tabindex: '-1' }, 'Safeguarding alerts ', this.count),
      h('p', { class: 'meta' }, 'Posts, chats and messages passed to counsellors because the young person may not be safe. Posts are not on the boards.'),
      this.news, this.body, this.list);
  }

  async load() {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const data = await api('/safeguarding/alerts', { query: { status: 'open' } });
      this.draw((data && data.items) || [], data && data.total);
    } catch (err) {
      if (!this.cards.size) fill(this.body, h('p', {}, `We couldn't load the alerts. ${errorMessage(err)}`));
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.load();
      }
    }
  }

  draw(items, total) {
    const seen = new Set();
    const arrived = [];
    let previous = null;
    for (const alert of items) {
      const id = String(alert.id);
      seen.add(id);
      let el = this.cards.get(id);
      if (el && el.dataset.busy !== 'true' && el.dataset.updated !== String(alert.updated_at || '')) {
        const fresh = this.card(alert); // more items, or a higher level: draw it again
        el.replaceWith(fresh);
        el = fresh;
        this.cards.set(id, el);
      }
      if (!el) {
        el = this.card(alert);
        this.cards.set(id, el);
        if (!this.first) arrived.push(alert);
      }
      this.where.get(id)?.();
      const wanted = previous ? previous.nextSibling : this.list.firstChild;
      if (wanted !== el) this.list.insertBefore(el, wanted);
      previous = el;
    }
    for (const [id, el] of [...this.cards]) {
      if (seen.has(id) || el.dataset.busy === 'true') continue;
      el.remove();
      this.cards.delete(id);
      this.where.delete(id);
    }
    const n = Number.isInteger(total) ? total : items.length;
    this.count.textContent = `(${n})`;
    this.el.classList.toggle('alerts-card-open', n > 0);
    fill(this.body, n ? null : h('p', { class: 'console-empty' }, 'No open alerts.'));
    if (arrived.length) {
      this.news.textContent = arrived.length === 1
        ? `New safeguarding alert: ${alertTitle(arrived[0])}.`
        : `${arrived.length} new safeguarding alerts.`;
    }
    this.first = false;
  }

  card(alert) {
    const level = (alert.risk && alert.risk.level) || 'none';
    const titleId = uid('alert');
    const whereSlot = h('div', { class: 'alert-where-slot' });
    this.where.set(String(alert.id), () => fill(whereSlot, this.whereNow(alert)));
    const message = h('p', { class: 'console-alert', role: 'alert' });
    const tools = h('div', { class: 'alert-tools' });
    const li = h('li', { class: `alert-item alert-item-${level}`, 'data-updated': String(alert.updated_at || '') },
      h('article', { 'aria-labelledby': titleId },
        h('div', { class: 'mod-badges' },
          h('p', { class: `badge badge-level badge-level-${riskLevels().includes(level) ? level : 'none'}` },
            level === 'urgent' || level === 'high' ? h('span', { 'aria-hidden': 'true' }, '! ') : null,
            alertRiskWords(level))),
        h('h3', { id: titleId, class: 'alert-title', tabindex: '-1' }, alertTitle(alert)),
        whereSlot,
        h('p', { class: 'meta' },
          alert.kind === 'post' || !alert.kind ? `In “${alert.thread_title || 'a thread'}” · ` : '',
          `${this.console.councilName(alert.council_code)}${alertItems(alert)} · `,
          h('time', { datetime: alert.created_at }, `raised ${timeAgo(alert.created_at)}`),
          alert.created_at ? ` (${londonTime(alert.created_at)})` : ''),
        alert.body ? h('blockquote', { class: 'alert-body' }, alert.body) : null,
        alertItemList(alert),
        alert.note ? h('p', { class: 'alert-note' },
          h('strong', {}, !alert.escalated_by || alert.escalated_by === 'A moderator' ? 'Note: ' : `Note from ${alert.escalated_by}: `),
          alert.note) : null,
        message, tools));
    const open = button(['Acknowledge', srOnly(`: ${alertTitle(alert)}`)], { class: 'btn btn-primary btn-small' });
    open.addEventListener('click', () => {
      const note = field({
        label: 'What you did (optional)', name: 'note', type: 'textarea',
        hint: 'For example: "Read it. Will look out for them in chat." Only staff see this.', attrs: { maxlength: '2000', rows: '3' },
      });
      const send = button('Acknowledge', { type: 'submit', class: 'btn btn-primary btn-small' });
      const cancel = button('Cancel', { class: 'btn btn-quiet btn-small' });
      const form = h('form', { class: 'form', novalidate: true }, note.row, h('div', { class: 'actions actions-row' }, send, cancel));
      cancel.addEventListener('click', () => { fill(tools, open); open.focus(); });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        send.disabled = true;
        li.dataset.busy = 'true';
        message.textContent = '';
        try {
          await api(`/safeguarding/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {
            method: 'POST', body: { note: note.control.value.trim() || null },
          });
          this.done(li, alert, 'Alert acknowledged.');
        } catch (err) {
          li.dataset.busy = 'false';
          if (err instanceof ApiError && err.status === 409) {
            this.done(li, alert, 'Someone has already acknowledged this alert.');
            return;
          }
          send.disabled = false;
          message.textContent = `We couldn't acknowledge it. ${errorMessage(err)}`;
        }
      });
      fill(tools, form);
      note.control.focus();
    });
    tools.append(open);
    return li;
  }

  refreshWhere() {
    for (const redraw of this.where.values()) redraw();
  }

  /** Whether the young person is waiting or in a chat now, with a one-click way to it. */
  whereNow(alert) {
    const who = alert.author || alert.username || alert.young_person;
    const sessionId = alert.session_id || (alert.kind === 'chat' ? alert.source_id : null);
    const panel = this.console.panelFor({ sessionId, username: who });
    if (panel) {
      return h('p', { class: 'alert-where' }, h('strong', {}, 'In a chat with you now. '),
        button(`Open the chat with ${panel.who}`, { class: 'btn btn-primary btn-small', onClick: () => panel.focus() }));
    }
    const waiting = this.console.waitingFor({ requestId: alert.request_id, username: who });
    if (waiting) {
      return h('p', { class: 'alert-where' }, h('strong', {}, 'Waiting in the queue now. '),
        button(`Take the chat with ${who}`, { class: 'btn btn-primary btn-small',
          onClick: (e) => this.console.take(waiting.id, e.currentTarget) }));
    }
    if (alert.chat_status === 'active') return h('p', { class: 'alert-where' }, h('strong', {}, 'In a chat with a colleague now.'));
    return null;
  }

  done(li, alert, text) {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    this.cards.delete(String(alert.id));
    this.news.textContent = text;
    const heading = next && next.querySelector('h3');
    (heading || this.el.querySelector('h2')).focus();
    this.load();
  }
}
