// Saved replies (GET /chat/responses: the counsellor's own and shared ones), inserted into a
// reply box with one click, or with Alt+1 … Alt+9 while typing in it.

import { api } from '../../api.js';
import { h } from '../../ui.js';

/** Load the saved replies once for the console; resolves to a list (empty when it can't load). */
export function loadSavedReplies() {
  return api('/chat/responses').then((data) => (data && data.items) || []).catch(() => []);
}

/** Put `text` into the textarea at the cursor, and keep the focus there. */
export function insertText(area, text) {
  const start = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? area.value.length;
  const before = area.value.slice(0, start);
  const joiner = before && !/\s$/.test(before) ? ' ' : '';
  area.value = `${before}${joiner}${text}${area.value.slice(end)}`;
  const at = before.length + joiner.length + text.length;
  area.setSelectionRange(at, at);
  area.focus();
  area.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * A row of saved-reply buttons for `area` (filled when `replies`, a promise of the list,
 * resolves); Alt+number inserts the reply with that number.
 */
export function savedRepliesPicker(replies, area) {
  const row = h('div', { class: 'saved-replies', hidden: true });
  Promise.resolve(replies).then((items) => {
    if (!items.length) return;
    row.append(h('span', { class: 'saved-replies-label' }, 'Saved replies:'),
      ...items.map((r, i) => h('button', {
        type: 'button', class: 'btn btn-quiet btn-small saved-reply',
        title: i < 9 ? `${r.body} (Alt+${i + 1})` : r.body,
        onclick: () => insertText(area, r.body),
      }, i < 9 ? `${i + 1}. ${r.title}` : r.title)));
    row.hidden = false;
    area.addEventListener('keydown', (event) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const n = Number(event.key);
      if (Number.isInteger(n) && n >= 1 && n <= Math.min(9, items.length)) {
        event.preventDefault();
        insertText(area, items[n - 1].body);
      }
    });
  });
  return row;
}
