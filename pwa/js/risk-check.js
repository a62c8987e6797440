// The private risk check for the journal: on the phone only, nothing is sent.
//
// When a journal entry or a mood note has words that suggest the writer may be at risk,
// the journal kindly offers to talk to someone. The words are the moderation engine's
// risk-to-life and self-harm patterns, from GET /api/v1/journal/risk-vocabulary (public,
// not personal). They are kept in localStorage (with the ETag) so the check also works
// offline; when they have never loaded, the check is skipped quietly.
//
// checkText() follows the vocabulary's own description: normalise the text step by step
// (NFKC, lower case, look-alike letters, accents, invisible characters, l33t inside words,
// separators to spaces), also test a copy with spaced-out letters joined ("k i l l" →
// "kill"), and count a pattern's match unless it lies wholly inside one of its category's
// allow patterns.

import { api, ApiError } from './api.js';

const CACHE_KEY = 'waymark.riskVocabulary';
const LEVELS = ['none', 'low', 'medium', 'high', 'urgent'];

let loading = null;

function readCache() {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    const cached = raw ? JSON.parse(raw) : null;
    return cached && cached.data ? cached : null;
  } catch {
    return null;
  }
}

function writeCache(etag, data) {
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify({ etag, data }));
  } catch { /* storage full or off: the check still works this time */ }
}

/** A RegExp, or null when this browser can't read the source (shared with ./details-check.js). */
export function regex(source, flags) {
  try {
    return new RegExp(source, flags);
  } catch {
    return null; // a pattern this browser can't read is skipped, never fatal
  }
}

/** Turn the vocabulary JSON into ready RegExps. Returns null when it can't be used. */
export function compileVocabulary(data) {
  if (!data || typeof data !== 'object' || !data.categories) return null;
  const flags = typeof data.flags === 'string' ? data.flags : 'g';
  const categories = [];
  for (const [name, cat] of Object.entries(data.categories)) {
    if (!cat || !Array.isArray(cat.patterns)) continue;
    const patterns = cat.patterns.map((p) => regex(typeof p === 'string' ? p : p && p.source, flags)).filter(Boolean);
    const allow = (cat.allow || []).map((src) => regex(typeof src === 'string' ? src : src && src.source, flags)).filter(Boolean);
    if (patterns.length) categories.push({ name, level: LEVELS.includes(cat.level) ? cat.level : 'high', patterns, allow });
  }
  if (!categories.length) return null;
  const norm = data.normalise || {};
  const steps = [];
  for (const step of norm.steps || []) {
    if (!step || typeof step !== 'object') continue;
    if (step.step === 'leet') {
      const token = regex(step.token || '[a-z0-9@$]+', 'g');
      if (!token) continue;
      steps.push({
        step: 'leet',
        token,
        map: step.map || {},
        only: step.only_if_token_matches ? regex(step.only_if_token_matches, '') : null,
        skip: step.skip_if_token_is ? regex(`^(?:${step.skip_if_token_is})$`, '') : null,
      });
    } else if (step.step === 'replace') {
      const pattern = regex(step.pattern, step.flags || 'g');
      if (pattern) steps.push({ step: 'replace', pattern, with: step.with ?? ' ' });
    } else if (step.step === 'delete') {
      const cats = (step.unicode_categories || []).filter((c) => /^[A-Z][a-z]?$/.test(c));
      const pattern = cats.length ? regex(cats.map((c) => `\\p{${c}}`).join('|'), 'gu') : null;
      if (pattern) steps.push({ step: 'delete', pattern });
    } else {
      steps.push(step); // nfkc, lowercase, map_characters, strip_accents; unknown ones are ignored
    }
  }
  const spaced = norm.spaced_letters && norm.spaced_letters.pattern
    ? regex(norm.spaced_letters.pattern, norm.spaced_letters.flags || 'g') : null;
  return { categories, steps, spaced };
}

/** The text as the patterns expect it. */
export function normalise(vocab, text) {
  let s = String(text || '');
  for (const step of vocab.steps) {
    switch (step.step) {
      case 'nfkc':
        s = s.normalize('NFKC');
        break;
      case 'lowercase':
        s = s.toLowerCase();
        break;
      case 'map_characters': {
        const map = step.map || {};
        s = Array.from(s, (c) => (Object.prototype.hasOwnProperty.call(map, c) ? map[c] : c)).join('');
        break;
      }
      case 'strip_accents':
        s = s.normalize('NFD').replace(/\p{M}/gu, '');
        break;
      case 'delete':
        s = s.replace(step.pattern, '');
        break;
      case 'leet':
        s = s.replace(step.token, (tok) => {
          if (step.only && !step.only.test(tok)) return tok;
          if (step.skip && step.skip.test(tok)) return tok;
          return Array.from(tok, (c) => (Object.prototype.hasOwnProperty.call(step.map, c) ? step.map[c] : c)).join('');
        });
        break;
      case 'replace':
        s = s.replace(step.pattern, step.with);
        break;
      default:
    }
  }
  return s;
}

/** A copy with every run of spaced-out single letters joined up, or null when there is none. */
function joinSpaced(vocab, words) {
  if (!vocab.spaced) return null;
  vocab.spaced.lastIndex = 0;
  if (!vocab.spaced.test(words)) return null;
  vocab.spaced.lastIndex = 0;
  return words.replace(vocab.spaced, (run) => run.replace(/ +/g, ''));
}

function spans(rx, subject) {
  const out = [];
  rx.lastIndex = 0;
  if (!rx.global) {
    const m = rx.exec(subject);
    if (m && m[0].length) out.push([m.index, m.index + m[0].length]);
    return out;
  }
  for (const m of subject.matchAll(rx)) {
    if (m[0].length) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

function matches(category, subject) {
  const allowed = category.allow.flatMap((rx) => spans(rx, subject));
  return category.patterns.some((rx) => spans(rx, subject)
    .some(([s, e]) => !allowed.some(([a, b]) => a <= s && e <= b)));
}

/**
 * Check a text. Returns null when nothing was found, else
 * { level, categories: [names], riskToLife: boolean }.
 */
export function checkText(vocab, text) {
  if (!vocab || !text || !String(text).trim()) return null;
  const words = normalise(vocab, text);
  const subjects = [words];
  const joined = joinSpaced(vocab, words);
  if (joined && joined !== words) subjects.push(joined);
  const found = vocab.categories.filter((cat) => subjects.some((subject) => matches(cat, subject)));
  if (!found.length) return null;
  const level = found.reduce((best, c) => (LEVELS.indexOf(c.level) > LEVELS.indexOf(best) ? c.level : best), 'none');
  return { level, categories: found.map((c) => c.name), riskToLife: found.some((c) => c.name === 'risk_to_life') };
}

/**
 * Load the vocabulary (from the server when it answers, else the copy kept on the phone).
 * Resolves to the compiled vocabulary, or null when it is not available: then skip the check.
 */
export function loadVocabulary() {
  if (!loading) {
    loading = (async () => {
      const cached = readCache();
      try {
        const res = await api('/journal/risk-vocabulary', {
          raw: true, headers: cached && cached.etag ? { 'If-None-Match': cached.etag } : {},
        });
        const data = await res.json();
        writeCache(res.headers.get('etag') || '', data);
        return compileVocabulary(data);
      } catch (err) {
        if (cached && (!(err instanceof ApiError) || err.status === 304 || err.offline || err.status >= 400)) {
          return compileVocabulary(cached.data);
        }
        return null;
      }
    })();
    // A failure is not remembered for ever: try again next time the journal opens.
    loading.then((v) => { if (!v) loading = null; });
  }
  return loading;
}
