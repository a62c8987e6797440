// Chat with a counsellor (young person). Route: #/chat
//
// One screen, several views: join (topic, "I'm not safe right now", Join the queue) →
// the queue (place and wait, live from the WebSocket; Leave the queue) → the chat
// (messages, typing, shared services, Leave chat) → the end. Outside opening hours it
// shows the helplines and when chat opens, never an empty queue. On load it asks the
// server whether this person is already waiting or chatting and goes straight back there.
// The socket, the outbox and reconnecting live in ../chat-connection.js.

import { api, ApiError, errorMessage } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, uid, londonWhen, fill, confirmDialog,
} from '../ui.js';
import { loadCrisisLines, crisisList, crisisBlock, dangerNow } from '../crisis.js';
import { ChatConnection } from '../chat-connection.js';
import { MessageLog, sendFromBox } from '../chat-ui.js';
import { applyLimits } from '../meta.js';
import { joinForm, waitWords } from '../chat-join.js';

const TYPING_SHOWN_MS = 4000;

export async function render(root, ctx) {
  setTitle('Chat with a counsellor');
  if (!ctx.user) {
    root.append(
      backLink(ctx.back('#/talk')),
      screenHeading('Chat with a counsellor'),
      h('p', {}, 'To chat with a counsellor you need a Waymark account. It is free and anonymous.'),
      h('div', { class: 'actions' },
        h('a', { href: '#/login', class: 'btn btn-primary btn-block' }, 'Log in'),
        h('a', { href: '#/signup', class: 'btn btn-secondary btn-block' }, 'Make an account')),
      h('h2', {}, 'You can talk to someone now'),
      crisisBlock({ headingLevel: 3 }));
    return;
  }
  if (ctx.user.role !== 'young_person') {
    root.append(
      backLink(ctx.back(ctx.landing())),
      screenHeading('Chat with a counsellor'),
      h('p', {}, 'This is where young people chat with a counsellor.'),
      ctx.user.role === 'counsellor'
        ? h('p', {}, h('a', { href: '#/counsellor' }, 'Go to the chat console')) : null);
    return;
  }
  await new YoungPersonChat(root, ctx).start();
}

