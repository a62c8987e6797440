import { goOffline, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

const { sendOrQueue, listOutbox, flushOutbox, removeFromOutbox } = await import('../../pwa/js/outbox.js');

let server;
afterEach(async () => {
  if (server) await server.close();
  server = null;
  for (const item of await listOutbox()) await removeFromOutbox(item.client_id);
});

const entry = (id, kind = 'journal') => ({ kind, path: '/journal', label: 'A journal entry', body: { body: `entry ${id}`, client_id: id } });

test('online: sent at once, nothing kept', async () => {
  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 201, body: { id: 'j1' } }));
  const result = await sendOrQueue(entry('a1'));
  assert.deepEqual(result, { sent: true, result: { id: 'j1' } });
  assert.equal((await listOutbox()).length, 0);
});

test('offline: kept, then sent once each, oldest first, with the same client_id', async () => {
  goOffline();
  assert.deepEqual(await sendOrQueue(entry('b1')), { queued: true });
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(await sendOrQueue(entry('b2')), { queued: true });
  assert.deepEqual((await listOutbox()).map((i) => i.client_id), ['b1', 'b2']);

  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 201, body: { id: 'x' } }));
  const [first, second] = await Promise.all([flushOutbox(), flushOutbox()]); // one flush at a time
  assert.equal(first, 2);
  assert.equal(second, 2);
  const posts = server.requests.filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((r) => r.body.client_id), ['b1', 'b2']);
  assert.equal((await listOutbox()).length, 0);
});

test('a server error keeps the item for later; a refusal keeps it marked, never silently dropped', async () => {
  goOffline();
  await sendOrQueue(entry('c1'));
  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 503, headers: { 'content-type': 'application/problem+json' }, body: { status: 503, detail: 'down' } }));
  assert.equal(await flushOutbox(), 0);
  assert.equal((await listOutbox())[0].failed, undefined);
  await server.close();
  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 400, headers: { 'content-type': 'application/problem+json' }, body: { status: 400, detail: 'That entry is too long.' } }));
  assert.equal(await flushOutbox(), 0);
  const [kept] = await listOutbox();
  assert.equal(kept.client_id, 'c1');
  assert.equal(kept.failed, 'That entry is too long.');
});
