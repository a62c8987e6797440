// The journal's line charts (mood over 30 days, a goal's ratings): an accessible picture,
// role="img" with a summary, and the values as a visually hidden table.

import { h, formatDate, londonDay } from '../ui.js';

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
export function lineChart({ points, xMin, xMax, yMin, yMax, yTicks, xLabels, summary, table }) {
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
export function axisEnds(first, last) {
  const today = londonDay(new Date());
  const label = (ms) => (londonDay(new Date(ms)) === today ? 'Today' : dayMonth(ms));
  if (londonDay(new Date(first)) === londonDay(new Date(last))) return [{ x: last, label: label(last) }];
  return [{ x: first, label: dayMonth(first) }, { x: last, label: label(last) }];
}

/** The chart's values as a table only screen readers meet (a wrapper: tables won't shrink). */
export function hiddenTable(caption, headings, rows) {
  return h('div', { class: 'visually-hidden' }, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}