class YoungPersonChat {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.heading = screenHeading('Chat with a counsellor');
    this.body = h('div', { class: 'chat-screen' });
    this.view = null;
    this.conn = null;
    this.sessionId = null;
    this.counsellor = null;
    this.firstView = true;
    root.append(backLink(ctx.back('#/talk')), this.heading, this.body);
  }

  async start() {
    fill(this.body, h('p', { class: 'loading' }, 'Checking your chat…'));
    let current = null;
    try {
      current = await api('/chat/requests/current');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        this.showProblem(err);
        return;
      }
    }
    if (!this.ctx.isCurrent()) return;
    if (current && current.status === 'waiting') this.showQueue(current);
    else if (current && current.status === 'active' && current.session_id) this.showChat(current);
    else await this.showStart();
  }

  /** Move to a new view: new heading and title, focus on the heading (not on first load). */
  show(view, title, ...children) {
    this.view = view;
    this.heading.textContent = title;
    setTitle(title);
    fill(this.body, ...children);
    // Move focus to the new heading so it is read out (also when the router has just
    // focused the old one, while this screen was still loading).
    if (!this.firstView || document.activeElement === this.heading) {
      this.heading.blur();
      this.heading.focus({ preventScroll: false });
    }
    this.firstView = false;
  }

  // --- the socket -------------------------------------------------------------------------

  connect() {
    if (this.conn) return this.conn;
    const conn = new ChatConnection();
    this.conn = conn;
    conn.on('queue', (f) => this.onQueue(f));
    conn.on('assigned', (f) => {
      if (this.view === 'queue') this.showChat({ session_id: f.session_id, counsellor: f.counsellor });
    });
    conn.on('message', (m) => this.onMessage(m));
    conn.on('ack', (a) => this.log && a.session_id === this.sessionId && this.log.markSent(a.client_id, a.seq));
    conn.on('failed', (f) => this.onFailed(f));
    conn.on('typing', (f) => this.onTyping(f));
    conn.on('ended', (f) => {
      if (f.session_id === this.sessionId && this.view === 'chat') this.showEnded(false);
    });
    conn.on('transferred', (f) => this.onTransferred(f));
    conn.on('state', ({ state }) => this.onState(state));
    // After a drop, anything may have happened: check where we are.
    conn.on('open', () => this.recheck());
    conn.on('poll', () => this.recheck());
    conn.on('closed', ({ reason }) => {
      if (reason === 'unauthorised') this.setLine('Please log in again to carry on chatting.');
    });
    conn.start({ signal: this.ctx.signal }); // closed when the screen is left
    return conn;
  }

  async recheck() {
    if (this.view !== 'queue' && this.view !== 'chat') return;
    let current = null;
    try {
      current = await api('/chat/requests/current');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) return; // offline: try later
    }
    if (!this.ctx.isCurrent()) return;
    if (this.view === 'queue') {
      if (current && current.status === 'active' && current.session_id) this.showChat(current);
      else if (current && current.status === 'waiting') this.onQueue(current);
      else if (!current) this.showStart();
    } else if (this.view === 'chat' && (!current || current.session_id !== this.sessionId)) {
      this.showEnded(false);
    }
  }

  onState(state) {
    const words = {
      connecting: '',
      open: '',
      reconnecting: this.conn && this.conn.fallback
        ? "Your connection isn't great. We'll keep trying, and your messages will still send."
        : 'Reconnecting…',
      offline: "You're offline. Your messages will send when you're back online.",
      closed: '',
    };
    this.setLine(words[state] || '');
  }

  setLine(text) {
    if (this.line && this.line.textContent !== text) this.line.textContent = text;
  }

  // --- start: join, or closed ---------------------------------------------------------------

  async showStart() {
    fill(this.body, h('p', { class: 'loading' }, 'Checking if counsellors are online…'));
    let status = null;
    try {
      status = await api('/chat/status');
    } catch (err) {
      this.showProblem(err);
      return;
    }
    if (!this.ctx.isCurrent()) return;
    if (!status || !status.open) {
      this.showClosed(status || {});
      return;
    }
    const wait = waitWords(status.estimated_wait_seconds);
    this.show('join', 'Chat with a counsellor',
      h('p', {}, 'Talk to a trained Waymark counsellor by typing. It is free and private.'),
      wait ? h('p', {}, h('strong', {}, `The wait right now: ${wait.toLowerCase()}.`)) : null,
      status.counsellors_online === false && status.message ? h('p', {}, status.message) : null,
      joinForm({
        onJoined: (request) => {
          if (request && request.status === 'waiting') this.showQueue(request);
          else this.start();
        },
        onClosed: (problem) => this.showClosed(problem),
      }),
      h('p', { class: 'meta' }, "In danger now? Call 999. Or see ", h('a', { href: '#/talk' }, 'helplines open all the time'), '.'));
  }

  showClosed(status) {
    const when = status.opens_at ? londonWhen(status.opens_at) : null;
    const lines = Array.isArray(status.crisis_lines) && status.crisis_lines.length ? status.crisis_lines : null;
    const slot = h('div', {}, h('p', { class: 'loading' }, 'Loading helplines…'));
    this.show('closed', 'Chat is closed right now',
      status.closure && status.message ? h('p', { class: 'lead closure-message' }, status.message) : null,
      h('p', { class: 'lead' }, h('strong', {}, when ? `Chat opens ${when}.` : "We don't know when chat will open next.")),
      h('p', {}, "Until then, these helplines are free and there for you any time. You don't have to wait."),
      dangerNow(),
      slot);
    if (lines) fill(slot, crisisList(lines, { skipEmergency: true }));
    else loadCrisisLines().then(({ lines: l }) => fill(slot, crisisList(l, { skipEmergency: true })));
  }

  showProblem(err) {
    this.show('problem', 'Chat with a counsellor',
      h('p', {}, err && err.offline
        ? "You're offline, so we can't start a chat right now. These helplines work by phone or text:"
        : `We couldn't check the chat. ${errorMessage(err)}`),
      button('Try again', { variant: 'secondary', onClick: () => this.start() }),
      h('h2', {}, 'You can talk to someone now'),
      crisisBlock({ headingLevel: 3 }));
  }

  // --- the queue --------------------------------------------------------------------------

  showQueue(request) {
    this.position = h('p', { class: 'queue-position' });
    this.wait = h('p', { class: 'queue-wait' });
    this.longWait = h('div', { class: 'long-wait', hidden: true });
    this.line = h('p', { class: 'connection-line', role: 'status' });
    const leave = button('Leave the queue', { variant: 'secondary', class: 'btn btn-danger-outline btn-block' });
    leave.addEventListener('click', () => this.leaveQueue(leave));
    this.show('queue', "You're in the queue",
      h('div', { class: 'queue-box', 'aria-live': 'polite', 'aria-atomic': 'true' }, this.position, this.wait),
      request && request.topic ? h('p', { class: 'meta' }, `You want to talk about: ${request.topic}`) : null,
      h('p', {}, 'Keep this page open. When a counsellor is ready, your chat will start here.'),
      this.line,
      this.longWait,
      h('div', { class: 'actions actions-bottom' }, leave),
      h('p', { class: 'meta' }, 'In danger now? Call 999. ', h('a', { href: '#/talk' }, 'See helplines you can call now'), '.'));
    this.onQueue(request || {});
    this.connect();
  }

  /** The chat moved to another counsellor (or back to the front of the queue): same chat, nothing lost. */
  onTransferred(frame) {
    if (String(frame.session_id) !== String(this.sessionId) || !this.log) return;
    this.counsellor = frame.counsellor || null;
    this.log.addNote(frame.counsellor
      ? `${frame.counsellor} is taking over your chat. Everything you wrote is still here.`
      : "We're passing your chat to another counsellor. Please stay here: you're first in line, and everything you wrote is still here.");
  }

  onQueue(frame) {
    if (this.view !== 'queue') return;
    if (Number.isInteger(frame.position)) {
      const text = `You're number ${frame.position} in the queue`;
      if (this.position.textContent !== text) this.position.textContent = text;
    }
    const wait = waitWords(frame.estimated_wait_seconds);
    if (wait && this.wait.textContent !== wait) this.wait.textContent = wait;
    if (frame.long_wait || frame.closing) this.showLongWait(frame);
  }

  showLongWait(frame) {
    const box = this.longWait;
    const message = frame.message || "Thank you for waiting. It may still be a little while. You can stay in the queue, and if you need to talk now, these lines are open.";
    if (!box.hidden) {
      const p = box.querySelector('.long-wait-message');
      if (p && p.textContent !== message) p.textContent = message;
      return;
    }
    const slot = h('div', {}, h('p', { class: 'loading' }, 'Loading helplines…'));
    fill(box, h('h2', {}, frame.closing ? 'The chat has closed' : 'Still waiting'),
      h('p', { class: 'long-wait-message' }, message),
      h('p', {}, "You won't lose your place."), slot);
    box.hidden = false;
    if (Array.isArray(frame.crisis_lines) && frame.crisis_lines.length) {
      fill(slot, crisisList(frame.crisis_lines, { headingLevel: 3 }));
    } else {
      loadCrisisLines().then(({ lines }) => fill(slot, crisisList(lines, { headingLevel: 3 })));
    }
  }

  async leaveQueue(btn) {
    btn.disabled = true;
    try {
      await api('/chat/requests/current', { method: 'DELETE' });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        btn.disabled = false;
        this.setLine(`We couldn't take you out of the queue. ${errorMessage(err)}`);
        return;
      }
    }
    if (this.conn) this.conn.stop();
    this.conn = null;
    this.show('left', "You've left the queue",
      h('p', {}, 'You can join again whenever you like.'),
      h('div', { class: 'actions' },
        button('Join the queue again', { class: 'btn btn-primary btn-block', onClick: () => this.showStart() }),
        h('a', { href: '#/talk', class: 'btn btn-secondary btn-block' }, 'See other ways to talk')));
  }

  // --- the chat ---------------------------------------------------------------------------

  showChat(current) {
    if (this.view === 'chat' && this.sessionId === String(current.session_id)) return;
    this.sessionId = String(current.session_id);
    this.counsellor = current.counsellor || null;
    const name = this.counsellor || 'Your counsellor';
    this.log = new MessageLog({
      ownSender: 'young_person',
      labelFor: (sender) => (sender === 'young_person' ? 'You' : name),
      label: `Messages with ${name}`,
    });
    this.typingLine = h('p', { class: 'typing-line', 'aria-live': 'polite' });
    this.line = h('p', { class: 'connection-line', role: 'status' });

    const messageId = uid('message');
    const messageError = h('p', { class: 'field-error', id: `${messageId}-error`, hidden: true });
    this.textbox = h('textarea', {
      id: messageId, name: 'message', rows: '2', enterkeyhint: 'send', autocomplete: 'off',
    });
    applyLimits([[this.textbox, 'chat_message']]); // the server's limit, as maxlength
    const send = button('Send', { type: 'submit', class: 'btn btn-primary' });
    this.composer = h('form', { class: 'composer', novalidate: true },
      h('label', { for: messageId, class: 'label' }, `Message ${this.counsellor || 'your counsellor'}`),
      messageError,
      h('div', { class: 'composer-row' }, this.textbox, send));
    this.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendMessage(messageError);
    });
    this.textbox.addEventListener('keydown', (event) => {
      // Enter sends on a keyboard; Shift+Enter makes a new line.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && window.matchMedia('(pointer: fine)').matches) {
        event.preventDefault();
        this.sendMessage(messageError);
      }
    });
    this.textbox.addEventListener('input', () => {
      if (this.textbox.value.trim()) this.conn && this.conn.typing(this.sessionId);
    });

    const leave = button('Leave chat', { class: 'btn btn-danger-outline btn-small' });
    leave.addEventListener('click', () => this.confirmLeave(leave));

    this.show('chat', `You're talking to ${name}`,
      h('p', { class: 'meta' }, `${name} is a trained Waymark counsellor. Take your time.`),
      h('div', { class: 'chat-toolbar' }, leave),
      this.line,
      this.log.el,
      this.typingLine,
      this.composer);
    this.log.addNote(`${name} has joined the chat.`);

    const conn = this.connect();
    conn.watch(this.sessionId, 0); // 0: fetch the whole chat (after a reload too)
    for (const item of conn.pending(this.sessionId)) this.log.addPending(item);
  }

  sendMessage(errorEl) {
    sendFromBox({
      conn: this.conn, sessionId: this.sessionId, textbox: this.textbox, log: this.log, errorEl,
      tooLong: (max) => `A message can be up to ${max} letters. Please split it up.`,
    });
  }

  onMessage(m) {
    if (!this.log || String(m.session_id) !== this.sessionId) return;
    this.log.addMessage(m);
    if (m.sender === 'counsellor') this.hideTyping();
  }

  onFailed(f) {
    if (!this.log || f.item.session_id !== this.sessionId) return;
    this.log.markFailed(f.client_id, f.code === 'ended' ? 'The chat had ended.' : f.detail);
  }

  onTyping(f) {
    if (this.view !== 'chat' || String(f.session_id) !== this.sessionId) return;
    this.typingLine.textContent = `${this.counsellor || 'Your counsellor'} is typing…`;
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.hideTyping(), TYPING_SHOWN_MS);
  }

  hideTyping() {
    window.clearTimeout(this.typingTimer);
    if (this.typingLine) this.typingLine.textContent = '';
  }

  confirmLeave(trigger) {
    const name = this.counsellor || 'Your counsellor';
    confirmDialog({
      trigger,
      title: 'Leave the chat?',
      text: `${name} won't be able to reply after you leave. You can come back any time.`,
      yesLabel: 'Yes, leave the chat',
      noLabel: 'Stay in the chat',
      onConfirm: async () => {
        try {
          await api('/chat/requests/current', { method: 'DELETE' });
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) {
            this.setLine(`We couldn't end the chat. ${errorMessage(err)}`);
            trigger.focus();
            return;
          }
        }
        this.showEnded(true);
      },
    });
  }

  showEnded(byMe) {
    if (this.view === 'ended') return;
    const name = this.counsellor || 'Your counsellor';
    this.hideTyping();
    if (this.composer) this.composer.remove();
    const log = this.log ? this.log.el : null;
    const text = byMe ? "You've left the chat. You can come back any time."
      : `${name} has ended the chat. You can come back any time.`;
    if (this.log) this.log.addNote(byMe ? 'You left the chat.' : `${name} ended the chat.`);
    // Leave the socket a moment to deliver acks for anything still sending.
    const conn = this.conn;
    this.conn = null;
    if (conn) window.setTimeout(() => conn.stop(), 3000);
    this.show('ended', 'The chat has ended',
      h('p', { class: 'lead' }, text),
      h('div', { class: 'actions' },
        h('a', { href: '#/talk', class: 'btn btn-primary btn-block' }, 'Back to Talk to someone')),
      h('section', { 'aria-labelledby': 'ended-lines' },
        h('h2', { id: 'ended-lines' }, 'Need to talk again now?'),
        h('p', {}, 'These helplines are free and open any time.'),
        crisisBlock({ headingLevel: 3 })),
      log ? h('section', { class: 'section', 'aria-labelledby': 'ended-log' },
        h('h2', { id: 'ended-log' }, 'Your chat'), log) : null);
  }
}
