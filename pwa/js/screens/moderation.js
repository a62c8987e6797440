// Moderation console (desktop first). Route: #/moderation  (moderator, admin)
//
// - The review queue (GET /moderation/queue), most urgent first: kind (new thread / reply /
//   reported), board, author, how long it has waited, the risk level as a text badge, and
//   the post with what the engine found highlighted (<mark> per span, built with DOM APIs,
//   each naming its category in its title and in words for screen readers). Reports show
//   their reasons.
// - Live: the moderators' socket (/api/v1/moderation/ws, through ../chat-connection.js) sends
//   `moderation_item` frames; the queue is fetched again and new items are put in place
//   without disturbing the item being worked on. New urgent items are announced
//   (aria-live). Also refreshed every 30 s (waiting times, and anything a dropped socket missed).
// - Claim (409: "Someone else is working on this"), then Approve, Edit and approve, Reject
//   with a reason (showing the kind words the author will read), Escalate to counsellors
//   (with a note), or Let go.
// - Admins also get watched words (list, add with block / hold / flag, remove) and the
//   forum settings (auto-publish, minimum approved posts).

import { api, ApiError, errorMessage } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, uid, fill, srOnly, plural, waitedSince, timeAgo,
} from '../ui.js';
import { ChatConnection } from '../chat-connection.js';

const QUEUE_REFRESH_MS = 30000;
const REFRESH_DEBOUNCE_MS = 250;
const QUEUE_LIMIT = 500; // the most the API gives at once

