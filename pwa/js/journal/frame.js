// What every journal screen has: the back link, heading, the privacy line, the journal's
// own nav, "Waiting to send" (the outbox) and the kind offer of support after writing
// something that sounds like the writer may be at risk (checked on the phone only).

import { h, screenHeading, setTitle, backLink, button, uid, fill, srOnly } from '../ui.js';
import { crisisBlock, dangerNow } from '../crisis.js';
import { listOutbox, flushOutbox, removeFromOutbox, OUTBOX_EVENT } from '../outbox.js';
import { loadVocabulary, checkText } from '../risk-check.js';
import { loadLimits } from '../meta.js';
import { later } from '../navigation.js';
import { WORD_FOR, dateTime, shortText } from './words.js';

function outboxLabel(item) {
  const b = item.body || {};
  switch (item.kind) {
    case 'mood': return `Check-in: ${WORD_FOR[b.score] || b.score}, ${dateTime(b.recorded_at || item.created_at)}`;
    case 'journal': return `Journal entry: “${shortText(b.body, 60)}”`;
    case 'goal': return `New goal: ${shortText(b.title, 60)}`;
    case 'rating': return `Goal rating: ${b.score} out of 10${item.goal_title ? ` for “${shortText(item.goal_title, 40)}”` : ''}`;
    case 'message': case 'message_reply': return `Message to the team: “${shortText(b.body, 60)}”`;
    default: return 'Something you saved';
  }
}

export class JournalFrame {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.outboxBox = h('section', { class: 'outbox', 'aria-labelledby': 'outbox-title', hidden: true });
    this.support = h('div', { class: 'support-slot' });
    this.vocabulary = loadVocabulary().catch(() => null);
    this.limits = loadLimits(); // the server's length limits (GET /api/v1/meta)
    this.refresh = null; // the panel's redraw
    window.addEventListener(OUTBOX_EVENT, () => this.drawOutbox(), { signal: ctx.signal });
  }

  /** Back link, heading, the privacy line, the journal's own nav and the outbox. */
  top(title, current, backTo = null) {
    setTitle(title);
    const links = [['#/journal', 'Check-in', 'checkin'], ['#/journal/entries', 'Entries', 'entries'], ['#/journal/goals', 'Goals', 'goals']];
    this.root.append(
      backLink(backTo || this.ctx.back(this.ctx.landing())),
      screenHeading(title),
      h('p', { class: 'privacy-note' }, h('strong', {}, 'Only you can see this. Our staff can’t read it.')),
      h('nav', { class: 'subnav', 'aria-label': 'Journal' },
        h('ul', {}, links.map(([href, text, key]) => h('li', {},
          h('a', { href, 'aria-current': key === current ? 'page' : null }, text))))),
      this.outboxBox,
      this.support);
    this.drawOutbox();
    // Anything saved offline goes now if it can; the screen redraws when the outbox changes.
    flushOutbox().catch(() => {});
  }

  async drawOutbox() {
    const items = await listOutbox();
    if (!this.ctx.isCurrent()) return;
    // Fewer waiting than last time: some were sent (on `online`, say), so show them as saved.
    if (this.waitingCount !== undefined && items.length < this.waitingCount && this.refresh) {
      if (this.cancelRefresh) this.cancelRefresh();
      this.cancelRefresh = later(this.ctx.signal, () => this.refresh(), 300);
    }
    this.waitingCount = items.length;
    if (!items.length) {
      this.outboxBox.hidden = true;
      this.outboxBox.replaceChildren();
      return;
    }
    const tryNow = button('Try sending now', { class: 'btn btn-secondary btn-small' });
    tryNow.addEventListener('click', async () => {
      tryNow.disabled = true;
      await flushOutbox().catch(() => 0);
      if (tryNow.isConnected) tryNow.disabled = false;
    });
    fill(this.outboxBox,
      h('h2', { id: 'outbox-title' }, `Waiting to send (${items.length})`),
      h('p', {}, 'These are saved on this phone, locked so only you can open them. They will send by themselves when you are back online. If you log out or use Quick exit first, they stay locked on this phone and send after you log in again.'),
      h('ul', { class: 'outbox-list' }, items.map((item) => h('li', {},
        h('span', {}, outboxLabel(item)),
        item.failed ? h('p', { class: 'field-error' }, srOnly('Error: '), `Couldn't send: ${item.failed}`) : null,
        item.failed ? button(['Remove', srOnly(`: ${outboxLabel(item)}`)], {
          class: 'btn btn-quiet btn-small', onClick: () => removeFromOutbox(item.client_id),
        }) : null))),
      navigator.onLine === false ? null : tryNow);
    this.outboxBox.hidden = false;
  }

  /** The kind offer after writing something that sounds like the writer may be at risk. */
  async offerSupport(...texts) {
    const vocab = await this.vocabulary;
    if (!vocab) return; // the words aren't available: skip the check quietly
    const found = texts.map((t) => checkText(vocab, t)).find(Boolean);
    if (!found || !this.ctx.isCurrent()) return;
    const titleId = uid('support');
    const box = h('section', { class: 'support-box', 'aria-labelledby': titleId },
      h('h2', { id: titleId, tabindex: '-1' }, 'It sounds like things are really hard.'),
      h('p', { class: 'lead' }, 'Would you like to talk to someone?'),
      found.riskToLife ? dangerNow() : null,
      h('div', { class: 'actions' },
        h('a', { href: '#/talk', class: 'btn btn-primary btn-block' }, 'Talk to a counsellor')),
      h('p', {}, 'Or contact one of these helplines. They are free and there any time:'),
      crisisBlock({ headingLevel: 3, skipEmergency: found.riskToLife }),
      h('p', { class: 'meta' }, 'Nothing you wrote has been shared. This message comes from the app on your phone.'),
      button('Close this message', {
        class: 'btn btn-quiet btn-small', onClick: () => { this.support.replaceChildren(); },
      }));
    fill(this.support, box);
    box.querySelector('h2').focus();
    box.scrollIntoView({ block: 'start' });
  }
}
