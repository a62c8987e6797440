// One open chat in the counsellor's console: its messages, the reply box (kept in view),
// saved replies, "Share a service" (named in both transcripts), transfer and "End chat".

import { api, errorMessage } from '../../api.js';
import { h, button, field, uid, fill, londonTime } from '../../ui.js';
import { MessageLog, sendFromBox } from '../../chat-ui.js';
import { applyLimits, riskLabel, riskLevels } from '../../meta.js';
import { savedRepliesPicker } from './saved-replies.js';
import { HistoryBox } from './history.js';
import { transferForm } from './transfer.js';
import { restrictionLine } from './restriction.js';

const TYPING_SHOWN_MS = 4000;
/** How high a level is (the server lists them lowest first, ../../meta.js). */
const rank = (level) => riskLevels().indexOf(level);

/** The words sent with a shared service: its name, so both transcripts say which one. */
export function shareBody(service) {
  return `Here's a service that might help: ${service.name}`;
}

export class ChatPanel {
  constructor(consoleRef, session, number) {
    this.console = consoleRef;
    this.conn = consoleRef.conn;
    this.sessionId = String(session.session_id);
    this.session = session;
    this.maxRisk = session.at_risk ? 'urgent' : 'none';
    this.ended = false;
    const titleId = uid('chat');
    this.who = session.username || session.young_person || 'Young person';
    this.title = h('h3', { id: titleId, class: 'chat-panel-title', tabindex: '-1' }, `Chat ${number}: ${this.who}`);
    this.badges = h('div', { class: 'chat-panel-badges' });
    this.scroller = h('div', { class: 'chat-panel-log', tabindex: '0', role: 'region', 'aria-label': `Chat ${number} messages` });
    this.log = new MessageLog({
      ownSender: 'counsellor',
      labelFor: (sender) => (sender === 'counsellor' ? 'You' : this.who),
      showRisk: true,
      label: `Chat ${number} messages`,
      scroller: this.scroller,
    });
    this.scroller.append(this.log.el);
    this.typingLine = h('p', { class: 'typing-line', 'aria-live': 'polite' });

    const messageId = uid('reply');
    this.messageError = h('p', { class: 'field-error', hidden: true });
    this.textbox = h('textarea', { id: messageId, rows: '2', autocomplete: 'off' });
    applyLimits([[this.textbox, 'chat_message']]); // the server's limit, as maxlength
    this.composer = h('form', { class: 'composer', novalidate: true },
      h('label', { for: messageId, class: 'label' }, `Reply in chat ${number}`),
      this.messageError,
      savedRepliesPicker(consoleRef.savedReplies, this.textbox),
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
    this.transferButton = button('Transfer', { class: 'btn btn-secondary btn-small' });
    this.transferButton.addEventListener('click', () => this.openTransfer());
    this.tools = h('div', { class: 'chat-panel-tools' }, this.shareButton, this.transferButton, this.endButton);
    this.handover = h('div', { class: 'handover-note' });
    this.history = new HistoryBox(this.sessionId);
    this.sharePanel = h('div', { class: 'chat-panel-form', hidden: true });
    this.endPanel = h('div', { class: 'chat-panel-form', hidden: true });
    this.meta = h('p', { class: 'meta' });

    this.el = h('section', { class: 'chat-panel', 'aria-labelledby': titleId },
      h('header', { class: 'chat-panel-head' }, this.title, this.badges, this.meta, this.handover, this.history.el),
      this.scroller, this.typingLine, this.composer, this.tools, this.sharePanel, this.endPanel);
    this.update(session);

    this.console.servicesFor(session.council_code).then((items) => {
      if (items && items.length && !this.ended) this.shareButton.hidden = false;
    });
  }

  update(session) {
    this.session = { ...this.session, ...session };
    const s = this.session;
    if (s.at_risk && rank(this.maxRisk) < rank('high')) this.maxRisk = 'urgent';
    this.drawHandover(s.handover);
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
    fill(this.badges, badges, restrictionLine(this.session.restriction));
  }

  /** The note from the counsellor who handed this chat over (shown to this counsellor only). */
  drawHandover(handover) {
    fill(this.handover, handover && handover.note ? h('p', { class: 'handover-text' },
      h('strong', {}, handover.from ? `Handover note from ${handover.from}: ` : 'Handover note: '), handover.note) : null);
  }

  /** A supervisor's private word to this counsellor (never shown to the young person). */
  onWhisper(f) {
    this.log.addNote(`Private note from ${f.from || 'your supervisor'} (only you can see this): ${f.body}`);
  }

  openTransfer() {
    this.sharePanel.hidden = true;
    this.endPanel.hidden = false;
    this.endButton.hidden = false;
    fill(this.endPanel, transferForm({
      sessionId: this.sessionId,
      selfId: this.console.ctx.user && this.console.ctx.user.id,
      onCancel: () => { this.endPanel.hidden = true; this.transferButton.focus(); },
      onDone: () => this.console.closePanel(this),
    }));
    this.endPanel.querySelector('select, textarea')?.focus();
  }

  focus() {
    this.el.scrollIntoView({ block: 'nearest' });
    this.textbox.focus();
  }

  send() {
    if (this.ended) return;
    sendFromBox({
      conn: this.conn, sessionId: this.sessionId, textbox: this.textbox, log: this.log, errorEl: this.messageError,
      tooLong: (max) => `A message can be up to ${max} characters.`,
    });
  }

  onMessage(m) {
    this.log.addMessage(m);
    if (m.sender === 'young_person') {
      this.hideTyping();
      if (m.risk && rank(m.risk) > rank(this.maxRisk)) {
        this.maxRisk = m.risk;
        this.drawBadges();
      }
    }
  }

  onFailed(f) {
    if (f.item.service_id && f.code !== 'ended') {
      // The card couldn't be attached: send its details as plain text instead.
      const service = this.shareable && this.shareable.get(f.item.service_id);
      this.log.markFailed(f.client_id, service ? 'The card could not be attached, so the details were sent as text.' : f.detail);
      if (service) {
        const lines = [shareBody(service), service.description,
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
    this.shareable = new Map(items.map((s) => [String(s.id), s]));
    const choice = field({
      label: 'Service to share', name: 'service', type: 'select',
      options: items.map((s) => ({ value: s.id, label: `${s.name}${s.national ? ' (national)' : ''}${s.open_now ? ' – open now' : ''}` })),
    });
    const share = button('Share', { class: 'btn btn-primary btn-small' });
    const cancel = button('Cancel', { class: 'btn btn-quiet btn-small' });
    const details = h('p', { class: 'meta share-details' });
    const describe = () => {
      const s = this.shareable.get(choice.control.value);
      details.textContent = s ? s.description || '' : '';
    };
    choice.control.addEventListener('change', describe);
    describe();
    share.addEventListener('click', () => {
      const id = choice.control.value;
      if (!id) return;
      this.log.addPending(this.conn.send(this.sessionId, shareBody(this.shareable.get(id)), { serviceId: id }));
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
      options: riskLevels().map((r) => ({ value: r, label: riskLabel(r) })),
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
