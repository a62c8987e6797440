// Messages to the team: a young person writes to the counsellors at any hour (also when the
// live chat is closed, and offline), and gets a reply later.
//
//   #/messages        their threads (new replies marked) and "Write to the team"
//   #/messages/new    write a new message
//   #/messages/<id>   read a thread and reply
//
// Written offline, a message waits in the same outbox as the journal (outbox.js): stored once
// on the phone with its client_id, shown "Waiting to send", sent when the connection returns.

import { api, ApiError, newClientId, errorMessage } from '../api.js';
import { h, screenHeading, setTitle, backLink, loading, fill, uid, londonWhen, londonTime, formatDate, linkButton } from '../ui.js';
import { sendOrQueue, listOutbox, OUTBOX_EVENT, flushOutbox } from '../outbox.js';
import { crisisList, FALLBACK_CRISIS_LINES } from '../crisis.js';
import { applyLimits } from '../meta.js';

const THREADS = '/messages/threads';

/** "within 2 days" / "within 8 hours": how long the team usually takes, from a fresh answer. */
export function replyWithin(expectedBy, now = new Date()) {
  const hours = Math.round((new Date(expectedBy).getTime() - now.getTime()) / 3_600_000);
  if (!Number.isFinite(hours) || hours <= 0) return null;
  if (hours < 24) return hours === 1 ? 'within an hour' : `within ${hours} hours`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'within a day' : `within ${days} days`;
}

/** The honest reply time: "The team usually replies within 2 days. You'll hear from us by Thursday at 14:00." */
function replyTimeText(expectedBy, { fresh = false } = {}) {
  if (!expectedBy) return 'Someone from the team will reply as soon as they can.';
  const when = (londonWhen(expectedBy) || '').replace(/^on /, '');
  const within = fresh ? replyWithin(expectedBy) : null;
  return [within ? `The team usually replies ${within}.` : null, when ? `You'll hear from us by ${when}.` : null]
    .filter(Boolean).join(' ') || 'Someone from the team will reply as soon as they can.';
}

/** The kind box with crisis lines, when what they wrote suggests they may not be safe. */
function supportBox(support) {
  const titleId = uid('support');
  const lines = Array.isArray(support.crisis_lines) && support.crisis_lines.length
    ? support.crisis_lines : FALLBACK_CRISIS_LINES;
  return h('section', { class: 'support-box', 'aria-labelledby': titleId },
    h('h2', { id: titleId, tabindex: '-1' }, 'Thank you for telling us'),
    h('p', { class: 'lead' }, support.message
      || "It sounds like things are really hard right now. You don't have to cope with this on your own."),
    h('p', {}, "Our team will read your message. If you need to talk to someone now, these helplines are free and open:"),
    crisisList(lines, { headingLevel: 3 }));
}

function outboxMessages(items, threadId = null) {
  return items.filter((i) => (threadId ? i.kind === 'message_reply' && i.thread_id === threadId
    : i.kind === 'message' || i.kind === 'message_reply'));
}

function waitingList(items) {
  if (!items.length) return null;
  return h('section', { class: 'section outbox', 'aria-labelledby': 'msg-waiting' },
    h('h2', { id: 'msg-waiting' }, `Waiting to send (${items.length})`),
    h('p', { class: 'meta' }, "These are saved on this phone. They'll send by themselves when you're back online."),
    h('ul', { class: 'plain-list' }, items.map((i) => h('li', { class: 'message-waiting' },
      h('p', {}, i.label), i.failed ? h('p', { class: 'error-text' }, `Couldn't send: ${i.failed}`) : null))));
}

/** The text written in ``area``, or null after asking kindly for it in ``status``. */
function writtenText(area, status, ask) {
  const text = area.value.trim();
  if (text) return text;
  fill(status, h('p', { class: 'error-text', role: 'alert' }, ask));
  area.focus();
  return null;
}

/** How a message waiting on the phone is named in its list: its first 60 characters. */
function preview(text) {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A textarea with its label, hint and a live character count. */
function bodyField(label, hint) {
  const id = uid('msg');
  const area = h('textarea', { id, name: 'body', rows: 6, required: true, 'aria-describedby': `${id}-hint` });
  applyLimits([[area, 'message_body']]); // the server's limit
  return { area, node: h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('p', { class: 'hint', id: `${id}-hint` }, hint),
    area) };
}

