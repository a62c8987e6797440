// A list of article cards (title, summary, reading time), for the library and Home's
// "Suggested for you".

import { h, plural } from './ui.js';

export function articleList(items, headingLevel = 3) {
  return h('ul', { class: 'article-list' }, items.map((a) => h('li', { class: 'article-card' },
    h(`h${headingLevel}`, { class: 'article-card-title' }, h('a', { href: `#/articles/${encodeURIComponent(a.slug)}` }, a.title)),
    a.summary ? h('p', {}, a.summary) : null,
    a.reading_minutes ? h('p', { class: 'meta' }, `${plural(a.reading_minutes, 'minute', 'minutes')} to read`) : null)));
}
