// One forum thread. Route: #/threads/<id>
//
// Published posts (usernames only), and the reader's own posts that aren't up yet ("Waiting for
// a moderator", or "We couldn't post this" with the moderator's kind reason). Supportive
// reactions are toggle buttons (aria-pressed) with no counts anywhere. "Report" on other
// people's posts asks what's wrong (POST /posts/{id}/reports). A reply box under a published
// thread, with the same safety note, client_id, 429 wording and support box as a new thread.

import { api, ApiError, errorMessage, newClientId } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, errorSummary, uid, fill, srOnly, timeAgo,
} from '../ui.js';
import {
  WAITING_LABEL, boardName, takeAnswer, safetyNote, supportBox, answerMessage, notPostedBox, sendPost, detailsGuard,
  talkHint,
} from '../forum-posting.js';
import { applyLimits, loadLimits } from '../meta.js';

/** The supportive reactions the backend knows (backend/forums/schemas.py REACTION_KINDS). */
export const REACTIONS = [
  { kind: 'hug', label: 'Sending a hug' },
  { kind: 'same_here', label: 'Same here' },
  { kind: 'you_got_this', label: "You've got this" },
  { kind: 'thank_you', label: 'Thank you for sharing' },
];
const REACTION_LABEL = Object.fromEntries(REACTIONS.map((r) => [r.kind, r.label]));

export async function render(root, ctx) {
  setTitle('Thread');
  await new ThreadScreen(root, ctx, ctx.params[0]).start();
}

class ThreadScreen {
  constructor(root, ctx, id) {
    this.root = root;
    this.ctx = ctx;
    this.id = id;
    this.back = backLink('#/forums', 'All boards');
    this.title = screenHeading('Thread');
    this.meta = h('p', { class: 'meta' });
    this.notice = h('div', { class: 'post-result' });
    this.postsSlot = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the thread…'));
    this.replySlot = h('div', {});
    root.append(this.back, this.title, this.meta, this.notice, this.postsSlot, this.replySlot);
  }

  async start() {
    const answer = takeAnswer(this.id);
    await this.load();
    if (answer && this.ctx.isCurrent()) this.showAnswer(answer, this.notice);
  }