export const RISK_LABELS = { none: 'No risk found', low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' };
const KIND_LABELS = { thread: 'New thread', reply: 'Reply', report: 'Reported' };
export const CATEGORY_LABELS = {
  risk_to_life: 'risk to life',
  self_harm: 'self-harm',
  danger_from_others: 'in danger from someone',
  abuse_bullying: 'abuse or bullying',
  grooming: 'grooming signs',
  sexual: 'sexual content',
  hate: 'hate',
  personal_details: 'personal details',
  spam: 'spam',
  profanity: 'swearing',
  watched_word: 'watched word',
};
const WORD_ACTIONS = [
  { value: 'block', label: 'Block: never published' },
  { value: 'hold', label: 'Hold: a moderator reads it first' },
  { value: 'flag', label: 'Flag: marked, still allowed' },
];

export function categoryLabel(category) {
  return CATEGORY_LABELS[category] || String(category || '').replace(/_/g, ' ');
}

/** A risk level as a text badge (never colour alone). */
export function riskBadge(level) {
  const key = RISK_LABELS[level] ? level : 'none';
  return h('p', { class: `badge badge-level badge-level-${key}` },
    key === 'urgent' || key === 'high' ? h('span', { 'aria-hidden': 'true' }, '! ') : null,
    key === 'none' ? RISK_LABELS.none : `${RISK_LABELS[key]} risk`);
}

/**
 * `text` with the engine's spans for `fieldName` ('title' or 'body') wrapped in <mark>.
 * Span offsets count Unicode code points (Python), so the text is split into code points.
 */
export function highlighted(text, spans, fieldName) {
  const chars = Array.from(String(text || ''));
  const mine = (spans || []).filter((s) => (s.field || 'body') === fieldName
    && Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start);
  if (!mine.length) return [chars.join('')];
  const clamp = (n) => Math.max(0, Math.min(chars.length, n));
  const cuts = new Set([0, chars.length]);
  for (const s of mine) { cuts.add(clamp(s.start)); cuts.add(clamp(s.end)); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const a = points[i];
    const b = points[i + 1];
    if (a >= b) continue;
    const piece = chars.slice(a, b).join('');
    const categories = [...new Set(mine.filter((s) => s.start <= a && s.end >= b).map((s) => s.category))];
    if (!categories.length) {
      out.push(piece);
      continue;
    }
    const words = categories.map(categoryLabel).join(', ');
    out.push(h('mark', { class: 'flag', title: `Flagged: ${words}`, 'data-category': categories.join(' ') },
      piece, srOnly(` (flagged: ${words})`)));
  }
  return out;
}

/** Reasons to reject a post (account reasons are for the author page). */
function postReasons() {
  return api('/moderation/reasons').then((r) => (Array.isArray(r) ? r.filter((x) => x.applies_to !== 'account') : [])).catch(() => null);
}

function claimProblem(err) {
  if (err instanceof ApiError && err.status === 409) {
    if (err.code === 'decided') return 'This has already been decided.';
    if (err.code === 'already_escalated') return 'This post has already been passed to the counsellors.';
    return 'Someone else is working on this.';
  }
  return errorMessage(err);
}

export async function render(root, ctx) {
  setTitle('Moderation');
  await new ModerationConsole(root, ctx).start();
}

class ModerationConsole {
  constructor(root, ctx) {
    this.ctx = ctx;
    this.me = ctx.user.username;
    this.cards = new Map(); // item id → ItemCard
    this.boards = new Map();
    this.reasons = null;
    this.firstLoad = true;

    this.connectionLine = h('p', { class: 'connection-line', role: 'status' });
    this.news = h('p', { class: 'mod-news', 'aria-live': 'assertive', 'aria-atomic': 'true' });
    this.result = h('p', { class: 'status-message', role: 'status' });
    this.count = h('span', {}, '');
    this.list = h('ol', { class: 'mod-queue' });
    this.empty = h('p', { class: 'console-empty', hidden: true }, 'Nothing is waiting. Well done.');
    this.more = h('p', { class: 'meta', hidden: true });
    this.loadLine = h('p', { class: 'loading' }, 'Loading the queue…');
    this.queueTitle = h('h2', { id: 'mod-queue-title', tabindex: '-1' }, 'Waiting for review ', this.count);

    const admin = ctx.user.role === 'admin';
    this.adminBox = admin ? h('div', { class: 'mod-admin' }) : null;
    root.append(
      backLink(ctx.back('#/staff'), 'Staff home'),
      screenHeading('Moderation'),
      h('p', {}, h('a', { href: '#/appeals' }, 'Appeals against restrictions')),
      this.connectionLine,
      this.news,
      h('div', { class: `mod-layout${admin ? ' mod-layout-admin' : ''}` },
        h('section', { class: 'mod-main', 'aria-labelledby': 'mod-queue-title' },
          this.queueTitle,
          h('p', { class: 'meta' }, 'Most urgent first, then who has waited longest. Claim an item before you decide, so nobody else works on it too.'),
          this.result, this.loadLine, this.empty, this.list, this.more),
        this.adminBox ? h('aside', { class: 'mod-side', 'aria-label': 'Admin settings' }, this.adminBox) : null));
  }

  async start() {
    const conn = new ChatConnection({ path: '/api/v1/moderation/ws' });
    this.conn = conn;
    conn.on('moderation_item', () => this.scheduleRefresh());
    conn.on('open', () => this.scheduleRefresh());
    conn.on('state', ({ state }) => {
      const words = {
        reconnecting: 'The live connection is down. The queue still refreshes every 30 seconds.',
        offline: "You're offline. The queue will catch up when the connection is back.",
      };
      this.connectionLine.textContent = words[state] || '';
    });
    conn.on('closed', ({ reason }) => {
      this.connectionLine.textContent = reason === 'unauthorised' ? 'Please log in again.' : "Live updates aren't available for this account.";
    });
    conn.start();
    const timer = window.setInterval(() => { if (this.ctx.isCurrent()) this.loadQueue(); }, QUEUE_REFRESH_MS);
    const stopWhenLeft = () => {
      if (this.ctx.isCurrent()) return;
      conn.stop();
      window.clearInterval(timer);
      window.clearTimeout(this.refreshTimer);
      window.removeEventListener('hashchange', stopWhenLeft);
    };
    window.addEventListener('hashchange', stopWhenLeft);

    const boards = api('/boards').then((list) => {
      for (const b of list || []) this.boards.set(b.slug, b.name);
    }).catch(() => {});
    this.reasonsPromise = postReasons();
    if (this.adminBox) new AdminPanel(this.adminBox, this.ctx).start();
    await boards;
    await this.loadQueue();
  }

  boardName(slug) {
    return this.boards.get(slug) || slug || 'Unknown board';
  }

  scheduleRefresh() {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => this.loadQueue(), REFRESH_DEBOUNCE_MS);
  }

  async loadQueue() {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const data = await api('/moderation/queue', { query: { limit: QUEUE_LIMIT } });
      if (!this.ctx.isCurrent()) return;
      this.loadLine.hidden = true;
      this.draw((data && data.items) || [], data && data.total);
    } catch (err) {
      if (!this.ctx.isCurrent()) return;
      if (!this.cards.size) {
        this.loadLine.hidden = false;
        this.loadLine.textContent = `We couldn't load the queue. ${errorMessage(err)}`;
      }
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.scheduleRefresh();
      }
    }
  }

  /** Put the queue on screen, keeping each card (and any open form) in place. */
  draw(items, total) {
    const seen = new Set();
    const arrived = [];
    let previous = null;
    for (const item of items) {
      const id = String(item.id);
      seen.add(id);
      let card = this.cards.get(id);
      if (card) {
        card.update(item);
      } else {
        card = new ItemCard(this, item, !this.firstLoad);
        this.cards.set(id, card);
        if (!this.firstLoad) arrived.push(item);
      }
      // Move only what is out of place (moving the item being worked on would lose focus).
      const wanted = previous ? previous.el.nextSibling : this.list.firstChild;
      if (wanted !== card.el) this.list.insertBefore(card.el, wanted);
      previous = card;
    }
    for (const [id, card] of [...this.cards]) {
      if (seen.has(id)) continue;
      if (card.busy) continue; // our own decision is on its way: it removes itself
      card.remove();
      this.cards.delete(id);
    }
    const n = Number.isInteger(total) ? total : items.length;
    this.count.textContent = `(${n})`;
    this.empty.hidden = this.cards.size > 0;
    this.more.hidden = n <= items.length;
    this.more.textContent = `Showing the ${items.length} most urgent of ${n}. More appear as these are decided.`;
    this.firstLoad = false;

    const urgent = arrived.filter((i) => i.risk && i.risk.level === 'urgent');
    if (urgent.length) {
      const first = urgent[0];
      this.news.textContent = urgent.length === 1
        ? `New urgent item: ${KIND_LABELS[first.kind] || 'Post'} on ${this.boardName(first.board)}, by ${first.author}.`
        : `${urgent.length} new urgent items in the queue.`;
    } else if (arrived.length) {
      this.news.textContent = arrived.length === 1 ? 'A new item is in the queue.' : `${arrived.length} new items are in the queue.`;
    }
  }

  /** A card's decision went through: say so, drop the card, and move focus on. */
  decided(card, text) {
    const next = card.el.nextElementSibling || card.el.previousElementSibling;
    card.remove();
    this.cards.delete(card.id);
    this.result.textContent = text;
    this.empty.hidden = this.cards.size > 0;
    const n = this.cards.size;
    this.count.textContent = `(${n})`;
    const heading = next && next.querySelector('h3');
    (heading || this.queueTitle).focus();
    this.scheduleRefresh();
  }
}

