// My journal (young person): a daily mood check-in, private journal entries and goals.
// Routes: #/journal (check-in and the mood chart), #/journal/entries (write and list),
// #/journal/entries/<id> (read, edit, delete), #/journal/goals (add, rate, charts).
//
// Private: only the young person can read any of it (no staff role can). Offline first:
// a check-in, entry, goal or rating made without a connection waits in ../outbox.js
// ("Waiting to send (N)") and is sent with the same client_id when the connection returns.
// The private risk check (../risk-check.js) runs on the phone: nothing is sent for it.

import { api, ApiError, errorMessage, newClientId } from '../api.js';
import {
  h, screenHeading, setTitle, backLink, button, field, errorSummary, uid, fill, srOnly, icon,
  formatDate, londonTime, londonDay, plural, confirmDialog,
} from '../ui.js';
import { crisisBlock, dangerNow } from '../crisis.js';
import { sendOrQueue, listOutbox, flushOutbox, removeFromOutbox, OUTBOX_EVENT } from '../outbox.js';
import { loadVocabulary, checkText } from '../risk-check.js';
import { saveEntries, savedEntries } from '../journal-saved.js';

const SCALE = [
  { score: 1, word: 'Really bad' },
  { score: 2, word: 'Not great' },
  { score: 3, word: 'Okay' },
  { score: 4, word: 'Good' },
  { score: 5, word: 'Great' },
];
const WORD_FOR = Object.fromEntries(SCALE.map((s) => [s.score, s.word]));
/** Used when GET /api/v1/mood/feelings can't be reached (the same words as the server). */
const FALLBACK_FEELINGS = [
  ['happy', 'Happy'], ['calm', 'Calm'], ['proud', 'Proud'], ['hopeful', 'Hopeful'], ['excited', 'Excited'],
  ['grateful', 'Grateful'], ['loved', 'Loved'], ['tired', 'Tired'], ['bored', 'Bored'], ['worried', 'Worried'],
  ['stressed', 'Stressed'], ['sad', 'Sad'], ['lonely', 'Lonely'], ['angry', 'Angry'], ['scared', 'Scared'],
  ['numb', 'Numb'],
].map(([slug, label]) => ({ slug, label }));
const MAX_FEELINGS = 8;
const NOTE_MAX = 1000;
const ENTRY_MAX = 10000;
const TITLE_MAX = 140;
const DAYS = 30;
const DAY_MS = 86400000;

// What was last loaded, kept in memory only (never stored), so that going offline while the
// app is open doesn't make goals and entries vanish. Keyed by user: a new log-in starts empty.
const memory = { userId: null, data: {} };
function remember(ctx, key, value) {
  if (memory.userId !== ctx.user.id) memory.data = {};
  memory.userId = ctx.user.id;
  memory.data[key] = value;
}
function recall(ctx, key) {
  return memory.userId === ctx.user.id ? memory.data[key] : undefined;
}

// --- small pieces ------------------------------------------------------------------------

