// The journal's shared pieces: the mood scale and its faces, dates, short text, and what was
// last loaded (kept in memory only, never stored).

import { icon, formatDate, londonTime } from '../ui.js';

export const SCALE = [
  { score: 1, word: 'Really bad' },
  { score: 2, word: 'Not great' },
  { score: 3, word: 'Okay' },
  { score: 4, word: 'Good' },
  { score: 5, word: 'Great' },
];
export const WORD_FOR = Object.fromEntries(SCALE.map((s) => [s.score, s.word]));
/** Used when GET /api/v1/mood/feelings can't be reached (the same words as the server). */
export const FALLBACK_FEELINGS = [
  ['happy', 'Happy'], ['calm', 'Calm'], ['proud', 'Proud'], ['hopeful', 'Hopeful'], ['excited', 'Excited'],
  ['grateful', 'Grateful'], ['loved', 'Loved'], ['tired', 'Tired'], ['bored', 'Bored'], ['worried', 'Worried'],
  ['stressed', 'Stressed'], ['sad', 'Sad'], ['lonely', 'Lonely'], ['angry', 'Angry'], ['scared', 'Scared'],
  ['numb', 'Numb'],
].map(([slug, label]) => ({ slug, label }));
export const DAYS = 30;
export const DAY_MS = 86400000;

// What was last loaded, kept in memory only (never stored), so that going offline while the
// app is open doesn't make goals and entries vanish. Keyed by user: a new log-in starts empty.
const memory = { userId: null, data: {} };
export function remember(ctx, key, value) {
  if (memory.userId !== ctx.user.id) memory.data = {};
  memory.userId = ctx.user.id;
  memory.data[key] = value;
}
export function recall(ctx, key) {
  return memory.userId === ctx.user.id ? memory.data[key] : undefined;
}

/** A face for a mood score: the mouth curves down (1) to up (5). Decorative: the word is the label. */
export function face(score) {
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

export function dateTime(iso) {
  return `${formatDate(iso)}, ${londonTime(iso)}`;
}

export function shortText(text, n = 120) {
  const s = String(text || '').replace(/\s+/g, ' ').trim();
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
