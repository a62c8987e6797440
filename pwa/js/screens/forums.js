// The peer forums for young people: boards, a board's threads, and starting a thread.
// Routes: #/forums, #/forums/<board>, #/forums/<board>/new  (a thread is screens/thread.js)
//
// Pre-moderated: a new post is answered 202 with its status (pending / held: "Waiting for a
// moderator"; rejected: the kind reason; published when the admin allows auto-publish). An
// answer with `support` (the engine found risk) shows kind words, the crisis lines and
// "Talk to a counsellor" — never a telling-off. Every post carries a client_id, so trying
// again after a dropped connection never posts twice.

import { api, ApiError, errorMessage, fieldErrors, newClientId } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, errorSummary, uid, fill, plural, timeAgo, linkButton,
} from '../ui.js';
import { crisisList, FALLBACK_CRISIS_LINES } from '../crisis.js';
import { loadDetailsVocabulary, checkDetails, listInWords } from '../details-check.js';

export const TITLE_MAX = 120;
export const BODY_MAX = 5000;

export const SAFETY_NOTE = "To keep everyone safe, don't share names, schools, phone numbers, social media or "
  + 'where you live. A moderator reads every post before it goes up.';

export const WAITING_LABEL = 'Waiting for a moderator';

// --- shared with screens/thread.js ---------------------------------------------------------

let boardsPromise = null;

/** The boards ([{slug, name, description}]), loaded once per visit; null when they can't load. */
export function loadBoards({ fresh = false } = {}) {
  if (fresh || !boardsPromise) {
    boardsPromise = api('/boards').then((b) => (Array.isArray(b) ? b : [])).catch((err) => {
      boardsPromise = null;
      throw err;
    });
  }
  return boardsPromise;
}

