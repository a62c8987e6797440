// #/journal: the daily check-in (a scale of five faces, feeling words, an optional note)
// and the last 30 days as a chart. Saved now, or kept in the outbox until back online.

import { api, errorMessage, newClientId } from '../api.js';
import { h, button, field, errorSummary, uid, fill, formatDate, londonDay, plural } from '../ui.js';
import { sendOrQueue, listOutbox } from '../outbox.js';
import { maxLength } from '../meta.js';
import {
  SCALE, WORD_FOR, FALLBACK_FEELINGS, DAYS, DAY_MS, remember, recall, face, dateTime, shortText,
} from './words.js';
import { lineChart, axisEnds, hiddenTable } from './chart.js';

export async function checkIn(page) {
  page.top('My journal', 'checkin');
  const limits = await page.limits;
  if (!page.ctx.isCurrent()) return;
  const chartSlot = h('div', {}, h('p', { class: 'loading' }, 'Loading your check-ins…'));
  page.root.append(
    checkInForm(page, limits, () => page.refresh()),
    h('section', { class: 'section', 'aria-labelledby': 'mood-chart-title' },
      h('h2', { id: 'mood-chart-title' }, 'Your mood in the last 30 days'), chartSlot),
    h('p', { class: 'journal-more' },
      h('a', { href: '#/journal/entries' }, 'Write in your journal'), ' · ', h('a', { href: '#/journal/goals' }, 'Your goals')));
  page.refresh = () => drawMoodChart(page, chartSlot);
  await page.refresh();
}

/** The check-in form; `limits` are the server's (unknown ones are left to the server to check). */
function checkInForm(page, limits, onSaved) {
  const maxFeelings = limits.mood_feelings;
  const noteMax = limits.mood_note;
  const summary = errorSummary();
  const scaleName = uid('score');
  const scaleError = h('p', { class: 'field-error', hidden: true });
  const radios = [];
  const options = SCALE.map(({ score, word }) => {
    const id = uid('mood');
    const input = h('input', { type: 'radio', name: scaleName, id, value: String(score), class: 'mood-input' });
    radios.push(input);
    return h('div', { class: 'mood-option' }, input,
      h('label', { for: id }, face(score), h('span', { class: 'mood-word' }, word)));
  });
  const scale = h('fieldset', { class: 'fieldset mood-scale' },
    h('legend', { class: 'legend' }, 'How are you feeling today?'),
    scaleError,
    h('div', { class: 'mood-options' }, options));

  const feelingsBox = h('div', { class: 'feeling-chips' }, h('p', { class: 'loading' }, 'Loading feeling words…'));
  const feelingsError = h('p', { class: 'field-error', hidden: true });
  const feelingsHintId = uid('feelings-hint');
  const feelings = h('fieldset', { class: 'fieldset', 'aria-describedby': feelingsHintId },
    h('legend', { class: 'legend' }, 'Which words fit how you feel? (optional)'),
    h('p', { class: 'hint', id: feelingsHintId }, maxFeelings ? `Choose up to ${maxFeelings}.` : 'Choose any that fit.'),
    feelingsError, feelingsBox);
  const drawFeelings = (list) => {
    fill(feelingsBox, list.map((f) => {
      const id = uid('feeling');
      const box = h('input', { type: 'checkbox', id, name: 'feelings', value: f.slug, class: 'chip-input' });
      box.addEventListener('change', () => {
        const ticked = feelingsBox.querySelectorAll('input:checked').length;
        if (maxFeelings && ticked > maxFeelings) {
          box.checked = false;
          feelingsError.textContent = `You can choose up to ${maxFeelings} words.`;
          feelingsError.hidden = false;
        } else {
          feelingsError.hidden = true;
        }
      });
      return h('div', { class: 'chip-toggle' }, box, h('label', { for: id }, f.label));
    }));
  };
  api('/mood/feelings')
    .then((list) => drawFeelings(Array.isArray(list) && list.length ? list : FALLBACK_FEELINGS))
    .catch(() => drawFeelings(FALLBACK_FEELINGS));

  const note = field({
    label: 'Anything else you want to say? (optional)', name: 'note', type: 'textarea',
    hint: noteMax ? `Up to ${noteMax.toLocaleString('en-GB')} letters.` : null, attrs: { ...maxLength(noteMax), rows: '3' },
  });
  const status = h('div', { class: 'status-message', role: 'status' });
  const save = button('Save my check-in', { type: 'submit', class: 'btn btn-primary btn-block' });
  const form = h('form', { class: 'form checkin', novalidate: true },
    summary.el, scale, feelings, note.row, save, status);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    scaleError.hidden = true;
    scale.classList.remove('field--error');
    note.setError(null);
    status.replaceChildren();
    const chosen = radios.find((r) => r.checked);
    const problems = [];
    if (!chosen) {
      scaleError.textContent = 'Please choose how you feel, from Really bad to Great.';
      scaleError.hidden = false;
      scale.classList.add('field--error');
      problems.push({ text: 'Please choose how you feel, from Really bad to Great.', target: radios[0].id });
    }
    const text = note.control.value.trim();
    if (noteMax && text.length > noteMax) {
      note.setError(`Your note can be up to ${noteMax} letters. You could write the rest in your journal.`);
      problems.push({ text: 'Your note is too long.', target: note.id });
    }
    if (problems.length) {
      summary.show(problems);
      return;
    }
    const body = {
      score: Number(chosen.value),
      feelings: [...feelingsBox.querySelectorAll('input:checked')].map((i) => i.value),
      note: text || null,
      recorded_at: new Date().toISOString(),
      client_id: newClientId(),
    };
    save.disabled = true;
    try {
      const outcome = await sendOrQueue({ kind: 'mood', path: '/mood', body });
      form.reset();
      fill(status, h('p', {}, outcome.queued
        ? "Saved on this phone. It will send when you're back online."
        : 'Saved. Thank you for checking in.'));
      onSaved();
      if (text) page.offerSupport(text);
    } catch (err) {
      summary.show([{ text: `We couldn't save your check-in. ${errorMessage(err)}` }]);
    } finally {
      save.disabled = false;
    }
  });
  return h('section', { class: 'section', 'aria-label': 'Check in' }, form);
}

