// The council console's weekly opening times editor: one row per set of days, with the
// opening and closing time in 24-hour time ("24:00" for midnight).

import { h, button, field, uid, srOnly } from '../../ui.js';

const DAYS = [['mon', 'Mon', 'day'], ['tue', 'Tue', 'sday'], ['wed', 'Wed', 'nesday'], ['thu', 'Thu', 'rsday'],
  ['fri', 'Fri', 'day'], ['sat', 'Sat', 'urday'], ['sun', 'Sun', 'day']];
const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Weekday rows with opening and closing times. value() → [{days, opens_at, closes_at}]. */
export function scheduleEditor(initial) {
  const list = h('div', { class: 'schedule-rows' });
  const rows = [];

  function renumber() {
    rows.forEach((row, i) => {
      row.legend.textContent = `Opening times ${i + 1}`;
      row.removeLabel.textContent = ` opening times ${i + 1}`;
    });
  }

  function addRow(s = { days: [], opens_at: '09:00', closes_at: '17:00' }, focus = false) {
    const dayInputs = DAYS.map(([value, short, rest]) => {
      const id = uid('day');
      const input = h('input', { type: 'checkbox', id, value, checked: (s.days || []).includes(value) ? true : null });
      return { input, el: h('div', { class: 'choice choice-inline choice-day' }, input, h('label', { for: id }, short, srOnly(rest))) };
    });
    const opens = field({ label: 'Opens', name: 'opens_at', value: s.opens_at, hint: 'Like 09:00', attrs: { inputmode: 'numeric', class: 'input-short', maxlength: '5' } });
    const closes = field({ label: 'Closes', name: 'closes_at', value: s.closes_at, hint: 'Like 17:00, or 24:00', attrs: { inputmode: 'numeric', class: 'input-short', maxlength: '5' } });
    const legend = h('legend', { class: 'legend' });
    const removeLabel = srOnly('');
    const daysError = h('p', { class: 'field-error', hidden: true, id: uid('days-error') });
    const row = { legend, removeLabel, dayInputs, opens, closes, daysError };
    const remove = button(['Remove', removeLabel], { variant: 'quiet', class: 'btn btn-quiet btn-small' });
    const daysWrap = h('div', { class: 'choices choices-days', role: 'group', 'aria-label': 'Days' }, dayInputs.map((d) => d.el));
    row.el = h('fieldset', { class: 'fieldset schedule-row' }, legend, daysError, daysWrap,
      h('div', { class: 'field-pair' }, opens.row, closes.row), remove);
    remove.addEventListener('click', () => {
      const at = rows.indexOf(row);
      rows.splice(at, 1);
      row.el.remove();
      renumber();
      const next = rows[at] || rows[at - 1];
      if (next) next.dayInputs[0].input.focus();
      else addButton.focus();
    });
    rows.push(row);
    list.append(row.el);
    renumber();
    if (focus) dayInputs[0].input.focus();
  }

  const addButton = button('Add opening times', { variant: 'secondary', onClick: () => addRow(undefined, true) });
  for (const s of initial) addRow(s);

  const el = h('fieldset', { class: 'fieldset' },
    h('legend', { class: 'legend' }, 'When it is open'),
    h('div', { class: 'hint' }, 'Add a set of days for each different opening time, in 24-hour time. Leave empty if it has no set times. "Open now" comes from these.'),
    list, addButton);

  return {
    el,
    value() {
      return rows.map((r) => ({
        days: r.dayInputs.filter((d) => d.input.checked).map((d) => d.input.value),
        opens_at: r.opens.control.value.trim(),
        closes_at: r.closes.control.value.trim(),
      }));
    },
    validate() {
      const problems = [];
      rows.forEach((r, i) => {
        const n = i + 1;
        r.opens.setError(null);
        r.closes.setError(null);
        r.daysError.hidden = true;
        r.el.removeAttribute('aria-describedby');
        if (!r.dayInputs.some((d) => d.input.checked)) {
          r.daysError.hidden = false;
          r.daysError.textContent = 'Choose at least one day';
          r.el.setAttribute('aria-describedby', r.daysError.id);
          problems.push({ text: `Opening times ${n}: choose at least one day`, target: r.dayInputs[0].input.id });
        }
        const o = r.opens.control.value.trim();
        const c = r.closes.control.value.trim();
        if (!TIME.test(o)) {
          r.opens.setError('Enter a time like 09:00');
          problems.push({ text: `Opening times ${n}: enter an opening time like 09:00`, target: r.opens.id });
        }
        if (!TIME.test(c)) {
          r.closes.setError('Enter a time like 17:00');
          problems.push({ text: `Opening times ${n}: enter a closing time like 17:00`, target: r.closes.id });
        } else if (TIME.test(o) && c <= o) {
          r.closes.setError('The closing time must be after the opening time');
          problems.push({ text: `Opening times ${n}: the closing time must be after the opening time`, target: r.closes.id });
        }
      });
      return problems;
    },
  };
}
