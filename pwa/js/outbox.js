// The journal's offline outbox: check-ins, journal entries, goals and goal ratings made
// without a connection wait here until they can be sent.
//
// - IndexedDB database "waymark-outbox", one object store "items", keyed by client_id.
// - What an item says (its text, path, goal) is SEALED with the phone's journal key
//   (./device-key.js): a stored item is {client_id, kind, created_at, failed?, sealed}.
//   Log-out and Quick exit delete the key, not the outbox: what waits stays on the phone,
//   unreadable, and is opened and sent after the same person logs in again. Items this
//   phone can't open (locked, or someone else's) are not listed and never sent.
// - Each item is sent with its own client_id, so a retry after a lost answer never makes a
//   second copy (the server stores a client_id once and answers with the first record).
// - Sent on app start, on the `online` event, when the app comes back into view, whenever the
//   journal or messages are opened, and, while anything waits, again and again on its own
//   (3 s doubling to 60 s): a server that was down and is back fires no `online` event.
// - A rating of a goal that was itself made offline names the goal by its client_id; the
//   goal is sent first and the rating then finds the goal's real id.
// - An item the server refuses for good (a 4xx other than 401/429) is kept, marked
//   "couldn't send", so nothing disappears without the young person seeing it.
// Screens hear about changes through the window event "waymark:outbox".

import { api, ApiError } from './api.js';
import { inStore, openDatabase, seal, unseal, refreshDeviceKeys } from './device-key.js';
import { OUTBOX_DB } from './local-databases.js';

const STORE = 'items';
const EVENT = 'waymark:outbox';

const openDb = () => openDatabase(OUTBOX_DB, (db) => {
  if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'client_id' });
});

async function withStore(mode, fn) {
  return inStore(await openDb(), STORE, mode, fn);
}

function changed() {
  window.dispatchEvent(new CustomEvent(EVENT));
}

/** Every waiting item this phone can open, oldest first. Never throws (no IndexedDB: an empty list). */
export async function listOutbox() {
  try {
    const stored = (await withStore('readonly', (store) => store.getAll())) || [];
    const opened = await Promise.all(stored.map(async (item) => {
      const secret = await unseal(item.sealed);
      if (!secret) return null; // locked: waits for its owner's next log-in
      const { sealed, ...plain } = item;
      return { ...secret, ...plain };
    }));
    return opened.filter(Boolean).sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  } catch {
    return [];
  }
}

/** How many items wait sealed on this phone, whoever they belong to (for tests and log-out). */
export async function countSealed() {
  try {
    return await withStore('readonly', (store) => store.count());
  } catch {
    return 0;
  }
}

async function putItem(item) {
  const { client_id: clientId, kind, created_at: createdAt, failed, ...secret } = item;
  const sealed = await seal(secret);
  const stored = { client_id: clientId, kind, created_at: createdAt, sealed };
  if (failed) stored.failed = failed;
  await withStore('readwrite', (store) => store.put(stored));
  changed();
}

export async function removeFromOutbox(clientId) {
  try {
    await withStore('readwrite', (store) => store.delete(clientId));
  } catch { /* already gone */ }
  changed();
}

/** Is this error a lost connection (keep the item and try later) rather than a refusal? */
export function isNetworkError(err) {
  return !(err instanceof ApiError) || err.offline || err.status === 0 || err.status >= 500
    || err.status === 401 || err.status === 429;
}

/**
 * Send a write now, or keep it in the outbox when there is no connection.
 * item: { kind: 'mood'|'journal'|'goal'|'rating', path, body (with client_id), label,
 *         goal_client_id? (a rating of a goal made offline: path is filled in later) }.
 * Resolves to { sent: true, result } or { queued: true }. Throws ApiError for a refusal.
 */
export async function sendOrQueue(item) {
  const entry = { ...item, client_id: item.body.client_id, created_at: new Date().toISOString() };
  if (navigator.onLine !== false && entry.path) {
    try {
      const result = await api(entry.path, { method: 'POST', body: entry.body });
      return { sent: true, result };
    } catch (err) {
      if (!isNetworkError(err) || err.status === 401) throw err;
    }
  }
  try {
    await putItem(entry);
  } catch {
    throw new ApiError({ status: 0, offline: true, detail: "You're offline and this phone can't save it for later." });
  }
  retryLater();
  return { queued: true };
}

let flushing = null;
const RETRY_FIRST_MS = 3000;
const RETRY_MAX_MS = 60000;
let retryTimer = null;
let retryDelay = RETRY_FIRST_MS;

/**
 * Try again later: something waits that couldn't be sent (no connection, or the server is
 * down, which the phone can't tell from `navigator.onLine`). Backs off to once a minute.
 */
function retryLater() {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    flushOutbox().catch(() => {});
  }, retryDelay);
  if (retryTimer && typeof retryTimer.unref === 'function') retryTimer.unref(); // never holds a test run open
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
}

function retrySoon() {
  clearTimeout(retryTimer);
  retryTimer = null;
  retryDelay = RETRY_FIRST_MS;
}

/** Send everything waiting, oldest first. Resolves to how many were sent. */
export function flushOutbox() {
  if (!flushing) {
    flushing = doFlush().finally(() => { flushing = null; });
  }
  return flushing;
}

async function goalIdFor(goalClientId, madeNow) {
  if (madeNow.has(goalClientId)) return madeNow.get(goalClientId);
  const data = await api('/goals');
  const goal = ((data && data.items) || []).find((g) => g.client_id === goalClientId);
  return goal ? goal.id : null;
}

async function doFlush() {
  const items = await listOutbox();
  if (navigator.onLine === false) {
    if (items.some((i) => !i.failed)) retryLater(); // `online` may come; onLine is not always right
    return 0;
  }
  const madeGoals = new Map(); // goal client_id → id, for ratings of goals made offline
  let sent = 0;
  for (const item of items) {
    if (item.failed) continue;
    try {
      let path = item.path;
      if (!path && item.goal_client_id) {
        const goalId = await goalIdFor(item.goal_client_id, madeGoals);
        if (!goalId) {
          // Its goal is still waiting (or couldn't be sent): try again next time.
          if (items.some((i) => i.client_id === item.goal_client_id)) continue;
          await putItem({ ...item, failed: 'The goal for this rating is gone.' });
          continue;
        }
        path = `/goals/${encodeURIComponent(goalId)}/ratings`;
      }
      const result = await api(path, { method: 'POST', body: item.body });
      if (item.kind === 'goal' && result && result.id) madeGoals.set(item.client_id, result.id);
      await removeFromOutbox(item.client_id);
      sent += 1;
    } catch (err) {
      if (isNetworkError(err)) { // the connection went again: keep the rest in order, try later
        retryLater();
        return sent;
      }
      await putItem({ ...item, failed: err.detail || "This couldn't be sent." });
    }
  }
  retrySoon(); // all sent (or refused): the next wait starts short again
  return sent;
}

let started = false;

/**
 * Send waiting items now (after fetching this person's keys, so what was sealed before a
 * log-out or Quick exit opens again) and whenever the connection comes back. Called at
 * start-up and at every log-in.
 */
export async function startOutboxSync() {
  if (!started) {
    started = true;
    window.addEventListener('online', () => {
      retrySoon();
      refreshDeviceKeys().finally(() => flushOutbox().catch(() => {}));
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') flushOutbox().catch(() => {});
    });
  }
  if (navigator.onLine !== false) await refreshDeviceKeys();
  changed();
  return flushOutbox().catch(() => 0);
}

export const OUTBOX_EVENT = EVENT;