  async load() {
    let thread;
    try {
      thread = await api(`/threads/${encodeURIComponent(this.id)}`);
    } catch (err) {
      if (!this.ctx.isCurrent()) return;
      this.postsSlot.removeAttribute('aria-busy');
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
        this.title.textContent = "We can't find that thread";
        setTitle("We can't find that thread");
        fill(this.postsSlot, h('p', {}, 'It may have been taken down. ', h('a', { href: '#/forums' }, 'See all the boards'), '.'));
        return;
      }
      fill(this.postsSlot,
        h('p', {}, err && err.offline ? "You're offline. The forums need a connection." : `We couldn't load this thread. ${errorMessage(err)}`),
        button('Try again', { variant: 'secondary', onClick: () => this.load() }));
      return;
    }
    if (!this.ctx.isCurrent()) return;
    this.thread = thread;
    this.title.textContent = thread.title;
    setTitle(thread.title);
    const boardHref = `#/forums/${encodeURIComponent(thread.board)}`;
    this.back.setAttribute('href', boardHref);
    boardName(thread.board).then((name) => {
      if (this.ctx.isCurrent()) this.back.textContent = `Back to ${name}`;
    });
    this.meta.replaceChildren('Started by ', h('strong', { class: 'username' }, thread.author), ' · ',
      h('time', { datetime: thread.created_at }, timeAgo(thread.created_at)));
    this.postsSlot.removeAttribute('aria-busy');
    const posts = thread.posts || [];
    fill(this.postsSlot, h('ol', { class: 'post-list', 'aria-label': 'Posts' },
      posts.map((p, i) => this.postItem(p, i === 0 && p.id === thread.id))));
    this.drawReplyBox();
  }

  // --- one post ---------------------------------------------------------------------------

  postItem(post, first) {
    const published = post.status === 'published';
    const mine = Boolean(post.mine);
    const label = uid('post');
    const parts = [
      h('header', { class: 'post-head' },
        h('p', { class: 'post-author', id: label },
          h('strong', { class: 'username' }, post.author), mine ? ' (you)' : '',
          srOnly(first ? ', first post' : ', reply')),
        h('p', { class: 'meta' }, h('time', { datetime: post.created_at }, timeAgo(post.created_at)))),
    ];
    if (!published && post.status !== 'rejected') {
      parts.push(h('p', { class: 'badge badge-waiting' }, WAITING_LABEL));
    }
    parts.push(h('p', { class: 'post-body' }, post.body));
    if (post.edited_by_moderator) parts.push(h('p', { class: 'meta' }, 'A moderator made a small change to this post.'));
    if (post.status === 'rejected') {
      parts.push(notPostedBox(post.moderator_message, { headingLevel: 3, canEdit: false }));
    } else if (!published) {
      parts.push(h('p', { class: 'meta' }, 'Only you can see this until a moderator has read it.'));
      if (post.status === 'held') {
        parts.push(h('p', {}, 'While you wait, you can ', h('a', { href: '#/talk' }, 'talk to a counsellor'), '.'));
      }
    }
    if (published) parts.push(this.reactions(post, mine, label));
    if (published && !mine) parts.push(this.reportTool(post));
    return h('li', { class: `post-card${mine ? ' post-mine' : ''}${published ? '' : ' post-unpublished'}`, 'aria-labelledby': label }, parts);
  }

  reactions(post, mine, labelId) {
    const used = new Map((post.reactions || []).map((r) => [r.kind, Boolean(r.mine)]));
    const othersLine = h('p', { class: 'meta reactions-others' });
    const drawOthers = () => {
      // Which kinds were sent, never how many.
      const kinds = REACTIONS.filter((r) => used.has(r.kind) && (mine || !used.get(r.kind))).map((r) => r.label);
      othersLine.textContent = kinds.length ? `${mine ? 'People sent you' : 'Others sent'}: ${kinds.join(' · ')}` : '';
      othersLine.hidden = !kinds.length;
    };
    drawOthers();
    if (mine) return h('div', { class: 'reactions' }, othersLine);

    const status = h('p', { class: 'field-error', role: 'status', hidden: true });
    const buttons = REACTIONS.map((r) => {
      const b = h('button', {
        type: 'button', class: 'btn btn-small reaction', 'aria-pressed': String(used.get(r.kind) === true),
        'aria-describedby': labelId,
      }, h('span', { class: 'reaction-tick', 'aria-hidden': 'true' }, '✓ '), r.label);
      b.addEventListener('click', async () => {
        const on = b.getAttribute('aria-pressed') !== 'true';
        b.setAttribute('aria-pressed', String(on));
        status.hidden = true;
        b.disabled = true;
        try {
          if (on) await api(`/posts/${encodeURIComponent(post.id)}/reactions`, { method: 'POST', body: { kind: r.kind } });
          else await api(`/posts/${encodeURIComponent(post.id)}/reactions/${encodeURIComponent(r.kind)}`, { method: 'DELETE' });
          if (on) used.set(r.kind, true);
          else if (used.get(r.kind)) used.delete(r.kind);
          drawOthers();
        } catch (err) {
          b.setAttribute('aria-pressed', String(!on));
          status.textContent = `That didn't work. ${errorMessage(err)}`;
          status.hidden = false;
        } finally {
          b.disabled = false;
        }
      });
      return b;
    });
    const groupLabel = uid('react');
    return h('div', { class: 'reactions' },
      h('p', { class: 'reactions-label', id: groupLabel }, 'Send some support:'),
      h('div', { class: 'reaction-buttons', role: 'group', 'aria-labelledby': groupLabel }, buttons),
      othersLine, status);
  }

  reportTool(post) {
    const box = h('div', { class: 'report' });
    const open = button(['Report', srOnly(` the post by ${post.author}`)], { class: 'btn btn-quiet btn-small report-button' });
    open.addEventListener('click', () => {
      const reason = field({
        label: "What's wrong with this post?", name: 'reason', type: 'textarea',
        hint: "A moderator will look at it. The person who wrote it won't know it was you.",
        attrs: { rows: '3' },
      });
      applyLimits([[reason.control, 'report_reason']]);
      const send = button('Send report', { type: 'submit', class: 'btn btn-primary btn-small' });
      const cancel = button('Cancel', { class: 'btn btn-quiet btn-small' });
      const form = h('form', { class: 'form report-form', novalidate: true }, reason.row,
        h('div', { class: 'actions actions-row' }, send, cancel));
      cancel.addEventListener('click', () => { fill(box, open); open.focus(); });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const text = reason.control.value.trim();
        reason.setError(null);
        if (!text) {
          reason.setError("Tell us a little about what's wrong");
          reason.control.focus();
          return;
        }
        send.disabled = true;
        try {
          const done = await api(`/posts/${encodeURIComponent(post.id)}/reports`, { method: 'POST', body: { reason: text } });
          const thanks = h('p', { class: 'status-message', role: 'status', tabindex: '-1' },
            (done && done.message) || 'Thank you for telling us. A moderator will look at it soon.');
          fill(box, thanks);
          thanks.focus();
        } catch (err) {
          send.disabled = false;
          reason.setError(errorMessage(err));
          reason.control.focus();
        }
      });
      fill(box, form);
      reason.control.focus();
    });
    box.append(open);
    return box;
  }

  // --- replying ---------------------------------------------------------------------------

  drawReplyBox() {
    const thread = this.thread;
    if (thread.status !== 'published') {
      fill(this.replySlot, h('p', { class: 'notice' },
        thread.status === 'rejected'
          ? "This thread wasn't posted, so it can't have replies. You're welcome to start a new one."
          : 'Replies can be added once a moderator has approved this thread.'));
      return;
    }
    if (this.replyForm) {
      this.replySlot.replaceChildren(this.replyResult, this.replyForm);
      return;
    }
    const summary = errorSummary();
    const hint = talkHint();
    const body = field({
      label: 'Write a reply', name: 'body', type: 'textarea', attrs: { rows: '4' },
    });
    applyLimits([[body.control, 'post_body']]); // the server's limit
    const submit = button('Post reply', { type: 'submit', class: 'btn btn-primary btn-block' });
    const form = h('form', { class: 'form reply-form', novalidate: true, 'aria-labelledby': 'reply-title' },
      h('h2', { id: 'reply-title' }, 'Reply'),
      summary.el, hint, body.row, safetyNote(), h('div', { class: 'actions' }, submit));
    this.replyResult = h('div', { class: 'post-result' });
    this.replyForm = form;
    let clientId = newClientId();
    const detailsFirst = detailsGuard(this.replyResult, { field: body.control, form });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      summary.hide();
      hint.hidden = true;
      body.setError(null);
      this.replyResult.replaceChildren();
      const text = body.control.value.trim();
      const bodyMax = (await loadLimits()).post_body;
      if (!text || (bodyMax && text.length > bodyMax)) {
        const message = text ? `A post can be up to ${bodyMax.toLocaleString('en-GB')} characters` : 'Write your reply';
        body.setError(message);
        summary.show([{ text: message, target: body.id }]);
        return;
      }
      submit.disabled = true;
      const warned = await detailsFirst(text);
      submit.disabled = false;
      if (warned || !this.ctx.isCurrent()) return;
      submit.disabled = true;
      submit.textContent = 'Posting…';
      const { answer, problem } = await sendPost(`/threads/${encodeURIComponent(this.id)}/posts`, { body: text, client_id: clientId });
      submit.disabled = false;
      submit.textContent = 'Post reply';
      if (!this.ctx.isCurrent()) return;
      if (problem) {
        if (problem.field === 'body') body.setError(problem.text);
        hint.hidden = !problem.tooMuch;
        summary.show([{ text: problem.text, target: problem.field === 'body' ? body.id : null }]);
        return;
      }
      clientId = newClientId();
      if (answer.status === 'rejected') {
        const box = notPostedBox(answer.message);
        fill(this.replyResult, box);
        box.focus();
        return;
      }
      body.control.value = '';
      await this.load();
      if (this.ctx.isCurrent()) this.showAnswer(answer, this.replyResult);
    });
    this.replySlot.replaceChildren(this.replyResult, form);
  }

  /** After posting: the support box (risk) or a short thank-you, and focus on it. */
  showAnswer(answer, slot) {
    if (answer.support) {
      const box = supportBox(answer.support);
      fill(slot, box);
      box.querySelector('h2').focus();
      box.scrollIntoView({ block: 'start' });
      return;
    }
    if (answer.status === 'rejected') {
      const box = notPostedBox(answer.message);
      fill(slot, box);
      box.focus();
      return;
    }
    const text = answerMessage(answer);
    if (!text) return;
    const line = h('p', { class: 'status-message', role: 'status', tabindex: '-1' }, text);
    fill(slot, line);
    line.focus({ preventScroll: slot === this.notice });
  }
}
