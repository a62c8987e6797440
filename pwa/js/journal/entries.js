// #/journal/entries (write, and the entries newest first) and #/journal/entries/<id> (read,
// edit, delete). The newest page is kept sealed on the phone to read offline.

import { api, ApiError, errorMessage, newClientId } from '../api.js';
import { h, button, field, errorSummary, fill, srOnly, confirmDialog } from '../ui.js';
import { sendOrQueue, listOutbox } from '../outbox.js';
import { saveEntries, savedEntries } from '../journal-saved.js';
import { maxLength } from '../meta.js';
import { remember, recall, dateTime, shortText } from './words.js';

export async function entries(page) {
  page.top('Journal entries', 'entries');
  const entryMax = (await page.limits).journal_entry;
  if (!page.ctx.isCurrent()) return;
  const deleted = page.ctx.query.get('deleted') === '1';
  const summary = errorSummary();
  const entry = field({
    label: 'Write a new entry', name: 'body', type: 'textarea',
    hint: 'Write whatever is on your mind. It is just for you.', attrs: { ...maxLength(entryMax), rows: '6' },
  });
  const status = h('div', { class: 'status-message', role: 'status' },
    deleted ? h('p', {}, 'Your entry has been deleted.') : null);
  const save = button('Save entry', { type: 'submit', class: 'btn btn-primary btn-block' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, entry.row, save);
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading your entries…'));
  page.root.append(
    h('section', { class: 'section', 'aria-label': 'Write' }, form, status),
    h('section', { class: 'section', 'aria-labelledby': 'entries-title' },
      h('h2', { id: 'entries-title' }, 'Your entries'), list));
  if (deleted) page.ctx.setHash('#/journal/entries');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    entry.setError(null);
    status.replaceChildren();
    const text = entry.control.value.trim();
    let problem = null;
    if (!text) problem = 'Please write something first.';
    else if (entryMax && text.length > entryMax) problem = `An entry can be up to ${entryMax.toLocaleString('en-GB')} letters. You could split it into two.`;
    if (problem) {
      entry.setError(problem);
      summary.show([{ text: problem, target: entry.id }]);
      return;
    }
    save.disabled = true;
    try {
      const outcome = await sendOrQueue({ kind: 'journal', path: '/journal', body: { body: text, client_id: newClientId() } });
      entry.control.value = '';
      fill(status, h('p', {}, outcome.queued ? "Saved on this phone. It will send when you're back online." : 'Saved.'));
      page.refresh();
      page.offerSupport(text);
    } catch (err) {
      summary.show([{ text: `We couldn't save your entry. ${errorMessage(err)}` }]);
    } finally {
      save.disabled = false;
    }
  });

  let shown = [];
  let total = 0;
  let savedAt = null; // when the entries shown offline were saved on this phone
  const draw = async (more = false) => {
    let failed = null;
    savedAt = null;
    try {
      const data = await api('/journal', { query: { limit: 20, offset: more ? shown.length : 0 } });
      shown = more ? [...shown, ...((data && data.items) || [])] : ((data && data.items) || []);
      total = (data && data.total) || shown.length;
      remember(page.ctx, 'entries', { shown, total });
      if (!more) saveEntries({ shown, total }); // sealed, for reading offline
    } catch (err) {
      failed = err;
      const kept = recall(page.ctx, 'entries') || (failed.offline ? await savedEntries() : null);
      if (kept && !more) ({ shown, total } = kept);
      if (kept && kept.saved_at) savedAt = kept.saved_at;
    }
    const waiting = (await listOutbox()).filter((i) => i.kind === 'journal');
    if (!page.ctx.isCurrent()) return;
    const rows = [
      ...waiting.map((i) => h('li', { class: 'entry-card' },
        h('p', { class: 'entry-date' }, dateTime(i.created_at)),
        h('p', {}, shortText(i.body.body)),
        h('p', { class: 'badge badge-closed' }, i.failed ? "Couldn't send" : 'Waiting to send'))),
      ...shown.map((e) => h('li', { class: 'entry-card' },
        h('h3', { class: 'entry-date' }, h('a', { href: `#/journal/entries/${encodeURIComponent(e.id)}` },
          srOnly('Entry from '), dateTime(e.created_at))),
        h('p', {}, shortText(e.body)))),
    ];
    const moreButton = !failed && shown.length < total
      ? button('Show older entries', { variant: 'secondary', onClick: () => draw(true) }) : null;
    fill(list,
      failed ? h('p', {}, failed.offline
        ? "You're offline. New entries will be kept on this phone until you're back online."
        : `We couldn't load your entries. ${errorMessage(failed)}`) : null,
      failed && failed.offline ? h('p', { class: 'meta' }, savedAt
        ? `These are your newest entries as they were on ${dateTime(savedAt)}, kept locked on this phone so you can read them offline. Older ones show when you're back online.`
        : (shown.length ? null : "Your past entries show when you're online.")) : null,
      rows.length ? h('ul', { class: 'entry-list' }, rows)
        : (failed ? null : h('p', {}, 'No entries yet. What you write will show here, newest first.')),
      moreButton);
  };
  page.refresh = () => draw(false);
  await draw(false);
}

