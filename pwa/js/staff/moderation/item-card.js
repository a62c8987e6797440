// One item in the moderation queue: what it is and what the engine found, then Claim, and
// Approve / Edit and approve / Reject (with the author's kind words) / Escalate / Let go.

import { api, ApiError } from '../../api.js';
import { h, button, field, uid, fill, srOnly, plural, waitedSince, timeAgo } from '../../ui.js';
import {
  KIND_LABELS, categoryLabel, riskBadge, highlighted, postReasons, claimProblem,
} from './words.js';
import { applyLimits, riskLabel } from '../../meta.js';

export class ItemCard {
  constructor(consoleRef, item, isNew) {
    this.console = consoleRef;
    this.id = String(item.id);
    this.busy = false;
    this.claimState = null;
    this.titleId = uid('item');
    this.info = h('div', { class: 'mod-item-info' });
    this.message = h('p', { class: 'console-alert', role: 'alert' });
    this.actions = h('div', { class: 'mod-actions' });
    this.panel = h('div', { class: 'mod-panel', hidden: true });
    this.el = h('li', { class: 'mod-item' },
      h('article', { 'aria-labelledby': this.titleId }, this.info, this.message, this.actions, this.panel));
    this.isNew = isNew;
    this.update(item);
  }

  get mine() {
    return this.item.claimed_by === this.console.me;
  }

  update(item) {
    this.item = item;
    const c = this.console;
    const level = (item.risk && item.risk.level) || 'none';
    const categories = (item.risk && item.risk.categories) || [];
    const first = Object.prototype.hasOwnProperty.call(item, 'title') && item.title !== null && item.title !== undefined;
    this.el.className = `mod-item mod-item-${level}${this.isNew ? ' mod-item-new' : ''}`;

    const heading = first
      ? h('h3', { id: this.titleId, class: 'mod-item-title', tabindex: '-1' }, highlighted(item.title, item.spans, 'title'))
      : h('h3', { id: this.titleId, class: 'mod-item-title', tabindex: '-1' },
        item.kind === 'report' ? 'Reported reply in “' : 'Reply in “', item.thread_title || 'a thread', '”');
    const claimed = item.claimed_by
      ? h('p', { class: 'badge badge-claimed' }, this.mine ? "You're working on this" : `${item.claimed_by} is working on this`)
      : null;
    const reports = item.reports || [];
    fill(this.info,
      h('div', { class: 'mod-badges' },
        riskBadge(level),
        h('p', { class: `badge badge-kind badge-kind-${item.kind}` }, KIND_LABELS[item.kind] || item.kind),
        this.isNew ? h('p', { class: 'badge badge-new' }, 'New') : null,
        claimed),
      heading,
      h('p', { class: 'meta' },
        `Board: ${c.boardName(item.board)} · By `,
        item.author_id ? h('a', { href: `#/authors/${encodeURIComponent(item.author_id)}`, class: 'mod-author' }, h('strong', {}, item.author)) : h('strong', {}, item.author),
        ` · Waiting ${waitedSince(item.waiting_since || item.created_at)}`,
        item.kind === 'report' ? ` · Posted ${timeAgo(item.created_at)}` : ''),
      item.suggested_action ? h('p', { class: 'mod-suggestion' }, h('strong', {}, 'Again: '),
        'this account had a similar post rejected in the last 30 days. Consider holding all their posts for review, from their author page.') : null,
      categories.length
        ? h('p', { class: 'mod-categories' }, h('strong', {}, 'Flagged for: '), categories.map(categoryLabel).join(', '))
        : null,
      h('div', { class: 'mod-body' }, highlighted(item.body, item.spans, 'body')),
      reports.length ? h('div', { class: 'mod-reports' },
        h('h4', {}, reports.length === 1 ? 'Why it was reported' : `Why it was reported (${plural(reports.length, 'report', 'reports')})`),
        h('ul', {}, reports.map((r) => h('li', {},
          h('span', { class: 'mod-report-reason' }, `“${r.reason}”`), ' ',
          h('span', { class: 'meta' }, `${timeAgo(r.created_at)}${r.risk_level && r.risk_level !== 'none' ? ` · ${riskLabel(r.risk_level)} risk` : ''}`)))))
        : null);

    const state = !item.claimed_by ? 'free' : this.mine ? 'mine' : `other:${item.claimed_by}`;
    if (this.claimState === 'mine' && state === 'free' && !this.releasing) {
      this.say('Your claim ran out after 10 minutes. Claim it again to carry on.');
    }
    if (state !== this.claimState) {
      this.claimState = state;
      this.drawActions();
    }
  }

