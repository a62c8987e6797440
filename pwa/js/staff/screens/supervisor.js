// The supervisor's live board. Route: #/live (supervisors only; loaded only when opened).
//
// - Every open chat (GET /chat/live): counsellor, when it started, risk, last message;
//   refreshed every 15 s and on queue changes.
// - "Watch": follow a chat read-only on the socket ({type: "watch"}): its messages as they
//   arrive, nothing to send to the young person.
// - "Whisper": a private note to the chat's counsellor (POST /chat/sessions/{id}/whisper),
//   shown to them beside the chat and never to the young person.

import { api, errorMessage } from '../../api.js';
import { h, screenHeading, setTitle, backLink, button, field, fill, londonTime, timeAgo } from '../../ui.js';
import { ChatConnection } from '../../chat-connection.js';
import { every } from '../../navigation.js';
import { applyLimits, loadMeta, riskLabel } from '../../meta.js';
import { MessageLog } from '../../chat-ui.js';

const REFRESH_MS = 15000;

export async function render(root, ctx) {
  setTitle('Live board');
  const board = new LiveBoard(root, ctx);
  await board.start();
}

class LiveBoard {
  constructor(root, ctx) {
    this.ctx = ctx;
    this.watching = null; // { sessionId, log }
    this.body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading open chats…'));
    this.count = h('span', {}, '');
    this.watchArea = h('section', { class: 'console-card watch-area', 'aria-labelledby': 'watch-title', hidden: true });
    root.append(
      backLink(ctx.back('#/staff'), 'Staff home'),
      screenHeading('Live board'),
      h('p', {}, 'Every open chat, at-risk first. Watching is read-only: the young person does not see you.'),
      h('div', { class: 'live-layout' },
        h('section', { class: 'console-card', 'aria-labelledby': 'live-title' },
          h('h2', { id: 'live-title', tabindex: '-1' }, 'Open chats ', this.count), this.body),
        this.watchArea));
  }

  async start() {
    await loadMeta(); // risk labels, from the server
    const conn = new ChatConnection();
    this.conn = conn;
    conn.on('open', () => this.load());
    conn.on('queue_changed', () => this.load());
    conn.on('assigned', () => this.load());
    conn.on('message', (m) => {
      if (this.watching && String(m.session_id) === this.watching.sessionId) this.watching.log.addMessage(m);
    });
    conn.on('ended', (f) => {
      if (this.watching && String(f.session_id) === this.watching.sessionId) this.watching.log.addNote('The chat has ended.');
      this.load();
    });
    conn.start({ signal: this.ctx.signal }); // stops when the screen is left
    every(this.ctx.signal, () => this.load(), REFRESH_MS);
    await this.load();
  }

  async load() {
    let data;
    try {
      data = await api('/chat/live');
    } catch (err) {
      fill(this.body, h('p', {}, `We couldn't load the open chats. ${errorMessage(err)}`));
      return;
    }
    const items = (data && data.items) || [];
    this.count.textContent = `(${items.length})`;
    if (!items.length) {
      fill(this.body, h('p', { class: 'console-empty' }, 'No chats are open right now.'));
      return;
    }
    fill(this.body, h('table', { class: 'live-table' },
      h('thead', {}, h('tr', {}, ['Counsellor', 'Started', 'Risk', 'Last message', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((item) => this.row(item)))));
  }

  row(item) {
    const who = item.counsellor || 'Waiting in the queue';
    const risk = item.risk_level && item.risk_level !== 'none' ? riskLabel(item.risk_level)
      : (item.at_risk ? 'At risk' : riskLabel('none'));
    const watch = button(['Watch', h('span', { class: 'visually-hidden' }, ` the chat with ${who}`)],
      { class: 'btn btn-secondary btn-small', onClick: () => this.watch(item) });
    return h('tr', { class: `live-row${item.at_risk ? ' live-row-risk' : ''}`, 'data-session': item.session_id },
      h('td', {}, who),
      h('td', {}, item.started_at ? londonTime(item.started_at) : ''),
      h('td', {}, item.at_risk ? h('strong', {}, risk) : risk),
      h('td', {}, item.last_message_at ? timeAgo(item.last_message_at) : 'No messages yet'),
      h('td', {}, watch));
  }

  watch(item) {
    if (this.watching) this.conn.unwatch(this.watching.sessionId);
    const sessionId = String(item.session_id);
    const scroller = h('div', { class: 'chat-panel-log', tabindex: '0', role: 'region', 'aria-label': 'Messages in the watched chat' });
    const log = new MessageLog({
      ownSender: 'supervisor', // nothing is sent from here: every message shows as theirs
      labelFor: (sender) => (sender === 'counsellor' ? (item.counsellor || 'Counsellor') : 'Young person'),
      showRisk: true, label: 'Messages in the watched chat', scroller,
    });
    scroller.append(log.el);
    this.watching = { sessionId, log };

    const whisper = field({
      label: `Whisper to ${item.counsellor || 'the counsellor'}`, name: 'whisper', type: 'textarea',
      hint: 'Only the counsellor sees this, beside the chat. The young person never does.', attrs: { rows: '2' },
    });
    applyLimits([[whisper.control, 'whisper']]); // the server's limit
    const result = h('p', { class: 'status-message', role: 'status' });
    const send = button('Send whisper', { type: 'submit', form: 'whisper-form', class: 'btn btn-primary btn-small', disabled: item.counsellor ? null : true });
    const form = h('form', { class: 'form', novalidate: true, id: 'whisper-form' }, whisper.row, result);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = whisper.control.value.trim();
      if (!text) { whisper.setError('Write the note first.'); whisper.control.focus(); return; }
      whisper.setError(null);
      send.disabled = true;
      try {
        await api(`/chat/sessions/${encodeURIComponent(sessionId)}/whisper`, { method: 'POST', body: { body: text } });
        whisper.control.value = '';
        result.textContent = `Whisper sent to ${item.counsellor || 'the counsellor'}.`;
      } catch (err) {
        result.textContent = `We couldn't send it. ${errorMessage(err)}`;
      } finally {
        send.disabled = false;
      }
    });
    const stop = button('Stop watching', { class: 'btn btn-quiet btn-small', onClick: () => {
      this.conn.unwatch(sessionId);
      this.watching = null;
      this.watchArea.hidden = true;
      document.getElementById('live-title')?.focus();
    } });
    fill(this.watchArea,
      h('h2', { id: 'watch-title', tabindex: '-1' }, `Watching: chat with ${item.counsellor || 'nobody yet'}`),
      h('p', { class: 'meta' }, `Started ${item.started_at ? londonTime(item.started_at) : ''}. Read-only.`),
      scroller, form, h('div', { class: 'actions actions-row' }, send, stop));
    this.watchArea.hidden = false;
    this.conn.supervise(sessionId, 0);
    this.watchArea.querySelector('h2').focus();
  }
}
