// Pieces both chat screens draw: the message log (own messages on the right, the other
// person's on the left, each with a sender label in words, not colour alone), "Sending…" /
// "Sent" states, and a shared service card. Every message is put in as text.

import { h, srOnly, dialable, linkButton, londonTime } from './ui.js';
import { riskLabel } from './meta.js';


/** A service shared in a chat: name, description and tap-to-call / text / email / website. */
export function sharedServiceCard(service) {
  if (!service || typeof service !== 'object') return null;
  const name = String(service.name || 'A service');
  const contacts = [];
  if (service.phone) {
    contacts.push(linkButton(['Call ', String(service.phone), srOnly(` (${name})`)], `tel:${dialable(service.phone)}`,
      { variant: 'primary', class: 'btn btn-primary btn-small' }));
  }
  if (service.sms) {
    contacts.push(linkButton(['Text ', String(service.sms), srOnly(` (${name})`)], `sms:${dialable(service.sms)}`,
      { variant: 'primary', class: 'btn btn-primary btn-small' }));
  }
  if (service.email && /^[^\s@]+@[^\s@]+$/.test(String(service.email))) {
    contacts.push(linkButton(['Email', srOnly(` ${name}`)], `mailto:${service.email}`,
      { variant: 'secondary', class: 'btn btn-secondary btn-small' }));
  }
  if (service.url && /^https?:/i.test(String(service.url))) {
    contacts.push(linkButton(['Website', srOnly(` for ${name} (opens in a new tab)`)], String(service.url),
      { variant: 'secondary', class: 'btn btn-secondary btn-small', target: '_blank', rel: 'noopener noreferrer' }));
  }
  return h('div', { class: 'chat-service' },
    h('p', { class: 'chat-service-label' }, 'Shared service'),
    h('p', { class: 'chat-service-name' }, name),
    service.description ? h('p', { class: 'chat-service-text' }, String(service.description)) : null,
    service.hours ? h('p', { class: 'meta' }, `Open: ${service.hours}`) : null,
    contacts.length ? h('div', { class: 'contact-actions' }, contacts) : null);
}

/**
 * The list of messages of one chat.
 *   ownSender: 'young_person' | 'counsellor' — whose messages go on the right.
 *   labelFor(sender) → the words shown above a message ("You", "Jo", "Young person").
 *   showRisk: show the moderation level of a young person's message (counsellors only).
 *   scroller: the element that scrolls (default: the page).
 */
export class MessageLog {
  constructor({ ownSender, labelFor, showRisk = false, label = 'Messages', scroller = null }) {
    this.ownSender = ownSender;
    this.labelFor = labelFor;
    this.showRisk = showRisk;
    this.scroller = scroller;
    this.byKey = new Map(); // client_id or "seq:N" → { li, status, seq }
    this.seqs = new Set();
    // The live region wraps the list: role="log" on the <ol> itself would take away its list
    // role and leave every message an <li> outside a list.
    this.list = h('ol', { class: 'chat-log' });
    this.el = h('div', { class: 'chat-log-region', role: 'log', 'aria-live': 'polite', 'aria-label': label }, this.list);
  }

  isEmpty() {
    return this.byKey.size === 0;
  }

  /** A message from the server ({seq, sender, body, sent_at, client_id?, service?, risk?}). */
  addMessage(msg) {
    const seq = Number(msg.seq);
    if (this.seqs.has(seq)) return null;
    this.seqs.add(seq);
    const pending = msg.client_id ? this.byKey.get(msg.client_id) : null;
    if (pending) {
      pending.seq = seq;
      pending.li.dataset.seq = String(seq);
      this.setStatus(pending, 'Sent', 'sent');
      if (msg.sent_at) pending.time.textContent = londonTime(msg.sent_at);
      this.place(pending.li, seq);
      return pending.li;
    }
    const entry = this.build({
      sender: msg.sender, body: msg.body, service: msg.service, risk: msg.risk, sentAt: msg.sent_at, seq,
    });
    if (msg.sender === this.ownSender) this.setStatus(entry, 'Sent', 'sent');
    this.byKey.set(msg.client_id || `seq:${seq}`, entry);
    this.place(entry.li, seq);
    this.scrollToEnd(msg.sender === this.ownSender);
    return entry.li;
  }

