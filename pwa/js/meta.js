// What the server says about its own rules (GET /api/v1/meta): the risk levels with their
// labels, and the length limits of what people write. Screens take these from here, never
// from copies in the code. Kept in localStorage (public, not personal) so a start without a
// connection still knows them; when they have never loaded, a form leaves the length check
// to the server.

import { api } from './api.js';

export const META_KEY = 'waymark.meta';

let pending = null;
let known = null; // the last meta document loaded (or saved), for the synchronous look-ups below

function saved() {
  try {
    return JSON.parse(localStorage.getItem(META_KEY) || 'null');
  } catch {
    return null;
  }
}

/** `{risk_levels: [{level, label}], limits: {…}}`, or null when it can't be had. */
export function loadMeta() {
  if (!pending) {
    pending = api('/meta').then((meta) => {
      known = meta;
      try { localStorage.setItem(META_KEY, JSON.stringify(meta)); } catch { /* storage full or off */ }
      return meta;
    }).catch(() => {
      pending = null; // ask again next time
      known = known || saved();
      return known;
    });
  }
  return pending;
}

/** The length limits by name (`journal_entry`, `post_body`…); an empty object when unknown. */
export async function loadLimits() {
  const meta = await loadMeta();
  return (meta && meta.limits) || {};
}

/** level → label (`urgent` → `Urgent`); an empty object when unknown. */
export async function loadRiskLabels() {
  const meta = await loadMeta();
  return Object.fromEntries(((meta && meta.risk_levels) || []).map((r) => [r.level, r.label]));
}

/** The `maxlength` attribute for a limit, or nothing when the limit is unknown. */
export function maxLength(limit) {
  return limit ? { maxlength: String(limit) } : {};
}

/** The risk levels, lowest first (`none` … `urgent`), as last loaded; [] before loadMeta(). */
export function riskLevels() {
  return ((known && known.risk_levels) || []).map((r) => r.level);
}

/** A risk level's label (`high` → `High`) as last loaded; the level itself when unknown. */
export function riskLabel(level) {
  const found = ((known && known.risk_levels) || []).find((r) => r.level === level);
  return found ? found.label : String(level || '');
}

/** For tests: forget what was loaded in this page. */
export function forgetMeta() {
  pending = null;
  known = null;
}

/** Give each control (`[[control, limit name], …]`) its maxlength as soon as the limits are known. */
export function applyLimits(pairs) {
  return loadLimits().then((limits) => {
    for (const [control, name] of pairs) if (limits[name]) control.setAttribute('maxlength', String(limits[name]));
    return limits;
  });
}