/** Send (or keep for later) a new thread or a reply; shows the outcome in `status`. */
async function send({ path, body, label, kind, threadId, status, onSent }) {
  try {
    const outcome = await sendOrQueue({ kind, path, body, label, thread_id: threadId });
    if (outcome.queued) {
      fill(status, h('p', { class: 'notice' }, "Saved on this phone. It will send when you're back online."));
      status.dataset.waiting = 'true';
      return true;
    }
    onSent(outcome.result);
    return true;
  } catch (err) {
    fill(status, h('p', { class: 'error-text', role: 'alert' }, errorMessage(err)));
    return false;
  }
}

// --- the list --------------------------------------------------------------------------

async function renderList(root, ctx) {
  setTitle('Messages to the team');
  const list = h('div', { 'aria-live': 'polite' }, loading('Loading your messages…'));
  const waiting = h('div');
  root.append(
    backLink(ctx.back('#/home')),
    screenHeading('Messages to the team'),
    h('p', {}, 'You can write to our counsellors at any time, even when chat is closed. Someone will write back.'),
    h('div', { class: 'actions' }, linkButton('Write to the team', '#/messages/new', { class: 'btn btn-primary btn-block' })),
    waiting,
    h('section', { class: 'section', 'aria-labelledby': 'msg-threads' },
      h('h2', { id: 'msg-threads' }, 'Your messages'), list),
    h('p', { class: 'meta' }, 'If you need help right now, ', h('a', { href: '#/talk' }, 'see helplines you can contact now'), '.'));

  const drawWaiting = async () => fill(waiting, waitingList(outboxMessages(await listOutbox())));
  const drawThreads = async () => {
    let data;
    try {
      data = await api(THREADS);
    } catch (err) {
      fill(list, h('p', {}, errorMessage(err)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = (data && data.items) || [];
    if (!items.length) {
      fill(list, h('p', {}, "You haven't written to the team yet."));
      return;
    }
    fill(list, h('ul', { class: 'plain-list message-threads' }, items.map((t) => h('li', {
      class: `message-thread${t.unread ? ' is-unread' : ''}`,
    },
    h('a', { href: `#/messages/${encodeURIComponent(t.id)}` }, t.subject || 'Message to the team'),
    t.unread ? h('strong', { class: 'badge badge-new' }, ' New reply') : null,
    h('p', { class: 'meta' }, {
      awaiting_reply: 'Waiting for the team to reply',
      replied: 'The team has replied',
      closed: 'Closed',
    }[t.status] || '', t.updated_at ? ` · ${formatDate(t.updated_at)}` : '')))));
  };
  const onOutbox = () => {
    drawWaiting();
    drawThreads();
  };
  window.addEventListener(OUTBOX_EVENT, onOutbox, { signal: ctx.signal }); // until the screen is left
  await Promise.all([drawWaiting(), drawThreads()]);
}

// --- a new message ---------------------------------------------------------------------

function renderNew(root, ctx) {
  setTitle('Write to the team');
  const subjectId = uid('subject');
  const subject = h('input', { id: subjectId, name: 'subject', type: 'text' });
  applyLimits([[subject, 'message_subject']]);
  const { area, node } = bodyField('Your message',
    "Write as much or as little as you like. Only our counselling team can read it.");
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Send message');
  const form = h('form', { class: 'message-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: subjectId }, 'What is it about? (optional)'), subject),
    node, status, submit);
  const result = h('div');

  root.append(
    backLink('#/messages', 'Back to your messages'),
    screenHeading('Write to the team'),
    h('p', {}, 'You can write at any time. A counsellor will read it and write back. It is not a live chat.'),
    form, result);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = writtenText(area, status, 'Please write your message first.');
    if (!text) return;
    submit.disabled = true;
    const title = subject.value.trim();
    const body = { body: text, client_id: newClientId() };
    if (title) body.subject = title;
    const ok = await send({
      path: THREADS, body, kind: 'message', status,
      label: title || preview(text),
      onSent: (answer) => {
        form.remove();
        fill(result,
          h('div', { class: 'notice notice-success', tabindex: '-1' },
            h('h2', {}, 'Your message has been sent'),
            h('p', {}, replyTimeText(answer.reply_expected_by, { fresh: true }))),
          answer.support ? supportBox(answer.support) : null,
          h('p', {}, h('a', { href: `#/messages/${encodeURIComponent(answer.id)}` }, 'See your message')));
        (result.querySelector('.support-box h2') || result.firstChild).focus();
      },
    });
    if (ok && form.isConnected) {
      // Kept for later: the form is cleared so it can't be sent twice.
      area.value = '';
      subject.value = '';
      form.after(h('p', {}, h('a', { href: '#/messages' }, 'Back to your messages')));
    }
    submit.disabled = false;
  });
}

// --- a thread --------------------------------------------------------------------------

function messageItem(m) {
  const mine = m.sender === 'young_person';
  return h('li', { class: `message ${mine ? 'message-mine' : 'message-team'}` },
    h('p', { class: 'meta' }, mine ? 'You' : (m.author_name ? `${m.author_name} from the team` : 'The team'),
      m.sent_at ? ` · ${formatDate(m.sent_at)} ${londonTime(m.sent_at)}` : ''),
    h('p', { class: 'message-body' }, m.body));
}

/** The reply box of a thread: sent now, or kept on the phone and sent when the connection returns. */
function replyForm(threadId, onSent) {
  const status = h('div', { 'aria-live': 'polite' });
  const { area, node } = bodyField('Write a reply', 'Only our counselling team can read it.');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Send reply');
  const form = h('form', { class: 'message-form', novalidate: true }, node, status, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = writtenText(area, status, 'Please write your reply first.');
    if (!text) return;
    submit.disabled = true;
    const ok = await send({
      path: `${THREADS}/${encodeURIComponent(threadId)}/messages`,
      body: { body: text, client_id: newClientId() },
      kind: 'message_reply', threadId, status,
      label: preview(text),
      onSent,
    });
    if (ok) area.value = '';
    submit.disabled = false;
  });
  return form;
}

/** Can't reach Waymark (no signal, or the server is down): the reply box still works. */
function unreachable(err) {
  return err instanceof ApiError && (err.offline || err.status === 0 || err.status >= 500);
}

async function renderThread(root, ctx, id) {
  setTitle('Your message');
  const body = h('div', { 'aria-live': 'polite' }, loading('Loading your message…'));
  root.append(backLink('#/messages', 'Back to your messages'), screenHeading('Your message'), body);

  let form = null; // made once and kept across redraws, so a reply being written is never wiped
  const replyBox = () => {
    form = form || replyForm(id, async (answer) => {
      await draw(); // eslint-disable-line no-use-before-define
      if (answer && answer.support) body.append(supportBox(answer.support));
    });
    return form;
  };
  const draw = async () => {
    let thread;
    try {
      thread = await api(`${THREADS}/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (!unreachable(err)) {
        fill(body, h('p', {}, err instanceof ApiError && err.status === 404
          ? "We can't find this message. It may have been removed." : errorMessage(err)));
        return;
      }
      // Offline: the conversation can't show, but a reply can be written and kept for later.
      fill(body,
        h('p', { class: 'notice' }, "We can't show this conversation right now. You can still write a reply: "
          + "it will be kept on this phone and sent when you're back online."),
        waitingList(outboxMessages(await listOutbox(), id)),
        replyBox());
      return;
    }
    if (!ctx.isCurrent()) return;
    const waiting = outboxMessages(await listOutbox(), thread.id);
    const status = form && form.querySelector('[data-waiting]');
    if (status && !waiting.length) { // what was kept for later has been sent
      status.replaceChildren();
      delete status.dataset.waiting;
    }
    const parts = [
      thread.subject ? h('h2', {}, thread.subject) : null,
      h('ol', { class: 'plain-list message-list' }, (thread.messages || []).map(messageItem)),
      waitingList(waiting),
    ];
    if (thread.status === 'closed') {
      parts.push(h('p', { class: 'notice' }, 'This conversation is closed. You can ',
        h('a', { href: '#/messages/new' }, 'write a new message'), ' at any time.'));
    } else {
      parts.push(thread.status === 'awaiting_reply'
        ? h('p', { class: 'meta' }, 'Waiting for the team to reply.') : null, replyBox());
    }
    fill(body, ...parts);
  };
  const onOutbox = () => draw();
  window.addEventListener(OUTBOX_EVENT, onOutbox, { signal: ctx.signal }); // until the screen is left
  await draw();
}

export function render(root, ctx) {
  flushOutbox().catch(() => {});
  const [first] = ctx.params;
  if (!first) return renderList(root, ctx);
  if (first === 'new') return renderNew(root, ctx);
  return renderThread(root, ctx, first);
}
