// Council figures for commissioning: a date range, the usage figures as SVG bar charts
// (each with a data table for screen readers), "fewer than 5" for suppressed counts, a CSV
// download of the same range, and a print-friendly page. Admins choose any council.

import { api, errorMessage } from '../../api.js';
import { h, screenHeading, setTitle, backLink, button, field, fill, loading, notice } from '../../ui.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FEWER = 'fewer than 5';

function svg(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== null) el.textContent = text;
  return el;
}

/** "<5" (suppressed) reads as "fewer than 5"; numbers as they are; null as "not enough data". */
export function shown(value, unit = '') {
  if (value === '<5') return FEWER;
  if (value === null || value === undefined) return 'not enough data';
  return `${Number(value).toLocaleString('en-GB')}${unit}`;
}

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/**
 * A horizontal bar chart (SVG, hidden from screen readers) and the same numbers as a table
 * (for screen readers, and printed). rows: [{label, value}] where value may be "<5" or null.
 */
function barChart(title, rows, { unit = '', caption } = {}) {
  const numeric = rows.map((r) => (typeof r.value === 'number' ? r.value : 0));
  const max = Math.max(1, ...numeric);
  const rowHeight = 30;
  const labelWidth = 230;
  const width = 520;
  const barSpace = width - labelWidth - 120;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowHeight + 8}`, class: 'figure-chart',
    'aria-hidden': 'true', focusable: 'false', role: 'presentation' });
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    chart.append(svg('text', { x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'figure-label' }, row.label));
    if (row.value === '<5') {
      chart.append(svg('rect', { x: labelWidth, y: y + 4, width: 14, height: rowHeight - 10, class: 'figure-bar-suppressed' }));
    } else if (typeof row.value === 'number') {
      chart.append(svg('rect', { x: labelWidth, y: y + 4, width: Math.max(1, (row.value / max) * barSpace),
        height: rowHeight - 10, class: 'figure-bar' }));
    }
    const x = labelWidth + (typeof row.value === 'number' ? Math.max(1, (row.value / max) * barSpace) : 14) + 6;
    chart.append(svg('text', { x, y: y + 18, class: 'figure-value' }, shown(row.value, unit)));
  });
  const table = h('table', { class: 'table figure-table' },
    h('caption', {}, caption || title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Figure'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', {}, shown(r.value, unit))))));
  if (!rows.length) return h('section', { class: 'figure-card' }, h('h2', {}, title), h('p', {}, 'Nothing to show for these dates.'));
  return h('section', { class: 'figure-card' }, h('h2', {}, title), chart, table);
}

function minutes(seconds) {
  return seconds === null || seconds === undefined ? null : Math.round(seconds / 60);
}

function charts(figures) {
  const f = figures;
  return [
    barChart('People', [
      { label: 'New registrations', value: f.registrations },
      { label: 'Active young people', value: f.active_users },
      { label: 'Log-ins', value: f.logins },
    ]),
    barChart('Talking to a counsellor', [
      { label: 'Chats asked for', value: f.chats.requested },
      { label: 'Chats started', value: f.chats.started },
    ]),
    barChart('Waiting for a chat (minutes)', [
      { label: 'Typical wait (median)', value: minutes(f.chats.median_wait_seconds) },
      { label: '9 in 10 waited under', value: minutes(f.chats.p90_wait_seconds) },
    ], { unit: ' min' }),
    barChart('Forums', [
      { label: 'Posts written', value: f.posts.submitted },
      { label: 'Posts published', value: f.posts.published },
      { label: 'Typical review time (minutes)', value: minutes(f.posts.median_review_seconds) },
    ]),
    barChart('Topics', (f.topics || []).map((t) => ({ label: t.slug.replace(/-/g, ' '), value: t.count })),
      { caption: 'Topics young people read about or chose' }),
    barChart('Other', [
      { label: 'Log-ins out of hours (%)', value: f.logins_out_of_hours_pct },
      { label: 'Clicks through to services', value: f.signposting_clicks },
    ]),
  ];
}

export async function render(root, ctx) {
  setTitle('Figures');
  const isAdmin = ctx.user.role === 'admin';
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 29 * 86400000);
  const from = field({ label: 'From', name: 'from', type: 'date', value: ctx.query.get('from') || isoDay(monthAgo) });
  const to = field({ label: 'To', name: 'to', type: 'date', value: ctx.query.get('to') || isoDay(today) });
  const pickerSlot = h('div', { class: 'field-pair' });
  const area = h('div', { class: 'figures' });
  const csv = h('a', { class: 'btn btn-secondary', download: '', href: '#', 'data-csv': '' }, 'Download CSV');
  const printButton = button('Print', { variant: 'secondary', onClick: () => window.print() });
  const show = button('Show figures', { type: 'submit' });
  const form = h('form', { class: 'form filters no-print', novalidate: true },
    pickerSlot, h('div', { class: 'field-pair' }, from.row, to.row), h('div', { class: 'actions-row' }, show, csv, printButton));
  root.append(backLink(ctx.back('#/staff'), 'Staff home'), screenHeading('Figures for commissioning'),
    h('p', {}, 'Anonymous figures. Any count under 5 is shown as "fewer than 5" so nobody can be recognised.'),
    form, area);

  let code = isAdmin ? (ctx.query.get('code') || '') : (ctx.user.council_code || '');
  let councils = [];
  try { councils = (await api('/councils')) || []; } catch { councils = []; }
  if (isAdmin) {
    const picker = field({ label: 'Council', name: 'council', type: 'select', value: code,
      options: [{ value: '', label: 'Choose a council' }, ...councils.map((c) => ({ value: c.code, label: c.name }))] });
    pickerSlot.append(picker.row);
    picker.control.addEventListener('change', () => { code = picker.control.value; load(); });
  }

  async function load() {
    const query = { from: from.control.value, to: to.control.value };
    const council = councils.find((c) => c.code === code);
    if (!code) {
      fill(area, h('p', {}, isAdmin ? 'Choose a council to see its figures.'
        : 'Your account is not linked to a council. Please ask a Waymark admin.'));
      csv.hidden = true;
      return;
    }
    ctx.setHash(`#/figures?${new URLSearchParams({ ...(isAdmin ? { code } : {}), ...query })}`);
    csv.hidden = false;
    csv.href = `/api/v1/councils/${encodeURIComponent(code)}/reports/usage?${new URLSearchParams({ ...query, format: 'csv' })}`;
    fill(area, loading('Counting…'));
    try {
      const figures = await api(`/councils/${encodeURIComponent(code)}/reports/usage`, { query });
      fill(area, h('p', { class: 'lead' }, `${council ? council.name : code}: ${figures.from} to ${figures.to}`),
        h('div', { class: 'figure-grid' }, charts(figures)));
    } catch (err) {
      fill(area, notice(errorMessage(err), 'error'));
    }
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
}
