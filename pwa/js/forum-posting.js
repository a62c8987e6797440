// What the forum screens share (screens/forums.js and screens/thread.js): the boards, the
// safety note, the personal-details check before posting, sending a post with its
// client_id, and the kind answers (waiting, not posted, support with the crisis lines).
// The length limits of a title and a post come from the server (../meta.js).

import { api, ApiError, errorMessage, fieldErrors } from './api.js';
import { h, button, uid, fill, plural, linkButton } from './ui.js';
import { crisisList, FALLBACK_CRISIS_LINES } from './crisis.js';
import { loadDetailsVocabulary, checkDetails, listInWords } from './details-check.js';

export const SAFETY_NOTE = "To keep everyone safe, don't share names, schools, phone numbers, social media or "
  + 'where you live. A moderator reads every post before it goes up.';

export const WAITING_LABEL = 'Waiting for a moderator';

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