export async function boardName(slug) {
  try {
    const board = (await loadBoards()).find((b) => b.slug === slug);
    if (board) return board.name;
  } catch { /* fall through */ }
  const words = String(slug || '').replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The answer to a post just sent, kept in memory only, so the thread screen can show it once. */
const justPosted = new Map();

export function rememberAnswer(answer) {
  if (answer && answer.thread_id) justPosted.set(String(answer.thread_id), answer);
}

export function takeAnswer(threadId) {
  const answer = justPosted.get(String(threadId));
  justPosted.delete(String(threadId));
  return answer || null;
}

/** "You've posted a lot in a short time. You can post again in about N minutes." */
export function postedTooMuch(retryAfterSeconds) {
  const minutes = Math.max(1, Math.ceil((Number(retryAfterSeconds) || 60) / 60));
  return `You've posted a lot in a short time. You can post again in about ${plural(minutes, 'minute', 'minutes')}.`;
}

/** Shown under the error box when someone has posted a lot: help is still one tap away. */
export function talkHint() {
  return h('p', { class: 'talk-hint', hidden: true },
    'If you need to talk now, ', h('a', { href: '#/talk' }, 'a counsellor is here for you'), '.');
}

/** The gentle note of what's not allowed, shown before every post button. */
export function safetyNote() {
  return h('div', { class: 'notice forum-rules' }, h('p', {}, SAFETY_NOTE));
}

/**
 * The private check before a post is sent (../details-check.js: on the phone, nothing is
 * sent for it). Returns `stop(text)`: resolves true when it has shown the kind warning in
 * `slot` (don't send yet), false to send now. The warning says what was found and why it
 * matters, and offers "Change my post" (focus goes to `field`) and "Post it anyway" (sends
 * this same text without asking again; the server then holds it for a moderator).
 */
export function detailsGuard(slot, { field: textField, form }) {
  let acceptedFor = null;
  const vocabulary = loadDetailsVocabulary();
  return async (text) => {
    if (acceptedFor === text) return false;
    const found = checkDetails(await vocabulary, text);
    if (!found) return false;
    const titleId = uid('details');
    const change = button('Change my post', { variant: 'primary', class: 'btn btn-primary btn-block' });
    const send = button('Post it anyway', { variant: 'secondary', class: 'btn btn-secondary btn-block' });
    const box = h('section', { class: 'details-warning', 'aria-labelledby': titleId, tabindex: '-1' },
      h('h2', { id: titleId }, 'Before you post: this might show who you are'),
      h('p', {}, `Your post looks like it has ${listInWords(found.reasons)} in it.`),
      h('p', {}, "People here can't see who you are, and that keeps you safe. You could take it out, or say it in a way that doesn't give it away."),
      h('p', {}, 'If you post it as it is, a moderator will read it first, and it may take longer to go up.'),
      h('div', { class: 'actions' }, change, send),
      h('p', { class: 'meta' }, 'This check happened on your phone. Nothing has been sent yet.'));
    change.addEventListener('click', () => {
      slot.replaceChildren();
      textField.focus();
    });
    send.addEventListener('click', () => {
      acceptedFor = text;
      slot.replaceChildren();
      form.requestSubmit();
    });
    fill(slot, box);
    box.focus();
    return true;
  };
}

/**
 * The kind, prominent box for a post that suggests the writer may not be safe: the server's
 * message, "Talk to a counsellor" and the crisis lines. Focus goes to its heading.
 */
export function supportBox(support) {
  const titleId = uid('support');
  const lines = Array.isArray(support.crisis_lines) && support.crisis_lines.length
    ? support.crisis_lines : FALLBACK_CRISIS_LINES;
  return h('section', { class: 'support-box forum-support', 'aria-labelledby': titleId },
    h('h2', { id: titleId, tabindex: '-1' }, 'Thank you for telling us'),
    h('p', { class: 'lead' }, support.message
      || "It sounds like things are really hard right now. You don't have to cope with this on your own."),
    support.chat_open === false
      ? h('p', {}, "Our counsellors aren't online right now. You can see when chat opens, and the helplines below are free at any time.")
      : null,
    support.can_talk_to_counsellor === false ? null
      : h('div', { class: 'actions' }, linkButton('Talk to a counsellor', '#/talk', { class: 'btn btn-primary btn-block' })),
    h('h3', {}, 'Helplines you can contact now'),
    crisisList(lines, { headingLevel: 4 }),
    h('p', { class: 'meta' }, "Your post is safe with us. It won't go up until someone from our team has read it."));
}

/** What to say after a post was sent, by its status (the thread screen shows the post itself). */
export function answerMessage(answer) {
  if (!answer) return null;
  if (answer.status === 'published') return answer.message || 'Your post is up. Thank you for sharing.';
  if (answer.status === 'rejected') return null; // shown as its own box
  return answer.message || "Thanks for posting. A moderator will read it soon, and it will show up once it's approved.";
}

/** The box for a post that couldn't go up: the moderator's (or the word filter's) kind reason. */
export function notPostedBox(message, { headingLevel = 2, canEdit = true } = {}) {
  const titleId = uid('not-posted');
  return h('section', { class: 'not-posted', 'aria-labelledby': titleId, tabindex: '-1' },
    h(`h${headingLevel}`, { id: titleId }, "Your post didn't go up"),
    h('p', {}, message || "It didn't fit the boards' rules. You're welcome to post again."),
    canEdit ? h('p', { class: 'meta' }, 'You can change what you wrote and try again.') : null);
}

/**
 * Send a post (a new thread or a reply) and sort out the answer.
 * Returns { answer } or { problem: {text, field?, retryAfter?} }. Never throws.
 */
export async function sendPost(path, body) {
  try {
    const answer = await api(path, { method: 'POST', body });
    return { answer };
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) {
      return { problem: { text: postedTooMuch(err.retryAfter), tooMuch: true } };
    }
    if (err instanceof ApiError && err.offline) {
      return { problem: { text: "We couldn't reach Waymark. What you wrote is still here: try again when you have a connection." } };
    }
    const fields = fieldErrors(err);
    const fieldName = (err && err.data && err.data.field) || Object.keys(fields).find((k) => k === 'title' || k === 'body');
    return { problem: { text: errorMessage(err), field: fieldName || null } };
  }
}

// --- routes ---------------------------------------------------------------------------------

export async function render(root, ctx) {
  const [slug, action] = ctx.params;
  if (slug && action === 'new') return renderNewThread(root, ctx, slug);
  if (slug) return renderBoard(root, ctx, slug);
  return renderBoards(root, ctx);
}

