// Counsellor console (desktop first). Route: #/counsellor
//
// - Availability: Available / Away and "Chats at once" (1–10) → PUT /chat/availability.
// - The live queue (GET /chat/queue): urgent first with an "Urgent" badge, waited time,
//   topic, council; refreshed on `queue_changed` frames and every 15 s. "Take next" and
//   "Take" per row; a 409 says why (taken, at the limit, away).
// - Open chats side by side (GET /chat/sessions, then each resumed from 0): messages,
//   typing, an "At risk" badge with the level when a message carries `risk`, "Share a
//   service" (the chat's council's services; hidden when the directory can't answer), and
//   "End chat" with private case notes and a risk level → POST /chat/sessions/{id}/end.
// - Safeguarding alerts (GET /safeguarding/alerts?status=open): forum posts a moderator (or
//   the engine, for risk to life) passed to the counsellors — the post, its author, risk,
//   the note and when; "Acknowledge" with an optional note. Refreshed live on
//   `safeguarding_alert` frames from the chat socket, and with the queue.
// The socket and outbox are ../chat-connection.js, shared with the young person's chat.

import { api, ApiError, errorMessage } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, uid, fill, srOnly, plural, londonTime, timeAgo,
} from '../ui.js';
import { ChatConnection } from '../chat-connection.js';
import { MessageLog } from '../chat-ui.js';

