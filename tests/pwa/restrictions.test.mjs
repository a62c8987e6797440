import './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { ApiError, errorMessage } = await import('../../pwa/js/api.js');
const { endOfLondonDay } = await import('../../pwa/js/staff/moderation/restrictions.js');
const { endWords } = await import('../../pwa/js/screens/restrictions.js');

test('a suspension explains itself with its kind words; any other 403 stays generic', () => {
  const words = "For now, you can't post, reply, react or report on the boards. You can still use your journal.";
  assert.equal(errorMessage(new ApiError({ status: 403, code: 'suspended', detail: words })), words);
  assert.equal(errorMessage(new ApiError({ status: 403, code: 'forbidden', detail: 'Not for you' })),
    "Sorry, you can't do that with this account.");
  assert.equal(errorMessage(new ApiError({ status: 403, code: 'suspended', detail: '' })),
    "Sorry, you can't do that with this account.");
});

test('an end date means the end of that day in London, in winter and in summer time', () => {
  assert.equal(endOfLondonDay('2026-12-03'), '2026-12-03T23:59:00.000Z');
  assert.equal(endOfLondonDay('2026-07-01'), '2026-07-01T22:59:00.000Z');
});

test('the young person reads when it ends, or that there is no end yet', () => {
  assert.match(endWords(null), /No end date/);
  assert.match(endWords('2030-12-03T23:59:00Z'), /^It ends on Tuesday 3 December at 23:59\.$/);
});
