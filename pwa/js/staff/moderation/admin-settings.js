// The admins' side of the moderation console: watched words (list, add with block / hold /
// flag, remove) and the forum settings (auto-publish, approved posts needed).

import { api, errorMessage } from '../../api.js';
import { h, button, field, uid, fill, srOnly, plural } from '../../ui.js';

const WORD_ACTIONS = [
  { value: 'block', label: 'Block: never published' },
  { value: 'hold', label: 'Hold: a moderator reads it first' },
  { value: 'flag', label: 'Flag: marked, still allowed' },
];

export class AdminPanel {
  constructor(box, ctx) {
    this.box = box;
    this.ctx = ctx;
    this.wordsBody = h('div', {}, h('p', { class: 'loading' }, 'Loading watched words…'));
    this.wordsResult = h('p', { class: 'status-message', role: 'status' });
    this.settingsBody = h('div', {}, h('p', { class: 'loading' }, 'Loading settings…'));
  }

  async start() {
    const word = field({ label: 'Word or phrase', name: 'word', hint: 'Use * for any letters, like scam*.', attrs: { maxlength: '60', autocomplete: 'off' } });
    const action = field({ label: 'What happens', name: 'action', type: 'select', value: 'hold', options: WORD_ACTIONS });
    const add = button('Add word', { type: 'submit', class: 'btn btn-primary btn-small' });
    const form = h('form', { class: 'form', novalidate: true }, word.row, action.row, h('div', { class: 'actions actions-row' }, add));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      word.setError(null);
      const text = word.control.value.trim();
      if (!text) {
        word.setError('Type a word or phrase');
        word.control.focus();
        return;
      }
      add.disabled = true;
      try {
        const saved = await api('/moderation/watched-words', { method: 'POST', body: { word: text, action: action.control.value } });
        word.control.value = '';
        this.wordsResult.textContent = `“${saved.word}” is watched: ${saved.action}.`;
        await this.loadWords();
      } catch (err) {
        word.setError(errorMessage(err));
        word.control.focus();
      } finally {
        add.disabled = false;
      }
    });
    fill(this.box,
      h('section', { class: 'console-card', 'aria-labelledby': 'words-title' },
        h('h2', { id: 'words-title' }, 'Watched words'),
        h('p', { class: 'meta' }, 'Block: never published. Hold: a moderator reads it first. Flag: marked for moderators, still allowed. Changes apply to the next post.'),
        this.wordsResult, this.wordsBody,
        h('h3', {}, 'Add a watched word'), form),
      h('section', { class: 'console-card', 'aria-labelledby': 'settings-title' },
        h('h2', { id: 'settings-title' }, 'Forum settings'), this.settingsBody));
    await Promise.all([this.loadWords(), this.loadSettings()]);
  }

  async loadWords() {
    let data;
    try {
      data = await api('/moderation/watched-words');
    } catch (err) {
      fill(this.wordsBody, h('p', {}, `We couldn't load the watched words. ${errorMessage(err)}`));
      return;
    }
    const items = (data && data.items) || [];
    if (!items.length) {
      fill(this.wordsBody, h('p', { class: 'console-empty' }, 'No watched words yet.'));
      return;
    }
    const rows = items.map((w) => {
      const remove = button(['Remove', srOnly(` “${w.word}”`)], { class: 'btn btn-quiet btn-small' });
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        try {
          await api(`/moderation/watched-words/${encodeURIComponent(w.id)}`, { method: 'DELETE' });
          this.wordsResult.textContent = `“${w.word}” is no longer watched.`;
          await this.loadWords();
          this.wordsBody.querySelector('button')?.focus();
        } catch (err) {
          remove.disabled = false;
          this.wordsResult.textContent = `We couldn't remove it. ${errorMessage(err)}`;
        }
      });
      return h('tr', {}, h('td', { class: 'mod-word' }, w.word), h('td', {}, w.action), h('td', {}, remove));
    });
    fill(this.wordsBody, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Watched words'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Word'), h('th', { scope: 'col' }, 'Action'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')))),
      h('tbody', {}, rows))));
  }

  async loadSettings() {
    let current;
    try {
      current = await api('/moderation/settings');
    } catch (err) {
      fill(this.settingsBody, h('p', {}, `We couldn't load the settings. ${errorMessage(err)}`));
      return;
    }
    const autoId = uid('auto');
    const auto = h('input', { type: 'checkbox', role: 'switch', id: autoId, checked: current.auto_publish ? true : null, 'aria-describedby': `${autoId}-hint` });
    const min = field({
      label: 'Approved posts needed first', name: 'auto_publish_min_approved', type: 'number',
      value: current.auto_publish_min_approved, hint: 'From 1 to 100.',
      attrs: { min: '1', max: '100', step: '1', inputmode: 'numeric', class: 'input-short' },
    });
    const save = button('Save settings', { type: 'submit', class: 'btn btn-primary btn-small' });
    const result = h('p', { class: 'status-message', role: 'status' });
    const form = h('form', { class: 'form', novalidate: true },
      h('div', { class: 'choice choice-switch' }, auto, h('label', { for: autoId }, 'Publish posts without review')),
      h('p', { class: 'hint', id: `${autoId}-hint` }, 'Only clean posts, from people with enough approved posts and no recent reports. Anything flagged still waits for a moderator.'),
      min.row, result, h('div', { class: 'actions actions-row' }, save));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      min.setError(null);
      const n = Number(min.control.value);
      if (!Number.isInteger(n) || n < 1 || n > 100) {
        min.setError('Choose a whole number from 1 to 100');
        min.control.focus();
        return;
      }
      save.disabled = true;
      try {
        const saved = await api('/moderation/settings', { method: 'PUT', body: { auto_publish: auto.checked, auto_publish_min_approved: n } });
        result.textContent = saved.auto_publish
          ? `Saved. Clean posts go up without review for people with ${plural(saved.auto_publish_min_approved, 'approved post', 'approved posts')}.`
          : 'Saved. Every post waits for a moderator.';
      } catch (err) {
        result.textContent = `We couldn't save that. ${errorMessage(err)}`;
      } finally {
        save.disabled = false;
      }
    });
    fill(this.settingsBody, form);
  }
}
