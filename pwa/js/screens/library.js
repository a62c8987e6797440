// The self-help library: search and topics first; a topic opens its articles.
// Routes: #/library (search, topics, a link to every article), #/library?topic=<slug>,
// #/library?all=1 (every article), #/search?q=<words>
//
// A signed-in young person's searches are remembered on this phone only as the topics of
// their first results (../suggestions.js), for "Suggested for you" on the home screen.

import { api, errorMessage } from '../api.js';
import { h, screenHeading, setTitle, backLink, button, uid } from '../ui.js';
import { noteSearchResults } from '../suggestions.js';
import { articleList } from '../article-list.js';

function searchForm(ctx, value = '') {
  const id = uid('search');
  const input = h('input', {
    id, type: 'search', name: 'q', autocomplete: 'off', enterkeyhint: 'search', maxlength: '100',
  });
  input.value = value;
  const form = h('form', { role: 'search', class: 'search-form' },
    h('label', { for: id, class: 'label' }, 'Search the library'),
    h('div', { class: 'search-row' }, input, button('Search', { type: 'submit', class: 'btn btn-primary' })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    ctx.navigate(q ? `#/search?q=${encodeURIComponent(q)}` : '#/library');
  });
  return form;
}

async function loadTopics() {
  try {
    const topics = await api('/topics');
    return Array.isArray(topics) ? topics : [];
  } catch {
    return null;
  }
}

function topicGrid(topics) {
  return h('ul', { class: 'topic-grid' }, topics.map((t) => h('li', {},
    h('a', { href: `#/library?topic=${encodeURIComponent(t.slug)}`, class: 'topic-tile' }, t.name))));
}

function failed(slot, err, retry) {
  slot.replaceChildren(
    h('p', {}, err && err.offline
      ? "You're offline and this list isn't saved on your phone yet. Articles you've opened before still work."
      : `We couldn't load the articles. ${errorMessage(err)}`),
    button('Try again', { variant: 'secondary', onClick: retry }));
}

/** Fill `slot` with the articles for `query`; resolves to them (null when they didn't load). */
async function fillArticles(slot, query, emptyText, headingLevel = 3) {
  slot.replaceChildren(h('p', { class: 'loading' }, 'Loading articles…'));
  try {
    const data = await api('/articles', { query });
    const items = (data && data.items) || [];
    slot.replaceChildren(items.length ? articleList(items, headingLevel) : emptyText);
    return items;
  } catch (err) {
    failed(slot, err, () => fillArticles(slot, query, emptyText, headingLevel));
    return null;
  }
}

export async function render(root, ctx) {
  const mode = ctx.segments[0];
  if (mode === 'search') return renderSearch(root, ctx);
  const topic = ctx.query.get('topic');
  if (topic) return renderTopic(root, ctx, topic);
  if (ctx.query.get('all') === '1') return renderAll(root, ctx);
  return renderIndex(root, ctx);
}

async function renderIndex(root, ctx) {
  setTitle('Library');
  const topicsSlot = h('div', {}, h('p', { class: 'loading' }, 'Loading topics…'));
  root.append(
    backLink(ctx.back(ctx.landing())),
    screenHeading('Library'),
    h('p', {}, 'Short reads and activities about how you feel and what is going on for you.'),
    searchForm(ctx),
    h('section', { class: 'section', 'aria-labelledby': 'topics-title' },
      h('h2', { id: 'topics-title' }, 'Topics'),
      h('p', {}, 'Choose a topic to see its articles.'),
      topicsSlot),
    h('p', { class: 'library-all' }, h('a', { href: '#/library?all=1' }, 'See every article')));

  const topics = await loadTopics();
  if (topics === null) {
    topicsSlot.replaceChildren(h('p', {}, "Topics couldn't load right now. You can still ",
      h('a', { href: '#/library?all=1' }, 'see every article saved on your phone'), '.'));
  } else topicsSlot.replaceChildren(topicGrid(topics));
}

async function renderAll(root, ctx) {
  setTitle('Every article');
  const listSlot = h('div', {});
  root.append(
    backLink('#/library', 'Library'),
    screenHeading('Every article'),
    listSlot);
  await fillArticles(listSlot, {}, h('p', {}, 'There are no articles yet.'), 2);
}

async function renderTopic(root, ctx, slug) {
  setTitle('Library');
  const title = screenHeading('Library');
  const listSlot = h('div', {});
  root.append(
    backLink('#/library', 'All topics'),
    title,
    listSlot,
    h('p', {}, h('a', { href: '#/talk' }, 'Talk to someone about this')));
  const topics = await loadTopics();
  const found = topics && topics.find((t) => t.slug === slug);
  const name = found ? found.name : slug.replace(/-/g, ' ');
  title.textContent = name.charAt(0).toUpperCase() + name.slice(1);
  setTitle(title.textContent);
  await fillArticles(listSlot, { topic: slug },
    h('p', {}, "There aren't any articles on this topic yet. ", h('a', { href: '#/library' }, 'See all topics'), '.'), 2);
}

async function renderSearch(root, ctx) {
  const q = (ctx.query.get('q') || '').trim();
  setTitle(q ? `Search: ${q}` : 'Search');
  const listSlot = h('div', { 'aria-live': 'polite' });
  root.append(
    backLink('#/library', 'Library'),
    screenHeading('Search the library'),
    searchForm(ctx, q),
    h('section', { class: 'section', 'aria-labelledby': 'results-title' },
      h('h2', { id: 'results-title' }, q ? `Results for “${q}”` : 'Results'),
      listSlot));
  if (!q) {
    listSlot.replaceChildren(h('p', {}, 'Type a word above, like “sleep” or “exams”.'));
    return;
  }
  const items = await fillArticles(listSlot, { q },
    h('div', {},
      h('p', {}, `We couldn't find anything for “${q}”. Try a different word, or look through the `,
        h('a', { href: '#/library' }, 'topics'), '.'),
      h('p', {}, 'If something is worrying you, you can ', h('a', { href: '#/talk' }, 'talk to someone'), '.')));
  if (items && items.length && ctx.user && ctx.user.role === 'young_person') noteSearchResults(items);
}
