// "Your availability" in the counsellor's console: Available / Away and "Chats at once"
// (1–10) → PUT /chat/availability, and how many chats they are in now.

import { api, errorMessage } from '../../api.js';
import { h, button, field, uid, fill, plural } from '../../ui.js';

const AVAILABILITY_KEY = 'waymark.counsellor.availability';

export class AvailabilityPanel {
  constructor(consoleRef) {
    this.console = consoleRef;
    this.box = h('div');
    this.el = h('section', { class: 'console-card console-bar', 'aria-labelledby': 'avail-title' },
      h('h2', { id: 'avail-title' }, 'Your availability'), this.box);
  }

  remembered() {
    try {
      return JSON.parse(sessionStorage.getItem(AVAILABILITY_KEY) || 'null');
    } catch {
      return null;
    }
  }

  async load() {
    // Not in the contract yet: used when the backend answers it, otherwise what was last set here.
    try {
      const current = await api('/chat/availability');
      // A choice made while this was loading wins: redrawing now would show the old status
      // (and lose the "Saving…" line) although the new one is what the server keeps.
      if (current && current.status && !this.chosen) this.draw(current);
    } catch { /* keep what we have */ }
  }

  draw(known = this.remembered()) {
    const name = uid('availability');
    const status = known ? known.status : null;
    const radios = ['available', 'away'].map((value) => {
      const id = uid(name);
      const input = h('input', { type: 'radio', name, id, value, checked: status === value ? true : null });
      input.addEventListener('change', () => this.save(value, null, result));
      return h('div', { class: 'choice' }, input, h('label', { for: id }, value === 'available' ? 'Available' : 'Away'));
    });
    const limit = field({
      label: 'Chats at once', name: 'max_concurrent', type: 'number', value: known ? known.max_concurrent : 2,
      hint: 'From 1 to 10.', className: 'field-inline', attrs: { min: '1', max: '10', step: '1', inputmode: 'numeric', class: 'input-short' },
    });
    const save = button('Save', { variant: 'secondary', class: 'btn btn-secondary btn-small' });
    const result = h('p', { class: 'availability-result', role: 'status' });
    save.addEventListener('click', () => {
      const n = Number(limit.control.value);
      if (!Number.isInteger(n) || n < 1 || n > 10) {
        limit.setError('Choose a whole number from 1 to 10.');
        limit.control.focus();
        return;
      }
      limit.setError(null);
      const chosen = radios.map((r) => r.querySelector('input')).find((i) => i.checked);
      this.save(chosen ? chosen.value : 'available', n, result);
    });
    this.limitField = limit;
    fill(this.box,
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'legend' }, 'Your status'),
        h('div', { class: 'choices choices-row' }, radios)),
      h('div', { class: 'limit-row' }, limit.row, save),
      result);
    this.result = result;
    this.describe(known, result);
  }

  describe(known = this.known, result = this.result) {
    this.known = known;
    this.result = result;
    if (!result) return;
    if (!known) {
      result.textContent = "Choose Available when you're ready to take chats.";
      return;
    }
    const open = [...this.console.panels.values()].filter((p) => !p.ended).length;
    const chats = ` You're in ${plural(open, 'chat', 'chats')} now.`;
    result.textContent = known.status === 'available'
      ? `You're available for up to ${plural(known.max_concurrent, 'chat', 'chats')} at once.${chats}`
      : `You're away. You won't be given new chats.${chats}`;
  }

  async save(status, maxConcurrent, result) {
    this.chosen = true;
    const body = { status };
    const n = maxConcurrent ?? Number(this.limitField.control.value);
    if (Number.isInteger(n) && n >= 1 && n <= 10) body.max_concurrent = n;
    result.textContent = 'Saving…';
    try {
      const saved = await api('/chat/availability', { method: 'PUT', body });
      try { sessionStorage.setItem(AVAILABILITY_KEY, JSON.stringify(saved)); } catch { /* ignore */ }
      this.describe(saved, result);
      this.console.loadQueue();
    } catch (err) {
      result.textContent = `We couldn't save that. ${errorMessage(err)}`;
    }
  }
}