const QUEUE_REFRESH_MS = 15000;
const TYPING_SHOWN_MS = 4000;
const MAX_MESSAGE = 4000;
const AVAILABILITY_KEY = 'waymark.counsellor.availability';
const RISK_ORDER = ['none', 'low', 'medium', 'high', 'urgent'];
const RISK_LABELS = { none: 'None', low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' };
const SHARE_BODY = "Here's a service that might help.";

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

    this.availabilityBox = h('div');
    this.queueCount = h('span', {}, '');
    this.queueMessage = h('div', { class: 'console-alert', role: 'alert' });
    this.queueBody = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the queue…'));
    this.takeNext = button('Take next', { class: 'btn btn-primary btn-block', onClick: () => this.take(null, this.takeNext) });
    this.connectionLine = h('p', { class: 'connection-line', role: 'status' });
    this.chatsArea = h('div', { class: 'console-chats' });
    this.noChats = h('p', { class: 'console-empty' }, "You're not in any chats. Take one from the queue when you're ready.");
    this.alerts = new SafeguardingPanel(this);

    root.append(
      backLink(ctx.back('#/staff'), 'Staff home'),
      screenHeading('Chats'),
      this.connectionLine,
      h('section', { class: 'console-card console-bar', 'aria-labelledby': 'avail-title' },
        h('h2', { id: 'avail-title' }, 'Your availability'), this.availabilityBox),
      this.alerts.el,
      h('div', { class: 'console' },
        h('div', { class: 'console-side' },
          h('section', { class: 'console-card', 'aria-labelledby': 'queue-title' },
            h('h2', { id: 'queue-title' }, 'Waiting ', this.queueCount),
            h('p', { class: 'meta' }, 'Urgent first, then who has waited longest.'),
            this.takeNext,
            this.queueMessage,
            this.queueBody)),
        h('section', { class: 'console-main', 'aria-labelledby': 'chats-title' },
          h('h2', { id: 'chats-title' }, 'Your chats'),
          this.noChats,
          this.chatsArea)));
  }

  async start() {
    this.drawAvailability();
    try {
      for (const c of (await api('/councils')) || []) this.councils.set(c.code, c.name);
    } catch { /* codes will do */ }

    const conn = new ChatConnection();
    this.conn = conn;
    conn.on('queue_changed', () => this.loadQueue());
    conn.on('open', () => { this.loadQueue(); this.loadSessions(); this.alerts.load(); });
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
    conn.start();

    const timer = window.setInterval(() => {
      if (!this.ctx.isCurrent()) return;
      this.loadQueue();
      this.alerts.load();
    }, QUEUE_REFRESH_MS);
    const stopWhenLeft = () => {
      if (this.ctx.isCurrent()) return;
      conn.stop();
      window.clearInterval(timer);
      window.removeEventListener('hashchange', stopWhenLeft);
    };
    window.addEventListener('hashchange', stopWhenLeft);

    await Promise.all([this.loadQueue(), this.loadSessions(), this.loadAvailability(), this.alerts.load()]);
  }

  councilName(code) {
    return code ? (this.councils.get(code) || code) : 'Not known';
  }

  // --- availability -----------------------------------------------------------------------

  remembered() {
    try {
      return JSON.parse(sessionStorage.getItem(AVAILABILITY_KEY) || 'null');
    } catch {
      return null;
    }
  }

  async loadAvailability() {
    // Not in the contract yet: used when the backend answers it, otherwise what was last set here.
    try {
      const current = await api('/chat/availability');
      // A choice made while this was loading wins: redrawing now would show the old status
      // (and lose the "Saving…" line) although the new one is what the server keeps.
      if (current && current.status && !this.availabilityChosen) this.drawAvailability(current);
    } catch { /* keep what we have */ }
  }

  drawAvailability(known = this.remembered()) {
    const name = uid('availability');
    const status = known ? known.status : null;
    const radios = ['available', 'away'].map((value) => {
      const id = uid(name);
      const input = h('input', { type: 'radio', name, id, value, checked: status === value ? true : null });
      input.addEventListener('change', () => this.saveAvailability(value, null, result));
      return h('div', { class: 'choice' }, input, h('label', { for: id }, value === 'available' ? 'Available' : 'Away'));
    });
    const limit = field({
      label: 'Chats at once', name: 'max_concurrent', type: 'number', value: known ? known.max_concurrent : 2,
      hint: 'From 1 to 10.', className: 'field-inline', attrs: { min: '1', max: '10', step: '1', inputmode: 'numeric', class: 'input-short' },
    });
    const save = button('Save', { variant: 'secondary', class: 'btn btn-secondary btn-small' });
    const result = h('p', { class: 'availability-result', role: 'status' });
    save.addEventListener('click', () => {
      const n = Number(limit.control.value);
      if (!Number.isInteger(n) || n < 1 || n > 10) {
        limit.setError('Choose a whole number from 1 to 10.');
        limit.control.focus();
        return;
      }
      limit.setError(null);
      const chosen = radios.map((r) => r.querySelector('input')).find((i) => i.checked);
      this.saveAvailability(chosen ? chosen.value : 'available', n, result);
    });
    this.limitField = limit;
    fill(this.availabilityBox,
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'legend' }, 'Your status'),
        h('div', { class: 'choices choices-row' }, radios)),
      h('div', { class: 'limit-row' }, limit.row, save),
      result);
    this.availabilityResult = result;
    this.describeAvailability(known, result);
  }

  describeAvailability(known = this.availability, result = this.availabilityResult) {
    this.availability = known;
    this.availabilityResult = result;
    if (!result) return;
    if (!known) {
      result.textContent = "Choose Available when you're ready to take chats.";
      return;
    }
    const open = [...this.panels.values()].filter((p) => !p.ended).length;
    const chats = ` You're in ${plural(open, 'chat', 'chats')} now.`;
    result.textContent = known.status === 'available'
      ? `You're available for up to ${plural(known.max_concurrent, 'chat', 'chats')} at once.${chats}`
      : `You're away. You won't be given new chats.${chats}`;
  }

  async saveAvailability(status, maxConcurrent, result) {
    this.availabilityChosen = true;
    const body = { status };
    const n = maxConcurrent ?? Number(this.limitField.control.value);
    if (Number.isInteger(n) && n >= 1 && n <= 10) body.max_concurrent = n;
    result.textContent = 'Saving…';
    try {
      const saved = await api('/chat/availability', { method: 'PUT', body });
      try { sessionStorage.setItem(AVAILABILITY_KEY, JSON.stringify(saved)); } catch { /* ignore */ }
      this.describeAvailability(saved, result);
      this.loadQueue();
    } catch (err) {
      result.textContent = `We couldn't save that. ${errorMessage(err)}`;
    }
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
          h('p', { class: 'meta' }, `Waited ${waited(item.waited_seconds)} · ${this.councilName(item.council_code)}`)),
        takeBtn);
    });
    fill(this.queueBody, h('ol', { class: 'queue-list' }, rows));
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

