import { startApi } from './setup.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { ScreenTurns, every, later, parseHash } = await import('../../pwa/js/navigation.js');
const { ChatConnection } = await import('../../pwa/js/chat-connection.js');

const tick = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Wait until `check()` is true (or fail after a few seconds). */
async function until(check, what) {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await tick(20);
  }
  assert.fail(`waited too long for ${what}`);
}

test('showing a screen aborts the signal of the one before it, and only that one', () => {
  const turns = new ScreenTurns();
  const first = turns.next();
  assert.equal(first.signal.aborted, false);
  assert.equal(first.isCurrent(), true);
  const second = turns.next();
  assert.equal(first.signal.aborted, true);
  assert.equal(first.isCurrent(), false);
  assert.equal(second.signal.aborted, false);
  assert.equal(second.isCurrent(), true);
  assert.notEqual(first.signal, second.signal);
  const third = turns.next(); // the same screen drawn again is a new turn too
  assert.equal(second.signal.aborted, true);
  assert.equal(third.isCurrent(), true);
});

test('a listener given the screen signal hears nothing once the screen is left', () => {
  const turns = new ScreenTurns();
  const screen = turns.next();
  let heard = 0;
  window.addEventListener('waymark:test', () => { heard += 1; }, { signal: screen.signal });
  window.dispatchEvent(new Event('waymark:test'));
  assert.equal(heard, 1);
  turns.next();
  window.dispatchEvent(new Event('waymark:test'));
  assert.equal(heard, 1);
});

test('every() repeats while the screen is shown and stops when it is left', async () => {
  const turns = new ScreenTurns();
  const screen = turns.next();
  let calls = 0;
  every(screen.signal, () => { calls += 1; }, 5);
  await until(() => calls >= 2, 'two calls');
  turns.next();
  const atLeave = calls;
  await tick(60);
  assert.equal(calls, atLeave);
  // Started on a screen already left: never runs.
  let never = 0;
  every(screen.signal, () => { never += 1; }, 5);
  later(screen.signal, () => { never += 1; }, 5);
  await tick(40);
  assert.equal(never, 0);
});

test('later() runs once, unless the screen is left first', async () => {
  const turns = new ScreenTurns();
  let ran = 0;
  later(turns.next().signal, () => { ran += 1; }, 5);
  await until(() => ran === 1, 'the first call');
  const left = turns.next();
  later(left.signal, () => { ran += 10; }, 20);
  turns.next();
  await tick(60);
  assert.equal(ran, 1);
  // Cancelled (a newer refresh replaces it): never runs.
  const cancel = later(turns.next().signal, () => { ran += 100; }, 20);
  cancel();
  await tick(60);
  assert.equal(ran, 1);
});

test("a chat connection started with a screen's signal stops when the screen is left", () => {
  const turns = new ScreenTurns();
  const screen = turns.next();
  const conn = new ChatConnection({ path: '/api/v1/moderation/ws' });
  let opened = 0;
  conn.open = () => { opened += 1; }; // no socket in this test: only the lifecycle
  conn.start({ signal: screen.signal });
  assert.equal(opened, 1);
  assert.equal(conn.stopped, false);
  turns.next();
  assert.equal(conn.stopped, true);
  // A screen already left never starts one.
  const late = new ChatConnection({ path: '/api/v1/moderation/ws' });
  late.open = () => { opened += 1; };
  late.start({ signal: screen.signal });
  assert.equal(opened, 1);
  assert.equal(late.stopped, true);
});

test('parseHash splits the path and the query, decoding each segment', () => {
  const { segments, query } = parseHash('#/journal/entries/a%20b?deleted=1');
  assert.deepEqual(segments, ['journal', 'entries', 'a b']);
  assert.equal(query.get('deleted'), '1');
  assert.deepEqual(parseHash('').segments, []);
  assert.deepEqual(parseHash('#/bad/%E0%A4%A').segments, ['bad', '%E0%A4%A']);
});

test('the router: a screen hears the outbox while shown, and not after the person moves on', async () => {
  const YOUNG = { id: 'u1', username: 'sunny-otter-12', role: 'young_person', council_code: 'E06000044' };
  const server = await startApi(({ url }) => {
    if (url === '/api/v1/me') return { body: YOUNG };
    if (url.startsWith('/api/v1/messages/threads')) return { body: { items: [], total: 0 } };
    if (url.startsWith('/api/v1/me/restrictions')) return { body: { items: [], total: 0 } };
    if (url.startsWith('/api/v1/articles') || url.startsWith('/api/v1/topics')) return { body: { items: [], total: 0 } };
    return { status: 404, headers: { 'content-type': 'application/problem+json' }, body: { status: 404, detail: 'Not here' } };
  });
  try {
    document.body.innerHTML = '<nav id="staff-nav" hidden></nav><main id="main"></main><nav id="bottom-nav" hidden></nav>';
    window.location.hash = '#/messages';
    document.cookie = 'waymark_signed_in=1'; // the server's hint, set with the session cookie
    await import('../../pwa/js/app.js');
    const threadLoads = () => server.requests.filter((r) => r.url.startsWith('/api/v1/messages/threads')).length;
    await until(() => document.querySelector('#main h1') && threadLoads() >= 1, 'the messages screen');
    assert.equal(document.body.dataset.layout, 'young');

    // Shown: something sent from the outbox redraws the list.
    const before = threadLoads();
    window.dispatchEvent(new CustomEvent('waymark:outbox'));
    await until(() => threadLoads() > before, 'a redraw');

    // Left: the same event reaches nothing of the old screen.
    window.location.hash = '#/library';
    await until(() => document.querySelector('.screen-library'), 'the library');
    const afterLeaving = threadLoads();
    window.dispatchEvent(new CustomEvent('waymark:outbox'));
    await tick(100);
    assert.equal(threadLoads(), afterLeaving);
  } finally {
    await server.close();
  }
});