export async function entry(page, id) {
  page.top('Journal entry', 'entries', '#/journal/entries');
  const entryMax = (await page.limits).journal_entry;
  if (!page.ctx.isCurrent()) return;
  const area = h('div', {}, h('p', { class: 'loading' }, 'Loading your entry…'));
  page.root.append(area);
  let entry;
  try {
    entry = await api(`/journal/${encodeURIComponent(id)}`);
  } catch (err) {
    const saved = err && err.offline ? await savedEntries() : null;
    const copy = saved && (saved.shown || []).find((e) => e.id === id);
    if (copy && page.ctx.isCurrent()) {
      // Offline: the copy kept on this phone, to read (changes need a connection).
      fill(area,
        h('p', { class: 'entry-date' }, `Written ${dateTime(copy.created_at)}`),
        h('div', { class: 'entry-body' }, copy.body),
        h('p', { class: 'meta' }, "You're offline, so this is the copy kept on your phone. You can change or delete it when you're back online."));
      return;
    }
    fill(area, h('p', {}, err instanceof ApiError && err.status === 404
      ? "We can't find that entry. It may have been deleted."
      : err && err.offline ? "You're offline. You can read this entry when you're back online."
        : `We couldn't load the entry. ${errorMessage(err)}`),
    h('p', {}, h('a', { href: '#/journal/entries' }, 'Back to your entries')));
    return;
  }
  if (!page.ctx.isCurrent()) return;

  const status = h('div', { class: 'status-message', role: 'status' });
  const show = () => {
    const edit = button('Edit', { variant: 'secondary' });
    const del = button('Delete', { class: 'btn btn-danger-outline' });
    edit.addEventListener('click', () => editing());
    del.addEventListener('click', () => confirmDelete(page, entry, del, status));
    fill(area,
      h('p', { class: 'entry-date' }, `Written ${dateTime(entry.created_at)}`,
        entry.updated_at ? ` · changed ${dateTime(entry.updated_at)}` : ''),
      h('div', { class: 'entry-body' }, entry.body),
      status,
      h('div', { class: 'actions actions-row' }, edit, del));
  };
  const editing = () => {
    const summary = errorSummary();
    const text = field({
      label: 'Change your entry', name: 'body', type: 'textarea', value: entry.body,
      attrs: { ...maxLength(entryMax), rows: '10' },
    });
    const save = button('Save changes', { type: 'submit' });
    const cancel = button('Cancel', { variant: 'secondary', onClick: () => { show(); } });
    const form = h('form', { class: 'form', novalidate: true }, summary.el, text.row,
      h('div', { class: 'actions actions-row' }, save, cancel));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      summary.hide();
      const body = text.control.value.trim();
      if (!body || (entryMax && body.length > entryMax)) {
        const msg = body ? `An entry can be up to ${entryMax.toLocaleString('en-GB')} letters.` : "An entry can't be empty. You could delete it instead.";
        text.setError(msg);
        summary.show([{ text: msg, target: text.id }]);
        return;
      }
      save.disabled = true;
      try {
        entry = await api(`/journal/${encodeURIComponent(entry.id)}`, { method: 'PUT', body: { body } });
        show();
        fill(status, h('p', {}, 'Your changes are saved.'));
        area.querySelector('.entry-body')?.setAttribute('tabindex', '-1');
        page.offerSupport(body);
      } catch (err) {
        save.disabled = false;
        summary.show([{ text: err && err.offline
          ? "You're offline. Your changes aren't saved yet: keep this page open and try again when you're back online."
          : `We couldn't save your changes. ${errorMessage(err)}` }]);
      }
    });
    fill(area, form);
    text.control.focus();
  };
  show();
}

function confirmDelete(page, entry, trigger, status) {
  confirmDialog({
    trigger,
    title: 'Delete this entry?',
    text: "Once it's deleted, you can't get it back.",
    yesLabel: 'Yes, delete it',
    noLabel: 'Keep it',
    onConfirm: async () => {
      try {
        await api(`/journal/${encodeURIComponent(entry.id)}`, { method: 'DELETE' });
        page.ctx.navigate('#/journal/entries?deleted=1');
      } catch (err) {
        fill(status, h('p', {}, err && err.offline
          ? "You're offline, so the entry isn't deleted yet. Please try again when you're back online."
          : `We couldn't delete the entry. ${errorMessage(err)}`));
        trigger.focus();
      }
    },
  });
}
