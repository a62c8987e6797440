// The private risk check for the journal: on the phone only, nothing is sent.
//
// When a journal entry or a mood note has words that suggest the writer may be at risk,
// the journal kindly offers to talk to someone. The words are the moderation engine's
// risk-to-life, danger-from-others and self-harm patterns and its small learned model,
// from GET /api/v1/journal/risk-vocabulary (public, not personal). They are kept in
// localStorage (with the ETag) so the check also works offline; when they have never
// loaded, the check is skipped quietly.
//
// checkText() follows the vocabulary's own description: normalise the text step by step
// (NFKC, lower case, look-alike letters, accents, invisible characters, l33t inside words,
// clause ends to newlines, separators to spaces), also test a copy with spaced-out letters
// joined ("k i l l" → "kill"), and count a pattern's match unless it lies wholly inside
// one of its category's allow patterns or is dampened (negated, a story, a game, a song in
// its own clause). Then the learned model (moderation/model.py, mirrored in scoreModel())
// finds a category when its probability reaches the category's threshold.

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
    } else if (step.step === 'replace' || step.step === 'clause') {
      const pattern = regex(step.pattern, step.flags || 'g');
      if (pattern) steps.push({ step: step.step, pattern, with: step.with ?? ' ' });
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
  const d = data.dampen || {};
  const list = (xs) => (Array.isArray(xs) ? xs : []).map((src) => regex(src, '')).filter(Boolean);
  const dampen = {
    categories: new Set(Array.isArray(d.categories) ? d.categories : []),
    before: list(d.before), after: list(d.after), clause: list(d.clause),
    storyBefore: list(d.story_before), storyClause: list(d.story_clause), unless: list(d.unless),
    learnedKeep: typeof d.learned_keep === 'number' ? d.learned_keep : 1,
    turn: d.turn ? regex(d.turn, 'g') : null,
  };
  return { categories, steps, spaced, dampen, model: compileModel(data.model) };
}