class ItemCard {
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
          h('span', { class: 'meta' }, `${timeAgo(r.created_at)}${r.risk_level && r.risk_level !== 'none' ? ` · ${RISK_LABELS[r.risk_level] || r.risk_level} risk` : ''}`)))))
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
    const title = hasTitle ? field({ label: 'Title', name: 'edited_title', type: 'textarea', value: item.title, attrs: { maxlength: '120', rows: '2' } }) : null;
    const body = field({ label: 'Post', name: 'edited_body', type: 'textarea', value: item.body, attrs: { maxlength: '5000', rows: '8' } });
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

// --- admin: watched words and forum settings ---------------------------------------------------

class AdminPanel {
  constructor(box, ctx) {
    this.box = box;
    this.ctx = ctx;
    this.wordsBody = h('div', {}, h('p', { class: 'loading' }, 'Loading watched words…'));
    this.wordsResult = h('p', { class: 'status-message', role: 'status' });
    this.settingsBody = h('div', {}, h('p', { class: 'loading' }, 'Loading settings…'));
  }

  async start() {
    const word = field({ label: 'Word or phrase', name: 'word', hint: 'Use * for any letters, like scam*.', attrs: { maxlength: '60', autocomplete: 'off' } });
    const action = field({ label: 'What happens', name: 'action', type: 'select', value: 'hold', options: WORD_ACTIONS });
    const add = button('Add word', { type: 'submit', class: 'btn btn-primary btn-small' });
    const form = h('form', { class: 'form', novalidate: true }, word.row, action.row, h('div', { class: 'actions actions-row' }, add));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      word.setError(null);
      const text = word.control.value.trim();
      if (!text) {
        word.setError('Type a word or phrase');
        word.control.focus();
        return;
      }
      add.disabled = true;
      try {
        const saved = await api('/moderation/watched-words', { method: 'POST', body: { word: text, action: action.control.value } });
        word.control.value = '';
        this.wordsResult.textContent = `“${saved.word}” is watched: ${saved.action}.`;
        await this.loadWords();
      } catch (err) {
        word.setError(errorMessage(err));
        word.control.focus();
      } finally {
        add.disabled = false;
      }
    });
    fill(this.box,
      h('section', { class: 'console-card', 'aria-labelledby': 'words-title' },
        h('h2', { id: 'words-title' }, 'Watched words'),
        h('p', { class: 'meta' }, 'Block: never published. Hold: a moderator reads it first. Flag: marked for moderators, still allowed. Changes apply to the next post.'),
        this.wordsResult, this.wordsBody,
        h('h3', {}, 'Add a watched word'), form),
      h('section', { class: 'console-card', 'aria-labelledby': 'settings-title' },
        h('h2', { id: 'settings-title' }, 'Forum settings'), this.settingsBody));
    await Promise.all([this.loadWords(), this.loadSettings()]);
  }

  async loadWords() {
    let data;
    try {
      data = await api('/moderation/watched-words');
    } catch (err) {
      fill(this.wordsBody, h('p', {}, `We couldn't load the watched words. ${errorMessage(err)}`));
      return;
    }
    const items = (data && data.items) || [];
    if (!items.length) {
      fill(this.wordsBody, h('p', { class: 'console-empty' }, 'No watched words yet.'));
      return;
    }
    const rows = items.map((w) => {
      const remove = button(['Remove', srOnly(` “${w.word}”`)], { class: 'btn btn-quiet btn-small' });
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        try {
          await api(`/moderation/watched-words/${encodeURIComponent(w.id)}`, { method: 'DELETE' });
          this.wordsResult.textContent = `“${w.word}” is no longer watched.`;
          await this.loadWords();
          this.wordsBody.querySelector('button')?.focus();
        } catch (err) {
          remove.disabled = false;
          this.wordsResult.textContent = `We couldn't remove it. ${errorMessage(err)}`;
        }
      });
      return h('tr', {}, h('td', { class: 'mod-word' }, w.word), h('td', {}, w.action), h('td', {}, remove));
    });
    fill(this.wordsBody, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Watched words'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Word'), h('th', { scope: 'col' }, 'Action'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')))),
      h('tbody', {}, rows))));
  }

  async loadSettings() {
    let current;
    try {
      current = await api('/moderation/settings');
    } catch (err) {
      fill(this.settingsBody, h('p', {}, `We couldn't load the settings. ${errorMessage(err)}`));
      return;
    }
    const autoId = uid('auto');
    const auto = h('input', { type: 'checkbox', role: 'switch', id: autoId, checked: current.auto_publish ? true : null, 'aria-describedby': `${autoId}-hint` });
    const min = field({
      label: 'Approved posts needed first', name: 'auto_publish_min_approved', type: 'number',
      value: current.auto_publish_min_approved, hint: 'From 1 to 100.',
      attrs: { min: '1', max: '100', step: '1', inputmode: 'numeric', class: 'input-short' },
    });
    const save = button('Save settings', { type: 'submit', class: 'btn btn-primary btn-small' });
    const result = h('p', { class: 'status-message', role: 'status' });
    const form = h('form', { class: 'form', novalidate: true },
      h('div', { class: 'choice choice-switch' }, auto, h('label', { for: autoId }, 'Publish posts without review')),
      h('p', { class: 'hint', id: `${autoId}-hint` }, 'Only clean posts, from people with enough approved posts and no recent reports. Anything flagged still waits for a moderator.'),
      min.row, result, h('div', { class: 'actions actions-row' }, save));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      min.setError(null);
      const n = Number(min.control.value);
      if (!Number.isInteger(n) || n < 1 || n > 100) {
        min.setError('Choose a whole number from 1 to 100');
        min.control.focus();
        return;
      }
      save.disabled = true;
      try {
        const saved = await api('/moderation/settings', { method: 'PUT', body: { auto_publish: auto.checked, auto_publish_min_approved: n } });
        result.textContent = saved.auto_publish
          ? `Saved. Clean posts go up without review for people with ${plural(saved.auto_publish_min_approved, 'approved post', 'approved posts')}.`
          : 'Saved. Every post waits for a moderator.';
      } catch (err) {
        result.textContent = `We couldn't save that. ${errorMessage(err)}`;
      } finally {
        save.disabled = false;
      }
    });
    fill(this.settingsBody, form);
  }
}
