// One article: title, topics, the server-sanitised body, and a "Talk to someone" block.
// Route: #/articles/<slug>. The service worker keeps opened articles for offline reading.

import { api, errorMessage } from '../api.js';
import { h, screenHeading, setTitle, backLink, setTrustedHtml, formatDate, plural, button, fill } from '../ui.js';

async function topicNames() {
  try {
    const list = await api('/topics');
    return new Map((list || []).map((t) => [t.slug, t.name]));
  } catch {
    return new Map();
  }
}

function talkBlock() {
  return h('aside', { class: 'talk-block', 'aria-labelledby': 'talk-block-title' },
    h('h2', { id: 'talk-block-title' }, 'Want to talk to someone?'),
    h('p', {}, 'If this has brought something up, you can talk to someone today. It is free.'),
    h('p', {}, h('a', { href: '#/talk', class: 'btn btn-primary btn-block' }, 'See who you can talk to')),
    h('p', { class: 'meta' }, 'Childline 0800 1111 · Text SHOUT to 85258 · Samaritans 116 123 · In danger now, call 999'));
}

export async function render(root, ctx) {
  const slug = ctx.params[0] || '';
  setTitle('Article');
  const title = screenHeading('Loading…');
  const body = h('div', {}, h('p', { class: 'loading' }, 'Loading the article…'));
  root.append(backLink(ctx.back('#/library'), 'Back'), h('article', { class: 'article' }, title, body));

  let article;
  try {
    article = await api(`/articles/${encodeURIComponent(slug)}`);
  } catch (err) {
    if (err.status === 404) {
      title.textContent = "We can't find that article";
      setTitle('Article not found');
      body.replaceChildren(h('p', {}, 'It may have been moved or taken down. ', h('a', { href: '#/library' }, 'Go to the library'), '.'));
    } else {
      title.textContent = "This article didn't load";
      setTitle('Article');
      body.replaceChildren(
        h('p', {}, err.offline
          ? "You're offline, and this article isn't saved on your phone yet. Articles you've opened before still work."
          : errorMessage(err)),
        button('Try again', { variant: 'secondary', onClick: () => ctx.navigate(window.location.hash) }));
    }
    root.append(talkBlock());
    return;
  }
  if (!ctx.isCurrent()) return;

  title.textContent = article.title;
  setTitle(article.title);
  const names = await topicNames();
  const chips = (article.topics || []).map((t) => h('li', {},
    h('a', { href: `#/library?topic=${encodeURIComponent(t)}`, class: 'chip' }, names.get(t) || t.replace(/-/g, ' '))));
  const content = h('div', { class: 'prose' });
  setTrustedHtml(content, article.body_html || '');

  fill(body,
    chips.length ? h('ul', { class: 'chips', 'aria-label': 'Topics' }, chips) : null,
    article.summary ? h('p', { class: 'lead' }, article.summary) : null,
    content,
    h('p', { class: 'meta' },
      article.reading_minutes ? `${plural(article.reading_minutes, 'minute', 'minutes')} to read. ` : '',
      article.reviewed_on ? `Checked by our clinical team on ${formatDate(article.reviewed_on)}.` : ''));
  root.append(talkBlock());
}
