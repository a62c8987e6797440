// What the author page and the appeals screen share about restrictions on an account:
// their kinds in words, "until the end of this day in London", and the appeal decision form.

import { h, button, field } from '../../ui.js';

export const KIND_LABELS = { warn: 'Warning', hold_all: 'Every post held for review', suspend: 'Suspended' };
/** The end of a day (23:59) in Europe/London, as an ISO date-time, from 'YYYY-MM-DD'. */
export function endOfLondonDay(day) {
  const guess = new Date(`${day}T23:59:00Z`);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(guess));
  return new Date(guess.getTime() - (hour === 0 ? 3600000 : 0)).toISOString();
}

/** Uphold or lift, with an optional note for staff. `decide(action, note, trigger)`. */
export function appealDecisionForm(appealId, decide) {
  const note = field({ label: 'Note for staff (optional)', name: `note-${appealId}`, type: 'textarea', attrs: { maxlength: '2000', rows: '2' } });
  const lift = button('Lift it', { class: 'btn btn-primary btn-small' });
  const uphold = button('Keep it (uphold)', { class: 'btn btn-secondary btn-small' });
  lift.addEventListener('click', () => decide('lift', note.control.value.trim() || null, lift));
  uphold.addEventListener('click', () => decide('uphold', note.control.value.trim() || null, uphold));
  return h('div', { class: 'form' }, note.row, h('div', { class: 'actions actions-row' }, lift, uphold));
}
