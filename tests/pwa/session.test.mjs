import { clearCookies, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

const { loadUser, SIGNED_IN_HINT } = await import('../../pwa/js/session.js');

const USER = { id: 'u1', username: 'sky', role: 'young_person', council_code: 'E06000044' };
let server;
afterEach(async () => {
  if (server) await server.close();
  server = null;
  clearCookies();
  localStorage.clear();
});

const meAnswers = (status) => ({ url }) => (url === '/api/v1/me'
  ? (status === 200 ? { body: USER } : { status, headers: { 'content-type': 'application/problem+json' },
    body: { status, code: 'not_signed_in', detail: 'Sign in first.' } })
  : { status: 404 });

test('with no signed-in hint and nobody remembered, the server is not asked who we are', async () => {
  server = await startApi(meAnswers(401));
  assert.equal(await loadUser(), null);
  assert.equal(server.requests.length, 0);
});

test('with the hint, /me is asked and the user remembered', async () => {
  server = await startApi(meAnswers(200));
  document.cookie = `${SIGNED_IN_HINT}=1`;
  assert.deepEqual(await loadUser(), USER);
  assert.deepEqual(server.requests.map((r) => r.url), ['/api/v1/me']);
  assert.equal(JSON.parse(localStorage.getItem('waymark.user')).username, 'sky');
});

test('a hint that outlived its session is dropped after the 401, so the next start asks nothing', async () => {
  server = await startApi(meAnswers(401));
  document.cookie = `${SIGNED_IN_HINT}=1`;
  assert.equal(await loadUser(), null);
  assert.ok(!document.cookie.includes(`${SIGNED_IN_HINT}=1`));
  assert.equal(await loadUser(), null);
  assert.equal(server.requests.length, 1);
});

test('someone remembered on this phone (signed in before the hint existed) is still asked about', async () => {
  server = await startApi(meAnswers(200));
  localStorage.setItem('waymark.user', JSON.stringify(USER));
  assert.deepEqual(await loadUser(), USER);
  assert.equal(server.requests.length, 1);
});
