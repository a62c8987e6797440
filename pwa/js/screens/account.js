// A young person's own account: my posts (with what a moderator said), change password,
// log out everywhere, download my data (a JSON file), delete my account (typed confirmation).

import { api, errorMessage } from '../api.js';
import { clearLocalData } from '../session.js';
import {
  h, screenHeading, setTitle, backLink, button, field, errorSummary, fill, loading, notice, formatDate,
} from '../ui.js';
import { passwordForm } from '../password-form.js';

const STATUS_WORDS = {
  published: 'Published',
  pending: 'Waiting for a moderator',
  held: 'Waiting for a moderator',
  rejected: 'Not published',
};

function postItem(post) {
  return h('li', { class: 'entry-card my-post', 'data-status': post.status },
    h('p', { class: 'meta' },
      h('span', { class: `badge badge-${post.status === 'published' ? 'open' : post.status === 'rejected' ? 'closed' : 'waiting'}` },
        STATUS_WORDS[post.status] || post.status),
      ' ', formatDate(post.created_at)),
    post.title ? h('h3', {}, post.title) : h('p', { class: 'hint' }, `A reply in "${post.thread_title || 'a thread'}"`),
    h('p', { class: 'entry-body' }, post.body),
    post.status === 'rejected' && post.reason ? h('p', { class: 'notice notice-info' }, 'Why: ', post.reason) : null,
    post.status !== 'rejected' ? h('a', { href: `#/threads/${post.thread_id}` }, 'Open the thread') : null);
}

async function myPosts(area) {
  fill(area, loading('Loading your posts…'));
  try {
    const posts = await api('/me/posts', { query: { limit: 50 } });
    fill(area, posts.items.length
      ? h('ul', { class: 'entry-list' }, posts.items.map(postItem))
      : h('p', {}, "You haven't posted in the forums yet."));
  } catch (err) {
    fill(area, notice(errorMessage(err), 'error'));
  }
}

function downloadSection() {
  const status = h('p', { role: 'status' });
  const go = button('Download my data', { variant: 'secondary', onClick: async () => {
    go.disabled = true;
    status.textContent = 'Getting your data…';
    try {
      const data = await api('/me/export');
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `waymark-my-data-${new Date().toISOString().slice(0, 10)}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.textContent = 'Your data is downloaded as a file. Keep it somewhere private.';
    } catch (err) {
      status.textContent = errorMessage(err);
    }
    go.disabled = false;
  } });
  return h('section', { class: 'section', 'aria-labelledby': 'data-title' },
    h('h2', { id: 'data-title' }, 'Download my data'),
    h('p', {}, 'Everything Waymark keeps that is linked to you, in one file.'), go, status);
}

function deleteSection(ctx) {
  const summary = errorSummary();
  const confirmField = field({ label: 'To delete your account, type DELETE', name: 'confirm',
    attrs: { autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' } });
  const go = button('Delete my account', { type: 'submit', variant: 'danger' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, confirmField.row, h('div', { class: 'actions' }, go));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    confirmField.setError(null);
    if (confirmField.control.value.trim().toUpperCase() !== 'DELETE') {
      confirmField.setError('Type DELETE to show you mean it');
      summary.show([{ text: 'Type DELETE to show you mean it', target: confirmField.id }]);
      return;
    }
    go.disabled = true;
    try {
      await api('/me', { method: 'DELETE' });
      await clearLocalData();
      ctx.setUser(null);
      ctx.navigate('#/welcome');
    } catch (err) {
      summary.show([{ text: errorMessage(err) }]);
      go.disabled = false;
    }
  });
  return h('section', { class: 'section', 'aria-labelledby': 'delete-title' },
    h('h2', { id: 'delete-title' }, 'Delete my account'),
    h('p', {}, 'This deletes your account, journal, moods, goals and notifications for good. It cannot be undone. ',
      'Your forum posts stay, but without your name. You can download your data first.'),
    form);
}

export function render(root, ctx) {
  setTitle('My account');
  const postsArea = h('div');
  const passwordStatus = h('p', { role: 'status' });
  root.append(
    backLink(ctx.back('#/home'), 'Home'),
    screenHeading('My account'),
    h('section', { class: 'section', 'aria-labelledby': 'posts-title' },
      h('h2', { id: 'posts-title' }, 'My posts'), postsArea),
    h('section', { class: 'section', 'aria-labelledby': 'password-title' },
      h('h2', { id: 'password-title' }, 'Change my password'),
      h('p', {}, "You'll be logged out on your other devices."),
      passwordForm({ onDone: () => { passwordStatus.textContent = 'Your password is changed.'; } }),
      passwordStatus),
    h('section', { class: 'section', 'aria-labelledby': 'everywhere-title' },
      h('h2', { id: 'everywhere-title' }, 'Log out everywhere'),
      h('p', {}, 'If you logged in on a phone or computer that is not yours, this logs you out there, and here too.'),
      button('Log out everywhere', { variant: 'secondary', onClick: async () => {
        try { await api('/me/logout-everywhere', { method: 'POST' }); } catch { /* logged out anyway */ }
        await ctx.logOut();
      } })),
    downloadSection(),
    deleteSection(ctx));
  myPosts(postsArea);
}
