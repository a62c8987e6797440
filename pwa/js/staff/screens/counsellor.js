// Counsellor console (desktop first; supervisors use it too). Route: #/counsellor
// Loaded only for staff (the router imports it on demand; sw.js does not precache it).
//
// At 1366×768: a side column that scrolls on its own (availability, safeguarding alerts,
// the live queue and the messages inbox) and up to three chats side by side, each reply box
// in view. This module holds the queue and the chats' wiring; the panels are in ../console/:
// availability.js, chat-panel.js (one chat: saved replies, share a named service, transfer, end, handover
// note, history, whispers), alerts.js, inbox.js, saved-replies.js, history.js, transfer.js.
// The socket and outbox are ../chat-connection.js, shared with the young person's chat.

import { api, ApiError, errorMessage } from '../../api.js';
import {
  h, screenHeading, setTitle, backLink, button, fill, srOnly, plural,
} from '../../ui.js';
import { ChatConnection } from '../../chat-connection.js';
import { every } from '../../navigation.js';
import { loadMeta } from '../../meta.js';
import { ChatPanel } from '../console/chat-panel.js';
import { SafeguardingPanel } from '../console/alerts.js';
import { InboxPanel } from '../console/inbox.js';
import { loadSavedReplies } from '../console/saved-replies.js';
import { AvailabilityPanel } from '../console/availability.js';
import { restrictionLine } from '../console/restriction.js';

const QUEUE_REFRESH_MS = 15000;

function waited(seconds) {
  const s = Math.max(0, Number(seconds) || 0);
  if (s < 60) return 'under a minute';
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return plural(minutes, 'minute', 'minutes');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${plural(hours, 'hour', 'hours')}${rest ? ` ${plural(rest, 'minute', 'minutes')}` : ''}`;
}

function takeProblem(err) {
  if (err instanceof ApiError) {
    if (err.code === 'taken') return 'Someone else took this one.';
    if (err.code === 'at_limit') return "You're at your limit. End a chat, or raise “Chats at once”, to take another.";
    if (err.code === 'away') return 'Set yourself as Available to take chats.';
    if (err.code === 'queue_empty') return 'Nobody is waiting right now.';
    if (err.status === 409) return err.detail || 'Someone else took this one.';
  }
  return `We couldn't take the chat. ${errorMessage(err)}`;
}

export async function render(root, ctx) {
  setTitle('Chats');
  await new CounsellorConsole(root, ctx).start();
}

class CounsellorConsole {
  constructor(root, ctx) {
    this.ctx = ctx;
    this.councils = new Map();
    this.panels = new Map(); // session id → ChatPanel
    this.services = new Map(); // council code → Promise<items | null>
    this.chatNumber = 0;
    this.queueItems = [];

    this.availability = new AvailabilityPanel(this);
    this.queueCount = h('span', {}, '');
    this.queueMessage = h('div', { class: 'console-alert', role: 'alert' });
    this.queueBody = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the queue…'));
    this.takeNext = button('Take next', { class: 'btn btn-primary btn-block', onClick: () => this.take(null, this.takeNext) });
    this.connectionLine = h('p', { class: 'connection-line', role: 'status' });
    this.chatsArea = h('div', { class: 'console-chats' });
    this.noChats = h('p', { class: 'console-empty' }, "You're not in any chats. Take one from the queue when you're ready.");
    this.alerts = new SafeguardingPanel(this);
    this.inbox = new InboxPanel(this);
    this.savedReplies = loadSavedReplies();

    // At 1366×768 the side column (availability, alerts, queue, messages) scrolls on its own,
    // and up to three chats sit side by side with every reply box in view.
    root.append(
      h('div', { class: 'console-head' },
        backLink(ctx.back('#/staff'), 'Staff home'),
        screenHeading('Chats'),
        this.connectionLine),
      h('div', { class: 'console' },
        h('div', { class: 'console-side' },
          this.availability.el,
          this.alerts.el,
          h('section', { class: 'console-card', 'aria-labelledby': 'queue-title' },
            h('h2', { id: 'queue-title' }, 'Waiting ', this.queueCount),
            h('p', { class: 'meta' }, 'Urgent first, then who has waited longest.'),
            this.takeNext,
            this.queueMessage,
            this.queueBody),
          this.inbox.el),
        h('section', { class: 'console-main', 'aria-labelledby': 'chats-title' },
          h('h2', { id: 'chats-title', class: 'visually-hidden', tabindex: '-1' }, 'Your chats'),
          this.noChats,
          this.chatsArea)));
  }

  async start() {
    await loadMeta(); // risk labels and limits, from the server
    this.availability.draw();
    try {
      for (const c of (await api('/councils')) || []) this.councils.set(c.code, c.name);
    } catch { /* codes will do */ }

    const conn = new ChatConnection();
    this.conn = conn;
    conn.on('queue_changed', () => this.loadQueue());
    conn.on('open', () => { this.loadQueue(); this.loadSessions(); this.alerts.load(); this.inbox.load(); });
    conn.on('message_thread', () => this.inbox.load());
    conn.on('whisper', (f) => this.panels.get(String(f.session_id))?.onWhisper(f));
    conn.on('safeguarding_alert', () => this.alerts.load());
    conn.on('message', (m) => {
      const panel = this.panels.get(String(m.session_id));
      if (panel) panel.onMessage(m);
      else this.loadSessions();
    });
    conn.on('ack', (a) => this.panels.get(String(a.session_id))?.log.markSent(a.client_id, a.seq));
    conn.on('failed', (f) => this.panels.get(f.item.session_id)?.onFailed(f));
    conn.on('typing', (f) => this.panels.get(String(f.session_id))?.onTyping());
    conn.on('ended', (f) => this.panels.get(String(f.session_id))?.onEnded());
    conn.on('assigned', () => this.loadSessions());
    conn.on('state', ({ state }) => {
      const words = {
        reconnecting: conn.fallback ? 'The live connection is down. Messages are going by a slower route.' : 'Reconnecting…',
        offline: "You're offline. Messages will send when the connection is back.",
      };
      this.connectionLine.textContent = words[state] || '';
    });
    conn.on('closed', ({ reason }) => {
      this.connectionLine.textContent = reason === 'unauthorised' ? 'Please log in again.' : "Chat isn't available for this account.";
    });
    // The socket and the refresh stop when the screen is left (the router aborts ctx.signal).
    conn.start({ signal: this.ctx.signal });
    every(this.ctx.signal, () => {
      this.loadQueue();
      this.alerts.load();
      this.inbox.load();
    }, QUEUE_REFRESH_MS);

    await Promise.all([this.loadQueue(), this.loadSessions(), this.availability.load(), this.alerts.load(), this.inbox.load()]);
  }