/** A face for a mood score: the mouth curves down (1) to up (5). Decorative: the word is the label. */
function face(score) {
  const curve = (score - 3) * 4;
  const shapes = [
    ['circle', { cx: 20, cy: 20, r: 17, fill: 'none', stroke: 'currentColor', 'stroke-width': 2.5 }],
    ['circle', { cx: 14, cy: 16, r: 2.2, fill: 'currentColor' }],
    ['circle', { cx: 26, cy: 16, r: 2.2, fill: 'currentColor' }],
    ['path', {
      d: `M12 ${27 - Math.max(0, curve) / 2} Q20 ${27 + curve} 28 ${27 - Math.max(0, curve) / 2}`,
      fill: 'none', stroke: 'currentColor', 'stroke-width': 2.5, 'stroke-linecap': 'round',
    }],
  ];
  if (score === 1) {
    shapes.push(['path', { d: 'M10 11 L17 13 M30 11 L23 13', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round' }]);
  }
  return icon(shapes, { size: 40, viewBox: '0 0 40 40', className: 'mood-face' });
}

function dateTime(iso) {
  return `${formatDate(iso)}, ${londonTime(iso)}`;
}

function shortText(text, n = 120) {
  const s = String(text || '').replace(/\s+/g, ' ').trim();
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function outboxLabel(item) {
  const b = item.body || {};
  switch (item.kind) {
    case 'mood': return `Check-in: ${WORD_FOR[b.score] || b.score}, ${dateTime(b.recorded_at || item.created_at)}`;
    case 'journal': return `Journal entry: “${shortText(b.body, 60)}”`;
    case 'goal': return `New goal: ${shortText(b.title, 60)}`;
    case 'rating': return `Goal rating: ${b.score} out of 10${item.goal_title ? ` for “${shortText(item.goal_title, 40)}”` : ''}`;
    case 'message': case 'message_reply': return `Message to the team: “${shortText(b.body, 60)}”`;
    default: return 'Something you saved';
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/**
 * A line chart as an accessible picture: role="img" with a summary, and the values as a
 * visually hidden table (the text alternative).
 * points: [{x: time in ms, y}], yMin/yMax, yTicks: [values], xLabels: [{x, label}].
 */
function lineChart({ points, xMin, xMax, yMin, yMax, yTicks, xLabels, summary, table }) {
  const W = 340; const H = 170; const L = 30; const R = 10; const T = 10; const B = 28;
  const px = (x) => L + ((x - xMin) / Math.max(1, xMax - xMin)) * (W - L - R);
  const py = (y) => T + (1 - (y - yMin) / (yMax - yMin)) * (H - T - B);
  const grid = yTicks.map((v) => svg('g', {},
    svg('line', { x1: L, x2: W - R, y1: py(v), y2: py(v), class: 'chart-grid' }),
    svg('text', { x: L - 6, y: py(v) + 4, 'text-anchor': 'end', class: 'chart-label' }, String(v))));
  const xs = xLabels.map((l, i) => svg('text', {
    x: px(l.x), y: H - 8, 'text-anchor': i === xLabels.length - 1 ? 'end' : i === 0 ? 'start' : 'middle', class: 'chart-label',
  }, l.label));
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const line = sorted.length > 1
    ? svg('polyline', { points: sorted.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' '), class: 'chart-line' })
    : null;
  const dots = sorted.map((p) => svg('circle', { cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r: 4.5, class: 'chart-dot' }));
  const picture = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, class: 'chart', preserveAspectRatio: 'xMidYMid meet',
  }, svg('title', {}, summary), grid, xs, line, dots);
  return h('figure', { class: 'chart-figure' }, picture, table);
}

/** "22 November" in Europe/London time. */
function dayMonth(ms) {
  return formatDate(new Date(ms).toISOString()).replace(/ \d{4}$/, '');
}

/**
 * The labels at the ends of a chart's time axis: the first day and the last, which is
 * "Today" when it is today in Europe/London (one label when both are the same day).
 */
function axisEnds(first, last) {
  const today = londonDay(new Date());
  const label = (ms) => (londonDay(new Date(ms)) === today ? 'Today' : dayMonth(ms));
  if (londonDay(new Date(first)) === londonDay(new Date(last))) return [{ x: last, label: label(last) }];
  return [{ x: first, label: dayMonth(first) }, { x: last, label: label(last) }];
}

/** The chart's values as a table only screen readers meet (a wrapper: tables won't shrink). */
function hiddenTable(caption, headings, rows) {
  return h('div', { class: 'visually-hidden' }, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

// --- the screen --------------------------------------------------------------------------

export async function render(root, ctx) {
  const [section = '', id = null] = ctx.params;
  const page = new JournalScreen(root, ctx);
  if (section === 'entries' && id) return page.entry(id);
  if (section === 'entries') return page.entries();
  if (section === 'goals') return page.goals();
  return page.checkIn();
}

class JournalScreen {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.outboxBox = h('section', { class: 'outbox', 'aria-labelledby': 'outbox-title', hidden: true });
    this.support = h('div', { class: 'support-slot' });
    this.vocabulary = loadVocabulary().catch(() => null);
    window.addEventListener(OUTBOX_EVENT, () => this.drawOutbox(), { signal: ctx.signal });
  }

  /** Back link, heading, the privacy line, the journal's own nav and the outbox. */
  top(title, current, backTo = null) {
    setTitle(title);
    const links = [['#/journal', 'Check-in', 'checkin'], ['#/journal/entries', 'Entries', 'entries'], ['#/journal/goals', 'Goals', 'goals']];
    this.root.append(
      backLink(backTo || this.ctx.back(this.ctx.landing())),
      screenHeading(title),
      h('p', { class: 'privacy-note' }, h('strong', {}, 'Only you can see this. Our staff can’t read it.')),
      h('nav', { class: 'subnav', 'aria-label': 'Journal' },
        h('ul', {}, links.map(([href, text, key]) => h('li', {},
          h('a', { href, 'aria-current': key === current ? 'page' : null }, text))))),
      this.outboxBox,
      this.support);
    this.drawOutbox();
    // Anything saved offline goes now if it can; the screen redraws when the outbox changes.
    flushOutbox().catch(() => {});
  }

  async drawOutbox() {
    const items = await listOutbox();
    if (!this.ctx.isCurrent()) return;
    // Fewer waiting than last time: some were sent (on `online`, say), so show them as saved.
    if (this.waitingCount !== undefined && items.length < this.waitingCount && this.refresh) {
      window.clearTimeout(this.refreshTimer);
      this.refreshTimer = window.setTimeout(() => { if (this.ctx.isCurrent()) this.refresh(); }, 300);
    }
    this.waitingCount = items.length;
    if (!items.length) {
      this.outboxBox.hidden = true;
      this.outboxBox.replaceChildren();
      return;
    }
    const tryNow = button('Try sending now', { class: 'btn btn-secondary btn-small' });
    tryNow.addEventListener('click', async () => {
      tryNow.disabled = true;
      await flushOutbox().catch(() => 0);
      if (tryNow.isConnected) tryNow.disabled = false;
    });
    fill(this.outboxBox,
      h('h2', { id: 'outbox-title' }, `Waiting to send (${items.length})`),
      h('p', {}, 'These are saved on this phone, locked so only you can open them. They will send by themselves when you are back online. If you log out or use Quick exit first, they stay locked on this phone and send after you log in again.'),
      h('ul', { class: 'outbox-list' }, items.map((item) => h('li', {},
        h('span', {}, outboxLabel(item)),
        item.failed ? h('p', { class: 'field-error' }, srOnly('Error: '), `Couldn't send: ${item.failed}`) : null,
        item.failed ? button(['Remove', srOnly(`: ${outboxLabel(item)}`)], {
          class: 'btn btn-quiet btn-small', onClick: () => removeFromOutbox(item.client_id),
        }) : null))),
      navigator.onLine === false ? null : tryNow);
    this.outboxBox.hidden = false;
  }

  /** The kind offer after writing something that sounds like the writer may be at risk. */
  async offerSupport(...texts) {
    const vocab = await this.vocabulary;
    if (!vocab) return; // the words aren't available: skip the check quietly
    const found = texts.map((t) => checkText(vocab, t)).find(Boolean);
    if (!found || !this.ctx.isCurrent()) return;
    const titleId = uid('support');
    const box = h('section', { class: 'support-box', 'aria-labelledby': titleId },
      h('h2', { id: titleId, tabindex: '-1' }, 'It sounds like things are really hard.'),
      h('p', { class: 'lead' }, 'Would you like to talk to someone?'),
      found.riskToLife ? dangerNow() : null,
      h('div', { class: 'actions' },
        h('a', { href: '#/talk', class: 'btn btn-primary btn-block' }, 'Talk to a counsellor')),
      h('p', {}, 'Or contact one of these helplines. They are free and there any time:'),
      crisisBlock({ headingLevel: 3, skipEmergency: found.riskToLife }),
      h('p', { class: 'meta' }, 'Nothing you wrote has been shared. This message comes from the app on your phone.'),
      button('Close this message', {
        class: 'btn btn-quiet btn-small', onClick: () => { this.support.replaceChildren(); },
      }));
    fill(this.support, box);
    box.querySelector('h2').focus();
    box.scrollIntoView({ block: 'start' });
  }

  // --- #/journal: check-in and the mood chart -------------------------------------------

  async checkIn() {
    this.top('My journal', 'checkin');
    const chartSlot = h('div', {}, h('p', { class: 'loading' }, 'Loading your check-ins…'));
    this.root.append(
      this.checkInForm(() => this.refresh()),
      h('section', { class: 'section', 'aria-labelledby': 'mood-chart-title' },
        h('h2', { id: 'mood-chart-title' }, 'Your mood in the last 30 days'), chartSlot),
      h('p', { class: 'journal-more' },
        h('a', { href: '#/journal/entries' }, 'Write in your journal'), ' · ', h('a', { href: '#/journal/goals' }, 'Your goals')));
    this.refresh = () => this.drawMoodChart(chartSlot);
    await this.refresh();
  }

  checkInForm(onSaved) {
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
      h('p', { class: 'hint', id: feelingsHintId }, `Choose up to ${MAX_FEELINGS}.`),
      feelingsError, feelingsBox);
    const drawFeelings = (list) => {
      fill(feelingsBox, list.map((f) => {
        const id = uid('feeling');
        const box = h('input', { type: 'checkbox', id, name: 'feelings', value: f.slug, class: 'chip-input' });
        box.addEventListener('change', () => {
          const ticked = feelingsBox.querySelectorAll('input:checked').length;
          if (ticked > MAX_FEELINGS) {
            box.checked = false;
            feelingsError.textContent = `You can choose up to ${MAX_FEELINGS} words.`;
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
      hint: `Up to ${NOTE_MAX.toLocaleString('en-GB')} letters.`, attrs: { maxlength: String(NOTE_MAX), rows: '3' },
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
      if (text.length > NOTE_MAX) {
        note.setError(`Your note can be up to ${NOTE_MAX} letters. You could write the rest in your journal.`);
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
        if (text) this.offerSupport(text);
      } catch (err) {
        summary.show([{ text: `We couldn't save your check-in. ${errorMessage(err)}` }]);
      } finally {
        save.disabled = false;
      }
    });
    return h('section', { class: 'section', 'aria-label': 'Check in' }, form);
  }

  async drawMoodChart(slot) {
    let items = [];
    let failed = null;
    try {
      const data = await api('/mood', { query: { days: DAYS } });
      items = (data && data.items) || [];
      remember(this.ctx, 'moods', items);
    } catch (err) {
      failed = err;
      items = recall(this.ctx, 'moods') || [];
    }
    const waiting = (await listOutbox()).filter((i) => i.kind === 'mood' && !i.failed)
      .map((i) => ({ ...i.body, waiting: true }));
    const seen = new Set(items.map((m) => m.client_id).filter(Boolean));
    const all = [...items, ...waiting.filter((w) => !seen.has(w.client_id))];
    if (!this.ctx.isCurrent()) return;
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

  // --- #/journal/entries ------------------------------------------------------------------

  async entries() {
    this.top('Journal entries', 'entries');
    const deleted = this.ctx.query.get('deleted') === '1';
    const summary = errorSummary();
    const entry = field({
      label: 'Write a new entry', name: 'body', type: 'textarea',
      hint: 'Write whatever is on your mind. It is just for you.', attrs: { maxlength: String(ENTRY_MAX), rows: '6' },
    });
    const status = h('div', { class: 'status-message', role: 'status' },
      deleted ? h('p', {}, 'Your entry has been deleted.') : null);
    const save = button('Save entry', { type: 'submit', class: 'btn btn-primary btn-block' });
    const form = h('form', { class: 'form', novalidate: true }, summary.el, entry.row, save);
    const list = h('div', {}, h('p', { class: 'loading' }, 'Loading your entries…'));
    this.root.append(
      h('section', { class: 'section', 'aria-label': 'Write' }, form, status),
      h('section', { class: 'section', 'aria-labelledby': 'entries-title' },
        h('h2', { id: 'entries-title' }, 'Your entries'), list));
    if (deleted) this.ctx.setHash('#/journal/entries');

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      summary.hide();
      entry.setError(null);
      status.replaceChildren();
      const text = entry.control.value.trim();
      let problem = null;
      if (!text) problem = 'Please write something first.';
      else if (text.length > ENTRY_MAX) problem = `An entry can be up to ${ENTRY_MAX.toLocaleString('en-GB')} letters. You could split it into two.`;
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
        this.refresh();
        this.offerSupport(text);
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
        remember(this.ctx, 'entries', { shown, total });
        if (!more) saveEntries({ shown, total }); // sealed, for reading offline
      } catch (err) {
        failed = err;
        const kept = recall(this.ctx, 'entries') || (failed.offline ? await savedEntries() : null);
        if (kept && !more) ({ shown, total } = kept);
        if (kept && kept.saved_at) savedAt = kept.saved_at;
      }
      const waiting = (await listOutbox()).filter((i) => i.kind === 'journal');
      if (!this.ctx.isCurrent()) return;
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
    this.refresh = () => draw(false);
    await draw(false);
  }

  // --- #/journal/entries/<id> --------------------------------------------------------------

  async entry(id) {
    this.top('Journal entry', 'entries', '#/journal/entries');
    const area = h('div', {}, h('p', { class: 'loading' }, 'Loading your entry…'));
    this.root.append(area);
    let entry;
    try {
      entry = await api(`/journal/${encodeURIComponent(id)}`);
    } catch (err) {
      const saved = err && err.offline ? await savedEntries() : null;
      const copy = saved && (saved.shown || []).find((e) => e.id === id);
      if (copy && this.ctx.isCurrent()) {
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
    if (!this.ctx.isCurrent()) return;

    const status = h('div', { class: 'status-message', role: 'status' });
    const show = () => {
      const edit = button('Edit', { variant: 'secondary' });
      const del = button('Delete', { class: 'btn btn-danger-outline' });
      edit.addEventListener('click', () => editing());
      del.addEventListener('click', () => this.confirmDelete(entry, del, status));
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
        attrs: { maxlength: String(ENTRY_MAX), rows: '10' },
      });
      const save = button('Save changes', { type: 'submit' });
      const cancel = button('Cancel', { variant: 'secondary', onClick: () => { show(); } });
      const form = h('form', { class: 'form', novalidate: true }, summary.el, text.row,
        h('div', { class: 'actions actions-row' }, save, cancel));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        summary.hide();
        const body = text.control.value.trim();
        if (!body || body.length > ENTRY_MAX) {
          const msg = body ? `An entry can be up to ${ENTRY_MAX.toLocaleString('en-GB')} letters.` : "An entry can't be empty. You could delete it instead.";
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
          this.offerSupport(body);
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

  confirmDelete(entry, trigger, status) {
    confirmDialog({
      trigger,
      title: 'Delete this entry?',
      text: "Once it's deleted, you can't get it back.",
      yesLabel: 'Yes, delete it',
      noLabel: 'Keep it',
      onConfirm: async () => {
        try {
          await api(`/journal/${encodeURIComponent(entry.id)}`, { method: 'DELETE' });
          this.ctx.navigate('#/journal/entries?deleted=1');
        } catch (err) {
          fill(status, h('p', {}, err && err.offline
            ? "You're offline, so the entry isn't deleted yet. Please try again when you're back online."
            : `We couldn't delete the entry. ${errorMessage(err)}`));
          trigger.focus();
        }
      },
    });
  }

  // --- #/journal/goals ---------------------------------------------------------------------

  async goals() {
    this.top('My goals', 'goals');
    const summary = errorSummary();
    const title = field({
      label: "A goal you'd like to work on", name: 'title',
      hint: `For example: "Get to sleep before 11 on school nights". Up to ${TITLE_MAX} letters.`,
      attrs: { maxlength: String(TITLE_MAX), autocomplete: 'off' },
    });
    const add = button('Add goal', { type: 'submit', class: 'btn btn-primary btn-block' });
    const status = h('div', { class: 'status-message', role: 'status' });
    const form = h('form', { class: 'form', novalidate: true }, summary.el, title.row, add);
    const list = h('div', {}, h('p', { class: 'loading' }, 'Loading your goals…'));
    this.root.append(
      h('p', {}, 'Set goals that matter to you, then rate how close you are, from 0 (not at all) to 10 (you got there). Over time you can see how things change.'),
      h('section', { class: 'section', 'aria-label': 'Add a goal' }, form, status),
      h('section', { class: 'section', 'aria-labelledby': 'goals-title' },
        h('h2', { id: 'goals-title' }, 'Your goals'), list));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      summary.hide();
      title.setError(null);
      status.replaceChildren();
      const text = title.control.value.trim();
      if (!text || text.length > TITLE_MAX) {
        const msg = text ? `Please keep your goal to ${TITLE_MAX} letters.` : 'Please write your goal first.';
        title.setError(msg);
        summary.show([{ text: msg, target: title.id }]);
        return;
      }
      add.disabled = true;
      try {
        const outcome = await sendOrQueue({ kind: 'goal', path: '/goals', body: { title: text, client_id: newClientId() } });
        title.control.value = '';
        fill(status, h('p', {}, outcome.queued ? "Goal saved on this phone. It will send when you're back online." : 'Goal added.'));
        this.refresh();
      } catch (err) {
        summary.show([{ text: `We couldn't add your goal. ${errorMessage(err)}` }]);
      } finally {
        add.disabled = false;
      }
    });

    const draw = async () => {
      let goals = [];
      let failed = null;
      try {
        const data = await api('/goals');
        goals = (data && data.items) || [];
        remember(this.ctx, 'goals', goals);
      } catch (err) {
        failed = err;
        goals = (recall(this.ctx, 'goals') || []).map((g) => ({ ...g }));
      }
      const outbox = await listOutbox();
      if (!this.ctx.isCurrent()) return;
      const known = new Set(goals.map((g) => g.client_id).filter(Boolean));
      const waitingGoals = outbox.filter((i) => i.kind === 'goal' && !known.has(i.client_id))
        .map((i) => ({ id: null, client_id: i.client_id, title: i.body.title, created_at: i.created_at, ratings: [], waiting: true }));
      const all = [...waitingGoals, ...goals];
      for (const g of all) {
        const ratedIds = new Set((g.ratings || []).map((r) => r.client_id).filter(Boolean));
        const waitingRatings = outbox.filter((i) => i.kind === 'rating' && !ratedIds.has(i.client_id)
          && ((g.id && i.path === `/goals/${encodeURIComponent(g.id)}/ratings`) || (g.client_id && i.goal_client_id === g.client_id)))
          .map((i) => ({ score: i.body.score, rated_at: i.body.rated_at, waiting: true }));
        g.allRatings = [...(g.ratings || []), ...waitingRatings]
          .sort((a, b) => String(a.rated_at).localeCompare(String(b.rated_at)));
      }
      fill(list,
        failed ? h('p', {}, failed.offline
          ? "You're offline. New goals and ratings will be kept on this phone until you're back online."
          : `We couldn't load your goals. ${errorMessage(failed)}`) : null,
        all.length ? h('ul', { class: 'goal-list' }, all.map((g) => this.goalCard(g)))
          : (failed ? null : h('p', {}, 'No goals yet. Add one above.')));
    };
    this.refresh = draw;
    await draw();
  }

  goalCard(goal) {
    const ratings = goal.allRatings || [];
    const latest = ratings[ratings.length - 1];
    const sliderId = uid('rating');
    const hintId = `${sliderId}-hint`;
    const slider = h('input', {
      type: 'range', id: sliderId, min: '0', max: '10', step: '1', value: String(latest ? latest.score : 5),
      'aria-describedby': hintId, class: 'rating-slider',
    });
    const output = h('output', { for: sliderId, class: 'rating-value' });
    const sync = () => {
      output.textContent = `${slider.value} out of 10`;
      slider.setAttribute('aria-valuetext', `${slider.value} out of 10`);
    };
    slider.addEventListener('input', sync);
    sync();
    const save = button('Save rating', { type: 'submit', variant: 'secondary' });
    const status = h('div', { class: 'status-message', role: 'status' });
    const form = h('form', { class: 'form rating-form', novalidate: true },
      h('label', { for: sliderId, class: 'label' }, 'How close are you to this goal?'),
      h('p', { class: 'hint', id: hintId }, '0 means not at all. 10 means you got there.'),
      h('div', { class: 'rating-row' }, h('span', { 'aria-hidden': 'true' }, '0'), slider, h('span', { 'aria-hidden': 'true' }, '10')),
      output,
      save, status);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      save.disabled = true;
      const body = { score: Number(slider.value), rated_at: new Date().toISOString(), client_id: newClientId() };
      const item = goal.id
        ? { kind: 'rating', path: `/goals/${encodeURIComponent(goal.id)}/ratings`, body, goal_title: goal.title }
        : { kind: 'rating', path: null, goal_client_id: goal.client_id, body, goal_title: goal.title };
      try {
        const outcome = await sendOrQueue(item);
        fill(status, h('p', {}, outcome.queued ? "Rating saved on this phone. It will send when you're back online." : 'Rating saved.'));
        const heading = form.closest('.goal-card')?.querySelector('h3');
        await this.refresh();
        // The list was redrawn: keep the person's place.
        const again = [...document.querySelectorAll('.goal-card h3')].find((el) => el.textContent === (heading && heading.textContent));
        if (again) {
          again.setAttribute('tabindex', '-1');
          again.focus();
          const card = again.closest('.goal-card');
          const newStatus = card && card.querySelector('.status-message');
          if (newStatus) fill(newStatus, h('p', {}, outcome.queued ? "Rating saved on this phone. It will send when you're back online." : 'Rating saved.'));
        }
      } catch (err) {
        fill(status, h('p', { class: 'field-error' }, `We couldn't save your rating. ${errorMessage(err)}`));
      } finally {
        save.disabled = false;
      }
    });

    let chart = null;
    if (ratings.length) {
      const times = ratings.map((r) => new Date(r.rated_at).getTime()).filter(Number.isFinite);
      const first = Math.min(...times);
      // The axis ends now: today, in Europe/London (never tomorrow); a rating with a clock
      // ahead of this phone's still fits on it.
      const last = Math.max(...times, Date.now());
      const summary = `Your ratings for “${goal.title}”: ${plural(ratings.length, 'rating', 'ratings')}. `
        + `First ${ratings[0].score} out of 10, latest ${latest.score} out of 10.`;
      chart = lineChart({
        points: ratings.map((r) => ({ x: new Date(r.rated_at).getTime(), y: r.score })).filter((p) => Number.isFinite(p.x)),
        xMin: first, xMax: last, yMin: 0, yMax: 10, yTicks: [0, 5, 10],
        xLabels: axisEnds(first, last),
        summary,
        table: hiddenTable(`Ratings for “${goal.title}”`, ['Date', 'Rating'],
          ratings.map((r) => [dateTime(r.rated_at) + (r.waiting ? ' (waiting to send)' : ''), `${r.score} out of 10`])),
      });
    }
    return h('li', { class: 'goal-card' },
      h('h3', {}, goal.title),
      goal.waiting ? h('p', { class: 'badge badge-closed' }, 'Waiting to send') : null,
      latest ? h('p', {}, `Latest rating: ${latest.score} out of 10, ${formatDate(latest.rated_at)}.`)
        : h('p', { class: 'meta' }, 'Not rated yet.'),
      chart,
      form);
  }
}