function loadFailed(slot, err, retry) {
  fill(slot,
    h('p', {}, err && err.offline
      ? "You're offline. The forums need a connection. Saved library articles still work."
      : `We couldn't load this. ${errorMessage(err)}`),
    button('Try again', { variant: 'secondary', onClick: retry }));
}

// --- #/forums ---------------------------------------------------------------------------------

async function renderBoards(root, ctx) {
  setTitle('Forums');
  const slot = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the boards…'));
  root.append(
    backLink(ctx.back(ctx.landing())),
    screenHeading('Forums'),
    h('p', {}, 'Talk with other young people who get it. Use your username only. Be kind: everyone here is going through something.'),
    slot,
    h('p', { class: 'meta' }, 'Need to talk to someone now? ', h('a', { href: '#/talk' }, 'Talk to a counsellor or a helpline'), '.'));

  const load = async () => {
    slot.setAttribute('aria-busy', 'true');
    try {
      const boards = await loadBoards({ fresh: true });
      if (!ctx.isCurrent()) return;
      slot.removeAttribute('aria-busy');
      if (!boards.length) {
        fill(slot, h('p', {}, 'There are no boards yet.'));
        return;
      }
      fill(slot, h('ul', { class: 'board-list' }, boards.map((b) => h('li', { class: 'tile' },
        h('h2', { class: 'board-name' }, h('a', { href: `#/forums/${encodeURIComponent(b.slug)}`, class: 'tile-link' }, b.name)),
        h('p', { class: 'tile-text' }, b.description)))));
    } catch (err) {
      if (ctx.isCurrent()) loadFailed(slot, err, load);
    }
  };
  await load();
}

// --- #/forums/<board> -------------------------------------------------------------------------

export function threadCard(t) {
  const replies = Number(t.reply_count) || 0;
  return h('li', { class: 'thread-card' },
    h('h2', { class: 'thread-card-title' }, h('a', { href: `#/threads/${encodeURIComponent(t.id)}` }, t.title)),
    // The reader's own thread not yet approved: only they see it here.
    t.waiting_for_moderator ? h('p', { class: 'badge badge-waiting' }, 'Waiting for a moderator') : null,
    h('p', { class: 'meta' },
      h('span', {}, 'Started by ', h('strong', { class: 'username' }, t.author)),
      ' · ', h('span', {}, replies ? plural(replies, 'reply', 'replies') : 'No replies yet'),
      ' · ', h('time', { datetime: t.last_activity_at || t.created_at }, timeAgo(t.last_activity_at || t.created_at))));
}

async function renderBoard(root, ctx, slug) {
  setTitle('Forums');
  const title = screenHeading('Forums');
  const intro = h('p', {});
  const list = h('ul', { class: 'thread-list' });
  const slot = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading threads…'));
  const more = button('Show more threads', { variant: 'secondary', hidden: true });
  const start = linkButton('Start a thread', `#/forums/${encodeURIComponent(slug)}/new`, { class: 'btn btn-primary btn-block start-thread' });
  root.append(
    backLink('#/forums', 'All boards'),
    title,
    intro,
    start,
    h('section', { class: 'section', 'aria-labelledby': 'threads-title' },
      h('h2', { id: 'threads-title', class: 'visually-hidden' }, 'Threads'),
      slot, list, more));

  loadBoards().then((boards) => {
    const board = boards.find((b) => b.slug === slug);
    if (!board || !ctx.isCurrent()) return;
    title.textContent = board.name;
    setTitle(`${board.name} – Forums`);
    intro.textContent = board.description;
  }).catch(() => {});

  let offset = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const data = await api(`/boards/${encodeURIComponent(slug)}/threads`, { query: { limit: 20, offset } });
      if (!ctx.isCurrent()) return;
      const items = (data && data.items) || [];
      slot.removeAttribute('aria-busy');
      if (!offset && !items.length) {
        fill(slot, h('p', {}, 'No threads here yet. You could start the first one.'));
      } else {
        slot.replaceChildren();
      }
      const firstNew = items.length ? threadCard(items[0]) : null;
      list.append(...(firstNew ? [firstNew, ...items.slice(1).map(threadCard)] : []));
      offset += items.length;
      more.hidden = !(data && data.total > offset);
      more.disabled = false;
      if (offset > 20 && firstNew) firstNew.querySelector('a').focus();
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err instanceof ApiError && err.status === 404) {
        title.textContent = "We can't find that board";
        setTitle("We can't find that board");
        start.hidden = true;
        fill(slot, h('p', {}, h('a', { href: '#/forums' }, 'See all the boards'), '.'));
        return;
      }
      more.disabled = false;
      loadFailed(slot, err, load);
    }
  };
  more.addEventListener('click', load);
  await load();
}

