// Talk to someone: crisis lines as big tap-to-call / tap-to-text buttons (with a built-in
// list when offline), then whether counsellor chat is open. When it is, a young person can
// join the queue right here (or go back to the queue or chat they are already in).

import { api, ApiError } from '../api.js';
import { h, screenHeading, setTitle, backLink, formatWait, londonWhen, fill } from '../ui.js';
import { loadCrisisLines, crisisList, dangerNow } from '../crisis.js';
import { joinForm } from '../chat-join.js';

/** The young person's open request or chat, null when there is none, undefined when unknown. */
async function currentChat() {
  try {
    return await api('/chat/requests/current');
  } catch (err) {
    return err instanceof ApiError && err.status === 404 ? null : undefined;
  }
}

/** When nobody can chat now: a young person can still write to the team. */
function writeInstead(youngPerson) {
  return youngPerson
    ? h('p', {}, 'You can ', h('a', { href: '#/messages/new' }, 'write to the team'), ' now. A counsellor will write back.')
    : null;
}

function youngPersonSignedIn(ctx) {
  return Boolean(ctx.user && ctx.user.role === 'young_person');
}

export async function render(root, ctx) {
  setTitle('Talk to someone');
  const chatSlot = h('div', { class: 'chat-status', 'aria-live': 'polite' },
    h('p', { class: 'loading' }, 'Checking if counsellors are online…'));
  const linesSlot = h('div', {}, h('p', { class: 'loading' }, 'Loading helplines…'));

  root.append(
    backLink(ctx.back(ctx.landing())),
    screenHeading('Talk to someone'),
    h('p', {}, "You don't have to cope on your own. These are all free."),
    dangerNow(),
    h('section', { 'aria-labelledby': 'chat-title', class: 'section' },
      h('h2', { id: 'chat-title' }, 'Chat with a Waymark counsellor'),
      chatSlot),
    youngPersonSignedIn(ctx) ? h('section', { 'aria-labelledby': 'messages-title', class: 'section talk-messages' },
      h('h2', { id: 'messages-title' }, 'Write to the team'),
      h('p', {}, 'You can send a message to our counsellors at any time, even when chat is closed. They will write back.'),
      h('a', { href: '#/messages/new', class: 'btn btn-secondary btn-block' }, 'Write a message'),
      h('p', {}, h('a', { href: '#/messages' }, 'See your messages'))) : null,
    h('section', { 'aria-labelledby': 'lines-title', class: 'section' },
      h('h2', { id: 'lines-title' }, 'Helplines you can contact now'),
      linesSlot));

  const youngPerson = youngPersonSignedIn(ctx);
  const [linesResult, status, current] = await Promise.all([
    loadCrisisLines(),
    api('/chat/status').catch(() => null),
    youngPerson ? currentChat() : Promise.resolve(null),
  ]);
  if (!ctx.isCurrent()) return;

  let { lines } = linesResult;
  if (linesResult.fallback && status && Array.isArray(status.crisis_lines) && status.crisis_lines.length) {
    lines = status.crisis_lines;
  }
  fill(linesSlot,
    linesResult.fallback && lines === linesResult.lines
      ? h('p', { class: 'meta' }, "We couldn't load the latest list, so here are national helplines that are always there.")
      : null,
    crisisList(lines, { skipEmergency: true }));

  if (current && (current.status === 'waiting' || current.status === 'active')) {
    // Already waiting or chatting (even if chat has just closed): straight back to it.
    fill(chatSlot,
      h('p', {}, h('strong', {}, current.status === 'waiting'
        ? "You're in the queue."
        : `You're in a chat with ${current.counsellor || 'a counsellor'}.`)),
      h('a', { href: '#/chat', class: 'btn btn-primary btn-block' },
        current.status === 'waiting' ? 'Go back to the queue' : 'Go back to your chat'));
    return;
  }
  if (!status) {
    chatSlot.replaceChildren(h('p', {},
      "We couldn't check if chat is open right now. The helplines below are there for you any time."));
    return;
  }
  if (status.open) {
    const wait = formatWait(status.estimated_wait_seconds);
    // Honest: "online" only while a counsellor is available (the server says so, with kind words when nobody is).
    const parts = [status.counsellors_online === false
      ? h('p', {}, status.message || "Our counsellors are all busy or away just now. These lines are open any time.")
      : h('p', {}, h('strong', {}, 'Counsellors are online now.'), wait ? ` The wait is ${wait}.` : ''),
    status.counsellors_online === false ? writeInstead(youngPerson) : null];
    if (youngPerson) {
      parts.push(joinForm({
        onJoined: () => ctx.navigate('#/chat'),
        onClosed: (problem) => {
          // Chat closed just now: say when it opens; the helplines are right below.
          const next = problem && problem.opens_at ? londonWhen(problem.opens_at) : null;
          fill(chatSlot,
            h('p', {}, h('strong', {}, next ? `Chat has just closed. It opens ${next}.` : 'Chat has just closed.')),
            h('p', {}, 'Until then, the helplines below are there for you any time.'));
          chatSlot.setAttribute('tabindex', '-1');
          chatSlot.focus();
        },
      }));
    } else if (!ctx.user) {
      parts.push(h('p', {}, 'To chat you need a Waymark account. It is free and anonymous. ',
        h('a', { href: '#/login' }, 'Log in'), ' or ', h('a', { href: '#/signup' }, 'sign up'), '.'));
    }
    fill(chatSlot, ...parts);
  } else {
    const when = status.opens_at ? londonWhen(status.opens_at) : null;
    chatSlot.replaceChildren(
      status.closure && status.message ? h('p', { class: 'closure-message' }, status.message) : '',
      h('p', {}, h('strong', {}, when ? `Chat opens ${when}.` : 'Chat is closed right now.')),
      writeInstead(youngPerson),
      h('p', {}, 'Until then, the helplines below are there for you any time.'));
  }
}
