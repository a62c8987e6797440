// The same young person's earlier chats and message threads, with notes and risk, beside a
// chat (GET /chat/sessions/{id}/history): loaded when the counsellor opens it.

import { api, errorMessage } from '../../api.js';
import { h, fill, formatDate, londonTime } from '../../ui.js';

const KIND_LABELS = { chat: 'Chat', message_thread: 'Messages' };

function historyItem(item) {
  return h('li', { class: `history-item${item.risk_level && item.risk_level !== 'none' ? ' history-item-risk' : ''}` },
    h('p', { class: 'meta' },
      h('strong', {}, KIND_LABELS[item.kind] || 'Contact'),
      ` · ${formatDate(item.started_at)} ${londonTime(item.started_at)}`,
      item.counsellor ? ` · ${item.counsellor}` : '',
      item.risk_level ? ` · Risk: ${item.risk_level}` : ''),
    item.notes ? h('p', { class: 'history-notes' }, item.notes) : h('p', { class: 'meta' }, 'No notes.'));
}

export class HistoryBox {
  constructor(sessionId) {
    this.sessionId = sessionId;
    this.list = h('div', { class: 'history-list' });
    this.summary = h('summary', {}, 'Earlier chats and messages');
    this.el = h('details', { class: 'chat-history' }, this.summary, this.list);
    this.el.addEventListener('toggle', () => { if (this.el.open) this.load(); });
  }

  async load() {
    fill(this.list, h('p', { class: 'loading' }, 'Loading…'));
    let data;
    try {
      data = await api(`/chat/sessions/${encodeURIComponent(this.sessionId)}/history`);
    } catch (err) {
      fill(this.list, h('p', {}, `We couldn't load their history. ${errorMessage(err)}`));
      return;
    }
    const items = (data && data.items) || [];
    this.summary.textContent = `Earlier chats and messages (${items.length})`;
    fill(this.list, items.length
      ? h('ol', { class: 'plain-list' }, items.map(historyItem))
      : h('p', { class: 'meta' }, 'No earlier chats or messages with this young person.'));
  }
}
