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

import { api, errorMessage } from '../../api.js';
import { h, screenHeading, setTitle, backLink } from '../../ui.js';
import { ChatConnection } from '../../chat-connection.js';
import { every, later } from '../../navigation.js';
import { loadMeta } from '../../meta.js';
import { KIND_LABELS, postReasons } from '../moderation/words.js';
import { ItemCard } from '../moderation/item-card.js';
import { AdminPanel } from '../moderation/admin-settings.js';

const QUEUE_REFRESH_MS = 30000;
const REFRESH_DEBOUNCE_MS = 250;
const QUEUE_LIMIT = 500; // the most the API gives at once

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
    await loadMeta(); // risk labels and limits, from the server
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
    // Everything live stops when the screen is left (the router aborts ctx.signal).
    const { signal } = this.ctx;
    conn.start({ signal });
    every(signal, () => this.loadQueue(), QUEUE_REFRESH_MS);

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
    if (this.cancelRefresh) this.cancelRefresh();
    this.cancelRefresh = later(this.ctx.signal, () => this.loadQueue(), REFRESH_DEBOUNCE_MS);
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
