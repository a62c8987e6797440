// "Suggested for you" on the home screen: a few library articles picked ON THIS PHONE from
// the young person's own recent check-ins and library searches. Nothing is sent for it and
// nothing is counted: the article list is the public one (GET /articles), the check-ins
// are the person's own (GET /mood, already theirs to read), and what a search was about is
// kept only as topic names, on this phone, for 14 days (never the words typed).
//
// localStorage "waymark.libraryTopics": [{topic, at}] (at most 20), written only while a
// young person is signed in; log-out and Quick exit wipe it with the rest of localStorage.

const STORE_KEY = 'waymark.libraryTopics';
const KEEP_DAYS = 14;
const MAX_KEPT = 20;
const DAY_MS = 86400000;
/** How many suggestions the home screen shows. */
export const SUGGESTIONS = 3;

/**
 * Feeling words of a check-in (GET /mood/feelings slugs) and the library topics that may
 * help with them. Good feelings suggest nothing.
 */
export const FEELING_TOPICS = {
  worried: ['anxiety'],
  scared: ['anxiety'],
  stressed: ['exams-and-stress', 'anxiety'],
  sad: ['low-mood'],
  numb: ['low-mood'],
  lonely: ['loneliness', 'friendships'],
  angry: ['anger'],
  tired: ['sleep'],
};
/** A check-in of "Really bad" (1) or "Not great" (2) with no feeling words. */
const LOW_SCORE_TOPICS = ['low-mood'];

function readKept(now) {
  try {
    const raw = JSON.parse(localStorage.getItem(STORE_KEY) || '[]');
    return (Array.isArray(raw) ? raw : [])
      .filter((s) => s && typeof s.topic === 'string' && Number.isFinite(s.at) && now - s.at < KEEP_DAYS * DAY_MS);
  } catch {
    return [];
  }
}

/**
 * Remember what a search was about: the topics its first results share (not the words).
 * Only for a signed-in young person (the caller decides).
 */
export function noteSearchResults(items, now = Date.now()) {
  const counts = new Map();
  for (const a of (items || []).slice(0, 3)) {
    for (const t of a.topics || []) counts.set(t, (counts.get(t) || 0) + 1);
  }
  if (!counts.size) return;
  const best = Math.max(...counts.values());
  const topics = [...counts].filter(([, n]) => n === best).map(([t]) => t).slice(0, 2);
  const kept = [...readKept(now), ...topics.map((topic) => ({ topic, at: now }))].slice(-MAX_KEPT);
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(kept));
  } catch { /* storage off or full: no suggestions from searches, that's all */ }
}

/** Topic weights from kept searches and check-ins ({recorded_at, score, feelings}); newer weigh more. */
export function topicWeights({ moods = [], searches = null, now = Date.now() } = {}) {
  const weights = new Map();
  const add = (topic, at, base) => {
    const age = Math.max(0, (now - at) / DAY_MS);
    if (age >= KEEP_DAYS) return;
    weights.set(topic, (weights.get(topic) || 0) + base * (1 - age / KEEP_DAYS));
  };
  for (const s of searches ?? readKept(now)) add(s.topic, s.at, 1.5);
  for (const m of moods || []) {
    const at = new Date(m.recorded_at).getTime();
    if (!Number.isFinite(at)) continue;
    const topics = (m.feelings || []).flatMap((f) => FEELING_TOPICS[f] || []);
    if (!topics.length && m.score <= 2) topics.push(...LOW_SCORE_TOPICS);
    for (const t of new Set(topics)) add(t, at, 1);
  }
  return weights;
}

/**
 * The few most helpful articles for these weights: the most weight from their topics,
 * then the shorter read, then the title. Articles with no weighted topic are never shown.
 */
export function suggestArticles(articles, weights, count = SUGGESTIONS) {
  return (articles || [])
    .map((a) => ({ a, score: (a.topics || []).reduce((sum, t) => sum + (weights.get(t) || 0), 0) }))
    .filter((x) => x.score > 0)
    .sort((x, y) => y.score - x.score || (x.a.reading_minutes || 99) - (y.a.reading_minutes || 99)
      || String(x.a.title).localeCompare(String(y.a.title)))
    .slice(0, count)
    .map((x) => x.a);
}
