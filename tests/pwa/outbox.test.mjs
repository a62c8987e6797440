import { goOffline, startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

const { sendOrQueue, listOutbox, flushOutbox, removeFromOutbox, countSealed } = await import('../../pwa/js/outbox.js');
const { refreshDeviceKeys, forgetDeviceKeys, KEYS_DB } = await import('../../pwa/js/device-key.js');

let server;
afterEach(async () => {
  if (server) await server.close();
  server = null;
  await useKey(KEY_A);
  for (const item of await listOutbox()) await removeFromOutbox(item.client_id);
});

const KEY_A = 'QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE'; // 32 bytes, urlsafe base64
const KEY_B = 'QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI';

/** Give the phone this person's journal key (GET /journal/device-key), as a log-in does. */
async function useKey(key) {
  const keys = await startApi(() => ({ body: { keys: [{ id: 'k1', key }] } }));
  forgetDeviceKeys();
  assert.equal(await refreshDeviceKeys(), true);
  await keys.close();
}

/** Log-out and Quick exit: the keys go, the outbox stays. */
async function dropKeys() {
  forgetDeviceKeys();
  await new Promise((resolve) => { const r = indexedDB.deleteDatabase(KEYS_DB); r.onsuccess = r.onerror = resolve; });
}

function rawOutbox() {
  return new Promise((resolve) => {
    const req = indexedDB.open('waymark-outbox', 1);
    req.onsuccess = () => {
      const all = req.result.transaction('items').objectStore('items').getAll();
      all.onsuccess = () => { req.result.close(); resolve(all.result); };
    };
  });
}

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
  await useKey(KEY_A);
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
  await useKey(KEY_A);
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

test('what waits is sealed on the phone, locked without the key, and never sent under another key', async () => {
  await useKey(KEY_A);
  goOffline();
  assert.deepEqual(await sendOrQueue(entry('d1')), { queued: true });
  const [stored] = await rawOutbox();
  assert.deepEqual(Object.keys(stored).sort(), ['client_id', 'created_at', 'kind', 'sealed']);
  assert.doesNotMatch(JSON.stringify(stored), /entry d1|\/journal/);

  // Log-out or Quick exit: the key goes; the item stays, unreadable and unsent.
  await dropKeys();
  assert.equal((await listOutbox()).length, 0);
  assert.equal(await countSealed(), 1);
  assert.equal(await flushOutbox(), 0);

  // Someone else logs in: their key can't open it, so it is neither shown nor sent.
  await useKey(KEY_B);
  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 201, body: { id: 'x' } }));
  assert.equal((await listOutbox()).length, 0);
  assert.equal(await flushOutbox(), 0);
  assert.equal(server.requests.filter((r) => r.method === 'POST').length, 0);
  await server.close();
  server = null;

  // Its owner logs in again: opened and sent once, with its own client_id.
  await useKey(KEY_A);
  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 201, body: { id: 'x' } }));
  assert.deepEqual((await listOutbox()).map((i) => i.body.body), ['entry d1']);
  assert.equal(await flushOutbox(), 1);
  assert.deepEqual(server.requests.filter((r) => r.method === 'POST').map((r) => r.body), [{ body: 'entry d1', client_id: 'd1' }]);
  assert.equal(await countSealed(), 0);
});

test("with no key on the phone, an offline write says it can't be kept (never stored in the clear)", async () => {
  await dropKeys();
  goOffline();
  await assert.rejects(sendOrQueue(entry('e1')), /can't save it for later/);
  assert.equal(await countSealed(), 0);
});

/** Wait until `check()` is true (polling), or fail after `ms`. */
async function until(check, ms = 15000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < end, 'timed out');
    await new Promise((r) => { setTimeout(r, 100); });
  }
}

test('the server was down and is back (no `online` event): what waits is sent by itself, once', async () => {
  await useKey(KEY_A);
  goOffline(); // connections refused, as by a server that is down; the phone still says it is online
  assert.notEqual(navigator.onLine, false);
  assert.deepEqual(await sendOrQueue(entry('r1')), { queued: true });
  assert.deepEqual((await listOutbox()).map((i) => i.client_id), ['r1']);

  server = await startApi(({ url }) => (url === '/api/v1/councils'
    ? { headers: { 'set-cookie': 'csrftoken=t; Path=/', 'content-type': 'application/json' }, body: [] }
    : { status: 201, body: { id: 'x' } }));
  // nobody calls flushOutbox and no `online` event fires: the outbox tries again on its own
  await until(async () => (await listOutbox()).length === 0);
  await new Promise((r) => { setTimeout(r, 3500); }); // and does not send it again later
  const posts = server.requests.filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((r) => r.body.client_id), ['r1']);
});