  remove() {
    this.el.remove();
  }

  say(text) {
    this.message.textContent = text || '';
  }

  drawActions() {
    const item = this.item;
    // Each button needs its own copy (a node can only be in one place).
    const label = () => srOnly(`: ${item.title || item.thread_title || 'post'} by ${item.author}`);
    this.panel.hidden = true;
    this.panel.replaceChildren();
    if (this.claimState === 'free') {
      const claim = button(['Claim', label()], { class: 'btn btn-primary btn-small' });
      claim.addEventListener('click', () => this.claim(claim));
      fill(this.actions, claim);
      return;
    }
    if (this.claimState !== 'mine') {
      fill(this.actions, h('p', { class: 'meta' }, 'Someone else is working on this.'));
      return;
    }
    const report = item.kind === 'report';
    const approve = button([report ? 'Keep it up' : 'Approve', label()], { class: 'btn btn-primary btn-small' });
    approve.addEventListener('click', () => this.decide({ action: 'approve' }, approve));
    const edit = button(['Edit and approve', label()], { class: 'btn btn-secondary btn-small' });
    edit.addEventListener('click', () => this.openEdit(edit));
    const reject = button([report ? 'Take it down' : 'Reject', label()], { class: 'btn btn-danger-outline btn-small' });
    reject.addEventListener('click', () => this.openReject(reject));
    const escalate = button(['Escalate to counsellors', label()], { class: 'btn btn-secondary btn-small' });
    escalate.addEventListener('click', () => this.openEscalate(escalate));
    const release = button(['Let go', label()], { class: 'btn btn-quiet btn-small' });
    release.addEventListener('click', () => this.release(release));
    fill(this.actions, approve, edit, reject, escalate, release);
  }

  async claim(trigger) {
    this.say('');
    trigger.disabled = true;
    try {
      const item = await api(`/moderation/items/${encodeURIComponent(this.id)}/claim`, { method: 'POST' });
      if (item && item.id) this.update({ ...this.item, ...item });
      else this.update({ ...this.item, claimed_by: this.console.me });
      this.actions.querySelector('button')?.focus();
    } catch (err) {
      if (this.alreadyDecided(err)) return;
      if (trigger.isConnected) trigger.disabled = false;
      this.say(claimProblem(err));
      if (err instanceof ApiError && err.status === 409) this.console.scheduleRefresh();
    }
  }

  /** Someone else decided it meanwhile: say so where it stays visible, and drop the card. */
  alreadyDecided(err) {
    if (!(err instanceof ApiError && err.status === 409 && err.code === 'decided')) return false;
    this.busy = false;
    this.console.decided(this, 'Someone else has already decided that one.');
    return true;
  }

  async release(trigger) {
    this.say('');
    trigger.disabled = true;
    try {
      await api(`/moderation/items/${encodeURIComponent(this.id)}/claim`, { method: 'DELETE' });
      this.releasing = true;
      this.update({ ...this.item, claimed_by: null });
      this.releasing = false;
      this.actions.querySelector('button')?.focus();
    } catch (err) {
      if (trigger.isConnected) trigger.disabled = false;
      this.say(claimProblem(err));
    }
  }

  async decide(body, trigger) {
    this.say('');
    this.busy = true;
    if (trigger) trigger.disabled = true;
    try {
      const answer = await api(`/moderation/items/${encodeURIComponent(this.id)}/decision`, { method: 'POST', body });
      const words = {
        approve: this.item.kind === 'report' ? 'Kept up. The reports are closed.' : "Approved. It's on the board now.",
        reject: "Taken off. The author will see the reason you chose.",
        escalate: 'Passed to the counsellors. The post stays off the boards.',
      };
      let text = words[body.action] || 'Done.';
      if (body.action === 'reject' && this.item.kind !== 'report') text = 'Rejected. The author will see the reason you chose.';
      if (answer && answer.edited && body.action === 'approve') text = 'Approved with your changes.';
      this.busy = false;
      this.console.decided(this, text);
    } catch (err) {
      this.busy = false;
      if (this.alreadyDecided(err)) return;
      if (trigger && trigger.isConnected) trigger.disabled = false;
      this.say(claimProblem(err));
      if (err instanceof ApiError && err.status === 409) this.console.scheduleRefresh();
    }
  }

