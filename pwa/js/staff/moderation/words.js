// The moderation console's shared words and pieces: kinds, categories, the risk badge, the
// engine's spans as <mark>, the post reasons, and what a refused claim means.

import { api, ApiError, errorMessage } from '../../api.js';
import { h, srOnly } from '../../ui.js';
import { riskLabel, riskLevels } from '../../meta.js';

/** What a badge says for the level `none`. */
export const NO_RISK = 'No risk found';

export const KIND_LABELS = { thread: 'New thread', reply: 'Reply', report: 'Reported' };
export const CATEGORY_LABELS = {
  risk_to_life: 'risk to life',
  self_harm: 'self-harm',
  danger_from_others: 'in danger from someone',
  abuse_bullying: 'abuse or bullying',
  grooming: 'grooming signs',
  sexual: 'sexual content',
  hate: 'hate',
  personal_details: 'personal details',
  spam: 'spam',
  profanity: 'swearing',
  watched_word: 'watched word',
};
export function categoryLabel(category) {
  return CATEGORY_LABELS[category] || String(category || '').replace(/_/g, ' ');
}

/** A risk level as a text badge (never colour alone). */
export function riskBadge(level) {
  const key = riskLevels().includes(level) ? level : 'none';
  return h('p', { class: `badge badge-level badge-level-${key}` },
    key === 'urgent' || key === 'high' ? h('span', { 'aria-hidden': 'true' }, '! ') : null,
    key === 'none' ? NO_RISK : `${riskLabel(key)} risk`);
}

/**
 * `text` with the engine's spans for `fieldName` ('title' or 'body') wrapped in <mark>.
 * Span offsets count Unicode code points (Python), so the text is split into code points.
 */
export function highlighted(text, spans, fieldName) {
  const chars = Array.from(String(text || ''));
  const mine = (spans || []).filter((s) => (s.field || 'body') === fieldName
    && Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start);
  if (!mine.length) return [chars.join('')];
  const clamp = (n) => Math.max(0, Math.min(chars.length, n));
  const cuts = new Set([0, chars.length]);
  for (const s of mine) { cuts.add(clamp(s.start)); cuts.add(clamp(s.end)); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const a = points[i];
    const b = points[i + 1];
    if (a >= b) continue;
    const piece = chars.slice(a, b).join('');
    const categories = [...new Set(mine.filter((s) => s.start <= a && s.end >= b).map((s) => s.category))];
    if (!categories.length) {
      out.push(piece);
      continue;
    }
    const words = categories.map(categoryLabel).join(', ');
    out.push(h('mark', { class: 'flag', title: `Flagged: ${words}`, 'data-category': categories.join(' ') },
      piece, srOnly(` (flagged: ${words})`)));
  }
  return out;
}

/** Reasons to reject a post (account reasons are for the author page). */
export function postReasons() {
  return api('/moderation/reasons').then((r) => (Array.isArray(r) ? r.filter((x) => x.applies_to !== 'account') : [])).catch(() => null);
}

export function claimProblem(err) {
  if (err instanceof ApiError && err.status === 409) {
    if (err.code === 'decided') return 'This has already been decided.';
    if (err.code === 'already_escalated') return 'This post has already been passed to the counsellors.';
    return 'Someone else is working on this.';
  }
  return errorMessage(err);
}