function compileModel(m) {
  if (!m || !Array.isArray(m.categories) || !m.weights || typeof m.weights !== 'object') return null;
  const token = regex(m.token || "[a-z0-9']+", 'g');
  const run = regex(m.run || '([a-z])\\1\\1+', 'g');
  if (!token || !run) return null;
  return {
    categories: m.categories,
    bias: m.bias,
    weights: new Map(Object.entries(m.weights)),
    canon: new Map(Object.entries(m.canon || {})),
    thresholds: m.thresholds || {},
    thresholdsLong: m.thresholds_long || {},
    window: m.window || 10,
    charMin: m.char_min || 5,
    token,
    run,
  };
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
      case 'clause':
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

/** The clause (between newlines, and words such as "but") around subject[s:e]. */
function clauseOf(d, subject, s, e) {
  let a = subject.lastIndexOf('\n', s - 1) + 1;
  let b = subject.indexOf('\n', e);
  if (b < 0) b = subject.length;
  if (d.turn) {
    for (const m of subject.slice(a, b).matchAll(d.turn)) {
      const ms = a + m.index;
      const me = ms + m[0].length;
      if (me <= s) a = me;
      else if (ms >= e) { b = ms; break; }
    }
  }
  return [a, b];
}

/** Whether the match subject[s:e] is negated or not real in its own clause. */
function dampened(d, subject, s, e) {
  const [a, b] = clauseOf(d, subject, s, e);
  const before = subject.slice(a, s);
  const after = subject.slice(e, b);
  const clause = subject.slice(a, b);
  if (d.before.some((rx) => rx.test(before)) || d.after.some((rx) => rx.test(after))
    || d.clause.some((rx) => rx.test(clause))) return true;
  // a story (the past, recovery, someone else's words, a song) only while its clause doesn't
  // say it is the author's now (moderation/engine.py, dampened)
  const story = d.storyBefore.some((rx) => rx.test(before)) || d.storyClause.some((rx) => rx.test(clause));
  return story && !d.unless.some((rx) => rx.test(clause));
}

function matches(category, subject, d) {
  const allowed = category.allow.flatMap((rx) => spans(rx, subject));
  const damp = d && d.categories.has(category.name);
  return category.patterns.some((rx) => spans(rx, subject)
    .some(([s, e]) => !allowed.some(([a, b]) => a <= s && e <= b) && !(damp && dampened(d, subject, s, e))));
}

/** The model's features that end at token i (moderation/model.py token_features). */
function tokenFeatures(toks, i, charMin) {
  const t = toks[i].t;
  const feats = [`w:${t}`];
  if (!toks[i].starts) {
    feats.push(`b:${toks[i - 1].t} ${t}`);
    if (i > 1 && !toks[i - 1].starts) feats.push(`t:${toks[i - 2].t} ${toks[i - 1].t} ${t}`);
  }
  if (t.length >= charMin) {
    const p = `<${t}>`;
    for (let j = 0; j + 4 <= p.length; j += 1) feats.push(`c:${p.slice(j, j + 4)}`);
  }
  return feats;
}

const NGRAM_LEN = { w: 1, c: 1, b: 2, t: 3 };

/** {category: probability} of the learned model for the normalised text (its best stretch). */
export function scoreModel(m, words) {
  const toks = [];
  let prevEnd = 0;
  m.token.lastIndex = 0;
  for (const match of words.matchAll(m.token)) {
    let t = match[0].replace(/'/g, '');
    if (!t) continue;
    if (t.length > 2) t = t.replace(m.run, '$1');
    if (m.canon.has(t)) t = m.canon.get(t);
    if (t === 'killmyself' && match[0] === 'kms' && toks.length && /^[0-9]/.test(toks[toks.length - 1].t)) t = 'km';
    toks.push({
      t, start: match.index, end: match.index + match[0].length,
      starts: !toks.length || words.slice(prevEnd, match.index).includes('\n'),
    });
    prevEnd = match.index + match[0].length;
  }
  const k = m.categories.length;
  const n = toks.length;
  const parts = [0, 1, 2].map(() => toks.map(() => new Array(k).fill(0)));
  const hits = toks.map(() => []);
  for (let i = 0; i < n; i += 1) {
    for (const f of tokenFeatures(toks, i, m.charMin)) {
      const v = m.weights.get(f);
      if (v) {
        const row = parts[NGRAM_LEN[f[0]] - 1][i];
        for (let j = 0; j < k; j += 1) row[j] += v[j];
        hits[i].push([f, v]);
      }
    }
  }
  const out = {};
  m.categories.forEach((cat, j) => {
    // as moderation/model.py best_stretch(): sum(a, b) = E[b] - S[a], same additions in the same order
    const [pu, pb, pt] = parts.map((part) => {
      const acc = [0];
      for (const row of part) acc.push(acc[acc.length - 1] + row[j]);
      return acc;
    });
    const E = [];
    const S = [];
    for (let i = 0; i < n; i += 1) {
      E.push((pu[i + 1] + pb[Math.min(i + 2, n)]) + pt[Math.min(i + 3, n)]);
      S.push((pu[i] + pb[i]) + pt[i]);
    }
    let best = -Infinity;
    let ab = [0, 0];
    for (let a = 0; a < n; a += 1) {
      let mx = -Infinity;
      let at = a;
      for (let e = a; e < Math.min(n, a + m.window); e += 1) if (E[e] > mx) { mx = E[e]; at = e; }
      if (mx - S[a] > best) { best = mx - S[a]; ab = [a, at]; }
    }
    if (!n) best = 0;
    const x = m.bias[j] + best;
    const p = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    out[cat] = { p, span: n ? explainSpan(toks, hits, ab, j) : [0, 0] };
  });
  return out;
}

/** The text the strongest word n-grams touching the stretch cover (model.py _explain). */
function explainSpan(toks, hits, [a, b], j) {
  const n = toks.length;
  const ranked = [];
  for (let i = a; i < Math.min(n, b + 3); i += 1) {
    for (const [f, v] of hits[i]) {
      const len = { w: 1, b: 2, t: 3 }[f[0]];
      if (v[j] > 0 && len && i - len + 1 <= b) ranked.push([v[j], Math.max(0, i - len + 1), i]);
    }
  }
  if (!ranked.length) return [toks[a].start, toks[b].end];
  ranked.sort((x, y) => y[0] - x[0]);
  const top = ranked.slice(0, 3);
  return [toks[Math.min(...top.map((r) => r[1]))].start, toks[Math.max(...top.map((r) => r[2]))].end];
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
  const found = vocab.categories.filter((cat) => subjects.some((subject) => matches(cat, subject, vocab.dampen)));
  if (vocab.model) {
    const scores = scoreModel(vocab.model, words);
    const d = vocab.dampen;
    const nWords = words.split(/\s+/).filter(Boolean).length;
    for (const cat of vocab.categories) {
      const long = vocab.model.thresholdsLong[cat.name];
      const t = Array.isArray(long) && nWords >= long[0] ? long[1] : vocab.model.thresholds[cat.name];
      const sc = scores[cat.name];
      if (typeof t !== 'number' || !sc || sc.p < t || found.includes(cat)) continue;
      const [s, e] = sc.span;
      if (sc.p < d.learnedKeep && d.categories.has(cat.name) && dampened(d, words, s, e)) continue;
      found.push(cat);
    }
  }
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