class ChatPanel {
  constructor(consoleRef, session, number) {
    this.console = consoleRef;
    this.conn = consoleRef.conn;
    this.sessionId = String(session.session_id);
    this.session = session;
    this.maxRisk = session.at_risk ? 'urgent' : 'none';
    this.ended = false;
    const titleId = uid('chat');
    this.title = h('h3', { id: titleId, class: 'chat-panel-title', tabindex: '-1' }, `Chat ${number}`);
    this.badges = h('div', { class: 'chat-panel-badges' });
    this.scroller = h('div', { class: 'chat-panel-log', tabindex: '0', role: 'region', 'aria-label': `Chat ${number} messages` });
    this.log = new MessageLog({
      ownSender: 'counsellor',
      labelFor: (sender) => (sender === 'counsellor' ? 'You' : 'Young person'),
      showRisk: true,
      label: `Chat ${number} messages`,
      scroller: this.scroller,
    });
    this.scroller.append(this.log.el);
    this.typingLine = h('p', { class: 'typing-line', 'aria-live': 'polite' });

    const messageId = uid('reply');
    this.messageError = h('p', { class: 'field-error', hidden: true });
    this.textbox = h('textarea', { id: messageId, rows: '2', maxlength: String(MAX_MESSAGE), autocomplete: 'off' });
    this.composer = h('form', { class: 'composer', novalidate: true },
      h('label', { for: messageId, class: 'label' }, `Reply in chat ${number}`),
      this.messageError,
      h('div', { class: 'composer-row' }, this.textbox, button('Send', { type: 'submit', class: 'btn btn-primary' })));
    this.composer.addEventListener('submit', (e) => { e.preventDefault(); this.send(); });
    this.textbox.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.send(); }
    });
    this.textbox.addEventListener('input', () => { if (this.textbox.value.trim()) this.conn.typing(this.sessionId); });

    this.shareButton = button('Share a service', { class: 'btn btn-secondary btn-small', hidden: true });
    this.shareButton.addEventListener('click', () => this.openShare());
    this.endButton = button('End chat', { class: 'btn btn-danger-outline btn-small' });
    this.endButton.addEventListener('click', () => this.openEnd());
    this.tools = h('div', { class: 'chat-panel-tools' }, this.shareButton, this.endButton);
    this.sharePanel = h('div', { class: 'chat-panel-form', hidden: true });
    this.endPanel = h('div', { class: 'chat-panel-form', hidden: true });
    this.meta = h('p', { class: 'meta' });

    this.el = h('section', { class: 'chat-panel', 'aria-labelledby': titleId },
      h('header', { class: 'chat-panel-head' }, this.title, this.badges, this.meta),
      this.scroller, this.typingLine, this.composer, this.tools, this.sharePanel, this.endPanel);
    this.update(session);

    this.console.servicesFor(session.council_code).then((items) => {
      if (items && items.length && !this.ended) this.shareButton.hidden = false;
    });
  }

  update(session) {
    this.session = { ...this.session, ...session };
    const s = this.session;
    if (s.at_risk && RISK_ORDER.indexOf(this.maxRisk) < RISK_ORDER.indexOf('high')) this.maxRisk = 'urgent';
    this.meta.textContent = [
      s.topic ? `Topic: ${s.topic}` : 'No topic given',
      this.console.councilName(s.council_code),
      s.started_at ? `Started ${londonTime(s.started_at)}` : null,
    ].filter(Boolean).join(' · ');
    this.drawBadges();
  }

  drawBadges() {
    const badges = [];
    if (this.session.urgent) {
      badges.push(h('p', { class: 'badge badge-urgent' }, h('span', { 'aria-hidden': 'true' }, '! '), 'Urgent'));
    }
    if (this.maxRisk !== 'none') {
      badges.push(h('p', { class: 'badge badge-risk' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), `At risk: ${this.maxRisk}`));
    }
    if (this.ended) badges.push(h('p', { class: 'badge badge-closed' }, 'Ended'));
    fill(this.badges, badges);
  }

  focus() {
    this.el.scrollIntoView({ block: 'nearest' });
    this.textbox.focus();
  }

  send() {
    if (this.ended) return;
    const text = this.textbox.value.trim();
    this.messageError.hidden = true;
    if (!text) return;
    if (text.length > MAX_MESSAGE) {
      this.messageError.textContent = `A message can be up to ${MAX_MESSAGE} characters.`;
      this.messageError.hidden = false;
      return;
    }
    const item = this.conn.send(this.sessionId, text);
    this.log.addPending(item);
    this.textbox.value = '';
    this.textbox.focus();
  }

  onMessage(m) {
    this.log.addMessage(m);
    if (m.sender === 'young_person') {
      this.hideTyping();
      if (m.risk && RISK_ORDER.indexOf(m.risk) > RISK_ORDER.indexOf(this.maxRisk)) {
        this.maxRisk = m.risk;
        this.drawBadges();
      }
    }
  }

  onFailed(f) {
    if (f.item.service_id && f.code !== 'ended') {
      // The card couldn't be attached: send its details as plain text instead.
      const service = this.sharedServices && this.sharedServices.get(f.item.service_id);
      this.log.markFailed(f.client_id, service ? 'The card could not be attached, so the details were sent as text.' : f.detail);
      if (service) {
        const lines = [`${SHARE_BODY} ${service.name}`, service.description,
          service.phone ? `Phone: ${service.phone}` : null, service.sms ? `Text: ${service.sms}` : null,
          service.email ? `Email: ${service.email}` : null, service.url ? `Website: ${service.url}` : null];
        this.log.addPending(this.conn.send(this.sessionId, lines.filter(Boolean).join('\n')));
      }
      return;
    }
    this.log.markFailed(f.client_id, f.code === 'ended' ? 'The chat had ended.' : f.detail);
  }

  onTyping() {
    if (this.ended) return;
    this.typingLine.textContent = 'The young person is typing…';
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.hideTyping(), TYPING_SHOWN_MS);
  }

  hideTyping() {
    window.clearTimeout(this.typingTimer);
    this.typingLine.textContent = '';
  }

  /** The young person left (or another tab ended it): notes can still be saved. */
  onEnded() {
    if (this.ended) return;
    this.ended = true;
    this.hideTyping();
    this.log.addNote('The chat has ended.');
    this.composer.hidden = true;
    this.shareButton.hidden = true;
    this.sharePanel.hidden = true;
    this.drawBadges();
    if (this.endPanel.hidden) this.openEnd(true);
  }

  // --- share a service ------------------------------------------------------------------

  async openShare() {
    this.endPanel.hidden = true;
    const items = await this.console.servicesFor(this.session.council_code);
    if (!items || !items.length) {
      this.shareButton.hidden = true;
      return;
    }
    this.sharedServices = new Map(items.map((s) => [String(s.id), s]));
    const choice = field({
      label: 'Service to share', name: 'service', type: 'select',
      options: items.map((s) => ({ value: s.id, label: `${s.name}${s.national ? ' (national)' : ''}${s.open_now ? ' – open now' : ''}` })),
    });
    const share = button('Share', { class: 'btn btn-primary btn-small' });
    const cancel = button('Cancel', { class: 'btn btn-quiet btn-small' });
    const details = h('p', { class: 'meta share-details' });
    const describe = () => {
      const s = this.sharedServices.get(choice.control.value);
      details.textContent = s ? s.description || '' : '';
    };
    choice.control.addEventListener('change', describe);
    describe();
    share.addEventListener('click', () => {
      const id = choice.control.value;
      if (!id) return;
      this.log.addPending(this.conn.send(this.sessionId, SHARE_BODY, { serviceId: id }));
      this.sharePanel.hidden = true;
      this.shareButton.focus();
    });
    cancel.addEventListener('click', () => { this.sharePanel.hidden = true; this.shareButton.focus(); });
    fill(this.sharePanel, h('h4', {}, 'Share a service'), choice.row, details,
      h('div', { class: 'actions actions-row' }, share, cancel));
    this.sharePanel.hidden = false;
    choice.control.focus();
  }

  // --- end the chat ---------------------------------------------------------------------

  openEnd(afterLeaving = false) {
    this.sharePanel.hidden = true;
    const notes = field({
      label: 'Private case notes', name: 'notes', type: 'textarea',
      hint: "Only counsellors see these. The young person can't.", attrs: { maxlength: '20000', rows: '4' },
    });
    const suggested = this.maxRisk;
    const risk = field({
      label: 'Risk level', name: 'risk_level', type: 'select', value: suggested,
      options: RISK_ORDER.map((r) => ({ value: r, label: RISK_LABELS[r] })),
    });
    const result = h('p', { class: 'console-alert', role: 'alert' });
    const submit = button(afterLeaving ? 'Save notes and close' : 'End chat and save notes', {
      type: 'submit', class: `btn ${afterLeaving ? 'btn-primary' : 'btn-danger'} btn-small`,
    });
    const cancel = afterLeaving ? null : button('Cancel', { class: 'btn btn-quiet btn-small' });
    const form = h('form', { class: 'form', novalidate: true },
      h('h4', {}, afterLeaving ? 'The young person has left. Add your notes' : 'End this chat'),
      afterLeaving ? null : h('p', { class: 'meta' }, 'They will see that you have ended the chat, and the helplines.'),
      notes.row, risk.row, result,
      h('div', { class: 'actions actions-row' }, submit, cancel));
    if (cancel) {
      cancel.addEventListener('click', () => {
        this.endPanel.hidden = true;
        this.endButton.hidden = false;
        this.endButton.focus();
      });
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        await api(`/chat/sessions/${encodeURIComponent(this.sessionId)}/end`, {
          method: 'POST', body: { notes: notes.control.value.trim() || null, risk_level: risk.control.value },
        });
        this.finish();
      } catch (err) {
        submit.disabled = false;
        result.textContent = `We couldn't end the chat. ${errorMessage(err)}`;
      }
    });
    fill(this.endPanel, form);
    this.endPanel.hidden = false;
    this.endButton.hidden = true;
    if (!afterLeaving) notes.control.focus();
  }

  finish() {
    this.ended = true;
    this.hideTyping();
    this.composer.hidden = true;
    this.tools.hidden = true;
    const close = button('Close this chat', { class: 'btn btn-secondary btn-small', onClick: () => this.console.closePanel(this) });
    fill(this.endPanel, h('p', { class: 'status-message', role: 'status' }, 'Chat ended. Your notes are saved.'), close);
    this.console.describeAvailability();
    this.endPanel.hidden = false;
    this.drawBadges();
    close.focus();
  }
}