// --- #/forums/<board>/new ----------------------------------------------------------------------

async function renderNewThread(root, ctx, slug) {
  setTitle('Start a thread');
  const boardLine = h('p', {}, '');
  const summary = errorSummary();
  const result = h('div', { class: 'post-result' });
  const title = field({
    label: 'Title', name: 'title', hint: 'A short line about what you want to talk about.',
    attrs: { maxlength: String(TITLE_MAX), autocomplete: 'off' },
  });
  const body = field({
    label: 'Your post', name: 'body', type: 'textarea',
    hint: 'Say as much or as little as you like.', attrs: { maxlength: String(BODY_MAX), rows: '7' },
  });
  const submit = button('Post', { type: 'submit', class: 'btn btn-primary btn-block' });
  const hint = talkHint();
  const form = h('form', { class: 'form', novalidate: true },
    summary.el, hint, title.row, body.row, safetyNote(),
    h('div', { class: 'actions' }, submit));

  root.append(
    backLink(`#/forums/${encodeURIComponent(slug)}`, 'Back to the board'),
    screenHeading('Start a thread'),
    boardLine,
    result,
    form);

  boardName(slug).then((name) => {
    if (ctx.isCurrent()) boardLine.textContent = `On the ${name} board.`;
  });

  // One client_id per post: a retry after a dropped connection sends the same one.
  let clientId = newClientId();
  const detailsFirst = detailsGuard(result, { field: body.control, form });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    hint.hidden = true;
    title.setError(null);
    body.setError(null);
    result.replaceChildren();
    const t = title.control.value.trim();
    const b = body.control.value.trim();
    const problems = [];
    if (!t) {
      title.setError('Give your thread a title');
      problems.push({ text: 'Give your thread a title', target: title.id });
    } else if (t.length > TITLE_MAX) {
      title.setError(`A title can be up to ${TITLE_MAX} characters`);
      problems.push({ text: `A title can be up to ${TITLE_MAX} characters`, target: title.id });
    }
    if (!b) {
      body.setError('Write your post');
      problems.push({ text: 'Write your post', target: body.id });
    } else if (b.length > BODY_MAX) {
      body.setError(`A post can be up to ${BODY_MAX.toLocaleString('en-GB')} characters`);
      problems.push({ text: `A post can be up to ${BODY_MAX.toLocaleString('en-GB')} characters`, target: body.id });
    }
    if (problems.length) {
      summary.show(problems);
      return;
    }
    // The server reads the title and the post together, so the phone does too.
    submit.disabled = true;
    const warned = await detailsFirst(`${t}\n\n${b}`);
    submit.disabled = false;
    if (warned || !ctx.isCurrent()) return;

    submit.disabled = true;
    submit.textContent = 'Posting…';
    const { answer, problem } = await sendPost(`/boards/${encodeURIComponent(slug)}/threads`,
      { title: t, body: b, client_id: clientId });
    submit.disabled = false;
    submit.textContent = 'Post';
    if (!ctx.isCurrent()) return;
    if (problem) {
      const target = problem.field === 'title' ? title : problem.field === 'body' ? body : null;
      if (target) target.setError(problem.text);
      hint.hidden = !problem.tooMuch;
      summary.show([{ text: problem.text, target: target ? target.id : null }]);
      return;
    }
    if (answer.status === 'rejected') {
      clientId = newClientId(); // what they post next is a new post
      const box = notPostedBox(answer.message);
      fill(result, box);
      box.focus();
      return;
    }
    rememberAnswer(answer);
    ctx.navigate(`#/threads/${encodeURIComponent(answer.thread_id || answer.id)}`);
  });
}
