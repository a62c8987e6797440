// The private personal-details check for forum posts: on the phone only, nothing is sent.
//
// Before a thread or reply is sent, the text is checked against the moderation engine's
// personal-details patterns (phone numbers, e-mail addresses, postcodes, addresses, where
// someone lives, schools, social media names, links), from the public
// GET /api/v1/forums/details-vocabulary (moderation/details_vocabulary.py). If something
// is found, the forum screen tells the writer kindly, with the reason, that the post will
// wait for a moderator; they may still send it (the server then holds it, as it always
// does). The forums need a connection anyway, so the words are not kept on the phone:
// when they can't load, the check is skipped quietly and the server's own check still runs.
//
// Each pattern names the view of the text it reads (see the module docstring on the
// server): "original" (as typed), "plain" (the first normalise steps) or "words" (every
// step, plus a copy with spaced-out letters joined). The steps are the risk check's own,
// so they are run by ./risk-check.js.

import { api } from './api.js';
import { compileVocabulary, normalise, regex } from './risk-check.js';

/** What each rule found, in words for the writer. */
export const DETAIL_WORDS = {
  phone: 'a phone number',
  email: 'an e-mail address',
  postcode: 'a postcode',
  address: 'an address',
  town: 'where you live',
  school: 'a school',
  social_handle: 'a social media name',
  link: 'a link',
};

/** Turn the vocabulary JSON into ready RegExps; null when it can't be used. */
export function compileDetails(data) {
  if (!data || !Array.isArray(data.patterns) || !data.views) return null;
  const flags = typeof data.flags === 'string' ? data.flags : 'g';
  // The normalise steps, compiled by the risk check (the same steps, the same code).
  const shared = compileVocabulary({
    flags, normalise: data.normalise, categories: { [data.category]: { level: data.level, patterns: data.patterns, allow: [] } },
  });
  if (!shared) return null;
  const rule = (p) => ({
    rule: String(p.rule || '').split(':').pop(),
    view: p.view,
    rx: regex(p.source, flags),
    needs: p.needs ? regex(p.needs, '') : null,
  });
  const patterns = data.patterns.map(rule).filter((p) => p.rx);
  const allow = (data.allow || []).map(rule).filter((p) => p.rx);
  const steps = (view) => shared.steps.slice(0, Number((data.views[view] || {}).steps) || 0);
  return {
    patterns,
    allow,
    steps: { plain: steps('plain'), words: steps('words') },
    spaced: data.views.words && data.views.words.spaced_letters ? shared.spaced : null,
  };
}

function spans(rx, subject) {
  rx.lastIndex = 0;
  return Array.from(subject.matchAll(rx), (m) => [m.index, m.index + m[0].length]).filter(([s, e]) => e > s);
}

/** The text in each view (the "words" view may come twice: as is and with spaced letters joined). */
function views(vocab, text) {
  const words = normalise({ steps: vocab.steps.words }, text);
  const out = { original: [text], plain: [normalise({ steps: vocab.steps.plain }, text)], words: [words] };
  if (vocab.spaced) {
    vocab.spaced.lastIndex = 0;
    if (vocab.spaced.test(words)) {
      vocab.spaced.lastIndex = 0;
      out.words.push(words.replace(vocab.spaced, (run) => run.replace(/ +/g, '')));
    }
  }
  return out;
}

/** Keep one finding where one lies wholly inside another (the engine highlights one). */
function outermost(hits) {
  const sorted = [...hits].sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const kept = [];
  let widest = null; // [start, end] of the finding that reaches furthest so far
  for (const hit of sorted) {
    if (!widest || hit[1] > widest[1] || (hit[0] === widest[0] && hit[1] === widest[1])) {
      kept.push(hit);
      if (!widest || hit[1] > widest[1]) widest = [hit[0], hit[1]];
    }
  }
  return kept;
}

/**
 * Check a text. Returns null when nothing was found, else
 * { rules: ['phone', 'school', …] (in text order), reasons: ['a phone number', …] }.
 */
export function checkDetails(vocab, text) {
  if (!vocab || !text || !String(text).trim()) return null;
  const seen = views(vocab, String(text));
  const allowed = vocab.allow.flatMap((a) => (seen[a.view] || []).slice(0, 1).flatMap((s) => spans(a.rx, s)));
  const hits = [];
  for (const p of vocab.patterns) {
    for (const subject of seen[p.view] || []) {
      if (p.needs && !p.needs.test(subject)) continue;
      for (const [s, e] of spans(p.rx, subject)) {
        if (!allowed.some(([a, b]) => a <= s && e <= b)) hits.push([s, e, p.rule]);
      }
    }
  }
  const found = [...new Set(outermost(hits).map((hit) => hit[2]))];
  if (!found.length) return null;
  return { rules: found, reasons: [...new Set(found.map((r) => DETAIL_WORDS[r] || 'personal details'))] };
}

let loading = null;

/** The compiled vocabulary, or null when it can't be had (then skip the check). */
export function loadDetailsVocabulary() {
  if (!loading) {
    loading = api('/forums/details-vocabulary').then(compileDetails).catch(() => null);
    loading.then((v) => { if (!v) loading = null; }); // try again next time
  }
  return loading;
}

/** "a phone number, a school and a social media name". */
export function listInWords(items) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