// --- safeguarding alerts ------------------------------------------------------------------

const ALERT_RISK_LABELS = { none: 'No risk found', low: 'Low risk', medium: 'Medium risk', high: 'High risk', urgent: 'Urgent' };
const ALERT_KIND_TITLES = { post: 'Post', chat: 'Chat message', message_thread: 'Message to the team' };

// What an alert is about, in words: "Post by sky_fox", "Chat message by sky_fox".
function alertTitle(alert) {
  return `${ALERT_KIND_TITLES[alert.kind] || 'Post'} by ${alert.author}`;
}

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

class SafeguardingPanel {
  constructor(consoleRef) {
    this.console = consoleRef;
    this.cards = new Map(); // alert id → element (kept, so an open form survives a refresh)
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
      const wanted = previous ? previous.nextSibling : this.list.firstChild;
      if (wanted !== el) this.list.insertBefore(el, wanted);
      previous = el;
    }
    for (const [id, el] of [...this.cards]) {
      if (seen.has(id) || el.dataset.busy === 'true') continue;
      el.remove();
      this.cards.delete(id);
    }
    const n = Number.isInteger(total) ? total : items.length;
    this.count.textContent = `(${n})`;
    this.el.classList.toggle('alerts-card-open', n > 0);
    fill(this.body, n ? null : h('p', { class: 'console-empty' }, 'No open alerts.'));
    if (arrived.length) {
      this.news.textContent = arrived.length === 1
        ? `New safeguarding alert: ${alertTitle(arrived[0]).toLowerCase()}.`
        : `${arrived.length} new safeguarding alerts.`;
    }
    this.first = false;
  }

  card(alert) {
    const level = (alert.risk && alert.risk.level) || 'none';
    const titleId = uid('alert');
    const message = h('p', { class: 'console-alert', role: 'alert' });
    const tools = h('div', { class: 'alert-tools' });
    const li = h('li', { class: `alert-item alert-item-${level}`, 'data-updated': String(alert.updated_at || '') },
      h('article', { 'aria-labelledby': titleId },
        h('div', { class: 'mod-badges' },
          h('p', { class: `badge badge-level badge-level-${ALERT_RISK_LABELS[level] ? level : 'none'}` },
            level === 'urgent' || level === 'high' ? h('span', { 'aria-hidden': 'true' }, '! ') : null,
            ALERT_RISK_LABELS[level] || level)),
        h('h3', { id: titleId, class: 'alert-title', tabindex: '-1' }, alertTitle(alert)),
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
    const open = button(['Acknowledge', srOnly(`: ${alertTitle(alert).toLowerCase()}`)], { class: 'btn btn-primary btn-small' });
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
