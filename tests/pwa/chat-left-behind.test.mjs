import { goOffline, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

// The chat keeps un-acknowledged messages in sessionStorage (chat-connection.js).
globalThis.sessionStorage = window.sessionStorage;
const { sendLeftBehind } = await import('../../pwa/js/chat-connection.js');

const KEY = 'waymark.chat.outbox';
const CSRF = { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] };

let server;
afterEach(async () => {
  if (server) await server.close();
  server = null;
  sessionStorage.clear();
});

const waiting = () => JSON.parse(sessionStorage.getItem(KEY) || '[]');
const leave = (...items) => sessionStorage.setItem(KEY, JSON.stringify(items.map((id) => ({
  client_id: id, session_id: 's1', body: `message ${id}`, created_at: new Date().toISOString() }))));

async function until(check, ms = 15000) {
  const end = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < end, 'timed out');
    await new Promise((r) => { setTimeout(r, 100); });
  }
}

test('messages a closed chat screen left behind are sent in order, with their client_id, and forgotten', async () => {
  leave('m1', 'm2');
  server = await startApi(({ url }) => (url === '/api/v1/councils' ? CSRF : { status: 201, body: { seq: 1 } }));
  assert.equal(await sendLeftBehind(), 2);
  const posts = server.requests.filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((r) => [r.url, r.body]), [
    ['/api/v1/chat/sessions/s1/messages', { body: 'message m1', client_id: 'm1' }],
    ['/api/v1/chat/sessions/s1/messages', { body: 'message m2', client_id: 'm2' }]]);
  assert.deepEqual(waiting(), []);
});

test('while the server is down they wait, and are sent by themselves once it is back', async () => {
  leave('d1');
  goOffline();
  assert.equal(await sendLeftBehind(), 0);
  assert.deepEqual(waiting().map((i) => i.client_id), ['d1']);
  server = await startApi(({ url }) => (url === '/api/v1/councils' ? CSRF : { status: 201, body: { seq: 2 } }));
  await until(() => waiting().length === 0);
  assert.deepEqual(server.requests.filter((r) => r.method === 'POST').map((r) => r.body.client_id), ['d1']);
});

test('a refusal (the chat ended) is kept, marked, never dropped silently nor sent again and again', async () => {
  leave('e1', 'e2');
  server = await startApi(({ url, body }) => {
    if (url === '/api/v1/councils') return CSRF;
    if (body.client_id === 'e1') {
      return { status: 409, headers: { 'content-type': 'application/problem+json' },
        body: { status: 409, detail: 'This chat has ended.', code: 'ended' } };
    }
    return { status: 201, body: { seq: 3 } };
  });
  assert.equal(await sendLeftBehind(), 1);
  assert.deepEqual(waiting().map((i) => [i.client_id, i.refused]), [['e1', true]]);
  assert.equal(await sendLeftBehind(), 0);
  assert.equal(server.requests.filter((r) => r.method === 'POST').length, 2);
});
