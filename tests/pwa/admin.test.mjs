import { clearCookies, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

const { api, ApiError } = await import('../../pwa/js/api.js');
const { shown } = await import('../../pwa/js/staff/screens/figures.js');

let server;
afterEach(async () => {
  if (server) await server.close();
  server = null;
  clearCookies();
});

test('a temporary password or missing staff MFA is announced as a first step, not a sign-out', async () => {
  const seen = [];
  const onStep = (event) => seen.push(event.detail.code);
  const onOut = () => seen.push('unauthorised');
  window.addEventListener('waymark:first-step', onStep);
  window.addEventListener('waymark:unauthorised', onOut);
  let answer = 'password_change_required';
  server = await startApi(() => ({ status: 403, headers: { 'content-type': 'application/problem+json' },
    body: { status: 403, detail: 'Please choose a new password first.', code: answer } }));
  await assert.rejects(api('/me'), (err) => err instanceof ApiError && err.code === 'password_change_required');
  answer = 'mfa_setup_required';
  await assert.rejects(api('/moderation/queue'), (err) => err.status === 403);
  answer = 'forbidden';
  await assert.rejects(api('/admin/staff'), (err) => err.status === 403);
  window.removeEventListener('waymark:first-step', onStep);
  window.removeEventListener('waymark:unauthorised', onOut);
  assert.deepEqual(seen, ['password_change_required', 'mfa_setup_required']);
});

test('figures: counts under 5 read as "fewer than 5", missing ones as not enough data', () => {
  assert.equal(shown('<5'), 'fewer than 5');
  assert.equal(shown(1234), '1,234');
  assert.equal(shown(12, ' min'), '12 min');
  assert.equal(shown(0), '0');
  assert.equal(shown(null), 'not enough data');
});
