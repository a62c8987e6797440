// The chat's connection to the server, shared by the young person's chat and the
// counsellor console. Screens never touch the WebSocket: they listen to this module's
// events and call send() / typing() / watch().
//
// Never lose a message:
// - every message gets a client_id (a UUID made here) and goes into an outbox, kept in
//   memory and in sessionStorage (so a reload keeps it; log-out wipes it), until the
//   server's `ack` (or its echo of the message) says it is stored;
// - when the socket drops it reconnects with backoff (0.5 s doubling to 10 s), at once on
//   the `online` event and when the app comes back into view; after connecting it sends
//   `resume` with the last seq it has for each chat, then sends every un-acked message
//   again with its same client_id (the server stores a client_id once);
// - incoming messages are de-duplicated by seq (the server echoes our own messages too);
// - if the socket can't open, messages go by POST /chat/sessions/{id}/messages with the
//   same client_id, and new messages are fetched with GET …/messages?after_seq= every
//   few seconds, until the socket works again;
// - messages still waiting when the chat screen is left (the young person goes to their
//   journal while the server is down, say), or found in sessionStorage when the app starts,
//   are sent by sendLeftBehind(): the same POST with the same client_id, tried again with
//   backoff (2 s doubling to 60 s) until stored, while no chat screen is open to do it.
//
// Events (on(type, fn)): state ({state}), open, queue, assigned, message, ack, failed
// ({client_id, detail, code, item}), typing, ended, queue_changed, error, poll, closed,
// and the staff notices safeguarding_alert (counsellors: {id}) and moderation_item
// (moderators, on /api/v1/moderation/ws: {id, risk_level, status}).
//
// `new ChatConnection({ path: '/api/v1/moderation/ws' })` uses the same reconnecting socket
// for the moderators' console (it only listens: no chats, no outbox).

import { api, ApiError, newClientId } from './api.js';

export { newClientId };

const OUTBOX_KEY = 'waymark.chat.outbox';
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;
const TYPING_EVERY_MS = 3000;
/** After this many failed attempts in a row to open the socket, send over HTTP instead. */
const FALLBACK_AFTER_FAILURES = 2;
const POLL_MS = 5000;
/** A message sent on an open socket with no ack after this long: the socket is likely dead. */
const ACK_TIMEOUT_MS = 8000;
/** A socket that stays open this long is working again: reset the backoff. */
const STABLE_AFTER_MS = 5000;

function loadOutbox() {
  try {
    const raw = sessionStorage.getItem(OUTBOX_KEY);
    const list = raw ? JSON.parse(raw) : [];
    return Array.isArray(list) ? list.filter((i) => i && i.client_id && i.session_id) : [];
  } catch {
    return [];
  }
}

const CHAT_SOCKET_PATH = '/api/v1/chat/ws';

/** Is this a refusal for good (the chat has ended, say) rather than no connection or server trouble? */
function refused(err) {
  return err instanceof ApiError && !err.offline && err.status >= 400 && err.status < 500
    && err.status !== 401 && err.status !== 429;
}

// --- messages left behind by a closed chat screen ------------------------------------------

const LEFT_FIRST_MS = 2000;
const LEFT_MAX_MS = 60000;
const left = { running: 0, busy: false, timer: null, delay: LEFT_FIRST_MS, stored: new Set() };

function storeOutbox(list) {
  try {
    if (list.length) sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(list));
    else sessionStorage.removeItem(OUTBOX_KEY);
  } catch {
    /* storage off: nothing was kept to send */
  }
}

/**
 * Send the chat messages that wait in sessionStorage while no chat connection runs, in order,
 * each with its client_id (the server stores a client_id once, so a message also sent by a
 * chat screen opened meanwhile is still stored once). A refused one (the chat ended) is kept,
 * marked, for the chat screen to show as not sent. Resolves to how many were stored.
 */
export async function sendLeftBehind() {
  if (left.busy || left.running) return 0;
  window.clearTimeout(left.timer);
  left.timer = null;
  left.busy = true;
  let sent = 0;
  let again = false;
  try {
    for (const item of loadOutbox()) {
      if (left.running) break; // a chat screen has taken over
      if (item.refused) continue;
      const body = { body: item.body, client_id: item.client_id };
      if (item.service_id) body.service_id = item.service_id;
      try {
        await api(`/chat/sessions/${encodeURIComponent(item.session_id)}/messages`, { method: 'POST', body });
        storeOutbox(loadOutbox().filter((i) => i.client_id !== item.client_id));
        left.stored.add(item.client_id);
        sent += 1;
      } catch (err) {
        if (!refused(err)) {
          again = true;
          break; // no connection or server trouble: keep the rest in order, try later
        }
        storeOutbox(loadOutbox().map((i) => (i.client_id === item.client_id ? { ...i, refused: true } : i)));
      }
    }
  } finally {
    left.busy = false;
  }
  if (again && !left.running) {
    left.timer = window.setTimeout(() => { sendLeftBehind(); }, left.delay);
    left.delay = Math.min(left.delay * 2, LEFT_MAX_MS);
  } else {
    left.delay = LEFT_FIRST_MS;
  }
  return sent;
}