  /** A Cancel button that closes the open form and puts focus back on what opened it. */
  cancelButton(opener) {
    const cancel = button('Cancel', { class: 'btn btn-quiet btn-small' });
    cancel.addEventListener('click', () => {
      this.panel.hidden = true;
      this.panel.replaceChildren();
      opener.focus();
    });
    return cancel;
  }

  openPanel(title, form) {
    fill(this.panel, h('h4', {}, title), form);
    this.panel.hidden = false;
  }

  openEdit(opener) {
    const item = this.item;
    const hasTitle = item.title !== null && item.title !== undefined;
    const title = hasTitle ? field({ label: 'Title', name: 'edited_title', type: 'textarea', value: item.title, attrs: { rows: '2' } }) : null;
    const body = field({ label: 'Post', name: 'edited_body', type: 'textarea', value: item.body, attrs: { rows: '8' } });
    applyLimits([[body.control, 'post_body'], ...(title ? [[title.control, 'post_title']] : [])]); // the server's limits
    const save = button('Approve with changes', { type: 'submit', class: 'btn btn-primary btn-small' });
    const form = h('form', { class: 'form', novalidate: true },
      h('p', { class: 'meta' }, 'Take out only what breaks the rules (a name, a school, a phone number). The author sees that a moderator changed it.'),
      title ? title.row : null, body.row, h('div', { class: 'actions actions-row' }, save, this.cancelButton(opener)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (title) title.setError(null);
      body.setError(null);
      if (title && !title.control.value.trim()) {
        title.setError("The title can't be empty");
        title.control.focus();
        return;
      }
      if (!body.control.value.trim()) {
        body.setError("The post can't be empty. Reject it instead");
        body.control.focus();
        return;
      }
      const decision = { action: 'approve', edited_body: body.control.value.trim() };
      if (title) decision.edited_title = title.control.value.trim();
      this.decide(decision, save);
    });
    this.openPanel('Edit and approve', form);
    (title || body).control.focus();
  }

  async openReject(opener) {
    const reasons = await this.console.reasonsPromise;
    if (!reasons || !reasons.length) {
      this.say("The reasons couldn't load, so this can't be rejected right now. Try again in a moment.");
      this.console.reasonsPromise = postReasons();
      return;
    }
    const reason = field({
      label: 'Reason', name: 'reason_code', type: 'select',
      options: [{ value: '', label: 'Choose a reason' }, ...reasons.map((r) => ({ value: r.code, label: r.label }))],
    });
    const preview = h('blockquote', { class: 'mod-preview' });
    const previewBox = h('div', { class: 'mod-preview-box', hidden: true }, h('p', { class: 'label' }, 'The author will read:'), preview);
    reason.control.addEventListener('change', () => {
      const r = reasons.find((x) => x.code === reason.control.value);
      preview.textContent = r ? r.message : '';
      previewBox.hidden = !r;
      reason.setError(null);
    });
    const send = button(this.item.kind === 'report' ? 'Take it down' : 'Reject post', { type: 'submit', class: 'btn btn-danger btn-small' });
    const form = h('form', { class: 'form', novalidate: true }, reason.row, previewBox,
      h('div', { class: 'actions actions-row' }, send, this.cancelButton(opener)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!reason.control.value) {
        reason.setError('Choose a reason');
        reason.control.focus();
        return;
      }
      this.decide({ action: 'reject', reason_code: reason.control.value }, send);
    });
    this.openPanel(this.item.kind === 'report' ? 'Take it down' : 'Reject', form);
    reason.control.focus();
  }

  openEscalate(opener) {
    const note = field({
      label: 'Note for the counsellors', name: 'note', type: 'textarea',
      hint: "What should they know? The young person won't see this.", attrs: { maxlength: '2000', rows: '4' },
    });
    const send = button('Pass to counsellors', { type: 'submit', class: 'btn btn-primary btn-small' });
    const form = h('form', { class: 'form', novalidate: true },
      h('p', { class: 'meta' }, 'The counsellors get a safeguarding alert. The post stays off the boards.'),
      note.row, h('div', { class: 'actions actions-row' }, send, this.cancelButton(opener)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.decide({ action: 'escalate', note: note.control.value.trim() || null }, send);
    });
    this.openPanel('Escalate to counsellors', form);
    note.control.focus();
  }
}
