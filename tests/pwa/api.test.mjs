import { clearCookies, goOffline, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

const { api, ApiError, errorMessage, fieldErrors, OFFLINE_MESSAGE } = await import('../../pwa/js/api.js');

let server;
afterEach(async () => {
  if (server) await server.close();
  server = null;
  clearCookies();
});

test('a GET sends no CSRF header; a POST first fetches the cookie, then sends it back as x-csrftoken', async () => {
  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'content-type': 'application/json', 'set-cookie': 'csrftoken=tok123; Path=/' }, body: [] }
    : { status: 201, body: { id: 'abc' } }));
  assert.deepEqual(await api('/topics'), { id: 'abc' });
  assert.equal(server.requests[0].headers['x-csrftoken'], undefined);
  const made = await api('/journal', { method: 'POST', body: { body: 'hello' } });
  assert.deepEqual(made, { id: 'abc' });
  const post = server.requests.at(-1);
  assert.equal(post.method, 'POST');
  assert.equal(post.url, '/api/v1/journal');
  assert.equal(post.headers['x-csrftoken'], 'tok123');
  assert.equal(post.headers['content-type'], 'application/json');
  assert.deepEqual(post.body, { body: 'hello' });
  assert.ok(server.requests.some((r) => r.url === '/api/v1/councils'));
});

test('query parameters: empty and false ones are left out, true is "true"', async () => {
  server = await startApi(() => ({ body: { items: [], total: 0 } }));
  await api('/articles', { query: { topic: 'exams', q: '', open_now: true, x: false, y: null } });
  assert.equal(server.requests[0].url, '/api/v1/articles?topic=exams&open_now=true');
});

test('problem details become an ApiError with status, code, detail and Retry-After', async () => {
  server = await startApi(() => ({
    status: 429,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '120' },
    body: { status: 429, detail: 'Slow down a little.', code: 'throttled' },
  }));
  await assert.rejects(api('/auth/login', { method: 'POST', body: {} }), (err) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'throttled');
    assert.equal(err.detail, 'Slow down a little.');
    assert.equal(err.retryAfter, 120);
    assert.equal(errorMessage(err), 'Too many tries. Please wait 2 minutes.');
    return true;
  });
});

test('a 204 answers null; a 401 tells the app to sign in again', async () => {
  server = await startApi(({ url }) => (url.endsWith('/logout') ? { status: 204 }
    : { status: 401, headers: { 'content-type': 'application/problem+json' }, body: { status: 401, detail: 'Log in first.' } }));
  assert.equal(await api('/auth/logout', { method: 'POST' }), null);
  let told = 0;
  window.addEventListener('waymark:unauthorised', () => { told += 1; });
  await assert.rejects(api('/me'), (err) => err.status === 401);
  assert.equal(told, 1);
});

test('a lost connection is an offline ApiError with the kind offline words', async () => {
  goOffline();
  await assert.rejects(api('/me'), (err) => {
    assert.equal(err.offline, true);
    assert.equal(err.status, 0);
    assert.equal(errorMessage(err), OFFLINE_MESSAGE);
    return true;
  });
});

test('field errors from either shape of extra', () => {
  assert.deepEqual(fieldErrors({ extra: [{ key: 'body.username', message: 'Too short' }] }), { username: 'Too short' });
  assert.deepEqual(fieldErrors({ extra: { password: ['Too weak'], code: 'x' } }), { password: 'Too weak', code: 'x' });
  assert.deepEqual(fieldErrors(null), {});
});