function socketUrl(path = CHAT_SOCKET_PATH) {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${path}`;
}

export class ChatConnection {
  /** `path`: the socket to use (the chat's by default). */
  constructor({ path = CHAT_SOCKET_PATH } = {}) {
    this.path = path;
    this.ws = null;
    this.state = 'idle'; // idle | connecting | open | reconnecting | offline | closed
    this.handlers = new Map();
    this.sessions = new Map(); // session id → { lastSeq, seqs: Set, ended }
    this.listenOnly = path !== CHAT_SOCKET_PATH; // e.g. the moderators' socket: no chats, no outbox
    this.outbox = this.listenOnly ? [] : loadOutbox();
    this.delay = MIN_DELAY_MS;
    this.failures = 0;
    this.timer = null;
    this.pollTimer = null;
    this.watchdog = null;
    this.stopped = true;
    this.httpBusy = false;
    this.fallback = false;
    this.lastTyping = new Map();
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => {
      // The socket is almost certainly dead; close it so we notice at once.
      if (this.ws) this.dropSocket();
      this.setState('offline');
    };
    this.onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      if (this.isOpen()) this.resumeAll(); // catch up on anything missed while hidden
      else this.reconnectNow();
    };
  }

  // --- events -----------------------------------------------------------------------------

  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type)?.delete(fn);
  }

  emit(type, data = {}) {
    for (const fn of this.handlers.get(type) || []) {
      try {
        fn(data);
      } catch (err) {
        console.error(err); // eslint-disable-line no-console
      }
    }
  }

  setState(state) {
    if (this.state === state && this.shownFallback === this.fallback) return;
    this.state = state;
    this.shownFallback = this.fallback;
    this.emit('state', { state, fallback: this.fallback });
  }

  isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  // --- lifecycle ----------------------------------------------------------------------------

  /** Open and keep open; `signal` (the screen's, from the router) stops it for good when it aborts. */
  start({ signal } = {}) {
    if (signal) {
      if (signal.aborted) return;
      signal.addEventListener('abort', () => this.stop(), { once: true });
    }
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.watchdog = window.setInterval(() => this.checkAcks(), ACK_TIMEOUT_MS / 2);
    if (!this.listenOnly && !this.counted) {
      this.counted = true;
      left.running += 1; // this connection sends its own outbox now
      window.clearTimeout(left.timer);
      left.timer = null;
      // sendLeftBehind may have sent some meanwhile, or a closed screen left some behind
      const known = new Set(this.outbox.map((i) => i.client_id));
      this.outbox = [...this.outbox.filter((i) => !left.stored.has(i.client_id)),
        ...loadOutbox().filter((i) => !known.has(i.client_id))];
    }
    this.open();
  }

  /** Close for good (leaving the screen). The outbox stays in sessionStorage and is sent by sendLeftBehind(). */
  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    window.clearTimeout(this.timer);
    window.clearTimeout(this.stableTimer);
    window.clearInterval(this.watchdog);
    this.stopPolling();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try { ws.close(1000, 'leaving'); } catch { /* ignore */ }
    }
    this.setState('closed');
    if (this.counted) {
      this.counted = false;
      left.running -= 1;
      if (this.outbox.length) sendLeftBehind();
    }
  }

  reconnectNow() {
    if (this.stopped || this.isOpen()) return;
    if (this.ws && this.ws.readyState === WebSocket.CONNECTING) return;
    this.delay = MIN_DELAY_MS;
    window.clearTimeout(this.timer);
    this.open();
  }

  open() {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    if (navigator.onLine === false) {
      // Wait for the `online` event; try now and then anyway (onLine is not always right).
      this.setState('offline');
      this.timer = window.setTimeout(() => this.open(), MAX_DELAY_MS);
      return;
    }
    this.setState(this.failures || this.fallback ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(socketUrl(this.path));
    } catch {
      this.onSocketFailed(false);
      return;
    }
    this.ws = ws;
    let opened = false;
    let openedAt = 0;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      openedAt = Date.now();
      this.setState('open');
      this.resumeAll();
      this.flush();
      this.emit('open');
      // Only a socket that stays up counts as working (one the server drops straight
      // after a frame must not make us reconnect every half second for ever).
      window.clearTimeout(this.stableTimer);
      this.stableTimer = window.setTimeout(() => {
        if (this.ws !== ws || ws.readyState !== WebSocket.OPEN) return;
        this.failures = 0;
        this.delay = MIN_DELAY_MS;
        this.fallback = false;
        this.stopPolling();
        this.setState('open');
      }, STABLE_AFTER_MS);
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object') this.receive(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (event.code === 4401) {
        this.stopped = true;
        this.setState('closed');
        this.emit('closed', { reason: 'unauthorised' });
        window.dispatchEvent(new CustomEvent('waymark:unauthorised', { detail: { path: '/chat/ws' } }));
        return;
      }
      if (event.code === 4403) {
        this.stopped = true;
        this.setState('closed');
        this.emit('closed', { reason: 'forbidden' });
        return;
      }
      this.onSocketFailed(opened && Date.now() - openedAt >= STABLE_AFTER_MS);
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  /** Forget the current socket (it may be half-dead) and reconnect. */
  dropSocket() {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try { ws.close(4000, 'reconnecting'); } catch { /* ignore */ }
    }
    this.onSocketFailed(true);
  }

  /** The socket closed (or never opened). `wasStable`: it had been up for a while. */
  onSocketFailed(wasStable) {
    if (this.stopped) return;
    window.clearTimeout(this.stableTimer);
    if (!wasStable) this.failures += 1;
    if (this.failures >= FALLBACK_AFTER_FAILURES && !this.fallback) {
      this.fallback = true;
      this.startPolling();
    }
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    if (this.fallback) this.flushHttp();
    const wait = wasStable ? MIN_DELAY_MS : this.delay;
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.open(), wait);
  }

  // --- chats ------------------------------------------------------------------------------

  /** Follow a chat: keep its messages coming, from after `afterSeq` (0: the whole chat). */
  watch(sessionId, afterSeq = 0) {
    const id = String(sessionId);
    let sess = this.sessions.get(id);
    if (!sess) {
      sess = { lastSeq: afterSeq, base: afterSeq, seqs: new Set(), ended: false };
      this.sessions.set(id, sess);
    }
    if (this.isOpen()) {
      this.sendFrame({ type: 'resume', session_id: id, after_seq: sess.lastSeq });
      this.flush();
    } else if (this.fallback) {
      this.poll();
      this.flushHttp();
    }
    return sess;
  }

  /** A supervisor follows someone else's chat read-only ({type: "watch"}), from after `afterSeq`. */
  supervise(sessionId, afterSeq = 0) {
    const id = String(sessionId);
    if (!this.sessions.has(id)) {
      this.sessions.set(id, { lastSeq: afterSeq, base: afterSeq, seqs: new Set(), ended: false, supervised: true });
    }
    const sess = this.sessions.get(id);
    if (this.isOpen()) this.sendFrame({ type: 'watch', session_id: id, after_seq: sess.lastSeq });
    return sess;
  }

  unwatch(sessionId) {
    this.sessions.delete(String(sessionId));
  }

  /** The highest seq we have with nothing missing before it. */
  lastSeq(sessionId) {
    const sess = this.sessions.get(String(sessionId));
    return sess ? sess.lastSeq : 0;
  }

  resumeAll() {
    for (const [id, sess] of this.sessions) {
      if (!sess.ended) this.sendFrame({ type: sess.supervised ? 'watch' : 'resume', session_id: id, after_seq: sess.lastSeq });
    }
  }

  /** Messages of a chat that are not stored yet, oldest first. */
  pending(sessionId) {
    return this.outbox.filter((i) => i.session_id === String(sessionId));
  }

  /** Send a message. Returns the outbox item ({client_id, body, …}) at once. */
  send(sessionId, body, { serviceId = null } = {}) {
    const item = {
      client_id: newClientId(),
      session_id: String(sessionId),
      body,
      created_at: new Date().toISOString(),
    };
    if (serviceId) item.service_id = String(serviceId);
    this.outbox.push(item);
    this.saveOutbox();
    if (this.isOpen()) this.sendItem(item);
    else if (this.fallback) this.flushHttp();
    else this.reconnectNow();
    return item;
  }

  /** Tell the other person we're typing: at most once every 3 seconds. */
  typing(sessionId) {
    const id = String(sessionId);
    const now = Date.now();
    if (!this.isOpen() || now - (this.lastTyping.get(id) || 0) < TYPING_EVERY_MS) return;
    this.lastTyping.set(id, now);
    this.sendFrame({ type: 'typing', session_id: id });
  }

  // --- sending ----------------------------------------------------------------------------

  sendFrame(frame) {
    if (!this.isOpen()) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  sendItem(item) {
    const frame = { type: 'message', session_id: item.session_id, client_id: item.client_id, body: item.body };
    if (item.service_id) frame.service_id = item.service_id;
    if (this.sendFrame(frame)) item.sentAt = Date.now();
  }

  /** Send every un-acked message again, with its same client_id. */
  flush() {
    if (!this.isOpen()) return;
    for (const item of [...this.outbox]) this.sendItem(item);
  }

  /** An open socket that doesn't ack may be half-dead (a phone changing networks). */
  checkAcks() {
    if (!this.isOpen()) return;
    const now = Date.now();
    if (this.outbox.some((i) => i.sentAt && now - i.sentAt > ACK_TIMEOUT_MS)) {
      for (const i of this.outbox) delete i.sentAt;
      this.dropSocket();
      this.flushHttp();
    }
  }

  /** The fallback: POST each waiting message, in order, with its client_id. */
  async flushHttp() {
    if (this.httpBusy || !this.outbox.length) return;
    this.httpBusy = true;
    try {
      for (const item of [...this.outbox]) {
        if (!this.outbox.includes(item)) continue; // acked meanwhile
        const body = { body: item.body, client_id: item.client_id };
        if (item.service_id) body.service_id = item.service_id;
        try {
          const message = await api(`/chat/sessions/${encodeURIComponent(item.session_id)}/messages`, { method: 'POST', body });
          this.acked(item.client_id, message && message.seq, item.session_id);
          if (message) this.receive({ type: 'message', session_id: item.session_id, ...message });
        } catch (err) {
          if (refused(err)) {
            this.fail(item.client_id, err.detail || "This message couldn't be sent.", err.code);
          } else {
            break; // offline or server trouble: keep it, try again later
          }
        }
      }
    } finally {
      this.httpBusy = false;
    }
  }

  startPolling() {
    if (this.pollTimer) return;
    this.pollTimer = window.setInterval(() => this.poll(), POLL_MS);
    this.poll();
  }

  stopPolling() {
    if (this.pollTimer) window.clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  async poll() {
    if (this.isOpen()) return;
    this.emit('poll');
    if (this.outbox.length) this.flushHttp();
    for (const [id, sess] of [...this.sessions]) {
      if (sess.ended) continue;
      try {
        const data = await api(`/chat/sessions/${encodeURIComponent(id)}/messages`, { query: { after_seq: sess.lastSeq } });
        for (const m of (data && data.items) || []) this.receive({ type: 'message', session_id: id, ...m });
      } catch {
        /* try again next time */
      }
    }
  }

  // --- receiving --------------------------------------------------------------------------

  receive(frame) {
    switch (frame.type) {
      case 'message': {
        const id = String(frame.session_id);
        let sess = this.sessions.get(id);
        if (!sess) sess = this.watchQuietly(id);
        const seq = Number(frame.seq);
        if (!Number.isInteger(seq) || sess.seqs.has(seq) || seq <= sess.base) return;
        sess.seqs.add(seq);
        while (sess.seqs.has(sess.lastSeq + 1)) sess.lastSeq += 1;
        if (frame.client_id) this.acked(frame.client_id, seq, id);
        this.emit('message', frame);
        return;
      }
      case 'ack':
        this.acked(frame.client_id, frame.seq, frame.session_id);
        return;
      case 'error':
        if (frame.client_id && this.outbox.some((i) => i.client_id === frame.client_id)) {
          this.fail(frame.client_id, frame.detail, frame.code);
        } else {
          this.emit('error', frame);
        }
        return;
      case 'ended': {
        const sess = this.sessions.get(String(frame.session_id));
        if (sess) sess.ended = true;
        this.emit('ended', frame);
        return;
      }
      case 'queue':
      case 'assigned':
      case 'typing':
      case 'queue_changed':
      case 'safeguarding_alert':
      case 'moderation_item':
      case 'whisper':
      case 'transferred':
      case 'message_thread':
        this.emit(frame.type, frame);
        return;
      default:
    }
  }

  watchQuietly(id) {
    const sess = { lastSeq: 0, base: 0, seqs: new Set(), ended: false };
    this.sessions.set(id, sess);
    return sess;
  }

  acked(clientId, seq, sessionId) {
    const index = this.outbox.findIndex((i) => i.client_id === clientId);
    if (index < 0) return;
    this.outbox.splice(index, 1);
    this.saveOutbox();
    this.emit('ack', { client_id: clientId, seq, session_id: sessionId });
  }

  fail(clientId, detail, code) {
    const index = this.outbox.findIndex((i) => i.client_id === clientId);
    if (index < 0) return;
    const [item] = this.outbox.splice(index, 1);
    this.saveOutbox();
    this.emit('failed', { client_id: clientId, detail: detail || '', code: code || null, item });
  }

  saveOutbox() {
    if (this.listenOnly) return;
    try {
      if (this.outbox.length) {
        sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(this.outbox.map(({ sentAt, ...rest }) => rest)));
      } else {
        sessionStorage.removeItem(OUTBOX_KEY);
      }
    } catch {
      /* storage may be full or off: the outbox still lives in memory */
    }
  }
}
