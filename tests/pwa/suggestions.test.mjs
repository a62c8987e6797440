import './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { topicWeights, suggestArticles, FEELING_TOPICS } = await import('../../pwa/js/suggestions.js');

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 86400000;
const ARTICLES = [
  { slug: 'sleep-better', title: 'Sleep better', topics: ['sleep'], reading_minutes: 4 },
  { slug: 'worry-time', title: 'Worry time', topics: ['anxiety'], reading_minutes: 3 },
  { slug: 'panic', title: 'Panic attacks', topics: ['anxiety'], reading_minutes: 5 },
  { slug: 'exam-stress', title: 'Exam stress', topics: ['exams-and-stress', 'anxiety'], reading_minutes: 6 },
  { slug: 'friends', title: 'Making friends', topics: ['friendships'], reading_minutes: 4 },
];

test('good feelings suggest nothing; worried and tired suggest their topics', () => {
  assert.deepEqual(suggestArticles(ARTICLES, topicWeights({ moods: [
    { recorded_at: new Date(NOW - DAY).toISOString(), score: 5, feelings: ['happy', 'calm'] }], searches: [], now: NOW })), []);
  const picked = suggestArticles(ARTICLES, topicWeights({ moods: [
    { recorded_at: new Date(NOW - DAY).toISOString(), score: 2, feelings: ['worried'] }], searches: [], now: NOW }));
  assert.deepEqual(picked.map((a) => a.slug), ['worry-time', 'panic', 'exam-stress']); // shorter reads first
  assert.deepEqual(FEELING_TOPICS.tired, ['sleep']);
});

test('at most three, the most weight first; old signals fade and then count for nothing', () => {
  const weights = topicWeights({
    moods: [{ recorded_at: new Date(NOW - 13 * DAY).toISOString(), score: 3, feelings: ['tired'] }],
    searches: [{ topic: 'anxiety', at: NOW - DAY }, { topic: 'exams-and-stress', at: NOW - 2 * DAY }],
    now: NOW,
  });
  const picked = suggestArticles(ARTICLES, weights);
  assert.equal(picked.length, 3);
  assert.equal(picked[0].slug, 'exam-stress'); // two weighted topics
  assert.ok(weights.get('sleep') < weights.get('anxiety'));
  const stale = topicWeights({ moods: [{ recorded_at: new Date(NOW - 15 * DAY).toISOString(), score: 1, feelings: ['sad'] }],
    searches: [{ topic: 'sleep', at: NOW - 20 * DAY }], now: NOW });
  assert.equal(stale.size, 0);
});

test('a low check-in with no words suggests feeling-low reads', () => {
  const w = topicWeights({ moods: [{ recorded_at: new Date(NOW).toISOString(), score: 1, feelings: [] }], searches: [], now: NOW });
  assert.deepEqual([...w.keys()], ['low-mood']);
});