  councilName(code) {
    return code ? (this.councils.get(code) || code) : 'Not known';
  }

  /** Say how many chats they are in (after a chat is taken or closed). */
  describeAvailability() {
    this.availability.describe();
  }

  // --- the queue --------------------------------------------------------------------------

  async loadQueue() {
    let data;
    try {
      data = await api('/chat/queue');
    } catch (err) {
      if (!this.queueItems.length) fill(this.queueBody, h('p', {}, `We couldn't load the queue. ${errorMessage(err)}`));
      return;
    }
    this.queueBody.removeAttribute('aria-busy');
    const items = (data && data.items) || [];
    this.queueItems = items;
    this.queueCount.textContent = `(${items.length})`;
    this.takeNext.disabled = !items.length;
    if (!items.length) {
      fill(this.queueBody, h('p', { class: 'console-empty' }, 'Nobody is waiting right now.'));
      return;
    }
    const rows = items.map((item) => {
      const takeBtn = button(['Take', srOnly(`: waited ${waited(item.waited_seconds)}${item.topic ? `, ${item.topic}` : ''}`)],
        { class: 'btn btn-secondary btn-small' });
      takeBtn.addEventListener('click', () => this.take(item.id, takeBtn));
      return h('li', { class: `queue-item${item.urgent ? ' queue-item-urgent' : ''}` },
        h('div', { class: 'queue-item-text' },
          item.urgent ? h('p', { class: 'badge badge-urgent' }, h('span', { 'aria-hidden': 'true' }, '! '), 'Urgent') : null,
          h('p', { class: 'queue-topic' }, item.topic ? item.topic : h('span', { class: 'meta' }, 'No topic given')),
          h('p', { class: 'meta' }, `${item.username ? `${item.username} · ` : ''}Waited ${waited(item.waited_seconds)} · ${this.councilName(item.council_code)}`),
          restrictionLine(item.restriction)),
        takeBtn);
    });
    fill(this.queueBody, h('ol', { class: 'queue-list' }, rows));
    this.alerts.refreshWhere();
  }

  async take(requestId, trigger) {
    this.queueMessage.textContent = '';
    if (trigger) trigger.disabled = true;
    try {
      const taken = await api('/chat/queue/take', { method: 'POST', body: requestId ? { request_id: requestId } : {} });
      await this.loadSessions();
      const panel = taken && this.panels.get(String(taken.session_id));
      if (panel) panel.focus();
    } catch (err) {
      this.queueMessage.textContent = takeProblem(err);
    } finally {
      if (trigger && trigger.isConnected) trigger.disabled = false;
      this.loadQueue();
    }
  }

  // --- chats ------------------------------------------------------------------------------

  async loadSessions() {
    let data;
    try {
      data = await api('/chat/sessions');
    } catch {
      return;
    }
    for (const s of (data && data.items) || []) {
      const id = String(s.session_id);
      if (this.panels.has(id)) {
        this.panels.get(id).update(s);
        continue;
      }
      this.chatNumber += 1;
      const panel = new ChatPanel(this, s, this.chatNumber);
      this.panels.set(id, panel);
      this.chatsArea.append(panel.el);
      for (const item of this.conn.pending(id)) panel.log.addPending(item);
      this.conn.watch(id, 0);
    }
    this.noChats.hidden = this.panels.size > 0;
    this.describeAvailability();
    this.alerts.refreshWhere();
  }

  /** The open chat panel for a session id or the young person's username, if any. */
  panelFor({ sessionId, username }) {
    if (sessionId && this.panels.has(String(sessionId))) return this.panels.get(String(sessionId));
    return username ? [...this.panels.values()].find((p) => !p.ended && p.who === username) || null : null;
  }

  /** The queue row for a request id or the young person's username, if they are waiting. */
  waitingFor({ requestId, username }) {
    return this.queueItems.find((q) => (requestId && String(q.id) === String(requestId))
      || (username && (q.username || q.young_person) === username)) || null;
  }

  closePanel(panel) {
    this.panels.delete(panel.sessionId);
    this.conn.unwatch(panel.sessionId);
    panel.el.remove();
    this.noChats.hidden = this.panels.size > 0;
    this.describeAvailability();
    document.getElementById('chats-title')?.focus();
  }

  /** The council's services for sharing, or null when the directory can't answer. */
  servicesFor(code) {
    const key = code || '';
    if (!this.services.has(key)) {
      this.services.set(key, api('/services', { query: { council: code || undefined } })
        .then((data) => ((data && data.items) || []))
        .catch((err) => {
          if (err instanceof ApiError && (err.offline || err.status >= 500)) this.services.delete(key); // try again later
          return null;
        }));
    }
    return this.services.get(key);
  }
}

