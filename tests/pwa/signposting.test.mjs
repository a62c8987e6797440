import './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { openBadge } = await import('../../pwa/js/screens/services.js');
const { todayInLondon } = await import('../../pwa/js/staff/council/service-form.js');

test('a service card never says "Closed now" when its hours are unknown', () => {
  assert.equal(openBadge({ open_now: true }).textContent.trim(), '● Open now');
  assert.equal(openBadge({ open_now: false }).textContent.trim(), '○ Closed now');
  const unknown = openBadge({ open_now: null, hours_note: 'Check their website for times.' });
  assert.equal(unknown.textContent, 'Check their website for times.');
  assert.ok(!unknown.classList.contains('badge-closed'));
  assert.equal(openBadge({}).textContent, 'Check their website for times.');
});

test('"Reviewed" is today in London, across the clock changes', () => {
  assert.equal(todayInLondon(new Date('2026-03-28T23:30:00Z')), '2026-03-28'); // 23:30 GMT
  assert.equal(todayInLondon(new Date('2026-03-29T23:30:00Z')), '2026-03-30'); // 00:30 BST
  assert.equal(todayInLondon(new Date('2026-10-24T23:30:00Z')), '2026-10-25'); // 00:30 BST
  assert.equal(todayInLondon(new Date('2026-10-25T23:30:00Z')), '2026-10-25'); // 23:30 GMT
});
