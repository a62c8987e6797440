// The peer forums for young people: boards, a board's threads, and starting a thread.
// Routes: #/forums, #/forums/<board>, #/forums/<board>/new  (a thread is screens/thread.js)
//
// Pre-moderated: a new post is answered 202 with its status (pending / held: "Waiting for a
// moderator"; rejected: the kind reason; published when the admin allows auto-publish). An
// answer with `support` (the engine found risk) shows kind words, the crisis lines and
// "Talk to a counsellor" — never a telling-off. Every post carries a client_id, so trying
// again after a dropped connection never posts twice.

import { api, ApiError, errorMessage, newClientId } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, errorSummary, fill, plural, timeAgo, linkButton,
} from '../ui.js';
import { applyLimits, loadLimits } from '../meta.js';
import {
  loadBoards, boardName, rememberAnswer, talkHint, safetyNote, detailsGuard, notPostedBox, sendPost,
} from '../forum-posting.js';

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
    attrs: { autocomplete: 'off' },
  });
  const body = field({
    label: 'Your post', name: 'body', type: 'textarea',
    hint: 'Say as much or as little as you like.', attrs: { rows: '7' },
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
  applyLimits([[title.control, 'post_title'], [body.control, 'post_body']]); // the server's limits

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
    const { post_title: titleMax, post_body: bodyMax } = await loadLimits();
    const problems = [];
    if (!t) {
      title.setError('Give your thread a title');
      problems.push({ text: 'Give your thread a title', target: title.id });
    } else if (titleMax && t.length > titleMax) {
      title.setError(`A title can be up to ${titleMax} characters`);
      problems.push({ text: `A title can be up to ${titleMax} characters`, target: title.id });
    }
    if (!b) {
      body.setError('Write your post');
      problems.push({ text: 'Write your post', target: body.id });
    } else if (bodyMax && b.length > bodyMax) {
      body.setError(`A post can be up to ${bodyMax.toLocaleString('en-GB')} characters`);
      problems.push({ text: `A post can be up to ${bodyMax.toLocaleString('en-GB')} characters`, target: body.id });
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