async function drawMoodChart(page, slot) {
  let items = [];
  let failed = null;
  try {
    const data = await api('/mood', { query: { days: DAYS } });
    items = (data && data.items) || [];
    remember(page.ctx, 'moods', items);
  } catch (err) {
    failed = err;
    items = recall(page.ctx, 'moods') || [];
  }
  const waiting = (await listOutbox()).filter((i) => i.kind === 'mood' && !i.failed)
    .map((i) => ({ ...i.body, waiting: true }));
  const seen = new Set(items.map((m) => m.client_id).filter(Boolean));
  const all = [...items, ...waiting.filter((w) => !seen.has(w.client_id))];
  if (!page.ctx.isCurrent()) return;
  const now = Date.now();
  const start = now - (DAYS - 1) * DAY_MS;
  const points = all.map((m) => ({ x: new Date(m.recorded_at).getTime(), y: m.score, m }))
    .filter((p) => Number.isFinite(p.x) && p.x >= start - DAY_MS && p.y >= 1 && p.y <= 5)
    .sort((a, b) => a.x - b.x);
  if (!points.length) {
    fill(slot, h('p', {}, failed
      ? (failed.offline ? "You're offline, so your chart can't load right now." : `We couldn't load your check-ins. ${errorMessage(failed)}`)
      : 'No check-ins yet. When you check in, your mood will show here.'));
    return;
  }
  const latest = points[points.length - 1];
  const low = Math.min(...points.map((p) => p.y));
  const high = Math.max(...points.map((p) => p.y));
  const today = londonDay(new Date(now));
  const checkedToday = points.filter((p) => londonDay(new Date(p.x)) === today).length;
  const summary = `Your mood over the last ${DAYS} days: ${plural(points.length, 'check-in', 'check-ins')}. `
    + `Lowest: ${WORD_FOR[low]}. Highest: ${WORD_FOR[high]}. Most recent: ${WORD_FOR[latest.y]} on ${formatDate(latest.m.recorded_at)}.`;
  const table = hiddenTable(`Your check-ins in the last ${DAYS} days`, ['Date', 'Mood', 'Feelings', 'Note'],
    [...points].reverse().map((p) => [
      dateTime(p.m.recorded_at) + (p.m.waiting ? ' (waiting to send)' : ''),
      `${WORD_FOR[p.y]} (${p.y} of 5)`,
      (p.m.feelings || []).join(', ') || 'None',
      p.m.note ? shortText(p.m.note, 200) : 'None']));
  fill(slot,
    checkedToday && !failed ? h('p', {}, `You've checked in ${checkedToday === 1 ? 'once' : `${checkedToday} times`} today.`) : null,
    lineChart({
      points, xMin: start, xMax: now, yMin: 1, yMax: 5, yTicks: [1, 2, 3, 4, 5],
      xLabels: axisEnds(start, now),
      summary, table,
    }),
    h('p', { class: 'meta chart-key' }, SCALE.map((s) => `${s.score} ${s.word}`).join(' · ')),
    failed ? h('p', { class: 'meta' }, "We couldn't load everything, so this may not show all your check-ins.") : null);
}