  /** One of ours that the server has not stored yet. */
  addPending(item) {
    if (this.byKey.has(item.client_id)) return;
    const entry = this.build({ sender: this.ownSender, body: item.body, sentAt: item.created_at });
    this.setStatus(entry, 'Sending…', 'sending');
    this.byKey.set(item.client_id, entry);
    this.list.append(entry.li);
    this.scrollToEnd(true);
  }

  markSent(clientId, seq) {
    const entry = this.byKey.get(clientId);
    if (!entry) return;
    this.setStatus(entry, 'Sent', 'sent');
    if (Number.isInteger(seq) && !entry.seq) {
      entry.seq = seq;
      entry.li.dataset.seq = String(seq);
      this.place(entry.li, seq);
    }
  }

  markFailed(clientId, detail) {
    const entry = this.byKey.get(clientId);
    if (!entry) return;
    this.setStatus(entry, `Not sent. ${detail || 'Please try again.'}`, 'failed');
  }

  /** A line between messages: "Jo joined the chat", "The chat has ended". */
  addNote(text) {
    const li = h('li', { class: 'chat-note' }, text);
    this.list.append(li);
    this.scrollToEnd(false);
    return li;
  }

  build({ sender, body, service, risk, sentAt, seq = null }) {
    const own = sender === this.ownSender;
    const time = h('span', { class: 'msg-time' }, sentAt ? londonTime(sentAt) : '');
    const status = h('span', { class: 'msg-status' });
    // Staff see a message's risk in the server's words (../meta.js), never for `none`.
    const riskLevel = this.showRisk && risk && risk !== 'none' ? riskLabel(risk).toLowerCase() : null;
    const li = h('li', { class: `msg ${own ? 'msg-own' : 'msg-other'}${riskLevel ? ' msg-risk' : ''}`, 'data-seq': seq },
      h('p', { class: 'msg-sender' }, h('span', {}, this.labelFor(sender)), srOnly(' said:')),
      riskLevel ? h('p', { class: 'badge badge-risk' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), `At risk: ${riskLevel}`) : null,
      body ? h('p', { class: 'msg-body' }, String(body)) : null,
      service ? sharedServiceCard(service) : null,
      h('p', { class: 'msg-meta' }, time, status));
    return { li, status, time, seq };
  }

  setStatus(entry, text, kind) {
    entry.status.textContent = text ? ` · ${text}` : '';
    entry.li.classList.toggle('msg-sending', kind === 'sending');
    entry.li.classList.toggle('msg-failed', kind === 'failed');
  }

  /** Keep messages in seq order; ones not stored yet stay at the end. */
  place(li, seq) {
    let before = null;
    for (const other of this.list.children) {
      if (other === li) continue;
      const otherSeq = Number(other.dataset.seq);
      if (!other.dataset.seq || (Number.isFinite(otherSeq) && otherSeq > seq)) {
        if (other.classList.contains('chat-note') && !other.dataset.seq) continue;
        before = other;
        break;
      }
    }
    if (before) {
      if (li.nextSibling !== before) this.list.insertBefore(li, before);
    } else if (li.parentNode !== this.list || this.list.lastChild !== li) {
      this.list.append(li);
    }
  }

  scrollToEnd(force) {
    const box = this.scroller;
    if (box) {
      if (force || box.scrollHeight - box.scrollTop - box.clientHeight < 120) box.scrollTop = box.scrollHeight;
      return;
    }
    const doc = document.documentElement;
    const nearEnd = doc.scrollHeight - window.scrollY - window.innerHeight < 240;
    // The log sits just above the composer, so the newest message is at the page's end.
    if (force || nearEnd) window.scrollTo(0, doc.scrollHeight);
  }
}

/**
 * Send what is written in `textbox` into the chat: over `conn`, shown at once in `log` as
 * sending, the box emptied. A text over the box's maxlength (the server's limit, from
 * ./meta.js) is not sent: `errorEl` says `tooLong(limit)`. Both chat screens use this.
 */
export function sendFromBox({ conn, sessionId, textbox, log, errorEl, tooLong }) {
  const text = textbox.value.trim();
  errorEl.hidden = true;
  if (!text) return null;
  const max = Number(textbox.getAttribute('maxlength')) || 0;
  if (max && text.length > max) {
    errorEl.textContent = tooLong(max);
    errorEl.hidden = false;
    return null;
  }
  const item = conn.send(sessionId, text);
  log.addPending(item);
  textbox.value = '';
  textbox.focus();
  return item;
}
